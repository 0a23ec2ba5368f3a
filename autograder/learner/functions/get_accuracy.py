"""``get_accuracy``: what it returns, its checks in order, and the mistakes they can name."""
import numpy as np

from ..checks import matches, standard
from ..judge import Edit, Fix, Mistake
from ..spec import Num

SIGNATURE = "get_accuracy(predictions, Y)"
ARGS = ('predictions', 'Y')  # the parameters the checks pass by position, in order


def _is_one_minus(j, case):
    """The answer is exactly 1 minus the expected accuracy.

    Only on a case whose accuracy is strictly between 0 and 1 and not 0.5:
    there "1 minus" is evidence; an all-right batch answered 0 proves nothing
    (comparing with the wrong thing gives 0 too).
    """
    try:
        got, want = float(np.asarray(j.value(case), dtype=float)), float(j.expected(case))
    except (TypeError, ValueError):
        return False
    if not 0 < want < 1 or np.isclose(want, 0.5):
        return False
    return np.isclose(got, 1 - want, rtol=0, atol=1e-9)


def suite():
    return standard(
        "get_accuracy", Num("accuracy"),
        edge=[matches("all_right", "all predictions right gives 1.0"),
              matches("all_wrong", "all predictions wrong gives 0.0")],
        finite_case=None,
        mistakes=[
            Mistake("count", "returning the number of right answers",
                    "accuracy is a fraction between 0 and 1: the count of right answers divided by the number of "
                    "examples.", Fix((Edit("np.sum(predictions == Y)", "np.mean(predictions == Y)"),))),
            Mistake("percent", "returning a percentage",
                    "the course reports accuracy as a fraction between 0 and 1, not from 0 to 100.",
                    Fix((Edit("100 * np.mean(predictions == Y)", "np.mean(predictions == Y)"),))),
            Mistake("error_rate", "returning the fraction of wrong answers",
                    "accuracy counts the predictions that equal their label.",
                    Fix((Edit("np.mean(predictions != Y)", "np.mean(predictions == Y)"),)),
                    matches=lambda j, c: _is_one_minus(j, c)),
        ],
        args=ARGS, signature=SIGNATURE, shape_purpose="returns one number", type_purpose="returns a single number")


SUITE = suite()
