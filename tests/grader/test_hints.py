"""Issue 22: every wrong answer told its cause, in one clean table.

Each finding of the issue is an answer here, judged by both runners (the notebook's check, with the stored
fixtures, and the grading sandbox, with the live reference and the hidden checks): the three wrong answers
that passed now fail, the five that were given a wrong cause get their own, the twelve that got only the
symptom get a cause, and the real-world set's contradiction, tanh and unrelated tag are gone. Then the
table itself: a mistake named once, where its evidence is; no ✓ above a ✗ it contradicts; every shown fix,
applied exactly to its catalogued wrong version, passes, and any part of it still leaves a hint.
"""
import re

import numpy as np
import pytest
from coursekit import MUTANT_SOURCES, SUITES

from autograder.grader.mutation import FixTrial, apply_edit, fix_trials
from autograder.grader.oracle import mutant_function
from autograder.grader.cell import grade_source
from autograder.learner import render
from autograder.learner.checking import judge
from autograder.learner.judge import Fix

# name: (function, the mistakes the report must name (and no other), a sentence it must show, source)
ANSWERS = {
    # a second spelling of each class added from held-out set #1 (the catalogue holds the first): each must be
    # named by its evidence, not by its wording
    'bl-gate-every-layer': ('backward_layers', ['relu_on_output'], "softmax, not a ReLU", '''
def backward_layers(params, cache, Y):
    m = Y.size
    dA = None
    grads = []
    for l in range(len(params) - 1, -1, -1):
        A_prev, Z = cache[l]
        if dA is None:
            dA = (softmax(Z) - one_hot(Y)) / m
        dZ = dA * (Z > 0)
        grads.insert(0, (dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True)))
        dA = params[l][0].T @ dZ
    return grads
'''),
    'ng-nested-ranges': ('numerical_gradient', ['two_dims_only'], "one index tuple", '''
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    for r in range(x.shape[0]):
        for c in range(x.shape[1]):
            keep = x[r, c]
            x[r, c] = keep + eps
            hi = f(x)
            x[r, c] = keep - eps
            lo = f(x)
            x[r, c] = keep
            grad[r, c] = (hi - lo) / (2 * eps)
    return grad
'''),
    'fp-bias-reshaped': ('forward_prop', ['flat_bias'], "(10, 1) columns", '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1.dot(X) + b1.reshape(10)
    A1 = relu(Z1)
    Z2 = W2.dot(A1) + b2.reshape(10)
    return Z1, A1, Z2, softmax(Z2)
'''),
    'fp-tanh-hidden': ('forward_prop', ['other_activation'], "ReLU", '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X + b1
    A1 = np.tanh(Z1)
    Z2 = W2 @ A1 + b2
    return Z1, A1, Z2, softmax(Z2)
'''),
    'mb-window': ('minibatches', ['sliding'], "range(0, m, batch_size)", '''
def minibatches(X, Y, batch_size, rng):
    order = rng.permutation(X.shape[1])
    return [(X[:, order[i:i + batch_size]], Y[order[i:i + batch_size]])
            for i in range(X.shape[1] - batch_size + 1)]
'''),
    'tvs-choice-setdiff': ('train_val_split', ['repeats_in_val'], "with replacement", '''
def train_val_split(X, Y, n_val=10000, rng=0):
    g = np.random.default_rng(rng)
    val = g.integers(0, X.shape[1], size=n_val)
    taken = set(val.tolist())
    train = np.array([i for i in range(X.shape[1]) if i not in taken])
    return X[:, train], Y[train], X[:, val], Y[val]
'''),
    'adam-power-as-product': ('adam_step', ['beta_times_t'], "beta**t", '''
def adam_step(params, grads, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    t = (state or {"t": 0})["t"] + 1
    out, ms, vs = [], [], []
    for l, (pair, gpair) in enumerate(zip(params, grads)):
        po, mo, vo = [], [], []
        for k, (p, g) in enumerate(zip(pair, gpair)):
            m0 = np.zeros_like(p) if state is None else state["m"][l][k]
            v0 = np.zeros_like(p) if state is None else state["v"][l][k]
            m, v = beta1 * m0 + (1 - beta1) * g, beta2 * v0 + (1 - beta2) * g ** 2
            step = lr * (m / (1 - t * beta1)) / (np.sqrt(v / (1 - t * beta2)) + eps)
            po.append(p - step); mo.append(m); vo.append(v)
        out.append(tuple(po)); ms.append(tuple(mo)); vs.append(tuple(vo))
    return out, {"t": t, "m": ms, "v": vs}
'''),
    'bp-slope-of-output': ('backward_prop', ['slope_at_Z2'], "Z1 was positive", '''
def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y):
    m = X.shape[1]
    dZ2 = (A2 - one_hot(Y)) / m
    dZ1 = W2.T.dot(dZ2) * (Z2 > 0)
    return dZ1.dot(X.T), dZ1.sum(axis=1, keepdims=True), dZ2.dot(A1.T), dZ2.sum(axis=1, keepdims=True)
'''),
    'up-biases-without-alpha': ('update_params', ['alpha_left_out'], "alpha times its own gradient", '''
def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    return W1 - alpha * dW1, b1 - db1, W2 - alpha * dW2, b2 - db2
'''),
    # passed: a float64 first state np.zeros(p.shape)
    'adam-zeros-state': ('adam_step', ['zeros_state'], 'np.zeros(W.shape) is float64', '''
def adam_step(params, grads, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if state is None:
        state = {"t": 0, "m": [(np.zeros(W.shape), np.zeros(b.shape)) for W, b in params],
                 "v": [(np.zeros(W.shape), np.zeros(b.shape)) for W, b in params]}
    t = state["t"] + 1
    new_params, new_m, new_v = [], [], []
    for (W, b), (dW, db), (mW, mb), (vW, vb) in zip(params, grads, state["m"], state["v"]):
        layer, ms, vs = [], [], []
        for p, g, m, v in ((W, dW, mW, vW), (b, db, mb, vb)):
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            m_hat = m / (1 - beta1 ** t)
            v_hat = v / (1 - beta2 ** t)
            layer.append(p - lr * m_hat / (np.sqrt(v_hat) + eps))
            ms.append(m); vs.append(v)
        new_params.append(tuple(layer)); new_m.append(tuple(ms)); new_v.append(tuple(vs))
    return new_params, {"t": t, "m": new_m, "v": new_v}
'''),
    # passed: nudging copies of x (breaks the closure contract)
    'ng-copies': ('numerical_gradient', ['copies_x'], 'reads x itself', '''
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        xp = x.copy(); xp[i] += eps
        xm = x.copy(); xm[i] -= eps
        grad[i] = (f(xp) - f(xm)) / (2 * eps)
    return grad
'''),
    # passed: replacing the pairs in the caller's list
    'decay-replaces-pairs': ('decay_weights', ['changes_list'], 'belongs to the caller', '''
def decay_weights(params, lr, weight_decay):
    for l, (W, b) in enumerate(params):
        params[l] = (W * (1 - lr * weight_decay), b)
    return params
'''),
    # was told 'a return inside the loop': a permutation of the 784 rows
    'mb-rows-perm': ('minibatches', ['rows_permuted'], 'X.shape[0]', '''
def minibatches(X, Y, batch_size, rng):
    perm = rng.permutation(X.shape[0])
    batches = []
    for s in range(0, len(perm), batch_size):
        idx = perm[s:s + batch_size]
        batches.append((X[:, idx], Y[idx]))
    return batches
'''),
    # was told 'use n_val': a permutation of the rows
    'tvs-rows-perm': ('train_val_split', ['rows_permuted'], 'X.shape[0]', '''
def train_val_split(X, Y, n_val=10000, rng=0):
    rng = np.random.default_rng(rng)
    perm = rng.permutation(X.shape[0])
    val, train = perm[:n_val], perm[n_val:]
    return X[:, train], Y[train], X[:, val], Y[val]
'''),
    # was told 'ReLU on the last layer too': softmax after every layer
    'fl-softmax-every': ('forward_layers', ['softmax_everywhere'], None, '''
def forward_layers(params, X):
    A, cache = X, []
    for W, b in params:
        Z = W @ A + b
        cache.append((A, Z))
        A = softmax(Z)
    return A, cache
'''),
    # was told 'ReLU on the last layer too': relu(Z) cached
    # the output cannot tell relu(Z) cached for the hidden layers from ReLU applied to Z in place after caching
    # it: the class names both (set #2 told an in-place ReLU 'caching the activation')
    'fl-cache-relu': ('forward_layers', ['rectified_cache'], None, '''
def forward_layers(params, X):
    A, cache = X, []
    L = len(params)
    for l, (W, b) in enumerate(params):
        A_prev = A
        Z = W @ A + b
        if l < L - 1:
            A = relu(Z)
            cache.append((A_prev, A))
        else:
            A = softmax(Z)
            cache.append((A_prev, Z))
    return A, cache
'''),
    # was given the fix 'np.zeros_like(p)': np.power(beta1, t)
    'adam-np-power': ('adam_step', ['float64_number'], 'np.power(beta1, t)', '''
def adam_step(params, grads, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if state is None:
        state = {"t": 0, "m": [(np.zeros_like(W), np.zeros_like(b)) for W, b in params],
                 "v": [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]}
    t = state["t"] + 1
    new_params, new_m, new_v = [], [], []
    for (W, b), (dW, db), (mW, mb), (vW, vb) in zip(params, grads, state["m"], state["v"]):
        layer, ms, vs = [], [], []
        for p, g, m, v in ((W, dW, mW, vW), (b, db, mb, vb)):
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            m_hat = m / (1 - np.power(beta1, t))
            v_hat = v / (1 - np.power(beta2, t))
            layer.append(p - lr * m_hat / (np.sqrt(v_hat) + eps))
            ms.append(m); vs.append(v)
        new_params.append(tuple(layer)); new_m.append(tuple(ms)); new_v.append(tuple(vs))
    return new_params, {"t": t, "m": new_m, "v": new_v}
'''),
    # symptom only: an off-by-one split
    'tvs-off-by-one': ('train_val_split', ['off_by_one'], 'a slice stops before its end', '''
def train_val_split(X, Y, n_val=10000, rng=0):
    rng = np.random.default_rng(rng)
    perm = rng.permutation(X.shape[1])
    val, train = perm[:n_val + 1], perm[n_val + 1:]
    return X[:, train], Y[train], X[:, val], Y[val]
'''),
    # symptom only: a loop over the first axis only
    'ng-first-axis': ('numerical_gradient', ['first_axis'], 'np.ndindex', '''
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    for i in range(x.shape[0]):
        old = x[i].copy()
        x[i] = old + eps
        fp = f(x)
        x[i] = old - eps
        fm = f(x)
        x[i] = old
        grad[i] = (fp - fm) / (2 * eps)
    return grad
'''),
    # symptom only: a flat gradient
    'ng-flat': ('numerical_gradient', ['flat_gradient'], "x's shape", '''
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.size)
    for k, i in enumerate(np.ndindex(x.shape)):
        old = x[i]
        x[i] = old + eps
        fp = f(x)
        x[i] = old - eps
        fm = f(x)
        x[i] = old
        grad[k] = (fp - fm) / (2 * eps)
    return grad
'''),
    # symptom only: an empty last batch
    'mb-empty-last': ('minibatches', ['empty_last'], '0 examples', '''
def minibatches(X, Y, batch_size, rng):
    m = X.shape[1]
    perm = rng.permutation(m)
    batches = []
    for k in range(m // batch_size + 1):
        idx = perm[k * batch_size:(k + 1) * batch_size]
        batches.append((X[:, idx], Y[idx]))
    return batches
'''),
    # symptom only: transposed batches
    'mb-transposed': ('minibatches', ['transposed'], '(n, b)', '''
def minibatches(X, Y, batch_size, rng):
    m = X.shape[1]
    perm = rng.permutation(m)
    return [(X[:, perm[s:s + batch_size]].T, Y[perm[s:s + batch_size]]) for s in range(0, m, batch_size)]
'''),
    # symptom only: softmax over the whole matrix
    'fl-softmax-all': ('forward_layers', ['sum_all'], 'its own sum', '''
def forward_layers(params, X):
    A, cache = X, []
    for l, (W, b) in enumerate(params):
        Z = W @ A + b
        cache.append((A, Z))
        if l == len(params) - 1:
            E = np.exp(Z - Z.max())
            A = E / E.sum()
        else:
            A = relu(Z)
    return A, cache
'''),
    # symptom only: m from the wrong axis
    'bl-m-rows': ('backward_layers', ['m_from_rows'], 'Z.shape[1]', '''
def backward_layers(params, cache, Y):
    Z = cache[-1][1]
    m = Z.shape[0]
    dZ = (softmax(Z) - one_hot(Y)) / m
    grads = []
    for l in reversed(range(len(params))):
        A_prev, Z = cache[l]
        if l < len(params) - 1:
            dZ = dA * relu_deriv(Z)
        grads.append((dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True)))
        if l > 0:
            dA = params[l][0].T @ dZ
    return grads[::-1]
'''),
    # symptom only: bias correction without the power t
    'adam-no-power': ('adam_step', ['correction_without_t'], 'with the power t', '''
def adam_step(params, grads, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if state is None:
        state = {"t": 0, "m": [(np.zeros_like(W), np.zeros_like(b)) for W, b in params],
                 "v": [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]}
    t = state["t"] + 1
    new_params, new_m, new_v = [], [], []
    for (W, b), (dW, db), (mW, mb), (vW, vb) in zip(params, grads, state["m"], state["v"]):
        layer, ms, vs = [], [], []
        for p, g, m, v in ((W, dW, mW, vW), (b, db, mb, vb)):
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            m_hat = m / (1 - beta1)
            v_hat = v / (1 - beta2)
            layer.append(p - lr * m_hat / (np.sqrt(v_hat) + eps))
            ms.append(m); vs.append(v)
        new_params.append(tuple(layer)); new_m.append(tuple(ms)); new_v.append(tuple(vs))
    return new_params, {"t": t, "m": new_m, "v": new_v}
'''),
    # symptom only: t advanced twice
    'adam-t-twice': ('adam_step', ['t_twice'], 'add 1 once', '''
def adam_step(params, grads, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if state is None:
        state = {"t": 0, "m": [(np.zeros_like(W), np.zeros_like(b)) for W, b in params],
                 "v": [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]}
    t = state["t"] + 1
    new_params, new_m, new_v = [], [], []
    for (W, b), (dW, db), (mW, mb), (vW, vb) in zip(params, grads, state["m"], state["v"]):
        layer, ms, vs = [], [], []
        for p, g, m, v in ((W, dW, mW, vW), (b, db, mb, vb)):
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            m_hat = m / (1 - beta1 ** t)
            v_hat = v / (1 - beta2 ** t)
            layer.append(p - lr * m_hat / (np.sqrt(v_hat) + eps))
            ms.append(m); vs.append(v)
        new_params.append(tuple(layer)); new_m.append(tuple(ms)); new_v.append(tuple(vs))
    return new_params, {"t": t + 1, "m": new_m, "v": new_v}
'''),
    # symptom only: lambda / 2
    'decay-half': ('decay_weights', ['half_decay'], 'not half of it', '''
def decay_weights(params, lr, weight_decay):
    return [(W * (1 - lr * weight_decay / 2), b) for W, b in params]
'''),
    # symptom only: exponential decay
    'decay-exp': ('decay_weights', ['exponential', 'upcasts'], 'one straight step', '''
def decay_weights(params, lr, weight_decay):
    return [(W * np.exp(-lr * weight_decay), b) for W, b in params]
'''),
    # told only a last-batch size: sampling batches with replacement
    'mb-replacement': ('minibatches', ['with_replacement'], 'each exactly once', '''
def minibatches(X, Y, batch_size, rng):
    m = X.shape[1]
    batches = []
    for _ in range(int(np.ceil(m / batch_size))):
        idx = rng.choice(m, batch_size)
        batches.append((X[:, idx], Y[idx]))
    return batches
'''),
    # real world, contradicted itself: a global-max softmax
    'softmax-global-max': ('softmax', ['global_shift'], None, '''
def softmax(Z):
    A = np.exp(Z - np.max(Z)) / np.sum(np.exp(Z - np.max(Z)), axis=0)
    return A
'''),
    # real world, only a value difference: relu written as tanh
    'relu-tanh': ('relu', ['tanh'], None, '''
def relu(Z):
    return np.tanh(Z)
'''),
    # real world, an unrelated tag after the shape: other layer sizes
    'init-other-sizes': ('init_params', ['hidden_width'], 'W1 has shape (20, 784)', '''
def init_params():
    W1 = np.random.rand(20, 784) - 0.5
    b1 = np.random.rand(20, 1) - 0.5
    W2 = np.random.rand(10, 20) - 0.5
    b2 = np.random.rand(10, 1) - 0.5
    return W1, b1, W2, b2
'''),
    # the table's dead end: the wrong-axis fix applied to the sum only
    'softmax-wrong-axis-partial': ('softmax', ['shift_rows'], None, '''
def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)
'''),
    # composites, one mistake per row that shows it (a learner rarely makes one mistake at a time)
    'softmax-no-shift-and-whole-sum': ('softmax', ['no_shift', 'sum_all'], None, '''
def softmax(Z):
    return np.exp(Z) / np.sum(np.exp(Z))
'''),
    'forward-prop-no-biases-and-relu-output': ('forward_prop', ['no_bias', 'relu_output'], None, '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1.dot(X)
    A1 = relu(Z1)
    Z2 = W2.dot(A1)
    return Z1, A1, Z2, relu(Z2)
'''),
    'backward-prop-1-over-m-on-the-weights-only': ('backward_prop', ['missing_1_over_m'], None, '''
def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y):
    m = X.shape[1]
    dZ2 = A2 - one_hot(Y)
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = W2.T @ dZ2 * relu_deriv(Z1)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True)
    return dW1, db1, dW2, db2
