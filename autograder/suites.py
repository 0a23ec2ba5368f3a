"""What every graded function is checked for, in order, and the mistakes each check can name.

For each function: the shape of what it returns, an ordered list of checks
(it returns, type, shape, finite values, values on fixed and random inputs,
then edge cases), and a catalogue of known mistakes with the hint to give
when an answer behaves like one. The inputs themselves come from the
oracle (stored fixtures for learners, the live reference for graders), so
nothing here computes a reference answer.
"""
from dataclasses import dataclass, field

import numpy as np

from .engine import (Arr, Check, Dct, Mistake, Num, Tup, input_arrays, leaves, nonfinite_problem,
                     shape_problem, type_problem, value_difference)

PARAMS = (Arr("W1", (10, 784)), Arr("b1", (10, 1)), Arr("W2", (10, 10)), Arr("b2", (10, 1)))
GRADS = (Arr("dW1", (10, 784)), Arr("db1", (10, 1)), Arr("dW2", (10, 10)), Arr("db2", (10, 1)))


@dataclass
class Suite:
    function: str
    output: object                       # Arr / Num / Tup / Dct: what the function returns
    checks: list
    mistakes: list = field(default_factory=list)
    expects: bool = True                 # False: judged by properties only, no expected values


# ----------------------------------------------------------------------------- generic checks

def returns(case, purpose="runs and returns a value"):
    def run(j):
        message = j.failure_message(case)
        if message:
            return message
        if j.value(case) is None:
            return f"{j.function} returned None: end it with `return ...`."
        return None
    return Check("returns", purpose, run, case=case, gate=True)


def typed(case, purpose):
    def run(j):
        problem = j.failure_message(case) or type_problem(j.spec, j.value(case), j.function)
        return j.explain(case, problem) if problem else None
    return Check("type", purpose, run, case=case, gate=True)


def shaped(case, purpose):
    def run(j):
        problem = shape_problem(j.spec, j.value(case), j.case(case).dims)
        return j.explain(case, problem) if problem else None
    return Check("shape", purpose, run, case=case, gate=True)


def finite(case, purpose="has no NaN or infinite values"):
    def run(j):
        problem = nonfinite_problem(j.spec, j.value(case))
        if not problem:
            return None
        warned = j.outcome(case).warnings
        if warned:
            problem += f" NumPy warned: {warned[0]}."
        return j.explain(case, problem)
    return Check("finite", purpose, run, case=case)


def answer_problem(j, case, compare=None):
    """Why the answer to ``case`` is wrong (failure, type, shape, non-finite, values), or None."""
    problem = j.failure_message(case)
    if problem:
        return problem
    got, want = j.value(case), j.expected(case)
    problem = type_problem(j.spec, got, j.function) or shape_problem(j.spec, got, j.case(case).dims)
    if not problem:
        if compare is not None:
            problem = compare(j, case, got, want)
        else:
            for (spec, g), (_, w) in zip(leaves(j.spec, got), leaves(j.spec, want)):
                problem = value_difference(g, w, j.case(case).rtol, spec.name)
                if problem:
                    break
    if problem and not problem.startswith(j.function):
        problem = f"On {j.case(case).label}: {problem}"
    return j.explain(case, problem) if problem else None


def matches(case, purpose, check_id=None, compare=None):
    return Check(check_id or f"values:{case}", purpose,
                 lambda j: answer_problem(j, case, compare), case=case)


def no_warnings(cases, purpose="runs quietly: no NumPy warnings, nothing written to stderr"):
    def run(j):
        for case in cases:
            out = j.outcome(case)
            if out.warnings:
                text = out.warnings[0]
                advice = {
                    "overflow": "a number grew past what a float can hold, usually exp of a large score",
                    "divide by zero": "something divided by zero or took log(0)",
                    "invalid value": "an operation like inf - inf or 0 * inf gave NaN",
                }
                cause = next((v for k, v in advice.items() if k in text), "")
                cause = f" ({cause})" if cause else ""
                return j.explain(case, f"On {j.case(case).label}: NumPy warned \"{text}\"{cause}.")
            if out.stderr.strip():
                first = out.stderr.strip().splitlines()[0][:120]
                return (f"On {j.case(case).label}: {j.function} wrote {first!r} to stderr. Graders score a "
                        f"cell that writes to stderr as failed: remove the print(..., file=sys.stderr).")
        return None
    return Check("quiet", purpose, run, case=cases[0], uses=tuple(cases))


