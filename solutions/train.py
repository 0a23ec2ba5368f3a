"""Train the reference 784-10-10 network on MNIST: ``python -m solutions.train``.

Shows a progress bar, prints the train and test accuracy, saves a
learning-curve plot, and ends with the test accuracy. The defaults (LeCun
initialisation, alpha = 0.25, 100 full-batch iterations) pass 85% in a few
seconds; ``--seed-settings`` trains with the original notebook's settings
instead (uniform +-0.5, alpha = 0.1, 500 iterations).
"""
import argparse
import sys
import time

from mnist_data import MnistDataError, load_mnist

from . import network as nn


def learning_curve(history, path, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
    left.plot(history["loss"])
    left.set(xlabel="iteration", ylabel="cross-entropy loss", title="loss (training set)")
    right.plot(history["accuracy"], label="train")
    right.plot(history["test_accuracy"], label="test")
    right.axhline(0.85, color="grey", linestyle="--", linewidth=1, label="85%")
    right.set(xlabel="iteration", ylabel="accuracy", ylim=(0, 1), title="accuracy")
    right.legend(loc="lower right")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m solutions.train", description=__doc__.splitlines()[0])
    parser.add_argument("--seed-settings", action="store_true",
                        help="the original notebook's settings: uniform +-0.5 init, alpha 0.1, 500 iterations")
    parser.add_argument("--alpha", type=float, help="learning rate (default 0.25; 0.1 with --seed-settings)")
    parser.add_argument("--iterations", type=int, help="full-batch iterations (default 100; 500 with --seed-settings)")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the initialisation (default 0)")
    parser.add_argument("--plot", default="learning_curve.png", help="where to save the learning curve")
    args = parser.parse_args(argv)

    if args.seed_settings:
        alpha, iterations = nn.SEED_ALPHA, nn.SEED_ITERATIONS
        params, name = nn.seed_init_params(args.seed), "the original notebook's settings"
    else:
        alpha, iterations = nn.ALPHA, nn.ITERATIONS
        params, name = nn.init_params(args.seed), "the course's settings"
    alpha = args.alpha if args.alpha is not None else alpha
    iterations = args.iterations if args.iterations is not None else iterations

    try:
        X_train, Y_train = load_mnist("train")
        X_test, Y_test = load_mnist("test")
    except MnistDataError as exc:
        print(f"Cannot train: {exc}", file=sys.stderr)
        return 1
    print(f"Training the 784-10-10 network on {X_train.shape[1]:,} images with {name}: "
          f"alpha = {alpha:g}, {iterations} iterations.")
    start = time.perf_counter()
    (W1, b1, W2, b2), history = nn.gradient_descent(X_train, Y_train, alpha, iterations, params=params,
                                                    X_test=X_test, Y_test=Y_test)
    seconds = time.perf_counter() - start
    train_acc = nn.get_accuracy(nn.make_predictions(X_train, W1, b1, W2, b2), Y_train)
    test_acc = nn.get_accuracy(nn.make_predictions(X_test, W1, b1, W2, b2), Y_test)
    learning_curve(history, args.plot, f"{name}: alpha = {alpha:g}, {iterations} iterations")
    print(f"Trained in {seconds:.1f} s. Learning curve saved to {args.plot}.")
    print(f"Train accuracy: {train_acc:.4f}")
    print(f"Test accuracy: {test_acc:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
