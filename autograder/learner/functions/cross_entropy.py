"""``cross_entropy``: what it returns, its checks in order, and the mistakes they can name."""

from ..checks import matches, standard
from ..judge import Mistake
from ..spec import Num

ARGS = ('A2', 'Y')


def suite():
    return standard(
        "cross_entropy", Num("the loss"),
        edge=[matches("uniform", "a uniform guess (every digit 0.1) costs log(10) ≈ 2.303"),
              matches("confident", "confident right answers cost almost nothing"),
              matches("f32", "works on float32 probabilities")],
        mistakes=[
            Mistake("sum", "summing the losses instead of averaging them",
                    "divide by the number of examples (or use np.mean) so the loss does not grow with the "
                    "batch size."),
            Mistake("no_minus", "a missing minus sign",
                    "log of a probability is negative; the loss is -log p, so it is positive and shrinks "
                    "as p grows."),
            Mistake("mean_all", "averaging log-probabilities of every digit, not just the right one",
                    "only the probability of the true label counts: `A2[Y, np.arange(m)]`."),
            Mistake("per_example", "returning one loss per example",
                    "the loss is one number: average the per-example losses with np.mean."),
        ],
        args=ARGS, shape_purpose="returns one number", type_purpose="returns a single number", finite_case="fixed")


SUITE = suite()
