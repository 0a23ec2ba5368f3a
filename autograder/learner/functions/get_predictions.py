"""``get_predictions``: what it returns, its checks in order, and the mistakes they can name."""

from ..checks import standard
from ..judge import Mistake
from ..spec import Arr

ARGS = ('A2',)


def suite():
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
        args=ARGS, shape_purpose="returns one digit per example, shape (m,)", type_purpose="returns a NumPy array of ints")


SUITE = suite()
