"""Collect: every student's state on every lesson, from the gradebook and the grader's reports.

Sources, each optional, joined on (student, lesson):

- nbgrader's gradebook, read with nbgrader's own ``Gradebook`` (any SQLAlchemy URL; by default the
  course's ``nbgrader_config.py`` decides): the roster (students who handed in nothing included), the
  lessons released and their due dates, and each submission's score (manual grades included, late
  penalty taken off as nbgrader's grade export does), time stamp and lateness (extensions included);
- ``results/<lesson>/<student>.json``, which ``nbgrader autograde`` writes through ``GradeOutsideKernel``:
  each check's verdict, the catalogued mistakes named, flags and the graded cell's fingerprint;
- a folder of ``python -m autograder grade PATH --json`` outputs, one file a student named
  ``<student>.json``, for what results/ does not hold;
- ``submitted/<student>/<lesson>/``: handed in, even when nbgrader could not grade it.

The score of a submission is the gradebook's when it has one (it is what the grades export says), else
the grader's; the verdict (passing, failing, not attempted, cannot be graded) is the grader's report.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ...learner.course import Course, Lesson, load_course
from ...learner.model import FunctionReport

PASSING, FAILING, UNGRADABLE, NOT_ATTEMPTED, MISSING = (
    "passing", "failing", "cannot be graded", "not attempted", "not handed in")
STATUSES = (PASSING, FAILING, UNGRADABLE, NOT_ATTEMPTED, MISSING)
"""Every (student, lesson) is in exactly one of these, in this order of precedence for display."""


class ReportError(Exception):
    """Nothing to report on, or a source that cannot be read; the message says what to do."""


@dataclass(frozen=True)
class Student:
    id: str
    name: str = ""
    """"First Last" from the gradebook's roster, or ""."""

    @property
    def label(self) -> str:
        return f"{self.name} ({self.id})" if self.name else self.id


@dataclass
class Submission:
    """One student's state on one lesson."""

    student: str
    lesson: str
    status: str
    max_points: int
    score: float | None = None
    """The gradebook's score, else the grader's points; None when nothing was handed in."""
    report: FunctionReport | None = None
    """The grader's full report, when there is one."""
    digest: str | None = None
    """The fingerprint of the graded cell's normalised code (see provenance.fingerprint)."""
    tokens: int | None = None
    origin: str = ""
    """Where the verdict comes from: a results file, a grade --json file, "gradebook" or "submitted/"."""
    notes: list[str] = field(default_factory=list)
    timestamp: datetime | None = None
    """When it was handed in, as the gradebook says (naive UTC, as nbgrader stores it)."""
    seconds_late: float = 0.0
    """How late it was handed in, by the gradebook's due date (and the student's extension); 0 when on time
    or when there is no due date."""
    penalty: float = 0.0
    """The late penalty nbgrader took off the score (0 unless nbgrader_config.py sets a late penalty)."""

    @property
    def late(self) -> bool:
        return self.seconds_late > 0

    @property
    def tried(self) -> bool:
        """Graded with an answer of the student's own: passing or failing (not a stub, not unreadable)."""
        return self.status in (PASSING, FAILING)

    @property
    def mistakes(self) -> list[str]:
        return self.report.mistakes if self.report else []

    @property
    def copied_flags(self) -> list[str]:
        return [f for f in (self.report.flags if self.report else []) if "course's own version" in f]


@dataclass
class ClassData:
    """What the report is made from."""

    course: Course
    lessons: list[Lesson]
    """The lessons covered: graded lessons someone handed in, in course order."""
    students: list[Student]
    """The roster and everyone who handed in anything, by id."""
    submissions: dict[tuple[str, str], Submission]
    """(student id, lesson id) -> Submission, for every student and covered lesson."""
    released: list[str] = field(default_factory=list)
    """Lessons in the gradebook that nobody has handed in yet."""
    duedates: dict[str, datetime] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    """One line per source read, for the page's header."""
    warnings: list[str] = field(default_factory=list)
    isolation: dict[str, int] = field(default_factory=dict)
    """How the graded cells were isolated: kind -> number of reports."""

    def submission(self, student: str, lesson: str) -> Submission:
        return self.submissions[(student, lesson)]


