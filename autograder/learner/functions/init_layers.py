"""``init_layers``: judged by properties, never by the course's own random numbers.

Any start that draws every weight matrix at random with He's spread,
sqrt(2 / n_in) for its own number of inputs (normal or uniform, in any order
of draws from the ``rng`` given), with zero or small biases, is right.
"""
import numpy as np

from ..checks import (
    finite,
    no_warnings,
    prop,
    returns,
    shaped,
    takes_the_lessons_arguments,
    typed,
    usable,
    zero_is_no_seed,
    zero_seed_mistake,
)
from ..judge import Edit, Fix, Mistake, Suite
from ..spec import Layers, number

SIGNATURE = "init_layers(layer_sizes, rng=None)"
ARGS = ("layer_sizes", "rng")  # the parameters the checks pass by position, in order
LOW, HIGH = 0.8, 1.25  # accepted spread, as a multiple of He's sqrt(2 / n_in)


def he(W):
    return np.sqrt(2 / W.shape[1])


def ratio(W):
    """The spread of W as a multiple of He's."""
    return float(np.std(W)) / he(W)


def scale_problem(value):
    for layer, (W, b) in enumerate(value):
        name = f"W{layer + 1}"
        r = ratio(W)
        if not LOW <= r <= HIGH:
            return (f"{name} ({W.shape[0]} units, {W.shape[1]} inputs each) has standard deviation "
                    f"{number(np.std(W))}; He's start for ReLU layers has sqrt(2 / {W.shape[1]}) = {number(he(W))}.")
        if abs(float(np.mean(W))) > 0.25 * float(np.std(W)):
            return f"{name}'s values average {number(np.mean(W))}, far from 0: centre them on 0."
        if np.abs(b).max() > 0.1:
            return f"b{layer + 1} has values as large as {number(np.abs(b).max())}; start the biases at 0."
    return None


def symmetry_problem(value):
    for layer, (W, b) in enumerate(value):
        if W.shape[0] > 1 and np.allclose(W, W[0]):
            return (f"every row of W{layer + 1} is the same, so its units start as copies of each other, get the "
                    f"same gradients, and stay copies.")
        rows = np.unique(W, axis=0).shape[0] if W.ndim == 2 else W.shape[0]
        if W.ndim == 2 and rows < W.shape[0]:
            return (f"W{layer + 1} has {W.shape[0]} rows but only {rows} different ones: units that start as copies "
                    f"of each other get the same gradients and stay copies. Draw every weight on its own.")
        if W.ndim == 2 and 1 < min(W.shape) <= 64:
            rank = np.linalg.matrix_rank(W)
            if rank < min(W.shape):
                return (f"W{layer + 1} ({W.shape[0]} x {W.shape[1]}) has rank {rank}: its rows are all made of "
                        f"{'one pattern' if rank == 1 else f'{rank} patterns'}, not drawn independently, so its units "
                        f"start far from independent. Draw every weight on its own.")
    for a in range(len(value)):
        for c in range(a + 1, len(value)):
            if value[a][0].shape == value[c][0].shape and np.array_equal(value[a][0], value[c][0]):
                return (f"W{a + 1} and W{c + 1} are identical: every layer needs its own random draw (a generator "
                        f"made again for each layer starts the same sequence again).")
    return None


