"""``one_hot``: what it returns, its checks in order, and the mistakes they can name."""

from ..checks import matches, standard
from ..judge import Mistake
from ..spec import Arr

ARGS = ('Y',)


def suite():
    return standard(
        "one_hot", Arr("one_hot(Y)", (10, "m"), kinds="fiub"),
        edge=[matches("no9", "handles a batch with no 9: still 10 rows"),
              matches("uint8", "accepts labels stored as uint8, as in the MNIST files")],
        mistakes=[
            Mistake("max_plus_one", "the original notebook's bug: one_hot sized by Y.max() + 1",
                    "a batch without a 9 then gets fewer than 10 rows and no longer lines up with the "
                    "network's 10 outputs. Always make 10 rows: `np.zeros((10, Y.size))`."),
            Mistake("transposed", "one row per example instead of one column",
                    "the course keeps one column per example, so the result is (10, m): transpose with `.T`."),
            Mistake("whole_rows", "indexing with Y alone, which fills whole rows",
                    "`one_hot_Y[Y] = 1` sets every column of row Y; set one entry per column with "
                    "`one_hot_Y[Y, np.arange(m)] = 1`."),
        ],
        args=ARGS, shape_purpose="returns a (10, m) matrix, one column per label",
        type_purpose="returns a NumPy array of numbers", finite_case=None)


SUITE = suite()
