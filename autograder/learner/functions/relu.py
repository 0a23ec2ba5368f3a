"""``relu``: what it returns, its checks in order, and the mistakes they can name.

Most of relu's wrong answers are another function of Z: each is recognised by computing that function from
the case's own Z (so it is named however it is written), never by the course's stored outputs alone.
"""
import numpy as np

from ..checks import changed_input, keeps_float32, matches, standard
from ..judge import Edit, Fix, Mistake
from ..spec import Arr

SIGNATURE = "relu(Z)"
ARGS = ('Z',)  # the parameters the checks pass by position, in order
# A right spelling other than the course's own: the learners' package holds no answer of the course's.
RIGHT = "np.maximum(0, Z)"


def computes(g):
    """A matcher: the answer is ``g(Z)`` (and not ReLU), entry by entry."""
    def test(j, c):
        Z = np.asarray(j.case(c).args[0], dtype=float)
        value = j.value(c)
        if not isinstance(value, np.ndarray) or value.shape != Z.shape or j.right_on(c):
            return False
        return np.allclose(np.asarray(value, dtype=float), g(Z), rtol=1e-4, atol=1e-6)
    return test


def leaky_test(j, c):
    """Negative scores kept, scaled by one small factor (0 < a < 1): a leaky ReLU."""
    Z = np.asarray(j.case(c).args[0], dtype=float)
    value = j.value(c)
    if not isinstance(value, np.ndarray) or value.shape != Z.shape or j.right_on(c):
        return False
    v = np.asarray(value, dtype=float)
    neg = Z < 0
    if not neg.any() or not np.allclose(v[~neg], Z[~neg]):
        return False
    a = v[neg] / Z[neg]
    return bool(np.allclose(a, a[0]) and 0 < a[0] < 1)


def upcast(j, c):
    """float32 scores gave a result of a type that turns float32 arithmetic float64."""
    value, Z = j.value(c), np.asarray(j.case(c).args[0])
    return isinstance(value, np.ndarray) and Z.dtype == np.float32 and value.dtype.kind in "biuf" \
        and np.result_type(value.dtype, np.float32) != np.float32


UPCAST_HINT = ("ReLU only sets some entries to 0, so its result can keep Z's own float type. A float64 appears when "
               "something converts: `.astype(float)` and `dtype=float` mean float64, and a Python loop over the "
               "entries (Python's max(z, 0) gives the int 0 beside NumPy's float32 numbers) makes np.array choose "
               "float64. Keep to NumPy's entry-by-entry operations on Z itself.")


def suite():
    to_relu = lambda old: Fix((Edit(old, RIGHT),))  # noqa: E731
    return standard(
        "relu", Arr("relu(Z)", (10, "m")),
        edge=[matches("f32", "works on float32 input"),
              keeps_float32("f32", "keeps float32 scores float32 (a note, not a requirement)", "float32 scores")],
        mistakes=[
            Mistake("boolean_index", "Z[Z > 0]: the positive entries alone, as a flat array",
                    "relu(Z) came back as a flat array of just the positive scores: boolean indexing picks the "
                    "entries where the mask is True and drops the rest, with Z's shape. ReLU keeps every entry in "
                    "its place and sets the negative ones to 0: an entry-by-entry np.maximum with 0 (or np.where).",
                    to_relu("Z[Z > 0]"),
                    matches=lambda j, c: np.ndim(j.value(c)) == 1 and np.array_equal(
                        np.asarray(j.value(c)), np.asarray(j.case(c).args[0])[np.asarray(j.case(c).args[0]) > 0])),
            Mistake("clipped", "capping the scores at 1 as well as at 0",
                    "scores above 1 came back as 1: ReLU only sets the negative scores to 0 and lets every "
                    "positive one through, however large. Clip at the bottom only.",
                    to_relu("np.clip(Z, 0, 1)")),
            Mistake("np_max", "np.max instead of np.maximum",
                    "np.max reduces: it finds the largest value along an axis, so the shape shrinks. ReLU needs an "
                    "entry-by-entry comparison of Z with 0, which keeps Z's shape.", to_relu("np.max(Z, 0)"),
                    matches=lambda j, c: np.ndim(j.value(c)) == 1 and np.shape(j.value(c))[0] in np.shape(
                        j.case(c).args[0])),
            Mistake("minimum", "np.minimum instead of np.maximum",
                    "np.minimum keeps the negative part and clips the positive one; ReLU does the opposite.",
                    to_relu("np.minimum(Z, 0)"), matches=computes(lambda Z: np.minimum(Z, 0))),
            Mistake("abs", "np.abs instead of ReLU",
                    "ReLU sets negative values to 0; the absolute value turns them positive instead.",
                    to_relu("np.abs(Z)"), matches=computes(np.abs)),
            Mistake("tanh", "tanh instead of ReLU",
                    "tanh squashes every score into (-1, 1); ReLU keeps positive scores as they are and sets "
                    "negative ones to 0, which is what makes its slope simply 0 or 1 in lesson 7.",
                    to_relu("np.tanh(Z)"), matches=computes(np.tanh)),
            Mistake("sigmoid", "the sigmoid instead of ReLU",
                    "the sigmoid squashes every score into (0, 1); ReLU keeps positive scores as they are and sets "
                    "negative ones to 0.", to_relu("1 / (1 + np.exp(-Z))"),
                    matches=computes(lambda Z: 1 / (1 + np.exp(-Z)))),
            Mistake("leaky", "a leaky ReLU, which keeps a little of each negative score",
                    "the course's ReLU sets every negative score to exactly 0 (its slope there is 0, lesson 7); a "
                    "leaky ReLU keeps a small multiple of it instead.", to_relu("np.where(Z > 0, Z, 0.01 * Z)"),
                    matches=leaky_test),
            Mistake("in_place", "changing Z in place",
                    "assigning into Z changes the caller's array too, and the backward pass still needs the "
                    "original Z. Build and return a new array.",
                    Fix((Edit("Z[Z < 0] = 0\nreturn Z", f"return {RIGHT}"),)), matches=changed_input),
            Mistake("returns_mask", "returning the mask Z > 0 (ReLU's slope) instead of the scores",
                    "Z > 0 says where a score is positive: that is ReLU's slope (lesson 7), True or False. ReLU "
                    "itself keeps each positive score's value and puts 0 elsewhere.",
                    Fix((Edit("return Z > 0", f"return {RIGHT}"),)), matches=computes(lambda Z: (Z > 0).astype(float))),
            Mistake("upcasts", "turning float32 scores into float64", UPCAST_HINT,
                    Fix((Edit(".astype(float)", ""),)), matches=upcast, on=("float32",)),
            Mistake("python_max", "Python's max (or an if) on a whole array",
                    "Python's max compares two whole objects, and NumPy refuses to say whether a whole array is "
                    "larger than 0; NumPy's own functions compare entry by entry.",
                    Fix((Edit("return max(Z, 0)", f"return {RIGHT}"),)),
                    error=("ValueError", "truth value of an array")),
        ],
        args=ARGS, signature=SIGNATURE, shape_purpose="returns an array shaped like Z, (10, m)")


SUITE = suite()
