"""``make_predictions``: what it returns, its checks in order, and the mistakes they can name."""

from ..checks import standard
from ..judge import Edit, Fix, Mistake
from ..spec import Arr

SIGNATURE = "make_predictions(X, W1, b1, W2, b2)"
ARGS = ('X', 'W1', 'b1', 'W2', 'b2')  # the parameters the checks pass by position, in order


def suite():
    return standard(
        "make_predictions", Arr("predictions", ("m",), kinds="iu"),
        edge=[], finite_case=None,
        mistakes=[
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
