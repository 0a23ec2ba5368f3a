"""``gradient_descent``: the inputs its checks call it with, its catalogued mistakes and right variants.

``cases()`` builds the calls (hidden ones included); ``MUTANTS[mistake_id]``
is a wrong version a learner might write, one for every mistake
``autograder.learner.functions.gradient_descent`` can name; ``VARIANTS`` are right
answers written differently, which must pass every check.
"""
import numpy as np

from ...learner.serial import Lookup
from ._inputs import _case, _images, _labels, _params, _shared_params, hidden_rng


def cases():
    r = np.random.default_rng(21)
    h = hidden_rng(9021)
    X, Y = _images(r, 60), _labels(r, 60)
    X_val, Y_val = _images(r, 30), _labels(r, 30)
    quiet = {"progress": False}
    return [
        _case("fixed", "60 images, alpha = 0.5, 5 iterations from given params",
              [X, Y], {"alpha": 0.5, "iterations": 5, "params": _shared_params(), **quiet}, m=60),
        _case("alpha_small", "the same 60 images and start, alpha = 0.1, 5 iterations",
              [X, Y], {"alpha": 0.1, "iterations": 5, "params": _shared_params(), **quiet}, m=60),
        _case("with_val", "60 images and 30 validation images, 3 iterations",
              [X, Y], {"alpha": 0.5, "iterations": 3, "params": _shared_params(), "X_val": X_val,
                       "Y_val": Y_val, **quiet}, m=60),
        _case("default_start", "params=None, rng=0, 2 iterations",
              [X, Y], {"alpha": 0.5, "iterations": 2, "params": None, "rng": 0, **quiet}, m=60),
        _case("default_given", "params=init_params(0) (your own init_params), 2 iterations",
              [X, Y], {"alpha": 0.5, "iterations": 2, "params": Lookup("init_params", (0,)), "rng": 0, **quiet},
              m=60),
        _case("default_start_1", "params=None, rng=1, 2 iterations",
              [X, Y], {"alpha": 0.5, "iterations": 2, "params": None, "rng": 1, **quiet}, m=60),
        _case("default_given_1", "params=init_params(1) (your own init_params), 2 iterations",
              [X, Y], {"alpha": 0.5, "iterations": 2, "params": Lookup("init_params", (1,)), "rng": 1, **quiet},
              m=60),
        _case("hidden", "a hidden data set, alpha = 0.3, 4 iterations",
              [_images(h, 45), _labels(h, 45)], {"alpha": 0.3, "iterations": 4, "params": _params(h), **quiet},
              m=45),
    ]


