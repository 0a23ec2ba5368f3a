"""The course's own BLAS thread choice against one thread and two, idle and with both cores busy.

    python benchmarks/bench_threads.py [--rounds 1]

Runs ``python -m solutions.train`` (part 1) and ``python -m solutions.train --best`` (part 2) exactly
as the README's set-up block does, with no environment variable ("course default": importing the
course limits BLAS to one thread, ``autograder/learner/threads.py``), then with
``OPENBLAS_NUM_THREADS=1`` and with ``OPENBLAS_NUM_THREADS=2`` (what OpenBLAS did on two cores before
the course chose). Each first on an idle machine, then with two busy-looping processes keeping both
cores busy. Prints wall time and the child's CPU time for each, and each one's ratio to the one-thread
run of the same round, side by side: the machine is shared, so only ratios from one run compare.
A benchmark, not a test: it prints and asserts nothing.
"""
import argparse
import multiprocessing
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = {"course default": {}, "one thread": {"OPENBLAS_NUM_THREADS": "1"},
            "two threads": {"OPENBLAS_NUM_THREADS": "2"}}
RUNS = {"part 1: python -m solutions.train": [], "part 2: python -m solutions.train --best": ["--best"]}


def busy(stop):
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def run(args, extra_env):
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    env.update(extra_env)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "solutions.train", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    last = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
    if done.returncode != 0:
        last = f"FAILED: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}"
    return wall, cpu, last


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--smoke", action="store_true",
                        help="the same code on the smallest inputs, once: proves it runs (its figures mean nothing)")
    args = parser.parse_args()
    if args.smoke:  # part 1 alone, once, with the course's own choice and one thread, on an idle machine
        for key in ("two threads",):
            SETTINGS.pop(key)
        RUNS.pop("part 2: python -m solutions.train --best")
    for load in ("idle",) if args.smoke else ("idle", "both cores busy"):
        stop, workers = multiprocessing.Event(), []
        if load != "idle":
            workers = [multiprocessing.Process(target=busy, args=(stop,), daemon=True) for _ in range(2)]
            for w in workers:
                w.start()
            time.sleep(1.0)
        print(f"\n## {load} (load average {os.getloadavg()[0]:.1f} at the start)")
        print("| run | setting | wall s | CPU s | wall / one thread | last line |")
        print("|---|---|---|---|---|---|")
        for _ in range(args.rounds):
            for name, extra in RUNS.items():
                figures = {setting: run(extra, env) for setting, env in SETTINGS.items()}
                base = figures["one thread"][0]
                for setting, (wall, cpu, last) in figures.items():
                    print(f"| {name} | {setting} | {wall:.1f} | {cpu:.1f} | {wall / base:.2f} | {last} |",
                          flush=True)
        stop.set()
        for w in workers:
            w.join()


if __name__ == "__main__":
    main()
