"""``cross_entropy``: what it returns, its checks in order, and the mistakes they can name."""
import numpy as np

from ..checks import matches, prop, standard
from ..judge import Edit, Fix, Mistake
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
              matches("f32", "works on float32 probabilities")],
        mistakes=[
            Mistake("sum", "summing the losses instead of averaging them",
                    "a sum grows with the batch size, so the same network would look worse on bigger batches "
                    "and the step size would have to change with m. Average over the examples instead.",
                    Fix((Edit("-np.sum(np.log(p))", "-np.mean(np.log(p))"),)),
                    matches=lambda j, c: _ratio(j, c, j.case(c).dims["m"])),
            Mistake("no_minus", "a missing minus sign",
                    "the log of a probability is negative or zero; the loss is minus that log, so it is positive "
                    "and shrinks as the probability of the true digit grows.",
                    Fix((Edit("return np.mean(np.log(p))", "return -np.mean(np.log(p))"),)),
                    matches=lambda j, c: _ratio(j, c, -1.0)),
            Mistake("m_from_rows", "dividing by the number of digits (A2.shape[0]) instead of the examples",
                    "A2 has one row per digit and one column per example: the number of examples, the m to "
                    "average over, is the number of columns.", Fix((Edit("m = A2.shape[0]", "m = A2.shape[1]"),)),
                    matches=lambda j, c: _ratio(j, c, j.case(c).dims["m"] / 10)),
            Mistake("log10", "np.log10 instead of the natural log",
                    "cross-entropy uses the natural logarithm, whose slope gives the clean gradient of the next "
                    "lessons; log10 is smaller by a constant factor, ln(10).", Fix((Edit("np.log10(p)", "np.log(p)"),)),
                    matches=lambda j, c: _ratio(j, c, 1 / np.log(10))),
            Mistake("mean_all", "averaging over all ten digits, not just the true one",
                    "only the probability the network gave the true digit counts: pick one entry per column, in "
                    "the row of that column's label, before taking logs and averaging.",
                    Fix((Edit(("return -np.mean(np.log(np.maximum(A2, 1e-12)))",
                               "return -np.mean(one_hot(Y) * np.log(np.maximum(A2, 1e-12)))"),
                              "return -np.mean(np.log(np.maximum(A2[Y, np.arange(Y.size)], 1e-12)))"),))),
            Mistake("per_example", "returning one loss per example",
                    "the loss of a batch is one number, the average of the examples' losses.",
                    Fix((Edit("return -np.log(np.maximum(A2[Y, np.arange(Y.size)], 1e-12))",
                              "return -np.mean(np.log(np.maximum(A2[Y, np.arange(Y.size)], 1e-12)))"),)),
                    matches=lambda j, c: np.shape(j.value(c)) in ((j.case(c).dims["m"],), (1, j.case(c).dims["m"]))
                    and j.case(c).dims["m"] > 1),
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
