"""``forward_layers``: the inputs its checks call it with, its catalogued mistakes and right variants."""
import numpy as np

from ._inputs import F32_RTOL, _images, _layer_case, _layers, hidden_rng


def cases():
    r = np.random.default_rng(19)
    h = hidden_rng(9019)
    out = []
    for name, label, sizes, m, rng in (
            ("fixed", "a 6-5-4-10 network on 3 examples", [6, 5, 4, 10], 3, r),
            ("random", "a 784-16-10 network on a batch of 7 images", [784, 16, 10], 7, r),
            ("m1", "a 784-16-10 network on a single image", [784, 16, 10], 1, r),
            ("deep", "a 784-16-12-8-10 network on 5 images", [784, 16, 12, 8, 10], 5, r),
            ("one_layer", "a single 784-10 layer on 4 images", [784, 10], 4, r),
            ("f32", "a float32 784-16-10 network on 6 float32 images", [784, 16, 10], 6, r),
            ("hidden", "a hidden 784-20-15-10 network on 9 images", [784, 20, 15, 10], 9, h)):
        X = _images(rng, m) if sizes[0] == 784 else np.round(rng.normal(0, 1, (sizes[0], m)), 2)
        params = _layers(rng, sizes)
        rtol = 1e-6
        if name == "f32":
            X, params, rtol = X.astype(np.float32), [(W.astype(np.float32), b.astype(np.float32)) for W, b in params], \
                F32_RTOL
        out.append(_layer_case(name, label, [params, X], sizes=sizes, m=m, rtol=rtol))
    c = np.random.default_rng(29)  # a confident network: the last layer's weights 4,000 times larger
    X, params = _images(c, 4), _layers(c, [784, 16, 10])
    params[-1] = (params[-1][0] * 4000, params[-1][1] * 4000)
    out.append(_layer_case("confident", "a 784-16-10 network whose last scores are huge (thousands)",
                           [params, X], sizes=[784, 16, 10], m=4, rtol=1e-6))
    t = np.random.default_rng(39)  # part 1's shape: a hidden layer as wide as the output, 10 units
    X, params = _images(t, 5), _layers(t, [784, 10, 10])
    out.append(_layer_case("ten_wide", "part 1's 784-10-10 network (a hidden layer of 10 units) on 5 images",
                           [params, X], sizes=[784, 10, 10], m=5, rtol=1e-6))
    return out


LOOP = '''
def forward_layers(params, X):
    cache = []
    A = X
    for l, (W, b) in enumerate(params):
        {body}
    return A, cache
'''


def mutant(body):
    return LOOP.format(body=body.strip().replace("\n", "\n        "))


MUTANTS = {
    "relu_on_last": mutant('''
Z = W @ A + b
cache.append((A, Z))
A = relu(Z)
if l == len(params) - 1:
    A = softmax(A)
'''),
    "no_softmax": mutant('''
Z = W @ A + b
cache.append((A, Z))
A = relu(Z) if l < len(params) - 1 else Z
'''),
    "sum_all": mutant('''
Z = W @ A + b
cache.append((A, Z))
if l < len(params) - 1:
    A = relu(Z)
else:
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    A = E / E.sum()
'''),
    "no_relu": mutant('''
Z = W @ A + b
cache.append((A, Z))
A = Z if l < len(params) - 1 else softmax(Z)
'''),
    "softmax_everywhere": mutant('''
Z = W @ A + b
cache.append((A, Z))
A = softmax(Z)
'''),
    "no_shift": mutant('''
Z = W @ A + b
cache.append((A, Z))
A = relu(Z) if l < len(params) - 1 else np.exp(Z) / np.exp(Z).sum(axis=0, keepdims=True)
'''),
    "softmax_rows": mutant('''
Z = W @ A + b
cache.append((A, Z))
if l < len(params) - 1:
    A = relu(Z)
else:
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    A = E / E.sum(axis=1, keepdims=True)
'''),
    "cache_after_relu": mutant('''
Z = W @ A + b
A_prev = A
A = relu(Z) if l < len(params) - 1 else softmax(Z)
cache.append((A_prev, A))
'''),
    "last_by_size": [mutant('''
Z = W @ A + b
cache.append((A, Z))
A = softmax(Z) if W.shape[0] == 10 else relu(Z)
'''), '''
def forward_layers(params, X):
    cache = []
    A = X
    for W, b in params:
        Z = W @ A + b
        cache.append((A, Z))
        A = softmax(Z) if W.shape[0] == 10 else relu(Z)
    return A, cache
'''],
    "rectified_cache": [mutant('''
Z = W @ A + b
cache.append((A, Z))
if l < len(params) - 1:
    A = np.maximum(Z, 0, out=Z)
else:
    A = softmax(Z)
'''), mutant('''
A_prev = A
Z = W @ A + b
if l < len(params) - 1:
    A = relu(Z)
    cache.append((A_prev, A))
else:
    A = softmax(Z)
    cache.append((A_prev, Z))
''')],
    "cache_output_as_input": mutant('''
Z = W @ A + b
A = relu(Z) if l < len(params) - 1 else softmax(Z)
cache.append((A, Z))
'''),
    "no_bias": mutant('''
Z = W @ A
cache.append((A, Z))
A = relu(Z) if l < len(params) - 1 else softmax(Z)
'''),
    "flat_bias": mutant('''
Z = W @ A + b.reshape(-1)
cache.append((A, Z))
A = relu(Z) if l < len(params) - 1 else softmax(Z)
'''),
    "same_input": mutant('''
Z = W @ X + b
cache.append((X, Z))
A = relu(Z) if l < len(params) - 1 else softmax(Z)
'''),
    "upcasts": '''
def forward_layers(params, X):
    cache = []
    A = np.array(X, dtype=float)
    for l, (W, b) in enumerate(params):
        Z = W @ A + b
        cache.append((A, Z))
        A = relu(Z) if l < len(params) - 1 else softmax(Z)
    return A, cache
''',
}


VARIANTS = [
    '''
def forward_layers(params, X):
    # hidden layers in a loop, the last one after it
    cache = []
    A = X
    for W, b in params[:-1]:
        Z = W.dot(A) + b
        cache.append((A, Z))
        A = np.maximum(Z, 0)
    W, b = params[-1]
    Z = W.dot(A) + b
    cache.append((A, Z))
    return softmax(Z), cache
''',
    '''
def forward_layers(params, X):
    # an index loop, lists instead of tuples
    L = len(params)
    cache = []
    A = X
    for l in range(L):
        W, b = params[l]
        Z = np.matmul(W, A) + b
        cache.append([A, Z])
        if l == L - 1:
            A = softmax(Z)
        else:
            A = relu(Z)
    return A, cache
''',
]
