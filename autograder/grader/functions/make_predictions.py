"""``make_predictions``: the inputs its checks call it with, its catalogued mistakes and right variants.

``cases()`` builds the calls (hidden ones included); ``MUTANTS[mistake_id]``
is a wrong version a learner might write, one for every mistake
``autograder.learner.functions.make_predictions`` can name; ``VARIANTS`` are right
answers written differently, which must pass every check.
"""
import numpy as np

from ._inputs import _case, _images, _params, _shared_params, hidden_rng


def cases():
    r = np.random.default_rng(22)
    h = hidden_rng(9022)
    return [
        _case("fixed", "a batch of 8 images", [_images(r, 8), *_shared_params()], m=8),
        _case("random", "a batch of 25 images", [_images(r, 25), *_shared_params()], m=25),
        _case("m1", "a single image", [_images(r, 1), *_shared_params()], m=1),
        _case("other_params", "the batch of 8 images with other parameters", [_images(np.random.default_rng(22), 8),
                                                                              *_params(r)], m=8),
        _case("hidden", "a hidden batch of 16 images", [_images(h, 16), *_params(h)], m=16),
    ]


MUTANTS = {
    'outside_params': '''
_rng = np.random.default_rng(0)  # parameters made in another cell, say trained ones
params = (_rng.normal(0, 0.05, (10, 784)), np.zeros((10, 1)), _rng.normal(0, 0.3, (10, 10)), np.zeros((10, 1)))


def make_predictions(X, W1, b1, W2, b2):
    A2 = forward_prop(*params, X)[3]
    return get_predictions(A2)
''',
    'hidden_layer': '''
def make_predictions(X, W1, b1, W2, b2):
    A2, _, _, _ = forward_prop(W1, b1, W2, b2, X)
    return get_predictions(A2)
''',
    'returns_probabilities': '''
def make_predictions(X, W1, b1, W2, b2):
    _, _, _, A2 = forward_prop(W1, b1, W2, b2, X)
    return A2
''',
    'wrong_axis': '''
def make_predictions(X, W1, b1, W2, b2):
    _, _, _, A2 = forward_prop(W1, b1, W2, b2, X)
    return np.argmax(A2, axis=1)
''',
    'x_transposed': '''
def make_predictions(X, W1, b1, W2, b2):
    _, _, _, A2 = forward_prop(W1, b1, W2, b2, X.T)
    return get_predictions(A2)
''',
    'forward_prop_order': '''
def make_predictions(X, W1, b1, W2, b2):
    _, _, _, A2 = forward_prop(X, W1, b1, W2, b2)
    return get_predictions(A2)
''',
}


VARIANTS = [
    '''
def make_predictions(X, W1, b1, W2, b2):
    A2 = forward_prop(W1, b1, W2, b2, X)[-1]
    return np.argmax(A2, 0)
''',
]
