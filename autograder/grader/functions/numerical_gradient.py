"""``numerical_gradient``: the calls its checks make, its catalogued mistakes and right variants.

The functions it measures are the course's probes (``autograder.learner.probes``),
sent by name (``Lookup``): a function cannot travel into the sandbox as data.
"""
import numpy as np

from ...learner.model import Case
from ...learner.serial import Arg, Lookup
from ._inputs import hidden_rng


def case(name, label, f, x, **kwargs):
    fn = f if isinstance(f, Lookup) else Lookup(f, call=False)
    return Case(name, label, (fn, x), kwargs, {"x": list(x.shape)}, name.startswith("hidden"), 1e-7)


def cases():
    r = np.random.default_rng(16)
    h = hidden_rng(9016)
    return [
        case("square", "f = sum(x²) at a (3, 4) x", "square_sum", np.round(r.normal(0, 1, (3, 4)), 3)),
        case("sine", "f = sum(sin x) at a vector x of 5", "sine_sum", r.uniform(-3, 3, 5)),
        case("cube_eps", "f = sum(x³) at a (2, 3) x, eps = 0.1", "cube_sum", np.round(r.normal(0, 1, (2, 3)), 2),
             eps=0.1),
        case("three_d", "f = sum(x²) at a (2, 2, 3) x", "square_sum", r.normal(0, 1, (2, 2, 3))),
        case("closure", "f = sum(sin x) read from x itself (f ignores its argument), at a (2, 3) x",
             Lookup("sine_sum_of", (Arg(1),)), r.uniform(-3, 3, (2, 3))),
        case("hidden", "f = sum(sin x) at a hidden (4, 3) x, eps = 1e-4", "sine_sum", h.uniform(-3, 3, (4, 3)),
             eps=1e-4),
    ]


MUTANTS = {
    "one_sided": '''
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    f_x = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        grad[i] = (f(x) - f_x) / eps
        x[i] = old
    return grad
''',
    "divide_by_eps": '''
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = f(x)
        x[i] = old - eps
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / eps
    return grad
''',
    "no_division": '''
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = f(x)
        x[i] = old - eps
        f_minus = f(x)
        x[i] = old
        grad[i] = f_plus - f_minus
    return grad
''',
    "nudged_copy": '''
def numerical_gradient(f, x, eps=1e-5):
    flat = x.flatten()
    grad = np.zeros(flat.size)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        f_plus = f(x)
        flat[i] = old - eps
        f_minus = f(x)
        flat[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad.reshape(x.shape)
''',
    "float32": '''
def numerical_gradient(f, x, eps=1e-5):
    x32 = x.astype(np.float32)
    grad = np.zeros_like(x32)
    for i in np.ndindex(x.shape):
        old = x32[i]
        x32[i] = old + eps
        f_plus = f(x32)
        x32[i] = old - eps
        f_minus = f(x32)
        x32[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad
''',
    "wrong_sign": '''
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = f(x)
        x[i] = old - eps
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_minus - f_plus) / (2 * eps)
    return grad
''',
    "in_place": '''
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x[i] += eps
        f_plus = f(x)
        x[i] -= 2 * eps
        f_minus = f(x)
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad
''',
    "saved_reference": '''
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    old = x
    for i in np.ndindex(x.shape):
        x[i] = old[i] + eps
        f_plus = f(x)
        x[i] = old[i] - eps
        f_minus = f(x)
        x[i] = old[i]
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad
''',
    "ignores_eps": '''
def numerical_gradient(f, x, eps=1e-5):
    h = 1e-5
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
''',
    "copies_x": '''
def numerical_gradient(f, x, eps=1e-5):
    # nudges copies of x and hands them to f: right for an f that reads its argument, not for one reading x
    grad = np.empty(x.size)
    for k in range(x.size):
        plus, minus = x.copy(), x.copy()
        plus.flat[k] += eps
        minus.flat[k] -= eps
        grad[k] = (f(plus) - f(minus)) / (2 * eps)
    return grad.reshape(x.shape)
''',
    "first_axis": '''
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    for i in range(x.shape[0]):
        old = x[i].copy()
        x[i] = old + eps
        f_plus = f(x)
        x[i] = old - eps
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad
''',
    "flat_gradient": '''
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.size)
    for k, i in enumerate(np.ndindex(x.shape)):
        old = x[i]
        x[i] = old + eps
        f_plus = f(x)
        x[i] = old - eps
        f_minus = f(x)
        x[i] = old
        grad[k] = (f_plus - f_minus) / (2 * eps)
    return grad
''',
    "two_dims_only": '''
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros_like(x, dtype=float)
    rows, cols = x.shape
    for pos in np.ndindex(rows, cols):
        keep = x[pos]
        x[pos] = keep + eps
        above = f(x)
        x[pos] = keep - eps
        below = f(x)
        x[pos] = keep
        grad[pos] = (above - below) / (2 * eps)
    return grad
''',
    "row_index": '''
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    for i in range(x.size):
        old = x[i].copy()
        x[i] = old + eps
        f_plus = f(x)
        x[i] = old - eps
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad
''',
}


VARIANTS = [
    '''
def numerical_gradient(f, x, eps=1e-5):
    # a flat view of x: nudging it nudges x itself, so an f that reads x sees every nudge
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
''',
    '''
def numerical_gradient(f, x, eps=1e-5):
    # CS231n's loop: an iterator that can write
    grad = np.zeros_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        saved = x[ix]
        x[ix] = saved + eps
        up = f(x)
        x[ix] = saved - eps
        down = f(x)
        x[ix] = saved
        grad[ix] = (up - down) / (2 * eps)
        it.iternext()
    return grad
''',
    '''
def numerical_gradient(f, x, eps=1e-5):
    # nudge and put back by arithmetic: x comes back equal to within its last bits
    grad = np.zeros(x.shape)
    for i in np.ndindex(*x.shape):
        x[i] += eps
        f_plus = f(x)
        x[i] -= 2 * eps
        f_minus = f(x)
        x[i] += eps
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad
''',
]
