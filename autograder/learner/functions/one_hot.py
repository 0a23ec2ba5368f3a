"""``one_hot``: what it returns, its checks in order, and the mistakes they can name."""

from ..checks import matches, standard
from ..judge import Mistake
from ..spec import Arr

SIGNATURE = "one_hot(Y)"
ARGS = ('Y',)  # the parameters the checks pass by position, in order


def suite():
    return standard(
        "one_hot", Arr("one_hot(Y)", (10, "m"), kinds="fiub"),
        edge=[matches("no9", "handles a batch with no 9: still 10 rows"),
              matches("uint8", "accepts labels stored as uint8, as in the MNIST files")],
        mistakes=[
            Mistake("max_plus_one", "the original notebook's bug: one_hot sized by Y.max() + 1",
                    "the number of rows must be the number of digits, 10, whatever labels this batch happens to "
                    "hold: a batch without a 9 would get 9 rows and no longer line up with the network's 10 "
                    "outputs.", "`one_hot_Y = np.zeros((10, Y.size))`"),
            Mistake("transposed", "one row per example instead of one column",
                    "the course keeps one column per example, like X, so the result is (10, m), not (m, 10).",
                    "transpose the result with `.T`"),
            Mistake("whole_rows", "indexing with Y alone, which fills whole rows",
                    "indexing a matrix with one array picks whole rows, so every column of those rows becomes 1. "
                    "Each column needs exactly one 1: index with a row for each column, and that column.",
                    "`one_hot_Y[Y, np.arange(m)] = 1`"),
        ],
        args=ARGS, signature=SIGNATURE, shape_purpose="returns a (10, m) matrix, one column per label",
        type_purpose="returns a NumPy array of numbers", finite_case=None)


SUITE = suite()
