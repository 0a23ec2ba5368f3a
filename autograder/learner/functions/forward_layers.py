"""``forward_layers``: what it returns, its checks in order, and the mistakes they can name."""
import numpy as np

from ..checks import is_softmax_of, matches, prop, same_softmax, standard
from ..judge import Edit, Fix, Mistake
from ..spec import Arr, Layers, Tup, leaves
from .forward_prop import flat_bias

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


def _close(a, b):
    return np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=1e-4, atol=1e-6)


def walk(j, c):
    """(params, X, A, [(A_prev, Z)] as float arrays) of an answer whose cache has one pair per layer, else None."""
    value = j.value(c)
    params, X = j.case(c).args
    try:
        A, cache = value
        pairs = [(np.asarray(a, dtype=float), np.asarray(z, dtype=float)) for a, z in cache]
        params = [(np.asarray(W, dtype=float), np.asarray(b, dtype=float)) for W, b in params]
        A = np.asarray(A, dtype=float)
    except Exception:  # another structure: nothing to walk
        return None
    if len(pairs) != len(params):
        return None
    return params, np.asarray(X, dtype=float), A, pairs


def wrong_last(test):
    """A matcher on (A, the answer's own last Z) for an answer whose A is wrong."""
    def run(j, c):
        found = walk(j, c)
        if found is None:
            return False
        want = np.asarray(j.expected(c)[0], dtype=float)
        _, _, A, pairs = found
        return not _close(A, want) and bool(test(A, pairs[-1][1]))
    return run


