"""``softmax``: what it returns, its checks in order, and the mistakes they can name.

Its mistakes are recognised by what they do to the case's own scores (where the NaNs fall, which sums come
to 1), so each is named however it is written, and two at once (no shift and a whole-matrix sum, say) are
both named, each on the row that shows it.
"""
import re

import numpy as np

from ..checks import keeps_float32, matches, prop, standard
from ..judge import Edit, Fix, Mistake
from ..spec import Arr

SIGNATURE = "softmax(Z)"
ARGS = ('Z',)  # the parameters the checks pass by position, in order
COLUMNS = "Z.max(axis=0, keepdims=True)"
SUM = "E.sum(axis=0, keepdims=True)"


def _value(j, c):
    value = j.value(c)
    Z = np.asarray(j.case(c).args[0], dtype=float)
    if not isinstance(value, np.ndarray) or value.shape != Z.shape:
        return None, Z
    return np.asarray(value, dtype=float), Z


def _broken(j, c):
    """The answer on case c has a NaN or an infinity."""
    v, _ = _value(j, c)
    return v is not None and not np.isfinite(v).all()


def _narrowed(j, c):
    """float64 scores gave probabilities of a smaller float type."""
    value, Z = j.value(c), np.asarray(j.case(c).args[0])
    return isinstance(value, np.ndarray) and Z.dtype == np.float64 and value.dtype.kind == "f" \
        and value.dtype.itemsize < 8


def _widened(j, c):
    """float32 scores gave float64 probabilities."""
    value, Z = j.value(c), np.asarray(j.case(c).args[0])
    return isinstance(value, np.ndarray) and Z.dtype == np.float32 and value.dtype == np.float64


def rows_counted(j, c, message=None):
    """A loop over range(len(Z)), the 10 rows, in place of the m columns: an IndexError on axis 1 when m < 10;
    when m > 10, the columns after the tenth left at 0 and the first ten right."""
    m = np.shape(j.case(c).args[0])[1]
    if message is not None:
        found = re.search(r"out of bounds for axis 1 with size (\d+)", message)
        return found is not None and int(found.group(1)) == m < 10
    v, Z = _value(j, c)
    if v is None or m <= 10 or not np.allclose(v[:, 10:], 0):
        return False
    E = np.exp(Z[:, :10] - Z[:, :10].max(axis=0, keepdims=True))
    return bool(np.allclose(v[:, :10], E / E.sum(axis=0, keepdims=True), rtol=1e-4))