'''),
    'one-hot-no-transpose-sized-by-labels': ('one_hot', ['transposed'], None, '''
def one_hot(Y):
    one_hot_Y = np.zeros((Y.size, Y.max() + 1))
    one_hot_Y[np.arange(Y.size), Y] = 1
    return one_hot_Y
'''),
    # held-out set #2: each class of mistake named by its evidence (a second spelling of each catalogued one)
    'fp-bias-after-relu': ('forward_prop', ['bias_after_relu'], 'A1 is relu(Z1) + b1', '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = np.dot(W1, X)
    A1 = np.maximum(Z1, 0) + b1
    Z2 = np.dot(W2, A1) + b2
    return Z1, A1, Z2, softmax(Z2)
'''),
    'fp-b1-in-output': ('forward_prop', ['other_bias'], 'its own bias', '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = np.dot(W1, X) + b1
    A1 = relu(Z1)
    Z2 = np.dot(W2, A1) + b1
    return Z1, A1, Z2, softmax(Z2)
'''),
    'fp-A1-aliases-Z1': ('forward_prop', ['relu_in_place'], 'second name', '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = np.dot(W1, X) + b1
    A1 = np.maximum(Z1, 0, out=Z1)
    Z2 = np.dot(W2, A1) + b2
    return Z1, A1, Z2, softmax(Z2)
'''),
    'fp-softmax-over-examples': ('forward_prop', ['softmax_rows'], 'each row of A2 sums to 1', '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = W1 @ X + b1
    A1 = relu(Z1)
    Z2 = W2 @ A1 + b2
    E = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    return Z1, A1, Z2, E / E.sum(axis=1, keepdims=True)
'''),
    'fl-last-by-width': ('forward_layers', ['last_by_size'], "784-10-10", '''
def forward_layers(params, X):
    A, cache = X, []
    for W, b in params:
        Z = W @ A + b
        cache.append((A, Z))
        if W.shape[0] == 10:
            A = softmax(Z)
        else:
            A = relu(Z)
    return A, cache
'''),
    'fl-relu-in-place': ('forward_layers', ['rectified_cache'], 'in place', '''
def forward_layers(params, X):
    A, cache = X, []
    for l, (W, b) in enumerate(params):
        Z = W @ A + b
        cache.append((A, Z))
        if l == len(params) - 1:
            A = softmax(Z)
        else:
            Z[Z < 0] = 0
            A = Z
    return A, cache
'''),
    'bl-weights-below': ('backward_layers', ['weights_below'], "params[l - 1]", '''
def backward_layers(params, cache, Y):
    L, m = len(params), Y.size
    grads = [None] * L
    dZ = (softmax(cache[-1][1]) - one_hot(Y)) / m
    for l in range(L - 1, -1, -1):
        A_prev, Z = cache[l]
        if l < L - 1:
            dZ = dA * relu_deriv(Z)
        grads[l] = (dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True))
        if l:
            dA = params[l - 1][0].T @ dZ
    return grads
