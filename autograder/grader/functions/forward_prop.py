"""``forward_prop``: the inputs its checks call it with, its catalogued mistakes and right variants.

``cases()`` builds the calls (hidden ones included); ``MUTANTS[mistake_id]``
is a wrong version a learner might write, one for every mistake
``autograder.learner.functions.forward_prop`` can name; ``VARIANTS`` are right
answers written differently, which must pass every check.
"""
import numpy as np

from ._inputs import F32_RTOL, _batch, _case, _images, _params, _shared_params, hidden_rng


def cases():
    r = np.random.default_rng(14)
    h = hidden_rng(9014)
    cases = []
    for name, m, rng in (("fixed", 5, r), ("random", 12, r), ("m1", 1, r), ("f32", 6, r), ("hidden", 17, h)):
        X = _images(rng, m)
        label = _batch(m, "images")
        rtol = 1e-6
        if name == "f32":
            X, label, rtol = X.astype(np.float32), "float32 images", F32_RTOL
        if name == "hidden":
            label = "a hidden batch of 17 images"
        params = _params(rng) if name == "hidden" else _shared_params()
        cases.append(_case(name, label, [*params, X], m=m, rtol=rtol))
    return cases


MUTANTS = {
    'bias_after_relu': '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X
    A1 = relu(Z1) + b1
    Z2 = W2 @ A1 + b2
    A2 = softmax(Z2)
    return Z1, A1, Z2, A2
''',
    'other_bias': ['''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X + b1
    A1 = relu(Z1)
    Z2 = W2 @ A1 + b1
    A2 = softmax(Z2)
    return Z1, A1, Z2, A2
''', '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X + b2
    A1 = relu(Z1)
    Z2 = W2 @ A1 + b2
    A2 = softmax(Z2)
    return Z1, A1, Z2, A2
'''],
    'relu_in_place': '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X + b1
    A1 = Z1
    A1[A1 < 0] = 0
    Z2 = W2 @ A1 + b2
    A2 = softmax(Z2)
    return Z1, A1, Z2, A2
''',
    'softmax_rows': '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X + b1
    A1 = relu(Z1)
    Z2 = W2 @ A1 + b2
    A2 = softmax(Z2.T).T
    return Z1, A1, Z2, A2
''',
    'no_bias': ['''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1.dot(X)
    A1 = relu(Z1)
    Z2 = W2.dot(A1)
    A2 = softmax(Z2)
    return Z1, A1, Z2, A2
''', '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X
    A1 = relu(Z1)
    Z2 = W2 @ A1 + b2
    return Z1, A1, Z2, softmax(Z2)
''', '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X + b1
    A1 = relu(Z1)
    Z2 = W2 @ A1
    return Z1, A1, Z2, softmax(Z2)
'''],
    'relu_output': '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X + b1
    A1 = relu(Z1)
    Z2 = W2 @ A1 + b2
    A2 = relu(Z2)
    return Z1, A1, Z2, A2
''',
    'relu_then_softmax': '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X + b1
    A1 = relu(Z1)
    Z2 = W2 @ A1 + b2
    A2 = softmax(relu(Z2))
    return Z1, A1, Z2, A2
''',
    'flat_bias': '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X + b1.ravel()
    A1 = relu(Z1)
    Z2 = W2 @ A1 + b2.ravel()
    A2 = softmax(Z2)
    return Z1, A1, Z2, A2
''',
    'bias_as_row': '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X + b1.T
    A1 = relu(Z1)
    Z2 = W2 @ A1 + b2.T
    A2 = softmax(Z2)
    return Z1, A1, Z2, A2
''',
    'skip_activation': '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X + b1
    A1 = relu(Z1)
    Z2 = W2 @ Z1 + b2
    A2 = softmax(Z2)
    return Z1, A1, Z2, A2
''',
    'other_activation': '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X + b1
    A1 = 1 / (1 + np.exp(-Z1))
    Z2 = W2 @ A1 + b2
    return Z1, A1, Z2, softmax(Z2)
''',
    'softmax_hidden': '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X + b1
    A1 = softmax(Z1)
    Z2 = W2 @ A1 + b2
    A2 = softmax(Z2)
    return Z1, A1, Z2, A2
''',
    'wrong_order': '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X + b1
    A1 = relu(Z1)
    Z2 = W2 @ A1 + b2
    A2 = softmax(Z2)
    return A1, Z1, A2, Z2
''',
    'x_transposed': '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X.T + b1
    A1 = relu(Z1)
    Z2 = W2 @ A1 + b2
    A2 = softmax(Z2)
    return Z1, A1, Z2, A2
''',
}


VARIANTS = [
    '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1.dot(X) + b1
    A1 = relu(Z1)
    Z2 = W2.dot(A1) + b2
    A2 = softmax(Z2)
    return Z1, A1, Z2, A2
''',
]
