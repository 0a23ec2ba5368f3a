"""The reference network: a 784-10-10 neural network in plain NumPy.

Shapes follow the original "MNIST NN from scratch" notebook: ``X`` is
(784, m), one column per image with pixels in [0, 1]; ``Y`` is an int
vector (m,) of digits 0-9. The hidden layer has 10 ReLU units and the
output layer is a softmax over the 10 digits::

    Z1 = W1 X + b1     (10, m) = (10, 784)(784, m) + (10, 1)
    A1 = relu(Z1)      (10, m)
    Z2 = W2 A1 + b2    (10, m) = (10, 10)(10, m) + (10, 1)
    A2 = softmax(Z2)   (10, m), each column sums to 1

It fixes the original notebook's bugs: the bias gradients are summed over
the examples only, ``one_hot`` always has 10 rows, softmax is numerically
stable, and ``m`` is taken from the batch, never from a global.

Every function here is the answer to one lesson: this file is the single
source the lessons' solution cells and the autograder are built from.
"""
import sys

import numpy as np
from tqdm import trange

N_INPUTS, N_HIDDEN, N_CLASSES = 784, 10, 10

# Our defaults reach 85% test accuracy in a few seconds (about 60 iterations).
# SEED_ALPHA and SEED_ITERATIONS are the original notebook's step and number of
# iterations (alpha = 0.1, 500), kept for comparison.
ALPHA, ITERATIONS = 0.25, 100
SEED_ALPHA, SEED_ITERATIONS = 0.1, 500


def one_hot(Y):
    """Labels (m,) ints 0-9 -> one-hot matrix (10, m), one column per example.

    float32: 0 and 1 are exact in any float type, and the smallest one never
    turns float32 data into float64 downstream (lesson 17 says why it matters).
    """
    m = Y.shape[0]
    one_hot_Y = np.zeros((N_CLASSES, m), np.float32)
    one_hot_Y[Y, np.arange(m)] = 1.0
    return one_hot_Y


def init_params(rng=None):
    """Random starting parameters, scaled so the signal neither dies nor explodes.

    ``rng``: a ``np.random.Generator``, a seed, or None for a fresh one.
    Returns W1 (10, 784), b1 (10, 1), W2 (10, 10), b2 (10, 1): weights drawn
    from N(0, 1 / fan_in), where fan_in is the number of inputs of each unit
    (LeCun initialisation), biases zero.
    """
    rng = np.random.default_rng(rng)
    W1 = rng.standard_normal((N_HIDDEN, N_INPUTS)) * np.sqrt(1.0 / N_INPUTS)
    b1 = np.zeros((N_HIDDEN, 1))
    W2 = rng.standard_normal((N_CLASSES, N_HIDDEN)) * np.sqrt(1.0 / N_HIDDEN)
    b2 = np.zeros((N_CLASSES, 1))
    return W1, b1, W2, b2


def seed_init_params(rng=None):
    """The original notebook's initialisation: every parameter uniform in [-0.5, 0.5).

    Same shapes as ``init_params``; kept to show why scaling matters.
    """
    rng = np.random.default_rng(rng)
    W1 = rng.random((N_HIDDEN, N_INPUTS)) - 0.5
    b1 = rng.random((N_HIDDEN, 1)) - 0.5
    W2 = rng.random((N_CLASSES, N_HIDDEN)) - 0.5
    b2 = rng.random((N_CLASSES, 1)) - 0.5
    return W1, b1, W2, b2


def relu(Z):
    """Rectified linear unit, element-wise: Z (10, m) -> (10, m)."""
    return np.maximum(Z, 0)


def relu_deriv(Z):
    """Slope of relu at Z, element-wise: 1 where Z > 0, else 0, in Z's own float type; (10, m) -> (10, m)."""
    return (Z > 0).astype(Z.dtype)


def softmax(Z):
    """Scores Z (10, m) -> probabilities (10, m); each column sums to 1.

    Subtracting each column's maximum first changes nothing mathematically
    but keeps ``exp`` from overflowing on large scores.
    """
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def forward_prop(W1, b1, W2, b2, X):
    """Run the network on X (784, m).

    Returns Z1, A1, Z2, A2, each (10, m): the hidden layer's scores and
    activations, then the output layer's scores and probabilities.
    """
    Z1 = W1 @ X + b1
    A1 = relu(Z1)
    Z2 = W2 @ A1 + b2
    A2 = softmax(Z2)
    return Z1, A1, Z2, A2


