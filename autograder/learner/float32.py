"""Does a network keep float32 float32? The finale's probe of every function its training loop calls.

``float32_probe(net)`` runs two steps of the finale's loop (minibatches, forward_layers, backward_layers,
adam_step, its state included, and decay_weights) on a tiny float32 network and looks at what each function
gives back. Each function is judged on float32 inputs only (what another one turned float64 is converted
back before it goes on), so a float64 is pinned on the function that made it, with the likely cause its
evidence shows. ``check_float32(net)`` prints the verdict. Pure NumPy.
"""
from dataclasses import dataclass

import numpy as np

F32 = np.float32


@dataclass
class Upcast:
    function: str
    parts: list
    """What came back float64, e.g. ["state['m']", "state['v']"]."""
    step: int
    cause: str

    def sentence(self):
        when = "on the first step (state None)" if self.step == 1 and self.function == "adam_step" else \
            f"on step {self.step}"
        parts = self.parts[0] if len(self.parts) == 1 else ", ".join(self.parts[:-1]) + " and " + self.parts[-1]
        return f"{self.function}: {parts} came back float64 {when}. {self.cause}"


CAUSES = {
    "minibatches": "A batch is columns of X as they are, X[:, idx]: no conversion (.astype(float), np.array(..., "
                   "dtype=float)) is needed.",
    "forward_layers": "Something in the pass makes float64: np.array(..., dtype=float), .astype(float) or a NumPy "
                      "float64 constant. Leave the arrays' own type alone.",
    "backward_layers": "Most often the target: a one-hot made with np.zeros((10, m)) is float64. Make it in the "
                       "probabilities' type, np.zeros((10, m), dtype=A.dtype), or .astype(A.dtype).",
    "adam_zeros": "np.zeros(W.shape) is float64 whatever W is: np.zeros_like(W) makes the first state in W's own "
                  "type.",
    "adam_number": "The running means stayed float32, so a NumPy float64 number in the step made the parameters "
                   "float64: np.power(beta1, t), np.float64(...), np.sqrt of a number. Python's beta1 ** t keeps "
                   "the arrays' type.",
    "adam_means": "The running means turned float64 from a float32 state: np.asarray(..., dtype=float) or "
                  ".astype(float) in their update.",
    "decay_weights": "A NumPy float64 number (np.float64(...), np.exp(...) of a number) turns the weights it "
                     "multiplies float64: multiply by a Python number.",
}


ORDER = ("minibatches", "forward_layers", "backward_layers", "adam_step", "decay_weights")


def _f64(named):
    return [name for name, a in named if isinstance(a, np.ndarray) and a.dtype == np.float64]


def _as32(value):
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return value.astype(F32)
    if isinstance(value, (list, tuple)):
        return type(value)(_as32(v) for v in value) if isinstance(value, tuple) else [_as32(v) for v in value]
    if isinstance(value, dict):
        return {k: _as32(v) for k, v in value.items()}
    return value


def float32_probe(net, sizes=(784, 8, 10), m=12, batch=6, seed=0):
    """[Upcast] for every function of the finale's loop that turned float32 into float64, each once, at the
    first step it showed (empty: none)."""
    rng = np.random.default_rng(seed)
    X, Y = rng.random((sizes[0], m)).astype(F32), rng.integers(0, sizes[-1], m)
    params = _as32([tuple(pair) for pair in net.init_layers(list(sizes), rng)])
    state, found, adam = None, [], {}
    for step, (Xb, Yb) in enumerate(list(net.minibatches(X, Y, batch, rng))[:2], start=1):
        bad = _f64([("X_batch", Xb)])
        if bad:
            found.append(Upcast("minibatches", bad, step, CAUSES["minibatches"]))
        Xb = _as32(Xb)
        A, cache = net.forward_layers(params, Xb)
        bad = _f64([("A", A)] + [(f"the cache's Z{l + 1}", z) for l, (_, z) in enumerate(cache)])
        if bad:
            found.append(Upcast("forward_layers", bad, step, CAUSES["forward_layers"]))
        A, cache = _as32(A), _as32([tuple(pair) for pair in cache])
        grads = net.backward_layers(params, cache, Yb)
        bad = _f64([(f"{name}{l + 1}", g) for l, pair in enumerate(grads) for name, g in zip(("dW", "db"), pair)])
        if bad:
            found.append(Upcast("backward_layers", bad, step, CAUSES["backward_layers"]))
        grads = _as32([tuple(pair) for pair in grads])
        params, state = net.adam_step(params, grads, state, 1e-3)
        new_p = _f64([(f"{name}{l + 1}", a) for l, pair in enumerate(params) for name, a in zip(("W", "b"), pair)])
        means = [f"state[{key!r}]" for key in ("m", "v")
                 if _f64([(key, a) for pair in state[key] for a in pair])]
        adam[step] = (["the new params"] if new_p else []) + means, bool(means)
        params, state = _as32([tuple(pair) for pair in params]), _as32(dict(state))
        params = net.decay_weights(params, 1e-3, 0.1)
        bad = _f64([(f"W{l + 1}", W) for l, (W, _) in enumerate(params)])
        if bad:
            found.append(Upcast("decay_weights", bad, step, CAUSES["decay_weights"]))
        params = _as32([tuple(pair) for pair in params])
    # adam_step's cause, from both steps: float64 running means from a float32 state given (step 2) are
    # converted in their update; on the first step only, they are the state it made; float32 means with
    # float64 params, a float64 number in the step.
    bad = [(step, parts, means) for step, (parts, means) in sorted(adam.items()) if parts]
    if bad:
        later = [b for b in bad if b[0] > 1 and b[2]]
        step, parts, means = later[0] if later else bad[0]
        cause = CAUSES["adam_means"] if later else CAUSES["adam_zeros"] if means else CAUSES["adam_number"]
        found.append(Upcast("adam_step", parts, step, cause))
    first = {}
    for u in sorted(found, key=lambda u: (u.step, ORDER.index(u.function))):
        first.setdefault(u.function, u)  # each function once, where it first showed
    return sorted(first.values(), key=lambda u: (u.step, ORDER.index(u.function)))


def check_float32(net):
    """Print whether every function of the finale's loop keeps float32 float32, and if not, which one made
    float64, what, and the likely cause (``float32_probe`` gives the same as data)."""
    found = float32_probe(net)
    if not found:
        print("Every function of the training loop keeps float32 float32 (minibatches, forward_layers, "
              "backward_layers, adam_step with its state, decay_weights): training will run at full speed.")
        return
    print("These functions turn a float32 network into float64, and each step then moves twice the bytes "
          "(lesson 17): training will run, about twice as slowly.")
    for up in found:
        print(f"  ✗ {up.sentence()}")
