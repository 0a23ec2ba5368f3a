"""Pictures of MNIST: a grid of digits, and the number of examples per digit.

matplotlib is imported inside the functions, so ``import mnist_data`` stays
fast. Nothing here calls plt.show(): in a notebook the figure appears by
itself; in a script call plt.show() or fig.savefig(...).
"""

import math

import numpy as np


def _digits(values, m, name):
    """Digits as an int array of shape (m,): accepts (m,) digits or (10, m) scores/one-hot."""
    values = np.asarray(values)
    if values.ndim == 2 and values.shape == (10, m):
        values = values.argmax(axis=0)
    values = values.reshape(-1)
    if values.shape != (m,):
        raise ValueError(f"{name} must have shape ({m},) or (10, {m}), got {np.shape(values)}.")
    return values.astype(int)


def show_digits(X, Y=None, predictions=None, n=25, indices=None, ncols=None, title=None):
    """Draw a grid of digits with their labels; return the matplotlib Figure.

    X : array (784, m), one image per column (as returned by load_mnist),
        or a single image of shape (784,).
    Y : optional true digits, shape (m,) or one-hot (10, m).
    predictions : optional predicted digits, shape (m,) or scores (10, m).
        A wrong prediction is labelled "pred P / true T" in red.
    n : how many images to show (the first n), unless ``indices`` is given.
    indices : the columns of X to show.
    ncols : images per row (default: about a square grid, at most 10).
    title : the figure's title (default: what the grid shows, e.g. "25 digits and their labels").

    The grid is one image (the digits side by side, one grey scale taken from the images shown) with each
    label above its digit: one Axes instead of one per digit, which draws about ten times faster (seconds
    less in the browser).
    """
    import matplotlib.pyplot as plt

    X = np.asarray(X)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    if X.ndim != 2 or X.shape[0] != 784:
        hint = " (pass X.T: images go in columns)" if X.ndim == 2 and X.shape[1] == 784 else ""
        raise ValueError(f"X must have shape (784, m), got {X.shape}{hint}.")
    m = X.shape[1]
    Y = None if Y is None else _digits(Y, m, "Y")
    predictions = None if predictions is None else _digits(predictions, m, "predictions")
    indices = list(range(min(n, m))) if indices is None else [int(i) for i in np.ravel(indices)]
    count = max(len(indices), 1)
    ncols = ncols or min(10, math.ceil(math.sqrt(count)))
    nrows = math.ceil(count / ncols)
    height, width = _BAND + 28, _GAP + 28  # one cell, in pixels of the digits: a band for the label, the digit
    grid = np.zeros((nrows * height, ncols * width))
    for k, j in enumerate(indices):
        row, col = divmod(k, ncols)
        top, left = row * height + _BAND, col * width + _GAP // 2
        grid[top:top + 28, left:left + 28] = X[:, j].reshape(28, 28)
    vmax = float(X[:, indices].max()) if indices else 1.0
    inch = 1.45 * ncols / grid.shape[1]  # figure inches per digit pixel: 1.45 in a digit, as before
    fig = plt.figure(figsize=(1.45 * ncols, inch * grid.shape[0] + 0.5))
    ax = fig.add_axes((0, 0, 1, 1 - 0.5 / fig.get_figheight()))
    ax.imshow(grid, cmap="gray_r", vmin=0, vmax=vmax or 1, interpolation="nearest")
    ax.set_axis_off()
    for k, j in enumerate(indices):
        row, col = divmod(k, ncols)
        label, color = _title(j, Y, predictions)
        ax.text(col * width + width / 2, row * height + _BAND - 1.5, label, color=color, ha="center",
                va="bottom", fontsize=12 if len(label) < 4 else 10)
    if title is None:
        what = "digits" if len(indices) != 1 else "digit"
        title = f"{len(indices)} {what}" + (" with the network's guesses (red: wrong)" if predictions is not None
                                            else " and their labels" if Y is not None else "")
    fig.suptitle(title, fontsize=12)
    return fig


_BAND, _GAP = 12, 4  # pixels above each digit for its label, and between two digits


def _title(j, Y, predictions):
    if predictions is None:
        return ("" if Y is None else str(Y[j])), "black"
    if Y is None:
        return f"pred {predictions[j]}", "black"
    if predictions[j] == Y[j]:
        return str(Y[j]), "black"
    return f"pred {predictions[j]} / true {Y[j]}", "red"


def plot_class_balance(Y, ax=None):
    """Bar chart of how many examples there are of each digit 0-9; return the Axes.

    Y : digits, shape (m,), or one-hot labels of shape (10, m).
    ax : the matplotlib Axes to draw on (default: a new figure).
    """
    Y = np.asarray(Y)
    if Y.ndim == 2 and Y.shape[0] == 10:
        Y = Y.argmax(axis=0)
    counts = np.bincount(Y.reshape(-1).astype(int), minlength=10)[:10]
    new_figure = ax is None
    if new_figure:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(6, 3))
    bars = ax.bar(range(10), counts, color="tab:blue")
    ax.bar_label(bars, fontsize=8)
    ax.set_xticks(range(10))
    ax.set_xlabel("digit")
    ax.set_ylabel("examples")
    ax.set_title(f"Examples per digit ({counts.sum():,} in all)")
    ax.margins(y=0.12)
    if new_figure:
        ax.figure.tight_layout()
    return ax
