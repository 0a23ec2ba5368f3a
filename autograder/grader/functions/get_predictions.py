"""``get_predictions``: the inputs its checks call it with, its catalogued mistakes and right variants.

``cases()`` builds the calls (hidden ones included); ``MUTANTS[mistake_id]``
is a wrong version a learner might write, one for every mistake
``autograder.learner.functions.get_predictions`` can name; ``VARIANTS`` are right
answers written differently, which must pass every check.
"""
import numpy as np

from ._inputs import _case, _probs, hidden_rng


def cases():
    r = np.random.default_rng(19)
    h = hidden_rng(9019)
    return [
        _case("fixed", "a (10, 5) A2", [_probs(r, 5)], m=5),
        _case("random", "a random (10, 30) A2", [_probs(r, 30)], m=30),
        _case("m1", "a single column, A2 of shape (10, 1)", [_probs(r, 1)], m=1),
        _case("hidden", "a hidden (10, 19) A2", [_probs(h, 19)], m=19),
    ]


MUTANTS = {
    'keepdims': '''
def get_predictions(A2):
    return np.argmax(A2, axis=0, keepdims=True)
''',
    'argmin': '''
def get_predictions(A2):
    return np.argmin(A2, axis=0)
''',
    'plus_one': '''
def get_predictions(A2):
    return A2.argmax(axis=0) + 1
''',
    'wrong_axis': '''
def get_predictions(A2):
    return np.argmax(A2, axis=1)
''',
    'no_axis': '''
def get_predictions(A2):
    return np.argmax(A2)
''',
    'above_half': '''
def get_predictions(A2):
    return np.argmax(A2 > 0.5, axis=0)
''',
    'max_not_argmax': '''
def get_predictions(A2):
    return np.max(A2, axis=0)
''',
}


VARIANTS = [
    '''
def get_predictions(A2):
    return A2.argmax(0)
''',
]
