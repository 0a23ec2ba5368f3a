"""What real isolation costs: grading each lesson's reference answer in bubblewrap and without it.

    python benchmarks/bench_isolation.py [--repeat 5] [--against OTHER_CHECKOUT]

For every lesson, the median wall time of ``grade_source`` (the sandboxed child, every check, hidden
ones included) with ``isolation: bwrap`` and with ``isolation: none``, in separate processes; then the
whole submission (every graded lesson) through ``python -m autograder grade`` both ways (goal: 3 s with
isolation). ``--against`` measures another checkout of the course (say, an older grading core:
``git worktree add /tmp/old-core <commit>``) in the same run, interleaved, and prints both side by side.
Prints the load average too: on a busy machine every figure grows. A benchmark: it prints figures and
asserts nothing.
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
from autograder.grader.cell import grade_source
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


def _env(mode, root):
    env = {**os.environ, "AUTOGRADER_ISOLATION": mode, "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": str(root)}
    if mode == "bwrap":
        env.pop("AUTOGRADER_ISOLATION")
    return env


def per_lesson(repeat, mode, root=ROOT):
    done = subprocess.run([sys.executable, "-c", PER_LESSON, str(repeat)], capture_output=True, text=True,
                          env=_env(mode, root), cwd=root, check=True)
    return json.loads(done.stdout)


def whole_submission(repeat, mode, roots=(ROOT,)):
    """Median and best wall time of `python -m autograder grade` on every lesson's reference, for each checkout
    (interleaved, run by run), and the last lines it printed."""
    from autograder.learner.course import load_course
    with tempfile.TemporaryDirectory() as scratch:
        submission = Path(scratch) / "submission"
        for lesson in load_course().lessons:
            (submission / lesson.id).mkdir(parents=True)
            shutil.copy(ROOT / "solutions" / lesson.id / lesson.notebook, submission / lesson.id)
        times, tails = {root: [] for root in roots}, {}
        for _ in range(repeat):
            for root in roots:
                start = time.perf_counter()
                done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(submission)],
                                      capture_output=True, text=True, env=_env(mode, root), cwd=root)
                times[root].append(time.perf_counter() - start)
                tails[root] = done.stdout.strip().splitlines()[-2:]
        return {root: (statistics.median(t), min(t), tails[root]) for root, t in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--smoke", action="store_true",
                        help="the same code on the smallest inputs, once: proves it runs (its figures mean nothing)")
    parser.add_argument("--against", type=Path, help="another checkout of the course, measured alongside")
    args = parser.parse_args()
    args.repeat = 1 if args.smoke else args.repeat
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if args.against:
        return compare(args.repeat, args.against.resolve())
    bwrap, plain = per_lesson(args.repeat, "bwrap"), per_lesson(args.repeat, "none")
    print(f"\none function, every check (median of {args.repeat}), {bwrap['isolation']}:")
    print(f"  {'function':<18}{'bwrap s':>9}{'none s':>9}{'overhead':>10}")
    for function, (with_bwrap, passed) in bwrap["rows"].items():
        without = plain["rows"][function][0]
        print(f"  {function:<18}{with_bwrap:>9.3f}{without:>9.3f}{with_bwrap - without:>+10.3f}"
              + ("" if passed else "  (FAILED)"))
    runs = max(1, args.repeat // 2)
    from autograder.learner.course import load_course
    for mode in ("bwrap", "none"):
        median, best, tail = whole_submission(runs, mode)[ROOT]
        print(f"\nwhole {len(load_course().lessons)}-lesson submission, `python -m autograder grade`, isolation {mode}: median {median:.2f} s "
              f"(best {best:.2f} s, {runs} runs; goal with bwrap: 3 s) -> {' / '.join(tail)}")


def compare(repeat, other):
    """This checkout against ``other``, in bwrap, measured alternately so that both see the same load."""
    rows = {ROOT: {}, other: {}}
    for _ in range(repeat):  # one run of every lesson each, in turn
        for root in (ROOT, other):
            for function, (seconds, passed) in per_lesson(1, "bwrap", root)["rows"].items():
                rows[root].setdefault(function, []).append(seconds)
                rows[root][function + " passed"] = passed
    print(f"\none function, every check, in bwrap (median of {repeat}): this checkout against {other}")
    print(f"  {'function':<18}{'this s':>9}{'other s':>9}{'ratio':>8}")
    total = {ROOT: 0.0, other: 0.0}
    for function in [f for f in rows[ROOT] if not f.endswith(" passed")]:
        mine, theirs = statistics.median(rows[ROOT][function]), statistics.median(rows[other][function])
        total[ROOT], total[other] = total[ROOT] + mine, total[other] + theirs
        print(f"  {function:<18}{mine:>9.3f}{theirs:>9.3f}{mine / theirs:>8.2f}"
              + ("" if rows[ROOT][function + " passed"] and rows[other][function + " passed"] else "  (FAILED)"))
    print(f"  {'all together':<18}{total[ROOT]:>9.3f}{total[other]:>9.3f}{total[ROOT] / total[other]:>8.2f}")
    runs = max(1, repeat // 2)
    whole = whole_submission(runs, "bwrap", (ROOT, other))
    for root, (median, best, tail) in whole.items():
        print(f"\nwhole submission, `python -m autograder grade`, bwrap, {'this checkout' if root == ROOT else root}: "
              f"median {median:.2f} s (best {best:.2f} s, {runs} runs) -> {' / '.join(tail)}")
    print(f"ratio this / other (medians): {whole[ROOT][0] / whole[other][0]:.2f}")


if __name__ == "__main__":
    main()
