"""Train the course's networks on MNIST: ``python -m solutions.train [--best | --seed-settings]``.

Every run holds out 10,000 of the 60,000 training images as a validation
set (``train_val_split``), draws its learning curves on the training and
validation sets, and touches the test set once, at the very end: its last
line is ``Test accuracy: ...``. The settings were chosen on the validation
set only (``/benchmarks`` and the lessons show how).

- default: part 1's 784-10-10 network and full-batch gradient descent
  (part 1's own ``gradient_descent``), in float32 with the pixels centred
  on their mean: alpha = 0.5, 50 iterations, past 85% in about 3 s.
- ``--seed-settings``: the same network with the original notebook's
  settings (uniform +-0.5 start, alpha = 0.1, 500 iterations, raw pixels).
- ``--best``: part 2's 784-256-128-10 ReLU network, minibatches of 128, Adam
  with a step size falling linearly from 3e-3 to 0 over 10 epochs,
  decoupled weight decay 0.1, He initialisation, float32: 98% in about 15 s
  of training (one BLAS thread, an idle core), with a progress bar; the
  epoch with the best validation accuracy is kept (early stopping).
"""
import argparse
import sys
import time

import numpy as np
from tqdm import trange

from mnist_data import MnistDataError, load_mnist

from . import deep
from . import network as nn

# Part 1's network, trained fast: chosen on the validation set (benchmarks/bench_training.py --search).
FAST_ALPHA, FAST_ITERATIONS = 0.5, 50
# Part 2's network: chosen on the validation set (see benchmarks/bench_training.py and the finale).
BEST = {"layer_sizes": (784, 256, 128, 10), "epochs": 10, "batch_size": 128, "lr": 3e-3, "weight_decay": 0.1}


def accuracy(params, X, Y, chunk=10000):
    """Fraction of the columns of X (784, m) a layered network reads right, in chunks of ``chunk`` images."""
    right = 0
    for s in range(0, X.shape[1], chunk):
        A, _ = deep.forward_layers(params, X[:, s:s + chunk])
        right += int((nn.get_predictions(A) == Y[s:s + chunk]).sum())
    return right / X.shape[1]


