"""Part 2's reference: from part 1's 784-10-10 network to a deep one that reads 98% of the test digits.

Same conventions as part 1 (``solutions/network.py``): X is (784, m), one
column per image, pixels in [0, 1]; Y is an int vector (m,) of digits 0-9;
a layer's weights W are (n_out, n_in) and its bias b is (n_out, 1).

A network of any depth is a list of layers, each a pair ``(W, b)``::

    params = [(W1, b1), (W2, b2), (W3, b3)]      # 784 -> 256 -> 128 -> 10

    Z1 = W1 X  + b1,  A1 = relu(Z1)     (256, m)
    Z2 = W2 A1 + b2,  A2 = relu(Z2)     (128, m)
    Z3 = W3 A2 + b3,  A3 = softmax(Z3)  (10, m)

Functions, not classes: each returns new arrays and changes nothing it is
given (as part 1's did), and what the backward pass needs from the forward
pass travels as a value, the ``cache``, as part 1's Z1, A1, Z2, A2 did. So
every step can be checked by calling it and looking at what it returns.

One graded function per lesson, in lesson order:

    15  train_val_split      hold out a validation set, to choose settings on
    16  numerical_gradient   slopes by centred differences (the gradient check)
    17  minibatches          one shuffled pass over the data, in small batches
    18  init_layers          He initialisation for any list of layer sizes
    19  forward_layers       the forward pass of any depth, with its cache
    20  backward_layers      the backward pass of any depth
    21  adam_step            Adam
    22  decay_weights        decoupled weight decay (AdamW)

Part 1's functions come from ``solutions/network.py``; the training loops
that use these (``python -m solutions.train --best``) are in
``solutions/train.py``.
"""
import numpy as np

from .network import one_hot, relu, relu_deriv, softmax


def train_val_split(X, Y, n_val=10000, rng=0):
    """Shuffle the examples with one seeded permutation, then hold out n_val of them.

    X (784, m), Y (m,): column j of X and Y[j] stay together. ``rng`` is a
    seed or a ``np.random.Generator``; the same seed gives the same split.
    Returns X_train (784, m - n_val), Y_train (m - n_val,), X_val (784,
    n_val), Y_val (n_val,): every example is in exactly one of the two.
    (``X[:, idx]`` copies the columns into a new array in which each image's
    pixels sit next to each other, which makes later minibatches fast.)
    """
    rng = np.random.default_rng(rng)
    perm = rng.permutation(X.shape[1])
    val, train = perm[:n_val], perm[n_val:]
    return X[:, train], Y[train], X[:, val], Y[val]


def numerical_gradient(f, x, eps=1e-5):
    """The slopes of a function f at x, measured by centred differences, one entry at a time.

    ``f(x)`` returns a number; x is a float array of any shape. Each entry
    x[i] is nudged in place to x[i] + eps and x[i] - eps (so f may also
    read x through a closure, e.g. a layer's W inside params), then put back
    exactly. Returns an array shaped like x whose entry i is
    (f(x + eps e_i) - f(x - eps e_i)) / (2 eps). Use float64 x: in float32
    the rounding error of f swamps the slopes.
    """
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = f(x)
        x[i] = old - eps
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def minibatches(X, Y, batch_size, rng):
    """One epoch's minibatches: every example exactly once, in a fresh random order.

    X (784, m), Y (m,); ``rng`` a ``np.random.Generator``, whose next
    permutation orders this epoch (so each call, each epoch, is shuffled
    anew). Returns a list of pairs (X_batch (784, b), Y_batch (b,)), with
    b = batch_size except in the last batch, which holds the rest.
    """
    m = X.shape[1]
    perm = rng.permutation(m)
    return [(X[:, perm[s:s + batch_size]], Y[perm[s:s + batch_size]]) for s in range(0, m, batch_size)]


