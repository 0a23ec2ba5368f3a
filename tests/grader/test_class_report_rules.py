"""The class report's rules, on small hand-made inputs (no grading, no nbgrader run): fingerprints, the
falling-behind threshold, how sources are joined, and what the page and the CSV files refuse to carry."""
import csv
import json
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
    assert reached[SOFTMAX.id] == (True, "due 2020-01-01 00:00")
    assert reached[RELU.id] == (False, "handed in by 1 of 4, due 2999-01-01")
    assert r.class_size == 4 and [s.student.label for s in r.students][0] == "Ann Doe (ann)"
    assert {s.student.id for s in r.falling_behind} == set()  # one reached lesson: below the minimum of two
    r = make_report(tmp_path, db_url=f"sqlite:///{tmp_path}/gradebook.db", behind=1).report
    assert {s.student.id for s in r.falling_behind} == {"bob", "cat", "dan"}