def suite():
    def random(j, value):
        return symmetry_problem(value)

    def scale(j, value):
        return scale_problem(value)

    def repeatable(j, value):
        for case in ("seeded_again", "other_seed", "other_seed_again"):
            problem = usable(j, case)
            if problem:
                return f"Called again ({j.case(case).label}): {problem}"
        flat = [a for pair in value for a in pair]
        again = [a for pair in j.value("seeded_again") for a in pair]
        other = [a for pair in j.value("other_seed") for a in pair]
        if not all(np.array_equal(a, b) for a, b in zip(flat, again)):
            return j.explain("seeded", "two calls with rng=0 gave different layers, so no run can be repeated.",
                             prefer="ignores_rng")
        if all(np.array_equal(a, b) for a, b in zip(flat, other)):
            return j.explain("seeded", "rng=0 and rng=1 gave the same layers: the seed changes nothing.")
        return None

    def other_call(case, label_problem=True):
        def run(j, value):
            problem = usable(j, case)
            if problem:
                return j.explain(case, f"On {j.case(case).label}: {problem}")
            problem = symmetry_problem(j.value(case)) or scale_problem(j.value(case))
            return j.explain(case, f"On {j.case(case).label}: {problem}") if problem else None
        return run

    def default_call(j, value):
        problem = usable(j, "default")
        return f"Called with no rng: {problem}" if problem else None

    def takes_a_generator(j, value):
        problem = usable(j, "generator")
        if problem:
            return j.explain("generator", f"Called with rng=np.random.default_rng(0): {problem}",
                             prefer="seeds_numpy")
        problem = symmetry_problem(j.value("generator")) or scale_problem(j.value("generator"))
        return j.explain("generator", f"Called with rng=np.random.default_rng(0): {problem}") if problem else None

    checks = [
        takes_the_lessons_arguments("seeded"),
        returns("seeded"),
        typed("seeded", "returns a list of (W, b) pairs of float arrays"),
        shaped("seeded", "one (W, b) pair per layer: W (n_out, n_in), b (n_out, 1)"),
        finite("seeded"),
        prop("random", "seeded", "weights are random: no two units, no two layers alike", random),
        prop("scale", "seeded", "each W has He's spread for its own inputs, sqrt(2 / n_in); biases start at 0",
             scale),
        prop("repeatable", "seeded", "the same rng seed gives the same layers", repeatable,
             uses=("seeded_again", "other_seed", "other_seed_again")),
        prop("default", "seeded", "works with no rng", default_call, uses=("default",)),
        prop("generator", "seeded", "takes a np.random.Generator as rng, as well as a seed (lessons 20-22 pass one)",
             takes_a_generator, uses=("generator",)),
        prop("deep", "seeded", "works for any number of layers, here four", other_call("deep"), uses=("deep",)),
        prop("one_layer", "seeded", "works for a single layer", other_call("one_layer"), uses=("one_layer",)),
        no_warnings(["seeded", "default", "deep"]),
        prop("hidden", "hidden", "starts well from sizes and a seed it has not seen",
             lambda j, v: symmetry_problem(v) or scale_problem(v)),
    ]

    def weights(j, c):
        return [np.asarray(pair[0], dtype=float) for pair in j.value(c)]

    def near(r, target, tol=0.12):
        return abs(r / target - 1) < tol

    def all_ratios(j, c, target):
        return all(near(ratio(W), target(W)) for W in weights(j, c))

    def two_lists(j, c):
        """Two lists, the weights and the biases, one item per layer each, instead of one list of pairs."""
        value, sizes = j.value(c), j.case(c).dims["sizes"]
        if not isinstance(value, (tuple, list)) or len(value) != 2 or \
                not all(isinstance(v, (tuple, list)) and len(v) == len(sizes) - 1 for v in value):
            return False
        return all(np.ndim(W) == 2 and np.shape(b)[:1] == np.shape(W)[:1] for W, b in zip(*value))

    def same_for_every_seed(j, c):
        flat = lambda case: [a for pair in j.value(case) for a in pair]  # noqa: E731
        return all(j.value(n) is not None and all(np.array_equal(a, b) for a, b in zip(flat(c), flat(n)))
                   for n in ("seeded_again", "other_seed"))

    DEF = "def init_layers(layer_sizes, rng=None):"
    MAKE = "rng = np.random.default_rng(rng)"
    DRAW = "rng.standard_normal((n_out, n_in)) * np.sqrt(2 / n_in)"
    properties = ("random", "scale", "deep", "one_layer", "hidden")
    mistakes = [
        Mistake("two_lists", "two lists, the weights and the biases, instead of one list of (W, b) pairs",
                "every later function walks the layers one pair at a time (`for W, b in params`), so init_layers "
                "returns one list with a (W, b) pair per layer. Two lists side by side hold the same arrays, but "
                "params[0] would then be all the weights. zip pairs them up.",
                Fix((Edit("return Ws, bs", "return list(zip(Ws, bs))"),)), matches=two_lists,
                on=("type", "shape", "deep", "one_layer", "hidden")),
        Mistake("glorot", "Glorot's spread, sqrt(2 / (n_in + n_out)), instead of He's sqrt(2 / n_in)",
                "Glorot's start averages a layer's inputs and outputs, which suits tanh and the sigmoid. ReLU "
                "sets about half of its inputs to 0, so He's start counts the inputs only, 2 / n_in, to keep the "
                "signal's size from layer to layer. Glorot's is smaller wherever a layer has many outputs for its "
                "inputs.", Fix((Edit("np.sqrt(2 / (n_in + n_out))", "np.sqrt(2 / n_in)"),)),
                matches=lambda j, c: all_ratios(j, c, lambda W: np.sqrt(2 / (W.shape[0] + W.shape[1])) / he(W))
                and any(abs(np.sqrt(W.shape[1] / (W.shape[0] + W.shape[1])) - 1) > 0.2 for W in weights(j, c)),
                on=properties),
        Mistake("fixed_seed", "a generator made from a seed of its own instead of from rng",
                "rng=0 and rng=1 gave the same start, and so would any seed: the generator is made from a number "
                "written in the function (default_rng(0), np.random.seed(42)), not from the rng it is given. Make it "
                "from rng itself: default_rng accepts a seed, None or a Generator, so the caller chooses the "
                "start and can repeat it.",
                Fix((Edit("np.random.default_rng(42)", "np.random.default_rng(rng)"),)),
                matches=same_for_every_seed, cases=("seeded",), on=("repeatable",)),
        Mistake("random_biases", "biases drawn at random instead of starting at 0",
                "a random bias shifts each unit's threshold by a random amount before anything is learned "
                "(standard_normal's spread is 1, as large as a whole layer's input): start every bias at 0 and "
                "let training move it.",
                Fix((Edit("rng.standard_normal((n_out, 1))", "np.zeros((n_out, 1))"),)),
                matches=lambda j, c: any(np.ndim(p[1]) == 2 and np.std(p[1]) > 0.1 for p in j.value(c)),
                on=properties),
        Mistake("zeros", "starting every weight at zero",
                "with equal weights every unit of a layer gets the same gradient, so they never become different. "
                "Only the biases may start at zero; draw the weights at random.",
                Fix((Edit(DEF, MAKE, "after"), Edit("np.zeros((n_out, n_in))", DRAW))),
                matches=lambda j, c: any(np.allclose(W, 0) for W in weights(j, c)), on=properties + ("repeatable",)),
        Mistake("transposed", "weights stored as (n_in, n_out) instead of (n_out, n_in)",
                "W has one row per unit of the layer and one column per input, so that W @ A works with A of shape "
                "(n_in, m).", Fix((Edit("rng.standard_normal((n_in, n_out))", "rng.standard_normal((n_out, n_in))"),)),
                matches=lambda j, c: [tuple(np.shape(p[0])) for p in j.value(c)] == [
                    (a, b) for a, b in zip(j.case(c).dims["sizes"][:-1], j.case(c).dims["sizes"][1:])],
                on=("shape", "deep", "one_layer", "hidden")),
        Mistake("flat_bias", "biases of shape (n_out,) instead of (n_out, 1)",
                "a bias is a column, (n_out, 1), so that it broadcasts across the m columns of W @ A; a flat "
                "(n_out,) vector would broadcast across the wrong axis.",
                Fix((Edit("np.zeros(n_out)", "np.zeros((n_out, 1))"),)),
                matches=lambda j, c: any(np.ndim(p[1]) == 1 for p in j.value(c)), on=("shape", "deep", "one_layer",
                                                                                     "hidden")),
        Mistake("bias_by_inputs", "each bias sized by the layer's inputs, (n_in, 1), instead of its units",
                "a bias holds one number per unit of its layer, added to that unit's score: it has as many rows "
                "as W has rows, the layer's outputs, whatever the number of inputs.",
                Fix((Edit("np.zeros((n_in, 1))", "np.zeros((n_out, 1))"),)),
                matches=lambda j, c: all(np.shape(p[1])[:1] == np.shape(p[0])[1:2] for p in j.value(c)) and any(
                    np.shape(p[0])[0] != np.shape(p[0])[1] for p in j.value(c)),
                on=("shape", "deep", "one_layer", "hidden")),
        Mistake("missing_layer", "one layer too few",
                "layer_sizes lists the sizes of every layer of units, inputs included: n sizes make n - 1 layers "
                "of weights, one between each two neighbours.",
                Fix((Edit("range(len(layer_sizes) - 2)", "range(len(layer_sizes) - 1)"),)),
                matches=lambda j, c: len(j.value(c)) == len(j.case(c).dims["sizes"]) - 2,
                on=("shape", "deep", "one_layer", "hidden")),
        Mistake("lecun", "LeCun's spread, sqrt(1 / n_in), instead of He's",
                "ReLU sets about half of its inputs to zero, so each layer passes on about half the variance it "
                "receives; in a deep network the signal shrinks layer after layer. He's start doubles the "
                "variance, 2 / n_in, to make up for it.", Fix((Edit("np.sqrt(1 / n_in)", "np.sqrt(2 / n_in)"),)),
                matches=lambda j, c: all_ratios(j, c, lambda W: np.sqrt(0.5)), on=properties),
        Mistake("variance_not_std", "multiplying by the variance 2 / n_in instead of its square root",
                "standard_normal has standard deviation 1, and multiplying by s gives standard deviation s: He's "
                "variance is 2 / n_in, so the factor is its square root.",
                Fix((Edit("* (2 / n_in)", "* np.sqrt(2 / n_in)"),)),
                matches=lambda j, c: all_ratios(j, c, lambda W: (2 / W.shape[1]) / he(W)), on=properties),
        Mistake("sqrt_misplaced", "np.sqrt(2) / n_in instead of np.sqrt(2 / n_in)",
                "every layer's spread is sqrt(2) / n_in, sqrt(n_in) times smaller than He's (28 times for 784 "
                "inputs): the square root closes before the division. He's spread is the square root of the whole "
                "fraction, sqrt(2 / n_in).", Fix((Edit("np.sqrt(2) / n_in", "np.sqrt(2 / n_in)"),)),
                matches=lambda j, c: all_ratios(j, c, lambda W: (np.sqrt(2) / W.shape[1]) / he(W)), on=properties),
        Mistake("unscaled", "unscaled random weights",
                "standard_normal has standard deviation 1, so with hundreds of inputs a unit's score starts around "
                "±20 and grows with every layer. Scale each layer's draw by sqrt(2 / n_in), its own number of "
                "inputs.", Fix((Edit("rng.standard_normal((n_out, n_in)), np.zeros", f"{DRAW}, np.zeros"),)),
                matches=lambda j, c: all_ratios(j, c, lambda W: 1 / he(W)), on=properties),
        Mistake("fixed_scale", "a fixed scale such as 0.01 instead of He's sqrt(2 / n_in)",
                "a number written in the code (0.01 is a common one) gives every layer the same spread, whatever "
                "its number of inputs, so a deep network's signal shrinks (or grows) layer after layer. He's start "
                "scales each layer by the square root of 2 over its own number of inputs.",
                Fix((Edit("rng.standard_normal((n_out, n_in)) * 0.01", DRAW),)),
                matches=lambda j, c: scale_problem(j.value(c)) is not None and any(
                    all(abs(np.std(W) / s - 1) < 0.15 for W in weights(j, c)) for s in (0.001, 0.01, 0.1)),
                on=properties),
        Mistake("fan_out", "scaling by the number of outputs n_out instead of inputs n_in",
                "a unit's score adds up n_in terms, one per input: that sum's spread is what the scale keeps "
                "steady, so the scale depends on n_in.", Fix((Edit("np.sqrt(2 / n_out)", "np.sqrt(2 / n_in)"),)),
                matches=lambda j, c: all_ratios(j, c, lambda W: np.sqrt(2 / W.shape[0]) / he(W))
                and any(W.shape[0] != W.shape[1] for W in weights(j, c)), on=properties),
        Mistake("reseeded", "making the generator again for each layer",
                "a generator made from a seed starts the same sequence every time it is made: make it once, "
                "before the loop, and draw every layer from that one generator.",
                Fix((Edit("for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):\n"
                          "    gen = np.random.default_rng(rng)",
                          "gen = np.random.default_rng(rng)\n"
                          "for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):"),)),
                matches=lambda j, c: symmetry_problem(j.value(c)) is not None and "identical" in symmetry_problem(
                    j.value(c)), on=properties),
        zero_seed_mistake(Fix((Edit("gen = np.random.default_rng(rng) if rng else np.random.default_rng()",
                                    "gen = np.random.default_rng(rng)"),)), "layers"),
        Mistake("ignores_rng", "drawing from np.random instead of the rng you are given",
                "`np.random.randn` and friends use NumPy's global generator, which ignores the seed passed in, so "
                "no run can be repeated. Make a generator from `rng` and draw every layer from it.",
                Fix((Edit(DEF, MAKE, "after"),
                     Edit("np.random.randn(n_out, n_in)", "rng.standard_normal((n_out, n_in))"))),
                matches=lambda j, c: j.value("seeded_again") is not None and not all(
                    np.array_equal(a[0], b[0]) for a, b in zip(j.value("seeded"), j.value("seeded_again")))
                and not zero_is_no_seed(j, c), on=("repeatable",)),
        Mistake("seeds_numpy", "seeding NumPy's older generators with rng (np.random.seed, RandomState)",
                "`rng` may be a seed, None or a Generator already made (lessons 20-22 pass one along); "
                "np.random.seed and np.random.RandomState take only a number (or None), so a Generator makes them "
                "fail. Make a Generator from `rng` (np.random.default_rng takes all three) and draw every layer "
                "from it.",
                Fix((Edit("np.random.seed(rng)", MAKE),
                     Edit("np.random.randn(n_out, n_in)", "rng.standard_normal((n_out, n_in))"))),
                error=("TypeError", r"Cannot cast scalar from dtype\('O'\)"),
                matches=lambda j, c: False,  # named by its error alone: its draws, from the global generator, vary
                cases=("generator",), on=("generator",)),
        Mistake("no_generator", "drawing from rng before making a Generator of it",
                "rng may be a seed, None or a Generator: only a Generator has standard_normal. "
                "np.random.default_rng turns any of them into one (and leaves a Generator as it is).",
                Fix((Edit(DEF, MAKE, "after"),)),
                error=("AttributeError", r"'(int|NoneType)' object has no attribute")),
    ]
    return Suite("init_layers", Layers("init_layers(...)"), checks, mistakes, expects=False, args=ARGS,
                 signature=SIGNATURE)


SUITE = suite()
