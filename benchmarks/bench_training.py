"""Time to 85% test accuracy: the original notebook's settings against the course's, side by side.

    python benchmarks/bench_training.py [--seed 0]

Both train the same 784-10-10 network with the same full-batch gradient
descent on all 60,000 training images; only the initialisation, the step
size and the number of iterations differ. Prints, for each: the iterations
and seconds until the test accuracy first reaches 85%, and the final
accuracy. A benchmark, not a test: it prints figures and asserts nothing.
"""
import argparse
import time

import numpy as np

from mnist_data import load_mnist
from solutions import network as nn

TARGET = 0.85


def run(name, params, alpha, iterations, data):
    X, Y, X_test, Y_test = data
    W1, b1, W2, b2 = params
    reached_at = reached_in = None
    seconds = 0.0  # training time only: the test evaluations that watch for 85% are not counted
    for i in range(1, iterations + 1):
        tick = time.perf_counter()
        Z1, A1, Z2, A2 = nn.forward_prop(W1, b1, W2, b2, X)
        dW1, db1, dW2, db2 = nn.backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
        W1, b1, W2, b2 = nn.update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)
        seconds += time.perf_counter() - tick
        if reached_at is None and nn.get_accuracy(nn.make_predictions(X_test, W1, b1, W2, b2), Y_test) >= TARGET:
            reached_at, reached_in = i, seconds
    final = nn.get_accuracy(nn.make_predictions(X_test, W1, b1, W2, b2), Y_test)
    return {"name": name, "alpha": alpha, "iterations": iterations, "reached_at": reached_at,
            "reached_in": reached_in, "seconds": seconds, "final": final}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    data = (*load_mnist("train"), *load_mnist("test"))
    rows = [
        run("original notebook (uniform ±0.5)", nn.seed_init_params(args.seed), nn.SEED_ALPHA,
            nn.SEED_ITERATIONS, data),
        run("course defaults (LeCun init)", nn.init_params(args.seed), nn.ALPHA, nn.ITERATIONS, data),
    ]
    print(f"{'settings':<34}{'alpha':>6}{'iters':>7}{'iters to 85%':>14}{'s to 85%':>10}"
          f"{'total s':>9}{'final test acc':>16}")
    for r in rows:
        at = str(r["reached_at"]) if r["reached_at"] else "never"
        secs = f"{r['reached_in']:.1f}" if r["reached_in"] is not None else "-"
        print(f"{r['name']:<34}{r['alpha']:>6g}{r['iterations']:>7}{at:>14}{secs:>10}{r['seconds']:>9.1f}"
              f"{r['final']:>16.4f}")
    seed, ours = rows
    if seed["reached_in"] and ours["reached_in"]:
        print(f"speed-up to {TARGET:.0%}: {seed['reached_in'] / ours['reached_in']:.1f}x "
              f"({seed['reached_at']} -> {ours['reached_at']} iterations)")
    print(f"numpy {np.__version__}; one full-batch iteration = forward + backward + update on 60,000 images")


if __name__ == "__main__":
    main()
