"""``one_hot``: what it returns, its checks in order, and the mistakes they can name."""
import re

import numpy as np

from ..checks import keeps_float32, matches, standard
from ..judge import Edit, Fix, Mistake
from ..spec import Arr

SIGNATURE = "one_hot(Y)"
ARGS = ('Y',)  # the parameters the checks pass by position, in order


def _shape(j, c):
    value = j.value(c)
    return np.shape(value) if isinstance(value, np.ndarray) else None


def _labels(j, c):
    return np.asarray(j.case(c).args[0])


def upcasts(j, c):
    """A matrix of a type that turns float32 arithmetic float64 (float64: np.zeros's default; int64)."""
    value = j.value(c)
    return isinstance(value, np.ndarray) and value.dtype.kind in "biuf" and \
        np.result_type(value.dtype, np.float32) != np.float32


def digits_as_columns(j, c, message):
    """An index error pairing the m labels with 10 column numbers, one per digit (N_CLASSES taken for the number
    of examples)."""
    m = _labels(j, c).size
    shapes = set(re.findall(r"\((\d+),\)", message))
    return "shape mismatch" in message and m != 10 and shapes == {str(m), "10"}


def unique_rows(j, c, message=None):
    """As many rows as this batch has distinct labels (fewer than 10 when a digit is missing): by the shape,
    or by the index error it leads to ("out of bounds for axis 0 with size k", k the distinct labels)."""
    Y = _labels(j, c)
    k = len(np.unique(Y))
    if k == 10:
        return False
    if message is not None:
        found = re.search(r"out of bounds for axis \d with size (\d+)", message)
        return bool(found) and int(found.group(1)) == k
    return _shape(j, c) in ((k, Y.size), (Y.size, k))


def small_int_arithmetic(j, c):
    """Right on int64 labels, wrong on the same kind of labels stored as uint8: arithmetic done in the labels'
    own type, which wraps around past 255 (positions computed as Y * m, say)."""
    Y = _labels(j, c)
    return Y.dtype == np.uint8 and not j.right_on(c) and all(j.right_on(n) for n in ("fixed", "random"))


