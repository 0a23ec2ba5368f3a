"""``adam_step``: the inputs its checks call it with, its catalogued mistakes and right variants."""
import numpy as np

from ._inputs import F32_RTOL, _layer_case, _layers, hidden_rng


def _grads(rng, params, scale):
    return [(rng.normal(0, scale, W.shape), rng.normal(0, scale, b.shape)) for W, b in params]


def _state(rng, params, t):
    """A state as after t steps: running means of gradients of scale 0.1, and of their squares."""
    m = [(rng.normal(0, 0.05, W.shape), rng.normal(0, 0.05, b.shape)) for W, b in params]
    v = [(rng.uniform(1e-4, 1e-2, W.shape), rng.uniform(1e-4, 1e-2, b.shape)) for W, b in params]
    return {"t": t, "m": m, "v": v}


def cases():
    r = np.random.default_rng(21)
    h = hidden_rng(9021)
    sizes = [4, 3, 2]
    params = _layers(r, sizes)
    out = [
        _layer_case("fixed", "the first step: two layers, state None, lr = 0.01",
                    [params, _grads(r, params, 1.0), None], {"lr": 0.01}, sizes=sizes),
        _layer_case("random", "the first step with gradients of scale 0.1, lr = 0.05",
                    [params, _grads(r, params, 0.1), None], {"lr": 0.05}, sizes=sizes),
        _layer_case("later", "a later step from a state with t = 4, lr = 0.01",
                    [params, _grads(r, params, 0.1), _state(r, params, 4)], {"lr": 0.01}, sizes=sizes),
        _layer_case("tiny", "gradients of scale 1e-9, from a state with t = 2",
                    [params, _grads(r, params, 1e-9), {"t": 2, "m": [(np.full(W.shape, 1e-10), np.full(b.shape, 1e-10))
                                                                      for W, b in params],
                                                       "v": [(np.full(W.shape, 1e-19), np.full(b.shape, 1e-19))
                                                             for W, b in params]}],
                    {"lr": 0.01}, sizes=sizes),
        _layer_case("defaults", "no lr given: the first step", [params, _grads(r, params, 0.5)], sizes=sizes),
    ]
    p32 = [(W.astype(np.float32), b.astype(np.float32)) for W, b in params]
    g32 = [(dW.astype(np.float32), db.astype(np.float32)) for dW, db in _grads(r, params, 0.1)]
    s32 = _state(r, params, 3)
    s32 = {"t": 3, "m": [(a.astype(np.float32), c.astype(np.float32)) for a, c in s32["m"]],
           "v": [(a.astype(np.float32), c.astype(np.float32)) for a, c in s32["v"]]}
    out.append(_layer_case("f32", "float32 parameters, gradients and state, t = 3", [p32, g32, s32], {"lr": 0.01},
                           sizes=sizes, rtol=F32_RTOL))
    g32_first = [(dW.astype(np.float32), db.astype(np.float32)) for dW, db in _grads(r, params, 0.1)]
    out.append(_layer_case("f32_first", "the first step of float32 parameters and gradients (state None)",
                           [p32, g32_first, None], {"lr": 0.01}, sizes=sizes, rtol=F32_RTOL))
    out.append(_layer_case("own_betas", "a step from t = 3 with beta1 = 0.8, beta2 = 0.99, eps = 1e-4",
                           [params, _grads(r, params, 0.1), _state(r, params, 3)],
                           {"lr": 0.01, "beta1": 0.8, "beta2": 0.99, "eps": 1e-4}, sizes=sizes))
    hs = [6, 5, 4, 3]
    hp = _layers(h, hs)
    out.append(_layer_case("hidden", "a hidden step of three layers from t = 7", [hp, _grads(h, hp, 0.2),
                                                                                 _state(h, hp, 7)],
                           {"lr": 0.003}, sizes=hs))
    return out


