"""How long the class report takes for a large class: 1,000 submissions over the 13 lessons.

    python benchmarks/bench_report.py [--submissions 1000] [--keep FOLDER] [--against OTHER_CHECKOUT]

Builds, in a temporary course directory, a gradebook with nbgrader's own API (the roster, the 13
assignments, one graded cell each, every submission's score) and one ``results/<lesson>/<student>.json``
a submission, shaped as ``GradeOutsideKernel`` writes them: each check of the lesson's real suite, the
catalogued mistakes (with their hints) for wrong answers, stubs, copies of the course's version and of a
classmate. Nothing is graded. Then it times ``python -m autograder report``'s three steps (collect,
aggregate, render), cold and warm (goal: 10 s or less). ``--against`` times another checkout of the course
on the same class, turn about, each in fresh processes (in process: its imports, a first report and a
second; and the command line), and prints both side by side with their ratios. A benchmark: it prints
figures and asserts nothing.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import statistics
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.grader.classreport import collect, summarise, write
from autograder.learner.course import load_course
from autograder.learner.functions import suite
from autograder.learner.judge import fix_text

ROOT = Path(__file__).resolve().parent.parent


def kind_of(k: int, i: int) -> str:
    """Student k on lesson i, by a fixed rule: one student in four struggles (40% of lessons not passed),
    the others slip now and then (10%); wrong answers are catalogued mistakes, stubs, copies of a
    classmate's mistake and, rarely, notebooks that cannot be graded."""
    r = (7 * k + 3 * i) % 20
    if k % 4 == 0:
        return ("right" if r < 11 else "course" if r == 11 else "mistake" if r < 17 else "stub" if r == 17
                else "copy" if r == 18 else "ungradable")
    return "right" if r < 17 else "course" if r == 17 else "mistake" if r == 18 else "copy" if k % 2 else "stub"


def results_json(student: str, lesson, kind: str, k: int, i: int) -> dict:
    s = suite(lesson.function)
    mistakes = s.mistakes
    mistake = mistakes[(k + i) % len(mistakes)] if kind in ("mistake", "copy") else None
    if kind == "copy":  # the copied classmate's mistake and code
        mistake = mistakes[(k - 1 + i) % len(mistakes)]
    checks, failed_one = [], False
    for c in s.checks:
        fail = mistake is not None and (c.hidden or (not failed_one and c.id.startswith("values")))
        failed_one |= fail
        checks.append({"name": c.id, "purpose": c.purpose, "passed": not fail, "status": "fail" if fail else "pass",
                       "message": f"{lesson.function} gave the wrong values. This looks like {mistake.title}."
                       if fail else "", "hidden": c.hidden, "mistake": mistake.id if fail else "",
                       "hint": mistake.hint if fail else "", "fix": fix_text(mistake.fix) if fail else ""})
    problem = not_attempted = ""
    if kind == "stub":
        checks = [{"name": "attempted", "purpose": "the function has been written", "passed": False,
                   "status": "fail", "message": "not attempted yet", "hidden": False, "mistake": "", "hint": "",
                   "fix": ""}]
        not_attempted = True
    if kind == "ungradable":
        checks, problem = [], f"the graded cell for {lesson.function} is missing: it was deleted."
    owner = {"copy": k - 1, "course": -1}.get(kind, k)
    digest = hashlib.sha256(f"{lesson.id}/{owner}/{kind if kind != 'copy' else 'mistake'}".encode()).hexdigest()[:16]
    passed = kind in ("right", "course")
    return {"student": student, "lesson": lesson.id, "function": lesson.function,
            "points": lesson.points if passed else 0, "max_points": lesson.points,
            "isolation": {"kind": "simulated", "detail": ""},
            "passed": passed, "not_attempted": bool(not_attempted), "problem": problem,
            "flags": [f"{lesson.function} matches the course's own version token for token."] if kind == "course"
            else [], "mistakes": [mistake.id] if mistake else [], "checks": checks,
            "source_digest": None if kind == "ungradable" else digest,
            "source_tokens": None if kind == "ungradable" else 20 + (k * 7 + i) % 40}


def build(root: Path, submissions: int) -> tuple[int, int]:
    from nbgrader.api import Grade, Gradebook, SubmittedAssignment, SubmittedNotebook

    course = load_course()
    lessons = [l for l in course.lessons if l.function]  # lessons of one function (the bug hunt has four)
    students = math.ceil(submissions / len(lessons))
    shutil.copy(ROOT / "nbgrader_config.py", root)
    ids = [f"student{k + 1:04d}" for k in range(students)]
    made = 0
    with Gradebook(f"sqlite:///{root}/gradebook.db", "mnist-numpy-course") as gb, gb.db.no_autoflush:
        for k, sid in enumerate(ids):
            gb.add_student(sid, first_name=f"First{k + 1}", last_name=f"Last{k + 1}")
        cells = {}
        for lesson in lessons:
            gb.add_assignment(lesson.id)
            gb.add_notebook(lesson.function, lesson.id)
            cells[lesson.id] = gb.add_grade_cell(f"check_{lesson.function}", lesson.function, lesson.id,
                                                 max_score=lesson.points, cell_type="code")
        for i, lesson in enumerate(lessons):
            assignment = gb.find_assignment(lesson.id)
            notebook = assignment.notebooks[0]
            folder = root / "results" / lesson.id
            folder.mkdir(parents=True)
            for k, sid in enumerate(ids):
                if made >= submissions:
                    break
                kind = kind_of(k, i)
                data = results_json(sid, lesson, kind, k, i)
                (folder / f"{sid}.json").write_text(json.dumps(data, indent=1))
                sa = SubmittedAssignment(assignment=assignment, student=gb.find_student(sid))
                nb = SubmittedNotebook(notebook=notebook, assignment=sa)
                Grade(cell_id=cells[lesson.id].id, notebook=nb, auto_score=float(data["points"]))
                gb.db.add(sa)
                made += 1
        gb.db.commit()
    return students, made


