"""``decay_weights``: what it returns, its checks in order, and the mistakes they can name."""
import numpy as np

from ..checks import changed_input, matches, prop, standard
from ..judge import Mistake
from ..spec import Layers
from .forward_layers import float32_problem, float64_out

SIGNATURE = "decay_weights(params, lr, weight_decay)"
ARGS = ("params", "lr", "weight_decay")  # the parameters the checks pass by position, in order


def suite():
    def weights_only(j, case):
        value = j.value(case)
        return isinstance(value, (list, tuple)) and all(isinstance(x, np.ndarray) and x.ndim == 2 and x.shape[1] > 1
                                                        for x in value)

    def keeps_float32(j, value):
        return float32_problem(j, "f32", value, "params")

    return standard(
        "decay_weights", Layers("decay_weights(...)", "W", "b"),
        edge=[matches("zero", "weight_decay = 0 leaves every parameter as it was"),
              matches("deep", "works for any number of layers"),
              matches("f32", "gives the right values in float32"),
              prop("float32", "f32", "keeps float32 float32", keeps_float32)],
        values=("fixed", "random"),
        mistakes=[
            Mistake("in_place", "shrinking the weights in place",
                    "`*=` changes the caller's arrays: the parameters of an earlier epoch, kept for early "
                    "stopping, would shrink too. Return new arrays.",
                    "multiply each W into a new array and return the new list", matches=changed_input),
            Mistake("decays_biases", "decaying the biases too",
                    "weight decay pulls the weights towards 0 so that no single input gets too much say; a bias "
                    "only shifts a unit's threshold and does not make the function more complex, so it is left "
                    "alone.", "keep each b as it is"),
            Mistake("forgets_lr", "shrinking by 1 - weight_decay instead of 1 - lr * weight_decay",
                    "decoupled weight decay is a step of its own, scaled by the same step size as the gradient "
                    "step: the factor is 1 - lr * weight_decay (with lr = 3e-3 and weight_decay = 0.1, a "
                    "0.03% shrink per step, not 10%).", "multiply by `(1 - lr * weight_decay)`"),
            Mistake("grows", "multiplying by 1 + lr * weight_decay",
                    "decay makes the weights smaller: each step multiplies them by a factor just below 1.",
                    "multiply by `(1 - lr * weight_decay)`"),
            Mistake("subtracts", "subtracting lr * weight_decay instead of multiplying",
                    "weight decay shrinks each weight in proportion to its size, W - lr * weight_decay * W: large "
                    "weights lose more, and a weight at 0 stays at 0.", "multiply by `(1 - lr * weight_decay)`"),
            Mistake("weights_only", "returning the weights without their biases",
                    "the result must have the shape of params, a list of (W, b) pairs, so that it can be used as "
                    "the next params.", "return `(new W, b)` for every layer", matches=weights_only),
            Mistake("upcasts", "turning float32 into float64",
                    "with float32 parameters the decayed ones should be float32 too.",
                    "multiply by a Python number, which keeps the array's own type",
                    matches=lambda j, c: c == "f32" and float64_out(j, c)),
        ],
        args=ARGS, signature=SIGNATURE, shape_purpose="returns one (W, b) pair per layer, shaped as given",
        type_purpose="returns a list of (W, b) pairs")


SUITE = suite()