def suite():
    def keeps_float64(j, value):
        if _narrowed(j, "random"):
            return (f"softmax(Z) is {value.dtype} for float64 scores; float64 scores must give float64 "
                    f"probabilities.")
        return None

    def columns_sum_to_one(j, value):
        sums = np.asarray(value, dtype=float).sum(axis=0)
        if not np.allclose(sums, 1.0, atol=1e-6):
            k = int(np.argmax(np.abs(sums - 1)))
            return f"column {k} of softmax(Z) sums to {sums[k]:.6g}; every column must sum to 1."
        return None

    def no_shift(j, c):
        """NaN here, and on scores that are all around 1000: nothing was subtracted before exp."""
        return _broken(j, c) and _broken(j, "huge")

    def global_shift(j, c):
        """Finite on scores all around 1000, NaN where one column sits far above the rest: one maximum for
        the whole matrix."""
        return _broken(j, c) and not _broken(j, "huge") and _broken(j, "mixed") and j.right_on("fixed") \
            and j.right_on("random")

    def low_shift(j, c):
        """Right when every score of a column is large, NaN when one score towers over its column: a shift by
        less than the column's maximum (its minimum, its mean)."""
        return _broken(j, c) and j.right_on("huge") and j.right_on("mixed") and _broken(j, "spread")

    def spread_column_broken(j, k):
        v, _ = _value(j, "spread")
        return v is not None and not np.isfinite(v[:, k]).all()

    def min_shift(j, c):
        """... and NaN in the column whose one score lies far below the rest (-800), where only a shift by the
        minimum overflows (it raises every other score by 800)."""
        return low_shift(j, c) and spread_column_broken(j, 2)

    def mean_shift(j, c):
        """... and finite in that column: the shift lies between the minimum and the maximum (the mean)."""
        return low_shift(j, c) and not spread_column_broken(j, 2)

    def rows_sum_to_one(j, c):
        v, Z = _value(j, c)
        return v is not None and Z.shape[1] > 1 and np.isfinite(v).all() and \
            np.allclose(v.sum(axis=1), 1, atol=1e-6) and not np.allclose(v.sum(axis=0), 1, atol=1e-6)

    def divided_by_max(j, c):
        """Each column divided by its largest exponential, not their sum: the shifted exponentials themselves,
        whose largest entry in each column is 1."""
        v, Z = _value(j, c)
        if v is None or not np.isfinite(v).all() or np.allclose(v.sum(axis=0), 1, atol=1e-6):
            return False
        return bool(np.allclose(v, np.exp(Z - np.max(Z, 0)), rtol=1e-4, atol=1e-7))

    def whole_matrix_sums_to_one(j, c):
        v, Z = _value(j, c)
        return v is not None and Z.shape[1] > 1 and np.isfinite(v).all() and np.isclose(v.sum(), 1, atol=1e-6) \
            and not np.allclose(v.sum(axis=0), 1, atol=1e-6)

    def shifted_by_rows(j, c):
        """Each column sums to 1, but its entries were shifted by their rows' maxima (a different amount for
        each entry of a column), not by the column's own maximum."""
        v, Z = _value(j, c)
        if v is None or j.right_on(c):
            return False
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        with np.errstate(all="ignore"):
            want = E / E.sum(axis=0, keepdims=True)
        return bool(np.allclose(v, want, rtol=1e-4, atol=1e-7, equal_nan=True))

    return standard(
        "softmax", Arr("softmax(Z)", (10, "m")),
        edge=[matches("huge", "stays finite for huge scores (like 1000)"),
              matches("mixed", "shifts each column by its own maximum"),
              matches("spread", "stays finite when one score of a column towers over the rest"),
              matches("f32", "works on float32 input"),
              keeps_float32("f32", "keeps float32 scores float32 (a note, not a requirement)", "float32 scores")],
        # after "finite": a column holding a NaN sums to nothing, so no "sums to 1 ✓" above a NaN
        first=[prop("sums", "random", "each column sums to 1", columns_sum_to_one, after=("finite",)),
               prop("precision", "random", "returns float64 probabilities for float64 scores", keeps_float64)],
        mistakes=[
            Mistake("rows_counted", "looping over range(len(Z)), the 10 rows, instead of the m columns",
                    "len(Z) is the number of rows, the ten digits, but each example is a column: a loop over "
                    "range(len(Z)) runs ten times whatever m is, so with fewer than ten examples it indexes a "
                    "column that does not exist, and with more it leaves the rest at 0. Loop over range(Z.shape[1]), "
                    "or work on every column at once.",
                    Fix((Edit("for i in range(len(Z)):", "for i in range(Z.shape[1]):"),)),
                    matches=rows_counted, error=("IndexError", rows_counted)),
            Mistake("no_shift", "softmax without subtracting the maximum (the original notebook's version)",
                    "exp of a large score overflows to infinity, and infinity / infinity is NaN. Shifting every "
                    "score of a column by the same amount changes nothing mathematically, so subtract each "
                    "column's largest score before exp: the largest term becomes exp(0) = 1.",
                    Fix((Edit("A = np.exp(Z) / sum(np.exp(Z))",
                              f"E = np.exp(Z - {COLUMNS})\nA = E / {SUM}"),)),
                    matches=no_shift),
            Mistake("min_shift", "subtracting each column's minimum instead of its maximum",
                    "a shift must bring the largest score down to 0, so that exp never sees a large number: after "
                    "subtracting the smallest score, every other score of the column goes up, and a column with "
                    "one score of 800 among ordinary ones, or one of -800, asks for exp of 800, and exp overflows "
                    "above 709.", Fix((Edit("Z.min(axis=0, keepdims=True)", COLUMNS),)), matches=min_shift),
            Mistake("mean_shift", "subtracting each column's mean instead of its maximum",
                    "a shift must bring the largest score down to 0, so that exp never sees a large number: after "
                    "subtracting the average, the largest score is still above 0 by as much as it stands out, and "
                    "a column with one score of 800 among ordinary ones asks for exp of about 720; exp overflows "
                    "above 709. Subtract each column's maximum.",
                    Fix((Edit("Z - np.mean(Z, axis=0)", "Z - np.max(Z, axis=0)"),)), matches=mean_shift),
            Mistake("float32_result", "turning float64 scores into float32 probabilities",
                    "float32 keeps about 7 significant digits, float64 about 16. A loss computed from float32 "
                    "probabilities is uncertain in its 7th digit, enough to drown a gradient check (lesson 16), "
                    "whose slopes come from differences of the loss far smaller than that. Keep Z's own float type "
                    "(float32 scores may stay float32, as part 2 has them).",
                    Fix((Edit(".astype(np.float32)", ""),)), matches=lambda j, c: _narrowed(j, c),
                    on=("precision",)),
            Mistake("global_shift", "subtracting the maximum of the whole matrix",
                    "one maximum for the whole matrix leaves a column of much smaller scores at exp(-1000) = 0, "
                    "and 0 / 0 is NaN. Each column needs its own largest score subtracted.",
                    Fix((Edit("np.max(Z)", COLUMNS),)), matches=global_shift),
            Mistake("wrong_axis", "softmax over the wrong axis",
                    "each column is one example, so the ten probabilities of a column must add up to 1: normalise "
                    "down each column, not along the rows, and take each column's own maximum too.",
                    Fix((Edit("Z.max(axis=1, keepdims=True)", COLUMNS),
                         Edit("E.sum(axis=1, keepdims=True)", SUM))), matches=rows_sum_to_one),
            Mistake("shift_rows", "shifting by each row's maximum instead of each column's",
                    "the shift must be the same for every score of a column (one example), so that it cancels in "
                    "the division: a row's maximum is a different amount for each entry of the column, and the "
                    "probabilities come out distorted. Subtract each column's own maximum.",
                    Fix((Edit("Z.max(axis=1, keepdims=True)", COLUMNS),)), matches=shifted_by_rows),
            Mistake("divide_by_max", "dividing by each column's largest exponential instead of their sum",
                    "the division is what makes a column's ten probabilities add up to 1, so it must be by their "
                    "sum. After the shift, the largest exponential of a column is exactly 1: dividing by it changes "
                    "nothing, and each column adds up to more than 1.",
                    Fix((Edit("E.max(axis=0, keepdims=True)", SUM),)), matches=divided_by_max),
            Mistake("upcasts", "turning float32 scores into float64 probabilities",
                    "softmax needs no conversion: exp, the shift and the division all keep Z's own float type. "
                    "`np.asarray(Z, dtype=np.float64)`, `.astype(float)` or `dtype=float` makes float64, which is "
                    "safe but, in lesson 23's float32 network, makes every step after it float64.",
                    Fix((Edit(("Z = np.asarray(Z, dtype=np.float64)", "Z = Z.astype(float)"), ""),)),
                    matches=_widened, on=("float32",)),
            Mistake("sum_all", "dividing by the sum of the whole matrix",
                    "a sum with no axis adds every example together, so each column ends up summing to much less "
                    "than 1. Divide each column by its own sum.", Fix((Edit("np.sum(E)", SUM),)),
                    matches=whole_matrix_sums_to_one),
        ],
        args=ARGS, signature=SIGNATURE, shape_purpose="returns probabilities shaped like Z, (10, m)")


SUITE = suite()