def unchanged(cases, purpose="leaves its input arrays unchanged"):
    def run(j):
        for case in cases:
            name = changed_input(j, case)
            if name:
                return j.explain(case, f"{j.function} changed its input {name} (on {j.case(case).label}): "
                                       f"build a new array instead of modifying the one passed in.")
        return None
    return Check("unchanged", purpose, run, case=cases[0], uses=tuple(cases))


def prop(check_id, case, purpose, test, uses=()):
    """A property check: ``test(judge, value)`` returns None or a problem."""
    def run(j):
        problem = j.failure_message(case)
        if problem:
            return problem
        value = j.value(case)
        problem = type_problem(j.spec, value, j.function) or shape_problem(j.spec, value, j.case(case).dims)
        if not problem:
            problem = test(j, value)
        return j.explain(case, problem) if problem else None
    return Check(check_id, purpose, run, case=case, uses=tuple(uses))


ARG_NAMES = {
    "one_hot": ("Y",), "relu": ("Z",), "relu_deriv": ("Z",), "softmax": ("Z",),
    "forward_prop": ("W1", "b1", "W2", "b2", "X"), "cross_entropy": ("A2", "Y"),
    "backward_prop": ("Z1", "A1", "Z2", "A2", "W1", "W2", "X", "Y"),
    "update_params": ("W1", "b1", "W2", "b2", "dW1", "db1", "dW2", "db2", "alpha"),
    "get_predictions": ("A2",), "get_accuracy": ("predictions", "Y"),
    "gradient_descent": ("X", "Y", "alpha", "iterations"), "make_predictions": ("X", "W1", "b1", "W2", "b2"),
    "init_params": (),
}


def changed_input(j, case):
    """The name of an input array the call modified (an in-place update), or None."""
    out = j.outcome(case)
    if out.inputs_after is None:
        return None
    c = j.case(case)
    names = ARG_NAMES.get(j.function, ())
    for (key, before), after in zip(input_arrays(c.args, c.kwargs), out.inputs_after):
        if not (isinstance(after, np.ndarray) and after.shape == before.shape
                and np.array_equal(after, before, equal_nan=True)):
            return names[key] if isinstance(key, int) and key < len(names) else str(key)
    return None


def scaled_by(j, case):
    """The constant c with answer == c * expected for every array, or None."""
    got, want = j.value(case), j.expected(case)
    ratios = []
    for (_, g), (_, w) in zip(leaves(j.spec, got), leaves(j.spec, want)):
        g, w = np.asarray(g, dtype=float), np.asarray(w, dtype=float)
        if g.shape != w.shape:
            return None
        big = np.abs(w) > 1e-3 * np.abs(w).max() if w.size and np.abs(w).max() > 0 else None
        if big is None or not big.any():
            continue
        r = g[big] / w[big]
        if not np.allclose(r, r.flat[0], rtol=1e-6):
            return None
        ratios.append(r.flat[0])
    if not ratios or not np.allclose(ratios, ratios[0], rtol=1e-6) or np.isclose(ratios[0], 1.0):
        return None
    return float(ratios[0])