'''),
    'bl-scores-not-probabilities': ('backward_layers', ['scores_not_probabilities'], 'softmax(Z) - one_hot(Y)', '''
def backward_layers(params, cache, Y):
    L, m = len(params), Y.size
    grads = [None] * L
    dZ = (cache[-1][1] - one_hot(Y)) / m
    for l in range(L - 1, -1, -1):
        A_prev, Z = cache[l]
        if l < L - 1:
            dZ = dA * relu_deriv(Z)
        grads[l] = (dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True))
        if l:
            dA = params[l][0].T @ dZ
    return grads
'''),
    'adam-v-of-g': ('adam_step', ['v_from_gradient'], 'g * g', '''
def adam_step(params, grads, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if state is None:
        state = {"t": 0, "m": [(np.zeros_like(W), np.zeros_like(b)) for W, b in params],
                 "v": [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]}
    t = state["t"] + 1
    new, ms, vs = [], [], []
    for (W, b), (dW, db), (mW, mb), (vW, vb) in zip(params, grads, state["m"], state["v"]):
        mW, mb = beta1 * mW + (1 - beta1) * dW, beta1 * mb + (1 - beta1) * db
        vW, vb = beta2 * vW + (1 - beta2) * dW, beta2 * vb + (1 - beta2) * db
        step = lambda mm, vv: lr * (mm / (1 - beta1 ** t)) / (np.sqrt(vv / (1 - beta2 ** t)) + eps)
        new.append((W - step(mW, vW), b - step(mb, vb)))
        ms.append((mW, mb))
        vs.append((vW, vb))
    return new, {"t": t, "m": ms, "v": vs}
'''),
    'il-seed-zero-falsy': ('init_layers', ['zero_is_no_seed'], 'is None', '''
def init_layers(layer_sizes, rng=None):
    gen = np.random.default_rng(rng or None)
    return [(gen.normal(0, np.sqrt(2 / a), (b, a)), np.zeros((b, 1))) for a, b in zip(layer_sizes, layer_sizes[1:])]
'''),
    'relu-mask-index': ('relu', ['boolean_index'], 'flat array', '''
def relu(Z):
    mask = Z > 0
    return Z[mask]
'''),
    'acc-over-shape': ('get_accuracy', ['divides_by_shape'], 'Y.size', '''
def get_accuracy(predictions, Y):
    right = (predictions == Y).sum()
    return right / Y.shape
'''),
    'ce-rows-of-labels': ('cross_entropy', ['whole_rows'], 'whole rows', '''
def cross_entropy(A2, Y):
    picked = np.clip(A2[Y], 1e-12, None)
    return float(-np.log(picked).mean())
'''),
    'softmax-loop-len': ('softmax', ['rows_counted'], 'range(Z.shape[1])', '''
def softmax(Z):
    out = np.empty_like(Z)
    for k in range(len(Z)):
        e = np.exp(Z[:, k] - np.max(Z[:, k]))
        out[:, k] = e / np.sum(e)
    return out
'''),
    'bp-dW1-swapped': ('backward_prop', ['dW1_transposed'], 'dZ1 @ X.T', '''
def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y):
    m = Y.size
    dZ2 = A2 - one_hot(Y)
    dZ1 = W2.T.dot(dZ2) * (Z1 > 0)
    return (X.dot(dZ1.T) / m, dZ1.sum(axis=1, keepdims=True) / m,
            dZ2.dot(A1.T) / m, dZ2.sum(axis=1, keepdims=True) / m)
