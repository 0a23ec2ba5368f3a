"""``backward_prop``: what it returns, its checks in order, and the mistakes they can name."""
import re

import numpy as np

from ..checks import GRADS, matches, ratios_in, scaled_by, standard
from ..judge import Edit, Fix, Mistake
from ..spec import Tup, is_number

SIGNATURE = "backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)"
ARGS = ("Z1", "A1", "Z2", "A2", "W1", "W2", "X", "Y")  # the parameters the checks pass by position, in order


def target_rows(j, case, message):
    """A broadcast error between A2's ten rows and a target of Y.max() + 1 rows."""
    rows = {int(r) for r in re.findall(r"\((\d+),\d+\)", message)}
    labels = int(np.max(j.case(case).args[7])) + 1
    return "broadcast" in message and 10 in rows and labels in rows and labels != 10


def variant(*, out_gate=False, gate="Z1", hidden="A1", gate_first=False):
    """A matcher: the answer gives the gradients of a backward pass that is right but for one variation:
    ``out_gate`` (the output error also gated by ReLU's slope at Z2), ``gate`` (the scores whose ReLU slope
    gates the hidden error), ``hidden`` (what dW2 multiplies: A1, or the raw scores Z1) or ``gate_first``
    (the gate applied to the output error dZ2, before it goes back through W2.T)."""
    def run(j, case):
        value = j.value(case)
        if j.right_on(case) or not isinstance(value, (tuple, list)) or len(value) != 4:
            return False
        a = dict(zip(("Z1", "A1", "Z2", "A2", "W1", "W2", "X"),
                     (np.asarray(x, dtype=float) for x in j.case(case).args[:7])))
        Y = np.asarray(j.case(case).args[7])
        m = a["X"].shape[1]
        T = np.zeros_like(a["A2"])
        T[Y, np.arange(m)] = 1
        dZ2 = (a["A2"] - T) * ((a["Z2"] > 0) if out_gate else 1) / m
        if a[gate].shape != a["Z1"].shape:
            return False
        dZ1 = a["W2"].T @ (dZ2 * (a[gate] > 0)) if gate_first else a["W2"].T @ dZ2 * (a[gate] > 0)
        want = (dZ1 @ a["X"].T, dZ1.sum(axis=1, keepdims=True), dZ2 @ a[hidden].T, dZ2.sum(axis=1, keepdims=True))
        try:
            return all(np.shape(g) == w.shape and np.allclose(np.asarray(g, dtype=float), w, rtol=1e-4, atol=1e-9)
                       for g, w in zip(value, want))
        except Exception:  # another structure
            return False
    return run


