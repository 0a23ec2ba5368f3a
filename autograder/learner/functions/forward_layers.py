"""``forward_layers``: what it returns, its checks in order, and the mistakes they can name."""
import numpy as np

from ..checks import matches, standard, prop
from ..judge import Mistake
from ..spec import Arr, Layers, Tup, leaves

SIGNATURE = "forward_layers(params, X)"
ARGS = ("params", "X")  # the parameters the checks pass by position, in order


def float32_problem(j, case, value, what="params and X"):
    """Float32 in must mean float32 out: say which part came back in another type."""
    for spec, v in leaves(j.spec, value):
        if isinstance(v, np.ndarray) and v.dtype != np.float32:
            return j.explain(case, f"with float32 {what}, {spec.name} came back {np.asarray(v).dtype}: everything "
                                   f"should stay float32, half the bytes to move at every step (lesson 17).",
                             prefer="upcasts")
    return None


def float64_out(j, case):
    """Float32 in, some float64 out."""
    value = j.value(case)
    return value is not None and any(isinstance(v, np.ndarray) and v.dtype == np.float64
                                     for _, v in leaves(j.spec, value))


def suite():
    def keeps_float32(j, value):
        return float32_problem(j, "f32", value)

    def rows_sum_to_one(value):
        try:
            A = np.asarray(value[0], dtype=float)
            return A.ndim == 2 and A.shape[1] > 1 and np.allclose(A.sum(axis=1), 1, atol=1e-4) and \
                not np.allclose(A.sum(axis=0), 1, atol=1e-4)
        except Exception:
            return False

    def relu_last(j, case):
        """A is ReLU of the last layer's scores, with or without softmax after it."""
        try:
            A = np.asarray(j.value(case)[0], dtype=float)
            Z = np.asarray(j.expected(case)[1][-1][1], dtype=float)
            R = np.where(Z > 0, Z, 0.0)  # ReLU
            E = np.exp(R - R.max(axis=0, keepdims=True))
            return A.shape == Z.shape and (np.allclose(A, R, rtol=1e-4, atol=1e-6) or
                                           np.allclose(A, E / E.sum(axis=0, keepdims=True), rtol=1e-4, atol=1e-6))
        except Exception:
            return False

    return standard(
        "forward_layers", Tup("forward_layers(...)", (Arr("A", ("n_out", "m")),
                                                      Layers("cache", "A", "Z", kind="cache"))),
        edge=[matches("deep", "works for four layers of MNIST-sized inputs"),
              matches("one_layer", "works for a single layer (softmax of W X + b)"),
              matches("f32", "gives the right values in float32"),
              matches("confident", "stays finite when the last layer's scores are huge (like 1000)"),
              prop("float32", "f32", "keeps float32 inputs float32", keeps_float32)],
        mistakes=[
            Mistake("relu_on_last", "ReLU on the last layer too",
                    "the last layer's scores go straight into softmax: negative scores are information (this digit "
                    "is unlikely), and ReLU would flatten them all to 0.",
                    "apply ReLU to every layer but the last, and softmax to the last", matches=relu_last),
            Mistake("no_softmax", "returning the last layer's scores instead of softmax's probabilities",
                    "A must be probabilities, each column summing to 1, as in part 1: softmax turns the last "
                    "layer's scores into them.", "`A = softmax(Z)` for the last layer"),
            Mistake("no_shift", "softmax without subtracting each column's maximum",
                    "np.exp overflows past about 709, and a confident network's last scores can be far larger: "
                    "subtracting each column's largest score first changes no probability and keeps every "
                    "exponent at or below 0 (as in part 1's softmax).",
                    "`np.exp(Z - Z.max(axis=0, keepdims=True))`, or part 1's `softmax(Z)`",
                    matches=lambda j, c: c == "confident" and isinstance(j.value(c), (tuple, list))
                    and not np.isfinite(np.asarray(j.value(c)[0], dtype=float)).all()),
            Mistake("softmax_rows", "softmax across each row instead of down each column",
                    "each column of Z is one example, so each column of A must be that example's probabilities, "
                    "summing to 1: the maximum and the sum are taken down the columns.",
                    "`axis=0` in the max and the sum (or part 1's `softmax(Z)`)",
                    matches=lambda j, c: rows_sum_to_one(j.value(c))),
            Mistake("softmax_everywhere", "softmax after every layer",
                    "the hidden layers use ReLU; softmax belongs only after the last layer, where the scores "
                    "become probabilities over the ten digits.", "`relu(Z)` for the hidden layers"),
            Mistake("cache_after_relu", "caching the activation relu(Z) instead of the score Z",
                    "backward_layers needs each layer's scores Z, before ReLU, to know where ReLU let the error "
                    "through (where Z > 0) and to compute the last layer's softmax.",
                    "`cache.append((A, Z))` before A is replaced by relu(Z)"),
            Mistake("cache_output_as_input", "caching a layer's output as its input",
                    "each layer needs its own input, A_prev, to compute dW = dZ A_prev^T: store it before A is "
                    "replaced by the layer's output.", "`cache.append((A, Z))` before A is updated"),
            Mistake("no_bias", "leaving out the bias",
                    "each layer computes W A + b: without b a unit cannot shift its threshold.",
                    "`Z = W @ A + b`"),
            Mistake("same_input", "feeding X to every layer",
                    "the layers are a chain: each one's input is the previous one's output, A, which starts as X.",
                    "`Z = W @ A + b`, then A becomes this layer's output", error=("ValueError", "matmul")),
            Mistake("upcasts", "turning float32 into float64",
                    "float32 data and parameters should stay float32: half the bytes to move at every step. "
                    "Something in your pass makes float64 (np.array(..., dtype=float), .astype(float), "
                    "np.float64 constants): leave the arrays' own type alone.",
                    "remove the conversion to float64", matches=lambda j, c: c == "f32" and float64_out(j, c)),
        ],
        args=ARGS, signature=SIGNATURE,
        shape_purpose="returns A (10, m) and one (A_prev, Z) pair per layer",
        type_purpose="returns A and the cache, a list of (A_prev, Z) pairs")


SUITE = suite()
