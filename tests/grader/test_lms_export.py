"""Grades out to an LMS: the Canvas and Moodle exporters, run as nbgrader plugins, against those formats.

A gradebook made with nbgrader's own API (a roster with names holding commas, quotes, accents and what a
spreadsheet would run as a formula; students without a submission; a partial score; a late penalty) is
exported with the real ``nbgrader export --exporter=...`` command. The files are read back as the two LMSs
read them:

- Canvas's gradebook importer (app/models/gradebook_importer.rb): a header whose first columns are
  ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section``; a row whose first cell holds
  ``Points Possible``; one row a student, found by ID, SIS User ID, SIS Login ID or name; an empty cell or
  ``-`` is no score; ``Title (id)`` names an existing assignment.
- Moodle's CSV grade import (grade/import/csv): any columns, one mapped to a user field (username, email
  address, ID number) and each other to a grade item; an empty cell or ``-`` is no grade; a grade above
  the item's maximum stops the import.

And no cell of either file is read as a formula, whatever separator a spreadsheet splits on.
"""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from autograder.grader.safecsv import formula_cells

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = [("04_softmax", 3.0), ("10_get_predictions", 1.0), ("11_get_accuracy", 1.0)]
# id, first, last, email, lms_user_id
ROSTER = [
    ("ann", "Ann", "O'Brien, Jr.", "ann@example.org", "1001"),
    ("bea", "Béatrice", "Dupré", "bea@example.org", "1002"),
    ("cai", 'Cai "CJ"', "Jones", "", ""),
    ("dan", "=HYPERLINK(\"http://x\")", "Smith;=1+1", "dan@example.org", "1004"),
    ("eve", "Eve", "Zhang 张", "eve@example.org", "1005"),
    ("fay", "", "", "", ""),                       # on the roster, no name, hands nothing in
]
SCORES = {  # (student, assignment): auto score
    ("ann", "04_softmax"): 3.0, ("ann", "10_get_predictions"): 1.0, ("ann", "11_get_accuracy"): 1.0,
    ("bea", "04_softmax"): 1.5, ("bea", "10_get_predictions"): 0.0,
    ("cai", "04_softmax"): 3.0,
    ("dan", "11_get_accuracy"): 1.0,
    ("eve", "04_softmax"): 0.0, ("eve", "10_get_predictions"): 1.0, ("eve", "11_get_accuracy"): 1.0,
}
PENALTY = {("eve", "10_get_predictions"): 0.5}   # handed in late, with a late penalty in nbgrader


def expected(student, assignment):
    if (student, assignment) not in SCORES:
        return None
    return max(0.0, SCORES[(student, assignment)] - PENALTY.get((student, assignment), 0.0))


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course directory with a gradebook, made with nbgrader's API as autograde would leave it."""
    from nbgrader.api import Gradebook

    root = tmp_path_factory.mktemp("lms")
    (root / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa\nc.CourseDirectory.course_id = 'lms-course'\n"
        "c.CanvasExport.assignment_ids = {'04_softmax': '2468'}\n")
    with Gradebook(f"sqlite:///{root}/gradebook.db", "lms-course") as gb:
        for name, points in ASSIGNMENTS:
            gb.add_assignment(name, duedate=datetime(2026, 11, 20, 9, 0))
            gb.add_notebook(name.split("_", 1)[1], name)
            gb.add_grade_cell(f"check_{name}", name.split("_", 1)[1], name, max_score=points, cell_type="code")
        for sid, first, last, email, lms in ROSTER:
            gb.add_student(sid, first_name=first or None, last_name=last or None, email=email or None,
                           lms_user_id=lms or None)
        for (sid, name), score in SCORES.items():
            gb.add_submission(name, sid, timestamp=datetime(2026, 11, 20, 8, 0))
            grade = gb.find_grade(f"check_{name}", name.split("_", 1)[1], name, sid)
            grade.auto_score = score
            if (sid, name) in PENALTY:
                notebook = gb.find_submission_notebook(name.split("_", 1)[1], name, sid)
                notebook.late_submission_penalty = PENALTY[(sid, name)]
            gb.db.commit()
    return root


def nbgrader_export(root, exporter, to):
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
               PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "nbgrader", "export", f"--exporter={exporter}", f"--to={to}"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return Path(root, to).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def canvas(course):
    return nbgrader_export(course, "autograder.grader.lms.CanvasExport", "canvas.csv")


@pytest.fixture(scope="module")
def moodle(course):
    return nbgrader_export(course, "autograder.grader.lms.MoodleExport", "moodle.csv")


def parse(text, delimiter=","):
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def number(cell):
    """A grade as both LMSs read it: empty or '-' is no grade; a decimal comma is a point."""
    cell = cell.strip()
    return None if cell in ("", "-") else float(cell.replace(",", "."))


