"""The inputs every check calls a learner's function with (instructors' side).

Seeded and small, so checks are fast and every runner sees the same
calls. Inputs that must be consistent with a forward pass (backward_prop's
Z1, A1, Z2, A2) are computed with the reference network, which is why this
module is not shipped to learners: they get the cases, already built, in
``fixtures.npz``.
"""
import numpy as np

from solutions import network as ref

from .engine import Case
from .suites import case_names

F32_RTOL = 1e-4


def _images(rng, m):
    """(784, m) sparse "images": about 19% of pixels lit, values k/255 like MNIST."""
    lit = rng.random((784, m)) < 0.19
    return np.where(lit, rng.integers(1, 256, (784, m)) / 255.0, 0.0)


def _labels(rng, m, digits=10):
    return rng.integers(0, digits, m)


def _params(rng):
    """Parameters with non-zero biases, so a forgotten bias shows."""
    W1 = rng.standard_normal((10, 784)) * np.sqrt(1 / 784)
    b1 = rng.normal(0, 0.1, (10, 1))
    W2 = rng.standard_normal((10, 10)) * np.sqrt(1 / 10)
    b2 = rng.normal(0, 0.1, (10, 1))
    return W1, b1, W2, b2


def _shared_params():
    """One set of parameters for the visible cases, so the stored fixtures keep one copy."""
    return _params(np.random.default_rng(7))


def _grads(rng):
    return tuple(rng.normal(0, 0.05, shape) for shape in ((10, 784), (10, 1), (10, 10), (10, 1)))


def _probs(rng, m, scale=2.0):
    return ref.softmax(rng.normal(0, scale, (10, m)))


def _z_with_zeros(rng, m):
    Z = np.round(rng.normal(0, 1.5, (10, m)), 1)
    Z[rng.random((10, m)) < 0.1] = 0.0
    return Z


def _case(name, label, args, kwargs=None, m=None, rtol=1e-6):
    dims = {} if m is None else {"m": m}
    return Case(name, label, tuple(args), dict(kwargs or {}), dims, name.startswith("hidden"), rtol)


def _batch(m):
    return f"a batch of {m}" if m > 1 else "a single example"


def one_hot():
    r = np.random.default_rng(11)
    return [
        _case("fixed", "Y = [3, 0, 9, 1, 4, 1, 5]", [np.array([3, 0, 9, 1, 4, 1, 5])], m=7),
        _case("random", "a random batch of 40 labels", [_labels(r, 40)], m=40),
        _case("m1", "a single label, Y = [7]", [np.array([7])], m=1),
        _case("no9", "a batch of 12 labels with no 9", [_labels(r, 12, digits=9)], m=12),
        _case("uint8", "15 labels of dtype uint8", [_labels(r, 15).astype(np.uint8)], m=15),
        _case("hidden", "a hidden batch of 23 labels", [_labels(np.random.default_rng(9011), 23)], m=23),
    ]


def init_params():
    return [
        _case("seeded", "init_params(rng=0)", [], {"rng": 0}),
        _case("seeded_again", "init_params(rng=0), called again", [], {"rng": 0}),
        _case("other_seed", "init_params(rng=1)", [], {"rng": 1}),
        _case("default", "init_params()", []),
    ]


def _elementwise(seed):
    """Cases for a function applied entry by entry to Z (10, m): relu and its slope."""
    r = np.random.default_rng(seed)
    h = np.random.default_rng(9000 + seed)
    return [
        _case("fixed", "a (10, 4) Z with negative, zero and positive values", [_z_with_zeros(r, 4)], m=4),
        _case("random", "a random (10, 9) Z", [r.normal(0, 2, (10, 9))], m=9),
        _case("m1", "a single column, Z of shape (10, 1)", [r.normal(0, 2, (10, 1))], m=1),
        _case("f32", "a float32 Z", [r.normal(0, 2, (10, 6)).astype(np.float32)], m=6, rtol=F32_RTOL),
        _case("hidden", "a hidden (10, 13) Z", [h.normal(0, 3, (10, 13))], m=13),
    ]


