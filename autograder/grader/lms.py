"""Grades out to an LMS: nbgrader exporters whose CSV files Canvas and Moodle import as they are.

    nbgrader export --exporter=autograder.grader.lms.CanvasExport --to canvas.csv
    nbgrader export --exporter=autograder.grader.lms.MoodleExport --to moodle.csv

Both are ``nbgrader.plugins.ExportPlugin`` subclasses, so nbgrader's own ``--assignment`` and
``--student`` filters apply. One row a student of the gradebook's roster, one column an assignment (a
lesson), the score as nbgrader's own grade export gives it (the sum of the grades, manual ones included,
less any late penalty). A student who handed nothing in gets an empty cell, which both LMSs import as "no
grade" (``--LmsExport.missing=0`` writes 0 instead). Every field goes through ``safecsv``: no name or id
can be run as a formula by a spreadsheet on the way.

- **Canvas** (Gradebook > Import): the columns of Canvas's own gradebook export, ``Student, ID, SIS User
  ID, SIS Login ID, Section``, then one column an assignment, and a ``Points Possible`` row (Canvas reads
  it for assignments it creates). Canvas finds each student by ``ID`` (the Canvas user id: nbgrader's
  ``lms_user_id``), else ``SIS User ID``, else ``SIS Login ID`` (the nbgrader student id), else the name
  ("Last, First"). A column named ``Title (1234)`` updates Canvas assignment 1234 (``--CanvasExport.
  assignment_ids``); any other name updates the assignment of that title or creates it.
- **Moodle** (Grades > Import > CSV file): ``First name, Last name, Username, ID number, Email address``,
  then one column a grade item. In the import form, map from ``Username`` (the nbgrader id) to
  "username", or from ``Email address`` to "email address" only when every student has one (Moodle needs
  the mapped field in every row), and each column to its grade item (or "new grade item").
  Moodle has no points row: give each grade item the lesson's points as its maximum.
"""
from __future__ import annotations

import re

from nbgrader.plugins import ExportPlugin
from traitlets import Dict, Unicode

from .safecsv import write_rows


def _natural(text: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", text))


class LmsExport(ExportPlugin):
    """What the Canvas and Moodle exporters share: the roster, the assignments and every score."""

    missing = Unicode("", help="The cell of a student who handed nothing in: empty (no grade, the default) "
                               "or, say, 0.").tag(config=True)
    titles = Dict(key_trait=Unicode(), value_trait=Unicode(), default_value={},
                  help="A column title for nbgrader assignments, by name (default: the assignment's name, "
                       "e.g. 04_softmax).").tag(config=True)
    default_file = "grades.csv"

    def table(self, gradebook):
        """(assignments [(name, max score)], students [nbgrader Student], scores {(student, assignment): score})."""
        from nbgrader.api import Assignment, Grade, SubmittedAssignment, SubmittedNotebook
        from sqlalchemy import func

        wanted_a = {str(a) for a in self.assignment}
        wanted_s = {str(s) for s in self.student}
        assignments = sorted(((a.name, float(a.max_score)) for a in gradebook.assignments
                              if not wanted_a or a.name in wanted_a), key=lambda a: _natural(a[0]))
        students = sorted((s for s in gradebook.students if not wanted_s or s.id in wanted_s),
                          key=lambda s: _natural(s.id))
        names = [a for a, _ in assignments]
        db = gradebook.db
        raw = dict(((s, a), float(v)) for s, a, v in db.query(
            SubmittedAssignment.student_id, Assignment.name, func.coalesce(func.sum(Grade.score), 0.0))
            .select_from(SubmittedAssignment).join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
            .outerjoin(SubmittedNotebook, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
            .outerjoin(Grade, Grade.notebook_id == SubmittedNotebook.id)
            .filter(Assignment.name.in_(names))
            .group_by(SubmittedAssignment.id, SubmittedAssignment.student_id, Assignment.name).all())
        penalty = dict(((s, a), float(v)) for s, a, v in db.query(
            SubmittedAssignment.student_id, Assignment.name,
            func.coalesce(func.sum(SubmittedNotebook.late_submission_penalty), 0.0))
            .select_from(SubmittedAssignment).join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
            .outerjoin(SubmittedNotebook, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
            .filter(Assignment.name.in_(names))
            .group_by(SubmittedAssignment.id, SubmittedAssignment.student_id, Assignment.name).all())
        scores = {key: max(0.0, value - penalty.get(key, 0.0)) for key, value in raw.items()}
        return assignments, students, scores

    def title(self, assignment: str) -> str:
        return self.titles.get(assignment, assignment)

    def score_cells(self, student, assignments, scores) -> list:
        return [round(scores[(student.id, a)], 2) if (student.id, a) in scores else self.missing
                for a, _ in assignments]

    def header(self, assignments) -> list:
        raise NotImplementedError

    def rows(self, assignments, students, scores):
        raise NotImplementedError

    def export(self, gradebook) -> None:
        dest = self.to or self.default_file
        assignments, students, scores = self.table(gradebook)
        self.log.info("Exporting %d students and %d assignments to %s", len(students), len(assignments), dest)
        write_rows(dest, self.header(assignments), self.rows(assignments, students, scores), digits=2)


class CanvasExport(LmsExport):
    """A Canvas gradebook import file: Student, ID, SIS User ID, SIS Login ID, Section, the assignments, and
    the Points Possible row."""

    section = Unicode("", help="The Section column for every student (Canvas ignores it on import; empty by "
                               "default).").tag(config=True)
    assignment_ids = Dict(key_trait=Unicode(), value_trait=Unicode(), default_value={},
                          help="The Canvas assignment id of nbgrader assignments, by name: the column is then "
                               "'Title (id)', which updates that Canvas assignment.").tag(config=True)
    default_file = "canvas.csv"
    STUDENT_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]

    def title(self, assignment: str) -> str:
        title = super().title(assignment)
        return f"{title} ({self.assignment_ids[assignment]})" if assignment in self.assignment_ids else title

    def header(self, assignments) -> list:
        return self.STUDENT_COLUMNS + [self.title(a) for a, _ in assignments]

    def rows(self, assignments, students, scores):
        yield ["Points Possible", "", "", "", ""] + [points for _, points in assignments]
        for s in students:
            first, last = (s.first_name or "").strip(), (s.last_name or "").strip()
            name = f"{last}, {first}" if first and last else (last or first or s.id)
            yield [name, s.lms_user_id or "", "", s.id, self.section] + self.score_cells(s, assignments, scores)


class MoodleExport(LmsExport):
    """A Moodle "Import grades from CSV" file: First name, Last name, Username, ID number, Email address, then
    one column a grade item."""

    default_file = "moodle.csv"
    STUDENT_COLUMNS = ["First name", "Last name", "Username", "ID number", "Email address"]

    def header(self, assignments) -> list:
        return self.STUDENT_COLUMNS + [self.title(a) for a, _ in assignments]

    def rows(self, assignments, students, scores):
        for s in students:
            yield [s.first_name or "", s.last_name or "", s.id, s.lms_user_id or "", s.email or ""] + \
                self.score_cells(s, assignments, scores)
