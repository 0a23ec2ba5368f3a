"""``forward_prop``: what it returns, its checks in order, and the mistakes they can name.

Each stage is judged from the learner's own previous one (Z1 from X, A1 from their Z1, Z2 from their A1,
A2 from their Z2), so a mistake in one stage is named however many others there are.
"""
import re

import numpy as np

from ..checks import is_softmax_of, matches, standard
from ..judge import Edit, Fix, Mistake
from ..spec import Arr, Tup

SIGNATURE = "forward_prop(W1, b1, W2, b2, X)"
ARGS = ('W1', 'b1', 'W2', 'b2', 'X')  # the parameters the checks pass by position, in order


def _stages(j, c):
    """(inputs, the answer's Z1, A1, Z2, A2 as float arrays), or None when the answer is not four arrays."""
    value = j.value(c)
    if not isinstance(value, (tuple, list)) or len(value) != 4 or not all(isinstance(v, np.ndarray) for v in value):
        return None
    W1, b1, W2, b2, X = (np.asarray(a, dtype=float) for a in j.case(c).args)
    return (W1, b1, W2, b2, X), [np.asarray(v, dtype=float) for v in value]


def _close(a, b):
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-4, atol=1e-6)


def stage(test):
    """A matcher from a test on (inputs, the answer's stages), for a wrong answer only."""
    def run(j, c):
        found = _stages(j, c)
        return found is not None and not j.right_on(c) and bool(test(*found))
    return run


def flat_bias(j, case, message):
    """A broadcast error between a layer's (n, m) scores and an (n,) bias: a bias flattened to a vector (X,
    the last argument, gives m)."""
    m = np.shape(j.case(case).args[-1])[-1]
    found = re.findall(r"\((\d+),(\d+)\)\s*\((\d+),\)", message) + \
        [(a, b, c) for c, a, b in re.findall(r"\((\d+),\)\s*\((\d+),(\d+)\)", message)]
    return "broadcast" in message and any(int(n) == int(k) and int(cols) == m for n, cols, k in found)


def bias_as_row(j, case, message):
    """A broadcast error between a layer's (n, m) scores and a (1, n) bias: a bias turned into a row (b.T)."""
    m = np.shape(j.case(case).args[-1])[-1]
    found = re.findall(r"\((\d+),(\d+)\)\s*\(1,(\d+)\)", message) + \
        [(a, b, c) for c, a, b in re.findall(r"\(1,(\d+)\)\s*\((\d+),(\d+)\)", message)]
    return "broadcast" in message and any(int(n) == int(k) and int(cols) == m != int(n) for n, cols, k in found)