def standard(fn, output, edge, mistakes, shape_purpose, *, hidden=("hidden",), values=("fixed", "random", "m1"),
             finite_case="fixed", type_purpose="returns a NumPy array"):
    """The usual order: returns, type, shape, finite, values, edge cases, warnings, inputs, hidden."""
    labels = {"fixed": "gives the right values on a small fixed example",
              "random": "gives the right values on a random batch",
              "m1": "works for a single example (m = 1)"}
    checks = [returns("fixed"), typed("fixed", type_purpose), shaped("fixed", shape_purpose)]
    if finite_case:
        checks.append(finite(finite_case))
    checks += [matches(case, labels[case]) for case in values]
    checks += edge
    visible = list(values) + [c.case for c in edge if not c.hidden and c.case not in values]
    checks += [no_warnings(visible), unchanged(visible)]
    checks += [matches(case, "gives the right values on inputs it has not seen") for case in hidden]
    return Suite(fn, output, checks, mistakes)


# ----------------------------------------------------------------------------- the suites

def _one_hot():
    return standard(
        "one_hot", Arr("one_hot(Y)", (10, "m"), kinds="fiub"),
        edge=[matches("no9", "handles a batch with no 9: still 10 rows"),
              matches("uint8", "accepts labels stored as uint8, as in the MNIST files")],
        mistakes=[
            Mistake("max_plus_one", "the original notebook's bug: one_hot sized by Y.max() + 1",
                    "a batch without a 9 then gets fewer than 10 rows and no longer lines up with the "
                    "network's 10 outputs. Always make 10 rows: `np.zeros((10, Y.size))`."),
            Mistake("transposed", "one row per example instead of one column",
                    "the course keeps one column per example, so the result is (10, m): transpose with `.T`."),
            Mistake("whole_rows", "indexing with Y alone, which fills whole rows",
                    "`one_hot_Y[Y] = 1` sets every column of row Y; set one entry per column with "
                    "`one_hot_Y[Y, np.arange(m)] = 1`."),
        ],
        shape_purpose="returns a (10, m) matrix, one column per label",
        type_purpose="returns a NumPy array of numbers", finite_case=None)


def _init_params():
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
              no_warnings(["seeded", "default"])]
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
    return Suite("init_params", Tup("init_params()", PARAMS), checks, mistakes, expects=False)


def _relu():
    return standard(
        "relu", Arr("relu(Z)", (10, "m")),
        edge=[matches("f32", "works on float32 input")],
        mistakes=[
            Mistake("np_max", "np.max instead of np.maximum",
                    "`np.max(Z, 0)` finds the largest value along axis 0; `np.maximum` compares its two "
                    "arguments entry by entry."),
            Mistake("minimum", "np.minimum instead of np.maximum",
                    "np.minimum keeps the negative part; ReLU keeps the positive part, as np.maximum with 0 does."),
            Mistake("abs", "np.abs instead of ReLU",
                    "ReLU sets negative values to 0; np.abs turns them positive."),
            Mistake("in_place", "changing Z in place",
                    "`Z[Z < 0] = 0` also changes the caller's Z, which the backward pass still needs. "
                    "Return a new array instead, for example from np.maximum.", matches=changed_input),
            Mistake("python_max", "Python's max instead of np.maximum",
                    "Python's max compares whole arrays, which NumPy refuses; np.maximum works entry by entry.",
                    error=("ValueError", "truth value of an array")),
        ],
        shape_purpose="returns an array shaped like Z, (10, m)")


