"""Grading a submission: ``python -m autograder grade PATH [--json]`` (instructors' side).

PATH is one lesson notebook, one lesson's folder, or a folder of them (a
learner's whole submission). Each graded function is found by the nbgrader
``grade_id`` of its solution cell, run in the sandbox, judged against the
live reference with every check (hidden ones included) and scored with
the points in course.yml (all or nothing, or a share for each check that
passes where course.yml says ``scoring: per-check``); a lesson of several
functions (the bug hunt) is graded function by function, a row each. A
notebook that cannot be read, is a link, or whose graded cell is missing or
duplicated costs that function its points with a message saying how to
recover it; everything else is still graded. Answers copied from the course are flagged for the instructor, and
``--json`` carries each graded cell's fingerprint (a digest of its code with
layout and comments set aside, never the code) for the class report.
"""
from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..learner import render
from ..learner.course import ALL_OR_NOTHING, CourseError, load_course, points_earned
from ..learner.model import FunctionReport
from ..learner.notebooks import (
    NotebookError,
    all_grade_ids,
    belongs_to,
    graded_cells,
    pick_cell,
    read_notebook,
)
from .isolation import isolation
from .provenance import Fingerprint, copied_from_course, fingerprint, handed_out, submission_problem


@dataclass
class FunctionGrade:
    """One function's grade: its report and the points it earns (as the lesson's ``scoring`` says)."""

    function: str
    lesson: str
    max_points: int
    report: FunctionReport
    cell: Fingerprint | None = None
    """The graded cell's fingerprint (None when there was no cell to grade)."""
    handed_in: bool = True
    """False when the folder graded holds no notebook for this lesson at all (the class report counts it
    as not handed in, rather than as a notebook whose graded cell was deleted)."""
    scoring: str = ALL_OR_NOTHING

    @property
    def points(self) -> float:
        return points_earned(self.max_points, self.scoring, self.report)

    def to_dict(self) -> dict:
        cell = self.cell.to_dict() if self.cell else {"source_digest": None, "source_tokens": None}
        return {"name": self.function, "lesson": self.lesson, "points": self.points,
                "max_points": self.max_points, "handed_in": self.handed_in, **self.report.to_dict(), **cell}


@dataclass
class Grade:
    """A submission's grade: one FunctionGrade per lesson graded."""

    path: str
    functions: list
    isolation: dict = field(default_factory=lambda: isolation()._asdict())

    @property
    def score(self) -> float:
        return round(sum(f.points for f in self.functions), 2)

    @property
    def max_score(self) -> int:
        return sum(f.max_points for f in self.functions)

    @property
    def passed(self) -> bool:
        return bool(self.functions) and all(f.report.passed for f in self.functions)

    @property
    def flags(self) -> list:
        return [flag for f in self.functions for flag in f.report.flags]

    def to_dict(self) -> dict:
        return {"path": self.path, "score": self.score, "max_score": self.max_score,
                "isolation": self.isolation, "flags": self.flags,
                "functions": [f.to_dict() for f in self.functions]}

    def table(self) -> str:
        rows = [(f.function, f.lesson, f"{f.report.n_passed}/{len(f.report.results)}" if f.report.results else "-",
                 f.points, f.max_points, f.report.first_failure) for f in self.functions]
        text = render.summary_text(rows, self.score, self.max_score)
        label = f"isolation: {self.isolation['kind']}" + (f" ({self.isolation['detail']})"
                                                          if self.isolation.get("detail") else "")
        flags = "".join(f"\nflag for the instructor: {flag}" for flag in self.flags)
        return render.clean(f"{text}{flags}\n{label}")


def find_notebooks(path):
    path = Path(path)
    if path.is_file() or path.is_symlink():
        return [path]
    return sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def _lessons_in(path, nb, course):
    """The graded functions a single notebook answers (one view of its lesson each, see
    ``Lesson.per_function``): by its file name, or by the grade_ids it holds."""
    ids = all_grade_ids(nb) if nb else set()
    mine = graded_cells(path, nb) if nb else {}

    def shared(function):  # graded by more than one lesson: the cells themselves say whose they are
        return sum(v.function == function for v in course.per_function) > 1

    return [lesson for lesson in course.per_function
            if lesson.notebook == Path(path).name
            or any(belongs_to(c, lesson, course) for c in mine.get(lesson.function, []))
            or (not shared(lesson.function) and (lesson.function in ids or f"check_{lesson.function}" in ids))]