MUTANTS = {
    'val_from_training': '''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_val=None, Y_val=None, progress=True):
    W1, b1, W2, b2 = init_params(rng) if params is None else params
    history = {"loss": [], "accuracy": []}
    if X_val is not None:
        history["val_accuracy"] = []
    for i in range(iterations):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        history["loss"].append(cross_entropy(A2, Y))
        history["accuracy"].append(get_accuracy(get_predictions(A2), Y))
        if X_val is not None:
            history["val_accuracy"].append(get_accuracy(get_predictions(A2), Y_val))
        dW1, db1, dW2, db2 = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)
    return (W1, b1, W2, b2), history
''',
    'val_overwrites_training': '''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_val=None, Y_val=None, progress=True):
    W1, b1, W2, b2 = init_params(rng) if params is None else params
    history = {"loss": [], "accuracy": []}
    if X_val is not None:
        history["val_accuracy"] = []
    for i in range(iterations):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        history["loss"].append(cross_entropy(A2, Y))
        history["accuracy"].append(get_accuracy(get_predictions(A2), Y))
        if X_val is not None:
            A2 = forward_prop(W1, b1, W2, b2, X_val)[3]
            history["val_accuracy"].append(get_accuracy(get_predictions(A2), Y_val))
        dW1, db1, dW2, db2 = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)
    return (W1, b1, W2, b2), history
''',
    'val_key_always': '''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_val=None, Y_val=None, progress=True):
    W1, b1, W2, b2 = init_params(rng) if params is None else params
    history = {"loss": [], "accuracy": [], "val_accuracy": []}
    for i in range(iterations):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        history["loss"].append(cross_entropy(A2, Y))
        history["accuracy"].append(get_accuracy(get_predictions(A2), Y))
        if X_val is not None:
            A2_val = forward_prop(W1, b1, W2, b2, X_val)[3]
            history["val_accuracy"].append(get_accuracy(get_predictions(A2_val), Y_val))
        dW1, db1, dW2, db2 = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)
    return (W1, b1, W2, b2), history
''',
    'fixed_alpha': '''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_val=None, Y_val=None, progress=True):
    W1, b1, W2, b2 = init_params(rng) if params is None else params
    history = {"loss": [], "accuracy": []}
    if X_val is not None:
        history["val_accuracy"] = []
    for i in range(iterations):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        history["loss"].append(cross_entropy(A2, Y))
        history["accuracy"].append(get_accuracy(get_predictions(A2), Y))
        if X_val is not None:
            A2_val = forward_prop(W1, b1, W2, b2, X_val)[3]
            history["val_accuracy"].append(get_accuracy(get_predictions(A2_val), Y_val))
        dW1, db1, dW2, db2 = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, ALPHA)
    return (W1, b1, W2, b2), history
''',
    'one_short': '''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_val=None, Y_val=None, progress=True):
    W1, b1, W2, b2 = init_params(rng) if params is None else params
    history = {"loss": [], "accuracy": []}
    if X_val is not None:
        history["val_accuracy"] = []
    for i in range(1, iterations):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        history["loss"].append(cross_entropy(A2, Y))
        history["accuracy"].append(get_accuracy(get_predictions(A2), Y))
        if X_val is not None:
            A2_val = forward_prop(W1, b1, W2, b2, X_val)[3]
            history["val_accuracy"].append(get_accuracy(get_predictions(A2_val), Y_val))
        dW1, db1, dW2, db2 = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)
    return (W1, b1, W2, b2), history
''',
    'shared_lists': '''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_val=None, Y_val=None, progress=True):
    W1, b1, W2, b2 = init_params(rng) if params is None else params
    keys = ["loss", "accuracy"] + (["val_accuracy"] if X_val is not None else [])
    history = dict.fromkeys(keys, [])
    for i in range(iterations):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        history["loss"].append(cross_entropy(A2, Y))
        history["accuracy"].append(get_accuracy(get_predictions(A2), Y))
        if X_val is not None:
            A2_val = forward_prop(W1, b1, W2, b2, X_val)[3]
            history["val_accuracy"].append(get_accuracy(get_predictions(A2_val), Y_val))
        dW1, db1, dW2, db2 = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)
    return (W1, b1, W2, b2), history
''',
    'val_on_training': '''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_val=None, Y_val=None, progress=True):
    W1, b1, W2, b2 = init_params(rng) if params is None else params
    history = {"loss": [], "accuracy": []}
    if X_val is not None:
        history["val_accuracy"] = []
    for i in range(iterations):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        history["loss"].append(cross_entropy(A2, Y))
        history["accuracy"].append(get_accuracy(get_predictions(A2), Y))
        if X_val is not None:
            history["val_accuracy"].append(get_accuracy(get_predictions(A2), Y))
        dW1, db1, dW2, db2 = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)
    return (W1, b1, W2, b2), history
''',
    'no_update': '''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_val=None, Y_val=None, progress=True):
    W1, b1, W2, b2 = init_params(rng) if params is None else params
    history = {"loss": [], "accuracy": []}
    if X_val is not None:
        history["val_accuracy"] = []
    for i in range(iterations):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        history["loss"].append(cross_entropy(A2, Y))
        history["accuracy"].append(get_accuracy(get_predictions(A2), Y))
        if X_val is not None:
            A2_val = forward_prop(W1, b1, W2, b2, X_val)[3]
            history["val_accuracy"].append(get_accuracy(get_predictions(A2_val), Y_val))
        dW1, db1, dW2, db2 = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
        update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)
    return (W1, b1, W2, b2), history
''',
    'ignores_params': '''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_val=None, Y_val=None, progress=True):
    W1, b1, W2, b2 = init_params(rng)
    history = {"loss": [], "accuracy": []}
    if X_val is not None:
        history["val_accuracy"] = []
    for i in range(iterations):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        history["loss"].append(cross_entropy(A2, Y))
        history["accuracy"].append(get_accuracy(get_predictions(A2), Y))
        if X_val is not None:
            A2_val = forward_prop(W1, b1, W2, b2, X_val)[3]
            history["val_accuracy"].append(get_accuracy(get_predictions(A2_val), Y_val))
        dW1, db1, dW2, db2 = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)
    return (W1, b1, W2, b2), history
''',
    'zero_is_no_seed': '''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_val=None, Y_val=None, progress=True):
    W1, b1, W2, b2 = init_params(rng or None) if params is None else params
    history = {"loss": [], "accuracy": []}
    if X_val is not None:
        history["val_accuracy"] = []
    for i in range(iterations):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        history["loss"].append(cross_entropy(A2, Y))
        history["accuracy"].append(get_accuracy(get_predictions(A2), Y))
        if X_val is not None:
            A2_val = forward_prop(W1, b1, W2, b2, X_val)[3]
            history["val_accuracy"].append(get_accuracy(get_predictions(A2_val), Y_val))
        dW1, db1, dW2, db2 = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)
    return (W1, b1, W2, b2), history
''',
    'drops_rng': '''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_val=None, Y_val=None, progress=True):
    W1, b1, W2, b2 = init_params() if params is None else params
    history = {"loss": [], "accuracy": []}
    if X_val is not None:
        history["val_accuracy"] = []
    for i in range(iterations):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        history["loss"].append(cross_entropy(A2, Y))
        history["accuracy"].append(get_accuracy(get_predictions(A2), Y))
        if X_val is not None:
            A2_val = forward_prop(W1, b1, W2, b2, X_val)[3]
            history["val_accuracy"].append(get_accuracy(get_predictions(A2_val), Y_val))
        dW1, db1, dW2, db2 = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)
    return (W1, b1, W2, b2), history
''',
    'loss_after_update': '''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_val=None, Y_val=None, progress=True):
    W1, b1, W2, b2 = init_params(rng) if params is None else params
    history = {"loss": [], "accuracy": []}
    if X_val is not None:
        history["val_accuracy"] = []
    for i in range(iterations):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        dW1, db1, dW2, db2 = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)
        A2 = forward_prop(W1, b1, W2, b2, X)[3]
        history["loss"].append(cross_entropy(A2, Y))
        history["accuracy"].append(get_accuracy(get_predictions(A2), Y))
        if X_val is not None:
            A2_val = forward_prop(W1, b1, W2, b2, X_val)[3]
            history["val_accuracy"].append(get_accuracy(get_predictions(A2_val), Y_val))
    return (W1, b1, W2, b2), history
''',
    'flat_return': '''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_val=None, Y_val=None, progress=True):
    if params is None:
        params = init_params(rng)
    W1, b1, W2, b2 = params
    history = {"loss": [], "accuracy": []}
    if X_val is not None:
        history["val_accuracy"] = []
    for _ in range(iterations):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        history["loss"].append(cross_entropy(A2, Y))
        history["accuracy"].append(get_accuracy(get_predictions(A2), Y))
        if X_val is not None:
            A2_val = forward_prop(W1, b1, W2, b2, X_val)[3]
            history["val_accuracy"].append(get_accuracy(get_predictions(A2_val), Y_val))
        grads = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, *grads, alpha)
    return W1, b1, W2, b2, history
''',
    'params_only': '''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_val=None, Y_val=None, progress=True):
    W1, b1, W2, b2 = init_params(rng) if params is None else params
    for i in range(iterations):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        dW1, db1, dW2, db2 = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)
    return W1, b1, W2, b2
''',
}


VARIANTS = [
    '''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_val=None, Y_val=None, progress=True):
    from tqdm import tqdm
    if params is None:
        params = init_params(rng)
    W1, b1, W2, b2 = params
    history = {"loss": [], "accuracy": []}
    if X_val is not None:
        history["val_accuracy"] = []
    for i in tqdm(range(iterations), disable=not progress):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        history["loss"].append(cross_entropy(A2, Y))
        history["accuracy"].append(get_accuracy(get_predictions(A2), Y))
        if X_val is not None:
            _, _, _, A2_val = forward_prop(W1, b1, W2, b2, X_val)
            history["val_accuracy"].append(get_accuracy(get_predictions(A2_val), Y_val))
        grads = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, *grads, alpha)
    return (W1, b1, W2, b2), history
''',
]
