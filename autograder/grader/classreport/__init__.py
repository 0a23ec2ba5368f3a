"""The class report: what a class misunderstood, lesson by lesson, and who is falling behind.

    python -m autograder report [--root COURSE_DIR] [--db DB_URL] [--grades FOLDER] [--out report/]

A pipeline of three steps, each a module:

- ``collect``: nbgrader's gradebook (through ``nbgrader.api.Gradebook``, so any database URL works),
  the grader's reports in ``results/`` and, optionally, a folder of ``grade --json`` outputs, joined
  into one state per student and lesson;
- ``aggregate``: per lesson, the share passing, the score distribution, the catalogued mistakes ranked
  by how many made them, the checks failed most; per student, lessons passed or not, who is falling
  behind, and flags (code that matches the course's own version, identical submissions);
- render: ``page`` writes one self-contained HTML page (figures embedded, nothing fetched), ``tables``
  the CSV files beside it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .aggregate import BEHIND, ClassReport, summarise
from .collect import ClassData, ReportError, collect

__all__ = ["BEHIND", "ClassData", "ClassReport", "ReportError", "Written", "collect", "summarise", "write",
           "make_report", "main"]


@dataclass
class Written:
    report: ClassReport
    page: Path
    tables: list[Path]


def write(report: ClassReport, out: str | Path) -> Written:
    """The page (``index.html``) and the CSV files, in the folder ``out``."""
    from .page import render
    from .tables import write_csv

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    page = out / "index.html"
    tmp = page.with_suffix(".tmp")
    tmp.write_text(render(report), encoding="utf-8")
    tmp.replace(page)
    return Written(report, page, write_csv(report, out))


def make_report(root: str | Path = ".", out: str | Path | None = None, db_url: str | None = None,
                grades: str | Path | None = None, lessons: list[str] | None = None,
                behind: int = BEHIND) -> Written:
    """collect -> aggregate -> render, into ``out`` (default: ``<root>/report``)."""
    data = collect(root, db_url=db_url, grades=grades, lessons=lessons)
    return write(summarise(data, behind=behind), Path(out) if out else Path(root) / "report")


def main(args) -> int:
    """The ``report`` command."""
    from ...learner.course import CourseError
    try:
        done = make_report(args.root, args.out, args.db, args.grades, args.lesson, args.behind)
    except (ReportError, CourseError, OSError) as exc:
        print(f"Cannot make the class report: {exc}")
        return 2
    r = done.report
    print(f"class report: {done.page} ({r.class_size} students, {len(r.lessons)} lessons, "
          f"{r.handed_in} lessons handed in)")
    print(f"tables: {', '.join(p.name for p in done.tables)}")
    for m in r.top_mistakes[:3]:
        print(f"  {100 * m.share:.0f}% of those who tried {m.function}: {m.title}")
    print(f"falling behind: {len(r.falling_behind)}"
          + (f" ({', '.join(s.student.id for s in r.falling_behind[:10])}"
             f"{', ...' if len(r.falling_behind) > 10 else ''})" if r.falling_behind else ""))
    for warning in r.data.warnings[:5]:
        print(f"skipped: {warning}")
    return 0