def suite():
    def rows_from_labels(j, c):
        """As many rows as this batch's largest label + 1 (fewer than 10 when it holds no 9), either way round."""
        Y, shape = _labels(j, c), _shape(j, c)
        k = int(Y.max()) + 1
        return k != 10 and shape in ((k, Y.size), (Y.size, k))

    def one_row_per_example(j, c):
        Y, shape = _labels(j, c), _shape(j, c)
        return Y.size != 10 and shape in ((Y.size, 10), (Y.size, int(Y.max()) + 1)) and shape != (10, Y.size)

    def whole_rows(j, c):
        value = j.value(c)
        return _shape(j, c) == (10, _labels(j, c).size) and _labels(j, c).size > 1 and \
            np.all(value == value[:, :1]) and value[:, 0].sum() > 1

    def indices_swapped(j, c):
        """The 1 of example i at row i, column Y[i] (where that fits in the matrix): the indices swapped."""
        Y, value = _labels(j, c), j.value(c)
        if _shape(j, c) != (10, Y.size) or j.right_on(c):
            return False
        want = np.zeros((10, Y.size))
        for i in range(min(10, Y.size)):
            if Y[i] < Y.size:
                want[i, Y[i]] = 1
        return bool(np.array_equal(np.asarray(value, dtype=float), want))

    def shifted(j, c):
        """The 1 of each label d one row away from row d (digits counted from 1, or a `+ 1`)."""
        Y, value = _labels(j, c), j.value(c)
        if _shape(j, c) != (10, Y.size) or j.right_on(c):
            return False
        v = np.asarray(value, dtype=float)
        for k in (-1, 1):
            want = np.zeros((10, Y.size))
            want[(Y + k) % 10, np.arange(Y.size)] = 1
            if np.array_equal(v, want):
                return True
        return False

    return standard(
        "one_hot", Arr("one_hot(Y)", (10, "m"), kinds="fiub"),
        edge=[matches("no9", "handles a batch with no 9: still 10 rows"),
              matches("uint8", "accepts labels stored as uint8, as in the MNIST files"),
              keeps_float32("fixed", "returns float32, as the docstring asks (a note, not a requirement)")],
        mistakes=[
            Mistake("max_plus_one", "the original notebook's bug: one_hot sized by Y.max() + 1",
                    "the number of rows must be the number of digits, 10, whatever labels this batch happens to "
                    "hold: a batch without a 9 would get 9 rows and no longer line up with the network's 10 "
                    "outputs.", Fix((Edit("np.zeros((Y.size, Y.max() + 1))", "np.zeros((Y.size, 10), np.float32)"),)),
                    matches=rows_from_labels),
            Mistake("unique_rows", "sizing the matrix by the digits this batch holds instead of all 10",
                    "the rows are the ten digits, whichever of them this batch happens to hold: a batch with no 7 "
                    "still needs a row for 7 (every column lines up with the network's 10 outputs), and counting the "
                    "distinct labels also puts a 9 in a row that is not there. Use the toolbox's N_CLASSES = 10.",
                    Fix((Edit("len(np.unique(Y))", "N_CLASSES"),)), matches=unique_rows,
                    error=("IndexError", lambda j, c, message: unique_rows(j, c, message))),
            Mistake("digits_as_columns", "ten column numbers, one per digit, instead of one per example",
                    "the labels Y, one per example, were paired with 10 column numbers: the number of digits taken "
                    "for the number of examples. Example i's 1 goes in column i, so the column numbers run over the "
                    "examples, as many as Y has labels.",
                    Fix((Edit("one_hot_Y[Y, np.arange(N_CLASSES)] = 1", "one_hot_Y[Y, np.arange(m)] = 1"),)),
                    error=("IndexError", digits_as_columns)),
            Mistake("label_arithmetic", "arithmetic on the uint8 labels, which wraps around past 255",
                    "MNIST stores its labels as uint8, whose arithmetic wraps around: 9 * 40 is 104 in uint8, not "
                    "360. Positions computed from the labels (Y * m + ...) then land in the wrong place. Index with "
                    "the labels themselves (a row index and a column index), or convert them to int first.",
                    Fix((Edit("Y * m", "Y.astype(np.int64) * m"),)), matches=small_int_arithmetic,
                    error=("OverflowError", "out of bounds for uint8")),
            Mistake("upcasts", "a float64 (or int) matrix, where the docstring asks for float32",
                    "np.zeros and np.eye make float64 unless told otherwise (and `.astype(int)` makes int64). The "
                    "0s and 1s are exact in any type; float32 is the one that keeps float32 training float32, so "
                    "ask for it when you make the matrix (`dtype=np.float32`).",
                    Fix((Edit("np.zeros((N_CLASSES, m))", "np.zeros((N_CLASSES, m), dtype=np.float32)"),)),
                    matches=upcasts, on=("float32",)),
            Mistake("transposed", "one row per example instead of one column",
                    "the course keeps one column per example, like X, so the result is (10, m), not (m, 10).",
                    Fix((Edit("np.eye(10)[Y]", "np.eye(10, dtype=np.float32)[Y].T"),)), matches=one_row_per_example),
            Mistake("whole_rows", "indexing with Y alone, which fills whole rows",
                    "indexing a matrix with one array picks whole rows, so every column of those rows becomes 1. "
                    "Each column needs exactly one 1: index with a row for each column, and that column.",
                    Fix((Edit("one_hot_Y[Y] = 1", "one_hot_Y[Y, np.arange(Y.size)] = 1"),)), matches=whole_rows),
            Mistake("swapped_index", "the row and column indices the other way round",
                    "in a (10, m) matrix the first index picks the row, the digit, and the second the column, the "
                    "example: the 1 of example i goes at row Y[i], column i.",
                    Fix((Edit("one_hot_Y[np.arange(Y.size), Y] = 1", "one_hot_Y[Y, np.arange(Y.size)] = 1"),)),
                    matches=indices_swapped,
                    error=("IndexError", r"out of bounds for axis 1")),
            Mistake("shifted_rows", "each 1 one row away from its digit's row",
                    "digits count from 0, and so do rows: the label d goes in row d (a label 0 in row 0, a 9 in "
                    "row 9), with no 1 added or taken away.",
                    Fix((Edit("out[Y - 1, np.arange(Y.size)] = 1", "out[Y, np.arange(Y.size)] = 1"),)),
                    matches=shifted),
        ],
        args=ARGS, signature=SIGNATURE, shape_purpose="returns a (10, m) matrix, one column per label",
        type_purpose="returns a NumPy array of numbers", finite_case=None)


SUITE = suite()
