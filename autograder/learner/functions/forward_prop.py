"""``forward_prop``: what it returns, its checks in order, and the mistakes they can name."""

from ..checks import matches, standard
from ..judge import Mistake
from ..spec import Arr, Tup

SIGNATURE = "forward_prop(W1, b1, W2, b2, X)"
ARGS = ('W1', 'b1', 'W2', 'b2', 'X')  # the parameters the checks pass by position, in order


def suite():
    return standard(
        "forward_prop", Tup("forward_prop(...)", tuple(Arr(n, (10, "m")) for n in ("Z1", "A1", "Z2", "A2"))),
        edge=[matches("f32", "works on float32 images")],
        mistakes=[
            Mistake("no_bias", "leaving out a bias",
                    "each layer adds its bias after the matrix product; without it, a unit's score is forced "
                    "through 0 for a blank input.", "`Z1 = W1 @ X + b1` and `Z2 = W2 @ A1 + b2`"),
            Mistake("relu_output", "ReLU on the output layer",
                    "the output layer turns scores into probabilities, which softmax does; ReLU is for the hidden "
                    "layer only.", "`A2 = softmax(Z2)`"),
            Mistake("skip_activation", "feeding Z1 instead of A1 to the second layer",
                    "the second layer reads the hidden layer's activations, after ReLU, not its raw scores.",
                    "`Z2 = W2 @ A1 + b2`"),
            Mistake("softmax_hidden", "softmax on the hidden layer",
                    "the hidden layer bends its scores with ReLU; softmax belongs to the output layer only.",
                    "`A1 = relu(Z1)`"),
            Mistake("wrong_order", "returning the four arrays in another order",
                    "the backward pass unpacks them in the order they are computed: the hidden layer's scores "
                    "and activations, then the output layer's.", "`return Z1, A1, Z2, A2`"),
            Mistake("x_transposed", "multiplying by X.T",
                    "X is already (784, m), one column per image, which is what W1 (10, 784) can multiply: the "
                    "inner sizes must match.", "`W1 @ X`"),
        ],
        args=ARGS, signature=SIGNATURE, shape_purpose="returns Z1, A1, Z2, A2, each (10, m)", type_purpose="returns a tuple of four arrays")


SUITE = suite()
