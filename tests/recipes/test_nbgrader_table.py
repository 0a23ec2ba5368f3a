"""The README's nbgrader table, typed as written on a fresh copy of the repository, then its class report.

An instructor follows *A lesson, step by step* from the top of a fresh clone: the roster shown in the
README, nbgrader's own commands in the table's order, a right submission (alice) and an untouched one
(bob) put where ``collect`` would put them. Alice gets full points and Bob 0 in nbgrader's gradebook and
in the exported CSV; their feedback pages, opened in Chromium, show the verdict table with its hints and
no HTML source; no command prints a traceback or SQLAlchemy's warnings. Then the same steps for every
lesson at once, and the class report's commands. Every command comes from README.md itself.
"""
import csv
import json
import os
import re
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import readme  # noqa: E402

LESSON, NOTEBOOK, FUNCTION, POINTS = "01_one_hot", "one_hot.ipynb", "one_hot", 2
STEPS = ("students into the gradebook", "release", "due date", "collect", "autograde", "feedback", "grades")
EXCHANGE = re.compile(r"nbgrader (release_assignment|collect|zip_collect|release_feedback) ")  # test_exchange.py


def run(command, cwd, ok=(0,)):
    """A README command, typed in a shell at ``cwd``; its output (stdout and stderr together)."""
    done = subprocess.run(command, shell=True, cwd=cwd, capture_output=True, text=True, timeout=1200,
                          env=dict(os.environ, PYTHONPATH=str(cwd)))
    out = done.stdout + done.stderr
    assert done.returncode in ok, f"`{command}` exited {done.returncode}:\n{out[-4000:]}"
    assert "Traceback (most recent call last)" not in out, f"`{command}` printed a traceback:\n{out[-4000:]}"
    assert "SAWarning" not in out, f"`{command}` printed SQLAlchemy's warnings"
    return out


def answer(notebook, source):
    """The student copy with ``source`` as its graded cell."""
    nb = json.loads(notebook.read_text())
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") == FUNCTION:
            cell["source"] = source
    return json.dumps(nb)


