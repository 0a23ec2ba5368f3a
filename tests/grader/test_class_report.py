"""The class report on a simulated class of 42, graded end to end with the real nbgrader.

Forty students answer three lessons by a fixed rule over the course's own catalogue (right variants, the
course's version, catalogued mistakes, untouched stubs, no hand-in, a reformatted copy of a classmate's
mistake); a 41st is on the roster and hands in nothing; a 42nd hands in a notebook with its graded
cell deleted, one that is not valid JSON and one right answer. Each lesson is due on 2026-11-20 at 23:59 UTC
in the gradebook, and a few students hand in a day late. The class is released, autograded with
``classroom.autograde(jobs=2)`` under the course's nbgrader_config.py (sandboxed kernels, scores from
outside the kernel) and the report is made from the gradebook and results/. Every count in it must be
the one the rule implies, to the student; the page is opened in headless Chromium.

Artefacts (kept after the run, git-ignored): ``tests/artifacts/class-report.png`` (a screenshot of the
page) and ``tests/artifacts/class-report/`` (the page and its CSV files); ``TEST_ARTIFACTS`` moves them.
"""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path

import nbformat
import pytest
from coursekit import MUTANTS, VARIANTS, SUITES

from autograder.grader import classroom as instructor
from autograder.grader.classreport import make_report
from autograder.grader.provenance import fingerprint
from autograder.grader.reference import reference
from autograder.learner.course import load_course

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", ROOT / "tests" / "artifacts"))
COURSE = load_course()
LESSONS = [COURSE.lesson(i) for i in ("04_softmax", "10_get_predictions", "11_get_accuracy")]
N = 40                                # students s01..s40 answer by the rule below
SKEW = [0, 0, 0, 0, 1, 1, 2, 3]       # the j-th mistake of a lesson: one mistake common, others rarer
# The catalogued mistakes the class draws from, in this order: pinned, so that the catalogue can grow
# without changing the class and what this file expects of it (each must still be catalogued).
CLASS_MISTAKES = {
    "softmax": ["no_shift", "min_shift", "mean_shift", "wrong_axis", "sum_all", "global_shift", "shift_rows",
                "divide_by_max", "upcasts", "float32_result"],
    "get_predictions": ["keepdims", "argmin", "plus_one", "wrong_axis", "no_axis", "max_not_argmax"],
    "get_accuracy": ["count", "percent", "error_rate", "floor_division", "every_pair", "digit_sets"],
}
NAMES = ["Ada Okafor", "Ben Ito", "Chloé Martin", "Dev Patel", "Eva Novak", "Femi Adeyemi", "Gus Berg",
         "Hana Sato", "Ivan Petrov", "Jade Wong", "Kofi Mensah", "Lena Fischer", "Ana <i>Lima</i>", "Noah Kim",
         "Olga Ivanova", "Pablo Ruiz", "Qi Zhang", "Rosa Costa", "Sami Haddad", "Tara Singh", "Uma Rao",
         "Victor Hugo", "Wen Li", "Xavier Dupont", "Yara Nasser", "Zoe Brown", "Amir Karimi", "Bea Silva",
         "Cole Evans", "Dina Cohen", "Emil Lund", "Fay Murphy", "Gil Mor", "Hugo Lopez", "Ines Moreau",
         "Jon Berg", "Kai Tanaka", "Lia Rossi", "Max Weber", "Nia Jones", "Omar Aziz", "Pia Koch"]


@dataclass(frozen=True)
class Answer:
    kind: str                 # variant, course, mistake, stub, absent, copy, deleted, broken
    source: str | None = None
    mistake: str = ""         # the catalogued mistake it makes
    copy_of: str = ""         # copy: whose answer


def sid(k: int) -> str:
    return f"s{k + 1:02d}"


def personal(source: str, function: str, k: int) -> str:
    """A line of the student's own, so that two answers are never the same code unless one was copied."""
    lines = source.strip("\n").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(f"def {function}("))
    return "\n".join(lines[:at + 1] + [f"    attempt = {k + 1}"] + lines[at + 1:]) + "\n"


def reformatted(source: str) -> str:
    """The same code with other indentation, spacing, comments and a docstring: what a copier does."""
    out = ["# my answer", ""]
    for line in source.strip("\n").splitlines():
        text = line.lstrip(" ")
        depth = (len(line) - len(text)) // 4
        out.append("  " * depth + text.replace(", ", ",") + ("   # done" if text.startswith("return") else ""))
        if text.startswith("def "):
            out.append('  """Written by me."""')
    return "\n".join(out) + "\n\n"


