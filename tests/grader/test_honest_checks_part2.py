"""Part 2's checks on answers they were never tuned on (issue 12, part 2): a learner's evaluation of
lessons 15-22 wrote 162 answers; before these fixes six wrong ones passed (three by returning a generator)
and several were named for the wrong cause; a hostile student then found five more that passed. Each such
answer is a test here, judged by both runners."""
import pytest

from autograder.grader.oracle import mutant_function
from autograder.grader.cell import grade_source
from autograder.learner import render
from autograder.learner.checking import judge

ANSWERS = {
    'init_layers-yields': ('init_layers', None, 'gave a generator', """
def init_layers(layer_sizes, rng=None):
    rng = np.random.default_rng(rng)
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        yield rng.standard_normal((n_out, n_in)) * np.sqrt(2 / n_in), np.zeros((n_out, 1))
"""),
    'backward_layers-yields': ('backward_layers', None, 'gave a generator', """
def backward_layers(params, cache, Y):
    # yields the grads, last layer first... then a reversed() of a generator is impossible, so it yields in order
    Z = cache[-1][1]
    m = Z.shape[1]
    dZ = (softmax(Z) - one_hot(Y)) / m
    out = []
    for l in reversed(range(len(params))):
        A_prev, Z = cache[l]
        W, _ = params[l]
        if l != len(params) - 1:
            dZ = dA * relu_deriv(Z)
        out.append((dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True)))
        if l > 0:
            dA = W.T @ dZ
    yield from out[::-1]
"""),
    'decay_weights-generator-expression': ('decay_weights', None, 'gave a generator', """
def decay_weights(params, lr, weight_decay):
    # a generator expression: can be read only once
    return ((W * (1 - lr * weight_decay), b) for W, b in params)
"""),
    'minibatches-return-in-loop': ('minibatches', None, 'A `return` inside the loop', """
def minibatches(X, Y, batch_size, rng):
    # returns ONE batch per call (the first), with a return inside the loop
    m = X.shape[1]
    perm = rng.permutation(m)
    for k in range(0, m, batch_size):
        idx = perm[k:k + batch_size]
        return [(X[:, idx], Y[idx])]
"""),
    'minibatches-array-split': ('minibatches', 'array_split', 'np.array_split', """
def minibatches(X, Y, batch_size, rng):
    m = X.shape[1]
    perm = rng.permutation(m)
    n_batches = int(np.ceil(m / batch_size))
    return [(X[:, idx], Y[idx]) for idx in np.array_split(perm, n_batches)]
"""),
    'numerical_gradient-nudges-a-flat-copy': ('numerical_gradient', 'nudged_copy', 'Every value is 0.', """
def numerical_gradient(f, x, eps=1e-5):
    # x.flatten() is a copy: the nudges never reach x, so f(x) never changes
    flat = x.flatten()
    grad = np.zeros_like(flat)
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + eps
        fp = f(x)
        flat[k] = old - eps
        fm = f(x)
        flat[k] = old
        grad[k] = (fp - fm) / (2 * eps)
    return grad.reshape(x.shape)
"""),
    'numerical_gradient-float32': ('numerical_gradient', 'float32', 'float32', """
def numerical_gradient(f, x, eps=1e-5):
    x32 = x.astype(np.float32)        # "to save memory"
    grad = np.zeros_like(x32)
    for i in np.ndindex(x.shape):
        old = x32[i]
        x32[i] = old + eps
        fp = f(x32)
        x32[i] = old - eps
        fm = f(x32)
        x32[i] = old
        grad[i] = (fp - fm) / (2 * eps)
    return grad
"""),
    'forward_layers-relu-on-last-no-softmax': ('forward_layers', 'relu_on_last', None, """
def forward_layers(params, X):
    A, cache = X, []
    for W, b in params:
        Z = W @ A + b
        cache.append((A, Z))
        A = relu(Z)
    return A, cache
"""),
    'forward_layers-unshifted-softmax': ('forward_layers', 'no_shift', None, """
def forward_layers(params, X):
    A, cache = X, []
    for l, (W, b) in enumerate(params):
        Z = W @ A + b
        cache.append((A, Z))
        if l == len(params) - 1:
            E = np.exp(Z)                      # no max subtracted: overflows on large scores
            A = E / E.sum(axis=0, keepdims=True)
        else:
            A = relu(Z)
    return A, cache
"""),
    'forward_layers-swapped-return': ('forward_layers', None, 'the other way round', """
def forward_layers(params, X):
    A, cache = X, []
    for l, (W, b) in enumerate(params):
        Z = W @ A + b
        cache.append((A, Z))
        A = softmax(Z) if l == len(params) - 1 else relu(Z)
    return cache, A
"""),
    'backward_layers-target-of-ymax-rows': ('backward_layers', 'one_hot_rows', None, """
def backward_layers(params, cache, Y):
    Z = cache[-1][1]
    m = Z.shape[1]
    T = np.zeros((Y.max() + 1, m), dtype=Z.dtype)     # classes counted from the labels present
    T[Y, np.arange(m)] = 1
    dZ = (softmax(Z) - T) / m
    grads = []
    for l in reversed(range(len(params))):
        A_prev, Z = cache[l]
        W, _ = params[l]
        if l != len(params) - 1:
            dZ = dA * relu_deriv(Z)
        grads.append((dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True)))
        if l > 0:
            dA = W.T @ dZ
    return grads[::-1]
"""),
    'adam_step-t-never-moved-on': ('adam_step', 't_not_incremented', None, """
def adam_step(params, grads, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if state is None:
        state = {"t": 0,
                 "m": [(np.zeros_like(W), np.zeros_like(b)) for W, b in params],
                 "v": [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]}
    t = state["t"]
    new_params, new_m, new_v = [], [], []
    for (W, b), (dW, db), (mW, mb), (vW, vb) in zip(params, grads, state["m"], state["v"]):
        layer_p, layer_m, layer_v = [], [], []
        for p, g, m, v in ((W, dW, mW, vW), (b, db, mb, vb)):
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            m_hat = m / (1 - beta1 ** t)
            v_hat = v / (1 - beta2 ** t)
            layer_p.append(p - lr * m_hat / (np.sqrt(v_hat) + eps))
            layer_m.append(m)
            layer_v.append(v)
        new_params.append(tuple(layer_p)); new_m.append(tuple(layer_m)); new_v.append(tuple(layer_v))
    return new_params, {"t": t, "m": new_m, "v": new_v}
"""),
    'train_val_split-np-random-seed': ('train_val_split', 'global_rng', None, """
def train_val_split(X, Y, n_val=10000, rng=0):
    np.random.seed(rng)
    perm = np.random.permutation(X.shape[1])
    return X[:, perm[n_val:]], Y[perm[n_val:]], X[:, perm[:n_val]], Y[perm[:n_val]]
"""),
    'decay_weights-return-in-loop': ('decay_weights', None, 'A `return` inside the loop', """
def decay_weights(params, lr, weight_decay):
    new = []
    for W, b in params:
        new.append((W * (1 - lr * weight_decay), b))
        return new
"""),
    'forward_layers-softmax-across-rows': ('forward_layers', 'softmax_rows', None, """
def forward_layers(params, X):
    A, cache = X, []
    for l, (W, b) in enumerate(params):
        Z = W @ A + b
        cache.append((A, Z))
        if l == len(params) - 1:
            e = np.exp(Z - Z.max(axis=1, keepdims=True))
            A = e / e.sum(axis=1, keepdims=True)
        else:
            A = relu(Z)
    return A, cache
"""),
    'forward_layers-cache-pairs-swapped': ('forward_layers', None, "each pair is (A0, Z1), in that order", """
def forward_layers(params, X):
    A, cache = X, []
    for l, (W, b) in enumerate(params):
        Z = W @ A + b
        cache.append((Z, A))
        A = softmax(Z) if l == len(params) - 1 else relu(Z)
    return A, cache
"""),
    # found by a hostile student's attack on part 2 (passed every check before)
    'adam_step-betas-and-eps-hard-coded': ('adam_step', 'fixed_betas', None, """
def adam_step(params, grads, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    # WRONG: ignores the caller's beta1, beta2 and eps (uses Adam's usual constants whatever is passed)
    b1, b2, e = 0.9, 0.999, 1e-8
    if state is None:
        state = {"t": 0, "m": [(np.zeros_like(W), np.zeros_like(b)) for W, b in params],
                 "v": [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]}
    t = state["t"] + 1
    new_params, new_m, new_v = [], [], []
    for (W, b), (dW, db), (mW, mb), (vW, vb) in zip(params, grads, state["m"], state["v"]):
        layer, ms, vs = [], [], []
        for p, g, m, v in ((W, dW, mW, vW), (b, db, mb, vb)):
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            m_hat = m / (1 - b1 ** t)
            v_hat = v / (1 - b2 ** t)
            layer.append(p - lr * m_hat / (np.sqrt(v_hat) + e))
            ms.append(m)
            vs.append(v)
        new_params.append(tuple(layer)); new_m.append(tuple(ms)); new_v.append(tuple(vs))
    return new_params, {"t": t, "m": new_m, "v": new_v}
"""),
    'init_layers-units-copied': ('init_layers', None, 'only 2 different ones', """
def init_layers(layer_sizes, rng=None):
    # WRONG: all units but the first are copies of one another (symmetry left unbroken)
    rng = np.random.default_rng(rng)
    params = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        W = np.tile(rng.standard_normal((1, n_in)), (n_out, 1)) * np.sqrt(2 / n_in)
        W[0] = rng.standard_normal(n_in) * np.sqrt(2 / n_in)
        params.append((W, np.zeros((n_out, 1))))
    return params
"""),
    'init_layers-rank-one': ('init_layers', None, 'has rank 1', """
def init_layers(layer_sizes, rng=None):
    # WRONG: each unit has the same weight on every input (rank-1 W: the layer only sees sum(x))
    rng = np.random.default_rng(rng)
    params = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        c = rng.standard_normal((n_out, 1))
        c = (c - c.mean()) / c.std()
        params.append((c * np.sqrt(2 / n_in) * np.ones((n_out, n_in)), np.zeros((n_out, 1))))
    return params
"""),
    'minibatches-rolled-not-shuffled': ('minibatches', None, 'not a shuffle', """
def minibatches(X, Y, batch_size, rng):
    # WRONG: no shuffle, only a cyclic shift of the original order (each batch is a run of consecutive examples)
    m = X.shape[1]
    order = np.roll(np.arange(m), int(rng.integers(1, m)) if m > 1 else 0)
    return [(X[:, order[s:s + batch_size]], Y[order[s:s + batch_size]]) for s in range(0, m, batch_size)]
"""),
    'train_val_split-one-stretch': ('train_val_split', 'no_shuffle', 'consecutive examples', """
def train_val_split(X, Y, n_val=10000, rng=0):
    # WRONG: the validation set is one run of consecutive examples (a random place, but no shuffle)
    rng = np.random.default_rng(rng)
    m = X.shape[1]
    start = int(rng.integers(1, m - n_val))
    val = np.arange(start, start + n_val)
    train = np.setdiff1d(np.arange(m), val)
    return X[:, train], Y[train], X[:, val], Y[val]
"""),
}