'''),
    'il-root-of-two': ('init_layers', ['sqrt_misplaced'], 'np.sqrt(2 / n_in)', '''
def init_layers(layer_sizes, rng=None):
    g = np.random.default_rng(rng)
    out = []
    for a, b in zip(layer_sizes[:-1], layer_sizes[1:]):
        out.append((g.normal(0, 1, (b, a)) * (np.sqrt(2) / a), np.zeros((b, 1))))
    return out
'''),
    'ip-generator-each': ('init_params', ['reseeded'], 'starts the same stream over', '''
def init_params(rng=None):
    W1 = np.random.default_rng(rng).normal(0, np.sqrt(1 / 784), (10, 784))
    W2 = np.random.default_rng(rng).normal(0, np.sqrt(1 / 10), (10, 10))
    return W1, np.zeros((10, 1)), W2, np.zeros((10, 1))
'''),
    'gd-val-from-train': ('gradient_descent', ['val_from_training'], 'forward_prop on X_val', '''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_val=None, Y_val=None, progress=True):
    W1, b1, W2, b2 = init_params(rng) if params is None else params
    history = {"loss": [], "accuracy": []}
    if X_val is not None:
        history["val_accuracy"] = []
    for _ in trange(iterations, disable=not progress, file=sys.stdout):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        guesses = get_predictions(A2)
        history["loss"].append(cross_entropy(A2, Y))
        history["accuracy"].append(get_accuracy(guesses, Y))
        if X_val is not None:
            history["val_accuracy"].append(get_accuracy(guesses, Y_val))
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, *backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y), alpha)
    return (W1, b1, W2, b2), history
'''),
    # held-out set #3: each class of mistake named by its evidence (a second spelling of each catalogued one)
    'acc-floor-mean': ('get_accuracy', ['floor_division'], '`/`', '''
