"""``backward_layers``: the inputs its checks call it with, its catalogued mistakes and right variants.

The caches come from the reference's forward_layers, so they are consistent with
the params, as the learner's own would be.
"""
import numpy as np

from solutions import deep as ref

from ._inputs import F32_RTOL, _images, _labels, _layer_case, _layers, hidden_rng


def cases():
    r = np.random.default_rng(20)
    h = hidden_rng(9020)
    out = []
    for name, label, sizes, m, rng, digits in (
            ("fixed", "a 6-5-4-10 network on 3 examples", [6, 5, 4, 10], 3, r, 10),
            ("random", "a 784-16-10 network on a batch of 7 images", [784, 16, 10], 7, r, 10),
            ("m1", "a 784-16-10 network on a single image", [784, 16, 10], 1, r, 10),
            ("deep", "a 784-16-12-8-10 network on 5 images", [784, 16, 12, 8, 10], 5, r, 10),
            ("one_layer", "a single 784-10 layer on 4 images", [784, 10], 4, r, 10),
            ("no9", "a 784-16-10 network on 10 images, none of them a 9", [784, 16, 10], 10, r, 9),
            ("f32", "a float32 784-16-10 network on 6 float32 images", [784, 16, 10], 6, r, 10),
            ("hidden", "a hidden 784-20-15-10 network on 9 images", [784, 20, 15, 10], 9, h, 10)):
        X = _images(rng, m) if sizes[0] == 784 else np.round(rng.normal(0, 1, (sizes[0], m)), 2)
        params = _layers(rng, sizes)
        Y = _labels(rng, m, digits)
        rtol = 1e-6
        if name == "f32":
            X, params, rtol = X.astype(np.float32), [(W.astype(np.float32), b.astype(np.float32)) for W, b in params], \
                F32_RTOL
        _, cache = ref.forward_layers(params, X)
        out.append(_layer_case(name, label, [params, cache, Y], sizes=sizes, m=m, rtol=rtol))
    s = np.random.default_rng(40)  # every product fits: W and W.T, this layer's and the one below's
    X, params, Y = np.round(s.normal(0, 1, (10, 4)), 2), _layers(s, [10, 10, 10, 10]), _labels(s, 4)
    _, cache = ref.forward_layers(params, X)
    out.append(_layer_case("square", "a 10-10-10-10 network on 4 examples", [params, cache, Y],
                           sizes=[10, 10, 10, 10], m=4))
    return out


TEMPLATE = '''
def backward_layers(params, cache, Y):
    Z = cache[-1][1]
    m = Z.shape[1]
    dZ = {error}
    grads = []
    for l in reversed(range(len(params))):
        A_prev, Z = cache[l]
        if l < len(params) - 1:
            dZ = {gate}
        grads.append(({dW}, {db}))
        if l > 0:
            dA = {dA}
    return {result}
'''
RIGHT = {"error": "(softmax(Z) - one_hot(Y)) / m", "gate": "dA * relu_deriv(Z)", "dW": "dZ @ A_prev.T",
         "db": "dZ.sum(axis=1, keepdims=True)", "dA": "params[l][0].T @ dZ", "result": "grads[::-1]"}


def mutant(**changes):
    return TEMPLATE.format(**{**RIGHT, **changes})


MUTANTS = {
    "in_place": '''
def backward_layers(params, cache, Y):
    Z = cache[-1][1]
    m = Z.shape[1]
    dZ = (softmax(Z) - one_hot(Y)) / m
    grads = []
    for l in reversed(range(len(params))):
        A_prev, Z = cache[l]
        if l < len(params) - 1:
            Z[Z > 0] = 1
            Z[Z <= 0] = 0
            dZ = dA * Z
        grads.append((dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True)))
        if l > 0:
            dA = params[l][0].T @ dZ
    return grads[::-1]
''',
    "scalar_db": mutant(db="np.sum(dZ)"),
    "relu_on_output": mutant(error="(softmax(Z) - one_hot(Y)) / m * relu_deriv(Z)"),
    "no_keepdims": mutant(db="np.sum(dZ, axis=1)"),
    "divides_by_m_again": mutant(dW="dZ @ A_prev.T / m", db="dZ.sum(axis=1, keepdims=True) / m"),
    "target_only_over_m": mutant(error="softmax(Z) - one_hot(Y) / m"),
    "no_divide_by_m": mutant(error="softmax(Z) - one_hot(Y)"),
    "sign_flip": mutant(error="(one_hot(Y) - softmax(Z)) / m"),
    "no_relu_deriv": mutant(gate="dA"),
    "one_hot_rows": mutant(error="(softmax(Z) - np.eye(Y.max() + 1)[:, Y]) / m"),
    "mask_of_wrong_layer": mutant(gate="dA", dA="(params[l][0].T @ dZ) * relu_deriv(Z)"),
    "not_transposed": mutant(dA="params[l][0] @ dZ"),
    # np.dot, not @: its error differs from a forgotten transpose's, so neither is recognised by the other's
    "weights_below": mutant(dA="np.dot(params[l - 1][0].T, dZ)"),
    "scores_not_probabilities": mutant(error="(Z - one_hot(Y)) / m"),
    "labels_not_one_hot": mutant(error="(softmax(Z) - Y) / m"),
    "reversed_order": mutant(result="grads"),
    "upcasts": mutant(error="(softmax(Z) - np.eye(10)[Y].T) / m"),
    "m_from_rows": mutant().replace("m = Z.shape[1]", "m = Z.shape[0]"),
    "db_over_units": mutant(db="dZ.sum(axis=0, keepdims=True)"),
    "gate_from_error": mutant(gate="dA * relu_deriv(dA)"),
    "first_layer_skipped": mutant().replace("for l in reversed(range(len(params))):",
                                            "for l in reversed(range(1, len(params))):"),
}


VARIANTS = [
    '''
def backward_layers(params, cache, Y):
    # the mask from the next layer's input (relu(Z) > 0 exactly where Z > 0), the target built in place
    A_prev, Z = cache[-1]
    m = Y.shape[0]
    dZ = softmax(Z)
    dZ[Y, np.arange(m)] -= 1
    dZ /= m
    grads = [None] * len(params)
    for l in range(len(params) - 1, -1, -1):
        A_prev = cache[l][0]
        grads[l] = (dZ.dot(A_prev.T), np.sum(dZ, axis=1, keepdims=True))
        if l > 0:
            dZ = params[l][0].T.dot(dZ) * (A_prev > 0)
    return grads
''',
    '''
def backward_layers(params, cache, Y):
    # dA computed for every layer, the first one's thrown away; lists instead of tuples
    L = len(params)
    m = Y.size
    A = softmax(cache[L - 1][1])
    dZ = (A - one_hot(Y).astype(A.dtype)) / m
    grads = []
    for l in range(L - 1, -1, -1):
        A_prev, Z = cache[l]
        if l != L - 1:
            dZ = dA * (Z > 0)
        grads.insert(0, [dZ @ A_prev.T, dZ.sum(axis=1).reshape(-1, 1)])
        dA = params[l][0].T @ dZ
    return grads
''',
]
