"""``init_params``: judged by properties, never by the course's own random numbers.

A teacher accepts any start that scales each layer by its own fan-in (LeCun,
He or Xavier/Glorot; normal or uniform), with zero or small biases, drawn in
any order from the ``rng`` it is given. A start is refused, with its reason,
when a layer is scaled by the wrong fan-in, when hidden units are identical,
when ``rng`` is ignored, or when it is the original notebook's uniform ±0.5.
"""
import numpy as np

from ..checks import (
    PARAMS,
    finite,
    no_warnings,
    prop,
    returns,
    shaped,
    takes_the_lessons_arguments,
    typed,
    zero_is_no_seed,
    zero_seed_mistake,
)
from ..judge import Edit, Fix, Mistake, Suite
from ..spec import Tup, number, shape_problem, type_problem

SIGNATURE = "init_params(rng=None)"
ARGS = ()  # the parameters the checks pass by position, in order
FAN_IN = {"W1": 784, "W2": 10}
FAN_OUT = {"W1": 10, "W2": 10}


def accepted_std(name):
    """(lowest, highest) standard deviation a teacher accepts for a weight matrix: LeCun to He, with Glorot
    between, and room for the sampling noise of a small matrix (W2 has only 100 entries)."""
    lecun = np.sqrt(1 / FAN_IN[name])
    he = np.sqrt(2 / FAN_IN[name])
    glorot = np.sqrt(2 / (FAN_IN[name] + FAN_OUT[name]))
    slack = 0.8 if name == "W1" else 0.65
    return min(lecun, glorot) * slack, max(he, glorot) / slack


def scale_problem(name, W):
    low, high = accepted_std(name)
    sd = float(np.std(W))
    if not low <= sd <= high:
        return (f"{name}'s values have standard deviation {number(sd)}; a start scaled by its own fan-in "
                f"({FAN_IN[name]} inputs per unit) has between {number(low)} and {number(high)}.")
    # Off-centre only beyond chance: a fair draw's mean is within a few standard errors of 0 (sd / sqrt(n)),
    # and W2 has only 100 entries; all-positive draws (rng.random) are far beyond that.
    if abs(float(np.mean(W))) > max(5 * sd / np.sqrt(W.size), 0.3 * sd):
        return f"{name}'s values average {number(float(np.mean(W)))}, far from 0: centre them on 0."
    return None