def get_accuracy(predictions, Y):
    right = int((predictions == Y).sum())
    return float(right // len(Y))
'''),
    'acc-np-round': ('get_accuracy', ['rounded'], 'round only where you print', '''
def get_accuracy(predictions, Y):
    return float(np.round(np.mean(predictions == Y), 3))
'''),
    'adam-hat-times': ('adam_step', ['correction_multiplies'], 'divide by the factor', '''
def adam_step(params, grads, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if state is None:
        state = {"t": 0, "m": [(np.zeros_like(W), np.zeros_like(b)) for W, b in params],
                 "v": [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]}
    t = state["t"] + 1
    new, ms, vs = [], [], []
    for (W, b), (dW, db), (mW, mb), (vW, vb) in zip(params, grads, state["m"], state["v"]):
        mW, mb = beta1 * mW + (1 - beta1) * dW, beta1 * mb + (1 - beta1) * db
        vW, vb = beta2 * vW + (1 - beta2) * dW ** 2, beta2 * vb + (1 - beta2) * db ** 2
        c1, c2 = 1 - beta1 ** t, 1 - beta2 ** t
        new.append((W - lr * (mW * c1) / (np.sqrt(vW * c2) + eps), b - lr * (mb * c1) / (np.sqrt(vb * c2) + eps)))
        ms.append((mW, mb))
        vs.append((vW, vb))
    return new, {"t": t, "m": ms, "v": vs}
'''),
    'adam-v-of-abs': ('adam_step', ['v_from_size'], 'g * g', '''
def adam_step(params, grads, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if state is None:
        state = {"t": 0, "m": [(np.zeros_like(W), np.zeros_like(b)) for W, b in params],
                 "v": [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]}
    t = state["t"] + 1
    new, ms, vs = [], [], []
    for (W, b), (dW, db), (mW, mb), (vW, vb) in zip(params, grads, state["m"], state["v"]):
        mW, mb = beta1 * mW + (1 - beta1) * dW, beta1 * mb + (1 - beta1) * db
        vW, vb = beta2 * vW + (1 - beta2) * abs(dW), beta2 * vb + (1 - beta2) * abs(db)
        step = lambda mm, vv: lr * (mm / (1 - beta1 ** t)) / (np.sqrt(vv / (1 - beta2 ** t)) + eps)
        new.append((W - step(mW, vW), b - step(mb, vb)))
        ms.append((mW, mb))
        vs.append((vW, vb))
    return new, {"t": t, "m": ms, "v": vs}
'''),
    'bl-db-axis0-flat': ('backward_layers', ['db_over_units'], 'summed down its units', '''
def backward_layers(params, cache, Y):
    L, m = len(params), Y.size
    grads = [None] * L
    dZ = (softmax(cache[-1][1]) - one_hot(Y)) / m
    for l in range(L - 1, -1, -1):
        A_prev, Z = cache[l]
        if l < L - 1:
            dZ = dA * relu_deriv(Z)
        grads[l] = (dZ @ A_prev.T, np.sum(dZ, axis=0).reshape(1, -1))
        if l:
            dA = params[l][0].T @ dZ
    return grads
'''),
    'bl-gate-by-error': ('backward_layers', ['gate_from_error'], "layer's own Z", '''
def backward_layers(params, cache, Y):
    L, m = len(params), Y.size
    grads = [None] * L
    dZ = (softmax(cache[-1][1]) - one_hot(Y)) / m
    for l in range(L - 1, -1, -1):
        A_prev, Z = cache[l]
        if l < L - 1:
            dZ = np.where(dA > 0, dA, 0)
        grads[l] = (dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True))
        if l:
            dA = params[l][0].T @ dZ
    return grads
'''),
    'bl-while-to-one': ('backward_layers', ['first_layer_skipped'], 'leaves out layer 0', '''
def backward_layers(params, cache, Y):
    m = Y.size
    dZ = (softmax(cache[-1][1]) - one_hot(Y)) / m
    grads = []
    l = len(params) - 1
    while l > 0:
        A_prev, Z = cache[l]
        if l < len(params) - 1:
            dZ = dA * relu_deriv(Z)
        grads.insert(0, (dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True)))
        dA = params[l][0].T @ dZ
        l -= 1
    return grads
'''),
    'bp-dW2-swapped': ('backward_prop', ['dW2_transposed'], 'dZ2 (10, m) first', '''
def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y):
    m = Y.size
    dZ2 = A2 - one_hot(Y)
    dZ1 = W2.T.dot(dZ2) * (Z1 > 0)
    return (dZ1.dot(X.T) / m, dZ1.sum(axis=1, keepdims=True) / m,
            A1.dot(dZ2.T) / m, dZ2.sum(axis=1, keepdims=True) / m)
'''),
    'bp-gate-then-back': ('backward_prop', ['gate_before_weights'], 'gated before it goes back', '''
def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y):
    m = Y.size
    dZ2 = (A2 - one_hot(Y)) / m
    gated = np.where(Z1 > 0, dZ2, 0)
    dZ1 = W2.T @ gated
    return dZ1 @ X.T, dZ1.sum(axis=1, keepdims=True), dZ2 @ A1.T, dZ2.sum(axis=1, keepdims=True)
'''),
    'ce-ten-columns': ('cross_entropy', ['digits_as_columns'], 'one per example', '''
def cross_entropy(A2, Y):
    picked = A2[Y, np.arange(len(A2))]
    return float(-np.log(np.clip(picked, 1e-12, None)).mean())
'''),
    'oh-ten-columns': ('one_hot', ['digits_as_columns'], 'one per example', '''
def one_hot(Y):
    out = np.zeros((10, Y.size), dtype=np.float32)
    out[Y, range(10)] = 1
    return out
'''),
    'fp-bias-transposed': ('forward_prop', ['bias_as_row'], '(10, 1) columns', '''
def forward_prop(W1, b1, W2, b2, X):
    Z1 = np.dot(W1, X) + np.transpose(b1)
    A1 = relu(Z1)
    Z2 = np.dot(W2, A1) + np.transpose(b2)
    return Z1, A1, Z2, softmax(Z2)
'''),
    'gd-val-reuses-names': ('gradient_descent', ['val_overwrites_training'], 'names of their own', '''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_val=None, Y_val=None, progress=True):
    W1, b1, W2, b2 = init_params(rng) if params is None else params
    history = {"loss": [], "accuracy": []}
    if X_val is not None:
        history["val_accuracy"] = []
    for _ in trange(iterations, disable=not progress, file=sys.stdout):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        history["loss"].append(cross_entropy(A2, Y))
        history["accuracy"].append(get_accuracy(get_predictions(A2), Y))
        if X_val is not None:
            Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X_val)
            history["val_accuracy"].append(get_accuracy(get_predictions(A2), Y_val))
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, *backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y), alpha)
    return (W1, b1, W2, b2), history