@pytest.mark.parametrize("answer", list(ANSWERS))
def test_a_wrong_answer_fails_in_both_runners_and_says_why(answer, oracle):
    function, mistake, text, source = ANSWERS[answer]
    for runner, report in (("notebook", judge(function, mutant_function(function, None, source))),
                           ("sandbox", grade_source(function, source, oracle))):
        shown = " ".join(render.text(report).split())  # the text form wraps lines
        assert not report.passed, f"{runner} passed {answer}"
        if mistake:
            assert mistake in report.mistakes, f"{runner}: {shown}"
        if text:
            assert text in shown, f"{runner}: {shown}"


def test_minibatches_may_yield_its_batches(oracle):
    source = """def minibatches(X, Y, batch_size, rng):
    perm = rng.permutation(X.shape[1])
    for start in range(0, X.shape[1], batch_size):
        idx = perm[start:start + batch_size]
        yield X[:, idx], Y[idx]
"""
    assert judge("minibatches", mutant_function("minibatches", None, source)).passed
    assert grade_source("minibatches", source, oracle).passed


def test_the_sandbox_sees_how_far_numerical_gradient_moved_x(oracle):
    """x put back exactly passes; x left nudged fails with the size of the move, measured by the grader on the
    file it reads back when the reply comes."""
    nudged = """def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x[i] += eps
        f_plus = f(x)
        x[i] -= 2 * eps
        f_minus = f(x)
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad
"""
    report = grade_source("numerical_gradient", nudged, oracle)
    assert not report.passed and "in_place" in report.mistakes
    assert "moved by 1e-05" in " ".join(render.text(report).split())



def test_a_case_still_running_is_not_judged_by_its_half_nudged_x(oracle):
    """numerical_gradient nudges x and puts it back; the grader judges only what a finished call left.
    (This right answer spends most of its time with an entry nudged: looking at the running case while
    it ran would see a moved x and fail it.)"""
    slow = """import time
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        time.sleep(0.002)
        f_plus = f(x)
        x[i] = old - eps
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad
"""
    for _ in range(3):
        report = grade_source("numerical_gradient", slow, oracle)
        assert report.passed, " ".join(render.text(report).split())