def suite():
    def keeps_float32(j, value):
        return float32_problem(j, "f32", value)

    def rows_sum_to_one(A, Z):
        """Softmax taken along the rows: its sum, or its maximum (a different shift for each entry of a
        column), across each row instead of down each column."""
        if A.ndim != 2 or A.shape[1] < 2 or not np.isfinite(A).all():
            return False
        if np.allclose(A.sum(axis=1), 1, atol=1e-4) and not np.allclose(A.sum(axis=0), 1, atol=1e-4):
            return True
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        with np.errstate(all="ignore"):
            return _close(A, E / E.sum(axis=0, keepdims=True))

    def whole_sum(A, Z):
        return A.ndim == 2 and A.shape[1] > 1 and np.isfinite(A).all() and np.isclose(A.sum(), 1, atol=1e-4)

    def relu_last(A, Z):
        R = np.maximum(0, Z)
        with np.errstate(all="ignore"):
            return (_close(A, R) and not _close(R, Z)) or (is_softmax_of(A, R) and not same_softmax(R, Z))

    def hidden(test):
        """A matcher: some hidden layer's output, as the next layer's cached input, fits ``test(its own Z)``."""
        def run(j, c):
            found = walk(j, c)
            if found is None or j.right_on(c):
                return False
            _, _, _, pairs = found
            return any(test(pairs[l + 1][0], pairs[l][1]) for l in range(len(pairs) - 1))
        return run

    def rectified(found):
        """A hidden layer's cached Z has no negative entry and is ReLU of that layer's own score."""
        params, _, _, pairs = found
        return any(_close(pairs[l][1], np.maximum(W @ pairs[l][0] + b, 0)) and
                   not _close(pairs[l][1], W @ pairs[l][0] + b)
                   for l, (W, b) in enumerate(params[:-1]))

    def last_cached_output(found):
        """The last layer's cached Z is its output, softmax of its own score: the activations are cached."""
        params, _, _, pairs = found
        (W, b), (a, z) = params[-1], pairs[-1]
        score = W @ a + b
        return z.shape == score.shape and is_softmax_of(z, score) and not _close(z, score)

    def cached_activation(j, c):
        """Every layer's cached Z is its activation: relu(Z) for the hidden ones, softmax(Z) for the last."""
        found = walk(j, c)
        return found is not None and not j.right_on(c) and rectified(found) and last_cached_output(found)

    def rectified_cache(j, c):
        """The hidden layers' cached Z are relu(Z), the last layer's is its score: ReLU went on Z after it was
        cached, in place, or relu(Z) was cached for the hidden layers only (the output cannot tell which)."""
        found = walk(j, c)
        return found is not None and not j.right_on(c) and rectified(found) and not last_cached_output(found)

    def by_width(j, c):
        """Softmax after exactly the hidden layers that are 10 units wide, ReLU after the others."""
        found = walk(j, c)
        if found is None:
            return False
        _, _, _, pairs = found
        hidden = [(pairs[l + 1][0], pairs[l][1]) for l in range(len(pairs) - 1)]
        return all(is_softmax_of(out, z) if z.shape[0] == 10 else _close(out, np.maximum(z, 0))
                   for out, z in hidden)

    def last_by_size(j, c):
        """Wrong on a network with a hidden layer 10 units wide, by softmax after exactly its 10-wide hidden
        layers, and right on the networks whose hidden layers are of other widths: the last layer picked by its
        width, not its place."""
        found = walk(j, c)
        if found is None or j.right_on(c) or not any(z.shape[0] == 10 for _, z in found[3][:-1]):
            return False
        return by_width(j, c) and all(j.right_on(n) for n in ("fixed", "deep"))

    def output_as_input(j, c):
        """A layer's cached input is that layer's own output (relu(Z), or softmax(Z) for the last)."""
        found = walk(j, c)
        if found is None or j.right_on(c):
            return False
        _, _, A, pairs = found
        last = len(pairs) - 1
        return any((_close(a, np.maximum(z, 0)) if l < last else is_softmax_of(a, z)) and a.shape == z.shape
                   for l, (a, z) in enumerate(pairs))

    def bias_left_out(j, c):
        found = walk(j, c)
        if found is None or j.right_on(c):
            return False
        params, _, _, pairs = found
        return any(_close(z, W @ a) and not _close(z, W @ a + b) for (W, b), (a, z) in zip(params, pairs))

    def x_everywhere(j, c):
        found = walk(j, c)
        return found is not None and len(found[3]) > 1 and all(
            _close(a, found[1]) for a, _ in found[3])

    LAST = "A = relu(Z) if l < len(params) - 1 else softmax(Z)"
    return standard(
        "forward_layers", Tup("forward_layers(...)", (Arr("A", ("n_out", "m")),
                                                      Layers("cache", "A", "Z", kind="cache"))),
        edge=[matches("deep", "works for four layers of MNIST-sized inputs"),
              matches("one_layer", "works for a single layer (softmax of W X + b)"),
              matches("ten_wide", "works when a hidden layer is 10 units wide, like part 1's 784-10-10"),
              matches("f32", "gives the right values in float32"),
              matches("confident", "stays finite when the last layer's scores are huge (like 1000)"),
              prop("float32", "f32", "keeps float32 inputs float32", keeps_float32)],
        mistakes=[
            Mistake("relu_on_last", "ReLU on the last layer too",
                    "the last layer's scores go straight into softmax: negative scores are information (this digit "
                    "is unlikely), and ReLU would flatten them all to 0.",
                    Fix((Edit("A = relu(Z)\nif l == len(params) - 1:\n    A = softmax(A)", LAST),)),
                    matches=wrong_last(relu_last)),
            Mistake("no_softmax", "returning the last layer's scores instead of softmax's probabilities",
                    "A must be probabilities, each column summing to 1, as in part 1: softmax turns the last "
                    "layer's scores into them.",
                    Fix((Edit("A = relu(Z) if l < len(params) - 1 else Z", LAST),)),
                    matches=wrong_last(lambda A, Z: _close(A, Z))),
            Mistake("no_shift", "softmax without subtracting each column's maximum",
                    "np.exp overflows past about 709, and a confident network's last scores can be far larger: "
                    "subtracting each column's largest score first changes no probability and keeps every "
                    "exponent at or below 0 (as in part 1's softmax).",
                    Fix((Edit("np.exp(Z) / np.exp(Z).sum(axis=0, keepdims=True)", "softmax(Z)"),)),
                    matches=lambda j, c: c == "confident" and isinstance(j.value(c), (tuple, list))
                    and not np.isfinite(np.asarray(j.value(c)[0], dtype=float)).all()),
            Mistake("softmax_rows", "softmax across each row instead of down each column",
                    "each column of Z is one example, so each column of A must be that example's probabilities, "
                    "summing to 1: the maximum and the sum are taken down the columns.",
                    Fix((Edit("E = np.exp(Z - Z.max(axis=1, keepdims=True))\nA = E / E.sum(axis=1, keepdims=True)",
                              "E = np.exp(Z - Z.max(axis=0, keepdims=True))\nA = E / E.sum(axis=0, keepdims=True)"),)),
                    matches=wrong_last(rows_sum_to_one)),
            Mistake("sum_all", "softmax over the whole matrix",
                    "a sum with no axis adds the scores of every example together, so the whole A sums to 1 and "
                    "each column to much less: each column is one example, divided by its own sum.",
                    Fix((Edit("A = E / E.sum()", "A = E / E.sum(axis=0, keepdims=True)"),)),
                    matches=wrong_last(whole_sum)),
            Mistake("last_by_size", "picking the last layer by its width (W.shape[0] == 10) instead of its place",
                    "on part 1's 784-10-10 network the hidden layer, 10 units wide, got softmax instead of ReLU: a "
                    "hidden layer may be 10 units wide too, and an output need not be. The last layer is the last "
                    "pair in params, whatever its width: tell it by its place (l == len(params) - 1, or the cache "
                    "holding a pair for every layer).",
                    Fix((Edit("A = softmax(Z) if W.shape[0] == 10 else relu(Z)",
                              "A = softmax(Z) if len(cache) == len(params) else relu(Z)"),)),
                    matches=last_by_size),
            Mistake("softmax_everywhere", "softmax after every layer",
                    "the hidden layers use ReLU; softmax belongs only after the last layer, where the scores "
                    "become probabilities over the ten digits.",
                    Fix((Edit("A = softmax(Z)", LAST),)),
                    matches=hidden(lambda out, z: is_softmax_of(out, z) and not _close(out, np.maximum(z, 0))),
                    partial=True),
            Mistake("no_relu", "no ReLU on the hidden layers",
                    "without a bend between them, layers of W A + b add up to one layer: a product of matrices is "
                    "a matrix. Each hidden layer's scores go through ReLU before the next layer reads them.",
                    Fix((Edit("A = Z if l < len(params) - 1 else softmax(Z)", LAST),)),
                    matches=hidden(lambda out, z: _close(out, z) and (z < 0).any()), partial=True),
            Mistake("cache_after_relu", "caching the activation relu(Z) instead of the score Z",
                    "backward_layers needs each layer's scores Z, before ReLU, to know where ReLU let the error "
                    "through (where Z > 0) and to compute the last layer's softmax.",
                    Fix((Edit("cache.append((A_prev, A))", "cache.append((A_prev, Z))"),)),
                    matches=cached_activation, partial=True),
            Mistake("rectified_cache", "the hidden layers' cached Z rectified: ReLU applied to Z in place after "
                    "caching it, or relu(Z) cached",
                    "the hidden layers' cached scores have no negative entries (they hold relu(Z)), while the last "
                    "layer's are right. Either ReLU changed Z itself after it was cached (np.maximum(Z, 0, out=Z), "
                    "Z[Z < 0] = 0, or an A = Z whose negatives are then zeroed: a second name for the same array, "
                    "not a copy), or the hidden layers cache relu(Z) instead of Z. backward_layers needs the scores "
                    "as they were, to know where ReLU let the error through: cache Z and make the activation a new "
                    "array, A = relu(Z).",
                    Fix((Edit("A = np.maximum(Z, 0, out=Z)", "A = relu(Z)"),
                         Edit("cache.append((A_prev, A))", "cache.append((A_prev, Z))"))),
                    matches=rectified_cache, partial=True),
            Mistake("cache_output_as_input", "caching a layer's output as its input",
                    "each layer needs its own input, A_prev, to compute dW = dZ A_prev^T: store it before A is "
                    "replaced by the layer's output.",
                    Fix((Edit(f"{LAST}\ncache.append((A, Z))", f"cache.append((A, Z))\n{LAST}"),)),
                    matches=output_as_input, partial=True),
            Mistake("no_bias", "leaving out the bias",
                    "each layer computes W A + b: without b a unit cannot shift its threshold.",
                    Fix((Edit("Z = W @ A", "Z = W @ A + b"),)), matches=bias_left_out, partial=True),
            Mistake("flat_bias", "a bias flattened to a vector of shape (n,)",
                    "NumPy lines shapes up from the right: an (n,) vector meets a layer's (n, m) scores along the "
                    "examples axis, not down the units (an error, or silently wrong when m happens to equal n). "
                    "Each bias is an (n, 1) column, one value per unit, which broadcasts across the m examples: "
                    "add it as it is.", Fix((Edit("Z = W @ A + b.reshape(-1)", "Z = W @ A + b"),)),
                    error=("ValueError", flat_bias)),
            Mistake("same_input", "feeding X to every layer",
                    "the layers are a chain: each one's input is the previous one's output, A, which starts as X.",
                    Fix((Edit("Z = W @ X + b", "Z = W @ A + b"), Edit("cache.append((X, Z))", "cache.append((A, Z))"))),
                    matches=x_everywhere, error=("ValueError", "matmul")),
            Mistake("upcasts", "turning float32 into float64",
                    "float32 data and parameters should stay float32: half the bytes to move at every step. "
                    "Something in your pass makes float64 (np.array(..., dtype=float), .astype(float), "
                    "np.float64 constants): leave the arrays' own type alone.",
                    Fix((Edit("A = np.array(X, dtype=float)", "A = X"),)),
                    matches=lambda j, c: c == "f32" and float64_out(j, c)),
        ],
        args=ARGS, signature=SIGNATURE,
        shape_purpose="returns A (10, m) and one (A_prev, Z) pair per layer",
        type_purpose="returns A and the cache, a list of (A_prev, Z) pairs")


SUITE = suite()
