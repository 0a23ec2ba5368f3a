"""Part 1 and part 2 side by side: accuracy, and the seconds and epochs each takes to 85%, 92% and 98%.

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_training.py [--seed 0] [--skip-original]

Every run trains on the same 50,000 images (``train_val_split(..., rng=0)``);
the 10,000 test images are measured after every epoch (every iteration for
full-batch descent, where one iteration is one pass over the data) to find
when each target is first reached. That is a measurement, not a choice: every
setting here was fixed beforehand on the validation set. Training time only,
the measurements excluded, as wall time (``perf_counter``) and as the
process's CPU time (``process_time``, what wall time would be on an idle
core with one BLAS thread). A benchmark, not a test: it prints and asserts
nothing.

Rows: part 1's 784-10-10 network with the original notebook's settings
(uniform +-0.5, alpha 0.1, 500 iterations), with lesson 12's settings
(alpha 0.25, 100 iterations), with ``python -m solutions.train``'s (pixels
centred, alpha 0.5, 50 iterations), and with lesson 17's minibatches (5
epochs of 32, alpha 0.2 falling to 0); then part 2's 784-256-128-10 network
(``python -m solutions.train --best``).
"""
import argparse
import os
import time

import numpy as np

from solutions import deep
from solutions import network as nn
from solutions import train

TARGETS = (0.85, 0.92, 0.98)


class Clock:
    """Training time only: wall and CPU, with the test measurements between the laps left out."""

    def __init__(self):
        self.wall = self.cpu = 0.0

    def __enter__(self):
        self.start = time.perf_counter(), time.process_time()

    def __exit__(self, *exc):
        self.wall += time.perf_counter() - self.start[0]
        self.cpu += time.process_time() - self.start[1]


def part1_full_batch(name, params, alpha, iterations, X, Y, X_test, Y_test):
    W1, b1, W2, b2 = (p.astype(np.float32) for p in params)
    clock, curve = Clock(), []
    for _ in range(iterations):
        with clock:
            Z1, A1, Z2, A2 = nn.forward_prop(W1, b1, W2, b2, X)
            grads = nn.backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
            W1, b1, W2, b2 = nn.update_params(W1, b1, W2, b2, *grads, alpha)
        curve.append((nn.get_accuracy(nn.make_predictions(X_test, W1, b1, W2, b2), Y_test), clock.wall, clock.cpu))
    return name, curve


def part1_minibatches(name, seed, X, Y, X_test, Y_test, epochs=5, batch_size=32, alpha=0.2):
    rng = np.random.default_rng(seed)
    params = tuple(p.astype(np.float32) for p in nn.init_params(rng))
    clock, curve = Clock(), []
    for epoch in range(epochs):
        with clock:
            for X_batch, Y_batch in deep.minibatches(X, Y, batch_size, rng):
                Z1, A1, Z2, A2 = nn.forward_prop(*params, X_batch)
                grads = nn.backward_prop(Z1, A1, Z2, A2, params[0], params[2], X_batch, Y_batch)
                params = nn.update_params(*params, *grads, alpha * (1 - epoch / epochs))
        curve.append((nn.get_accuracy(nn.make_predictions(X_test, *params), Y_test), clock.wall, clock.cpu))
    return name, curve


def part2_best(name, seed, X, Y, X_test, Y_test, epochs=train.BEST["epochs"]):
    # train_deep measures the set it is given as "validation" after each epoch; here that set is the test set,
    # measured, never chosen on (keep_best=False: the last epoch is the answer).
    params, history = train.train_deep(X, Y, X_test, Y_test, rng=seed, progress=False, keep_best=False,
                                       epochs=epochs)
    return name, list(zip(history["val_accuracy"], history["seconds"], history["cpu_seconds"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-original", action="store_true", help="skip the 500 iterations of the original settings")
    parser.add_argument("--smoke", action="store_true",
                        help="the same code on the smallest inputs, once: proves it runs (its figures mean nothing)")
    args = parser.parse_args()
    X, Y, X_val, Y_val, X_test, Y_test = train.load()
    X = np.asfortranarray(X)
    X_centred, _, _, _, X_test_centred, _ = train.load(centre=True)
    steps = 2 if args.smoke else None  # iterations and epochs of every run
    if args.smoke:
        X, Y, X_centred, X_test, Y_test, X_test_centred = X[:, :2000], Y[:2000], X_centred[:, :2000], \
            X_test[:, :500], Y_test[:500], X_test_centred[:, :500]
    data = (X, Y, X_test, Y_test)
    runs = []
    if not args.skip_original:
        runs.append(part1_full_batch("part 1, original settings (±0.5, α 0.1)", nn.seed_init_params(args.seed),
                                     nn.SEED_ALPHA, steps or nn.SEED_ITERATIONS, *data))
    runs += [
        part1_full_batch("part 1, lesson 12 (α 0.25)", nn.init_params(args.seed), nn.ALPHA, steps or nn.ITERATIONS,
                         *data),
        part1_full_batch("part 1, solutions.train (centred, α 0.5)", nn.init_params(args.seed), train.FAST_ALPHA,
                         steps or train.FAST_ITERATIONS, X_centred, Y, X_test_centred, Y_test),
        part1_minibatches("part 1, lesson 17 (minibatches of 32)", args.seed, *data, epochs=steps or 5),
        part2_best("part 2, solutions.train --best", args.seed, *data, epochs=steps or train.BEST["epochs"]),
    ]
    head = f"{'network and settings':<43}{'test acc':>9}{'epochs':>7}{'train s (cpu)':>15}"
    head += "".join(f"{f'to {t:.0%}: ep, s (cpu)':>24}" for t in TARGETS)
    print(head)
    print("-" * len(head))
    for name, curve in runs:
        accuracy, wall, cpu = curve[-1]
        row = f"{name:<43}{accuracy:>9.4f}{len(curve):>7}{f'{wall:.1f} ({cpu:.1f})':>15}"
        for target in TARGETS:
            at = next((k for k, (a, _, _) in enumerate(curve) if a >= target), None)
            row += f"{'never':>24}" if at is None else f"{f'{at + 1}, {curve[at][1]:.2f} ({curve[at][2]:.2f})':>24}"
        print(row)
    load = os.getloadavg()
    print(f"\nnumpy {np.__version__}; OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}; "
          f"{os.cpu_count()} cores; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}. An epoch is one pass over "
          f"the 50,000 training images (one iteration of full-batch descent); seconds are training only.")


if __name__ == "__main__":
    main()
