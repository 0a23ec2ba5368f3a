"""``get_predictions``: what it returns, its checks in order, and the mistakes they can name."""

import numpy as np

from ..checks import standard
from ..judge import Edit, Fix, Mistake
from ..spec import Arr

SIGNATURE = "get_predictions(A2)"
ARGS = ('A2',)  # the parameters the checks pass by position, in order
# A right spelling other than the course's own: the learners' package holds no answer of the course's.
RIGHT = "A2.argmax(axis=0)"


def suite():
    return standard(
        "get_predictions", Arr("predictions", ("m",), kinds="iu"),
        edge=[], finite_case=None,
        mistakes=[
            Mistake("keepdims", "keepdims=True, which leaves a (1, m) row instead of (m,) digits",
                    "keepdims keeps the axis it reduced, with length 1, so the digits come back as a (1, m) row. "
                    "The lesson's predictions are a flat (m,) vector, like the labels Y they are compared with "
                    "(a (1, m) row against (m,) labels would broadcast). Leave keepdims out.",
                    Fix((Edit(", keepdims=True", ""),)),
                    matches=lambda j, c: np.shape(j.value(c)) == (1, j.case(c).dims["m"]) and np.array_equal(
                        np.ravel(j.value(c)), np.asarray(j.case(c).args[0]).argmax(0)), on=("shape",)),
            Mistake("wrong_axis", "argmax over the wrong axis",
                    "each column is one example; its prediction is the row with the largest probability, found "
                    "down the column, which gives one digit per example.",
                    Fix((Edit("np.argmax(A2, axis=1)", RIGHT),))),
            Mistake("no_axis", "argmax with no axis",
                    "without an axis, argmax looks at the whole matrix as one long list and returns one number; "
                    "each column needs its own answer.", Fix((Edit("return np.argmax(A2)", f"return {RIGHT}"),))),
            Mistake("argmin", "np.argmin instead of np.argmax",
                    "the network's guess is the digit it gives the *highest* probability, not the lowest.",
                    Fix((Edit("np.argmin(A2, axis=0)", RIGHT),))),
            Mistake("plus_one", "adding 1 to the digit",
                    "rows are numbered from 0 and so are the digits: row 0 is the digit 0, so the row of the "
                    "largest probability is already the digit.",
                    Fix((Edit(f"{RIGHT} + 1", RIGHT),))),
            Mistake("above_half", "the first digit above a probability of 0.5 instead of the most probable",
                    "the prediction is the digit with the largest probability, whatever its size: a column whose "
                    "best digit has 0.4 has none above 0.5, and the position of the first True in an all-False "
                    "column is 0. Look for the largest probability itself, not a threshold.",
                    Fix((Edit("np.argmax(A2 > 0.5, axis=0)", RIGHT),))),
            Mistake("max_not_argmax", "np.max instead of np.argmax",
                    "the largest probability says how sure the network is, not which digit it chose: the digit is "
                    "the position of that largest value.", Fix((Edit("np.max(A2, axis=0)", RIGHT),))),
        ],
        args=ARGS, signature=SIGNATURE, shape_purpose="returns one digit per example, shape (m,)", type_purpose="returns a NumPy array of ints")


SUITE = suite()
