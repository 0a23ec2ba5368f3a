"""Input builders shared by the graded functions' cases (instructors' side).

Seeded and small, so checks are fast and every runner sees the same
visible calls. Hidden inputs come from ``hidden_rng``: a seed chosen when a
grading run starts (``LiveOracle``), never stored anywhere, so no leak of
one run's hidden inputs holds for another. Inputs that must be consistent with a forward pass (backward_prop's
Z1, A1, Z2, A2) are computed with the reference network, which is why this
module is not shipped to learners: they get the cases, already built, in
``fixtures.npz``.
"""
import numpy as np

from solutions import network as ref

from ...learner.model import Case

F32_RTOL = 1e-4
_hidden = {"seed": None}  # this grading run's seed, set by ``functions.build_cases`` while it builds cases


def hidden_rng(salt):
    """A Generator for one function's hidden inputs, from the run's seed."""
    if _hidden["seed"] is None:
        raise RuntimeError("hidden inputs are drawn only while functions.build_cases builds cases")
    return np.random.default_rng([_hidden["seed"], salt])


def hidden_seed(salt):
    """A hidden seed (an input of init_params and init_layers), from the run's seed."""
    return int(hidden_rng(salt).integers(2 ** 31))


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


def _batch(m, what="examples"):
    """"a batch of 12 images", "a single image"."""
    return f"a batch of {m} {what}" if m > 1 else f"a single {what.removesuffix('s')}"


def elementwise(seed):
    """Cases for a function applied entry by entry to Z (10, m): relu and its slope."""
    r = np.random.default_rng(seed)
    h = hidden_rng(9000 + seed)
    return [
        _case("fixed", "a (10, 4) Z with negative, zero and positive values", [_z_with_zeros(r, 4)], m=4),
        _case("random", "a random (10, 9) Z", [r.normal(0, 2, (10, 9))], m=9),
        _case("m1", "a single column, Z of shape (10, 1)", [r.normal(0, 2, (10, 1))], m=1),
        _case("f32", "a float32 Z", [r.normal(0, 2, (10, 6)).astype(np.float32)], m=6, rtol=F32_RTOL),
        _case("hidden", "a hidden (10, 13) Z", [h.normal(0, 3, (10, 13))], m=13),
    ]


def _layers(rng, sizes, bias=0.1, dtype=np.float64):
    """Layered params [(W, b), ...] for ``sizes``: He-scaled weights and non-zero biases (so a forgotten bias
    shows, and no hidden score sits exactly on ReLU's kink)."""
    return [((rng.standard_normal((n_out, n_in)) * np.sqrt(2 / n_in)).astype(dtype),
             rng.normal(0, bias, (n_out, 1)).astype(dtype)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]


def _layer_case(name, label, args, kwargs=None, sizes=(), m=None, rtol=1e-6):
    dims = {"sizes": list(sizes), "n_out": sizes[-1] if sizes else 0}
    if m is not None:
        dims["m"] = m
    return Case(name, label, tuple(args), dict(kwargs or {}), dims, name.startswith("hidden"), rtol)
