"""The class report's rules, on small hand-made inputs (no grading, no nbgrader run): fingerprints, the
falling-behind threshold, how sources are joined, and what the page and the CSV files refuse to carry."""
import csv
import html
import json
import re
from pathlib import Path

import pytest

from autograder.grader.classreport import ReportError, make_report
from autograder.grader.classreport.aggregate import behind_threshold
from autograder.grader.classreport.collect import _safe_url, collect
from autograder.grader.provenance import SHORT, fingerprint
from autograder.learner.course import load_course

COURSE = load_course()
SOFTMAX = COURSE.lesson_for("softmax")
RELU = COURSE.lesson_for("relu")


def test_a_fingerprint_ignores_layout_comments_and_docstrings_but_not_code():
    a = "def relu(Z):\n    return np.maximum(Z, 0)\n"
    b = '# mine\n\ndef relu( Z ):\n  """My ReLU."""\n  return np.maximum( Z,0 )   # done\n'
    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(a).digest != fingerprint("def relu(Z):\n    return np.maximum(0, Z)\n").digest
    assert fingerprint(a).short and fingerprint(a).tokens < SHORT
    assert fingerprint("def f(:\n").digest != fingerprint("def g(:\n").digest  # code that does not parse


@pytest.mark.parametrize("reached, behind, want", [(0, 2, 2), (1, 2, 2), (3, 2, 2), (8, 2, 2), (9, 2, 3),
                                                   (13, 2, 4), (13, 5, 5), (3, 1, 1)])
def test_falling_behind_needs_a_quarter_of_the_reached_lessons_and_at_least_the_minimum(reached, behind, want):
    assert behind_threshold(reached, behind) == want


def result(student, lesson, passed=True, mistake="", digest="abcd", tokens=40, not_attempted=False, flags=()):
    checks = [{"name": "values:fixed", "purpose": "gives the right values", "status": "pass" if passed else "fail",
               "mistake": mistake, "hint": "the hint" if mistake else ""}]
    return {"student": student, "lesson": lesson.id, "function": lesson.function, "points": lesson.points if passed
            else 0, "max_points": lesson.points, "passed": passed and not not_attempted, "not_attempted": not_attempted,
            "problem": "", "flags": list(flags), "mistakes": [mistake] if mistake else [], "checks": checks,
            "source_digest": digest, "source_tokens": tokens}


