"""``softmax``: what it returns, its checks in order, and the mistakes they can name."""
import numpy as np

from ..checks import matches, prop, standard
from ..judge import Mistake
from ..spec import Arr

SIGNATURE = "softmax(Z)"
ARGS = ('Z',)  # the parameters the checks pass by position, in order


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
              matches("spread", "stays finite when one score of a column towers over the rest"),
              matches("f32", "works on float32 input")],
        mistakes=[
            Mistake("min_shift", "subtracting each column's minimum instead of its maximum",
                    "a shift must bring the largest score down to 0, so that exp never sees a large number: after "
                    "subtracting the smallest score, a column with one score of 800 still asks for exp(800), "
                    "which overflows.", "`Z - Z.max(axis=0, keepdims=True)`",
                    # the same NaN as no shift at all on that column, but right on uniformly huge scores
                    matches=lambda j, c: c == "spread" and j.right_on("huge") and not j.right_on("spread")),
            Mistake("no_shift", "softmax without subtracting the maximum (the original notebook's version)",
                    "exp of a large score overflows to infinity, and infinity / infinity is NaN. Shifting every "
                    "score of a column by the same amount changes nothing mathematically, so subtract each "
                    "column's largest score before exp: the largest term becomes exp(0) = 1.",
                    "`E = np.exp(Z - Z.max(axis=0, keepdims=True))`"),
            Mistake("wrong_axis", "softmax over the wrong axis",
                    "each column is one example, so the ten probabilities of a column must add up to 1: normalise "
                    "down each column, not along the rows.", "`E / E.sum(axis=0, keepdims=True)`"),
            Mistake("sum_all", "dividing by the sum of the whole matrix",
                    "a sum with no axis adds every example together, so each column ends up summing to much less "
                    "than 1. Divide each column by its own sum.", "`E / E.sum(axis=0, keepdims=True)`"),
            Mistake("global_shift", "subtracting the maximum of the whole matrix",
                    "one maximum for the whole matrix leaves a column of much smaller scores at exp(-1000) = 0, "
                    "and 0 / 0 is NaN. Each column needs its own largest score subtracted.",
                    "`Z - Z.max(axis=0, keepdims=True)`"),
        ],
        args=ARGS, signature=SIGNATURE, shape_purpose="returns probabilities shaped like Z, (10, m)")


SUITE = suite()