def scores(csv_path):
    with open(csv_path, newline="") as f:
        return {(row["student_id"], row["assignment"]): float(row["score"]) for row in csv.DictReader(f)}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A fresh copy of the repository, with the roster the README shows."""
    work = readme.fresh_copy(tmp_path_factory.mktemp("clone") / "course")
    (roster,) = readme.code_blocks(readme.section("For instructors"), "csv")
    (work / "roster.csv").write_text(roster)
    return work


@pytest.fixture(scope="module")
def graded(course):
    """The table's nbgrader column, row by row, as typed (the steps an exchange needs are tested with one:
    tests/grader/test_exchange.py); collecting is done by hand, as the README describes."""
    from autograder.grader.reference import reference
    rows = {row.cells[0]: row for row in readme.table_after("**A lesson, step by step**")}
    assert list(rows) == list(STEPS), "the table's steps changed: say here what to run for each"
    outputs = {}
    for step, row in rows.items():
        commands = [c for c in row.commands(1) if re.match(readme.PROGRAMS + r"\s", c)]
        if step == "collect":
            assert commands[0] == f"nbgrader collect {LESSON}"  # with an exchange; here, by hand:
            released = course / "release" / LESSON / NOTEBOOK
            for student, source in (("alice", reference().source(FUNCTION)), ("bob", None)):
                folder = course / "submitted" / student / LESSON
                folder.mkdir(parents=True)
                (folder / NOTEBOOK).write_text(answer(released, source) if source else released.read_text())
            continue
        for command in commands:
            if not EXCHANGE.search(command):
                outputs[command] = run(command, course)
    return rows, outputs


def test_the_table_grades_a_right_answer_full_and_an_untouched_one_zero(course, graded):
    assert (course / "release" / LESSON / NOTEBOOK).exists()
    assert not subprocess.run(["git", "status", "--porcelain", "lessons"], cwd=course, capture_output=True,
                              text=True).stdout.strip(), "the steps changed the committed student copies"
    got = scores(course / "grades.csv")
    assert got[("alice", LESSON)] == POINTS and got[("bob", LESSON)] == 0
    results = json.loads((course / "results" / LESSON / "alice.json").read_text())
    assert results["passed"] and results["points"] == POINTS
    with open(course / "canvas.csv", newline="") as f:  # the LMS export the grades row shows
        rows = list(csv.reader(f))
    column = next(k for k, name in enumerate(rows[0]) if LESSON in name)
    assert rows[1][0].strip() == "Points Possible" and float(rows[1][column]) == POINTS
    login = rows[0].index("SIS Login ID")  # the nbgrader student id
    by_student = {row[login]: row[column] for row in rows[2:]}
    assert float(by_student["alice"]) == POINTS and float(by_student["bob"]) == 0


@pytest.fixture(scope="module")
def feedback_pages(course, graded):
    from browser import ARTIFACTS, available, browser_page
    if not available():
        if os.environ.get("CI"):
            pytest.fail("Chromium and Playwright are needed to read the feedback pages")
        pytest.skip("Chromium or Playwright is not installed")
    ARTIFACTS.mkdir(exist_ok=True)
    pages = {}
    with browser_page(width=1100, height=1400) as page:
        for student in ("alice", "bob"):
            path = course / "feedback" / student / LESSON / NOTEBOOK.replace(".ipynb", ".html")
            assert path.exists(), f"no feedback for {student}"
            page.goto(path.as_uri())
            verdict = page.locator(".output_html").filter(has_text=f"{FUNCTION}:").last
            verdict.scroll_into_view_if_needed()
            verdict.screenshot(path=str(ARTIFACTS / f"feedback-{student}.png"))
            pages[student] = (page.inner_text("body"), verdict.inner_text())
    return pages


HTML_SOURCE = re.compile(r"</?(tbody|thead|table|tr|td|th|details|summary|p|div|span|br|small|code)\b[^>]*>")


def test_feedback_pages_show_the_verdict_and_no_html_source(feedback_pages):
    for student, (body, verdict) in feedback_pages.items():
        assert not HTML_SOURCE.search(body), f"{student}'s feedback shows HTML source: " \
                                             f"{HTML_SOURCE.search(body).group(0)!r}"
    alice, bob = feedback_pages["alice"][1], feedback_pages["bob"][1]
    assert "✓" in alice and "✗" not in alice
    assert "✗" in bob and "not attempted" in bob and "NotImplementedError" in bob


def test_all_lessons_at_once_as_written(course, graded):
    rows, _ = graded
    for step in ("release", "autograde", "feedback", "grades"):
        for command in rows[step].commands(2):
            run(command, course)
    got = scores(course / "grades.csv")
    assert got[("alice", LESSON)] == POINTS and got[("bob", LESSON)] == 0
    assert (course / "release" / "23_finale").exists()


def test_the_class_report_as_written(course, graded):
    block = readme.block_commands(readme.code_blocks(readme.section("For instructors"), "bash")[-1])
    ran = 0
    for command in block:
        if "--db postgresql" in command:
            continue  # an example host: tests/grader/test_postgres.py runs it against a real server
        # `grade` exits 1 when anything fails: alice handed in one lesson of 21
        run(command, course, ok=(0, 1) if " grade " in command else (0,))
        ran += 1
    assert ran == 3
    page = (course / "report" / "index.html").read_text()
    assert "alice" in page and "bob" in page
    graded_json = json.loads((course / "grades" / "alice.json").read_text())
    lesson_1 = next(f for f in graded_json["functions"] if f["lesson"] == LESSON)
    assert lesson_1["points"] == POINTS
    assert "not handed in" in next(f for f in graded_json["functions"] if f["lesson"] != LESSON)["problem"]