@dataclass
class _Found:
    """A grader report read from a file, before it is joined with the rest."""

    report: FunctionReport
    points: float
    digest: str | None
    tokens: int | None
    origin: str
    isolation: str = ""


def _int_or_none(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _points(d: dict, report: FunctionReport, max_points: int) -> float:
    """The points the grader gave: the file's own (a lesson scored per check earns a share), when it is a
    number from 0 to the lesson's points and agrees with the verdict; else all or nothing."""
    points = d.get("points")
    if report.passed:
        return max_points
    if isinstance(points, (int, float)) and not isinstance(points, bool) and 0 <= points < max_points:
        return float(points)
    return 0


def _found(d: dict, origin: str, function: str, max_points: int) -> _Found:
    report = FunctionReport.from_dict(d, function)
    digest = d.get("source_digest")
    iso = d.get("isolation") if isinstance(d.get("isolation"), dict) else {}
    parts = [f for f in d.get("functions", []) if isinstance(f, dict)] if isinstance(d.get("functions"), list) else []
    points = _points(d, report, max_points)
    if parts and not isinstance(d.get("points"), (int, float)):  # a lesson of several functions, points unsaid
        points = sum(p.get("max_points", 0) for p in parts if p.get("passed") is True)
    return _Found(report, points, digest if isinstance(digest, str) else None,
                  _int_or_none(d.get("source_tokens")), origin, str(iso.get("kind", "")))


def _lesson_record(lesson: Lesson, entries: list[dict]) -> dict:
    """A lesson of several functions, from ``grade --json``'s one entry a function: one record as
    ``results/`` holds it (``GradeOutsideKernel.save_several``), its functions inside."""
    from ..provenance import Fingerprint, combined_fingerprint
    by_name = {e.get("name") or e.get("function"): e for e in entries}
    parts = [by_name.get(f) or {"name": f, "problem": "not graded", "max_points": 0} for f in lesson.functions]
    reports = [FunctionReport.from_dict(p, f) for p, f in zip(parts, lesson.functions)]
    prints = [(f, Fingerprint(p["source_digest"], _int_or_none(p.get("source_tokens")) or 0)
               if isinstance(p.get("source_digest"), str) else None) for p, f in zip(parts, lesson.functions)]
    fp = combined_fingerprint(prints)
    return {**FunctionReport.combined(lesson.names, reports).to_dict(), "functions": parts,
            "source_digest": fp.digest if fp else None, "source_tokens": fp.tokens if fp else None,
            "isolation": next((p["isolation"] for p in parts if isinstance(p.get("isolation"), dict)), {})}


def read_results(folder: Path, course: Course, warnings: list[str]) -> dict[tuple[str, str], _Found]:
    """``results/<lesson>/<student>.json`` as written by GradeOutsideKernel."""
    found = {}
    if not folder.is_dir():
        return found
    lessons = {l.id: l for l in course.lessons}
    for lesson_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        lesson = lessons.get(lesson_dir.name)
        if lesson is None:
            warnings.append(f"{lesson_dir.name}/ in {folder.name}/ is not a graded lesson of this course: left out.")
            continue
        for path in sorted(lesson_dir.glob("*.json")):
            student = path.name[:-len(".json")]
            try:
                d = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(d, dict):
                    raise ValueError("not a JSON object")
            except (OSError, ValueError) as exc:
                warnings.append(f"{folder.name}/{lesson.id}/{path.name} cannot be read ({exc}): left out.")
                continue
            found[(student, lesson.id)] = _found(d, f"{folder.name}/{lesson.id}/{path.name}", lesson.names,
                                                 lesson.points)
    return found


def read_grades(folder: Path, course: Course, warnings: list[str]) -> dict[tuple[str, str], _Found]:
    """A folder of ``python -m autograder grade PATH --json`` outputs, one ``<student>.json`` a student."""
    found = {}
    if not folder.is_dir():
        raise ReportError(f"{folder} is not a folder: give the folder that holds one "
                          f"`python -m autograder grade ... --json` output a student, named <student>.json.")
    lessons = {l.id: l for l in course.lessons}
    by_function = {f: course.lesson(course.lesson_for(f).id) for f in course.functions}
    for path in sorted(folder.glob("*.json")):
        student = path.name[:-len(".json")]
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            warnings.append(f"{path.name} cannot be read ({exc}): left out.")
            continue
        if not isinstance(d, dict) or not isinstance(d.get("functions"), list):
            why = d.get("error") if isinstance(d, dict) and d.get("error") else "no graded functions in it"
            warnings.append(f"{path.name}: {why}; left out.")
            continue
        several: dict[str, list[dict]] = {}
        for f in d["functions"]:
            if not isinstance(f, dict):
                continue
            lesson = lessons.get(f.get("lesson")) or by_function.get(f.get("name") or f.get("function"))
            if lesson is None:
                warnings.append(f"{path.name}: {f.get('lesson') or f.get('name')!r} is not a graded lesson: left out.")
                continue
            if f.get("handed_in") is False:  # the folder graded held no notebook for this lesson
                continue
            if len(lesson.functions) > 1:  # a lesson of several functions: one record, once all are read
                several.setdefault(lesson.id, []).append(f)
                continue
            found[(student, lesson.id)] = _found(f, f"{folder.name}/{path.name}", lesson.function, lesson.points)
        for lesson_id, entries in several.items():
            lesson = lessons[lesson_id]
            found[(student, lesson_id)] = _found(_lesson_record(lesson, entries), f"{folder.name}/{path.name}",
                                                 lesson.names, lesson.points)
    return found


@dataclass
class _Gradebook:
    students: dict[str, str] = field(default_factory=dict)
    """id -> "First Last"."""
    assignments: list[str] = field(default_factory=list)
    duedates: dict[str, datetime] = field(default_factory=dict)
    scores: dict[tuple[str, str], float] = field(default_factory=dict)
    """The raw score: the sum of the submission's grades."""
    times: dict[tuple[str, str], tuple] = field(default_factory=dict)
    """(time stamp or None, seconds late, late penalty) for each submission."""


def read_gradebook(db_url: str, course_id: str, lessons: list[Lesson]) -> _Gradebook:
    """The roster, the assignments and their due dates, and every submission's score, time stamp and
    lateness, through nbgrader's own Gradebook and its tables: two grouped queries in all
    (``Gradebook.submission_dicts`` takes half a second a lesson on SQLite for a class of 80)."""
    from ..classroom import without_iri_grammar
    without_iri_grammar()
    from nbgrader.api import Assignment, Grade, Gradebook, SubmittedAssignment, SubmittedNotebook
    from sqlalchemy import func

    out = _Gradebook()
    wanted = {l.id for l in lessons}
    with Gradebook(db_url, course_id) as gb:
        for s in gb.students:
            out.students[s.id] = " ".join(x for x in (s.first_name, s.last_name) if x)
        for a in gb.assignments:
            out.assignments.append(a.name)
            if a.duedate is not None:
                out.duedates[a.name] = a.duedate
        # a submission's score is the sum of its grades' scores (manual ones first), as nbgrader's own
        rows = gb.db.query(SubmittedAssignment.student_id, Assignment.name,
                           func.coalesce(func.sum(Grade.score), 0.0)) \
            .select_from(SubmittedAssignment) \
            .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id) \
            .outerjoin(SubmittedNotebook, SubmittedNotebook.assignment_id == SubmittedAssignment.id) \
            .outerjoin(Grade, Grade.notebook_id == SubmittedNotebook.id) \
            .filter(Assignment.name.in_(sorted(wanted))) \
            .group_by(SubmittedAssignment.id, SubmittedAssignment.student_id, Assignment.name).all()
        for student, name, score in rows:
            out.scores[(student, name)] = float(score)
        # lateness as nbgrader computes it (SubmittedAssignment.total_seconds_late), and the late penalty
        rows = gb.db.query(SubmittedAssignment.student_id, Assignment.name, SubmittedAssignment.timestamp,
                           SubmittedAssignment.extension, Assignment.duedate,
                           func.coalesce(func.sum(SubmittedNotebook.late_submission_penalty), 0.0)) \
            .select_from(SubmittedAssignment) \
            .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id) \
            .outerjoin(SubmittedNotebook, SubmittedNotebook.assignment_id == SubmittedAssignment.id) \
            .filter(Assignment.name.in_(sorted(wanted))) \
            .group_by(SubmittedAssignment.id, SubmittedAssignment.student_id, Assignment.name,
                      SubmittedAssignment.timestamp, SubmittedAssignment.extension, Assignment.duedate).all()
        for student, name, stamp, extension, due, penalty in rows:
            if due is not None and extension is not None:
                due = due + extension
            late = (stamp - due).total_seconds() if stamp is not None and due is not None else 0.0
            out.times[(student, name)] = (stamp, max(late, 0.0), float(penalty or 0.0))
    return out


