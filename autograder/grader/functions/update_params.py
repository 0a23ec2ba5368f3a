"""``update_params``: the inputs its checks call it with, its catalogued mistakes and right variants.

``cases()`` builds the calls (hidden ones included); ``MUTANTS[mistake_id]``
is a wrong version a learner might write, one for every mistake
``autograder.learner.functions.update_params`` can name; ``VARIANTS`` are right
answers written differently, which must pass every check.
"""
import numpy as np

from ._inputs import _case, _grads, _params, _shared_params, hidden_rng


def cases():
    r = np.random.default_rng(18)
    h = hidden_rng(9018)
    return [
        _case("fixed", "alpha = 0.1", [*_shared_params(), *_grads(r), 0.1]),
        _case("random", "other gradients, alpha = 0.5", [*_shared_params(), *_grads(r), 0.5]),
        _case("zero_alpha", "alpha = 0", [*_shared_params(), *_grads(r), 0.0]),
        _case("hidden", "hidden parameters, alpha = 0.3", [*_params(h), *_grads(h), 0.3]),
    ]


MUTANTS = {
    "alpha_left_out": '''
def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    W1 = W1 - alpha * dW1
    W2 = W2 - alpha * dW2
    return W1, b1 - db1, W2, b2 - db2
''',
    'plus': '''
def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    return W1 + alpha * dW1, b1 + alpha * db1, W2 + alpha * dW2, b2 + alpha * db2
''',
    'ignores_alpha': '''
def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    return W1 - dW1, b1 - db1, W2 - dW2, b2 - db2
''',
    'in_place': '''
def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    W1 -= alpha * dW1
    b1 -= alpha * db1
    W2 -= alpha * dW2
    b2 -= alpha * db2
    return W1, b1, W2, b2
''',
    'weights_only': '''
def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    return W1 - alpha * dW1, b1, W2 - alpha * dW2, b2
''',
    'nothing_moves': '''
def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    params = [W1, b1, W2, b2]
    for p, g in zip(params, [dW1, db1, dW2, db2]):
        p = p - alpha * g
    return tuple(params)
''',
    'scaled_difference': '''
def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    return alpha * (W1 - dW1), alpha * (b1 - db1), alpha * (W2 - dW2), alpha * (b2 - db2)
''',
    'fixed_alpha': '''
def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    W1 = W1 - ALPHA * dW1
    b1 = b1 - ALPHA * db1
    W2 = W2 - ALPHA * dW2
    b2 = b2 - ALPHA * db2
    return W1, b1, W2, b2
''',
    'other_gradient': '''
def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    W1 = W1 - alpha * dW1
    b1 = b1 - alpha * db2
    W2 = W2 - alpha * dW2
    b2 = b2 - alpha * db1
    return W1, b1, W2, b2
''',
    'wrong_order': '''
def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    return W1 - alpha * dW1, W2 - alpha * dW2, b1 - alpha * db1, b2 - alpha * db2
''',
}


VARIANTS = [
    '''
def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    params = [W1, b1, W2, b2]
    grads = [dW1, db1, dW2, db2]
    return tuple(p - alpha * g for p, g in zip(params, grads))
''',
]