TEMPLATE = '''
def adam_step(params, grads, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if state is None:
        zeros = [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]
        state = {{"t": 0, "m": zeros, "v": zeros}}
    t = {t}
    new_params, new_m, new_v = [], [], []
    for layer, layer_grads, layer_m, layer_v in zip(params, grads, state["m"], state["v"]):
        p_out, m_out, v_out = [], [], []
        for p, g, m, v in zip(layer, layer_grads, layer_m, layer_v):
            m = {m}
            v = {v}
            m_hat = {m_hat}
            v_hat = {v_hat}
            p_out.append({p})
            m_out.append(m)
            v_out.append(v)
        new_params.append(tuple(p_out))
        new_m.append(tuple(m_out))
        new_v.append(tuple(v_out))
    return {result}
'''
RIGHT = {"t": 'state["t"] + 1', "m": "beta1 * m + (1 - beta1) * g", "v": "beta2 * v + (1 - beta2) * g * g",
         "m_hat": "m / (1 - beta1 ** t)", "v_hat": "v / (1 - beta2 ** t)",
         "p": "p - lr * m_hat / (np.sqrt(v_hat) + eps)", "result": 'new_params, {"t": t, "m": new_m, "v": new_v}'}


def mutant(**changes):
    return TEMPLATE.format(**{**RIGHT, **changes})


MUTANTS = {
    "in_place": '''
def adam_step(params, grads, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if state is None:
        state = {"t": 0, "m": [(np.zeros_like(W), np.zeros_like(b)) for W, b in params],
                 "v": [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]}
    state["t"] += 1
    t = state["t"]
    for layer, layer_grads, layer_m, layer_v in zip(params, grads, state["m"], state["v"]):
        for p, g, m, v in zip(layer, layer_grads, layer_m, layer_v):
            m *= beta1
            m += (1 - beta1) * g
            v *= beta2
            v += (1 - beta2) * g * g
            p -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    return params, state
''',
    "no_bias_correction": mutant(m_hat="m", v_hat="v"),
    "t_not_incremented": mutant(t='state["t"]', result='new_params, {"t": t + 1, "m": new_m, "v": new_v}'),
    "fixed_betas": mutant(m="0.9 * m + 0.1 * g", v="0.999 * v + 0.001 * g * g", m_hat="m / (1 - 0.9 ** t)",
                          v_hat="v / (1 - 0.999 ** t)", p="p - lr * m_hat / (np.sqrt(v_hat) + 1e-8)"),
    "state_not_returned": mutant(result="new_params, state"),
    "v_from_m": mutant(v="beta2 * v + (1 - beta2) * m * m"),
    "v_from_gradient": mutant(v="beta2 * v + (1 - beta2) * g"),
    "v_from_size": mutant(v="beta2 * v + (1 - beta2) * np.abs(g)"),
    "correction_multiplies": mutant(m_hat="m * (1 - beta1 ** t)", v_hat="v * (1 - beta2 ** t)"),
    "betas_swapped": mutant(t='state["t"] + 1\n    beta1, beta2 = beta2, beta1'),
    "v_hat_with_beta1": mutant(v_hat="v / (1 - beta1 ** t)"),
    "eps_added_to_p": mutant(p="p - lr * m_hat / np.sqrt(v_hat) + eps"),
    "momentum_weights_swapped": mutant(m="(1 - beta1) * m + beta1 * g"),
    "eps_inside_sqrt": mutant(p="p - lr * m_hat / np.sqrt(v_hat + eps)"),
    "gradient_not_mean": mutant(p="p - lr * g / (np.sqrt(v_hat) + eps)"),
    "plus": mutant(p="p + lr * m_hat / (np.sqrt(v_hat) + eps)"),
    "ignores_lr": mutant(p="p - m_hat / (np.sqrt(v_hat) + eps)"),
    "upcasts": mutant(p="p - lr * m_hat / (np.sqrt(v_hat) + eps)", m="beta1 * np.asarray(m, dtype=float) + "
                      "(1 - beta1) * g"),
    "correction_without_t": mutant(m_hat="m / (1 - beta1)", v_hat="v / (1 - beta2)"),
    "beta_times_t": mutant(m_hat="m / (1 - beta1 * t)", v_hat="v / (1 - beta2 * t)"),
    "shared_moments": '''
def adam_step(params, grads, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    if state is None:
        start = [[np.zeros_like(p) for p in pair] for pair in params]
        state = {"t": 0, "m": start, "v": start}
    else:  # copies, so that the caller's state is left alone
        state = {"t": state["t"], "m": [[a.copy() for a in pair] for pair in state["m"]],
                 "v": [[a.copy() for a in pair] for pair in state["v"]]}
    t = state["t"] + 1
    new_params = []
    for pair, gpair, mpair, vpair in zip(params, grads, state["m"], state["v"]):
        out = []
        for p, g, m, v in zip(pair, gpair, mpair, vpair):
            m *= beta1
            m += (1 - beta1) * g
            v *= beta2
            v += (1 - beta2) * g ** 2
            out.append(p - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps))
        new_params.append(tuple(out))
    return new_params, {"t": t, "m": state["m"], "v": state["v"]}
''',
    "no_sqrt": mutant(p="p - lr * m_hat / (v_hat + eps)"),
    "corrected_stored": mutant().replace("m_out.append(m)", "m_out.append(m_hat)").replace(
        "v_out.append(v)", "v_out.append(v_hat)"),
    "t_twice": mutant(result='new_params, {"t": t + 1, "m": new_m, "v": new_v}'),
    "zeros_state": mutant().replace("np.zeros_like(W), np.zeros_like(b)", "np.zeros(W.shape), np.zeros(b.shape)"),
    "float64_number": mutant(m_hat="m / (1 - np.power(beta1, t))", v_hat="v / (1 - np.power(beta2, t))"),
}


