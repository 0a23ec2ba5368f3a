"""``cross_entropy``: what it returns, its checks in order, and the mistakes they can name."""
import re

import numpy as np

from ..checks import matches, prop, standard, usable
from ..judge import Check, Edit, Fix, Mistake
from ..spec import Num, number

SIGNATURE = "cross_entropy(A2, Y)"
ARGS = ("A2", "Y")  # the parameters the checks pass by position, in order


def _ratio(j, case, r):
    """The answer is the expected loss times ``r`` (and r is not 1)."""
    got, want = j.value(case), j.expected(case)
    try:
        got, want = float(np.asarray(got, dtype=float)), float(want)
    except (TypeError, ValueError):
        return False
    return not np.isclose(r, 1.0) and want != 0 and np.isclose(got / want, r, rtol=1e-6)


def _loss(j, c):
    try:
        return float(np.asarray(j.value(c), dtype=float))
    except (TypeError, ValueError):
        return None


def every_digit(j, c):
    """The log of every one of the ten probabilities counted, not only the true digit's: averaged over all
    entries, or summed and divided by m."""
    got = _loss(j, c)
    if got is None or j.right_on(c):
        return False
    A2, Y = np.asarray(j.case(c).args[0], dtype=float), np.asarray(j.case(c).args[1])
    m = A2.shape[1]
    logs = np.log(np.maximum(A2, 1e-12))
    return any(np.isclose(got, want, rtol=1e-4) for want in (-logs.mean(), -logs.sum() / m))


def whole_rows(j, c):
    """The mean of -log over the (m, m) table A2[Y, :]: every example's probability of every example's label."""
    got = _loss(j, c)
    if got is None or j.right_on(c):
        return False
    A2, Y = np.asarray(j.case(c).args[0], dtype=float), np.asarray(j.case(c).args[1])
    table = -np.log(np.maximum(A2[Y, :], 1e-12))
    return any(np.isclose(got, want, rtol=1e-4) for want in (table.mean(), table.sum() / Y.size))


def numpy_scalar(j, c):
    """A NumPy number that is not a Python float (np.float32; np.float64 is one), or a 0-d array."""
    value = j.value(c)
    return (isinstance(value, np.generic) and not isinstance(value, float)) or \
        (isinstance(value, np.ndarray) and value.ndim == 0)


def python_float(case):
    """A note, not a failure: the lesson asks for a Python float, which np.mean of float32 numbers is not."""
    def run(j):
        if usable(j, case) or not numpy_scalar(j, case):
            return None
        value = j.value(case)
        kind = f"a 0-d NumPy array ({value.dtype})" if isinstance(value, np.ndarray) else f"a NumPy {type(value).__name__}"
        return j.explain(case, f"On {j.case(case).label}, the loss is {kind}, not the Python float the lesson asks "
                               f"for. It passes: its value is right. But a list of them prints as "
                               f"[{type(value).__name__}(2.3), ...], and json cannot save it.")
    return Check("python_float", "returns a Python float (a note, not a requirement)", run, case=case, warn=True)


def digits_as_columns(j, c, message):
    """An index error pairing the m labels with 10 column numbers, one per digit (A2.shape[0] or N_CLASSES taken
    for the number of examples)."""
    m = np.asarray(j.case(c).args[1]).size
    shapes = set(re.findall(r"\((\d+),\)", message))
    return "shape mismatch" in message and m != 10 and shapes == {str(m), "10"}


def swapped(j, c, message=None):
    """Example and digit indices swapped, A2[np.arange(m), Y]: an index error (a digit used as a column of an
    m-column matrix, or an example number past the 10 rows), or, where every index fits, the loss of those
    entries."""
    A2, Y = (np.asarray(a) for a in j.case(c).args[:2])
    m = Y.size
    if message is not None:
        found = re.search(r"index (\d+) is out of bounds for axis (\d) with size (\d+)", message)
        if not found:
            return False
        index, axis, size = (int(g) for g in found.groups())
        return (axis == 1 and size == m and index in Y) or (axis == 0 and size == 10 and index >= 10 and m > 10)
    loss = _loss(j, c)
    if loss is None or m > 10 or Y.max() >= m or j.right_on(c):
        return False
    picked = np.maximum(A2[np.arange(m), Y].astype(float), 1e-12)
    return bool(np.isclose(loss, -np.mean(np.log(picked)), rtol=1e-6))


