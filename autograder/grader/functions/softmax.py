"""``softmax``: the inputs its checks call it with, its catalogued mistakes and right variants.

``cases()`` builds the calls (hidden ones included); ``MUTANTS[mistake_id]``
is a wrong version a learner might write, one for every mistake
``autograder.learner.functions.softmax`` can name; ``VARIANTS`` are right
answers written differently, which must pass every check.
"""
import numpy as np

from ._inputs import F32_RTOL, _case, hidden_rng


def cases():
    r = np.random.default_rng(13)
    h = hidden_rng(9013)
    mixed = r.normal(0, 1, (10, 4))
    mixed[:, 0] += 1000
    spread = r.normal(0, 1, (10, 3))
    spread[3, 1] = 800.0  # one confident score beside ordinary ones, in the same column
    spread[7, 2] = -800.0  # and one far below the rest of its column: a shift by the minimum overflows there
    return [
        _case("fixed", "a small (10, 3) Z", [np.round(r.normal(0, 1, (10, 3)), 2)], m=3),
        _case("random", "a random (10, 8) Z", [r.normal(0, 3, (10, 8))], m=8),
        _case("m1", "a single column, Z of shape (10, 1)", [r.normal(0, 3, (10, 1))], m=1),
        _case("huge", "scores around 1000", [1000 + r.normal(0, 5, (10, 4))], m=4),
        _case("mixed", "one column of scores near 1000 beside ordinary ones", [mixed], m=4),
        _case("spread", "a column with one score of 800 among ordinary ones, and one with a score of -800",
              [spread], m=3),
        _case("f32", "a float32 Z", [r.normal(0, 2, (10, 5)).astype(np.float32)], m=5, rtol=F32_RTOL),
        _case("hidden", "a hidden (10, 11) Z", [h.normal(0, 4, (10, 11))], m=11),
    ]


MUTANTS = {
    'rows_counted': '''
def softmax(Z):
    A = np.zeros_like(Z)
    for i in range(len(Z)):
        z = Z[:, i] - Z[:, i].max()
        A[:, i] = np.exp(z) / np.exp(z).sum()
    return A
''',
    'no_shift': '''
def softmax(Z):
    A = np.exp(Z) / sum(np.exp(Z))
    return A
''',
    'min_shift': '''
def softmax(Z):
    E = np.exp(Z - Z.min(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)
''',
    'mean_shift': '''
def softmax(Z):
    centred = Z - np.mean(Z, axis=0)
    e = np.exp(centred)
    return e / np.sum(e, axis=0)
''',
    'wrong_axis': '''
def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)
''',
    'sum_all': '''
def softmax(Z):
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / np.sum(E)
''',
    'global_shift': '''
def softmax(Z):
    E = np.exp(Z - np.max(Z))
    return E / E.sum(axis=0, keepdims=True)
''',
    'shift_rows': '''
def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)
''',
    'divide_by_max': '''
def softmax(Z):
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.max(axis=0, keepdims=True)
''',
    'upcasts': '''
def softmax(Z):
    Z = np.asarray(Z, dtype=np.float64)
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)
''',
    'float32_result': '''
def softmax(Z):
    E = np.exp(Z - Z.max(axis=0, keepdims=True)).astype(np.float32)
    return E / E.sum(axis=0, keepdims=True)
''',
}


VARIANTS = [
    '''
def softmax(Z):
    shifted = Z - np.max(Z, axis=0)
    expZ = np.exp(shifted)
    return expZ / expZ.sum(axis=0)
''',
]
