"""How long real nbgrader takes to autograde one student's whole submission (every graded lesson).

    python benchmarks/bench_nbgrader.py [--against OTHER_CHECKOUT]

Builds a temporary course directory from the repository, releases every
lesson, submits the reference answers for one student, and times
``nbgrader autograde`` lesson by lesson (target: under 30 s for all thirteen of part 1
on 2 cores). ``--against`` runs the same for another checkout of the course (an older grading core, say:
``git worktree add /tmp/old-core <commit>``) in the same run and prints both side by side. A benchmark:
it prints figures and asserts nothing.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.grader import classroom as instructor
from autograder.grader.reference import reference
from autograder.learner.course import load_course

ROOT = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, help="another checkout of the course, measured in the same run")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.against:
        return compare(args.against.resolve())
    run(args.root)


def compare(other):
    """Both checkouts, each in a process of its own (its own autograder first on the path), one after the other."""
    figures = {}
    for root in (ROOT, other):
        print(f"--- {root} (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)", flush=True)
        done = subprocess.run([sys.executable, __file__, "--root", str(root)], capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(root)}, cwd=root)
        print(done.stdout + (done.stderr[-2000:] if done.returncode else ""), flush=True)
        figures[root] = dict(re.findall(r"^(autograde, .*?): ([\d.]+) s", done.stdout, re.M))
    print(f"{'':<58}{'this s':>8}{'other s':>9}{'ratio':>7}")
    for what, mine in figures[ROOT].items():
        theirs = float(figures[other].get(what, "nan"))
        print(f"{what:<58}{float(mine):>8.1f}{theirs:>9.1f}{float(mine) / theirs:>7.2f}")


def run(source):
    course = load_course()
    ref = reference()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        shutil.copytree(source / "solutions", root / "solutions", ignore=shutil.ignore_patterns("__pycache__", "*.py"))
        shutil.copy(source / "nbgrader_config.py", root)
        api = instructor.api_for(root, db_url=f"sqlite:///{root}/gradebook.db")
        start = time.perf_counter()
        instructor.release(api, [l.id for l in course.lessons])
        print(f"release of {len(course.lessons)} lessons: {time.perf_counter() - start:.1f} s")
        for lesson in course.lessons:
            folder = root / "submitted" / "student" / lesson.id
            folder.mkdir(parents=True)
            nb = nbformat.read(root / "lessons" / lesson.id / lesson.notebook, as_version=4)
            for cell in nb.cells:
                if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == lesson.function:
                    cell.source = ref.source(lesson.function)
            nbformat.write(nb, folder / lesson.notebook)
        for jobs in (1, 2, 3):
            if jobs > 1:  # grade again, several lessons at a time
                start = time.perf_counter()
                graded, failed = instructor.autograde(api, [l.id for l in course.lessons], ["student"], jobs=jobs)
                print(f"autograde, one student, {len(course.lessons)} lessons, {jobs} at a time: "
                      f"{time.perf_counter() - start:.1f} s (target < 30 s){'  FAILED: ' + str(failed) if failed else ''}")
                continue
            total = 0.0
            for lesson in course.lessons:
                start = time.perf_counter()
                graded, failed = instructor.autograde(api, [lesson.id], ["student"])
                seconds = time.perf_counter() - start
                total += seconds
                print(f"  {lesson.id:<22}{seconds:6.1f} s{'  FAILED' if failed else ''}")
            print(f"autograde, one student, {len(course.lessons)} lessons, one at a time: {total:.1f} s")
        scores = instructor.scores(api)
        score = sum(v for (s, _), v in scores.items() if s == "student")
        print(f"score {score:g}/{course.max_score}")


if __name__ == "__main__":
    main()
