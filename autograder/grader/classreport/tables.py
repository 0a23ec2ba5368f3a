"""The CSV files beside the page: one row a lesson, a student, a mistake and a submission.

Shares are fractions (0.31, not 31%) so that spreadsheets can compute with them. No field can be run
as a formula, whatever separator the spreadsheet splits on (``safecsv``).
"""
from __future__ import annotations

from pathlib import Path

from ..safecsv import write_rows

from .aggregate import ClassReport
from .collect import FAILING, MISSING, NOT_ATTEMPTED, PASSING, UNGRADABLE

FILES = ("lessons.csv", "students.csv", "mistakes.csv", "submissions.csv")


def _write(path: Path, header: list[str], rows) -> Path:
    return write_rows(path, header, rows)


def lessons_rows(report: ClassReport):
    for l in report.lessons:
        top = l.mistakes[0] if l.mistakes else None
        check = l.checks[0] if l.checks else None
        yield [l.lesson.id, l.lesson.names, l.lesson.points, l.class_size, l.handed_in, l.tried,
               l.count(PASSING), l.pass_share, l.count(FAILING), l.count(UNGRADABLE), l.count(NOT_ATTEMPTED),
               l.count(MISSING), l.mean_score, l.median_score,
               " ".join(f"{k:g}:{v}" for k, v in l.score_counts.items()),
               top.id if top else "", top.count if top else 0, top.share if top else 0.0,
               check.id if check else "", check.purpose if check else "", check.count if check else 0,
               len(l.unexplained), len(l.copied), "yes" if l.reached else "no",
               f"{l.due:%Y-%m-%d %H:%M:%S}" if l.due else "", len(l.late)]


def students_rows(report: ClassReport):
    for s in report.students:
        yield [s.student.id, s.student.name, s.count(PASSING), s.count(FAILING), s.count(UNGRADABLE),
               s.count(NOT_ATTEMPTED), s.count(MISSING), s.score, s.max_score, "yes" if s.behind else "no",
               " ".join(s.not_passed_reached), " | ".join(f"{f.kind}: {f.text}" for f in s.flags), len(s.late)] + \
              [s.submissions[l.lesson.id].status for l in report.lessons]


def mistakes_rows(report: ClassReport):
    for l in report.lessons:
        for m in l.mistakes:
            yield [m.lesson, m.function, m.id, m.title, m.count, m.tried, m.share, m.class_share,
                   " ".join(m.students), m.hint]


def submissions_rows(report: ClassReport):
    titles = {l.lesson.id: l.titles for l in report.lessons}
    for s in report.students:
        for sub in s.submissions.values():
            r = sub.report
            yield [sub.student, sub.lesson, sub.status, sub.score, sub.max_points,
                   r.n_passed if r else None, len(r.results) if r else None, " ".join(sub.mistakes),
                   " ".join(c.id for c in r.results if c.status == "fail") if r and sub.tried else "",
                   sub.digest, sub.tokens, " | ".join(sub.copied_flags + sub.notes),
                   r.problem if r else "", sub.origin,
                   " | ".join(titles[sub.lesson].get(m, "") for m in sub.mistakes),
                   f"{sub.timestamp:%Y-%m-%d %H:%M:%S}" if sub.timestamp else "", round(sub.seconds_late),
                   sub.penalty]


def write_csv(report: ClassReport, out: Path) -> list[Path]:
    lessons = [l.lesson.id for l in report.lessons]
    return [
        _write(out / "lessons.csv", ["lesson", "function", "points", "students", "handed_in", "tried", "passing",
                                     "passing_share", "failing", "cannot_be_graded", "not_attempted",
                                     "not_handed_in", "mean_score", "median_score", "score_counts", "top_mistake",
                                     "top_mistake_students", "top_mistake_share_of_tried", "most_failed_check",
                                     "most_failed_check_purpose", "most_failed_check_students",
                                     "failing_not_catalogued", "course_copies", "reached", "due_utc", "late"],
               lessons_rows(report)),
        _write(out / "students.csv", ["student", "name", "passing", "failing", "cannot_be_graded", "not_attempted",
                                      "not_handed_in", "score", "max_score", "falling_behind",
                                      "reached_lessons_not_passed", "flags", "late"] + lessons, students_rows(report)),
        _write(out / "mistakes.csv", ["lesson", "function", "mistake", "title", "students", "tried",
                                      "share_of_tried", "share_of_class", "student_ids", "hint"],
               mistakes_rows(report)),
        _write(out / "submissions.csv", ["student", "lesson", "status", "score", "max_points", "checks_passed",
                                         "checks", "mistakes", "failed_checks", "source_digest", "source_tokens",
                                         "flags_and_notes", "problem", "origin", "mistake_titles", "handed_in_utc",
                                         "seconds_late", "late_penalty"], submissions_rows(report)),
    ]