def grade_path(path, course=None, oracle=None, functions=None, include_hidden=True, jobs=None):
    """Grade a notebook, a lesson's folder or a folder of lessons: a Grade."""
    course = course or load_course()
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        raise FileNotFoundError(f"{path} does not exist: give a lesson notebook or a folder of them.")
    if functions:
        unknown = [f for f in functions if f not in course.functions]
        if unknown:
            raise FileNotFoundError(f"no lesson teaches {unknown[0]!r}; the graded functions are "
                                    f"{', '.join(course.functions)}.")
    folder = path if path.is_dir() and not path.is_symlink() else path.parent
    notebooks = find_notebooks(path)
    cells, broken, refused = {}, {}, {}
    readable = {}
    for nb_path in notebooks:
        problem = submission_problem(nb_path, folder)
        if problem:
            refused[nb_path] = problem
            continue
        try:
            nb = read_notebook(nb_path)
        except NotebookError as exc:
            broken[nb_path] = str(exc)
            continue
        readable[nb_path] = nb
        for grade_id, found in graded_cells(nb_path, nb).items():
            cells.setdefault(grade_id, []).extend(found)

    if path.is_file() or path.is_symlink():
        if path in refused:
            raise NotebookError(refused[path])
        nb = readable.get(path)
        lessons = _lessons_in(path, nb, course)
        if not lessons:
            message = broken.get(path) or (
                f"{path.name} holds no graded cell of this course (looked for the grade_ids "
                f"{', '.join(course.functions)}).")
            raise NotebookError(message)
    elif path.name in {l.id for l in course.lessons}:  # one lesson's folder: that lesson alone
        lessons = list(course.lesson(path.name).per_function)
    else:
        lessons = list(course.per_function)
    if functions:
        lessons = [l for l in lessons if l.function in functions]

    if oracle is None:
        from .oracle import LiveOracle
        oracle = LiveOracle()

    def owned(lesson):
        return [c for c in cells.get(lesson.function, []) if belongs_to(c, lesson, course)]

    names = {p.name for p in notebooks}
    single = path.is_file() or path.is_symlink()

    def handed_in(lesson):
        return single or bool(owned(lesson)) or lesson.notebook in names

    def grade_one(lesson):
        from .cell import grade_source, too_large
        found = owned(lesson)
        if not found:
            mine = lambda p: p.name == lesson.notebook or path.is_file()  # noqa: E731
            damaged = [msg for p, msg in list(refused.items()) + list(broken.items()) if mine(p)]
            if damaged:
                return FunctionReport(lesson.function, problem=damaged[0]), None
        if not found and not handed_in(lesson):
            return FunctionReport(lesson.function, problem=(
                f"not handed in: {folder} holds no notebook for lesson {lesson.id} ({lesson.notebook}).")), None
        cell, problem = pick_cell(lesson.function, found)
        if cell is None:
            return FunctionReport(lesson.function, problem=problem), None
        too_big = too_large(lesson.function, cell.source)  # before anything parses or fingerprints it
        if too_big:
            return too_big, None
        report = grade_source(lesson.function, cell.source, oracle, timeout=lesson.timeout,
                              include_hidden=include_hidden)
        flag = copied_from_course(lesson.function, cell.source)
        if flag:
            report.flags.append(flag)
        # code still as the course handed it out (the bug hunt's original functions) is nobody's own work
        return report, None if handed_out(lesson.id, lesson.function, cell.source) else fingerprint(cell.source)

    workers = jobs or min(len(lessons), os.cpu_count() or 1) or 1
    if workers > 1:
        for lesson in lessons:  # build cases up front: threads then only read the caches
            oracle.cases(lesson.function, include_hidden)
        with ThreadPoolExecutor(workers) as pool:
            graded = list(pool.map(grade_one, lessons))
    else:
        graded = [grade_one(lesson) for lesson in lessons]
    return Grade(str(path), [FunctionGrade(l.function, l.id, l.points, r, cell, handed_in(l), l.scoring)
                             for l, (r, cell) in zip(lessons, graded)])


def grade_source_file(path, functions):
    """Grade a plain .py file as the graded cell of one function."""
    if not functions or len(functions) != 1:
        raise FileNotFoundError("--source needs exactly one --function.")
    from .oracle import LiveOracle
    from .cell import grade_source, too_large
    course = load_course()
    try:
        lesson = course.lesson_for(functions[0])
    except CourseError:
        raise FileNotFoundError(f"no lesson teaches {functions[0]!r}; the graded functions are "
                                f"{', '.join(course.functions)}.") from None
    source = Path(path).read_text(encoding="utf-8", errors="replace")
    refused = too_large(lesson.function, source)  # before anything parses or fingerprints it
    if refused:
        return Grade(str(path), [FunctionGrade(lesson.function, lesson.id, lesson.points, refused)])
    report = grade_source(lesson.function, source, LiveOracle(), timeout=lesson.timeout)
    flag = copied_from_course(lesson.function, source)
    if flag:
        report.flags.append(flag)
    return Grade(str(path), [FunctionGrade(lesson.function, lesson.id, lesson.points, report, fingerprint(source),
                                           scoring=lesson.scoring)])


def main(args):
    """The ``grade`` command: print a table (or JSON); exit 0 only when everything passes."""
    try:
        if args.source:
            grade = grade_source_file(args.source, args.function)
        elif args.path and Path(args.path).suffix == ".py":
            raise FileNotFoundError(f"{args.path} is a Python file, not a notebook: grade it as one function's "
                                    f"graded cell with `python -m autograder grade --source {args.path} "
                                    f"--function NAME`.")
        elif args.path:
            grade = grade_path(args.path, functions=args.function or None, jobs=args.jobs)
        else:
            raise FileNotFoundError("give a notebook or folder to grade (or --source FILE --function NAME).")
    except (FileNotFoundError, NotebookError, OSError) as exc:
        if args.json:
            print(json.dumps({"error": str(exc)}))
        else:
            print(f"Cannot grade: {exc}")
        return 2
    if args.json:
        print(json.dumps(grade.to_dict(), indent=1))
    else:
        print(grade.table())
    return 0 if grade.passed else 1