def test_canvas_header_and_points_possible_row_are_canvas_own(canvas):
    rows = parse(canvas)
    header, points = rows[0], rows[1]
    # gradebook_importer.rb: "Student" and "ID" first, SIS User ID then SIS Login ID, the student columns
    # ending with "Section"; then the assignments, an existing one as "Title (id)"
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                      "04_softmax (2468)", "10_get_predictions", "11_get_accuracy"]
    assert points[0] == "Points Possible" and points[1:5] == ["", "", "", ""]
    assert [number(p) for p in points[5:]] == [3.0, 1.0, 1.0]
    assert all(len(r) == len(header) for r in rows)


def canvas_students(rows):
    """Canvas's matching: by ID, else SIS User ID, else SIS Login ID, else the name ("Last, First")."""
    by_id = {lms: sid for sid, _, _, _, lms in ROSTER if lms}
    by_login = {sid: sid for sid, *_ in ROSTER}
    by_name = {(f"{last}, {first}" if first and last else last or first or sid): sid
               for sid, first, last, _, _ in ROSTER}
    found = {}
    for row in rows[2:]:
        sid = by_id.get(row[1]) or by_login.get(row[3]) or by_name.get(row[0])
        assert sid is not None, f"Canvas would find no student for {row}"
        found[sid] = row
    return found


def test_canvas_rows_find_every_student_and_carry_the_gradebook_scores(canvas):
    rows = parse(canvas)
    students = canvas_students(rows)
    assert sorted(students) == sorted(sid for sid, *_ in ROSTER)  # the whole roster, one row each
    assert len(rows) == 2 + len(ROSTER)
    for sid, row in students.items():
        got = [number(c) for c in row[5:]]
        assert got == [expected(sid, a) for a, _ in ASSIGNMENTS], sid
    assert students["fay"][5:] == ["", "", ""]  # handed nothing in: no score, not a 0
    assert number(students["bea"][5]) == 1.5 and number(students["eve"][6]) == 0.5  # partial; late penalty off
    # names with commas, quotes and other scripts come back whole, as the "Last, First" Canvas shows
    assert students["ann"][0] == "O'Brien, Jr., Ann" and students["cai"][0] == 'Jones, Cai "CJ"'
    assert students["bea"][0] == "Dupré, Béatrice" and students["eve"][0] == "Zhang 张, Eve"
    assert students["ann"][1] == "1001" and students["ann"][3] == "ann" and students["fay"][0] == "fay"


def test_moodle_columns_map_every_student_and_grade_item(moodle):
    rows = parse(moodle)
    header = rows[0]
    assert header == ["First name", "Last name", "Username", "ID number", "Email address",
                      "04_softmax", "10_get_predictions", "11_get_accuracy"]
    maximum = dict(ASSIGNMENTS)
    by_username = {}
    for row in rows[1:]:
        assert len(row) == len(header) and row[2], "Moodle needs the mapped user field in every row"
        by_username[row[2]] = row
        for name, cell in zip(header[5:], row[5:]):
            grade = number(cell)
            assert grade is None or 0 <= grade <= maximum[name]  # above the item's maximum stops the import
    assert sorted(by_username) == sorted(sid for sid, *_ in ROSTER)
    for sid, row in by_username.items():
        assert [number(c) for c in row[5:]] == [expected(sid, a) for a, _ in ASSIGNMENTS], sid
    assert by_username["bea"][:5] == ["Béatrice", "Dupré", "bea", "1002", "bea@example.org"]
    assert by_username["ann"][1] == "O'Brien, Jr." and by_username["cai"][0] == 'Cai "CJ"'
    assert by_username["fay"][5:] == ["", "", ""]


def test_no_cell_of_either_file_runs_as_a_formula_whatever_the_separator(canvas, moodle):
    for text in (canvas, moodle):
        assert formula_cells(text) == []
        assert "=HYPERLINK" in text  # the text is kept, shown as text
    dan = next(r for r in parse(moodle) if r[2] == "dan")
    assert dan[0] == "'=HYPERLINK(\"http://x\")" and dan[1] == "Smith;'=1+1"


def test_the_files_are_utf8_without_a_byte_order_mark(course, canvas):
    raw = (course / "canvas.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and "张".encode() in raw


def test_nbgraders_own_filters_choose_students_and_assignments(course, tmp_path):
    from nbgrader.api import Gradebook

    from autograder.grader.lms import CanvasExport, MoodleExport
    with Gradebook(f"sqlite:///{course}/gradebook.db", "lms-course") as gb:
        CanvasExport(to=str(tmp_path / "c.csv"), student=["ann", "fay"], assignment=["11_get_accuracy"],
                     missing="0").export(gb)
        MoodleExport(to=str(tmp_path / "m.csv"), titles={"11_get_accuracy": "Lesson 11: Accuracy"}).export(gb)
    rows = parse((tmp_path / "c.csv").read_text(encoding="utf-8"))
    assert rows[0][5:] == ["11_get_accuracy"] and [r[3] for r in rows[2:]] == ["ann", "fay"]
    assert [r[5] for r in rows[2:]] == ["1", "0"]  # missing=0: a zero for no submission
    assert parse((tmp_path / "m.csv").read_text(encoding="utf-8"))[0][-1] == "Lesson 11: Accuracy"