def suite():
    def large_but_finite(j, value):
        loss = float(np.asarray(value, dtype=float))
        if not np.isfinite(loss):
            return (f"with a probability of exactly 0 on a true digit the loss is {number(loss)}: log(0) is "
                    f"-infinity, so one confident mistake makes the whole batch's loss infinite.")
        if loss < 2.0:
            return (f"the loss is {number(loss)}, but one of these 4 examples gives its true digit probability 0; "
                    f"that example alone should cost a very large (if finite) amount.")
        return None

    return standard(
        "cross_entropy", Num("the loss"),
        edge=[matches("uniform", "a uniform guess (every digit 0.1) costs log(10) ≈ 2.303"),
              matches("confident", "confident right answers cost almost nothing"),
              prop("zero", "zero", "a probability of 0 on the true digit costs a large but finite loss",
                   large_but_finite),
              matches("f32", "works on float32 probabilities"),
              python_float("f32")],
        mistakes=[
            Mistake("digits_as_columns", "ten column numbers, one per digit, instead of one per example",
                    "the labels Y, one per example, were paired with 10 column numbers: the number of digits, "
                    "A2's rows, taken for the number of examples. Example i's probabilities are column i of A2, so "
                    "the column numbers run over the examples, as many as Y has labels (A2's columns).",
                    Fix((Edit("m = A2.shape[0]", "m = A2.shape[1]"),)), error=("IndexError", digits_as_columns)),
            Mistake("whole_rows", "A2[Y, :], whole rows, instead of one entry per column",
                    "A2[Y, :] takes the whole row Y[i] for every i: an (m, m) table of every example's probability "
                    "of every example's label, and its mean is not the loss. Each example i needs one entry, row "
                    "Y[i] of its own column i: index the rows with Y and the columns with the examples' numbers 0 to "
                    "m - 1, side by side.",
                    Fix((Edit("p = A2[Y, :]", "p = A2[Y, np.arange(Y.size)]"),)), matches=whole_rows),
            Mistake("sum", "summing the losses instead of averaging them",
                    "a sum grows with the batch size, so the same network would look worse on bigger batches "
                    "and the step size would have to change with m. Average over the examples instead.",
                    Fix((Edit("-np.sum(np.log(p))", "-np.mean(np.log(p))"),)),
                    matches=lambda j, c: _ratio(j, c, j.case(c).dims["m"])),
            Mistake("no_minus", "a missing minus sign",
                    "the log of a probability is negative or zero; the loss is minus that log, so it is positive "
                    "and shrinks as the probability of the true digit grows.",
                    Fix((Edit("np.mean(np.log(p))", "-np.mean(np.log(p))"),)),
                    matches=lambda j, c: _ratio(j, c, -1.0)),
            Mistake("m_from_rows", "dividing by the number of digits (A2.shape[0]) instead of the examples",
                    "A2 has one row per digit and one column per example: the number of examples, the m to "
                    "average over, is the number of columns.", Fix((Edit("m = A2.shape[0]", "m = A2.shape[1]"),)),
                    matches=lambda j, c: j.case(c).dims["m"] != 1 and _ratio(j, c, j.case(c).dims["m"] / 10)),
            Mistake("log10", "np.log10 instead of the natural log",
                    "cross-entropy uses the natural logarithm, whose slope gives the clean gradient of the next "
                    "lessons; log10 is smaller by a constant factor, ln(10).", Fix((Edit("np.log10(p)", "np.log(p)"),)),
                    matches=lambda j, c: _ratio(j, c, 1 / np.log(10))),
            Mistake("mean_all", "counting the logs of all ten probabilities, not just the true digit's",
                    "only the probability the network gave the true digit counts: pick one entry per column, in "
                    "the row of that column's label, before taking logs and averaging.",
                    Fix((Edit(("np.mean(np.log(np.maximum(A2, 1e-12)))",
                               "np.sum(np.log(np.maximum(A2, 1e-12))) / Y.size"),
                              "np.mean(np.log(np.maximum(A2[Y, np.arange(Y.size)], 1e-12)))"),)),
                    matches=every_digit),
            Mistake("mean_over_entries", "averaging over all 10 x m entries instead of over the m examples",
                    "the loss is exactly a tenth of the right one: the true digits' logs were picked, but the mean "
                    "divided their sum by every entry of the (10, m) matrix, ten per example. The loss is an average "
                    "over the examples: sum the picked logs and divide by m, the number of columns.",
                    Fix((Edit("-np.mean(one_hot(Y) * np.log(np.maximum(A2, 1e-12)))",
                              "-np.sum(one_hot(Y) * np.log(np.maximum(A2, 1e-12))) / Y.size"),)),
                    matches=lambda j, c: j.case(c).dims["m"] != 1 and _ratio(j, c, 0.1)),
            Mistake("per_example", "returning one loss per example",
                    "the loss of a batch is one number, the average of the examples' losses.",
                    Fix((Edit("return -np.log(np.maximum(A2[Y, np.arange(Y.size)], 1e-12))",
                              "return float(-np.mean(np.log(np.maximum(A2[Y, np.arange(Y.size)], 1e-12))))"),)),
                    matches=lambda j, c: np.shape(j.value(c)) in ((j.case(c).dims["m"],), (1, j.case(c).dims["m"]))
                    and j.case(c).dims["m"] > 1),
            Mistake("swapped_index", "the example and digit indices the other way round",
                    "A2 is (10, m): its first index picks a row, a digit, and its second a column, an example. The "
                    "probability the network gave example i's true digit sits at row Y[i], column i. Indexed the "
                    "other way round, a digit (up to 9) is used as a column number where there are only m columns, "
                    "which is the index error, or, on a small batch, the wrong entries are picked.",
                    Fix((Edit("A2[np.arange(m), Y]", "A2[Y, np.arange(m)]"),)), matches=swapped,
                    error=("IndexError", lambda j, c, message: swapped(j, c, message))),
            Mistake("floor_after_log", "flooring the log at 1e-12 instead of the probability",
                    "the floor protects log from a probability of exactly 0, so it goes inside the log: floor the "
                    "probability, then take its log. A floor on the log replaces every log-probability (each one "
                    "negative) by 1e-12, so the loss comes out about 0 whatever the network says.",
                    Fix((Edit("np.maximum(np.log(p), 1e-12)", "np.log(np.maximum(p, 1e-12))"),)),
                    matches=lambda j, c: _loss(j, c) is not None and abs(_loss(j, c)) < 1e-9
                    and abs(float(j.expected(c))) > 1e-6),
            Mistake("numpy_scalar", "returning a NumPy float32, not a Python float",
                    "np.mean of float32 numbers is a NumPy float32, which is not a Python float (np.float64 happens "
                    "to be one). float(...) turns it into a plain number: a history of losses then prints as "
                    "[2.3, 2.28, ...], and json can save it.",
                    Fix((Edit("return -np.mean(np.log(np.maximum(p, 1e-12)))",
                              "return float(-np.log(np.maximum(p, 1e-12)).mean())"),)),
                    matches=numpy_scalar, on=("python_float",)),
            Mistake("no_floor", "taking the log of a probability that can be 0",
                    "a network can round a probability to exactly 0.0, and log(0) is -infinity: one such example "
                    "makes the loss infinite and the gradient useless. Put a tiny floor under the probabilities "
                    "before the log; it leaves every ordinary probability as it is.",
                    Fix((Edit("np.log(A2[Y, np.arange(m)])", "np.log(np.maximum(A2[Y, np.arange(m)], 1e-12))"),)),
                    matches=lambda j, c: c == "zero" and not np.isfinite(np.asarray(j.value(c), dtype=float)).all()),
        ],
        args=ARGS, signature=SIGNATURE, shape_purpose="returns one number", type_purpose="returns a single number",
        finite_case="fixed")


SUITE = suite()
