"""Probes: small functions a check hands to a learner's function (by name, through ``serial.Lookup``).

A check of ``numerical_gradient(f, x)`` needs an ``f``; functions cannot be
sent into the grading sandbox as data, so each is named here and found on
the other side. Each states its gradient, so a reader can check the check.
"""
import numpy as np


def square_sum(x):
    """f(x) = sum of x**2; its gradient is 2 x."""
    return float(np.sum(np.asarray(x, dtype=float) ** 2))


def sine_sum(x):
    """f(x) = sum of sin(x); its gradient is cos(x)."""
    return float(np.sum(np.sin(x)))


def cube_sum(x):
    """f(x) = sum of x**3; its gradient is 3 x**2, and a centred difference with step eps gives exactly
    3 x**2 + eps**2: the step's own error, large enough to see whether eps was used."""
    return float(np.sum(np.asarray(x, dtype=float) ** 3))


def sine_sum_of(x):
    """An f that reads x through a closure, as a loss reads a layer's W inside params: it ignores the array it
    is called with and returns sum(sin x) of this very x (the call's own, see ``serial.Arg``), so only nudges
    made to x itself change what it returns. Its gradient is cos(x)."""
    def f(_ignored=None):
        return sine_sum(x)

    return f


def generator(seed):
    """A NumPy Generator made from ``seed``: what a caller may pass as ``rng`` instead of a number."""
    return np.random.default_rng(seed)


_KEPT = {}


def kept_generator(seed):
    """A fresh Generator made from ``seed``, kept for ``same_generator``: two calls given it are two epochs of
    one training run, and the second must draw where the first stopped."""
    _KEPT[seed] = np.random.default_rng(seed)
    return _KEPT[seed]


def same_generator(seed):
    """The very Generator the last ``kept_generator(seed)`` made, as the first call left it."""
    return _KEPT[seed]


PROBES = {f.__name__: f for f in (square_sum, sine_sum, cube_sum, sine_sum_of, generator, kept_generator,
                                  same_generator)}