VARIANTS = [
    '''
def adam_step(params, grads, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    # one flat loop over the arrays, then regrouped into pairs
    flat_p = [a for pair in params for a in pair]
    flat_g = [a for pair in grads for a in pair]
    if state is None:
        flat_m = [np.zeros_like(a) for a in flat_p]
        flat_v = [np.zeros_like(a) for a in flat_p]
        t = 1
    else:
        flat_m = [a for pair in state["m"] for a in pair]
        flat_v = [a for pair in state["v"] for a in pair]
        t = state["t"] + 1
    new_p, new_m, new_v = [], [], []
    for p, g, m, v in zip(flat_p, flat_g, flat_m, flat_v):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * np.square(g)
        new_p.append(p - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps))
        new_m.append(m)
        new_v.append(v)
    pairs = lambda xs: [(xs[i], xs[i + 1]) for i in range(0, len(xs), 2)]
    return pairs(new_p), {"t": t, "m": pairs(new_m), "v": pairs(new_v)}
''',
    '''
def adam_step(params, grads, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    # a helper for one array; copies of the state's arrays updated in place
    def one(p, g, m, v, t):
        m = m.copy()
        v = v.copy()
        m *= beta1
        m += (1 - beta1) * g
        v *= beta2
        v += (1 - beta2) * g ** 2
        step = lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
        return p - step, m, v

    if state is None:
        state = {"t": 0, "m": [(np.zeros_like(W), np.zeros_like(b)) for W, b in params],
                 "v": [(np.zeros_like(W), np.zeros_like(b)) for W, b in params]}
    t = state["t"] + 1
    out_p, out_m, out_v = [], [], []
    for (W, b), (dW, db), (mW, mb), (vW, vb) in zip(params, grads, state["m"], state["v"]):
        W2, mW2, vW2 = one(W, dW, mW, vW, t)
        b2, mb2, vb2 = one(b, db, mb, vb, t)
        out_p.append((W2, b2))
        out_m.append((mW2, mb2))
        out_v.append((vW2, vb2))
    return out_p, {"t": t, "m": out_m, "v": out_v}
''',
]