def init_layers(layer_sizes, rng=None):
    """Random starting layers for a ReLU network: [784, 256, 128, 10] -> [(W1, b1), (W2, b2), (W3, b3)].

    Layer l maps n_in = layer_sizes[l] inputs to n_out = layer_sizes[l + 1]:
    W (n_out, n_in) drawn from N(0, 2 / n_in) (He initialisation: ReLU
    zeroes about half its inputs, the 2 makes up for it), b (n_out, 1)
    zeros. ``rng``: a ``np.random.Generator``, a seed, or None.
    """
    rng = np.random.default_rng(rng)
    return [(rng.standard_normal((n_out, n_in)) * np.sqrt(2 / n_in), np.zeros((n_out, 1)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]


def forward_layers(params, X):
    """Run X (n_0, m) through every layer: ReLU after each but the last, softmax after the last.

    params: [(W1, b1), ..., (WL, bL)], W (n_out, n_in), b (n_out, 1).
    Returns A (n_L, m), the probabilities, and ``cache``: a list with one
    pair (A_prev, Z) per layer, its input (n_in, m) and its scores
    (n_out, m), which is what backward_layers needs.
    """
    cache = []
    A = X
    for l, (W, b) in enumerate(params):
        Z = W @ A + b
        cache.append((A, Z))
        A = relu(Z) if l < len(params) - 1 else softmax(Z)
    return A, cache


def backward_layers(params, cache, Y):
    """Gradients of the mean cross-entropy loss for every layer, from the last back to the first.

    params as for forward_layers; cache is its cache; Y (m,) the labels.
    The error at the scores of the last layer is (softmax(Z_L) - one_hot(Y))
    / m; each layer then gives dW = dZ A_prev^T, db = dZ summed over the
    examples, and passes W^T dZ back, through ReLU's slope, to the layer
    below (the first layer has none below it, so it stops there). Returns
    grads: a list of pairs (dW, db) shaped like params.
    """
    Z = cache[-1][1]
    dZ = (softmax(Z) - one_hot(Y)) / Z.shape[1]
    grads = []
    for l in reversed(range(len(params))):
        A_prev, Z = cache[l]
        if l < len(params) - 1:
            dZ = dA * relu_deriv(Z)
        grads.append((dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True)))
        if l > 0:
            dA = params[l][0].T @ dZ
    return grads[::-1]


def adam_step(params, grads, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One step of Adam: each parameter moves by lr times its gradient's running mean over its typical size.

    params, grads: lists of (W, b) pairs of the same shapes. ``state``:
    None before the first step, then what the previous step returned: a
    dict with "t", the number of steps taken, and "m" and "v", lists of
    (W, b)-shaped pairs holding the running mean of each gradient and of its
    square. Returns (new params, new state); nothing passed in is changed.
    """
    if state is None:
        zeros = [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]
        state = {"t": 0, "m": zeros, "v": zeros}
    t = state["t"] + 1
    new_params, new_m, new_v = [], [], []
    for layer, layer_grads, layer_m, layer_v in zip(params, grads, state["m"], state["v"]):
        p_out, m_out, v_out = [], [], []
        for p, g, m, v in zip(layer, layer_grads, layer_m, layer_v):
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            m_hat = m / (1 - beta1 ** t)
            v_hat = v / (1 - beta2 ** t)
            p_out.append(p - lr * m_hat / (np.sqrt(v_hat) + eps))
            m_out.append(m)
            v_out.append(v)
        new_params.append(tuple(p_out))
        new_m.append(tuple(m_out))
        new_v.append(tuple(v_out))
    return new_params, {"t": t, "m": new_m, "v": new_v}


def decay_weights(params, lr, weight_decay):
    """Decoupled weight decay (as in AdamW): shrink every weight matrix towards 0, leave the biases.

    params: [(W, b), ...]. Returns new params with each W multiplied by
    (1 - lr * weight_decay) and each b unchanged; nothing passed in is
    changed. With plain gradient descent this is exactly an L2 penalty of
    weight_decay / 2 times the sum of the squared weights.
    """
    return [(W * (1 - lr * weight_decay), b) for W, b in params]
