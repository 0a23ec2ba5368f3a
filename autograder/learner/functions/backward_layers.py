"""``backward_layers``: what it returns, its checks in order, and the mistakes they can name."""
import re

import numpy as np

from ..checks import changed_input, matches, prop, ratios_in, standard
from ..judge import Edit, Fix, Mistake
from ..spec import Layers, is_number
from .forward_layers import float32_problem, float64_out

SIGNATURE = "backward_layers(params, cache, Y)"
ARGS = ("params", "cache", "Y")  # the parameters the checks pass by position, in order


def target_rows(j, case, message):
    """A broadcast error between the ten outputs and a target of Y.max() + 1 rows (not a hidden layer's)."""
    rows = {int(r) for r in re.findall(r"\((\d+),\d+\)", message)}
    sizes = list(j.case(case).dims["sizes"])
    labels = int(np.max(j.case(case).args[2])) + 1
    return ("broadcast" in message and sizes[-1] in rows and labels in rows and labels != sizes[-1]
            and labels not in sizes[1:-1])


def variant_grads(j, case, top="softmax", gate_top=False, down="own", gate="Z", db_axis=1):
    """The gradients of a backward pass with one variation, in float64: the output error from softmax of the
    last scores (``top="softmax"``) or from the raw scores (``"scores"``), optionally also gated by ReLU's slope
    there (``gate_top``), and the error passed down through this layer's W.T (``down="own"``), its W with no
    transpose (``"untransposed"``) or the layer below's W.T (``"below"``); each hidden layer's ReLU slope taken
    at its scores Z (``gate="Z"``) or at the error dA arriving there (``"dA"``); db summed over ``db_axis`` (0:
    over the units, a (1, m) row)."""
    params, cache, Y = j.case(case).args
    Z = np.asarray(cache[-1][1], dtype=float)
    m = Z.shape[1]
    T = np.zeros_like(Z)
    T[np.asarray(Y), np.arange(m)] = 1
    if top == "softmax":
        E = np.exp(Z - Z.max(axis=0, keepdims=True))
        P = E / E.sum(axis=0, keepdims=True)
    else:
        P = Z
    dZ = (P - T) / m * ((Z > 0) if gate_top else 1)
    grads = []
    for l in reversed(range(len(params))):
        A_prev, Zl = (np.asarray(a, dtype=float) for a in cache[l])
        if l < len(params) - 1:
            dZ = dA * ((dA if gate == "dA" else Zl) > 0)  # noqa: F821 (set below on the layer before)
        grads.append((dZ @ A_prev.T, dZ.sum(axis=db_axis, keepdims=True)))
        if l > 0:
            W = np.asarray(params[l - 1 if down == "below" else l][0], dtype=float)
            dA = (W if down == "untransposed" else W.T) @ dZ
    return grads[::-1]


def gated_output(j, case):
    """The gradients of a backward pass whose output error is also multiplied by ReLU's slope at the last
    layer's scores (the output layer has a softmax, not a ReLU): right but for that gate, in float64."""
    return variant_grads(j, case, gate_top=True)


def fits_variant(j, case, **variation):
    """Is the answer on ``case`` (wrong there) the gradients of that variation of the backward pass?"""
    value = j.value(case)
    if value is None or j.right_on(case) or not isinstance(value, (list, tuple)):
        return False
    try:
        with np.errstate(all="ignore"):
            want = variant_grads(j, case, **variation)
        return len(value) == len(want) and all(
            np.shape(g) == w.shape and np.allclose(np.asarray(g, dtype=float), w, rtol=1e-4, atol=1e-9)
            for gp, wp in zip(value, want) for g, w in zip(gp, wp))
    except Exception:  # another structure: not this mistake
        return False


def _close(got, want):
    return np.shape(got) == want.shape and np.allclose(np.asarray(got, dtype=float), want, rtol=1e-4, atol=1e-9)


def db_over_units(j, case):
    """Right weight gradients, but each db is dZ summed over axis 0, the units: a (1, m) row (or a flat (m,)
    without keepdims) of per-example sums, not one number per unit."""
    value = j.value(case)
    if value is None or not isinstance(value, (list, tuple)):
        return False
    try:
        right, rows = variant_grads(j, case), variant_grads(j, case, db_axis=0)
        return len(value) == len(right) and any(np.shape(p[1]) != w[1].shape for p, w in zip(value, right)) and all(
            _close(p[0], w[0]) and np.ndim(p[1]) in (1, 2) and _close(np.reshape(p[1], r[1].shape), r[1])
            and np.shape(p[1])[-1] == r[1].shape[1] for p, w, r in zip(value, right, rows))
    except Exception:  # another structure: not this mistake
        return False