def _softmax():
    def columns_sum_to_one(j, value):
        sums = np.asarray(value, dtype=float).sum(axis=0)
        if not np.allclose(sums, 1.0, atol=1e-6):
            k = int(np.argmax(np.abs(sums - 1)))
            return f"column {k} of softmax(Z) sums to {sums[k]:.6g}; every column must sum to 1."
        return None

    return standard(
        "softmax", Arr("softmax(Z)", (10, "m")),
        edge=[prop("sums", "random", "each column sums to 1", columns_sum_to_one),
              matches("huge", "stays finite for huge scores (like 1000)"),
              matches("mixed", "shifts each column by its own maximum"),
              matches("f32", "works on float32 input")],
        mistakes=[
            Mistake("no_shift", "softmax without subtracting the maximum (the original notebook's version)",
                    "exp(1000) overflows to inf and inf / inf is NaN. Subtract each column's maximum "
                    "first: `Z - Z.max(axis=0, keepdims=True)`; the result is mathematically the same."),
            Mistake("wrong_axis", "softmax over the wrong axis",
                    "each column is one example, so normalise down the columns: "
                    "`np.sum(E, axis=0, keepdims=True)`, not axis=1."),
            Mistake("sum_all", "dividing by the sum of the whole matrix",
                    "`np.sum(E)` with no axis adds every example together; divide each column by its "
                    "own sum: `np.sum(E, axis=0, keepdims=True)`."),
            Mistake("global_shift", "subtracting the maximum of the whole matrix",
                    "one global maximum leaves columns with much smaller scores at exp(-1000) = 0 and "
                    "0 / 0 = NaN; subtract each column's own maximum: `Z.max(axis=0, keepdims=True)`."),
        ],
        shape_purpose="returns probabilities shaped like Z, (10, m)")


def _forward_prop():
    return standard(
        "forward_prop", Tup("forward_prop(...)", tuple(Arr(n, (10, "m")) for n in ("Z1", "A1", "Z2", "A2"))),
        edge=[matches("f32", "works on float32 images")],
        mistakes=[
            Mistake("no_bias", "leaving out the biases",
                    "each layer adds its bias after the product: `Z1 = W1 @ X + b1`, `Z2 = W2 @ A1 + b2`."),
            Mistake("relu_output", "ReLU on the output layer",
                    "the output layer uses softmax: `A2 = softmax(Z2)`; ReLU is for the hidden layer only."),
            Mistake("skip_activation", "feeding Z1 instead of A1 to the second layer",
                    "the second layer takes the hidden layer's activations: `Z2 = W2 @ A1 + b2`."),
            Mistake("softmax_hidden", "softmax on the hidden layer",
                    "the hidden layer uses ReLU: `A1 = relu(Z1)`; softmax belongs to the output layer."),
            Mistake("wrong_order", "returning the four arrays in another order",
                    "return them in the order they are computed: `return Z1, A1, Z2, A2`."),
            Mistake("x_transposed", "multiplying by X.T",
                    "X is already (784, m), one column per image: `W1 @ X` gives (10, m).",
                    error=("ValueError", "matmul")),
        ],
        shape_purpose="returns Z1, A1, Z2, A2, each (10, m)", type_purpose="returns a tuple of four arrays")


def _cross_entropy():
    return standard(
        "cross_entropy", Num("the loss"),
        edge=[matches("uniform", "a uniform guess (every digit 0.1) costs log(10) ≈ 2.303"),
              matches("confident", "confident right answers cost almost nothing"),
              matches("f32", "works on float32 probabilities")],
        mistakes=[
            Mistake("sum", "summing the losses instead of averaging them",
                    "divide by the number of examples (or use np.mean) so the loss does not grow with the "
                    "batch size."),
            Mistake("no_minus", "a missing minus sign",
                    "log of a probability is negative; the loss is -log p, so it is positive and shrinks "
                    "as p grows."),
            Mistake("mean_all", "averaging log-probabilities of every digit, not just the right one",
                    "only the probability of the true label counts: `A2[Y, np.arange(m)]`."),
            Mistake("per_example", "returning one loss per example",
                    "the loss is one number: average the per-example losses with np.mean."),
        ],
        shape_purpose="returns one number", type_purpose="returns a single number", finite_case="fixed")


