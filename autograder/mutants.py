"""Realistic wrong answers, and right answers written differently (instructors' side).

``MUTANTS[function][mistake_id]`` is the source of a wrong version of a
graded function, one for every mistake ``autograder.suites`` can name; the
checks must catch each one and show its hint (``python -m autograder
mutants``). ``VARIANTS[function]`` are correct solutions written another
way; they must pass every check: a false alarm is as bad as a miss.

Each source is a cell as a learner would write it. It runs with NumPy as
``np`` and the reference versions of the other graded functions in scope.
"""

MUTANTS = {
    "one_hot": {
        "max_plus_one": '''
def one_hot(Y):
    one_hot_Y = np.zeros((Y.size, Y.max() + 1))
    one_hot_Y[np.arange(Y.size), Y] = 1
    one_hot_Y = one_hot_Y.T
    return one_hot_Y
''',
        "transposed": '''
def one_hot(Y):
    return np.eye(10)[Y]
''',
        "whole_rows": '''
def one_hot(Y):
    one_hot_Y = np.zeros((10, Y.size))
    one_hot_Y[Y] = 1
    return one_hot_Y
''',
    },
    "init_params": {
        "zeros": '''
def init_params(rng=None):
    return np.zeros((10, 784)), np.zeros((10, 1)), np.zeros((10, 10)), np.zeros((10, 1))
''',
        "unscaled": '''
def init_params(rng=None):
    rng = np.random.default_rng(rng)
    W1 = rng.standard_normal((10, 784))
    b1 = np.zeros((10, 1))
    W2 = rng.standard_normal((10, 10))
    b2 = np.zeros((10, 1))
    return W1, b1, W2, b2
''',
        "ignores_rng": '''
def init_params(rng=None):
    W1 = np.random.rand(10, 784) - 0.5
    b1 = np.random.rand(10, 1) - 0.5
    W2 = np.random.rand(10, 10) - 0.5
    b2 = np.random.rand(10, 1) - 0.5
    return W1, b1, W2, b2
''',
        "transposed": '''
def init_params(rng=None):
    rng = np.random.default_rng(rng)
    W1 = rng.standard_normal((784, 10)) * np.sqrt(1 / 784)
    b1 = np.zeros((10, 1))
    W2 = rng.standard_normal((10, 10)) * np.sqrt(1 / 10)
    b2 = np.zeros((10, 1))
    return W1, b1, W2, b2
''',
    },
    "relu": {
        "np_max": '''
def relu(Z):
    return np.max(Z, 0)
''',
        "minimum": '''
def relu(Z):
    return np.minimum(Z, 0)
''',
        "abs": '''
def relu(Z):
    return np.abs(Z)
''',
        "in_place": '''
def relu(Z):
    Z[Z < 0] = 0
    return Z
''',
        "python_max": '''
def relu(Z):
    return max(Z, 0)
''',
    },
    "softmax": {
        "no_shift": '''
def softmax(Z):
    A = np.exp(Z) / sum(np.exp(Z))
    return A
''',
        "wrong_axis": '''
def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)
''',
        "sum_all": '''
def softmax(Z):
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / np.sum(E)
''',
        "global_shift": '''
def softmax(Z):
    E = np.exp(Z - np.max(Z))
    return E / E.sum(axis=0, keepdims=True)
''',
    },
    "forward_prop": {
        "no_bias": '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1.dot(X)
    A1 = relu(Z1)
    Z2 = W2.dot(A1)
    A2 = softmax(Z2)
    return Z1, A1, Z2, A2
''',
        "relu_output": '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X + b1
    A1 = relu(Z1)
    Z2 = W2 @ A1 + b2
    A2 = relu(Z2)
    return Z1, A1, Z2, A2
''',
        "skip_activation": '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X + b1
    A1 = relu(Z1)
    Z2 = W2 @ Z1 + b2
    A2 = softmax(Z2)
    return Z1, A1, Z2, A2
''',
        "softmax_hidden": '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X + b1
    A1 = softmax(Z1)
    Z2 = W2 @ A1 + b2
    A2 = softmax(Z2)
    return Z1, A1, Z2, A2
''',
        "wrong_order": '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X + b1
    A1 = relu(Z1)
    Z2 = W2 @ A1 + b2
    A2 = softmax(Z2)
    return A1, Z1, A2, Z2
''',
        "x_transposed": '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X.T + b1
    A1 = relu(Z1)
    Z2 = W2 @ A1 + b2
    A2 = softmax(Z2)
    return Z1, A1, Z2, A2
''',
    },
    "cross_entropy": {
        "sum": '''
def cross_entropy(A2, Y):
    return -np.sum(np.log(A2[Y, np.arange(Y.size)]))
''',
        "no_minus": '''
def cross_entropy(A2, Y):
    return np.mean(np.log(A2[Y, np.arange(Y.size)]))
''',
        "mean_all": '''
def cross_entropy(A2, Y):
    return -np.mean(np.log(A2))
''',
        "per_example": '''
def cross_entropy(A2, Y):
    return -np.log(A2[Y, np.arange(Y.size)])
''',
    },
    "relu_deriv": {
        "returns_relu": '''
def relu_deriv(Z):
    return np.maximum(Z, 0)
''',
        "inverted": '''
def relu_deriv(Z):
    return Z < 0
''',
        "python_if": '''
def relu_deriv(Z):
    if Z > 0:
        return 1
    return 0
''',
    },
    "backward_prop": {
        "scalar_db": '''
def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y):
    m = Y.size
    one_hot_Y = one_hot(Y)
    dZ2 = A2 - one_hot_Y
    dW2 = 1 / m * dZ2.dot(A1.T)
    db2 = 1 / m * np.sum(dZ2)
    dZ1 = W2.T.dot(dZ2) * relu_deriv(Z1)
    dW1 = 1 / m * dZ1.dot(X.T)
    db1 = 1 / m * np.sum(dZ1)
    return dW1, db1, dW2, db2
''',
        "no_keepdims": '''
def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y):
    m = X.shape[1]
    dZ2 = A2 - one_hot(Y)
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1) / m
    dZ1 = W2.T @ dZ2 * relu_deriv(Z1)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1) / m
    return dW1, db1, dW2, db2
''',
        "wrong_axis_db": '''
def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y):
    m = X.shape[1]
    dZ2 = A2 - one_hot(Y)
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=0, keepdims=True) / m
    dZ1 = W2.T @ dZ2 * relu_deriv(Z1)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=0, keepdims=True) / m
    return dW1, db1, dW2, db2
''',
        "missing_1_over_m": '''
def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y):
    dZ2 = A2 - one_hot(Y)
    dW2 = dZ2 @ A1.T
    db2 = np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = W2.T @ dZ2 * relu_deriv(Z1)
    dW1 = dZ1 @ X.T
    db1 = np.sum(dZ1, axis=1, keepdims=True)
    return dW1, db1, dW2, db2
''',
        "global_m": '''
m = 41000  # the original notebook's m, from the whole training set

def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y):
    dZ2 = A2 - one_hot(Y)
    dW2 = 1 / m * dZ2.dot(A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = W2.T.dot(dZ2) * relu_deriv(Z1)
    dW1 = 1 / m * dZ1.dot(X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)
    return dW1, db1, dW2, db2
''',
        "w2_not_transposed": '''
def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y):
    m = X.shape[1]
    dZ2 = A2 - one_hot(Y)
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = W2 @ dZ2 * relu_deriv(Z1)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return dW1, db1, dW2, db2
''',
        "labels_not_one_hot": '''
def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y):
    m = X.shape[1]
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = W2.T @ dZ2 * relu_deriv(Z1)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return dW1, db1, dW2, db2
''',
        "no_relu_deriv": '''
def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y):
    m = X.shape[1]
    dZ2 = A2 - one_hot(Y)
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = W2.T @ dZ2
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return dW1, db1, dW2, db2
''',
        "x_not_transposed": '''
def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y):
    m = X.shape[1]
    dZ2 = A2 - one_hot(Y)
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = W2.T @ dZ2 * relu_deriv(Z1)
    dW1 = dZ1 @ X / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return dW1, db1, dW2, db2
''',
    },
    "update_params": {
        "plus": '''
def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    return W1 + alpha * dW1, b1 + alpha * db1, W2 + alpha * dW2, b2 + alpha * db2
''',
        "ignores_alpha": '''
def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    return W1 - dW1, b1 - db1, W2 - dW2, b2 - db2
''',
        "in_place": '''
def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    W1 -= alpha * dW1
    b1 -= alpha * db1
    W2 -= alpha * dW2
    b2 -= alpha * db2
    return W1, b1, W2, b2
''',
        "weights_only": '''
def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    return W1 - alpha * dW1, b1, W2 - alpha * dW2, b2
''',
        "wrong_order": '''
def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    return W1 - alpha * dW1, W2 - alpha * dW2, b1 - alpha * db1, b2 - alpha * db2
''',
    },
    "get_predictions": {
        "wrong_axis": '''
def get_predictions(A2):
    return np.argmax(A2, axis=1)
''',
        "no_axis": '''
def get_predictions(A2):
    return np.argmax(A2)
''',
        "max_not_argmax": '''
def get_predictions(A2):
    return np.max(A2, axis=0)
''',
    },
    "get_accuracy": {
        "count": '''
def get_accuracy(predictions, Y):
    return np.sum(predictions == Y)
''',
        "percent": '''
def get_accuracy(predictions, Y):
    return 100 * np.mean(predictions == Y)
''',
        "error_rate": '''
def get_accuracy(predictions, Y):
    return np.mean(predictions != Y)
''',
    },
    "gradient_descent": {
        "no_update": '''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_test=None, Y_test=None, progress=True):
    W1, b1, W2, b2 = init_params(rng) if params is None else params
    history = {"loss": [], "accuracy": []}
    if X_test is not None:
        history["test_accuracy"] = []
    for i in range(iterations):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        history["loss"].append(cross_entropy(A2, Y))
        history["accuracy"].append(get_accuracy(get_predictions(A2), Y))
        if X_test is not None:
            A2_test = forward_prop(W1, b1, W2, b2, X_test)[3]
            history["test_accuracy"].append(get_accuracy(get_predictions(A2_test), Y_test))
        dW1, db1, dW2, db2 = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
        update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)
    return (W1, b1, W2, b2), history
''',
        "ignores_params": '''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_test=None, Y_test=None, progress=True):
    W1, b1, W2, b2 = init_params(rng)
    history = {"loss": [], "accuracy": []}
    if X_test is not None:
        history["test_accuracy"] = []
    for i in range(iterations):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        history["loss"].append(cross_entropy(A2, Y))
        history["accuracy"].append(get_accuracy(get_predictions(A2), Y))
        if X_test is not None:
            A2_test = forward_prop(W1, b1, W2, b2, X_test)[3]
            history["test_accuracy"].append(get_accuracy(get_predictions(A2_test), Y_test))
        dW1, db1, dW2, db2 = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)
    return (W1, b1, W2, b2), history
''',
        "loss_after_update": '''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_test=None, Y_test=None, progress=True):
    W1, b1, W2, b2 = init_params(rng) if params is None else params
    history = {"loss": [], "accuracy": []}
    if X_test is not None:
        history["test_accuracy"] = []
    for i in range(iterations):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        dW1, db1, dW2, db2 = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)
        A2 = forward_prop(W1, b1, W2, b2, X)[3]
        history["loss"].append(cross_entropy(A2, Y))
        history["accuracy"].append(get_accuracy(get_predictions(A2), Y))
        if X_test is not None:
            A2_test = forward_prop(W1, b1, W2, b2, X_test)[3]
            history["test_accuracy"].append(get_accuracy(get_predictions(A2_test), Y_test))
    return (W1, b1, W2, b2), history
''',
        "params_only": '''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_test=None, Y_test=None, progress=True):
    W1, b1, W2, b2 = init_params(rng) if params is None else params
    for i in range(iterations):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        dW1, db1, dW2, db2 = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)
    return W1, b1, W2, b2
''',
    },
    "make_predictions": {
        "returns_probabilities": '''
def make_predictions(X, W1, b1, W2, b2):
    _, _, _, A2 = forward_prop(W1, b1, W2, b2, X)
    return A2
''',
        "wrong_axis": '''
def make_predictions(X, W1, b1, W2, b2):
    _, _, _, A2 = forward_prop(W1, b1, W2, b2, X)
    return np.argmax(A2, axis=1)
''',
        "x_transposed": '''
def make_predictions(X, W1, b1, W2, b2):
    _, _, _, A2 = forward_prop(W1, b1, W2, b2, X.T)
    return get_predictions(A2)
''',
    },
}