def first_layer_skipped(j, case):
    """One pair short, and the pairs there are the right gradients of layers 2 to L: the loop over the layers
    stopped before the first one (range(1, L))."""
    value = j.value(case)
    if value is None or not isinstance(value, (list, tuple)):
        return False
    try:
        want = variant_grads(j, case)
        return len(want) > 1 and len(value) == len(want) - 1 and all(
            isinstance(p, (list, tuple)) and len(p) == 2 and _close(p[0], w[0]) and _close(p[1], w[1])
            for p, w in zip(value, want[1:]))
    except Exception:  # another structure: not this mistake
        return False


def relu_on_output(j, case):
    return fits_variant(j, case, gate_top=True)


def weights_below(j, case, message=None):
    """The error passed down through the layer below's W.T: on a network of square layers (where it runs) its
    gradients are those; elsewhere it multiplies sizes that do not fit, like a forgotten transpose, so a matmul
    error is this mistake when the square network shows it."""
    if message is not None and "matmul" not in message and "not aligned" not in message:  # @ or np.dot
        return False
    return fits_variant(j, "square", down="below")


def untransposed(j, case, message=None):
    """The error passed down through W, not W.T: a matmul error (unless the square network shows the layer
    below's weights instead), or, on the square network, exactly those gradients."""
    if message is not None:
        return "matmul" in message and not weights_below(j, case)
    return fits_variant(j, case, down="untransposed")