def relu():
    return _elementwise(12)


def softmax():
    r = np.random.default_rng(13)
    h = np.random.default_rng(9013)
    mixed = r.normal(0, 1, (10, 4))
    mixed[:, 0] += 1000
    return [
        _case("fixed", "a small (10, 3) Z", [np.round(r.normal(0, 1, (10, 3)), 2)], m=3),
        _case("random", "a random (10, 8) Z", [r.normal(0, 3, (10, 8))], m=8),
        _case("m1", "a single column, Z of shape (10, 1)", [r.normal(0, 3, (10, 1))], m=1),
        _case("huge", "scores around 1000", [1000 + r.normal(0, 5, (10, 4))], m=4),
        _case("mixed", "one column of scores near 1000 beside ordinary ones", [mixed], m=4),
        _case("f32", "a float32 Z", [r.normal(0, 2, (10, 5)).astype(np.float32)], m=5, rtol=F32_RTOL),
        _case("hidden", "a hidden (10, 11) Z", [h.normal(0, 4, (10, 11))], m=11),
    ]


def forward_prop():
    r = np.random.default_rng(14)
    h = np.random.default_rng(9014)
    cases = []
    for name, m, rng in (("fixed", 5, r), ("random", 12, r), ("m1", 1, r), ("f32", 6, r), ("hidden", 17, h)):
        X = _images(rng, m)
        label = f"{_batch(m)} images"
        rtol = 1e-6
        if name == "f32":
            X, label, rtol = X.astype(np.float32), "float32 images", F32_RTOL
        if name == "hidden":
            label = "a hidden batch of 17 images"
        params = _params(rng) if name == "hidden" else _shared_params()
        cases.append(_case(name, label, [*params, X], m=m, rtol=rtol))
    return cases


def cross_entropy():
    r = np.random.default_rng(15)
    h = np.random.default_rng(9015)
    Y8 = _labels(r, 8)
    confident = np.full((10, 8), 0.001 / 9)
    confident[Y8, np.arange(8)] = 0.999
    return [
        _case("fixed", "a batch of 6 predictions", [_probs(r, 6), _labels(r, 6)], m=6),
        _case("random", "a random batch of 20 predictions", [_probs(r, 20), _labels(r, 20)], m=20),
        _case("m1", "a single prediction", [_probs(r, 1), _labels(r, 1)], m=1),
        _case("uniform", "probabilities all 0.1", [np.full((10, 8), 0.1), _labels(r, 8)], m=8),
        _case("confident", "probability 0.999 on every right digit", [confident, Y8], m=8),
        _case("f32", "float32 probabilities", [_probs(r, 7).astype(np.float32), _labels(r, 7)], m=7,
              rtol=F32_RTOL),
        _case("hidden", "a hidden batch of 14 predictions", [_probs(h, 14), _labels(h, 14)], m=14),
    ]


def relu_deriv():
    return _elementwise(16)


def backward_prop():
    r = np.random.default_rng(17)
    h = np.random.default_rng(9017)
    cases = []
    for name, m, rng, digits in (("fixed", 6, r, 10), ("random", 15, r, 10), ("m1", 1, r, 10),
                                 ("no9", 10, r, 9), ("hidden", 21, h, 10)):
        W1, b1, W2, b2 = _params(rng) if name == "hidden" else _shared_params()
        X, Y = _images(rng, m), _labels(rng, m, digits)
        Z1, A1, Z2, A2 = ref.forward_prop(W1, b1, W2, b2, X)
        label = {"no9": "a batch of 10 with no 9", "hidden": "a hidden batch of 21"}.get(name, _batch(m))
        cases.append(_case(name, label, [Z1, A1, Z2, A2, W1, W2, X, Y], m=m))
    return cases


