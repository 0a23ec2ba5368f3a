"""``backward_prop``: what it returns, its checks in order, and the mistakes they can name."""
import numpy as np

from ..checks import GRADS, matches, scaled_by, standard
from ..judge import Mistake
from ..spec import Tup

ARGS = ('Z1', 'A1', 'Z2', 'A2', 'W1', 'W2', 'X', 'Y')


def suite():
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
        args=ARGS, shape_purpose="returns dW1, db1, dW2, db2 shaped like W1 (10, 784), b1 (10, 1), W2 (10, 10), b2 (10, 1)",
        type_purpose="returns a tuple of four arrays")


SUITE = suite()
