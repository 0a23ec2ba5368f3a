"""How long real nbgrader takes to autograde one student's whole submission (every graded lesson).

    python benchmarks/bench_nbgrader.py [--against OTHER_CHECKOUT]

Builds a temporary course directory from the repository, releases every
lesson, submits the reference answers for one student, and times
``nbgrader autograde`` lesson by lesson (the 21 graded lessons and the bug hunt; targets on 2 cores: under
30 s one at a time, under 21 s two at a time). ``--against`` runs the same for another checkout of the course (an older grading core, say:
``git worktree add /tmp/old-core <commit>``) in the same run and prints both side by side. A benchmark:
it prints figures and asserts nothing.
"""
import argparse
import dataclasses
import contextlib
import os
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


SMOKE_LESSONS = ("01_one_hot", "03_relu")  # --smoke: two quick lessons


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, help="another checkout of the course, measured in the same run")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--smoke", action="store_true",
                        help="the same code on the smallest inputs, once: proves it runs (its figures mean nothing)")
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker)
    if args.against:
        return compare(args.against.resolve())
    with course_directory(ROOT, SMOKE_LESSONS if args.smoke else None) as (api, course):
        for jobs in (1, 2) if args.smoke else (1, 2, 3):
            if jobs > 1:  # grade again, several lessons at a time
                seconds, failed = autograde(api, [l.id for l in course.lessons], jobs)
                print(f"autograde, one student, {len(course.lessons)} lessons, {jobs} at a time: {seconds:.1f} s "
                      f"{'(target < 21 s)' if jobs == 2 else ''}{'  FAILED: ' + str(failed) if failed else ''}")
                continue
            total = 0.0
            for lesson in course.lessons:
                seconds, failed = autograde(api, [lesson.id])
                total += seconds
                print(f"  {lesson.id:<22}{seconds:6.1f} s{'  FAILED' if failed else ''}")
            print(f"autograde, one student, {len(course.lessons)} lessons, one at a time: {total:.1f} s "
                  f"(target < 30 s)")
        print(f"score {score(api):g}/{course.max_score}")


@contextlib.contextmanager
def course_directory(source, lessons=None):
    """A temporary course directory made from the checkout ``source``: every lesson released (or those
    named in ``lessons``), and the reference answers submitted by one student. Yields (nbgrader API, course)."""
    course, ref = load_course(), reference()
    if lessons:
        course = dataclasses.replace(course, lessons=tuple(course.lesson(l) for l in lessons))
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        shutil.copytree(source / "solutions", root / "solutions", ignore=shutil.ignore_patterns("__pycache__", "*.py"))
        shutil.copy(source / "nbgrader_config.py", root)
        api = instructor.api_for(root, db_url=f"sqlite:///{root}/gradebook.db")
        start = time.perf_counter()
        instructor.release(api, [l.id for l in course.lessons])
        print(f"release of {len(course.lessons)} lessons: {time.perf_counter() - start:.1f} s", file=sys.stderr)
        for lesson in course.lessons:
            folder = root / "submitted" / "student" / lesson.id
            folder.mkdir(parents=True)
            nb = nbformat.read(root / "release" / lesson.id / lesson.notebook, as_version=4)
            for cell in nb.cells:
                grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                if cell.get("metadata", {}).get("nbgrader", {}).get("solution") and grade_id in lesson.functions:
                    cell.source = ref.source(grade_id)
            nbformat.write(nb, folder / lesson.notebook)
        yield api, course


def autograde(api, lessons, jobs=1):
    start = time.perf_counter()
    graded, failed = instructor.autograde(api, lessons, ["student"], jobs=jobs)
    return time.perf_counter() - start, failed


def score(api):
    return sum(v for (s, _), v in instructor.scores(api).items() if s == "student")


def worker(source):
    """Serve one checkout's measurements: a line "LESSON,JOBS" (or "all,JOBS") in, "SECONDS FAILED" out."""
    with course_directory(source) as (api, course):
        print("ready", flush=True)
        for line in sys.stdin:
            what, jobs = line.split(",")
            if what == "score":
                print(score(api), flush=True)
                continue
            lessons = [l.id for l in course.lessons] if what == "all" else [what]
            seconds, failed = autograde(api, lessons, int(jobs))
            print(f"{seconds:.3f} {len(failed)}", flush=True)


def compare(other):
    """This checkout against ``other``, each graded by a process of its own (its own autograder first on the
    path), lesson by lesson in turn, the order swapped at each step, so that both see the same load."""
    workers = {root: subprocess.Popen([sys.executable, __file__, "--worker", str(root)], cwd=root, text=True,
                                      env={**os.environ, "PYTHONPATH": str(root)}, stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE) for root in (ROOT, other)}
    assert all(w.stdout.readline().strip() == "ready" for w in workers.values()), "a worker did not start"

    def ask(root, request):
        workers[root].stdin.write(request + "\n")
        workers[root].stdin.flush()
        return workers[root].stdout.readline().split()

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; this checkout against {other}")
    print(f"  {'':<44}{'this s':>8}{'other s':>9}{'ratio':>7}")
    lessons = [l.id for l in load_course().lessons]
    totals = {ROOT: 0.0, other: 0.0}
    for k, lesson in enumerate(lessons):
        seconds = {}
        for root in ((ROOT, other) if k % 2 == 0 else (other, ROOT)):
            taken, failed = ask(root, f"{lesson},1")
            seconds[root] = float(taken)
            totals[root] += seconds[root]
        print(f"  {lesson:<44}{seconds[ROOT]:>8.1f}{seconds[other]:>9.1f}{seconds[ROOT] / seconds[other]:>7.2f}")
    print(f"  {f'autograde, {len(lessons)} lessons, one at a time':<44}{totals[ROOT]:>8.1f}{totals[other]:>9.1f}"
          f"{totals[ROOT] / totals[other]:>7.2f}")
    for jobs in (2, 3):
        seconds = {}
        for root in ((ROOT, other) if jobs == 2 else (other, ROOT)):
            seconds[root] = float(ask(root, f"all,{jobs}")[0])
        print(f"  {f'autograde, {len(lessons)} lessons, {jobs} at a time':<44}{seconds[ROOT]:>8.1f}{seconds[other]:>9.1f}"
              f"{seconds[ROOT] / seconds[other]:>7.2f}")
    print(f"score: this {ask(ROOT, 'score,0')[0]}, other {ask(other, 'score,0')[0]} of {load_course().max_score}")
    for w in workers.values():
        w.stdin.close()
        w.wait()


if __name__ == "__main__":
    main()