def _relu_deriv():
    def ignore_zeros(j, case, got, want):
        Z = np.asarray(j.case(case).args[0])
        keep = Z != 0  # the slope at exactly 0 may be taken as 0 or 1
        g = np.where(keep, np.asarray(got, dtype=float), 0.0)
        w = np.where(keep, np.asarray(want, dtype=float), 0.0)
        return value_difference(g, w, 1e-9, "relu_deriv(Z)")

    def zero_or_one(j, value):
        v = np.asarray(value, dtype=float)
        if not np.isin(v, (0.0, 1.0)).all():
            bad = v[~np.isin(v, (0.0, 1.0))]
            return f"relu_deriv(Z) holds {bad.flat[0]:.4g}; the slope of ReLU is only ever 0 or 1."
        return None

    suite = standard(
        "relu_deriv", Arr("relu_deriv(Z)", (10, "m"), kinds="fiub"),
        edge=[prop("binary", "random", "is 0 or 1 everywhere", zero_or_one),
              matches("f32", "works on float32 input", compare=ignore_zeros)],
        mistakes=[
            Mistake("returns_relu", "returning relu(Z) instead of its slope",
                    "the slope of ReLU is 1 where Z > 0 and 0 elsewhere: `Z > 0` (as floats if you like)."),
            Mistake("inverted", "the slope with the comparison reversed",
                    "ReLU is flat (slope 0) for negative Z and rises (slope 1) for positive Z: `Z > 0`."),
            Mistake("python_if", "an `if` on a whole array",
                    "`if Z > 0` asks one question of a whole array, which NumPy refuses; compare element "
                    "by element: `Z > 0`.", error=("ValueError", "truth value of an array")),
        ],
        shape_purpose="returns an array shaped like Z, (10, m)", type_purpose="returns a NumPy array")
    for i, check in enumerate(suite.checks):
        if check.id.startswith("values:") or (check.id.startswith("values") and check.case.startswith("hidden")):
            suite.checks[i] = matches(check.case, check.purpose, compare=ignore_zeros)
    return suite


def _backward_prop():
    def global_m(j, case):
        c = scaled_by(j, case)
        return c is not None and not np.isclose(c, j.case(case).dims["m"])

    return standard(
        "backward_prop", Tup("backward_prop(...)", GRADS),
        edge=[matches("no9", "handles a batch with no 9")],
        mistakes=[
            Mistake("scalar_db", "the original notebook's bug: `np.sum(dZ)` with no axis for the bias gradients",
                    "that adds up every entry into one number. Sum over the examples only: "
                    "`db1 = np.sum(dZ1, axis=1, keepdims=True) / m`, shape (10, 1), and the same for db2."),
            Mistake("no_keepdims", "summing the bias gradients without keepdims",
                    "`np.sum(dZ, axis=1)` has shape (10,); add `keepdims=True` to get (10, 1) like b1."),
            Mistake("wrong_axis_db", "summing the bias gradients over the wrong axis",
                    "axis 1 runs over the examples: `np.sum(dZ, axis=1, keepdims=True)`."),
            Mistake("missing_1_over_m", "a missing 1/m",
                    "the loss is an average over the batch, so every gradient is divided by m = X.shape[1].",
                    matches=lambda j, c: scaled_by(j, c) is not None and np.isclose(scaled_by(j, c),
                                                                                    j.case(c).dims["m"])),
            Mistake("global_m", "the original notebook's bug: dividing by a global m",
                    "m must be the size of this batch: write `m = X.shape[1]` inside the function.",
                    matches=global_m, error=("NameError", "'m'")),
            Mistake("w2_not_transposed", "W2 not transposed in the backward pass",
                    "the error flows back through the transpose of the forward weights: "
                    "`dZ1 = W2.T @ dZ2 * relu_deriv(Z1)`."),
            Mistake("labels_not_one_hot", "subtracting the labels Y instead of one_hot(Y)",
                    "A2 is (10, m) and the target must be too: `dZ2 = A2 - one_hot(Y)`."),
            Mistake("no_relu_deriv", "forgetting the ReLU's slope",
                    "the gradient passes through ReLU only where it was active: multiply by `relu_deriv(Z1)`."),
            Mistake("x_not_transposed", "multiplying by X instead of X.T",
                    "dW1 must be shaped like W1, (10, 784): `dZ1 @ X.T / m`.", error=("ValueError", "matmul")),
        ],
        shape_purpose="returns dW1, db1, dW2, db2 shaped like W1 (10, 784), b1 (10, 1), W2 (10, 10), b2 (10, 1)",
        type_purpose="returns a tuple of four arrays")