'''),
    'gd-val-key-setdefault': ('gradient_descent', ['val_key_always'], 'only when X_val is given', '''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_val=None, Y_val=None, progress=True):
    W1, b1, W2, b2 = init_params(rng) if params is None else params
    history = {key: [] for key in ("loss", "accuracy", "val_accuracy")}
    for _ in trange(iterations, disable=not progress, file=sys.stdout):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        history["loss"].append(cross_entropy(A2, Y))
        history["accuracy"].append(get_accuracy(get_predictions(A2), Y))
        if X_val is not None:
            history["val_accuracy"].append(get_accuracy(get_predictions(forward_prop(W1, b1, W2, b2, X_val)[3]),
                                                        Y_val))
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, *backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y), alpha)
    return (W1, b1, W2, b2), history
'''),
    'il-bias-by-inputs': ('init_layers', ['bias_by_inputs'], 'as many rows as W has rows', '''
def init_layers(layer_sizes, rng=None):
    g = np.random.default_rng(rng)
    return [(g.normal(0, np.sqrt(2 / a), (b, a)), np.zeros((a, 1))) for a, b in zip(layer_sizes, layer_sizes[1:])]
'''),
    'il-random-state': ('init_layers', ['seeds_numpy'], 'take only a number', '''
def init_layers(layer_sizes, rng=None):
    r = np.random.RandomState(rng)
    return [(r.randn(b, a) * np.sqrt(2 / a), np.zeros((b, 1))) for a, b in zip(layer_sizes, layer_sizes[1:])]
'''),
    'tvs-seed-zero-falsy': ('train_val_split', ['zero_is_no_seed'], '0 is falsy', '''
def train_val_split(X, Y, n_val=10000, rng=0):
    gen = np.random.default_rng(rng) if rng else np.random.default_rng()
    order = gen.permutation(Y.size)
    return X[:, order[n_val:]], Y[order[n_val:]], X[:, order[:n_val]], Y[order[:n_val]]
'''),
    'ip-seed-zero-falsy': ('init_params', ['zero_is_no_seed'], '0 is falsy', '''
def init_params(rng=None):
    gen = np.random.default_rng(rng if rng else None)
    W1 = gen.normal(0, np.sqrt(1 / 784), (10, 784))
    W2 = gen.normal(0, np.sqrt(1 / 10), (10, 10))
    return W1, np.zeros((10, 1)), W2, np.zeros((10, 1))
'''),
    'gd-seed-zero-falsy': ('gradient_descent', ['zero_is_no_seed'], '0 is falsy', '''
def gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None,
                     X_val=None, Y_val=None, progress=True):
    if params is None:
        params = init_params(rng) if rng else init_params()
    W1, b1, W2, b2 = params
    history = {"loss": [], "accuracy": []}
    if X_val is not None:
        history["val_accuracy"] = []
    for _ in trange(iterations, disable=not progress, file=sys.stdout):
        Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)
        history["loss"].append(cross_entropy(A2, Y))
        history["accuracy"].append(get_accuracy(get_predictions(A2), Y))
        if X_val is not None:
            history["val_accuracy"].append(get_accuracy(get_predictions(forward_prop(W1, b1, W2, b2, X_val)[3]),
                                                        Y_val))
        W1, b1, W2, b2 = update_params(W1, b1, W2, b2, *backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y), alpha)
    return (W1, b1, W2, b2), history
'''),
    # held-out set #4: a wrong cause named before (a tenth read as every digit counted, a misplaced bracket as
    # lr * weight_decay, a saved reference as x left nudged, a draw with replacement as a separate draw, unshuffled
    # labels as two permutations, a loop that rebinds its name as a learning rate of its own)
    'ce-mean-of-masked': ('cross_entropy', ['mean_over_entries'], "divide by m", '''
def cross_entropy(A2, Y):
    T = np.zeros(A2.shape)
    T[Y, np.arange(Y.size)] = 1.0
    return float(np.mean(-T * np.log(np.maximum(A2, 1e-12))))
'''),
    'dw-bracket-early': ('decay_weights', ['parenthesis'], "the brackets close too early", '''
def decay_weights(params, lr, weight_decay):
    out = []
    for W, b in params:
        out.append((W * ((1 - lr) * weight_decay), b))
    return out
'''),
    'ng-saved-view': ('numerical_gradient', ['saved_reference'], "not a copy", '''
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros_like(x, dtype=float)
    start = x[...]
    for idx in np.ndindex(*x.shape):
        x[idx] = start[idx] + eps
        up = f(x)
        x[idx] = start[idx] - eps
        down = f(x)
        x[idx] = start[idx]
        grad[idx] = (up - down) / (2 * eps)
    return grad
'''),
    'tvs-choice-order': ('train_val_split', ['order_with_replacement'], "exactly once", '''
def train_val_split(X, Y, n_val=10000, rng=0):
    gen = np.random.default_rng(rng)
    order = gen.choice(Y.size, Y.size)
    return X[:, order[n_val:]], Y[order[n_val:]], X[:, order[:n_val]], Y[order[:n_val]]
'''),
    'tvs-train-labels-unshuffled': ('train_val_split', ['labels_unshuffled'], "original order", '''
def train_val_split(X, Y, n_val=10000, rng=0):
    order = np.random.default_rng(rng).permutation(X.shape[1])
    return X[:, order[n_val:]], Y[n_val:], X[:, order[:n_val]], Y[order[:n_val]]
'''),
    'up-rebinds-in-loop': ('update_params', ['nothing_moves'], "the loop's name", '''
def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    out = (W1, b1, W2, b2)
    for param, grad in zip(out, (dW1, db1, dW2, db2)):
        param = param - alpha * grad
    return out
'''),
    'up-alpha-round-difference': ('update_params', ['scaled_difference'], "Only the step is scaled", '''
def update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    new = [alpha * (p - g) for p, g in zip((W1, b1, W2, b2), (dW1, db1, dW2, db2))]
    return tuple(new)
'''),
    # held-out set #4: symptoms given their cause
    'adam-v-hat-beta1': ('adam_step', ['v_hat_with_beta1'], "its own average's weight", '''