def suite():
    def ratio(j, case):
        return scaled_by(j, case)

    def m(j, case):
        return j.case(case).dims["m"]

    def missing_1_over_m(j, case):
        """Every gradient right or exactly m times too large (a 1/m left out of some lines, or all)."""
        return m(j, case) > 1 and ratios_in(j, case, (m(j, case),), (m(j, case),))

    def global_m(j, case):
        """Off by exactly m / M for a larger, whole M (not 784, X's rows, nor m * m, twice divided): the
        batch's m replaced by a global one."""
        c = ratio(j, case)
        if c is None or not 0 < c < 1:
            return False
        M = m(j, case) / c
        return M > m(j, case) and abs(M - round(M)) <= 1e-6 * M and round(M) not in (784, m(j, case) ** 2)

    def m_from_rows(j, case):
        return m(j, case) != 784 and ratios_in(j, case, (m(j, case) / 784,), (m(j, case) / 784,))

    def divided_twice(j, case):
        return m(j, case) > 1 and ratios_in(j, case, (1 / m(j, case),), (1 / m(j, case),))

    def sign_flip(j, case):
        return ratios_in(j, case, (-1.0,), (-1.0,))

    def biases(j, case):
        value = j.value(case)
        return value[1::2] if isinstance(value, (tuple, list)) and len(value) == 4 else ()

    def scalar_db(j, case):
        return any(is_number(v) or (isinstance(v, np.ndarray) and v.size == 1 and v.ndim < 2) for v in biases(j, case))

    def flat_db(j, case):
        return any(np.shape(v) == (10,) for v in biases(j, case))

    def row_db(j, case):
        return m(j, case) != 10 and any(np.shape(v) == (1, m(j, case)) for v in biases(j, case))

    M = "def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y):"
    return standard(
        "backward_prop", Tup("backward_prop(...)", GRADS),
        edge=[matches("no9", "handles a batch with no 9")],
        mistakes=[
            Mistake("scalar_db", "the original notebook's bug: `np.sum(dZ)` with no axis for a bias gradient",
                    "with no axis, np.sum adds every entry of dZ into one number, mixing the units together. Each "
                    "bias has its own gradient: the sum of its row of dZ over the examples, kept as a column like "
                    "the bias itself.",
                    Fix((Edit("np.sum(dZ2)", "np.sum(dZ2, axis=1, keepdims=True)"),
                         Edit("np.sum(dZ1)", "np.sum(dZ1, axis=1, keepdims=True)"))), matches=scalar_db, partial=True),
            Mistake("no_keepdims", "summing the bias gradients without keepdims",
                    "summing a (10, m) array over axis 1 gives shape (10,), a flat vector; the bias is a (10, 1) "
                    "column, and its gradient must have its shape.",
                    Fix((Edit("np.sum(dZ2, axis=1)", "np.sum(dZ2, axis=1, keepdims=True)"),
                         Edit("np.sum(dZ1, axis=1)", "np.sum(dZ1, axis=1, keepdims=True)"))), matches=flat_db, partial=True),
            Mistake("wrong_axis_db", "summing the bias gradients over the wrong axis",
                    "axis 0 runs down the units, axis 1 across the examples. A bias gradient adds up one unit's "
                    "error over every example of the batch.",
                    Fix((Edit("np.sum(dZ2, axis=0, keepdims=True)", "np.sum(dZ2, axis=1, keepdims=True)"),
                         Edit("np.sum(dZ1, axis=0, keepdims=True)", "np.sum(dZ1, axis=1, keepdims=True)"))),
                    matches=row_db, partial=True),
            Mistake("missing_1_over_m", "a missing 1/m",
                    "the loss is an average over the batch, so every gradient is an average too: each one here is "
                    "exactly m times too large.",
                    Fix((Edit("dZ2 = A2 - one_hot(Y)", "dZ2 = (A2 - one_hot(Y)) / X.shape[1]"),),
                        "Dividing the output error by m once carries the 1/m into every gradient."),
                    matches=missing_1_over_m),
            Mistake("m_from_rows", "taking m from X.shape[0], the number of pixels",
                    "X has one row per pixel and one column per example: X.shape[0] is 784 whatever the batch, "
                    "and the m to average over is the number of columns.",
                    Fix((Edit("m = X.shape[0]", "m = X.shape[1]"),)), matches=m_from_rows),
            Mistake("divided_twice", "dividing by m twice",
                    "each gradient is an average over the batch, so it is divided by m once; dividing dZ2 by m "
                    "as well divides everything computed from it by m again.",
                    Fix((Edit("dZ2 = (A2 - one_hot(Y)) / m", "dZ2 = A2 - one_hot(Y)"),)), matches=divided_twice),
            Mistake("global_m", "the original notebook's bug: dividing by a global m",
                    "every gradient here is smaller by the same factor, the ratio of this batch's size to a larger "
                    "one: m came from outside the function. Take m from the batch you were given.",
                    Fix((Edit(M, "m = X.shape[1]", "after"),)), matches=global_m, error=("NameError", "'m'")),
            Mistake("sign_flip", "the output error the wrong way round",
                    "every gradient here has the right size but the opposite sign. The output error is what the "
                    "network said minus what it should have said; the other way round, gradient descent would "
                    "climb the loss.", Fix((Edit("dZ2 = one_hot(Y) - A2", "dZ2 = A2 - one_hot(Y)"),)),
                    matches=sign_flip),
            Mistake("w2_not_transposed", "W2 not transposed in the backward pass",
                    "going backwards, the error travels along the same connections the other way: through the "
                    "transpose of the weights it came through.",
                    Fix((Edit("dZ1 = W2 @ dZ2 * relu_deriv(Z1)", "dZ1 = W2.T @ dZ2 * relu_deriv(Z1)"),))),
            Mistake("labels_not_one_hot", "subtracting the labels Y instead of one_hot(Y)",
                    "A2 holds ten probabilities per example, so the target it is compared with must be ten numbers "
                    "per example too: the one-hot column of the label.",
                    Fix((Edit("dZ2 = A2 - Y", "dZ2 = A2 - one_hot(Y)"),))),
            Mistake("relu_on_output", "ReLU's slope on the output layer's error",
                    "the output layer has a softmax, not a ReLU: its error, the probabilities minus the one-hot "
                    "target, is already the slope of the loss at Z2. ReLU's slope belongs to the hidden layer only, whose A1 went through ReLU; at "
                    "Z2 it zeroes the error of every negative output score.",
                    Fix((Edit("dZ2 = (A2 - one_hot(Y)) * relu_deriv(Z2)", "dZ2 = A2 - one_hot(Y)"),)),
                    matches=variant(out_gate=True)),
            Mistake("slope_at_Z2", "ReLU's slope taken at Z2 instead of Z1",
                    "the hidden error is gated by the hidden layer's own scores: a unit of the hidden layer passes "
                    "error back only if its Z1 was positive. Z2 belongs to the output layer; with 10 hidden units "
                    "and 10 outputs the shapes happen to fit, so nothing crashes.",
                    Fix((Edit("dZ1 = W2.T @ dZ2 * relu_deriv(Z2)", "dZ1 = W2.T @ dZ2 * relu_deriv(Z1)"),)),
                    matches=variant(gate="Z2")),
            Mistake("gate_before_weights", "ReLU's slope applied to dZ2 before W2.T instead of after",
                    "dW1 and db1 are those of a hidden error gated before it goes back: W2.T @ (dZ2 * slope). The "
                    "gate belongs to the hidden units, so it is applied once the error has arrived at them, to "
                    "W2.T @ dZ2; before that the error is still the output layer's, one row per digit (the shapes "
                    "only agree because both layers have 10 units).",
                    Fix((Edit("dZ1 = W2.T @ (dZ2 * relu_deriv(Z1))", "dZ1 = (W2.T @ dZ2) * relu_deriv(Z1)"),)),
                    matches=variant(gate_first=True)),
            Mistake("dW2_transposed", "dW2 as A1 dZ2^T, the transpose of dZ2 A1^T",
                    "dW2 is the transpose of the right gradient: the product's order is swapped. W2 is square, "
                    "(10, 10), so the shape cannot show it, but entry (i, j) of dW2 belongs to the weight from "
                    "hidden unit j to output i: the output error dZ2 (10, m) first, times A1^T (m, 10).",
                    Fix((Edit("dW2 = A1 @ dZ2.T / m", "dW2 = dZ2 @ A1.T / m"),)),
                    matches=lambda j, c: isinstance(j.value(c), (tuple, list)) and len(j.value(c)) == 4
                    and np.shape(j.value(c)[2]) == np.shape(j.expected(c)[2])
                    and not np.allclose(np.asarray(j.value(c)[2], dtype=float), j.expected(c)[2], rtol=1e-4, atol=1e-9)
                    and np.allclose(np.asarray(j.value(c)[2], dtype=float).T, j.expected(c)[2], rtol=1e-4, atol=1e-9),
                    partial=True),
            Mistake("scores_not_activations", "Z1 instead of A1 in dW2",
                    "the second layer's input is the hidden layer's output A1 = relu(Z1), so dW2 multiplies the "
                    "output error by A1 transposed. Z1 still holds the negative scores that ReLU set to 0.",
                    Fix((Edit("dW2 = dZ2 @ Z1.T / m", "dW2 = dZ2 @ A1.T / m"),)),
                    matches=variant(hidden="Z1")),
            Mistake("no_relu_deriv", "forgetting the ReLU's slope",
                    "the hidden layer's error only flows back through units that were active: ReLU's slope is 0 "
                    "where Z1 was negative.", Fix((Edit("dZ1 = W2.T @ dZ2", "dZ1 = W2.T @ dZ2 * relu_deriv(Z1)"),))),
            Mistake("dW1_transposed", "dW1 as X dZ1^T, the transpose of dZ1 X^T",
                    "dW1 came back (784, 10) and is the transpose of the right gradient: the product's order is "
                    "swapped. A gradient has its weight's shape, (10, 784) for W1: the hidden error dZ1 (10, m) "
                    "first, times X^T (m, 784).",
                    Fix((Edit("dW1 = X @ dZ1.T / m", "dW1 = dZ1 @ X.T / m"),)),
                    matches=lambda j, c: isinstance(j.value(c), (tuple, list)) and len(j.value(c)) == 4
                    and np.shape(j.value(c)[0]) == np.shape(j.expected(c)[0])[::-1] != np.shape(j.expected(c)[0])
                    and np.allclose(np.asarray(j.value(c)[0], dtype=float).T, j.expected(c)[0], rtol=1e-4, atol=1e-9),
                    partial=True),
            Mistake("x_not_transposed", "multiplying by X instead of X.T",
                    "dW1 must have W1's shape, (10, 784): the error of each unit, (10, m), times each pixel over the "
                    "examples, which is X transposed.", Fix((Edit("dW1 = dZ1 @ X / m", "dW1 = dZ1 @ X.T / m"),))),
            Mistake("one_hot_rows", "a target with Y.max() + 1 rows instead of ten",
                    "the target needs one row for each of the network's ten outputs, whatever labels this batch "
                    "holds: a batch with no 9 still asks for ten probabilities per image. If your cell calls "
                    "one_hot, it is that one_hot (your notebook's) that gave too few rows.",
                    Fix((Edit("one_hot_Y = np.zeros((Y.size, Y.max() + 1))", "one_hot_Y = np.zeros((Y.size, 10))"),),
                        note="If your cell calls one_hot instead, fix its number of rows (lesson 1) the same way."),
                    error=("ValueError", target_rows)),
        ],
        args=ARGS, signature=SIGNATURE,
        shape_purpose="returns dW1, db1, dW2, db2 shaped like W1 (10, 784), b1 (10, 1), W2 (10, 10), b2 (10, 1)",
        type_purpose="returns a tuple of four arrays")


SUITE = suite()
