"""``get_accuracy``: the inputs its checks call it with, its catalogued mistakes and right variants.

``cases()`` builds the calls (hidden ones included); ``MUTANTS[mistake_id]``
is a wrong version a learner might write, one for every mistake
``autograder.learner.functions.get_accuracy`` can name; ``VARIANTS`` are right
answers written differently, which must pass every check.
"""
import numpy as np

from ._inputs import _case, _labels, hidden_rng


def cases():
    r = np.random.default_rng(20)
    h = hidden_rng(9020)
    Y50 = _labels(r, 50)
    guess50 = np.where(r.random(50) < 0.6, Y50, _labels(r, 50))
    Y37 = _labels(h, 37)
    return [
        _case("fixed", "predictions [3, 1, 4, 1, 5, 9, 2, 6] for labels [3, 1, 4, 0, 5, 9, 0, 0]",
              [np.array([3, 1, 4, 1, 5, 9, 2, 6]), np.array([3, 1, 4, 0, 5, 9, 0, 0])], m=8),
        _case("random", "50 random predictions", [guess50, Y50], m=50),
        _case("m1", "a single right prediction", [np.array([4]), np.array([4])], m=1),
        _case("third", "predictions [2, 7, 7] for labels [2, 1, 8]: one right out of three",
              [np.array([2, 7, 7]), np.array([2, 1, 8])], m=3),
        _case("all_right", "12 predictions, all right", [Y50[:12].copy(), Y50[:12].copy()], m=12),
        _case("all_wrong", "12 predictions, all wrong", [(Y50[:12] + 1) % 10, Y50[:12].copy()], m=12),
        _case("hidden", "a hidden batch of 37", [np.where(h.random(37) < 0.4, Y37, _labels(h, 37)), Y37], m=37),
    ]


MUTANTS = {
    'divides_by_shape': '''
def get_accuracy(predictions, Y):
    return np.sum(predictions == Y) / Y.shape
''',
    'count': '''
def get_accuracy(predictions, Y):
    return np.sum(predictions == Y)
''',
    'percent': '''
def get_accuracy(predictions, Y):
    return 100 * np.mean(predictions == Y)
''',
    'error_rate': '''
def get_accuracy(predictions, Y):
    return np.mean(predictions != Y)
''',
    'floor_division': ['''
def get_accuracy(predictions, Y):
    return np.sum(predictions == Y) // Y.size
''', '''
def get_accuracy(predictions, Y):
    return float(np.sum(predictions == Y) // Y.size)
'''],
    'rounded': '''
def get_accuracy(predictions, Y):
    accuracy = float(np.mean(predictions == Y))
    return round(accuracy, 2)
''',
    'every_pair': '''
def get_accuracy(predictions, Y):
    return float(np.mean(predictions == Y.reshape(-1, 1)))
''',
    'digit_sets': '''
def get_accuracy(predictions, Y):
    return len(set(predictions.tolist()) & set(Y.tolist())) / len(Y)
''',
}


VARIANTS = [
    '''
def get_accuracy(predictions, Y):
    return np.sum(predictions == Y) / Y.size
''',
]
