"""``init_params``: what it returns, its checks in order, and the mistakes they can name."""
import numpy as np

from ..checks import PARAMS, finite, no_warnings, prop, returns, shaped, typed
from ..judge import Mistake, Suite
from ..spec import Tup, shape_problem, type_problem

ARGS = ()


def suite():
    def symmetric(j, value):
        W1, b1, W2, b2 = value
        for name, W in (("W1", W1), ("W2", W2)):
            if np.allclose(W, W.flat[0]):
                return (f"every entry of {name} is {W.flat[0]:.3g}: all hidden units would compute the same "
                        f"thing and learn the same thing. Draw the weights at random.")
        return None

    def scale(j, value):
        W1, b1, W2, b2 = value
        for name, W, low, high in (("W1", W1, 0.005, 0.6), ("W2", W2, 0.01, 1.2)):
            sd = float(np.std(W))
            if not low <= sd <= high:
                return (f"{name}'s values have standard deviation {sd:.3g}; a sensible start is between "
                        f"{low} and {high} (for example N(0, 1 / fan_in): std {1 / np.sqrt(W.shape[1]):.3g}).")
            if abs(float(np.mean(W))) > 0.5 * sd:
                return f"{name}'s values average {float(np.mean(W)):.3g}: centre them on 0."
        for name, b in (("b1", b1), ("b2", b2)):
            if np.abs(b).max() > 1:
                return f"{name} has values as large as {np.abs(b).max():.3g}; start biases at 0 or small."
        return None

    def repeatable(j, value):
        again, other = j.value("seeded_again"), j.value("other_seed")
        if again is None or other is None:
            return j.failure_message("seeded_again") or j.failure_message("other_seed") or \
                "init_params returned None for a seeded call."
        if type_problem(j.spec, again, j.function) or type_problem(j.spec, other, j.function):
            return "init_params returned something different when called a second time."
        if not all(np.array_equal(a, b) for a, b in zip(value, again)):
            return ("two calls with rng=0 gave different parameters: draw from the generator you are given, "
                    "`rng = np.random.default_rng(rng)`, then `rng.standard_normal(...)`.")
        if all(np.array_equal(a, b) for a, b in zip(value, other)):
            return "rng=0 and rng=1 gave the same parameters: the draws must come from `rng`."
        return None

    def default_call(j, value):
        problem = j.failure_message("default") or type_problem(j.spec, j.value("default"), j.function) \
            or shape_problem(j.spec, j.value("default"), {})
        return f"Called with no arguments: {problem}" if problem else None

    checks = [returns("seeded"), typed("seeded", "returns four float arrays W1, b1, W2, b2"),
              shaped("seeded", "has shapes W1 (10, 784), b1 (10, 1), W2 (10, 10), b2 (10, 1)"),
              finite("seeded"),
              prop("random", "seeded", "weights are random, not all the same", symmetric),
              prop("scale", "seeded", "weights start on a sensible scale", scale),
              prop("repeatable", "seeded", "the same rng seed gives the same parameters", repeatable,
                   uses=("seeded_again", "other_seed")),
              prop("default", "seeded", "works with no arguments", default_call, uses=("default",)),
              no_warnings(["seeded", "default"]),
              prop("hidden", "hidden", "starts well from a seed it has not seen",
                   lambda j, v: symmetric(j, v) or scale(j, v))]
    mistakes = [
        Mistake("zeros", "starting every weight at zero",
                "with equal weights every hidden unit gets the same gradient and they never become "
                "different. Draw W1 and W2 at random; only the biases may start at zero.",
                matches=lambda j, c: all(np.allclose(np.asarray(w), 0) for w in j.value(c)[::2])),
        Mistake("unscaled", "unscaled random weights",
                "`standard_normal` has standard deviation 1; with 784 inputs Z1 = W1 X then has values "
                "around ±10. Multiply by np.sqrt(1 / fan_in), for W1 np.sqrt(1 / 784).",
                matches=lambda j, c: np.std(j.value(c)[0]) > 0.6),
        Mistake("ignores_rng", "drawing from np.random instead of the rng argument",
                "`np.random.rand` ignores the seed you are given; use `rng = np.random.default_rng(rng)` "
                "and draw with `rng.standard_normal(...)` or `rng.random(...)`.",
                matches=lambda j, c: not all(np.array_equal(a, b) for a, b in
                                             zip(j.value(c), j.value("seeded_again")))),
        Mistake("transposed", "weights stored as (inputs, units) instead of (units, inputs)",
                "W1 has one row per hidden unit and one column per pixel, shape (10, 784), so that "
                "W1 @ X works with X of shape (784, m).",
                matches=lambda j, c: np.shape(j.value(c)[0]) == (784, 10)),
    ]
    return Suite("init_params", Tup("init_params()", PARAMS), checks, mistakes, expects=False, args=ARGS)


SUITE = suite()