def write_results(root, rows):
    for row in rows:
        folder = root / "results" / row["lesson"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{row['student']}.json").write_text(json.dumps(row))


def test_results_alone_make_a_report_and_no_gradebook_is_created(tmp_path):
    write_results(tmp_path, [result("=cmd|' -C calc'!A0", SOFTMAX, False, "no_shift", digest="1"),
                             result("bob", SOFTMAX, False, "no_shift", digest="1"),
                             result("carol", SOFTMAX, True, digest="2"),
                             result("dan", SOFTMAX, False, not_attempted=True, digest="3"),
                             result("erin", SOFTMAX, False, not_attempted=True, digest="3")])
    (tmp_path / "results" / "99_nowhere").mkdir()
    (tmp_path / "results" / SOFTMAX.id / "broken.json").write_text("{")
    written = make_report(tmp_path)
    assert not (tmp_path / "gradebook.db").exists()
    r = written.report
    assert [l.lesson.id for l in r.lessons] == [SOFTMAX.id]
    softmax = r.lessons[0]
    assert (softmax.count("passing"), softmax.count("failing"), softmax.count("not attempted")) == (1, 2, 2)
    assert [(m.id, m.count, m.tried) for m in softmax.mistakes] == [("no_shift", 2, 3)]
    assert softmax.mistakes[0].title.startswith("softmax without subtracting the maximum")  # the catalogue's words
    assert [sorted(g.students) for g in r.identical] == [sorted(["=cmd|' -C calc'!A0", "bob"])]  # stubs left out
    assert any("99_nowhere" in w for w in r.data.warnings) and any("broken.json" in w for w in r.data.warnings)
    with open(tmp_path / "report" / "students.csv", newline="") as f:
        students = [row["student"] for row in csv.DictReader(f)]
    assert "'=cmd|' -C calc'!A0" in students  # a spreadsheet shows it; it does not run it
    page = (tmp_path / "report" / "index.html").read_text()
    assert "=cmd|&#x27; -C calc&#x27;!A0" in page


def test_an_explicit_lesson_is_reported_even_with_nothing_handed_in(tmp_path):
    write_results(tmp_path, [result("ann", SOFTMAX)])
    r = make_report(tmp_path, lessons=[RELU.id, SOFTMAX.id]).report
    assert [l.lesson.id for l in r.lessons] == [RELU.id, SOFTMAX.id]
    assert r.lessons[0].count("not handed in") == 1 and not r.lessons[0].reached


def test_nothing_to_report_says_what_to_do(tmp_path):
    with pytest.raises(ReportError, match="Autograde first"):
        collect(tmp_path)
    with pytest.raises(ReportError, match="is not a folder"):
        collect(tmp_path / "missing")


def test_a_database_password_never_reaches_the_page():
    assert _safe_url("postgresql://grader:s3cret@db.example.org/gradebook") == \
        "postgresql://grader:***@db.example.org/gradebook"


def test_grade_json_lessons_not_handed_in_are_left_out(tmp_path):
    grades = tmp_path / "grades"
    grades.mkdir()
    relu = dict(result("ann", RELU), name="relu", handed_in=False)
    softmax = dict(result("ann", SOFTMAX), name="softmax", handed_in=True)
    (grades / "ann.json").write_text(json.dumps({"path": "submitted/ann", "functions": [relu, softmax]}))
    (grades / "bad.json").write_text(json.dumps({"error": "submitted/bad does not exist"}))
    r = make_report(tmp_path, grades=grades).report
    assert [l.lesson.id for l in r.lessons] == [SOFTMAX.id]
    assert any("submitted/bad does not exist" in w for w in r.data.warnings)
    assert Path(tmp_path / "report" / "index.html").exists()


def test_a_lesson_past_its_due_date_is_reached_however_few_handed_it_in(tmp_path):
    from datetime import datetime

    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{tmp_path}/gradebook.db", "course") as gb:
        for student in ("ann", "bob", "cat", "dan"):
            gb.add_student(student, first_name=student.title(), last_name="Doe")
        gb.add_assignment(SOFTMAX.id, duedate=datetime(2020, 1, 1))
        gb.add_assignment(RELU.id, duedate=datetime(2999, 1, 1))
    write_results(tmp_path, [result("ann", SOFTMAX), result("ann", RELU)])
    r = make_report(tmp_path, db_url=f"sqlite:///{tmp_path}/gradebook.db").report
    reached = {l.lesson.id: (l.reached, l.reached_why) for l in r.lessons}
    assert reached[SOFTMAX.id] == (True, "its due date has passed")
    assert reached[RELU.id] == (False, "handed in by 1 of 4")
    assert r.class_size == 4 and [s.student.label for s in r.students][0] == "Ann Doe (ann)"
    assert {s.student.id for s in r.falling_behind} == set()  # one reached lesson: below the minimum of two
    r = make_report(tmp_path, db_url=f"sqlite:///{tmp_path}/gradebook.db", behind=1).report
    assert {s.student.id for s in r.falling_behind} == {"bob", "cat", "dan"}


def test_the_page_names_mistakes_by_their_titles_and_keeps_the_states_apart(tmp_path):
    """Falling-behind table, grid hover text and identical groups in the hints' own words; "cannot be
    graded" apart from "failing", "not handed in" apart from "not attempted"."""
    get_predictions = COURSE.lesson_for("get_predictions")
    rows = [result("ann", SOFTMAX, False, "no_shift", digest="s1"), result("ann", RELU, False, "python_max", digest="r1"),
            result("ann", get_predictions, False, "plus_one", digest="g1"),
            result("bob", SOFTMAX, False, "no_shift", digest="s1"), result("bob", RELU, digest="r2"),
            result("bob", get_predictions, digest="g2"),
            dict(result("cat", SOFTMAX, False, digest=None), problem="the graded cell for softmax is missing",
                 checks=[], mistakes=[]),
            result("cat", RELU, False, not_attempted=True, digest="stub"),
            result("cat", get_predictions, digest="g3")]
    write_results(tmp_path, rows)
    # dan is on the roster and hands in nothing
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{tmp_path}/gradebook.db", "course") as gb:
        for student in ("ann", "bob", "cat", "dan"):
            gb.add_student(student)
    written = make_report(tmp_path, db_url=f"sqlite:///{tmp_path}/gradebook.db")
    page = written.page.read_text()
    from autograder.learner.functions import suite
    for function, ids in (("softmax", ["no_shift"]), ("relu", ["python_max"]), ("get_predictions", ["plus_one"])):
        titles = {m.id: m.title for m in suite(function).mistakes}
        for mistake in ids:
            assert mistake not in page  # no internal id anywhere on the page
            assert html.escape(titles[mistake]) in page
    behind = page[page.index('<table id="behind">'):page.index("</table>", page.index('<table id="behind">'))]
    assert "failing: " + html.escape(suite("softmax").mistakes[[m.id for m in suite("softmax").mistakes]
                                                             .index("no_shift")].title) in behind
    groups = page[page.index("Identical submissions"):]
    assert "mistake: softmax without subtracting the maximum" in groups
    r = written.report
    counts = {s.student.id: {st: s.count(st) for st in ("passing", "failing", "cannot be graded", "not attempted",
                                                         "not handed in")} for s in r.students}
    assert counts["cat"] == {"passing": 1, "failing": 0, "cannot be graded": 1, "not attempted": 1,
                             "not handed in": 0}
    assert counts["dan"] == {"passing": 0, "failing": 0, "cannot be graded": 0, "not attempted": 0,
                             "not handed in": 3}
    grid = page[page.index('<table class="grid"'):]
    head = grid[:grid.index("</tr>")]
    for column in ("failing", "cannot be graded", "not attempted", "not handed in", "late"):
        assert f"<th>{column}</th>" in head
    dan = grid[grid.index("<td>dan</td>"):]
    dan = dan[:dan.index("</tr>")]
    cells = re.findall(r'<td class="num">([^<]*)</td>', dan)
    assert cells == ["0 / 5", "0", "0", "0", "0", "3", "0"]  # score, then each state, then late


def test_failures_no_mistake_explains_show_their_first_failing_check(tmp_path):
    def failing(student, first, then):
        return {**result(student, SOFTMAX, False, digest=student),
                "checks": [{"name": "shape", "purpose": "keeps the shape", "status": "pass"},
                           {"name": first, "purpose": f"purpose of {first}", "status": "fail", "hidden": first == "h"},
                           {"name": then, "purpose": f"purpose of {then}", "status": "fail"}]}
    write_results(tmp_path, [failing("ann", "sums", "finite"), failing("bob", "sums", "x"), failing("cat", "h", "sums"),
                             result("dan", SOFTMAX)])
    r = make_report(tmp_path).report
    (softmax,) = r.lessons
    assert sorted(softmax.unexplained) == ["ann", "bob", "cat"]
    assert [(f.purpose, f.hidden, sorted(f.students)) for f in softmax.first_failures] == \
        [("purpose of sums", False, ["ann", "bob"]), ("purpose of h", True, ["cat"])]
    page = (tmp_path / "report" / "index.html").read_text()
    assert "first failing check “purpose of sums”: 2" in page and "“purpose of h” (hidden check): 1" in page


def test_due_dates_lateness_and_penalties_come_from_the_gradebook(tmp_path):
    from datetime import datetime, timedelta

    from nbgrader.api import Gradebook
    due = datetime(2026, 11, 20, 9, 0)
    with Gradebook(f"sqlite:///{tmp_path}/gradebook.db", "course") as gb:
        gb.add_assignment(SOFTMAX.id, duedate=due)
        gb.add_notebook("softmax", SOFTMAX.id)
        gb.add_grade_cell("check_softmax", "softmax", SOFTMAX.id, max_score=3, cell_type="code")
        for student, stamp, extension in (("ann", due - timedelta(hours=1), None),
                                          ("bob", due + timedelta(minutes=95), None),
                                          ("cat", due + timedelta(hours=2), timedelta(days=1))):
            gb.add_student(student)
            gb.add_submission(SOFTMAX.id, student, timestamp=stamp, extension=extension)
            gb.find_grade("check_softmax", "softmax", SOFTMAX.id, student).auto_score = 3.0
        gb.find_submission_notebook("softmax", SOFTMAX.id, "bob").late_submission_penalty = 1.0
        gb.db.commit()
    write_results(tmp_path, [result(s, SOFTMAX, digest=s) for s in ("ann", "bob", "cat")])
    written = make_report(tmp_path, db_url=f"sqlite:///{tmp_path}/gradebook.db")
    (softmax,) = written.report.lessons
    assert softmax.due == due and softmax.late == {"bob": 95 * 60.0}  # cat's extension covers her
    subs = written.report.data.submissions
    assert subs[("bob", SOFTMAX.id)].score == 2.0 and subs[("ann", SOFTMAX.id)].score == 3.0  # penalty taken off
    page = written.page.read_text()
    assert "Due 2026-11-20 09:00 UTC; reached: its due date has passed. Handed in late by 1: bob (1 h 35 min)." in page
    assert 'class="s st-passing late" title="passing; handed in 1 h 35 min late"' in page
    with open(tmp_path / "report" / "submissions.csv", newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert rows["bob"]["seconds_late"] == "5700" and rows["bob"]["late_penalty"] == "1"
    assert rows["ann"]["seconds_late"] == "0" and rows["ann"]["handed_in_utc"] == "2026-11-20 08:00:00"
    with open(tmp_path / "report" / "lessons.csv", newline="") as f:
        (lesson,) = list(csv.DictReader(f))
    assert lesson["due_utc"] == "2026-11-20 09:00:00" and lesson["late"] == "1"


def test_a_share_of_the_points_in_a_result_is_the_score(tmp_path):
    write_results(tmp_path, [{**result("ann", SOFTMAX, False, "no_shift"), "points": 2.25, "scoring": "per-check"},
                             {**result("bob", SOFTMAX, False, "no_shift"), "points": 7},  # more than the lesson: no
                             result("cat", SOFTMAX)])
    r = make_report(tmp_path).report
    scores = {s: r.data.submission(s, SOFTMAX.id).score for s in ("ann", "bob", "cat")}
    assert scores == {"ann": 2.25, "bob": 0, "cat": 3}
    assert r.lessons[0].score_counts == {0.0: 1, 2.25: 1, 3.0: 1}


def test_no_csv_field_runs_as_a_formula_whatever_the_separator(tmp_path):
    from autograder.grader.safecsv import formula_cells
    hostile = ["a;=cmd|' -C calc'!A0", "b\t@SUM(1)", "c|+1+cmd", 'd,"=2+2"', "-e;-1"]
    write_results(tmp_path, [dict(result(s, SOFTMAX, False, "no_shift", digest=s),
                                  problem="", flags=[f"note; =HYPERLINK(\"{s}\")"]) for s in hostile])
    written = make_report(tmp_path)
    for path in written.tables:
        text = path.read_text(encoding="utf-8")
        assert formula_cells(text) == [], path.name
    with open(tmp_path / "report" / "students.csv", newline="") as f:
        ids = [r["student"] for r in csv.DictReader(f)]
    # a spreadsheet shows each as text; a number after a separator inside a field is guarded too
    assert sorted(ids) == sorted(["a;'=cmd|' -C calc'!A0", "b\t'@SUM(1)", "c|'+1+cmd", 'd,"\'=2+2"', "'-e;'-1"])


def test_a_teacher_reads_lateness_states_and_first_failing_checks_in_chromium(tmp_path):
    """The hand-made class above, as Chromium shows it: what a teacher reads, and hovers."""
    import browser
    if not browser.available():
        pytest.skip("Playwright or Chromium is missing (pip install -e \".[dev]\"; Debian: apt-get install chromium)")
    from datetime import datetime, timedelta

    from nbgrader.api import Gradebook
    due = datetime(2026, 11, 20, 9, 0)
    with Gradebook(f"sqlite:///{tmp_path}/gradebook.db", "course") as gb:
        gb.add_assignment(SOFTMAX.id, duedate=due)
        for student in ("ann", "bob", "cat", "dan"):
            gb.add_student(student)
        gb.add_submission(SOFTMAX.id, "ann", timestamp=due + timedelta(days=2, hours=3))
        gb.add_submission(SOFTMAX.id, "bob", timestamp=due - timedelta(hours=1))
    failing = {**result("ann", SOFTMAX, False, digest="a"),
               "checks": [{"name": "sums", "purpose": "each column sums to 1", "status": "fail"}]}
    write_results(tmp_path, [failing, result("bob", SOFTMAX, False, "no_shift", digest="b"),
                             result("cat", SOFTMAX, False, not_attempted=True, digest="c")])
    written = make_report(tmp_path, db_url=f"sqlite:///{tmp_path}/gradebook.db", behind=1)
    with browser.browser_page(1180, 900) as page:
        page.goto(written.page.as_uri())
        for text in ("Due 2026-11-20 09:00 UTC; reached: its due date has passed. Handed in late by 1: ann "
                     "(2 days 3 h).", "first failing check “each column sums to 1”: 1",
                     "lesson 4 (softmax): failing: softmax without subtracting the maximum"):
            assert page.get_by_text(text, exact=False).first.is_visible(), text

        def row(student):
            return page.locator("table#grid tr", has=page.locator(f"td:text-is('{student}')"))
        assert row("ann").locator("td.s").get_attribute("title") == \
            "failing: first failing check “each column sums to 1”; handed in 2 days 3 h late"
        assert page.get_by_text("lesson 4 (softmax): failing: first failing check “each column sums to 1”",
                                exact=False).first.is_visible()
        assert row("ann").locator("td.s.late").inner_text().replace("\n", " ") == "✗ late"
        assert row("bob").locator("td.s").get_attribute("title").startswith("failing: softmax without subtracting")
        # one state a cell, one column a state: cat did not attempt it, dan handed nothing in
        assert row("cat").locator("td.num").all_inner_texts()[1:] == ["0", "0", "0", "1", "0", "0"]
        assert row("dan").locator("td.num").all_inner_texts()[1:] == ["0", "0", "0", "0", "1", "0"]
        page.screenshot(path=str(tmp_path / "small-class.png"), full_page=True)


@pytest.mark.parametrize("field", ["=1+1", "x;=1+1", "x,@SUM(A1)", "x\t+cmd", "x|-2+3", 'x;"=2"', "x; =1"])
def test_the_formula_finder_sees_what_a_spreadsheet_would_run_and_the_guard_stops_it(field):
    import io

    from autograder.grader.safecsv import cell, formula_cells
    raw = io.StringIO()
    csv.writer(raw).writerow(["ok", field])
    assert formula_cells(raw.getvalue()), field  # unguarded: some separator shows a formula
    raw = io.StringIO()
    csv.writer(raw).writerow(["ok", cell(field)])
    assert formula_cells(raw.getvalue()) == [], cell(field)
    assert cell("-1") == "-1" and cell(2.50) == "2.5" and cell(None) == ""  # numbers stay numbers


def test_the_report_imports_nbgrader_without_the_iri_grammar_and_notebooks_still_validate(tmp_path):
    """The class report (and every nbgrader the course's wrappers start) imports nbgrader without
    rfc3987_syntax, whose Lark grammar took 3 s of each import under load: no notebook schema checks an
    "iri" format, and a course notebook still validates, a broken one still does not."""
    import subprocess
    import sys
    root = Path(__file__).resolve().parents[2]
    code = (
        "import sys\n"
        "from autograder.grader.classreport.collect import read_gradebook\n"
        "from autograder.learner.course import load_course\n"
        f"read_gradebook('sqlite:///{tmp_path}/gradebook.db', 'c', load_course().lessons)\n"
        "import nbformat\n"
        "assert sys.modules['rfc3987_syntax'] is None, 'the iri grammar was imported'\n"
        f"nb = nbformat.read({str(root / 'solutions' / '03_relu' / 'relu.ipynb')!r}, as_version=4)\n"
        "nbformat.validate(nb)\n"
        "nb.cells[0]['cell_type'] = 'nonsense'\n"
        "try:\n    nbformat.validate(nb)\nexcept nbformat.ValidationError:\n    print('refused')\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "refused", done.stderr[-2000:]
