"""``make_predictions``: what it returns, its checks in order, and the mistakes they can name."""

import numpy as np

from ..checks import matches, standard
from ..judge import Edit, Fix, Mistake
from ..spec import Arr

SIGNATURE = "make_predictions(X, W1, b1, W2, b2)"
ARGS = ('X', 'W1', 'b1', 'W2', 'b2')  # the parameters the checks pass by position, in order


def same_for_other_params(j, c):
    """The same digits for the same images with other parameters, where the course's differ: the parameters
    passed in were not used (the notebook's trained ones, or others from outside the function)."""
    a, b = j.value("fixed"), j.value("other_params")
    return c in ("fixed", "other_params") and isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and \
        a.shape == b.shape and np.array_equal(a, b) and \
        not np.array_equal(j.expected("fixed"), j.expected("other_params"))


def hidden_layer(j, c):
    """The digits of the hidden layer's largest score (Z1 or A1), not of the output's probabilities."""
    X, W1, b1 = (np.asarray(a, dtype=float) for a in j.case(c).args[:3])
    value = j.value(c)
    if not isinstance(value, np.ndarray) or j.right_on(c):
        return False
    Z1 = W1.dot(X) + b1
    return any(np.array_equal(value, Z.argmax(axis=0)) for Z in (Z1, np.where(Z1 > 0, Z1, 0)))


def suite():
    return standard(
        "make_predictions", Arr("predictions", ("m",), kinds="iu"),
        edge=[matches("other_params", "uses the parameters it is given (the same images, other parameters)")],
        finite_case=None,
        mistakes=[
            Mistake("outside_params", "parameters from outside the function instead of the ones it is given",
                    "the same images with other parameters gave the same digits: the function read parameters "
                    "from outside (the notebook's trained params, say) instead of the W1, b1, W2, b2 passed in. A "
                    "graded function works only with what it is given, so the caller decides which network "
                    "predicts.", Fix((Edit("forward_prop(*params, X)", "forward_prop(W1, b1, W2, b2, X)"),)),
                    matches=same_for_other_params,
                    error=("NameError", r"name '\w*(params|W1|b1|W2|b2)\w*' is not defined")),
            Mistake("hidden_layer", "taking the digits from the hidden layer instead of the output A2",
                    "forward_prop returns Z1, A1, Z2, A2 in that order, and the probabilities of the ten digits are "
                    "the last, A2 (10, m). The hidden layer's 10 units are features, not digits: the position of "
                    "their largest score means nothing. Unpack the four results in order and use A2.",
                    Fix((Edit("A2, _, _, _ = forward_prop(W1, b1, W2, b2, X)",
                              "_, _, _, A2 = forward_prop(W1, b1, W2, b2, X)"),)), matches=hidden_layer),
            Mistake("returns_probabilities", "returning the probabilities A2 instead of digits",
                    "the forward pass ends with ten probabilities per image; a prediction is the most probable "
                    "digit of each column, which get_predictions picks.",
                    Fix((Edit("return A2", "return get_predictions(A2)"),))),
            Mistake("wrong_axis", "argmax over the wrong axis",
                    "each column is one image, so the digit is the largest row of each column; get_predictions "
                    "already does exactly that.", Fix((Edit("return np.argmax(A2, axis=1)", "return get_predictions(A2)"),))),
            Mistake("x_transposed", "passing X.T to forward_prop",
                    "X is already (784, m), one column per image, which is what forward_prop takes.",
                    Fix((Edit("forward_prop(W1, b1, W2, b2, X.T)", "forward_prop(W1, b1, W2, b2, X)"),))),
            Mistake("forward_prop_order", "calling forward_prop with make_predictions' argument order",
                    "the two functions take the same arrays in different orders: forward_prop wants the "
                    "parameters first and the images last, so X moves to the end.",
                    Fix((Edit("forward_prop(X, W1, b1, W2, b2)", "forward_prop(W1, b1, W2, b2, X)"),))),
        ],
        args=ARGS, signature=SIGNATURE, shape_purpose="returns one digit per image, shape (m,)", type_purpose="returns a NumPy array of ints")


SUITE = suite()
