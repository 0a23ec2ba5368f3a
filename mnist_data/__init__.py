"""MNIST for the course: the four original files, shipped and checksummed, and a loader.

>>> from mnist_data import load_mnist
>>> X, Y = load_mnist("train")   # X: (784, 60000) float64 in [0, 1]; Y: (60000,) int64

``load_mnist(split, data_dir=DIR)`` also reads the layouts one downloads from
Kaggle (``python -m mnist_data fetch``); ``find_mnist(DIR)`` says which layout
a folder holds. ``show_digits`` and ``plot_class_balance`` draw with
matplotlib, which is imported only when they are first used.
"""

from .errors import KaggleFetchError, MnistDataError
from .layouts import MnistLayout, find_mnist
from .loader import DATA_DIR, load_mnist

__all__ = [
    "load_mnist",
    "find_mnist",
    "MnistDataError",
    "KaggleFetchError",
    "MnistLayout",
    "DATA_DIR",
    "show_digits",
    "plot_class_balance",
]

_PLOTS = ("show_digits", "plot_class_balance")


def __getattr__(name):
    """Import the plotting helpers (and so matplotlib) only when first asked for."""
    if name in _PLOTS:
        from . import plots

        return getattr(plots, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_PLOTS))