def _update_params():
    return standard(
        "update_params", Tup("update_params(...)", PARAMS),
        edge=[matches("zero_alpha", "alpha = 0 leaves the parameters as they were")],
        values=("fixed", "random"),
        mistakes=[
            Mistake("plus", "updating with + instead of -",
                    "the gradient points uphill; step against it: `W1 = W1 - alpha * dW1`."),
            Mistake("ignores_alpha", "ignoring the learning rate alpha",
                    "each step is alpha times the gradient: `W1 - alpha * dW1`."),
            Mistake("in_place", "updating the parameters in place",
                    "`W1 -= alpha * dW1` also changes the caller's arrays; write `W1 = W1 - alpha * dW1`.",
                    matches=changed_input),
            Mistake("weights_only", "updating the weights but not the biases",
                    "the biases learn too: `b1 = b1 - alpha * db1` and `b2 = b2 - alpha * db2`."),
            Mistake("wrong_order", "returning the parameters in another order",
                    "return them as they came in: `return W1, b1, W2, b2`."),
        ],
        shape_purpose="returns W1 (10, 784), b1 (10, 1), W2 (10, 10), b2 (10, 1)",
        type_purpose="returns a tuple of four arrays", finite_case="fixed")


def _get_predictions():
    return standard(
        "get_predictions", Arr("predictions", ("m",), kinds="iu"),
        edge=[], finite_case=None,
        mistakes=[
            Mistake("wrong_axis", "argmax over the wrong axis",
                    "each column is one example, so take the largest row of each column: "
                    "np.argmax with axis=0, which gives shape (m,)."),
            Mistake("no_axis", "argmax with no axis",
                    "without an axis argmax looks at the whole matrix and returns one number; "
                    "give np.argmax the axis that runs down each column, axis=0."),
            Mistake("max_not_argmax", "np.max instead of np.argmax",
                    "np.max returns the highest probability; np.argmax returns its row, the digit."),
        ],
        shape_purpose="returns one digit per example, shape (m,)", type_purpose="returns a NumPy array of ints")


def _get_accuracy():
    return standard(
        "get_accuracy", Num("accuracy"),
        edge=[matches("all_right", "all predictions right gives 1.0"),
              matches("all_wrong", "all predictions wrong gives 0.0")],
        finite_case=None,
        mistakes=[
            Mistake("count", "returning the number of right answers",
                    "accuracy is a fraction between 0 and 1: divide the count by the number of examples, "
                    "or use `np.mean(predictions == Y)`."),
            Mistake("percent", "returning a percentage",
                    "the course reports accuracy as a fraction between 0 and 1, not 0 to 100."),
            Mistake("error_rate", "returning the fraction of wrong answers",
                    "count the predictions equal to Y: `np.mean(predictions == Y)`."),
        ],
        shape_purpose="returns one number", type_purpose="returns a single number")


