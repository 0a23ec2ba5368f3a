"""``relu``: what it returns, its checks in order, and the mistakes they can name."""

from ..checks import changed_input, matches, standard
from ..judge import Mistake
from ..spec import Arr

ARGS = ('Z',)


def suite():
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
        args=ARGS, shape_purpose="returns an array shaped like Z, (10, m)")


SUITE = suite()