def adam_step(params, grads, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if state is None:
        state = {"t": 0, "m": [[np.zeros_like(a) for a in pair] for pair in params],
                 "v": [[np.zeros_like(a) for a in pair] for pair in params]}
    t = state["t"] + 1
    c1, c2 = 1 - beta1 ** t, 1 - beta1 ** t
    out, ms, vs = [], [], []
    for pair, gpair, mpair, vpair in zip(params, grads, state["m"], state["v"]):
        m_new = [beta1 * m + (1 - beta1) * g for m, g in zip(mpair, gpair)]
        v_new = [beta2 * v + (1 - beta2) * np.square(g) for v, g in zip(vpair, gpair)]
        out.append(tuple(p - lr * (m / c1) / (np.sqrt(v / c2) + eps) for p, m, v in zip(pair, m_new, v_new)))
        ms.append(m_new)
        vs.append(v_new)
    return out, {"t": t, "m": ms, "v": vs}
'''),
    'relu-clip-both': ('relu', ['clipped'], "Clip at the bottom only", '''
def relu(Z):
    return np.minimum(np.maximum(Z, 0), 1)
'''),
    'gp-threshold': ('get_predictions', ['above_half'], "not a threshold", '''
def get_predictions(A2):
    return (A2 >= 0.5).argmax(axis=0)
'''),
    'dw-range-short': ('decay_weights', ['last_layer_left_out'], "range(len(params))", '''
def decay_weights(params, lr, weight_decay):
    return [(params[i][0] * (1 - lr * weight_decay), params[i][1]) for i in range(len(params) - 1)]
'''),
    'bl-target-over-m': ('backward_layers', ['target_only_over_m'], "division comes before subtraction", '''
def backward_layers(params, cache, Y):
    n = Y.shape[0]
    grads = [None] * len(params)
    A_prev, Z = cache[-1]
    dZ = softmax(Z) - one_hot(Y) / n
    for l in range(len(params) - 1, -1, -1):
        A_prev, Z = cache[l]
        if l != len(params) - 1:
            dZ = dA * relu_deriv(Z)
        grads[l] = (dZ @ A_prev.T, np.sum(dZ, axis=1, keepdims=True))
        dA = params[l][0].T @ dZ
    return grads
'''),
    # held-out set #4: the two answers that passed
    'mb-range-stops-early': ('minibatches', ['range_one_short'], "never reaches its stop", '''
def minibatches(X, Y, batch_size, rng):
    order = rng.permutation(X.shape[1])
    return [(X[:, order[k:k + batch_size]], Y[order[k:k + batch_size]])
            for k in range(0, X.shape[1] - 1, batch_size)]
'''),
    'mb-rng-from-state': ('minibatches', ['rng_copied'], "Draw from `rng` itself", '''
def minibatches(X, Y, batch_size, rng):
    mine = np.random.default_rng()
    mine.bit_generator.state = rng.bit_generator.state
    perm = mine.permutation(X.shape[1])
    out = []
    for s in range(0, X.shape[1], batch_size):
        out.append((X[:, perm[s:s + batch_size]], Y[perm[s:s + batch_size]]))
    return out
'''),
}


def both(function, source, oracle):
    return (("notebook", judge(function, mutant_function(function, None, source))),
            ("sandbox", grade_source(function, source, oracle)))


def shown(report, fix=False):
    return " ".join(render.text(report, fix=fix).split())  # the text form wraps lines


@pytest.mark.parametrize("answer", list(ANSWERS))
def test_each_finding_fails_with_its_own_cause_and_no_other(answer, oracle):
    function, mistakes, text, source = ANSWERS[answer]
    for runner, report in both(function, source, oracle):
        assert not report.passed, f"{runner} passed {answer}"
        assert report.mistakes == mistakes, f"{runner}: {report.mistakes}\n{shown(report)}"
        if text:
            assert text in shown(report, fix=True), f"{runner}: {shown(report, fix=True)}"


def test_the_findings_wrong_causes_are_gone(oracle):
    """The exact wrong messages the issue quotes appear nowhere."""
    wrong = {"mb-rows-perm": "A `return` inside the loop", "tvs-rows-perm": "not a number written in the function",
             "fl-softmax-every": "ReLU on the last layer", "fl-cache-relu": "ReLU on the last layer",
             "adam-np-power": "np.zeros_like(p) for the first state", "softmax-global-max": "column's minimum",
             "init-other-sizes": "np.random instead of the rng",
             "fp-bias-after-relu": "leaving out a bias", "fl-relu-in-place": "caching the activation relu(Z)",
             "bl-weights-below": "W instead of W.T", "adam-v-of-g": "the step count before adding",
             "il-seed-zero-falsy": "np.random instead of the rng",
             "tvs-seed-zero-falsy": "np.random instead of the rng", "ip-seed-zero-falsy": "np.random instead of the rng",
             "gd-seed-zero-falsy": "without the rng you were given",
             "ce-mean-of-masked": "counting the logs of all ten", "dw-bracket-early": "multiplying by lr * weight_decay",
             "ng-saved-view": "not putting x[i] back", "tvs-choice-order": "drawing the validation examples",
             "tvs-train-labels-unshuffled": "two different permutations",
             "up-rebinds-in-loop": "a learning rate of its own"}
    for answer, sentence in wrong.items():
        function, _, _, source = ANSWERS[answer]
        for runner, report in both(function, source, oracle):
            assert sentence not in shown(report, fix=True), (answer, runner)


RIGHT = {
    "decay_weights": """
def decay_weights(params, lr, weight_decay):
    # a copy of the caller's list, changed: the caller's stays as it was
    new = params.copy()
    for l, (W, b) in enumerate(new):
        new[l] = (W * (1 - lr * weight_decay), b)
    return new
""",
    "adam_step": """
import copy
def adam_step(params, grads, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    # a deep copy of the state, updated in place
    if state is None:
        state = {"t": 0, "m": [[np.zeros_like(W), np.zeros_like(b)] for W, b in params],
                 "v": [[np.zeros_like(W), np.zeros_like(b)] for W, b in params]}
    state = copy.deepcopy(state)
    state["t"] += 1
    t = state["t"]
    new = []
    for l, ((W, b), (dW, db)) in enumerate(zip(params, grads)):
        pair = []
        for k, (p, g) in enumerate(((W, dW), (b, db))):
            state["m"][l] = list(state["m"][l]); state["v"][l] = list(state["v"][l])
            state["m"][l][k] = beta1 * state["m"][l][k] + (1 - beta1) * g
            state["v"][l][k] = beta2 * state["v"][l][k] + (1 - beta2) * g * g
            m_hat = state["m"][l][k] / (1 - beta1 ** t)
            v_hat = state["v"][l][k] / (1 - beta2 ** t)
            pair.append(p - lr * m_hat / (np.sqrt(v_hat) + eps))
        new.append(tuple(pair))
    return new, state
""",
    "numerical_gradient": """
def numerical_gradient(f, x, eps=1e-5):
    # a view of x, flat: nudging it nudges x, so an f reading x itself sees it
    flat, grad = x.reshape(-1), np.zeros(x.size)
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + eps
        up = f(x)
        flat[k] = old - eps
        down = f(x)
        flat[k] = old
        grad[k] = (up - down) / (2 * eps)
    return grad.reshape(x.shape)
""",
}


@pytest.mark.parametrize("function", list(RIGHT))
def test_right_answers_that_copy_what_they_change_pass_both_runners(function, oracle):
    """A copy of the caller's list (list(), .copy(), copy.deepcopy) is the caller's no more: changing it is fine."""
    for runner, report in both(function, RIGHT[function], oracle):
        assert report.passed, f"{runner}: {shown(report)}"


# ----------------------------------------------------------------------------- the table


@pytest.fixture(scope="module")
def catalogue():
    """The notebook's verdict on every catalogued wrong version and every finding."""
    out = [(f"{f}/{m}", f, judge(f, mutant_function(f, m, src))) for f, ms in MUTANT_SOURCES.items()
           for m, sources in ms.items() for src in sources]
    return out + [(name, a[0], judge(a[0], mutant_function(a[0], None, a[3]))) for name, a in ANSWERS.items()]


def test_a_mistake_is_named_once_where_its_evidence_is(catalogue):
    for name, function, report in catalogue:
        said = [r for r in report.results if "This looks like " in r.message]
        titles = [re.search(r"This looks like (.+?)\.$", r.message).group(1) for r in said]
        assert len(titles) == len(set(titles)), (name, titles)
        for r in said:  # the row that names it carries its idea (and fix); no other row does
            assert r.mistake and r.hint, (name, r.id)
        assert sum(bool(r.hint) for r in report.results) == len(said), name
        # a failing row names a mistake, and so does a passing row with a note (a float64 where float32 is asked)
        assert len(said) == len(report.mistakes) + len(report.noted), (name, report.mistakes, titles)
        text = render.text(report)
        assert "Known mistake" not in text and text.count("What to try:") == len(said), name


def test_the_idea_and_fix_sit_in_the_row_that_names_the_mistake(catalogue):
    name, function, report = next(x for x in catalogue if x[0] == "softmax/wrong_axis")
    html = render.html_table(report)
    rows = re.findall(r"<tr.*?</tr>", html, re.S)
    naming = [row for row in rows if "This looks like" in row]
    assert len(naming) == 1 and "What to try:" in naming[0] and "Show me the fix" in naming[0]
    assert html.count("What to try:") == 1 and "Known mistake" not in html


def test_no_check_mark_contradicts_a_cross_below_it(catalogue):
    """No "has no NaN ✓" above a row that reports a NaN; no "runs quietly ✓" for an answer that overflowed."""
    for name, function, report in catalogue:
        by_id = {r.id: r for r in report.results}
        nan_rows = [r for r in report.results if r.status == "fail" and re.search(r"\bNaN\b|infinite", r.message)
                    and not r.hidden]
        if nan_rows and "finite" in by_id:
            assert by_id["finite"].status == "fail", (name, [r.message for r in nan_rows])
        if "finite" in by_id and by_id["finite"].status == "fail" and "quiet" in by_id:
            assert by_id["quiet"].status == "skip", name


def test_the_softmax_that_overflows_is_not_told_it_runs_quietly():
    report = judge("softmax", mutant_function("softmax", "no_shift"))
    by_id = {r.id: r for r in report.results}
    assert by_id["finite"].status == "fail" and "no_shift" == by_id["finite"].mistake
    assert by_id["quiet"].status == "skip" and "has no NaN or infinite values" in by_id["quiet"].message


# ----------------------------------------------------------------------------- every shown fix


@pytest.fixture(scope="module")
def fixes():
    return fix_trials()


def test_every_catalogued_mistake_shows_a_fix_of_exact_edits():
    for function, suite in SUITES.items():
        for mistake in suite.mistakes:
            if mistake.id in MUTANT_SOURCES[function]:
                assert isinstance(mistake.fix, Fix) and mistake.fix.edits, f"{function}/{mistake.id}"


def test_every_shown_fix_applied_exactly_passes(fixes):
    """Each edit of a fix applies to the typical wrong version as written, and the fixed code passes."""
    failures = [f"{t.function}/{t.name}: {t.applied}/{t.edits} edits applied; "
                f"{' '.join(render.text(t.report).split())[:300]}" for t in fixes
                if not (t.applied > 0 and t.report.passed)]
    assert not failures, "\n".join(failures)
    for function, suite in SUITES.items():  # no edit is shown that applies to none of the mistake's versions
        for mistake in suite.mistakes:
            sources = MUTANT_SOURCES[function].get(mistake.id, [])
            for edit in (mistake.fix.edits if sources else ()):
                assert any(apply_edit(src, edit)[1] for src in sources), f"{function}/{mistake.id}: {edit}"
    assert len(fixes) >= 180


def test_after_any_part_of_a_fix_a_hint_still_appears(fixes):
    """Applying some of a fix's edits, never a dead end: the table still names what is left."""
    parts = [(t, part, r) for t in fixes for part, r in t.partial]
    assert len(parts) >= 60
    dead = [f"{t.function}/{t.name} after {[e.new for e in part]}" for t, part, r in parts if not r.passed
            and not r.mistakes]
    assert not dead, "\n".join(dead)


def test_every_fully_fixed_version_passes_the_grader_too(fixes, oracle):
    """The same fixed sources in the grading sandbox, hidden checks included."""
    failed = []
    for t in fixes:
        report = grade_source(t.function, t.source, oracle)
        if not report.passed:
            failed.append(f"{t.function}/{t.name}: {report.first_failure[:200]}")
    assert not failed, "\n".join(failed)


def test_the_wrong_axis_fix_covers_the_max_and_the_sum():
    (fix,) = [m.fix for m in SUITES["softmax"].mistakes if m.id == "wrong_axis"]
    text = fix.text()
    assert "Z.max(axis=0, keepdims=True)" in text and "E.sum(axis=0, keepdims=True)" in text
    source = MUTANT_SOURCES["softmax"]["wrong_axis"][0]
    only_the_sum, _ = apply_edit(source, fix.edits[1])
    report = judge("softmax", mutant_function("softmax", None, only_the_sum))
    assert not report.passed and report.mistakes == ["shift_rows"], render.text(report)


def test_fix_trials_count_every_wrong_version():
    trials = fix_trials(["relu"])
    assert {t.name for t in trials} == set(MUTANT_SOURCES["relu"]) and all(isinstance(t, FixTrial) for t in trials)
