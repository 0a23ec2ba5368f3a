"""``one_hot``: the inputs its checks call it with, its catalogued mistakes and right variants.

``cases()`` builds the calls (hidden ones included); ``MUTANTS[mistake_id]``
is a wrong version a learner might write, one for every mistake
``autograder.learner.functions.one_hot`` can name; ``VARIANTS`` are right
answers written differently, which must pass every check.
"""
import numpy as np

from ._inputs import _case, _labels, hidden_rng


def cases():
    r = np.random.default_rng(11)
    return [
        _case("fixed", "Y = [3, 0, 9, 1, 4, 1, 5]", [np.array([3, 0, 9, 1, 4, 1, 5])], m=7),
        _case("random", "a random batch of 40 labels", [_labels(r, 40)], m=40),
        _case("m1", "a single label, Y = [7]", [np.array([7])], m=1),
        _case("no9", "a batch of 12 labels with no 9", [_labels(r, 12, digits=9)], m=12),
        _case("uint8", "40 labels of dtype uint8", [_labels(r, 40).astype(np.uint8)], m=40),
        _case("hidden", "a hidden batch of 23 labels", [_labels(hidden_rng(9011), 23)], m=23),
    ]


MUTANTS = {
    'max_plus_one': '''
def one_hot(Y):
    one_hot_Y = np.zeros((Y.size, Y.max() + 1))
    one_hot_Y[np.arange(Y.size), Y] = 1
    one_hot_Y = one_hot_Y.T
    return one_hot_Y
''',
    'transposed': '''
def one_hot(Y):
    return np.eye(10)[Y]
''',
    'whole_rows': '''
def one_hot(Y):
    one_hot_Y = np.zeros((10, Y.size), np.float32)
    one_hot_Y[Y] = 1
    return one_hot_Y
''',
    'shifted_rows': '''
def one_hot(Y):
    out = np.zeros((10, Y.size), np.float32)
    out[Y - 1, np.arange(Y.size)] = 1
    return out
''',
    'digits_as_columns': '''
def one_hot(Y):
    m = Y.size
    one_hot_Y = np.zeros((N_CLASSES, m), np.float32)
    one_hot_Y[Y, np.arange(N_CLASSES)] = 1
    return one_hot_Y
''',
    'swapped_index': '''
def one_hot(Y):
    one_hot_Y = np.zeros((10, Y.size), np.float32)
    one_hot_Y[np.arange(Y.size), Y] = 1
    return one_hot_Y
''',
    'unique_rows': '''
def one_hot(Y):
    m = Y.shape[0]
    one_hot_Y = np.zeros((len(np.unique(Y)), m), np.float32)
    one_hot_Y[Y, np.arange(m)] = 1
    return one_hot_Y
''',
    'label_arithmetic': '''
def one_hot(Y):
    m = Y.shape[0]
    flat = np.zeros(N_CLASSES * m, dtype=np.float32)
    flat[Y * m + np.arange(m)] = 1.0
    return flat.reshape(N_CLASSES, m)
''',
    'upcasts': '''
def one_hot(Y):
    m = Y.size
    one_hot_Y = np.zeros((N_CLASSES, m))
    one_hot_Y[Y, np.arange(m)] = 1
    return one_hot_Y
''',
}


VARIANTS = [
    '''
def one_hot(Y):
    return np.eye(10, dtype=np.float32)[Y].T
''',
    '''
def one_hot(Y):
    # booleans: True and False count as 1 and 0, and keep float32 arithmetic float32
    return np.arange(10)[:, None] == Y[None, :]
''',
]