def train_deep(X, Y, X_val=None, Y_val=None, layer_sizes=BEST["layer_sizes"], epochs=BEST["epochs"],
               batch_size=BEST["batch_size"], lr=BEST["lr"], weight_decay=BEST["weight_decay"], rng=0,
               progress=True, keep_best=True):
    """Train a ReLU network with minibatches, Adam and decoupled weight decay, in float32.

    X (784, m), Y (m,): the training set; X_val, Y_val: the validation set,
    measured after every epoch (never trained on). The step size falls
    linearly from ``lr`` to 0 over all the steps. With ``keep_best`` (and
    validation data) the parameters of the epoch with the best validation
    accuracy are returned: early stopping, decided on validation only.
    Returns (params, history): per epoch "loss" and "accuracy" (means over
    the epoch's batches), "val_accuracy", and "seconds" and "cpu_seconds"
    (cumulative training time, wall and process CPU, evaluations excluded);
    "best_epoch" (1-based) is the epoch returned.
    """
    rng = np.random.default_rng(rng)
    params = [(W.astype(np.float32), b.astype(np.float32)) for W, b in deep.init_layers(layer_sizes, rng)]
    X = np.asfortranarray(X, dtype=np.float32)  # each image's pixels contiguous: fast X[:, idx] (lesson 17)
    X_val = None if X_val is None else X_val.astype(np.float32)
    state, step = None, 0
    steps = epochs * -(-X.shape[1] // batch_size)
    history = {"loss": [], "accuracy": [], "val_accuracy": [], "seconds": [], "cpu_seconds": [], "best_epoch": 0}
    best, best_accuracy, seconds, cpu_seconds = params, -1.0, 0.0, 0.0
    bar = trange(steps, disable=not progress, file=sys.stdout, desc="training", mininterval=0.5)
    for epoch in range(epochs):
        start, start_cpu, losses, right = time.perf_counter(), time.process_time(), [], 0
        for X_batch, Y_batch in deep.minibatches(X, Y, batch_size, rng):
            A, cache = deep.forward_layers(params, X_batch)
            losses.append(nn.cross_entropy(A, Y_batch))
            right += int((nn.get_predictions(A) == Y_batch).sum())
            grads = deep.backward_layers(params, cache, Y_batch)
            step_lr = lr * (1 - step / steps)
            params, state = deep.adam_step(params, grads, state, step_lr)
            params = deep.decay_weights(params, step_lr, weight_decay)
            step += 1
            bar.update()
        seconds += time.perf_counter() - start
        cpu_seconds += time.process_time() - start_cpu
        history["loss"].append(float(np.mean(losses)))
        history["accuracy"].append(right / X.shape[1])
        history["seconds"].append(seconds)
        history["cpu_seconds"].append(cpu_seconds)
        if X_val is not None:
            history["val_accuracy"].append(accuracy(params, X_val, Y_val))
            bar.set_postfix(epoch=epoch + 1, val=f"{history['val_accuracy'][-1]:.4f}", refresh=False)
            if history["val_accuracy"][-1] > best_accuracy:
                best, best_accuracy, history["best_epoch"] = params, history["val_accuracy"][-1], epoch + 1
    bar.close()
    if not keep_best or X_val is None:
        best, history["best_epoch"] = params, epochs
    return best, history


def learning_curve(history, path, title, x_label="iteration"):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = np.arange(1, len(history["loss"]) + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
    left.plot(steps, history["loss"])
    left.set(xlabel=x_label, ylabel="cross-entropy loss", title="loss (training set)")
    right.plot(steps, history["accuracy"], label="training")
    right.plot(steps, history["val_accuracy"], label="validation")
    for goal in (0.85, 0.92, 0.98):
        if max(history["val_accuracy"]) > goal - 0.05:
            right.axhline(goal, color="grey", linestyle="--", linewidth=1)
    low = min(history["val_accuracy"][len(steps) // 5:] + history["accuracy"][len(steps) // 5:])
    right.set(xlabel=x_label, ylabel="accuracy", ylim=(max(0, low - 0.05), 1), title="accuracy")
    right.legend(loc="lower right")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def load(centre=False):
    """(X_train, Y_train, X_val, Y_val, X_test, Y_test) in float32; ``centre`` subtracts the training
    pixels' mean from every set (the training set's mean: nothing is learnt from validation or test)."""
    X, Y = load_mnist("train")
    X_test, Y_test = load_mnist("test")
    X_train, Y_train, X_val, Y_val = deep.train_val_split(X, Y, n_val=10000, rng=0)
    X_train, X_val, X_test = (a.astype(np.float32) for a in (X_train, X_val, X_test))
    if centre:
        mean = X_train.mean(dtype=np.float64).astype(np.float32)
        X_train, X_val, X_test = X_train - mean, X_val - mean, X_test - mean
    return X_train, Y_train, X_val, Y_val, X_test, Y_test


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m solutions.train", description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--best", action="store_true",
                       help="part 2's 784-256-128-10 network with minibatches and Adam: 98%% in about 15 s")
    which.add_argument("--seed-settings", action="store_true",
                       help="the original notebook's settings: uniform +-0.5 init, alpha 0.1, 500 iterations")
    parser.add_argument("--alpha", type=float, help="part 1: learning rate (default 0.5; 0.1 with --seed-settings)")
    parser.add_argument("--iterations", type=int,
                        help="part 1: full-batch iterations (default 50; 500 with --seed-settings)")
    parser.add_argument("--epochs", type=int, help=f"--best: epochs (default {BEST['epochs']})")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the initialisation and batches (default 0)")
    parser.add_argument("--plot", default="learning_curve.png", help="where to save the learning curves")
    args = parser.parse_args(argv)

    try:
        X_train, Y_train, X_val, Y_val, X_test, Y_test = load(centre=not (args.best or args.seed_settings))
    except MnistDataError as exc:
        print(f"Cannot train: {exc}", file=sys.stderr)
        return 1

    if args.best:
        settings = dict(BEST, epochs=args.epochs or BEST["epochs"])
        sizes = "-".join(map(str, settings["layer_sizes"]))
        print(f"Training the {sizes} network on {X_train.shape[1]:,} images (validation: {X_val.shape[1]:,}): "
              f"batches of {settings['batch_size']}, Adam, step size {settings['lr']:g} falling to 0 over "
              f"{settings['epochs']} epochs, weight decay {settings['weight_decay']:g}, float32.")
        params, history = train_deep(X_train, Y_train, X_val, Y_val, rng=args.seed, **settings)
        seconds, cpu = history["seconds"][-1], history["cpu_seconds"][-1]
        train_acc, test_acc = accuracy(params, X_train, Y_train), accuracy(params, X_test, Y_test)
        title = f"{sizes}, Adam, {settings['epochs']} epochs"
        learning_curve(history, args.plot, title, x_label="epoch")
        print(f"Trained in {seconds:.1f} s ({cpu:.1f} s of CPU); kept epoch {history['best_epoch']}, the best on "
              f"validation ({max(history['val_accuracy']):.4f}). Learning curves saved to {args.plot}.")
    else:
        if args.seed_settings:
            alpha, iterations = nn.SEED_ALPHA, nn.SEED_ITERATIONS
            params, name = nn.seed_init_params(args.seed), "the original notebook's settings"
        else:
            alpha, iterations = FAST_ALPHA, FAST_ITERATIONS
            params, name = nn.init_params(args.seed), "the course's settings (pixels centred)"
        alpha = args.alpha if args.alpha is not None else alpha
        iterations = args.iterations if args.iterations is not None else iterations
        params = tuple(p.astype(np.float32) for p in params)
        print(f"Training the 784-10-10 network on {X_train.shape[1]:,} images (validation: {X_val.shape[1]:,}) "
              f"with {name}: alpha = {alpha:g}, {iterations} iterations, float32.")
        start, start_cpu = time.perf_counter(), time.process_time()
        params, history = nn.gradient_descent(X_train, Y_train, alpha, iterations, params=params,
                                              X_val=X_val, Y_val=Y_val)
        seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        train_acc = nn.get_accuracy(nn.make_predictions(X_train, *params), Y_train)
        test_acc = nn.get_accuracy(nn.make_predictions(X_test, *params), Y_test)
        learning_curve(history, args.plot, f"{name}: alpha = {alpha:g}, {iterations} iterations")
        print(f"Trained in {seconds:.1f} s ({cpu:.1f} s of CPU), validation included. "
              f"Learning curves saved to {args.plot}.")
    print(f"Train accuracy: {train_acc:.4f}")
    print(f"Validation accuracy: {history['val_accuracy'][-1 if not args.best else history['best_epoch'] - 1]:.4f}")
    print(f"Test accuracy: {test_acc:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