def timed(root: Path, out: Path) -> dict:
    t0 = time.perf_counter()
    data = collect(root)
    t1 = time.perf_counter()
    report = summarise(data)
    t2 = time.perf_counter()
    written = write(report, out)
    t3 = time.perf_counter()
    return {"collect": t1 - t0, "aggregate": t2 - t1, "render": t3 - t2, "total": t3 - t0,
            "page": written.page.stat().st_size, "report": report}


# In a fresh process of a checkout (its own autograder first on the path): imports, then two reports.
IN_PROCESS = """
import json, sys, time
t0 = time.perf_counter()
from autograder.grader.classreport import collect, summarise, write
t1 = time.perf_counter()
runs = []
for k in range(2):
    start = time.perf_counter()
    write(summarise(collect(sys.argv[1])), sys.argv[2] + str(k))
    runs.append(time.perf_counter() - start)
print(json.dumps({"imports": t1 - t0, "first report": runs[0], "second report": runs[1]}))
"""


def checkout_times(checkout: Path, root: Path, out: Path) -> dict:
    """One checkout's figures on the class in ``root``: in a fresh process, and from the command line."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    done = subprocess.run([sys.executable, "-c", IN_PROCESS, str(root), str(out / "in-process")], cwd=checkout,
                          env=env, capture_output=True, text=True, check=True)
    times = json.loads(done.stdout.strip().splitlines()[-1])
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "autograder", "report", "--root", str(root), "--out", str(out / "cli")],
                   cwd=checkout, env=env, capture_output=True, text=True, check=True)
    times["command line"] = time.perf_counter() - start
    return times


def content(folder: Path) -> tuple:
    """What a report says: its page less the minute it was made, and its CSV files."""
    page = re.sub(r"Made \d{4}-\d\d-\d\d \d\d:\d\d UTC", "", (folder / "index.html").read_text())
    return page, tuple(p.read_bytes() for p in sorted(folder.glob("*.csv")))


def compare(other: Path, root: Path, rounds: int):
    """This checkout against ``other`` on the same class, turn about, the order swapped every round."""
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; this checkout against {other}, "
          f"{rounds} rounds, medians")
    results = {ROOT: [], other: []}
    for k in range(rounds):
        for checkout in ((ROOT, other) if k % 2 == 0 else (other, ROOT)):
            results[checkout].append(checkout_times(checkout, root, root / f"out-{k}-{checkout.name}"))
    print(f"  {'':<40}{'this s':>8}{'other s':>9}{'ratio':>7}")
    for what in ("imports", "first report", "second report", "command line"):
        mine = statistics.median(r[what] for r in results[ROOT])
        theirs = statistics.median(r[what] for r in results[other])
        print(f"  {what:<40}{mine:>8.2f}{theirs:>9.2f}{mine / theirs:>7.2f}")
    same = content(root / f"out-0-{ROOT.name}" / "cli") == content(root / f"out-0-{other.name}" / "cli")
    print(f"the same report (page and CSV files, figures byte for byte, less the minute it was made): "
          f"{'yes' if same else 'NO'}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--keep", help="copy the course directory and its report here")
    parser.add_argument("--against", type=Path, help="another checkout of the course, measured in the same run")
    parser.add_argument("--rounds", type=int, default=3, help="with --against: rounds, each checkout once a round")
    parser.add_argument("--smoke", action="store_true",
                        help="the same code on the smallest inputs, once: proves it runs (its figures mean nothing)")
    args = parser.parse_args()
    args.submissions = 30 if args.smoke else args.submissions
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        start = time.perf_counter()
        students, made = build(root, args.submissions)
        print(f"built {made} submissions ({students} students; gradebook + results JSON) "
              f"in {time.perf_counter() - start:.1f} s (not timed below)")
        if args.against:
            return compare(args.against.resolve(), root, 1 if args.smoke else args.rounds)
        runs = [timed(root, root / "report") for _ in range(3)]
        for name, run in zip(("first", "second", "third"), runs):
            print(f"report, {name}: {run['total']:.2f} s = collect {run['collect']:.2f} + aggregate "
                  f"{run['aggregate']:.2f} + render {run['render']:.2f} (page + 4 CSV files)")
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "autograder", "report", "--root", str(root), "--out",
                               str(root / "report-cli")], capture_output=True, text=True)
        cli = time.perf_counter() - start
        print(f"`python -m autograder report` in a fresh process (start-up and imports included): {cli:.2f} s"
              + ("" if done.returncode == 0 else f"  FAILED: {done.stdout[-300:]}{done.stderr[-300:]}"))
        r = runs[-1]["report"]
        print(f"page: {runs[-1]['page'] / 1e6:.2f} MB, {r.class_size} students, {len(r.lessons)} lessons, "
              f"{r.handed_in} handed in, {len(r.falling_behind)} falling behind; goal <= 10 s")
        if args.keep:
            shutil.copytree(root, args.keep, dirs_exist_ok=True)
            print(f"kept in {args.keep}")


if __name__ == "__main__":
    main()