def update_params():
    r = np.random.default_rng(18)
    h = np.random.default_rng(9018)
    return [
        _case("fixed", "alpha = 0.1", [*_shared_params(), *_grads(r), 0.1]),
        _case("random", "other gradients, alpha = 0.5", [*_shared_params(), *_grads(r), 0.5]),
        _case("zero_alpha", "alpha = 0", [*_shared_params(), *_grads(r), 0.0]),
        _case("hidden", "hidden parameters, alpha = 0.3", [*_params(h), *_grads(h), 0.3]),
    ]


def get_predictions():
    r = np.random.default_rng(19)
    h = np.random.default_rng(9019)
    return [
        _case("fixed", "a (10, 5) A2", [_probs(r, 5)], m=5),
        _case("random", "a random (10, 30) A2", [_probs(r, 30)], m=30),
        _case("m1", "a single column, A2 of shape (10, 1)", [_probs(r, 1)], m=1),
        _case("hidden", "a hidden (10, 19) A2", [_probs(h, 19)], m=19),
    ]


def get_accuracy():
    r = np.random.default_rng(20)
    h = np.random.default_rng(9020)
    Y50 = _labels(r, 50)
    guess50 = np.where(r.random(50) < 0.6, Y50, _labels(r, 50))
    Y37 = _labels(h, 37)
    return [
        _case("fixed", "predictions [3, 1, 4, 1, 5, 9, 2, 6] for labels [3, 1, 4, 0, 5, 9, 0, 0]",
              [np.array([3, 1, 4, 1, 5, 9, 2, 6]), np.array([3, 1, 4, 0, 5, 9, 0, 0])], m=8),
        _case("random", "50 random predictions", [guess50, Y50], m=50),
        _case("m1", "a single right prediction", [np.array([4]), np.array([4])], m=1),
        _case("all_right", "12 predictions, all right", [Y50[:12].copy(), Y50[:12].copy()], m=12),
        _case("all_wrong", "12 predictions, all wrong", [(Y50[:12] + 1) % 10, Y50[:12].copy()], m=12),
        _case("hidden", "a hidden batch of 37", [np.where(h.random(37) < 0.4, Y37, _labels(h, 37)), Y37], m=37),
    ]


def gradient_descent():
    r = np.random.default_rng(21)
    h = np.random.default_rng(9021)
    X, Y = _images(r, 60), _labels(r, 60)
    X_test, Y_test = _images(r, 30), _labels(r, 30)
    quiet = {"progress": False}
    return [
        _case("fixed", "60 images, alpha = 0.5, 5 iterations from given params",
              [X, Y], {"alpha": 0.5, "iterations": 5, "params": _shared_params(), **quiet}, m=60),
        _case("with_test", "60 images and 30 test images, 3 iterations",
              [X, Y], {"alpha": 0.5, "iterations": 3, "params": _shared_params(), "X_test": X_test,
                       "Y_test": Y_test, **quiet}, m=60),
        _case("default_start", "params=None, rng=0, 2 iterations",
              [X, Y], {"alpha": 0.5, "iterations": 2, "params": None, "rng": 0, **quiet}, m=60),
        _case("hidden", "a hidden data set, alpha = 0.3, 4 iterations",
              [_images(h, 45), _labels(h, 45)], {"alpha": 0.3, "iterations": 4, "params": _params(h), **quiet},
              m=45),
    ]


def make_predictions():
    r = np.random.default_rng(22)
    h = np.random.default_rng(9022)
    return [
        _case("fixed", "a batch of 8 images", [_images(r, 8), *_shared_params()], m=8),
        _case("random", "a batch of 25 images", [_images(r, 25), *_shared_params()], m=25),
        _case("m1", "a single image", [_images(r, 1), *_shared_params()], m=1),
        _case("hidden", "a hidden batch of 16 images", [_images(h, 16), *_params(h)], m=16),
    ]


def build_cases(function, include_hidden=True):
    """The cases of ``function``'s checks, name -> Case."""
    cases = {c.name: c for c in globals()[function]()}
    wanted = case_names(function, include_hidden)
    missing = [n for n in wanted if n not in cases]
    assert not missing, f"{function}: no case for {missing}"
    return {n: cases[n] for n in wanted}
