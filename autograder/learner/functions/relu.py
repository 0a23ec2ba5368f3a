"""``relu``: what it returns, its checks in order, and the mistakes they can name."""

from ..checks import changed_input, matches, standard
from ..judge import Mistake
from ..spec import Arr

SIGNATURE = "relu(Z)"
ARGS = ('Z',)  # the parameters the checks pass by position, in order


def suite():
    return standard(
        "relu", Arr("relu(Z)", (10, "m")),
        edge=[matches("f32", "works on float32 input")],
        mistakes=[
            Mistake("np_max", "np.max instead of np.maximum",
                    "np.max reduces: it finds the largest value along an axis, so the shape shrinks. ReLU needs an "
                    "entry-by-entry comparison of Z with 0, which keeps Z's shape.", "np.maximum, comparing Z with 0 entry by entry"),
            Mistake("minimum", "np.minimum instead of np.maximum",
                    "np.minimum keeps the negative part and clips the positive one; ReLU does the opposite.",
                    "np.maximum, comparing Z with 0 entry by entry"),
            Mistake("abs", "np.abs instead of ReLU",
                    "ReLU sets negative values to 0; the absolute value turns them positive instead.",
                    "np.maximum, comparing Z with 0 entry by entry"),
            Mistake("in_place", "changing Z in place",
                    "assigning into Z changes the caller's array too, and the backward pass still needs the "
                    "original Z. Build and return a new array.", "return a new array: np.maximum of Z and 0",
                    matches=changed_input),
            Mistake("python_max", "Python's max (or an if) on a whole array",
                    "Python's max compares two whole objects, and NumPy refuses to say whether a whole array is "
                    "larger than 0; NumPy's own functions compare entry by entry.", "np.maximum, comparing Z with 0 entry by entry",
                    error=("ValueError", "truth value of an array")),
        ],
        args=ARGS, signature=SIGNATURE, shape_purpose="returns an array shaped like Z, (10, m)")


SUITE = suite()
