"""Check-cell latency per function, and the time to grade a whole submission with the CLI.

    python benchmarks/bench_checks.py [--repeat 7]

Prints the median time of one in-notebook check (``check(...)``'s work: all
visible checks against the stored fixtures, in this process) for each
graded function (target: under 0.3 s each), then the wall time of
``python -m autograder grade`` on a whole submission (every graded lesson), each
function sandboxed and judged against the live reference (target: under 15 s
on 2 cores). A benchmark: it prints figures and asserts nothing.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.learner.checking import judge
from autograder.learner.course import load_course
from autograder.learner.fixtures import stored_oracle
from solutions import deep, network

ROOT = Path(__file__).resolve().parent.parent


def check_latency(repeat):
    stored_oracle()  # loading the fixtures once per session is part of the first check, not of each
    rows = []
    for function in load_course().functions:
        fn = getattr(network, function, None) or getattr(deep, function)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            report = judge(function, fn)
            times.append(time.perf_counter() - start)
        rows.append((function, statistics.median(times), max(times), report.passed))
    return rows


def grading_time(repeat):
    course = load_course()
    with tempfile.TemporaryDirectory() as scratch:
        submission = Path(scratch) / "submission"
        for lesson in course.lessons:
            (submission / lesson.id).mkdir(parents=True)
            shutil.copy(ROOT / "solutions" / lesson.id / lesson.notebook, submission / lesson.id)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(submission)],
                                  capture_output=True, text=True)
            times.append(time.perf_counter() - start)
        last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-200:]
    return statistics.median(times), min(times), max(times), last


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--smoke", action="store_true",
                        help="the same code on the smallest inputs, once: proves it runs (its figures mean nothing)")
    args = parser.parse_args()
    args.repeat = 1 if args.smoke else args.repeat
    print(f"in-notebook check, median of {args.repeat} (target < 0.3 s):")
    print(f"  {'function':<18}{'median s':>9}{'max s':>8}  verdict")
    for function, median, worst, passed in check_latency(args.repeat):
        print(f"  {function:<18}{median:>9.3f}{worst:>8.3f}  {'pass' if passed else 'FAIL'}")
    runs = max(1, args.repeat // 3)
    median, best, worst = grading_time(runs)[:3]
    print(f"\nwhole {len(load_course().lessons)}-lesson submission, `python -m autograder grade`, {runs} runs on {os.cpu_count()} cores "
          f"(target < 15 s): median {median:.1f} s (min {best:.1f}, max {worst:.1f})")


if __name__ == "__main__":
    main()
