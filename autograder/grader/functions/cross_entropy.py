"""``cross_entropy``: the inputs its checks call it with, its catalogued mistakes and right variants.

``cases()`` builds the calls (hidden ones included); ``MUTANTS[mistake_id]``
is a wrong version a learner might write, one for every mistake
``autograder.learner.functions.cross_entropy`` can name; ``VARIANTS`` are right
answers written differently, which must pass every check.
"""
import numpy as np

from ._inputs import F32_RTOL, _case, _labels, _probs


def cases():
    r = np.random.default_rng(15)
    h = np.random.default_rng(9015)
    Y8 = _labels(r, 8)
    confident = np.full((10, 8), 0.001 / 9)
    confident[Y8, np.arange(8)] = 0.999
    return [
        _case("fixed", "a batch of 6 predictions", [_probs(r, 6), _labels(r, 6)], m=6),
        _case("random", "a random batch of 20 predictions", [_probs(r, 20), _labels(r, 20)], m=20),
        _case("m1", "a single prediction", [_probs(r, 1), _labels(r, 1)], m=1),
        _case("uniform", "probabilities all 0.1", [np.full((10, 8), 0.1), _labels(r, 8)], m=8),
        _case("confident", "probability 0.999 on every right digit", [confident, Y8], m=8),
        _case("f32", "float32 probabilities", [_probs(r, 7).astype(np.float32), _labels(r, 7)], m=7,
              rtol=F32_RTOL),
        _case("hidden", "a hidden batch of 14 predictions", [_probs(h, 14), _labels(h, 14)], m=14),
    ]


MUTANTS = {
    'sum': '''
def cross_entropy(A2, Y):
    return -np.sum(np.log(A2[Y, np.arange(Y.size)]))
''',
    'no_minus': '''
def cross_entropy(A2, Y):
    return np.mean(np.log(A2[Y, np.arange(Y.size)]))
''',
    'mean_all': '''
def cross_entropy(A2, Y):
    return -np.mean(np.log(A2))
''',
    'per_example': '''
def cross_entropy(A2, Y):
    return -np.log(A2[Y, np.arange(Y.size)])
''',
}


VARIANTS = [
    '''
def cross_entropy(A2, Y):
    m = Y.shape[0]
    return -np.sum(one_hot(Y) * np.log(A2)) / m
''',
]
