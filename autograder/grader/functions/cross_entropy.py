"""``cross_entropy``: the inputs its checks call it with, its catalogued mistakes and right variants.

``cases()`` builds the calls (hidden ones included); ``MUTANTS[mistake_id]``
is a wrong version a learner might write, one for every mistake
``autograder.learner.functions.cross_entropy`` can name; ``VARIANTS`` are right
answers written differently, which must pass every check.
"""
import numpy as np

from ._inputs import F32_RTOL, _case, _labels, _probs, hidden_rng


def cases():
    r = np.random.default_rng(15)
    h = hidden_rng(9015)
    Y8 = _labels(r, 8)
    confident = np.full((10, 8), 0.001 / 9)
    confident[Y8, np.arange(8)] = 0.999
    Yz = np.array([3, 7, 1, 0])
    zero = _probs(r, 4)
    zero[:, 0] = 1 / 9
    zero[3, 0] = 0.0  # a confident mistake, rounded to exactly 0 on the true digit
    return [
        _case("fixed", "a batch of 6 predictions", [_probs(r, 6), _labels(r, 6)], m=6),
        _case("random", "a random batch of 20 predictions", [_probs(r, 20), _labels(r, 20)], m=20),
        _case("m1", "a single prediction", [_probs(r, 1), _labels(r, 1)], m=1),
        _case("uniform", "probabilities all 0.1", [np.full((10, 8), 0.1), _labels(r, 8)], m=8),
        _case("confident", "probability 0.999 on every right digit", [confident, Y8], m=8),
        _case("zero", "4 predictions, one giving its true digit probability 0", [zero, Yz], m=4),
        _case("f32", "float32 probabilities", [_probs(r, 7).astype(np.float32), _labels(r, 7)], m=7,
              rtol=F32_RTOL),
        _case("hidden", "a hidden batch of 14 predictions", [_probs(h, 14), _labels(h, 14)], m=14),
    ]


MUTANTS = {
    'whole_rows': '''
def cross_entropy(A2, Y):
    p = A2[Y, :]
    return float(-np.mean(np.log(np.maximum(p, 1e-12))))
''',
    "sum": '''
def cross_entropy(A2, Y):
    p = np.maximum(A2[Y, np.arange(Y.size)], 1e-12)
    return float(-np.sum(np.log(p)))
''',
    "no_minus": '''
def cross_entropy(A2, Y):
    p = np.maximum(A2[Y, np.arange(Y.size)], 1e-12)
    return float(np.mean(np.log(p)))
''',
    "m_from_rows": '''
def cross_entropy(A2, Y):
    m = A2.shape[0]
    p = np.maximum(A2[Y, np.arange(Y.size)], 1e-12)
    return float(-np.sum(np.log(p)) / m)
''',
    "digits_as_columns": '''
def cross_entropy(A2, Y):
    m = A2.shape[0]
    p = A2[Y, np.arange(m)]
    return float(-np.mean(np.log(np.maximum(p, 1e-12))))
''',
    "log10": '''
def cross_entropy(A2, Y):
    p = np.maximum(A2[Y, np.arange(Y.size)], 1e-12)
    return float(-np.mean(np.log10(p)))
''',
    "mean_all": ['''
def cross_entropy(A2, Y):
    return float(-np.mean(np.log(np.maximum(A2, 1e-12))))
''', '''
def cross_entropy(A2, Y):
    # every digit's log-probability, summed over the whole matrix, then per example
    return float(-np.sum(np.log(np.maximum(A2, 1e-12))) / Y.size)
'''],
    "mean_over_entries": '''
def cross_entropy(A2, Y):
    # one_hot keeps the true digits, but the mean divides by all 10 * m entries
    return float(-np.mean(one_hot(Y) * np.log(np.maximum(A2, 1e-12))))
''',
    "per_example": '''
def cross_entropy(A2, Y):
    return -np.log(np.maximum(A2[Y, np.arange(Y.size)], 1e-12))
''',
    "no_floor": '''
def cross_entropy(A2, Y):
    m = Y.size
    return float(-np.mean(np.log(A2[Y, np.arange(m)])))
''',
    "swapped_index": '''
def cross_entropy(A2, Y):
    m = Y.shape[0]
    p = A2[np.arange(m), Y]
    return float(-np.mean(np.log(np.maximum(p, 1e-12))))
''',
    "floor_after_log": '''
def cross_entropy(A2, Y):
    p = A2[Y, np.arange(Y.size)]
    return float(-np.mean(np.maximum(np.log(p), 1e-12)))
''',
    "numpy_scalar": '''
def cross_entropy(A2, Y):
    m = Y.shape[0]
    p = A2[Y, np.arange(m)]
    return -np.mean(np.log(np.maximum(p, 1e-12)))
''',
}

VARIANTS = [
    '''
def cross_entropy(A2, Y):
    m = Y.shape[0]
    return float(-np.sum(one_hot(Y) * np.log(np.clip(A2, 1e-15, 1.0))) / m)
''',
    '''
def cross_entropy(A2, Y):
    eps = 1e-9
    picked = A2[Y, range(len(Y))]
    return float(np.mean(-np.log(picked + eps)))
''',
]