def _safe_url(db_url: str) -> str:
    try:
        from sqlalchemy.engine import make_url
        return make_url(db_url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy knows: show its scheme only
        return db_url.split("://", 1)[0] + "://..."


@dataclass
class _Layout:
    """Where the course directory keeps things, as its nbgrader_config.py says."""

    db_url: str | None
    """None when there is no gradebook to read."""
    course_id: str = "default_course"
    results: str = "results"
    submitted: str = "submitted"
    autograded: str = "autograded"


def _layout(root: Path, db_url: str | None) -> _Layout:
    try:
        from .. import classroom
        config, coursedir = classroom.course_config(root, db_url)
    except ModuleNotFoundError:  # nbgrader is not installed: only explicit files can be read
        if db_url:
            raise ReportError("reading a gradebook needs nbgrader: pip install -e \".[dev]\"") from None
        return _Layout(None)
    url = coursedir.db_url
    if not db_url and url.startswith("sqlite:///"):
        if not Path(url[len("sqlite:///"):]).exists():  # never create an empty gradebook just to read it
            url = None
    return _Layout(url, coursedir.course_id or "default_course",
                   config.get("GradeOutsideKernel", {}).get("results_directory", "results"),
                   coursedir.submitted_directory, coursedir.autograded_directory)


def _lesson_folders(folder: Path, lessons: list[Lesson]) -> set[tuple[str, str]]:
    """(student, lesson) for every ``folder/<student>/<lesson>/``."""
    found = set()
    if folder.is_dir():
        for student_dir in folder.iterdir():
            if student_dir.is_dir():
                found.update((student_dir.name, l.id) for l in lessons if (student_dir / l.id).is_dir())
    return found


def collect(root: str | Path = ".", db_url: str | None = None, grades: str | Path | None = None,
            lessons: list[str] | None = None, course: Course | None = None) -> ClassData:
    """Join every source into one Submission per student and lesson. The course is the course directory's
    own course.yml when it has one (as autograde reads it), else the repository's."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise ReportError(f"{root} is not a folder: give the nbgrader course directory with --root.")
    course = course or load_course(root / "course.yml" if (root / "course.yml").is_file() else None)
    wanted = [course.lesson(l) for l in lessons] if lessons else list(course.lessons)
    wanted = [l for l in wanted if l.graded]
    warnings: list[str] = []
    sources: list[str] = []

    layout = _layout(root, db_url)
    url, course_id, results_name = layout.db_url, layout.course_id, layout.results
    book = _Gradebook()
    if url:
        try:
            book = read_gradebook(url, course_id, wanted)
        except Exception as exc:  # an unreachable server, a file that is not a gradebook
            raise ReportError(f"cannot read the gradebook {_safe_url(url)}: {type(exc).__name__}: "
                              f"{str(exc).splitlines()[0][:200] if str(exc) else ''}") from None
        sources.append(f"gradebook {_safe_url(url)} (course {course_id}): {len(book.students)} students, "
                       f"{len(book.scores)} graded submissions")
    else:
        sources.append("no gradebook (scores are the grader's)")

    found = read_results(root / results_name, course, warnings)
    if found:
        sources.append(f"{results_name}/: {len(found)} grader reports")
    if grades is not None:
        extra = read_grades(Path(grades), course, warnings)
        added = {k: v for k, v in extra.items() if k not in found}
        if len(added) < len(extra):
            warnings.append(f"{len(extra) - len(added)} reports in {Path(grades).name}/ are also in "
                            f"{results_name}/: the ones nbgrader wrote are used.")
        found.update(added)
        sources.append(f"{Path(grades).name}/: {len(added)} grader reports from `grade --json`")

    handed_in = _lesson_folders(root / layout.submitted, wanted)
    autograded = _lesson_folders(root / layout.autograded, wanted)
    keys = set(found) | set(book.scores) | handed_in
    covered = [l for l in wanted if any(k[1] == l.id for k in keys)]
    if lessons:
        covered = wanted
    ids = sorted(set(book.students) | {s for s, _ in keys}, key=_natural)
    if not ids or not covered:
        raise ReportError(f"nothing to report on in {root}: no gradebook submissions, no {results_name}/ "
                          f"reports and no submitted/ folders for the graded lessons. Autograde first "
                          f"(python -m autograder nbgrader autograde), or give --grades FOLDER.")
    students = [Student(i, book.students.get(i, "")) for i in ids]
    isolation: dict[str, int] = {}
    submissions = {}
    for lesson in covered:
        for sid in ids:
            key = (sid, lesson.id)
            sub = _join(key, lesson, found.get(key), book.scores.get(key), key in handed_in,
                        key in handed_in and key not in autograded)
            if key in book.times:
                sub.timestamp, sub.seconds_late, sub.penalty = book.times[key]
                if sub.penalty and sub.score is not None:
                    sub.notes.append(f"handed in {late_text(sub.seconds_late)} late: nbgrader took {sub.penalty:g} "
                                     f"points off ({sub.score:g} before)")
                    sub.score = max(0.0, sub.score - sub.penalty)
            if key in found and found[key].isolation:
                isolation[found[key].isolation] = isolation.get(found[key].isolation, 0) + 1
            submissions[key] = sub
    released = [l.id for l in wanted if l.id in book.assignments and l not in covered]
    return ClassData(course, covered, students, submissions, released,
                     {k: v for k, v in book.duedates.items() if k in {l.id for l in covered}},
                     sources, warnings, isolation)


def _join(key: tuple[str, str], lesson: Lesson, found: _Found | None, score: float | None,
          handed_in: bool, unfinished: bool) -> Submission:
    """``unfinished``: handed in, but nbgrader left no autograded copy (its autograde failed)."""
    student, lesson_id = key
    cannot = [f"handed in, but nbgrader could not grade it (a damaged notebook, or a kernel that died): "
              f"`python -m autograder grade submitted/{student}/{lesson_id}` says why"]
    if found is not None:
        r = found.report
        status = UNGRADABLE if r.problem else NOT_ATTEMPTED if r.not_attempted else \
            PASSING if r.passed else FAILING
        sub = Submission(student, lesson_id, status, lesson.points, found.points if score is None else score,
                         r, found.digest, found.tokens, found.origin)
        if score is not None and score != found.points:
            sub.notes.append(f"the gradebook's score ({score:g}) is not the grader's ({found.points:g} of "
                             f"{lesson.points}): a manual grade, or graded again since?")
        return sub
    if score is not None and unfinished:
        return Submission(student, lesson_id, UNGRADABLE, lesson.points, score, origin="gradebook", notes=cannot)
    if score is not None:
        status = PASSING if score >= lesson.points else FAILING
        return Submission(student, lesson_id, status, lesson.points, score, origin="gradebook",
                          notes=[f"no grader report (results/{lesson_id}/{student}.json): the verdict "
                                 f"comes from nbgrader's score alone"])
    if handed_in:
        return Submission(student, lesson_id, UNGRADABLE, lesson.points, 0.0, origin="submitted/",
                          notes=[f"handed in, but not graded: autograde it (python -m autograder nbgrader "
                                 f"autograde --lesson {lesson_id} --student {student}); if that fails, "
                                 f"`python -m autograder grade submitted/{student}/{lesson_id}` says why"])
    return Submission(student, lesson_id, MISSING, lesson.points)


def late_text(seconds: float) -> str:
    """How late, for people: "40 s", "12 min", "3 h 5 min", "2 days 4 h"."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h" + (f" {minutes} min" if minutes else "")
    days, hours = divmod(hours, 24)
    return f"{days} day{'s' if days != 1 else ''}" + (f" {hours} h" if hours else "")


def _natural(text: str) -> tuple:
    """Sort s2 before s10."""
    import re
    return tuple(int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", text))
