"""``softmax``: what it returns, its checks in order, and the mistakes they can name."""
import numpy as np

from ..checks import matches, prop, standard
from ..judge import Mistake
from ..spec import Arr

ARGS = ('Z',)


def suite():
    def columns_sum_to_one(j, value):
        sums = np.asarray(value, dtype=float).sum(axis=0)
        if not np.allclose(sums, 1.0, atol=1e-6):
            k = int(np.argmax(np.abs(sums - 1)))
            return f"column {k} of softmax(Z) sums to {sums[k]:.6g}; every column must sum to 1."
        return None

    return standard(
        "softmax", Arr("softmax(Z)", (10, "m")),
        edge=[prop("sums", "random", "each column sums to 1", columns_sum_to_one),
              matches("huge", "stays finite for huge scores (like 1000)"),
              matches("mixed", "shifts each column by its own maximum"),
              matches("f32", "works on float32 input")],
        mistakes=[
            Mistake("no_shift", "softmax without subtracting the maximum (the original notebook's version)",
                    "exp(1000) overflows to inf and inf / inf is NaN. Subtract each column's maximum "
                    "first: `Z - Z.max(axis=0, keepdims=True)`; the result is mathematically the same."),
            Mistake("wrong_axis", "softmax over the wrong axis",
                    "each column is one example, so normalise down the columns: "
                    "`np.sum(E, axis=0, keepdims=True)`, not axis=1."),
            Mistake("sum_all", "dividing by the sum of the whole matrix",
                    "`np.sum(E)` with no axis adds every example together; divide each column by its "
                    "own sum: `np.sum(E, axis=0, keepdims=True)`."),
            Mistake("global_shift", "subtracting the maximum of the whole matrix",
                    "one global maximum leaves columns with much smaller scores at exp(-1000) = 0 and "
                    "0 / 0 = NaN; subtract each column's own maximum: `Z.max(axis=0, keepdims=True)`."),
        ],
        args=ARGS, shape_purpose="returns probabilities shaped like Z, (10, m)")


SUITE = suite()
