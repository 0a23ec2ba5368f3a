"""``make_predictions``: what it returns, its checks in order, and the mistakes they can name."""

from ..checks import standard
from ..judge import Mistake
from ..spec import Arr

ARGS = ('X', 'W1', 'b1', 'W2', 'b2')


def suite():
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
        args=ARGS, shape_purpose="returns one digit per image, shape (m,)", type_purpose="returns a NumPy array of ints")


SUITE = suite()