def plan() -> dict[tuple[str, str], Answer]:
    """(student, lesson) -> Answer: the fixed rule, r = (k + 3i) mod 10 for student k on lesson i.

    r 0-4 a right variant; 5 the course's own version, verbatim; 6-7 a catalogued mistake (the j-th such
    student of the lesson makes mistake (SKEW[j] + i) of the catalogue); 8 an untouched stub (k < 10 or
    20 <= k < 30) or nothing handed in; 9 a reformatted copy of student k - 3's answer (an r = 6 mistake).
    """
    ref = reference()
    out: dict[tuple[str, str], Answer] = {}
    for i, lesson in enumerate(LESSONS):
        f = lesson.function
        ids = CLASS_MISTAKES[f]
        assert set(ids) <= set(MUTANTS[f]), f"the class makes mistakes {f}'s catalogue no longer has"
        writers = [k for k in range(N) if (k + 3 * i) % 10 in (6, 7)]
        for k in range(N):
            r = (k + 3 * i) % 10
            if r <= 4:
                variants = VARIANTS[f]
                answer = Answer("variant", personal(variants[k % len(variants)], f, k))
            elif r == 5:
                answer = Answer("course", ref.source(f))
            elif r in (6, 7):
                mistake = ids[(SKEW[writers.index(k)] + i) % len(ids)]
                answer = Answer("mistake", personal(MUTANTS[f][mistake], f, k), mistake)
            elif r == 8:
                answer = Answer("stub") if (k // 10) % 2 == 0 else Answer("absent")
            else:
                answer = None  # copies are filled in below, from what they copy
            out[(sid(k), lesson.id)] = answer
        for k in range(N):
            if (k + 3 * i) % 10 == 9:
                original = out[(sid((k - 3) % N), lesson.id)]
                out[(sid(k), lesson.id)] = Answer("copy", reformatted(original.source), original.mistake,
                                                  sid((k - 3) % N))
    # s41: on the roster, hands in nothing. s42: a deleted graded cell, a notebook cut short, one right answer.
    for lesson in LESSONS:
        out[("s41", lesson.id)] = Answer("absent")
    out[("s42", LESSONS[0].id)] = Answer("deleted")
    out[("s42", LESSONS[1].id)] = Answer("broken", ref.source(LESSONS[1].function))
    out[("s42", LESSONS[2].id)] = Answer("variant", personal(VARIANTS[LESSONS[2].function][0],
                                                             LESSONS[2].function, 41))
    return out


PLAN = plan()
STUDENTS = [sid(k) for k in range(42)]
STATUS = {"variant": "passing", "course": "passing", "mistake": "failing", "copy": "failing",
          "stub": "not attempted", "absent": "not handed in", "deleted": "cannot be graded",
          "broken": "cannot be graded"}


def expected_status(student, lesson):
    return STATUS[PLAN[(student, lesson.id)].kind]


DUE = "2026-11-20 23:59:00"
ON_TIME, LATE = "2026-11-19 09:00:00.000000 UTC", "2026-11-21 10:30:00.000000 UTC"  # late by 10 h 31 min


def late(student, lesson) -> bool:
    """Students s01-s40 hand in a day late now and then, by a fixed rule."""
    k, i = STUDENTS.index(student), LESSONS.index(lesson)
    return k < 40 and PLAN[(student, lesson.id)].kind != "absent" and (k + 2 * i) % 9 == 4


def submit(root, student, lesson, answer: Answer):
    if answer.kind == "absent":
        return
    folder = root / "submitted" / student / lesson.id
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(root / "release" / lesson.id / lesson.notebook, as_version=4)
    ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells]
    # the set-up, imports and toolbox, the graded cell and its check: the demonstrations (and the plotting
    # import only they use) are left out, as a student may, to keep 120 real autogrades within the test's time
    nb.cells = [c for i, c in enumerate(nb.cells) if i <= ids.index("toolbox")
                or ids[i] in (lesson.function, f"check_{lesson.function}")]
    for cell in nb.cells:
        if cell.cell_type == "code" and "nbgrader" not in cell.get("metadata", {}):
            cell.source = cell.source.replace("import matplotlib.pyplot as plt\n", "")
    graded = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == lesson.function]
    if answer.source is not None:
        graded[0].source = answer.source
    if answer.kind == "deleted":
        nb.cells = [c for c in nb.cells if c not in graded]
    nbformat.write(nb, folder / lesson.notebook)
    if answer.kind == "broken":
        path = folder / lesson.notebook
        path.write_text(path.read_text()[:4000])
    (folder / "timestamp.txt").write_text(LATE if late(student, lesson) else ON_TIME)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from nbgrader.api import Gradebook

    root = tmp_path_factory.mktemp("class")
    shutil.copytree(ROOT / "solutions", root / "solutions", ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    shutil.copy(ROOT / "nbgrader_config.py", root)
    api = instructor.api_for(root, db_url=f"sqlite:///{root}/gradebook.db")
    instructor.release(api, [l.id for l in LESSONS])
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:  # the roster, as `nbgrader db student import`
        for k, student in enumerate(STUDENTS):
            first, last = NAMES[k].split(" ", 1)
            gb.update_or_create_student(student, first_name=first, last_name=last)
        for lesson in LESSONS:  # as `nbgrader db assignment add LESSON --duedate=...`
            gb.update_or_create_assignment(lesson.id, duedate=datetime.fromisoformat(DUE))
    for (student, lesson_id), answer in PLAN.items():
        submit(root, student, COURSE.lesson(lesson_id), answer)
    done, failed = instructor.autograde(api, [l.id for l in LESSONS], jobs=2)
    out = root / "report"
    written = make_report(root, out)
    if ARTIFACTS:
        shutil.rmtree(ARTIFACTS / "class-report", ignore_errors=True)
        shutil.copytree(out, ARTIFACTS / "class-report")
    return {"root": root, "api": api, "failed": failed, "written": written, "report": written.report, "out": out}


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_class_was_graded_as_planned(graded):
    assert {(l, s) for l, s, _ in graded["failed"]} == {(LESSONS[1].id, "s42")}  # only the notebook cut short
    scores = instructor.scores(graded["api"])
    for (student, lesson_id), answer in PLAN.items():
        lesson = COURSE.lesson(lesson_id)
        want = lesson.points if STATUS[answer.kind] == "passing" else 0
        assert scores.get((student, lesson_id), 0) == want, (student, lesson_id, answer.kind)


def test_every_student_and_lesson_has_the_planned_status(graded):
    report = graded["report"]
    assert [s.student.id for s in report.students] == STUDENTS
    got = {(s.student.id, lid): sub.status for s in report.students for lid, sub in s.submissions.items()}
    assert got == {(s, l.id): expected_status(s, l) for s in STUDENTS for l in LESSONS}
    names = {s.student.id: s.student.name for s in report.students}
    assert names["s01"] == "Ada Okafor" and names["s41"] == "Omar Aziz"


def test_per_lesson_counts_and_shares_are_exact(graded):
    report = graded["report"]
    table = {r["lesson"]: r for r in rows(graded["out"] / "lessons.csv")}
    for summary, lesson in zip(report.lessons, LESSONS):
        want = Counter(expected_status(s, lesson) for s in STUDENTS)
        assert {k: summary.count(k) for k in want} == dict(want)
        # literal numbers, as the rule gives them: 24 of the 40 pass, 12 fail, 2 stubs, 2 + s41 not in
        assert (want["passing"], want["failing"], want["not attempted"], want["not handed in"]) == \
            ((25, 12, 2, 3) if lesson == LESSONS[2] else (24, 12, 2, 3))
        row = table[lesson.id]
        assert int(row["passing"]) == want["passing"] and int(row["students"]) == 42
        assert float(row["passing_share"]) == round(want["passing"] / 42, 4)
        assert int(row["tried"]) == want["passing"] + want["failing"]
        assert row["score_counts"] == f"0:{want['failing'] + want['not attempted'] + want['cannot be graded']} " \
                                      f"{lesson.points}:{want['passing']}"
        # the course's own code is flagged where it is long enough to tell (softmax); short code never is
        assert int(row["course_copies"]) == (4 if lesson.function == "softmax" else 0) and row["reached"] == "yes"


def expected_mistakes(lesson):
    named = Counter(PLAN[(s, lesson.id)].mistake for s in STUDENTS
                    if PLAN[(s, lesson.id)].kind in ("mistake", "copy"))
    return named


def test_mistakes_are_ranked_by_frequency_in_the_catalogues_words(graded):
    report = graded["report"]
    mistakes_csv = rows(graded["out"] / "mistakes.csv")
    html = (graded["out"] / "index.html").read_text()
    for summary, lesson in zip(report.lessons, LESSONS):
        want = expected_mistakes(lesson)
        tried = 36 if lesson != LESSONS[2] else 37
        got = {m.id: m.count for m in summary.mistakes}
        assert got == dict(want)
        counts = [m.count for m in summary.mistakes]
        assert counts == sorted(counts, reverse=True)
        titles = {m.id: m for m in SUITES[lesson.function].mistakes}
        for m in summary.mistakes:
            assert m.tried == tried and m.title == titles[m.id].title and m.hint == titles[m.id].hint
            students = sorted(s for s in STUDENTS if PLAN[(s, lesson.id)].mistake == m.id)
            assert sorted(m.students) == students
            pct = f"{100 * want[m.id] / tried:.0f}%"
            assert f'<span class="pct">{pct}</span></td><td class="num">{want[m.id]} of {tried}</td>' in html
        assert summary.unexplained == []
        csv_rows = [r for r in mistakes_csv if r["lesson"] == lesson.id]
        assert [(r["mistake"], int(r["students"])) for r in csv_rows] == [(m.id, m.count) for m in summary.mistakes]
        assert all(float(r["share_of_tried"]) == round(int(r["students"]) / tried, 4) for r in csv_rows)
    # literal: softmax (i = 0): 8 mistake writers, and 4 copies of the r = 6 ones
    softmax = report.lessons[0]
    assert [(m.id, m.count) for m in softmax.mistakes] == [("no_shift", 6), ("min_shift", 3), ("mean_shift", 2),
                                                           ("wrong_axis", 1)]
    assert "17%</span> of the 36 who tried lesson 4 (<code>softmax</code>): softmax without subtracting the " \
           "maximum (the original notebook&#x27;s version)." in html


def test_the_check_failed_most_often_is_the_one_the_mistakes_fail(graded, oracle):
    from autograder.grader.cell import grade_source
    report = graded["report"]
    for summary, lesson in zip(report.lessons, LESSONS):
        f = lesson.function
        failing_checks = {m: {r.id for r in grade_source(f, MUTANTS[f][m], oracle).results if r.status == "fail"}
                          for m in MUTANTS[f]}
        want = Counter()
        for student in STUDENTS:
            answer = PLAN[(student, lesson.id)]
            if answer.kind in ("mistake", "copy"):
                want.update(failing_checks[answer.mistake])
        got = {c.id: c.count for c in summary.checks}
        assert got == dict(want)
        top = max(want.values())
        assert summary.checks[0].count == top and want[summary.checks[0].id] == top
    # softmax: all four mistakes (12 answers) fail the column where one score towers over the rest;
    # no_shift, min_shift and mean_shift (6 + 3 + 2) hold a NaN somewhere, which the check "has no NaN"
    # (every visible case) reports first
    assert [(c.purpose, c.count) for c in report.lessons[0].checks[:2]] == [
        ("stays finite when one score of a column towers over the rest", 12),
        ("has no NaN or infinite values", 11)]


def test_falling_behind_follows_the_stated_rule(graded):
    report = graded["report"]
    behind = set()
    for student in STUDENTS:  # all three lessons are reached (handed in by 39 of 42): 2 of 3 not passed
        not_passed = [l for l in LESSONS if expected_status(student, l) != "passing"]
        if len(not_passed) >= 2:
            behind.add(student)
    assert report.reached == [l.id for l in LESSONS] and report.behind_threshold == 2
    assert {s.student.id for s in report.falling_behind} == behind
    assert len(behind) == 10 and {"s41", "s42"} <= behind
    table = {r["student"]: r for r in rows(graded["out"] / "students.csv")}
    assert {s for s, r in table.items() if r["falling_behind"] == "yes"} == behind
    assert table["s41"]["reached_lessons_not_passed"] == " ".join(l.id for l in LESSONS)
    assert table["s42"]["cannot_be_graded"] == "2" and table["s42"]["passing"] == "1"


def test_due_dates_and_late_hand_ins_come_from_the_gradebook(graded):
    report = graded["report"]
    for summary, lesson in zip(report.lessons, LESSONS):
        assert summary.due == datetime.fromisoformat(DUE)
        want = {s for s in STUDENTS if late(s, lesson)}
        assert set(summary.late) == want and want  # a few each lesson
        assert {round(t) for t in summary.late.values()} == {(10 * 60 + 31) * 60}
    table = {r["student"]: r for r in rows(graded["out"] / "students.csv")}
    for student in STUDENTS:
        assert int(table[student]["late"]) == sum(late(student, l) for l in LESSONS)
    page = (graded["out"] / "index.html").read_text()
    first = sorted((s for s in STUDENTS if late(s, LESSONS[0])), key=STUDENTS.index)
    assert f"Due 2026-11-20 23:59 UTC; reached: its due date has passed. Handed in late by {len(first)}: " + \
        ", ".join(f"{s} (10 h 31 min)" for s in first) + "." in page
    assert page.count('late" title=') == sum(late(s, l) for s in STUDENTS for l in LESSONS)


def test_the_page_never_shows_a_mistake_id(graded):
    page = (graded["out"] / "index.html").read_text()
    for lesson in LESSONS:
        for mistake in SUITES[lesson.function].mistakes:
            if "_" in mistake.id:  # ids like no_shift, error_rate: never words a teacher reads
                assert mistake.id not in page, mistake.id
    # the falling-behind table says what went wrong in the hints' own words
    behind = page[page.index('<table id="behind">'):]
    behind = behind[:behind.index("</table>")]
    said = 0
    for summary in graded["report"].falling_behind:
        for lesson_id in summary.not_passed_reached:
            answer = PLAN[(summary.student.id, lesson_id)]
            if answer.mistake:
                title = next(m.title for m in SUITES[COURSE.lesson(lesson_id).function].mistakes
                             if m.id == answer.mistake)
                assert "failing: " + escape(title) in behind
                said += 1
    assert said >= 3


def test_flags_for_course_copies_and_identical_submissions(graded):
    report = graded["report"]
    copies = {(f.student, f.lesson) for f in report.flags if f.kind == "course copy"}
    assert copies == {(s, l) for (s, l), a in PLAN.items() if a.kind == "course" and l == "04_softmax"}
    identical = {(g.lesson, frozenset(g.students)) for g in report.identical}
    want = {(l, frozenset({s, a.copy_of})) for (s, l), a in PLAN.items() if a.kind == "copy"}
    want |= {(l.id, frozenset(s for s in STUDENTS if PLAN[(s, l.id)].kind == "course")) for l in LESSONS}
    assert identical == want  # stubs, all the same code, are left out
    for g in report.identical:  # softmax's code is long enough to count; the course's one-liners are short
        assert g.short == fingerprint(PLAN[(g.students[0], g.lesson)].source).short
        if g.lesson == "04_softmax" or g.course_copy:
            assert g.short == (g.lesson != "04_softmax")
    flagged = {(f.student, f.lesson) for f in report.flags if f.kind == "identical"}  # copies of a classmate
    assert flagged == {(s, l) for (c, l), a in PLAN.items() if a.kind == "copy" and not fingerprint(a.source).short
                       for s in (c, a.copy_of)}  # softmax's, and a catalogued mistake long enough to count
    assert {l for s, l in flagged} >= {"04_softmax"}
    copier = next(s for (s, l), a in PLAN.items() if a.kind == "copy" and l == "04_softmax")
    results = json.loads((graded["root"] / "results" / "04_softmax" / f"{copier}.json").read_text())
    assert re.fullmatch(r"[0-9a-f]{16}", results["source_digest"]) and results["source_tokens"] >= 25
    assert "def softmax" not in json.dumps({k: v for k, v in results.items() if k != "checks"})


def test_a_folder_of_grade_json_outputs_makes_the_same_verdicts(graded, tmp_path):
    """`grade --json` for three students, without nbgrader: the same statuses, mistakes and fingerprints."""
    from autograder.grader.grade import grade_path
    folder = tmp_path / "grades"
    folder.mkdir()
    chosen = ["s04", "s07", "s10"]  # a copier, and what they copied
    for student in chosen:
        grade = grade_path(graded["root"] / "submitted" / student, jobs=2)
        (folder / f"{student}.json").write_text(json.dumps(grade.to_dict()))
    (tmp_path / "course").mkdir()
    written = make_report(tmp_path / "course", tmp_path / "out", grades=folder)
    assert written.report.data.sources[0].startswith("no gradebook")
    nbgrader_view = graded["report"].data.submissions
    for (student, lesson_id), sub in written.report.data.submissions.items():
        theirs = nbgrader_view[(student, lesson_id)]
        assert (sub.status, sub.mistakes, sub.digest, sub.score) == \
            (theirs.status, theirs.mistakes, theirs.digest, theirs.score)
    assert any(not g.short for g in written.report.identical)


def test_the_command_line(graded, tmp_path, capsys):
    from autograder.__main__ import main
    moved = tmp_path / "elsewhere.db"  # a gradebook that is not where nbgrader_config.py says: --db
    shutil.copy(graded["root"] / "gradebook.db", moved)
    code = main(["report", "--root", str(graded["root"]), "--db", f"sqlite:///{moved}", "--out", str(tmp_path / "out"),
                 "--behind", "3"])
    text = capsys.readouterr().out
    assert code == 0, text
    assert "42 students, 3 lessons" in text and "falling behind: 1 (s41)" in text  # none else missed all three
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["index.html", "lessons.csv", "mistakes.csv",
                                                                    "students.csv", "submissions.csv"]
    assert f"gradebook sqlite:///{moved}" in (tmp_path / "out" / "index.html").read_text()
    assert main(["report", "--root", str(tmp_path / "nowhere")]) == 2


def test_the_page_is_self_contained_and_escapes_what_it_shows(graded):
    html = (graded["out"] / "index.html").read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)
    assert "<script" not in html.lower() and "@import" not in html
    assert "Ana &lt;i&gt;Lima&lt;/i&gt;" in html and "<i>Lima" not in html
    assert html.count("data:image/png;base64,") == 2
    for answer in PLAN.values():  # no learner's code on the page
        if answer.kind == "mistake":
            assert answer.source.strip().splitlines()[-1].strip() not in html


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def test_the_page_reads_in_a_browser_offline(graded):
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    requested = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1180, "height": 900})
            page.route("**/*", lambda route: (requested.append(route.request.url), route.abort())
                       if not route.request.url.startswith(("file:", "data:")) else route.continue_())
            page.goto((graded["out"] / "index.html").as_uri())
            page.wait_for_load_state("load")
            for text in ("What the class misunderstood", "Where the class stands", "Falling behind: 10 of 42",
                         "24 of 42 students pass (57%)", "Check failed most often",
                         f"Identical submissions: {sum(not g.short for g in graded['report'].identical)} groups",
                         "Code that matches the course's own version: 4"):
                assert page.get_by_text(text, exact=False).first.is_visible(), text
            first = page.locator("ol.top li").first.inner_text()
            assert first.startswith("17% of the 36 who tried lesson 4 (softmax): softmax without subtracting the "
                                    "maximum"), first
            assert page.locator("table#behind tr").count() == 1 + 10
            assert page.locator("table#grid tr").count() == 1 + 42
            heads = page.locator("table#grid tr").first.locator("th").all_inner_texts()
            assert heads[-7:] == ["passing", "failing", "cannot be graded", "not attempted", "not handed in", "late",
                                  "flags"]
            # hover text in the hints' words, and how late
            copier = next(s for (s, l), a in PLAN.items() if a.kind == "copy" and l == "04_softmax")
            row = page.locator("table#grid tr", has=page.locator(f"td:text-is('{copier}')"))
            tip = row.locator("td.s").first.get_attribute("title")
            title = next(m.title for m in SUITES["softmax"].mistakes if m.id == PLAN[(copier, "04_softmax")].mistake)
            assert tip.startswith(f"failing: {title}"), tip
            assert page.locator("td.s.late").count() == sum(late(s, l) for s in STUDENTS for l in LESSONS)
            s41 = page.locator("table#grid tr", has=page.locator("td:text-is('s41')")).locator("td.num")
            assert s41.all_inner_texts()[1:] == ["0", "0", "0", "0", "3", "0"]  # not handed in, not "not attempted"
            loaded = page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 300)")
            assert loaded
            if ARTIFACTS:
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "class-report.png"), full_page=True)
        finally:
            browser.close()
    assert requested == []
