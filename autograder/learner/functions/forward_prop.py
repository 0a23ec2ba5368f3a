"""``forward_prop``: what it returns, its checks in order, and the mistakes they can name."""

from ..checks import matches, standard
from ..judge import Mistake
from ..spec import Arr, Tup

ARGS = ('W1', 'b1', 'W2', 'b2', 'X')


def suite():
    return standard(
        "forward_prop", Tup("forward_prop(...)", tuple(Arr(n, (10, "m")) for n in ("Z1", "A1", "Z2", "A2"))),
        edge=[matches("f32", "works on float32 images")],
        mistakes=[
            Mistake("no_bias", "leaving out the biases",
                    "each layer adds its bias after the product: `Z1 = W1 @ X + b1`, `Z2 = W2 @ A1 + b2`."),
            Mistake("relu_output", "ReLU on the output layer",
                    "the output layer uses softmax: `A2 = softmax(Z2)`; ReLU is for the hidden layer only."),
            Mistake("skip_activation", "feeding Z1 instead of A1 to the second layer",
                    "the second layer takes the hidden layer's activations: `Z2 = W2 @ A1 + b2`."),
            Mistake("softmax_hidden", "softmax on the hidden layer",
                    "the hidden layer uses ReLU: `A1 = relu(Z1)`; softmax belongs to the output layer."),
            Mistake("wrong_order", "returning the four arrays in another order",
                    "return them in the order they are computed: `return Z1, A1, Z2, A2`."),
            Mistake("x_transposed", "multiplying by X.T",
                    "X is already (784, m), one column per image: `W1 @ X` gives (10, m).",
                    error=("ValueError", "matmul")),
        ],
        args=ARGS, shape_purpose="returns Z1, A1, Z2, A2, each (10, m)", type_purpose="returns a tuple of four arrays")


SUITE = suite()
