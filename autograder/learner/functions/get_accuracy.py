"""``get_accuracy``: what it returns, its checks in order, and the mistakes they can name."""

from ..checks import matches, standard
from ..judge import Mistake
from ..spec import Num

ARGS = ('predictions', 'Y')


def suite():
    return standard(
        "get_accuracy", Num("accuracy"),
        edge=[matches("all_right", "all predictions right gives 1.0"),
              matches("all_wrong", "all predictions wrong gives 0.0")],
        finite_case=None,
        mistakes=[
            Mistake("count", "returning the number of right answers",
                    "accuracy is a fraction between 0 and 1: divide the count by the number of examples, "
                    "or use `np.mean(predictions == Y)`."),
            Mistake("percent", "returning a percentage",
                    "the course reports accuracy as a fraction between 0 and 1, not 0 to 100."),
            Mistake("error_rate", "returning the fraction of wrong answers",
                    "count the predictions equal to Y: `np.mean(predictions == Y)`."),
        ],
        args=ARGS, shape_purpose="returns one number", type_purpose="returns a single number")


SUITE = suite()