def cross_entropy(A2, Y):
    """Mean cross-entropy loss (a float) of probabilities A2 (10, m) for labels Y (m,).

    The loss of example i is -log A2[Y[i], i], the log-probability the
    network gave the right digit; probabilities are floored at 1e-12 so a
    confident mistake costs a large but finite loss.
    """
    m = Y.shape[0]
    p = A2[Y, np.arange(m)]
    return float(-np.mean(np.log(np.maximum(p, 1e-12))))


def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y):
    """Gradients of the mean cross-entropy loss, by the chain rule.

    Takes the forward pass's Z1, A1, Z2, A2 (10, m), the weights W1 (10, 784)
    and W2 (10, 10), the input X (784, m) and labels Y (m,). Returns dW1
    (10, 784), db1 (10, 1), dW2 (10, 10), db2 (10, 1): each the same shape as
    its parameter, averaged over the m examples of this batch.
    """
    m = X.shape[1]
    dZ2 = A2 - one_hot(Y)
    dW2 = dZ2 @ A1.T / m
    db2 = dZ2.sum(axis=1, keepdims=True) / m
    dZ1 = (W2.T @ dZ2) * relu_deriv(Z1)
    dW1 = dZ1 @ X.T / m
    db1 = dZ1.sum(axis=1, keepdims=True) / m
    return dW1, db1, dW2, db2


def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    """One step of gradient descent: each parameter moves by -alpha times its gradient.

    Returns new W1 (10, 784), b1 (10, 1), W2 (10, 10), b2 (10, 1); the arrays
    passed in are left unchanged.
    """
    W1 = W1 - alpha * dW1
    b1 = b1 - alpha * db1
    W2 = W2 - alpha * dW2
    b2 = b2 - alpha * db2
    return W1, b1, W2, b2


def get_predictions(A2):
    """Probabilities A2 (10, m) -> predicted digits (m,): the most probable row of each column."""
    return np.argmax(A2, axis=0)


def get_accuracy(predictions, Y):
    """Fraction (a float in [0, 1]) of predictions (m,) equal to labels Y (m,)."""
    return float(np.mean(predictions == Y))


def gradient_descent(X, Y, alpha=ALPHA, iterations=ITERATIONS, params=None, rng=None,
                     X_val=None, Y_val=None, progress=True):
    """Train the network with full-batch gradient descent on X (784, m), Y (m,).

    Starts from ``params`` (W1, b1, W2, b2) if given, else from
    ``init_params(rng)``. Each iteration runs forward, records the loss and
    training accuracy (and the validation accuracy when X_val (784, m_val),
    Y_val (m_val,) are given: images held out of training to choose settings
    on), runs backward and updates. Returns ``(W1, b1, W2, b2), history``
    where history is a dict of lists with one entry per iteration: "loss",
    "accuracy" and, with validation data, "val_accuracy". ``progress`` shows
    a progress bar on stdout.
    """
    W1, b1, W2, b2 = init_params(rng) if params is None else params
    history = {"loss": [], "accuracy": []}
    if X_val is not None:
        history["val_accuracy"] = []
    bar = trange(iterations, disable=not progress, file=sys.stdout, desc="training")
    for _ in bar:
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        history["loss"].append(cross_entropy(A2, Y))
        history["accuracy"].append(get_accuracy(get_predictions(A2), Y))
        if X_val is not None:
            A2_val = forward_prop(W1, b1, W2, b2, X_val)[3]
            history["val_accuracy"].append(get_accuracy(get_predictions(A2_val), Y_val))
        dW1, db1, dW2, db2 = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)
        bar.set_postfix(loss=f"{history['loss'][-1]:.3f}", accuracy=f"{history['accuracy'][-1]:.3f}",
                        refresh=False)
    return (W1, b1, W2, b2), history


def make_predictions(X, W1, b1, W2, b2):
    """Predicted digits (m,) of a trained network for images X (784, m)."""
    _, _, _, A2 = forward_prop(W1, b1, W2, b2, X)
    return get_predictions(A2)
