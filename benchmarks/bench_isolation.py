"""What real isolation costs: grading each lesson's reference answer in bubblewrap and without it.

    python benchmarks/bench_isolation.py [--repeat 5]

For every lesson, the median wall time of ``grade_source`` (the sandboxed child, every check, hidden
ones included) with ``isolation: bwrap`` and with ``isolation: none``, in separate processes; then the
whole submission (every graded lesson) through ``python -m autograder grade`` both ways (goal: 3 s with
isolation). Prints the load average too: on a busy machine every figure grows. A benchmark: it prints
figures and asserts nothing.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PER_LESSON = r"""
import json, statistics, sys, time
from autograder.grader.isolation import isolation
from autograder.grader.oracle import LiveOracle
from autograder.grader.reference import reference
from autograder.grader.sandbox import grade_source
from autograder.learner.course import load_course
repeat = int(sys.argv[1])
oracle, ref = LiveOracle(), reference()
rows = {}
course = load_course()
for lesson in [course.lesson_for(f) for f in course.functions]:
    oracle.cases(lesson.function)
    oracle.expected(lesson.function, next(iter(oracle.cases(lesson.function))))
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        report = grade_source(lesson.function, ref.source(lesson.function), oracle, timeout=lesson.timeout)
        times.append(time.perf_counter() - start)
    rows[lesson.function] = (statistics.median(times), report.passed)
print(json.dumps({"isolation": isolation().label, "rows": rows}))
"""


def per_lesson(repeat, mode):
    env = {**os.environ, "AUTOGRADER_ISOLATION": mode, "OPENBLAS_NUM_THREADS": "1"}
    if mode == "bwrap":
        env.pop("AUTOGRADER_ISOLATION")
    done = subprocess.run([sys.executable, "-c", PER_LESSON, str(repeat)], capture_output=True, text=True, env=env,
                          cwd=ROOT, check=True)
    return json.loads(done.stdout)


def whole_submission(repeat, mode):
    from autograder.learner.course import load_course
    env = {**os.environ, "AUTOGRADER_ISOLATION": mode}
    if mode == "bwrap":
        env.pop("AUTOGRADER_ISOLATION")
    with tempfile.TemporaryDirectory() as scratch:
        submission = Path(scratch) / "submission"
        for lesson in load_course().lessons:
            (submission / lesson.id).mkdir(parents=True)
            shutil.copy(ROOT / "solutions" / lesson.id / lesson.notebook, submission / lesson.id)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(submission)], capture_output=True,
                                  text=True, env=env, cwd=ROOT)
            times.append(time.perf_counter() - start)
        return statistics.median(times), min(times), done.stdout.strip().splitlines()[-2:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    bwrap, plain = per_lesson(args.repeat, "bwrap"), per_lesson(args.repeat, "none")
    print(f"\none function, every check (median of {args.repeat}), {bwrap['isolation']}:")
    print(f"  {'function':<18}{'bwrap s':>9}{'none s':>9}{'overhead':>10}")
    for function, (with_bwrap, passed) in bwrap["rows"].items():
        without = plain["rows"][function][0]
        print(f"  {function:<18}{with_bwrap:>9.3f}{without:>9.3f}{with_bwrap - without:>+10.3f}"
              + ("" if passed else "  (FAILED)"))
    runs = max(1, args.repeat // 2)
    for mode in ("bwrap", "none"):
        median, best, tail = whole_submission(runs, mode)
        print(f"\nwhole {len(load_course().lessons)}-lesson submission, `python -m autograder grade`, isolation {mode}: median {median:.2f} s "
              f"(best {best:.2f} s, {runs} runs; goal with bwrap: 3 s) -> {' / '.join(tail)}")


if __name__ == "__main__":
    main()
