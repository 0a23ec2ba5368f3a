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


def _got(j, case):
    try:
        return float(np.asarray(j.value(case), dtype=float))
    except (TypeError, ValueError):
        return None


def floor_division(j, case):
    """The fraction rounded down by // to 0 on a case below 100% (an integer, or made a float afterwards), and
    1 on a batch of all right predictions, when that one answered (only 0 and 1 can come out of m // m)."""
    value, want = j.value(case), float(j.expected(case))
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return False
    whole = _got(j, "all_right")
    return 0 < want < 1 and value == 0 and whole in (None, 1)


def rounded(j, case):
    """The fraction rounded to a few decimals (round(x, 2), np.round): close to the right one, not equal."""
    got, want = _got(j, case), float(j.expected(case))
    return got is not None and not np.isclose(got, want, rtol=1e-9, atol=0) and 0 < want < 1 and any(
        np.isclose(got, r, rtol=1e-12, atol=0) for k in range(1, 7) for r in (round(want, k), np.round(want, k)))


def every_pair(j, case):
    """The mean of an (m, m) table comparing every prediction with every label: a column against a row."""
    got = _got(j, case)
    P, Y = (np.asarray(a).ravel() for a in j.case(case).args[:2])
    return got is not None and P.size > 1 and not j.right_on(case) and \
        np.isclose(got, np.equal.outer(P, Y).mean(), rtol=1e-9)


def digit_sets(j, case):
    """Which digits appear in each, compared as sets, not each prediction with its own label: on this case,
    and on the other visible ones that are answered wrongly (one case alone can agree by chance)."""
    return _digit_sets(j, case) and all(j.right_on(n) or _digit_sets(j, n) for n in ("fixed", "random")
                                        if n != case and _got(j, n) is not None)


def _digit_sets(j, case):
    got = _got(j, case)
    P, Y = (np.asarray(a).ravel() for a in j.case(case).args[:2])
    if got is None or j.right_on(case):
        return False
    shared = len(set(P.tolist()) & set(Y.tolist()))
    return any(np.isclose(got, shared / n, rtol=1e-9) for n in {Y.size, len(set(Y.tolist())), 10})


def suite():
    return standard(
        "get_accuracy", Num("accuracy"),
        edge=[matches("third", "one right out of three gives 1/3, all its decimals"),
              matches("all_right", "all predictions right gives 1.0"),
              matches("all_wrong", "all predictions wrong gives 0.0")],
        finite_case=None,
        mistakes=[
            Mistake("divides_by_shape", "dividing by Y.shape, a tuple, instead of Y.size, a number",
                    "the answer is a one-element array holding the right fraction: Y.shape is the tuple (m,), and "
                    "dividing by a tuple makes NumPy return an array. Y.size (or len(Y)) is the number m itself; "
                    "np.mean(predictions == Y) divides for you.",
                    Fix((Edit("/ Y.shape", "/ Y.size"),)),
                    matches=lambda j, c: isinstance(j.value(c), np.ndarray) and j.value(c).shape == (1,)
                    and np.isclose(float(j.value(c)[0]), float(j.expected(c)), rtol=1e-9)),
            Mistake("count", "returning the number of right answers",
                    "accuracy is a fraction between 0 and 1: the count of right answers divided by the number of "
                    "examples.", Fix((Edit("np.sum(predictions == Y)", "np.mean(predictions == Y)"),))),
            Mistake("percent", "returning a percentage",
                    "the course reports accuracy as a fraction between 0 and 1, not from 0 to 100.",
                    Fix((Edit("100 * np.mean(predictions == Y)", "np.mean(predictions == Y)"),))),
            Mistake("floor_division", "integer division (//), which rounds the fraction down to 0",
                    "`//` divides and throws the remainder away, so any accuracy below 100% comes out as 0: "
                    "accuracy needs true division, `/` (or a mean, which divides for you).",
                    Fix((Edit("//", "/"),)), matches=floor_division),
            Mistake("rounded", "rounding the accuracy",
                    "the accuracy came back rounded to a few decimals: close, but not the fraction itself (3 right "
                    "out of 40 is 0.075, not 0.07). Return the exact fraction; round only where you print it, "
                    "with an f-string such as f\"{acc:.2f}\".",
                    Fix((Edit("round(accuracy, 2)", "accuracy"),)),
                    matches=rounded),
            Mistake("every_pair", "comparing a column of labels with a row of predictions (every pair)",
                    "== compares entry by entry only when both arrays have the same shape. A (m, 1) column against "
                    "an (m,) row broadcasts to an (m, m) table that compares every prediction with every label, "
                    "and its mean is not an accuracy. Keep both flat, shape (m,).",
                    Fix((Edit("Y.reshape(-1, 1)", "Y"),)), matches=every_pair),
            Mistake("digit_sets", "comparing which digits appear instead of each prediction with its own label",
                    "accuracy asks, example by example, whether the prediction equals that example's label: compare "
                    "the two arrays position by position. Sets forget the positions, so they only say which digits "
                    "turn up somewhere.",
                    Fix((Edit("len(set(predictions.tolist()) & set(Y.tolist())) / len(Y)",
                              "np.mean(predictions == Y)"),)), matches=digit_sets),
            Mistake("error_rate", "returning the fraction of wrong answers",
                    "accuracy counts the predictions that equal their label.",
                    Fix((Edit("np.mean(predictions != Y)", "np.mean(predictions == Y)"),)),
                    matches=lambda j, c: _is_one_minus(j, c)),
        ],
        args=ARGS, signature=SIGNATURE, shape_purpose="returns one number", type_purpose="returns a single number")


SUITE = suite()
