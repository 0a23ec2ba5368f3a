"""python -m autograder: check your progress; grade submissions, report on a class, prove the checks and build the course."""
from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys

# command -> (the module that runs it, who it is for); learners' installs have only the learner's side.
COMMANDS = {
    "progress": ("autograder.learner.progress", "learner"),
    "grade": ("autograder.grader.grade", "instructor"),
    "nbgrader": ("autograder.grader.classroom", "instructor"),
    "report": ("autograder.grader.classreport", "instructor"),
    "mutants": ("autograder.grader.mutation", "instructor"),
    "build": ("autograder.author", "author"),
    "student-dist": ("autograder.author.wheel", "author"),
    "lite": ("autograder.author.lite", "author"),
}


def instructor_side() -> bool:
    """Is the grader's package here (a clone of the course), or only the learners' wheel?"""
    return importlib.util.find_spec("autograder.grader") is not None


def parser(full: bool) -> argparse.ArgumentParser:
    doc = __doc__.split(":", 1)[1].strip() if full else "check your progress through the lessons."
    parser = argparse.ArgumentParser(prog="python -m autograder", description=doc[0].upper() + doc[1:])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("progress", help="show every lesson's state, read from your own notebooks")
    p.add_argument("folder", nargs="?", help="your lessons folder (default: ./lessons)")
    p.add_argument("--json", action="store_true", help="print the same data as JSON")
    if not full:
        return parser

    p = sub.add_parser("grade", help="grade a lesson notebook or a folder of them (instructors)")
    p.add_argument("path", nargs="?", help="a lesson notebook, or a folder holding a learner's lesson notebooks")
    p.add_argument("--source", help="grade this .py file as the graded cell of --function")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--function", action="append", help="grade only this function (repeatable)")
    p.add_argument("--jobs", type=int, default=None, help="functions graded at once (default: CPU count)")

    p = sub.add_parser("nbgrader", help="run an nbgrader step on every lesson (instructors)")
    p.add_argument("action", choices=["release", "autograde", "feedback", "export", "scores"])
    p.add_argument("--root", default=".", help="the nbgrader course directory (default: here)")
    p.add_argument("--lesson", action="append", help="only this lesson (repeatable)")
    p.add_argument("--student", action="append", help="only this student (repeatable)")
    p.add_argument("--to", default="grades.csv", help="export: the CSV file to write")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="autograde: submissions graded at once (default: the number of CPUs)")

    p = sub.add_parser("report", help="the class report: mistakes by lesson, who is behind, flags (instructors)")
    p.add_argument("--root", default=".", help="the nbgrader course directory (default: here)")
    p.add_argument("--db", help="the gradebook's database URL (default: the course's nbgrader_config.py)")
    p.add_argument("--grades", help="also read this folder of `grade --json` outputs, one <student>.json each")
    p.add_argument("--out", help="the report's folder: index.html and CSV files (default: ROOT/report)")
    p.add_argument("--lesson", action="append", help="only this lesson (repeatable)")
    p.add_argument("--behind", type=int, default=2,
                   help="the fewest reached lessons not passed that make a student 'falling behind' "
                        "(default: 2; and at least a quarter of those reached)")

    p = sub.add_parser("mutants", help="run every known mistake and right variant through the checks")
    p.add_argument("--function", action="append", help="only this function (repeatable)")

    p = sub.add_parser("build", help="regenerate lessons, fixtures and configuration from their sources")
    p.add_argument("--check", action="store_true", help="only report generated files that are stale")
    p.add_argument("--lesson", action="append", help="rebuild only this lesson's notebooks (repeatable)")

    p = sub.add_parser("student-dist", help="build the learners' wheel: checks and data, no answers")
    p.add_argument("--out", default="dist", help="folder for the wheel (default: dist)")

    p = sub.add_parser("lite", help="build a static JupyterLite site of the course (runs in the browser)")
    p.add_argument("--out", default="_output", help="the site's folder (default: _output)")
    p.add_argument("--pyodide", help="self-host this Pyodide (URL or .tar.bz2) instead of the CDN's")
    return parser


def main(argv=None) -> int:
    full = instructor_side()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not full and argv and argv[0] in COMMANDS and COMMANDS[argv[0]][1] != "learner":
        print(f"`python -m autograder {argv[0]}` is for instructors and is not part of the learners' install; "
              f"use a clone of the course with `pip install -e \".[dev]\"`.")
        return 2
    if not argv:  # no command: say what there is, rather than argparse's one-line complaint
        parser(full).print_help()
        return 0
    args = parser(full).parse_args(argv)
    module_name, _ = COMMANDS[args.command]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.split(".")[0] in ("nbgrader", "jupytext", "jupyterlite_core", "solutions"):
            print(f"`python -m autograder {args.command}` needs {exc.name.split('.')[0]}, which is not installed; "
                  f"instructors install the course with `pip install -e \".[dev]\"`.")
            return 2
        raise
    return module.main(args)


if __name__ == "__main__":
    sys.exit(main())
