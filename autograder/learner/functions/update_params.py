"""``update_params``: what it returns, its checks in order, and the mistakes they can name."""

from ..checks import PARAMS, changed_input, matches, standard
from ..judge import Edit, Fix, Mistake
from ..spec import Tup

SIGNATURE = "update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)"
ARGS = ('W1', 'b1', 'W2', 'b2', 'dW1', 'db1', 'dW2', 'db2', 'alpha')  # the parameters the checks pass by position, in order


def suite():
    return standard(
        "update_params", Tup("update_params(...)", PARAMS),
        edge=[matches("zero_alpha", "alpha = 0 leaves the parameters as they were")],
        values=("fixed", "random"),
        mistakes=[
            Mistake("plus", "updating with + instead of -",
                    "the gradient points uphill, towards a larger loss: each step must go against it.",
                    Fix((Edit("return W1 + alpha * dW1, b1 + alpha * db1, W2 + alpha * dW2, b2 + alpha * db2",
                              "return W1 - alpha * dW1, b1 - alpha * db1, W2 - alpha * dW2, b2 - alpha * db2"),))),
            Mistake("ignores_alpha", "ignoring the learning rate alpha",
                    "alpha sets the size of each step: the change to a parameter is alpha times its gradient.",
                    Fix((Edit("return W1 - dW1, b1 - db1, W2 - dW2, b2 - db2", "return W1 - alpha * dW1, b1 - alpha * db1, W2 - alpha * dW2, b2 - alpha * db2"),))),
            Mistake("in_place", "updating the parameters in place",
                    "-= changes the caller's arrays too, so the parameters passed in are lost; the lesson asks "
                    "for new arrays.", Fix(tuple(Edit(f"{p} -= alpha * d{p}", f"{p} = {p} - alpha * d{p}")
                                           for p in ("W1", "b1", "W2", "b2"))), matches=changed_input),
            Mistake("weights_only", "updating the weights but not the biases",
                    "the biases are parameters too, and their gradients say how to move them.",
                    Fix((Edit("return W1 - alpha * dW1, b1, W2 - alpha * dW2, b2", "return W1 - alpha * dW1, b1 - alpha * db1, W2 - alpha * dW2, b2 - alpha * db2"),))),
            Mistake("wrong_order", "returning the parameters in another order",
                    "they must come back in the order they came in, so the caller can unpack them the same way.",
                    Fix((Edit("return W1 - alpha * dW1, W2 - alpha * dW2, b1 - alpha * db1, b2 - alpha * db2",
                              "return W1 - alpha * dW1, b1 - alpha * db1, W2 - alpha * dW2, b2 - alpha * db2"),))),
        ],
        args=ARGS, signature=SIGNATURE, shape_purpose="returns W1 (10, 784), b1 (10, 1), W2 (10, 10), b2 (10, 1)",
        type_purpose="returns a tuple of four arrays", finite_case="fixed")


SUITE = suite()