def suite():
    def bias_after(p, s):
        """Z1 has no bias, and b1 is added to the activations instead: A1 = relu(W1 X) + b1."""
        return _close(s[0], p[0] @ p[4]) and not _close(s[0], p[0] @ p[4] + p[1]) and \
            _close(s[1], np.maximum(s[0], 0) + p[1])

    bias_after_relu = stage(bias_after)
    no_bias = stage(lambda p, s: (_close(s[0], p[0] @ p[4]) and not _close(s[0], p[0] @ p[4] + p[1])
                                  and not bias_after(p, s))
                    or (_close(s[2], p[2] @ s[1]) and not _close(s[2], p[2] @ s[1] + p[3])))
    other_bias = stage(lambda p, s: (_close(s[2], p[2] @ s[1] + p[1]) and not _close(s[2], p[2] @ s[1] + p[3]))
                       or (_close(s[0], p[0] @ p[4] + p[3]) and not _close(s[0], p[0] @ p[4] + p[1])))

    def relu_in_place(p, s):
        """The returned Z1 is relu of the right scores (no negative entry left) where the scores have some."""
        z1 = p[0] @ p[4] + p[1]
        return _close(s[0], np.maximum(z1, 0)) and not _close(s[0], z1)

    softmax_rows = stage(lambda p, s: s[3].ndim == 2 and s[3].shape[1] > 1 and is_softmax_of(s[3].T, s[2].T)
                         and not is_softmax_of(s[3], s[2]))
    relu_output = stage(lambda p, s: _close(s[3], np.maximum(s[2], 0)) and not is_softmax_of(s[3], s[2]))
    relu_then_softmax = stage(lambda p, s: is_softmax_of(s[3], np.maximum(s[2], 0)) and not is_softmax_of(s[3], s[2]))
    skip_activation = stage(lambda p, s: _close(s[2], p[2] @ s[0] + p[3]) and not _close(s[2], p[2] @ s[1] + p[3]))
    other_activation = stage(lambda p, s: not _close(s[1], np.maximum(s[0], 0)) and (
        _close(s[1], np.tanh(s[0])) or _close(s[1], 1 / (1 + np.exp(-np.clip(s[0], -500, 500))))))
    softmax_hidden = stage(lambda p, s: is_softmax_of(s[1], s[0]) and not _close(s[1], np.maximum(s[0], 0)))
    return standard(
        "forward_prop", Tup("forward_prop(...)", tuple(Arr(n, (10, "m")) for n in ("Z1", "A1", "Z2", "A2"))),
        edge=[matches("f32", "works on float32 images")],
        mistakes=[
            Mistake("bias_after_relu", "adding b1 after the ReLU instead of before it",
                    "Z1 came back without its bias, and A1 is relu(Z1) + b1: the bias belongs to the layer's scores, "
                    "Z1 = W1 X + b1, which ReLU then bends. Added after ReLU it is no longer inside the bend, A1 can "
                    "be negative, and Z1 (which backward_prop reads) is not the layer's score.",
                    Fix((Edit(("Z1 = W1 @ X\nA1 = relu(Z1) + b1", "Z1 = W1.dot(X)\nA1 = relu(Z1) + b1"),
                              "Z1 = W1 @ X + b1\nA1 = relu(Z1)"),)), matches=bias_after_relu, partial=True),
            Mistake("other_bias", "the other layer's bias: b1 in the output layer, or b2 in the hidden one",
                    "each layer adds its own bias: Z1 = W1 X + b1 and Z2 = W2 A1 + b2. Both biases are (10, 1), so "
                    "NumPy cannot tell you when they are swapped; the scores just come out shifted.",
                    Fix((Edit("Z1 = W1 @ X + b2", "Z1 = W1 @ X + b1"), Edit("Z2 = W2 @ A1 + b1", "Z2 = W2 @ A1 + b2"))),
                    matches=other_bias, partial=True),
            Mistake("relu_in_place", "ReLU applied to Z1 itself, so the returned Z1 lost its negative scores",
                    "Z1 came back with every negative entry set to 0: it holds relu(Z1), not the scores. `A1 = Z1` "
                    "gives the same array a second name, it does not copy it, so zeroing A1's negatives in place "
                    "(A1[A1 < 0] = 0, np.maximum(Z1, 0, out=Z1)) changes Z1 too, and backward_prop needs Z1 as it "
                    "was. Make A1 a new array: A1 = relu(Z1).",
                    Fix((Edit("A1 = Z1\nA1[A1 < 0] = 0", "A1 = relu(Z1)"),)), matches=stage(relu_in_place),
                    partial=True),
            Mistake("softmax_rows", "softmax across each row (over the examples) instead of down each column",
                    "each column of Z2 is one example, and softmax turns that column's ten scores into its "
                    "probabilities, summing to 1. Here each row of A2 sums to 1 instead: every digit normalised "
                    "across the examples (softmax of Z2.T, or a sum along axis=1). The course's softmax already "
                    "works down the columns of the (10, m) scores.",
                    Fix((Edit("A2 = softmax(Z2.T).T", "A2 = softmax(Z2)"),)), matches=softmax_rows, partial=True),
            Mistake("no_bias", "leaving out a bias",
                    "each layer adds its bias after the matrix product; without it, a unit's score is forced "
                    "through 0 for a blank input.",
                    Fix((Edit(("Z1 = W1 @ X", "Z1 = W1.dot(X)"), "Z1 = W1 @ X + b1"),
                         Edit(("Z2 = W2 @ A1", "Z2 = W2.dot(A1)"), "Z2 = W2 @ A1 + b2"))), matches=no_bias, partial=True),
            Mistake("relu_output", "ReLU on the output layer",
                    "the output layer turns scores into probabilities, which softmax does; ReLU is for the hidden "
                    "layer only.", Fix((Edit("A2 = relu(Z2)", "A2 = softmax(Z2)"),)), matches=relu_output, partial=True),
            Mistake("relu_then_softmax", "ReLU on the output scores before softmax",
                    "Z2 is right, but A2 is not softmax(Z2): ReLU went on the output scores first, so every negative "
                    "score counts as 0 and its digit gets more probability than it should. The output layer's "
                    "only activation is softmax, on the raw scores Z2.",
                    Fix((Edit("A2 = softmax(relu(Z2))", "A2 = softmax(Z2)"),)), matches=relu_then_softmax,
                    partial=True),
            Mistake("flat_bias", "a bias flattened to a vector of shape (10,)",
                    "NumPy lines shapes up from the right: a (10,) vector meets the (10, m) scores along the "
                    "examples axis, not down the units (an error, or silently wrong when m happens to be 10). "
                    "The biases are (10, 1) columns, one value per unit, which broadcast across the m examples: "
                    "add them as they are.",
                    Fix((Edit("Z1 = W1 @ X + b1.ravel()", "Z1 = W1 @ X + b1"),
                         Edit("Z2 = W2 @ A1 + b2.ravel()", "Z2 = W2 @ A1 + b2"))),
                    error=("ValueError", flat_bias)),
            Mistake("bias_as_row", "a bias turned into a (1, 10) row",
                    "a (1, 10) row meets the (10, m) scores along the examples axis: it adds unit j's bias to "
                    "example j, and only fits at all when m is 10. The biases are (10, 1) columns, one value per "
                    "unit, which NumPy copies across the m examples: add them as they are, untransposed.",
                    Fix((Edit("Z1 = W1 @ X + b1.T", "Z1 = W1 @ X + b1"), Edit("Z2 = W2 @ A1 + b2.T", "Z2 = W2 @ A1 + b2"))),
                    error=("ValueError", bias_as_row)),
            Mistake("skip_activation", "feeding Z1 instead of A1 to the second layer",
                    "the second layer reads the hidden layer's activations, after ReLU, not its raw scores.",
                    Fix((Edit("Z2 = W2 @ Z1 + b2", "Z2 = W2 @ A1 + b2"),)), matches=skip_activation, partial=True),
            Mistake("other_activation", "a sigmoid or tanh on the hidden layer instead of ReLU",
                    "this network's hidden layer uses ReLU, max(Z1, 0): the backward pass multiplies by ReLU's "
                    "slope (0 or 1), so with another activation the gradients would not be those of this network. "
                    "The sigmoid and tanh also flatten out for large scores, which slows learning.",
                    Fix((Edit("A1 = 1 / (1 + np.exp(-Z1))", "A1 = relu(Z1)"),)), matches=other_activation,
                    partial=True),
            Mistake("softmax_hidden", "softmax on the hidden layer",
                    "the hidden layer bends its scores with ReLU; softmax belongs to the output layer only.",
                    Fix((Edit("A1 = softmax(Z1)", "A1 = relu(Z1)"),)), matches=softmax_hidden, partial=True),
            Mistake("wrong_order", "returning the four arrays in another order",
                    "the backward pass unpacks them in the order they are computed: the hidden layer's scores "
                    "and activations, then the output layer's.",
                    Fix((Edit("return A1, Z1, A2, Z2", "return Z1, A1, Z2, A2"),))),
            Mistake("x_transposed", "multiplying by X.T",
                    "X is already (784, m), one column per image, which is what W1 (10, 784) can multiply: the "
                    "inner sizes must match.", Fix((Edit("W1 @ X.T", "W1 @ X"),))),
        ],
        args=ARGS, signature=SIGNATURE, shape_purpose="returns Z1, A1, Z2, A2, each (10, m)",
        type_purpose="returns a tuple of four arrays")


SUITE = suite()