def _gradient_descent():
    history = Dct("history", ("loss", "accuracy"))
    output = Tup("gradient_descent(...)", (Tup("params", PARAMS), history))

    def history_values(j, case, got, want):
        for key in ("loss", "accuracy"):
            g, w = [float(x) for x in np.ravel(got[1][key])], [float(x) for x in want[1][key]]
            if len(g) != len(w):
                return (f"history[{key!r}] has {len(g)} entries; expected {len(w)}, one per iteration "
                        f"(iterations = {j.case(case).kwargs.get('iterations', '?')}).")
            problem = value_difference(np.array(g), np.array(w), 1e-6, f"history[{key!r}]")
            if problem:
                return problem
        return None

    def params_values(j, case, got, want):
        for spec, g, w in zip(PARAMS, got[0], want[0]):
            problem = value_difference(g, w, j.case(case).rtol, spec.name)
            if problem:
                return problem
        return None

    def test_curve(j, case, got, want):
        if "test_accuracy" not in got[1]:
            return "history has no 'test_accuracy' although X_test and Y_test were given."
        g = [float(x) for x in np.ravel(got[1]["test_accuracy"])]
        return value_difference(np.array(g), np.array(want[1]["test_accuracy"]), 1e-6,
                                "history['test_accuracy']")

    def loss_falls(j, value):
        loss = [float(x) for x in np.ravel(value[1]["loss"])]
        if len(loss) >= 2 and not loss[-1] < loss[0]:
            return f"the loss went from {loss[0]:.4g} to {loss[-1]:.4g}; training should bring it down."
        return None

    def started_elsewhere(j, case):
        """The first recorded loss is neither the loss at the given params nor after one step."""
        first = float(np.ravel(j.value(case)[1]["loss"])[0])
        want = j.expected(case)[1]["loss"]
        return not any(np.isclose(first, w, rtol=1e-6) for w in want[:2])

    checks = [
        returns("fixed"),
        typed("fixed", "returns (W1, b1, W2, b2), history"),
        shaped("fixed", "the trained parameters keep their shapes"),
        finite("fixed"),
        prop("loss-falls", "fixed", "the loss goes down", loss_falls),
        matches("fixed", "reaches the reference's parameters after 5 steps", "values:params", params_values),
        matches("fixed", "records the loss and accuracy of every iteration", "values:history", history_values),
        matches("with_test", "records the test accuracy when given test data", "values:test", test_curve),
        matches("default_start", "starts from init_params(rng) when no params are given", "values:default",
                params_values),
        unchanged(["fixed", "with_test"], "leaves the starting parameters unchanged"),
        no_warnings(["fixed", "with_test", "default_start"],
                    "runs quietly with progress=False: no warnings, no progress bar on stderr"),
        matches("hidden", "trains correctly on data it has not seen", "values:hidden", params_values),
    ]
    mistakes = [
        Mistake("no_update", "never updating the parameters",
                "update_params returns new arrays; assign them: "
                "`W1, b1, W2, b2 = update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)`."),
        Mistake("loss_after_update", "recording the loss after the update",
                "record the loss and accuracy of the forward pass you just ran, before updating."),
        Mistake("ignores_params", "starting from init_params even when params are given",
                "start from `params` when it is not None: "
                "`W1, b1, W2, b2 = init_params(rng) if params is None else params`.",
                matches=started_elsewhere),
        Mistake("params_only", "returning only the parameters",
                "return both the parameters and the history: `return (W1, b1, W2, b2), history`."),
    ]
    return Suite("gradient_descent", output, checks, mistakes)


def _make_predictions():
    return standard(
        "make_predictions", Arr("predictions", ("m",), kinds="iu"),
        edge=[], finite_case=None,
        mistakes=[
            Mistake("returns_probabilities", "returning the probabilities A2 instead of digits",
                    "finish with `get_predictions(A2)`, which picks the most probable digit of each column."),
            Mistake("wrong_axis", "argmax over the wrong axis",
                    "each column is one image: pass A2 to get_predictions, which takes the argmax down each column."),
            Mistake("x_transposed", "passing X.T to forward_prop",
                    "X is already (784, m): `forward_prop(W1, b1, W2, b2, X)`.", error=("ValueError", "matmul")),
        ],
        shape_purpose="returns one digit per image, shape (m,)", type_purpose="returns a NumPy array of ints")


SUITES = {s.function: s for s in (
    _one_hot(), _init_params(), _relu(), _softmax(), _forward_prop(), _cross_entropy(), _relu_deriv(),
    _backward_prop(), _update_params(), _get_predictions(), _get_accuracy(), _gradient_descent(),
    _make_predictions())}


def case_names(function, include_hidden=True):
    """The cases a function's checks judge, in the order the checks first use them."""
    names = []
    for check in SUITES[function].checks:
        if check.hidden and not include_hidden:
            continue
        for name in (check.case,) + check.uses:
            if name not in names:
                names.append(name)
    return names