VARIANTS = {
    "one_hot": ['''
def one_hot(Y):
    return np.eye(10)[Y].T
''', '''
def one_hot(Y):
    return (np.arange(10)[:, None] == Y[None, :]).astype(int)
'''],
    "init_params": ['''
def init_params(rng=None):
    # He initialisation
    rng = np.random.default_rng(rng)
    W1 = rng.normal(0, np.sqrt(2 / 784), (10, 784))
    W2 = rng.normal(0, np.sqrt(2 / 10), (10, 10))
    return W1, np.zeros((10, 1)), W2, np.zeros((10, 1))
''', '''
def init_params(rng=None):
    # the original notebook's uniform initialisation, drawn from rng
    rng = np.random.default_rng(rng)
    W1 = rng.random((10, 784)) - 0.5
    b1 = rng.random((10, 1)) - 0.5
    W2 = rng.random((10, 10)) - 0.5
    b2 = rng.random((10, 1)) - 0.5
    return W1, b1, W2, b2
'''],
    "relu": ['''
def relu(Z):
    return Z * (Z > 0)
''', '''
def relu(Z):
    return np.where(Z > 0, Z, 0.0)
'''],
    "softmax": ['''
def softmax(Z):
    shifted = Z - np.max(Z, axis=0)
    expZ = np.exp(shifted)
    return expZ / expZ.sum(axis=0)
'''],
    "forward_prop": ['''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1.dot(X) + b1
    A1 = relu(Z1)
    Z2 = W2.dot(A1) + b2
    A2 = softmax(Z2)
    return Z1, A1, Z2, A2
'''],
    "cross_entropy": ['''
def cross_entropy(A2, Y):
    m = Y.shape[0]
    return -np.sum(one_hot(Y) * np.log(A2)) / m
'''],
    "relu_deriv": ['''
def relu_deriv(Z):
    return Z > 0
''', '''
def relu_deriv(Z):
    return np.heaviside(Z, 1.0)
'''],
    "backward_prop": ['''
def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y):
    m = Y.size
    dZ2 = A2 - one_hot(Y)
    dW2 = 1 / m * dZ2.dot(A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1).reshape(-1, 1)
    dZ1 = W2.T.dot(dZ2) * relu_deriv(Z1)
    dW1 = 1 / m * dZ1.dot(X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1).reshape(-1, 1)
    return dW1, db1, dW2, db2
'''],
    "update_params": ['''
def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    params = [W1, b1, W2, b2]
    grads = [dW1, db1, dW2, db2]
    return tuple(p - alpha * g for p, g in zip(params, grads))
'''],
    "get_predictions": ['''
def get_predictions(A2):
    return A2.argmax(0)
'''],
    "get_accuracy": ['''
def get_accuracy(predictions, Y):
    return np.sum(predictions == Y) / Y.size
'''],
    "gradient_descent": ['''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_test=None, Y_test=None, progress=True):
    from tqdm import tqdm
    if params is None:
        params = init_params(rng)
    W1, b1, W2, b2 = params
    history = {"loss": [], "accuracy": []}
    if X_test is not None:
        history["test_accuracy"] = []
    for i in tqdm(range(iterations), disable=not progress):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        history["loss"].append(cross_entropy(A2, Y))
        history["accuracy"].append(get_accuracy(get_predictions(A2), Y))
        if X_test is not None:
            _, _, _, A2_test = forward_prop(W1, b1, W2, b2, X_test)
            history["test_accuracy"].append(get_accuracy(get_predictions(A2_test), Y_test))
        grads = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, *grads, alpha)
    return (W1, b1, W2, b2), history
'''],
    "make_predictions": ['''
def make_predictions(X, W1, b1, W2, b2):
    A2 = forward_prop(W1, b1, W2, b2, X)[-1]
    return np.argmax(A2, 0)
'''],
}