def suite():
    def m(j, case):
        return j.case(case).dims["m"]

    def off_by(factor):
        """Every gradient right or off by ``factor(j, case)``, some off (a factor left in or out of some lines)."""
        def test(j, case):
            f = factor(j, case)
            return not np.isclose(f, 1.0) and ratios_in(j, case, (f,), (f,))
        return test

    def m_from_rows(j, case):
        """Every gradient off by m / n_out: m taken from the number of rows (outputs) of Z."""
        n_out = j.case(case).dims["sizes"][-1]
        return not np.isclose(m(j, case), n_out) and ratios_in(j, case, (m(j, case) / n_out,), (m(j, case) / n_out,))

    def scalar_db(j, case):
        value = j.value(case)
        return isinstance(value, (list, tuple)) and any(
            isinstance(pair, (list, tuple)) and len(pair) == 2 and (
                is_number(pair[1]) or (isinstance(pair[1], np.ndarray) and pair[1].size == 1 and pair[1].ndim < 2))
            for pair in value)

    def flat_db(j, case):
        value = j.value(case)
        return isinstance(value, (list, tuple)) and any(
            isinstance(pair, (list, tuple)) and len(pair) == 2 and np.ndim(pair[1]) == 1 and np.size(pair[1]) > 1
            for pair in value)

    def reversed_order(j, case):
        value, sizes = j.value(case), j.case(case).dims["sizes"]
        want = [(n_out, n_in) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        got = [tuple(np.shape(pair[0])) for pair in value]
        return len(want) > 1 and got == want[::-1] and got != want

    def keeps_float32(j, value):
        return float32_problem(j, "f32", value, "params and cache")

    ERROR = "dZ = (softmax(Z) - one_hot(Y)) / m"
    SLOPE = "dZ = dA * relu_deriv(Z)"
    DB = "dZ.sum(axis=1, keepdims=True)"
    return standard(
        "backward_layers", Layers("backward_layers(...)", "dW", "db"),
        edge=[matches("deep", "works for four layers of MNIST-sized inputs"),
              matches("square", "works when every layer is 10 wide (a 10-10-10-10 network)"),
              matches("one_layer", "works for a single layer"),
              matches("no9", "handles a batch with no 9"),
              matches("f32", "gives the right values in float32"),
              prop("float32", "f32", "keeps float32 inputs float32", keeps_float32)],
        mistakes=[
            Mistake("in_place", "changing the cache in place",
                    "the cache belongs to the caller (a gradient check runs forward and backward many times on it): "
                    "compute ReLU's slope into a new array instead of assigning into Z.",
                    Fix((Edit("Z[Z > 0] = 1\nZ[Z <= 0] = 0\ndZ = dA * Z", SLOPE),)), matches=changed_input),
            Mistake("db_over_units", "summing the bias gradient over axis 0, the units",
                    "each db came back as a row with one number per example: dZ summed down its units. A bias "
                    "belongs to one unit, so its gradient adds up that unit's error over the examples of the batch: "
                    "the sum along each row, kept as an (n_out, 1) column like the bias itself.",
                    Fix((Edit("dZ.sum(axis=0, keepdims=True)", DB),)), matches=db_over_units),
            Mistake("first_layer_skipped", "a loop over the layers that stops before the first one",
                    "the list is one pair short, and the pairs it has are the right gradients of every layer but "
                    "the first: the loop's range leaves out layer 0. range(1, L) starts at 1; walking back from the "
                    "last layer to the first needs every l from L - 1 down to 0.",
                    Fix((Edit("for l in reversed(range(1, len(params))):", "for l in reversed(range(len(params))):"),)),
                    matches=first_layer_skipped),
            Mistake("scalar_db", "`np.sum(dZ)` with no axis for a bias gradient",
                    "with no axis, np.sum adds every entry of dZ into one number, mixing the units together: each "
                    "bias has its own gradient, its row of dZ summed over the examples, kept as a column.",
                    Fix((Edit("np.sum(dZ)", DB),)), matches=scalar_db, partial=True),
            Mistake("no_keepdims", "summing the bias gradients without keepdims",
                    "summing a (n, m) array over axis 1 gives shape (n,), a flat vector; the bias is a (n, 1) "
                    "column, and its gradient must have its shape.", Fix((Edit("np.sum(dZ, axis=1)", DB),)),
                    matches=flat_db, partial=True),
            Mistake("target_only_over_m", "only the one-hot targets divided by m, not the probabilities",
                    "division comes before subtraction: without brackets, only the one-hot targets are divided by "
                    "m and the probabilities are not, so the output error is neither the difference nor its mean. "
                    "The whole difference, probabilities minus targets, is divided by m.",
                    Fix((Edit("softmax(Z) - one_hot(Y) / m", "(softmax(Z) - one_hot(Y)) / m"),))),
            Mistake("divides_by_m_again", "dividing by m a second time",
                    "the error at the last layer's scores is already divided by m, once, because the loss is a "
                    "mean; every gradient below inherits that 1/m through the chain rule. Dividing dW and db by m "
                    "again makes every gradient m times too small (Adam would even hide it: only a gradient check "
                    "shows it).",
                    Fix((Edit("dZ @ A_prev.T / m", "dZ @ A_prev.T"), Edit(f"{DB} / m", DB))),
                    matches=off_by(lambda j, c: 1 / m(j, c))),
            Mistake("no_divide_by_m", "never dividing by m",
                    "the loss is the mean over the m examples, so its gradient has a 1/m: every gradient here is "
                    "exactly m times too large.", Fix((Edit("dZ = softmax(Z) - one_hot(Y)", ERROR),)),
                    matches=off_by(m)),
            Mistake("m_from_rows", "taking m from Z.shape[0], the number of outputs",
                    "Z has one row per output and one column per example: m, the number of examples to average "
                    "over, is Z.shape[1] (or Y.size).", Fix((Edit("m = Z.shape[0]", "m = Z.shape[1]"),)),
                    matches=m_from_rows),
            Mistake("sign_flip", "the output error the wrong way round",
                    "the error at the scores is what the network said minus what it should have said: the other "
                    "way round, every gradient points uphill.",
                    Fix((Edit("dZ = (one_hot(Y) - softmax(Z)) / m", ERROR),)),
                    matches=off_by(lambda j, c: -1.0)),
            Mistake("relu_on_output", "ReLU's slope on the output layer too",
                    "the last layer has a softmax, not a ReLU: its error softmax(Z) - one_hot(Y), divided by m, is "
                    "already the slope of the loss at its scores. ReLU's slope gates only the hidden layers, whose "
                    "outputs went through ReLU; on the output layer it zeroes the error of every negative score.",
                    Fix((Edit(f"{ERROR} * relu_deriv(Z)", ERROR),)), matches=relu_on_output),
            Mistake("gate_from_error", "ReLU's slope at the error dA instead of at the scores Z",
                    "the gradients are those of a backward pass that gates each hidden layer by the sign of the "
                    "error arriving there. ReLU passed a unit's value on where that unit's score Z was positive, "
                    "so that is where error can flow back: the gate is ReLU's slope at the layer's own Z, "
                    "whatever the sign of the error.",
                    Fix((Edit("dZ = dA * relu_deriv(dA)", SLOPE),)),
                    matches=lambda j, c: fits_variant(j, c, gate="dA")),
            Mistake("no_relu_deriv", "forgetting ReLU's slope",
                    "the error flows back into a hidden layer only through units that were active: multiply by "
                    "ReLU's slope at that layer's own scores Z.", Fix((Edit("dZ = dA", SLOPE),))),
            Mistake("one_hot_rows", "a target with Y.max() + 1 rows instead of one per class",
                    "the target needs one row for each of the network's outputs, whatever labels this batch holds: "
                    "a batch with no 9 in it still asks the network for ten probabilities per image.",
                    Fix((Edit("np.eye(Y.max() + 1)[:, Y]", "one_hot(Y)"),)),
                    error=("ValueError", target_rows)),
            Mistake("mask_of_wrong_layer", "ReLU's slope of the wrong layer",
                    "the error dA that arrives at a layer's output is gated by that same layer's scores Z: take the "
                    "slope at the Z stored with the layer you are now computing, after passing the error down "
                    "through W^T.",
                    Fix((Edit("dZ = dA", SLOPE), Edit("dA = (params[l][0].T @ dZ) * relu_deriv(Z)",
                                                      "dA = params[l][0].T @ dZ"))),
                    error=("ValueError", "could not be broadcast")),
            Mistake("weights_below", "passing the error down through the layer below's weights, params[l - 1]",
                    "on the 10-10-10-10 network, where every product fits, the gradients are those of an error "
                    "sent down through W.T of the layer below. The error at layer l's scores goes back along the "
                    "connections it came through, layer l's own: dA = W.T @ dZ with W from params[l], before the "
                    "loop moves on to l - 1.",
                    Fix((Edit("params[l - 1][0]", "params[l][0]"),)), error=("ValueError", weights_below),
                    matches=lambda j, c: fits_variant(j, c, down="below")),
            Mistake("not_transposed", "W instead of W.T on the way back",
                    "going backwards the error travels along the same connections the other way: through the "
                    "transpose of the weights it came through.",
                    Fix((Edit("params[l][0] @ dZ", "params[l][0].T @ dZ"),)), error=("ValueError", untransposed),
                    matches=untransposed),
            Mistake("scores_not_probabilities", "the output error from the scores Z instead of softmax(Z)",
                    "the gradients are those of a backward pass that starts from Z - one_hot(Y): the last layer's "
                    "raw scores, as if softmax were not there. The loss is measured on the probabilities, and the "
                    "slope of the cross-entropy at the scores is softmax(Z) - one_hot(Y), divided by m.",
                    Fix((Edit("dZ = (Z - one_hot(Y)) / m", ERROR),)),
                    matches=lambda j, c: fits_variant(j, c, top="scores")),
            Mistake("labels_not_one_hot", "subtracting the labels Y instead of one_hot(Y)",
                    "the probabilities are ten numbers per example, so the target must be ten numbers per example "
                    "too: the one-hot column of each label.", Fix((Edit("dZ = (softmax(Z) - Y) / m", ERROR),))),
            Mistake("reversed_order", "the gradients in backward order",
                    "the loop walks from the last layer to the first, so the pairs come out last first: reverse the "
                    "list before returning it, so grads[l] belongs to params[l].",
                    Fix((Edit("return grads", "return grads[::-1]"),)), matches=reversed_order),
            Mistake("upcasts", "turning float32 into float64",
                    "with float32 params and data every gradient should be float32 too, or the next step makes "
                    "the params float64 and every product after it twice as slow. Something here makes float64 "
                    "(a float64 one-hot, .astype(float)): keep the arrays' own type.",
                    Fix((Edit("np.eye(10)[Y].T", "one_hot(Y)"),),
                        "The course's one_hot is float32; a target of your own can be made in the probabilities' "
                        "type, `.astype(A.dtype)`."),
                    matches=lambda j, c: c == "f32" and float64_out(j, c)),
        ],
        args=ARGS, signature=SIGNATURE,
        shape_purpose="returns one (dW, db) pair per layer, shaped like its (W, b)",
        type_purpose="returns a list of (dW, db) pairs")


SUITE = suite()