def suite():
    def symmetric(j, value):
        W1, b1, W2, b2 = value
        for name, W in (("W1", W1), ("W2", W2)):
            if np.allclose(W, W.flat[0]):
                return (f"every entry of {name} is {number(W.flat[0])}: all hidden units would compute the same "
                        f"thing and learn the same thing.")
        if np.allclose(W1, W1[0]):
            return ("every row of W1 is the same, so every hidden unit starts as a copy of the first: they compute "
                    "the same thing and get the same gradient, and symmetry is never broken.")
        return None

    def scale(j, value):
        W1, b1, W2, b2 = value
        for name, W in (("W1", W1), ("W2", W2)):
            problem = scale_problem(name, W)
            if problem:
                return problem
        for name, b in (("b1", b1), ("b2", b2)):
            if np.abs(b).max() > 0.1:
                return f"{name} has values as large as {number(np.abs(b).max())}; start biases at 0 or near it."
        return None

    def repeatable(j, value):
        again, other, other_again = j.value("seeded_again"), j.value("other_seed"), j.value("other_seed_again")
        if again is None or other is None or other_again is None:
            return j.failure_message("seeded_again") or j.failure_message("other_seed") or \
                j.failure_message("other_seed_again") or "init_params returned None for a seeded call."
        if any(type_problem(j.spec, v, j.function) for v in (again, other, other_again)):
            return "init_params returned something different when called a second time."
        if not all(np.array_equal(a, b) for a, b in zip(value, again)):
            return j.explain("seeded", "two calls with rng=0 gave different parameters, so no run can be repeated.",
                             prefer="ignores_rng")
        if all(np.array_equal(a, b) for a, b in zip(value, other)):
            return j.explain("seeded", "rng=0 and rng=1 gave the same parameters: the seed changes nothing.")
        return None

    def takes_a_generator(j, value):
        problem = j.failure_message("generator")
        if problem:
            return j.explain("generator", f"Called with rng=np.random.default_rng(0): {problem}", prefer="seeds_numpy")
        other = j.value("generator")
        if type_problem(j.spec, other, j.function) or not all(np.array_equal(a, b) for a, b in zip(value, other)):
            message = ("init_params(np.random.default_rng(0)) should start where init_params(0) starts: a seed and "
                       "the Generator made from it are the same stream.")
            return j.explain("seeded", message, prefer="reseeded") if reseeded(j, "seeded") else message
        return None

    def default_call(j, value):
        problem = j.failure_message("default") or type_problem(j.spec, j.value("default"), j.function) \
            or shape_problem(j.spec, j.value("default"), {})
        return f"Called with no arguments: {problem}" if problem else None

    checks = [takes_the_lessons_arguments("seeded"), returns("seeded"),
              typed("seeded", "returns four float arrays W1, b1, W2, b2"),
              shaped("seeded", "has shapes W1 (10, 784), b1 (10, 1), W2 (10, 10), b2 (10, 1)"),
              finite("seeded"),
              prop("random", "seeded", "weights are random, hidden units all different", symmetric),
              prop("scale", "seeded", "each layer is scaled by its own fan-in; biases start at or near 0", scale),
              prop("repeatable", "seeded", "the same rng seed gives the same parameters", repeatable,
                   uses=("seeded_again", "other_seed", "other_seed_again")),
              prop("default", "seeded", "works with no arguments", default_call, uses=("default",)),
              prop("generator", "seeded", "takes a Generator as rng, as well as a seed", takes_a_generator,
                   uses=("generator",)),
              no_warnings(["seeded", "default"]),
              prop("hidden", "hidden", "starts well from a seed it has not seen",
                   lambda j, v: symmetric(j, v) or scale(j, v))]

    def w(j, c, k):
        return np.asarray(j.value(c)[k], dtype=float)

    def near_std(x, target):
        return abs(float(np.std(x)) / target - 1) < 0.25

    def variance_not_std(j, c):
        """A weight matrix scaled by the variance v / fan_in (v = 1 or 2), and each of the others by that or by
        its square root (a fix applied to one matrix only is still named)."""
        def scaled(k, n, power):
            return any(near_std(w(j, c, k), (v / n) ** power) for v in (1, 2))
        layers = ((0, 784), (2, 10))
        return any(scaled(k, n, 1) for k, n in layers) and all(scaled(k, n, 1) or scaled(k, n, 0.5)
                                                               for k, n in layers)

    def reseeded(j, c):
        """W2's numbers are W1's first ones again, scaled: a generator made afresh from the seed for W2."""
        try:
            W1, W2 = w(j, c, 0).ravel(), w(j, c, 2).ravel()
        except Exception:  # another structure
            return False
        first = W1[:W2.size]
        if W2.size < 2 or first.size != W2.size or not first.any() or not W2.any():
            return False
        k = float(np.dot(first, W2) / np.dot(first, first))
        return k != 0 and bool(np.allclose(W2, k * first, rtol=1e-9, atol=0))

    def hidden_width(j, c):
        """Shapes of a hidden layer of k != 10 units somewhere (784 inputs and 10 outputs kept)."""
        shapes = [np.shape(a) for a in j.value(c)]
        if len(shapes) != 4 or any(len(sh) != 2 for sh in shapes):
            return False
        (a, n_in), (b, one), (n_out, d), (e, one2) = shapes
        return n_in == 784 and n_out == 10 and e == 10 and one == one2 == 1 and any(k != 10 for k in (a, b, d))

    DEF = "def init_params(rng=None):"
    MAKE = "rng = np.random.default_rng(rng)"
    W1 = "rng.standard_normal((10, 784)) * np.sqrt(1 / 784)"
    W2 = "rng.standard_normal((10, 10)) * np.sqrt(1 / 10)"
    properties = ("random", "scale", "hidden")
    mistakes = [
        Mistake("zeros", "starting the weights at zero",
                "with equal weights every hidden unit gets the same gradient, so they never become different. "
                "Only the biases may start at zero; the weights must be drawn at random.",
                Fix((Edit(DEF, MAKE, "after"), Edit("np.zeros((10, 784))", W1), Edit("np.zeros((10, 10))", W2))),
                matches=lambda j, c: any(np.allclose(w(j, c, k), 0) for k in (0, 2)),
                on=properties + ("repeatable",)),
        Mistake("identical_units", "giving every hidden unit the same weights",
                "a hidden unit is one row of W1. Rows that start equal compute the same feature and receive the "
                "same update, so the layer behaves like a single unit. Draw the whole matrix at random, not one "
                "row repeated.",
                Fix((Edit("np.tile(rng.standard_normal((1, 784)) * np.sqrt(1 / 784), (10, 1))", W1),
                     Edit("np.tile(rng.standard_normal((1, 10)) * np.sqrt(1 / 10), (10, 1))", W2))),
                matches=lambda j, c: any(w(j, c, k).ndim == 2 and np.allclose(w(j, c, k), w(j, c, k)[0])
                                         and not np.allclose(w(j, c, k), 0) for k in (0, 2)),
                on=properties),
        Mistake("seed_uniform", "the original notebook's uniform ±0.5 start",
                "uniform ±0.5 ignores the fan-in: with 784 inputs each hidden score sums hundreds of such weights, "
                "so the scores start large, softmax is sure of random answers, and training crawls while it "
                "unlearns that certainty. Scale each layer by its own number of inputs (a spread of the square "
                "root of 1 or 2 over it), and start the biases at 0.",
                Fix((Edit("W1 = rng.random((10, 784)) - 0.5", f"W1 = {W1}"),
                     Edit("b1 = rng.random((10, 1)) - 0.5", "b1 = np.zeros((10, 1))"),
                     Edit("W2 = rng.random((10, 10)) - 0.5", f"W2 = {W2}"),
                     Edit("b2 = rng.random((10, 1)) - 0.5", "b2 = np.zeros((10, 1))"))),
                matches=lambda j, c: any(np.abs(w(j, c, k)).max() <= 0.5 and near_std(w(j, c, k), np.sqrt(1 / 12))
                                         for k in (0, 2)) or any(0.1 < np.abs(w(j, c, k)).max() <= 0.5
                                                                  and w(j, c, k).min() < 0 < w(j, c, k).max()
                                                                  for k in (1, 3)),
                on=("scale", "hidden")),
        Mistake("random_biases", "biases drawn at random instead of starting at 0",
                "a random bias shifts each unit's threshold by a random amount before anything is learned "
                "(standard_normal's spread is 1, as large as a unit's whole input): start the biases at 0 and let "
                "training move them.",
                Fix((Edit("b1 = rng.standard_normal((10, 1))", "b1 = np.zeros((10, 1))"),
                     Edit("b2 = rng.standard_normal((10, 1))", "b2 = np.zeros((10, 1))"))),
                matches=lambda j, c: any(np.std(w(j, c, k)) > 0.5 for k in (1, 3)), on=("scale", "hidden")),
        Mistake("unscaled", "unscaled random weights",
                "`standard_normal` has standard deviation 1, so with 784 inputs Z1 = W1 X starts around ±10 and "
                "the ReLUs and softmax saturate. Divide each layer's draws by the square root of its fan-in, the "
                "number of inputs of one of its units.",
                Fix((Edit("W1 = rng.standard_normal((10, 784))", f"W1 = {W1}"),
                     Edit("W2 = rng.standard_normal((10, 10))", f"W2 = {W2}"))),
                matches=lambda j, c: near_std(w(j, c, 0), 1.0) or near_std(w(j, c, 2), 1.0), on=("scale", "hidden")),
        Mistake("times_sqrt_fan_in", "multiplying by the square root of fan_in instead of dividing by it",
                "each unit adds up fan_in inputs, so its score grows like sqrt(fan_in) times the weights' spread: "
                "to keep it near 1 the weights are divided by sqrt(fan_in), not multiplied. Multiplied, W1 starts "
                "784 times too large and the ReLUs and softmax saturate at once.",
                Fix((Edit("* np.sqrt(784)", "/ np.sqrt(784)"), Edit("* np.sqrt(10)", "/ np.sqrt(10)"))),
                matches=lambda j, c: any(any(near_std(w(j, c, k), np.sqrt(v * n)) for v in (1, 2))
                                         for k, n in ((0, 784), (2, 10))), on=("scale", "hidden")),
        Mistake("variance_not_std", "multiplying by the variance 1 / fan_in instead of its square root",
                "standard_normal has standard deviation 1, and multiplying by s gives standard deviation s. The "
                "variance 1 / fan_in (or He's 2 / fan_in) is the square of the spread: the factor is its square "
                "root. Without it W1 starts 28 times too small.",
                Fix((Edit("* (1 / 784)", "* np.sqrt(1 / 784)"), Edit("* (1 / 10)", "* np.sqrt(1 / 10)"))),
                matches=variance_not_std, on=("scale", "hidden")),
        Mistake("fixed_scale", "a fixed scale such as 0.01 instead of one from each layer's fan-in",
                "a number written in the code (0.01 is a common one) gives every layer the same spread, whatever "
                "its number of inputs: with 784 inputs or with 10, a unit's score then starts too small or too "
                "large. Scale each layer by the square root of 1 over its own fan-in.",
                Fix((Edit("rng.standard_normal((10, 784)) * 0.01", W1),
                     Edit("rng.standard_normal((10, 10)) * 0.01", W2))),
                matches=lambda j, c: any(scale_problem(name, w(j, c, k)) and any(
                    abs(np.std(w(j, c, k)) / s - 1) < 0.15 for s in (0.001, 0.01, 0.1))
                    for name, k in (("W1", 0), ("W2", 2))), on=("scale", "hidden")),
        Mistake("w2_fan_in", "scaling W2 by W1's fan-in (784) instead of its own (10)",
                "each layer is scaled by the number of inputs of its own units: 784 pixels for W1, but only the "
                "10 hidden activations for W2. Scaled by 784, W2 starts about 9 times too small and the output "
                "layer learns slowly (83.6% after the course's training, below the 85% goal).",
                Fix((Edit("rng.standard_normal((10, 10)) * np.sqrt(1 / 784)", W2),)),
                matches=lambda j, c: accepted_std("W1")[0] <= np.std(w(j, c, 0)) <= accepted_std("W1")[1]
                and near_std(w(j, c, 2), np.sqrt(1 / 784)), on=("scale", "hidden")),
        Mistake("w1_fan_in", "scaling W1 by W2's fan-in (10) instead of its own (784)",
                "each layer is scaled by the number of inputs of its own units: W1's units each see 784 pixels, "
                "so its weights must be much smaller than W2's.",
                Fix((Edit("rng.standard_normal((10, 784)) * np.sqrt(1 / 10)", W1),)),
                matches=lambda j, c: near_std(w(j, c, 0), np.sqrt(1 / 10))
                and accepted_std("W2")[0] <= np.std(w(j, c, 2)) <= accepted_std("W2")[1], on=("scale", "hidden")),
        Mistake("reseeded", "a new generator made from the seed for each weight matrix",
                "with a seed, W2's numbers are W1's first hundred again (scaled): each generator made afresh from "
                "the same seed starts the same stream over. Make the generator once, then draw W1 and W2 "
                "from it, one after the other. (Given a Generator instead, default_rng hands it back as it is, so "
                "that call draws new numbers: seed and Generator no longer start alike.)",
                Fix((Edit("W1 = np.random.default_rng(rng).standard_normal((10, 784)) * np.sqrt(1 / 784)",
                          "rng = np.random.default_rng(rng)\nW1 = rng.standard_normal((10, 784)) * np.sqrt(1 / 784)"),
                     Edit("W2 = np.random.default_rng(rng).standard_normal((10, 10)) * np.sqrt(1 / 10)",
                          "W2 = rng.standard_normal((10, 10)) * np.sqrt(1 / 10)"))),
                matches=reseeded, cases=("seeded",)),
        zero_seed_mistake(Fix((Edit("rng = np.random.default_rng(rng or None)", MAKE),)), "parameters"),
        Mistake("ignores_rng", "drawing from np.random instead of the rng you are given",
                "`np.random.rand` and friends use NumPy's global generator, which ignores the seed passed in, so "
                "no run can be repeated. Make a generator from `rng` and draw every array from it.",
                Fix((Edit(DEF, MAKE, "after"),
                     Edit("np.random.randn(10, 784)", "rng.standard_normal((10, 784))"),
                     Edit("np.random.randn(10, 10)", "rng.standard_normal((10, 10))"),
                     Edit("rng = np.random.default_rng()", MAKE))),
                matches=lambda j, c: j.value("seeded_again") is not None and not all(
                    np.array_equal(a, b) for a, b in zip(j.value(c), j.value("seeded_again")))
                and not zero_is_no_seed(j, c), cases=("seeded",), on=("repeatable", "generator")),
        Mistake("fixed_seed", "a generator made from a seed of its own instead of from rng",
                "rng=0 and rng=1 gave the same start, and so would any seed: the generator is made from a number "
                "written in the function (default_rng(0), np.random.seed(42)), not from the rng it is given. Make it "
                "from rng itself: default_rng accepts a seed, None or a Generator, so the caller chooses the "
                "start and can repeat it.",
                Fix((Edit("np.random.default_rng(0)", "np.random.default_rng(rng)"),)),
                matches=lambda j, c: all(j.value(n) is not None and all(np.array_equal(a, b) for a, b in zip(
                    j.value(c), j.value(n))) for n in ("seeded_again", "other_seed")), cases=("seeded",),
                on=("repeatable",)),
        Mistake("seeds_numpy", "seeding NumPy's global generator with rng",
                "`rng` may be a seed or a Generator already made (the capstone passes one along); np.random.seed "
                "takes only a number, and draws from the global generator. Make a Generator from `rng`, which "
                "accepts both, and draw from it.",
                Fix((Edit("np.random.seed(rng)", MAKE),
                     Edit("np.random.randn(10, 784)", "rng.standard_normal((10, 784))"),
                     Edit("np.random.randn(10, 10)", "rng.standard_normal((10, 10))"))),
                matches=lambda j, c: j.outcome("generator").failure is not None,
                cases=("generator",), on=("generator",)),
        Mistake("no_generator", "drawing from rng before making a Generator of it",
                "rng may be a seed (0), None or a Generator: only a Generator has standard_normal. "
                "np.random.default_rng turns any of them into one (and leaves a Generator as it is).",
                Fix((Edit(DEF, MAKE, "after"),)),
                error=("AttributeError", r"'(int|NoneType)' object has no attribute")),
        Mistake("flat_bias", "biases of shape (10,) instead of columns (10, 1)",
                "a bias is a column, one value per unit, so that it broadcasts across the m columns of W1 @ X. "
                "NumPy lines shapes up from the right, so a flat (10,) vector would be added along the examples "
                "axis instead (an error, or silently wrong when m is 10).",
                Fix((Edit("np.zeros(10)", "np.zeros((10, 1))"),)),
                matches=lambda j, c: any(np.shape(j.value(c)[k]) == (10,) for k in (1, 3)), on=("shape",)),
        Mistake("transposed", "weights stored as (inputs, units) instead of (units, inputs)",
                "W1 has one row per hidden unit and one column per pixel, so that W1 @ X works with X of shape "
                "(784, m).", Fix((Edit("rng.standard_normal((784, 10))", "rng.standard_normal((10, 784))"),)),
                matches=lambda j, c: np.shape(j.value(c)[0]) == (784, 10), on=("shape",)),
        Mistake("hidden_width", "a hidden layer of another size than 10 units",
                "this course's network has 10 hidden units, and every later lesson (and its checks) counts on "
                "it: W1 is (10, 784), b1 (10, 1) and W2 (10, 10). Part 2 builds networks of any width.",
                Fix((Edit("rng.standard_normal((20, 784))", "rng.standard_normal((10, 784))"),
                     Edit("rng.standard_normal((10, 20)) * np.sqrt(1 / 20)", W2),
                     Edit("np.zeros((20, 1))", "np.zeros((10, 1))"))),
                matches=hidden_width, on=("shape",)),
    ]
    return Suite("init_params", Tup("init_params()", PARAMS), checks, mistakes, expects=False, args=ARGS,
                 signature=SIGNATURE)


SUITE = suite()
