"""``adam_step``: what it returns, its checks in order, and the mistakes they can name.

Most of Adam's mistakes are a variation of its formulas; each is recognised by computing that variation
from the case's own inputs (``adam``) and comparing, so it is named however it is written, and a fix applied
halfway (one of m and v corrected, say) is still named. A float32 answer that comes back float64 is told
which of its parts did, and so which of three causes it has: a float64 first state, a float64 number in the
step, or running means converted to float64.
"""
import numpy as np

from ..checks import changed_input, matches, prop, standard
from ..judge import Edit, Fix, Mistake
from ..spec import Layers, Num, Rec, Tup, leaves

SIGNATURE = "adam_step(params, grads, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)"
ARGS = ("params", "grads", "state", "lr", "beta1", "beta2", "eps")  # passed by position, in order
DEFAULTS = {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}


def adam(case, m_corr="t", v_corr="t", t_step=1, root=True, store_corrected=False, v_of_square=True, v_of_abs=False):
    """The new params and state Adam gives on ``case``, in float64, with a variation: a bias correction
    ``m_corr``/``v_corr`` of "t" (1 - beta ** t), "none" or "no_t" (1 - beta), and the step count moved on by
    ``t_step``; "times_t" (1 - beta * t) is the power written as a product. ``root=False`` divides by v_hat
    itself, not its square root; ``store_corrected`` returns m_hat and v_hat as the new state;
    ``v_of_square=False`` averages the gradient g into v instead of its square, ``v_of_abs`` its size |g|; a
    correction "times" multiplies by 1 - beta ** t instead of dividing."""
    params, grads = case.args[0], case.args[1]
    state = case.args[2] if len(case.args) > 2 else case.kwargs.get("state")
    h = {k: case.kwargs.get(k, DEFAULTS[k]) for k in DEFAULTS}
    t0 = 0 if state is None else state["t"]
    t = t0 + t_step
    corr = {"t": lambda beta: 1 - beta ** t, "none": lambda beta: 1.0, "no_t": lambda beta: 1 - beta,
            "times_t": lambda beta: 1 - beta * t, "times": lambda beta: 1 / (1 - beta ** t)}
    new_p, new_m, new_v = [], [], []
    for layer, (pair, gpair) in enumerate(zip(params, grads)):
        out_p, out_m, out_v = [], [], []
        for k, (p, g) in enumerate(zip(pair, gpair)):
            p, g = np.asarray(p, dtype=float), np.asarray(g, dtype=float)
            m0 = np.zeros_like(p) if state is None else np.asarray(state["m"][layer][k], dtype=float)
            v0 = np.zeros_like(p) if state is None else np.asarray(state["v"][layer][k], dtype=float)
            m = h["beta1"] * m0 + (1 - h["beta1"]) * g
            v = h["beta2"] * v0 + (1 - h["beta2"]) * (np.abs(g) if v_of_abs else g * g if v_of_square else g)
            m_hat, v_hat = m / corr[m_corr](h["beta1"]), v / corr[v_corr](h["beta2"])
            with np.errstate(all="ignore"):  # 1 - beta * t turns negative: its square root is NaN
                out_p.append(p - h["lr"] * m_hat / ((np.sqrt(v_hat) if root else v_hat) + h["eps"]))
            out_m.append(m_hat if store_corrected else m)
            out_v.append(v_hat if store_corrected else v)
        new_p.append(out_p)
        new_m.append(out_m)
        new_v.append(out_v)
    return new_p, {"t": t, "m": new_m, "v": new_v}


def _params_close(j, c, want):
    try:
        got = [[np.asarray(a, dtype=float) for a in pair] for pair in j.value(c)[0]]
        return len(got) == len(want) and all(
            g.shape == w.shape and np.allclose(g, w, rtol=1e-4, atol=1e-9, equal_nan=True)
            for gp, wp in zip(got, want) for g, w in zip(gp, wp))
    except Exception:  # another structure
        return False


def corrected(*variants):
    """A matcher: the new params are those of one of the corrections ``variants`` (pairs of m_corr, v_corr)."""
    def run(j, c):
        right = adam(j.case(c))[0]
        return not _params_close(j, c, right) and any(_params_close(j, c, adam(j.case(c), m, v)[0])
                                                      for m, v in variants)
    return run


def _state_close(j, c, want):
    try:
        got = [np.asarray(a, dtype=float) for part in ("m", "v") for pair in j.value(c)[1][part] for a in pair]
        want = [a for part in ("m", "v") for pair in want[part] for a in pair]
        return len(got) == len(want) and all(g.shape == w.shape and np.allclose(g, w, rtol=1e-4, atol=1e-12)
                                             for g, w in zip(got, want))
    except Exception:  # another structure
        return False


def no_sqrt(j, c):
    """The new params of a step divided by v_hat itself, not by its square root."""
    return not _params_close(j, c, adam(j.case(c))[0]) and _params_close(j, c, adam(j.case(c), root=False)[0])


def v_from_gradient(j, c):
    """The state's v is the running mean of the gradient g itself, not of its square."""
    case = j.case(c)
    return not _state_close(j, c, adam(case)[1]) and _state_close(j, c, adam(case, v_of_square=False)[1])


def v_from_size(j, c):
    """The state's v is the running mean of the gradient's size |g|, not of its square."""
    case = j.case(c)
    return not _state_close(j, c, adam(case)[1]) and _state_close(j, c, adam(case, v_of_abs=True)[1])


def corrected_stored(j, c):
    """Right params, but the state holds the bias-corrected m_hat or v_hat (or both) instead of m and v (so
    the next step corrects them again)."""
    case = j.case(c)
    raw, hat = adam(case)[1], adam(case, store_corrected=True)[1]
    return not _state_close(j, c, raw) and any(
        _state_close(j, c, {"m": m, "v": v}) for m, v in ((hat["m"], hat["v"]), (hat["m"], raw["v"]),
                                                         (raw["m"], hat["v"])))


def _t_out(j, c):
    try:
        return j.value(c)[1]["t"]
    except Exception:
        return None


def _t_in(j, c):
    state = j.case(c).args[2] if len(j.case(c).args) > 2 else None
    return 0 if state is None else state["t"]


def _dtypes(j, c):
    """{"params", "m", "v"}: the set of dtypes of that part of the answer, or None."""
    value = j.value(c)
    try:
        return {"params": {np.asarray(a).dtype.name for pair in value[0] for a in pair},
                "m": {np.asarray(a).dtype.name for pair in value[1]["m"] for a in pair},
                "v": {np.asarray(a).dtype.name for pair in value[1]["v"] for a in pair}}
    except Exception:
        return None


def shared_moments(j, c):
    """On a first step (state None), m and v came back equal, entry for entry, and m is not the right
    running mean: one set of zero arrays used for both, updated in place, so each update lands in both."""
    if _t_in(j, c) != 0:
        return False
    try:
        value = j.value(c)
        ms = [np.asarray(a, dtype=float) for pair in value[1]["m"] for a in pair]
        vs = [np.asarray(a, dtype=float) for pair in value[1]["v"] for a in pair]
        want = [a for pair in adam(j.case(c))[1]["m"] for a in pair]
    except Exception:  # another structure
        return False
    return len(ms) == len(vs) == len(want) and any(a.size for a in ms) and all(
        a.shape == b.shape and np.allclose(a, b, equal_nan=True) for a, b in zip(ms, vs)) and not all(
        a.shape == w.shape and np.allclose(a, w, rtol=1e-4, atol=1e-9) for a, w in zip(ms, want))


def _f64(kinds, part):
    return kinds is not None and "float64" in kinds[part]


def suite():
    output = Tup("adam_step(...)", (Layers("params", "W", "b"),
                                    Rec("state", (("t", Num("state['t']")), ("m", Layers("state['m']", "mW", "mb")),
                                                  ("v", Layers("state['v']", "vW", "vb"))))))

    def step_count_stuck(j, case):
        """The step count is not moved on: the state comes back with the t it was given, or the first step
        (t = 0 before it) divides by 1 - beta**0 = 0 and the parameters come out NaN or infinite."""
        value, t_in = j.value(case), _t_in(j, case)
        try:
            if value[1]["t"] == t_in:
                return True
            broken = any(not np.isfinite(np.asarray(a, dtype=float)).all() for pair in value[0] for a in pair)
        except Exception:
            return False
        return broken and t_in == 0 and not shared_moments(j, case)

    def fixed_numbers(j, c):
        """Right on every visible case but the one with its own beta1, beta2 and eps."""
        return c == "own_betas" and not j.right_on(c) and all(
            j.right_on(n) for n in j.suite.case_names(include_hidden=False) if n not in ("own_betas",))

    def keeps_float32(j, value):
        for case in ("f32_first", "f32"):
            kinds = _dtypes(j, case)
            if kinds is None:
                return j.failure_message(case) or "adam_step did not return (params, state)."
            bad = [part for part in ("params", "m", "v") if _f64(kinds, part)]
            if bad:
                what = {"params": "the new params", "m": "state['m']", "v": "state['v']"}
                return j.explain(case, f"On {j.case(case).label}: {' and '.join(what[p] for p in bad)} came back "
                                       f"float64: everything should stay float32, half the bytes to move at every "
                                       f"step (lesson 17).")
        return None

    def zeros_state(j, c):
        """float64 running means on a first step (state None), float32 ones when given a float32 state."""
        first, later = _dtypes(j, "f32_first"), _dtypes(j, "f32")
        return c == "f32_first" and (_f64(first, "m") or _f64(first, "v")) and later is not None \
            and not _f64(later, "m") and not _f64(later, "v")

    def float64_number(j, c):
        """float64 params from float32 running means: a float64 number in the step itself."""
        kinds = _dtypes(j, c)
        return c in ("f32", "f32_first") and _f64(kinds, "params") and not _f64(kinds, "m") \
            and not _f64(kinds, "v")

    def means_upcast(j, c):
        """float64 running means from a float32 state given."""
        kinds = _dtypes(j, "f32")
        return c in ("f32", "f32_first") and (_f64(kinds, "m") or _f64(kinds, "v"))

    RIGHT_P = "p - lr * m_hat / (np.sqrt(v_hat) + eps)"
    M_HAT, V_HAT = "m_hat = m / (1 - beta1 ** t)", "v_hat = v / (1 - beta2 ** t)"
    RESULT = '{"t": t, "m": new_m, "v": new_v}'
    LOOP = """t = state["t"] + 1
new_params, new_m, new_v = [], [], []
for layer, layer_grads, layer_m, layer_v in zip(params, grads, state["m"], state["v"]):
    p_out, m_out, v_out = [], [], []
    for p, g, m, v in zip(layer, layer_grads, layer_m, layer_v):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        p_out.append(p - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps))
        m_out.append(m)
        v_out.append(v)
    new_params.append(tuple(p_out))
    new_m.append(tuple(m_out))
    new_v.append(tuple(v_out))
return new_params, {"t": t, "m": new_m, "v": new_v}"""
    IN_PLACE = """state["t"] += 1
t = state["t"]
for layer, layer_grads, layer_m, layer_v in zip(params, grads, state["m"], state["v"]):
    for p, g, m, v in zip(layer, layer_grads, layer_m, layer_v):
        m *= beta1
        m += (1 - beta1) * g
        v *= beta2
        v += (1 - beta2) * g * g
        p -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
return params, state"""
    float32 = ("float32",)
    return standard(
        "adam_step", output,
        edge=[matches("later", "takes a later step from a given state (t = 4)"),
              matches("tiny", "handles tiny gradients, where eps matters"),
              matches("defaults", "uses lr = 1e-3 when none is given"),
              matches("f32_first", "takes a first step in float32 (state None)"),
              matches("f32", "gives the right values in float32"),
              matches("own_betas", "uses the beta1, beta2 and eps it is given"),
              prop("float32", "f32", "keeps float32 float32: the new params and the state, first step included",
                   keeps_float32, uses=("f32_first",))],
        values=("fixed", "random"),
        finite_case="fixed",
        mistakes=[
            Mistake("in_place", "updating arrays in place",
                    "this adam_step returns new arrays and leaves the ones it is given alone, like part 1's "
                    "update_params: a caller can then keep earlier parameters (the best epoch's, for early "
                    "stopping) just by keeping a reference. `-=`, `+=` and `*=` change the caller's arrays, and "
                    "`state['t'] += 1` the caller's state.",
                    Fix((Edit(IN_PLACE, LOOP),)), matches=changed_input),
            Mistake("v_from_gradient", "the running mean v of the gradient g instead of its square g * g",
                    "state['v'] came back as a running mean of g itself. v is the running mean of the squared "
                    "gradient, g * g, which is never negative: its square root is the gradient's typical size, "
                    "and m_hat / sqrt(v_hat) is a number near 1. A mean of g goes negative wherever the gradient "
                    "is, and the square root of a negative v_hat is NaN.",
                    Fix((Edit("v = beta2 * v + (1 - beta2) * g", "v = beta2 * v + (1 - beta2) * g * g"),)),
                    matches=v_from_gradient),
            Mistake("v_from_size", "the running mean v of |g| instead of g * g",
                    "state['v'] came back as a running mean of the gradient's size |g|. v averages the squared "
                    "gradient, so that its square root, sqrt(v_hat), is the gradient's typical size in the "
                    "gradient's own units; the square root of a mean of |g| is not (it has the units of sqrt(g)), "
                    "and the steps come out the wrong size.",
                    Fix((Edit("v = beta2 * v + (1 - beta2) * np.abs(g)", "v = beta2 * v + (1 - beta2) * g * g"),)),
                    matches=v_from_size),
            Mistake("no_bias_correction", "leaving out the bias correction",
                    "m and v start at zero, so in the first steps they are far too small: dividing them by "
                    "1 - beta1**t and 1 - beta2**t corrects that (without it the first step is about 3 times lr "
                    "instead of lr).", Fix((Edit("m_hat = m", M_HAT), Edit("v_hat = v", V_HAT))),
                    matches=corrected(("none", "none"), ("none", "t"), ("t", "none"))),
            Mistake("correction_multiplies", "multiplying by the bias correction instead of dividing",
                    "m and v start at zero, so in the first steps they are too small, by a factor 1 - beta**t. "
                    "The correction undoes that: it must make them larger, so divide by the factor. Multiplying "
                    "makes them smaller still (the first step's m_hat a tenth of m).",
                    Fix((Edit("m_hat = m * (1 - beta1 ** t)", M_HAT), Edit("v_hat = v * (1 - beta2 ** t)", V_HAT))),
                    matches=corrected(("times", "times"), ("times", "t"), ("t", "times"))),
            Mistake("correction_without_t", "a bias correction without the power t",
                    "the correction undoes the zero start of the running means, which fades as steps go by: "
                    "after t steps a mean holds 1 - beta**t of its weight, so divide by that, with the power t, "
                    "not by 1 - beta (which would only be right at the first step).",
                    Fix((Edit("m_hat = m / (1 - beta1)", M_HAT), Edit("v_hat = v / (1 - beta2)", V_HAT))),
                    matches=corrected(("no_t", "no_t"), ("no_t", "t"), ("t", "no_t"))),
            Mistake("beta_times_t", "beta * t instead of beta ** t in the bias correction",
                    "after t steps a running mean holds 1 - beta**t of its weight: beta to the power t, `**`. "
                    "`beta * t` agrees with it at t = 1 only; from the second step 1 - beta2 * t is negative, and "
                    "the square root of a negative v_hat is NaN.",
                    Fix((Edit("m_hat = m / (1 - beta1 * t)", M_HAT), Edit("v_hat = v / (1 - beta2 * t)", V_HAT))),
                    matches=corrected(("times_t", "times_t"), ("times_t", "t"), ("t", "times_t"))),
            Mistake("no_sqrt", "dividing by v_hat instead of its square root",
                    "v is a running mean of squared gradients, so it is in the gradient's units squared: its "
                    "square root, sqrt(v_hat), is the typical size of the gradient, and m_hat / sqrt(v_hat) is a "
                    "number near 1, which makes every step about lr. Dividing by v_hat itself makes the steps "
                    "wildly too large where gradients are small.",
                    Fix((Edit("p - lr * m_hat / (v_hat + eps)", RIGHT_P),)), matches=no_sqrt),
            Mistake("corrected_stored", "storing the bias-corrected m_hat and v_hat as the new state",
                    "the bias correction is only for this step's update: the state keeps the raw running means "
                    "m and v, and the next step averages into those and corrects again with its own t. Stored "
                    "corrected, the next step corrects a corrected mean, and the means come out too large.",
                    Fix((Edit("m_out.append(m_hat)", "m_out.append(m)"), Edit("v_out.append(v_hat)", "v_out.append(v)"))),
                    matches=corrected_stored),
            Mistake("fixed_betas", "numbers written in the formulas instead of beta1, beta2 and eps",
                    "the caller may choose other averaging rates and another eps: use the parameters, whose "
                    "defaults already hold 0.9, 0.999 and 1e-8.",
                    Fix((Edit("m = 0.9 * m + 0.1 * g", "m = beta1 * m + (1 - beta1) * g"),
                         Edit("v = 0.999 * v + 0.001 * g * g", "v = beta2 * v + (1 - beta2) * g * g"),
                         Edit("m_hat = m / (1 - 0.9 ** t)", M_HAT), Edit("v_hat = v / (1 - 0.999 ** t)", V_HAT),
                         Edit("p - lr * m_hat / (np.sqrt(v_hat) + 1e-8)", RIGHT_P))),
                    matches=fixed_numbers),
            Mistake("state_not_returned", "returning the state it was given instead of the new one",
                    "the next step needs this step's m, v and t: return a new state holding them.",
                    Fix((Edit("return new_params, state", f"return new_params, {RESULT}"),))),
            Mistake("t_not_incremented", "using the step count before adding this step",
                    "t counts the steps taken including this one: the first step has t = 1. With t = 0 the bias "
                    "correction divides by 1 - beta**0 = 0.",
                    Fix((Edit('t = state["t"]', 't = state["t"] + 1'),
                         Edit('return new_params, {"t": t + 1, "m": new_m, "v": new_v}', f"return new_params, {RESULT}"))),
                    matches=step_count_stuck),
            Mistake("shared_moments", "m and v made from the same zero arrays, then updated in place",
                    "on the first step m and v came back equal: they are one set of arrays. A state made as "
                    "{\"m\": zeros, \"v\": zeros} holds the same list twice, so `v *= beta2` and `v += ...` also "
                    "change m, and the step mixes the two means (the square root of a negative v is NaN). Give m "
                    "and v zero arrays of their own (two separate np.zeros_like), or compute new arrays instead of "
                    "updating in place.",
                    Fix((Edit('state = {"t": 0, "m": start, "v": start}',
                              'state = {"t": 0, "m": start, "v": [[np.zeros_like(p) for p in pair] for pair in params]}'),)),
                    matches=shared_moments),
            Mistake("t_twice", "moving the step count on twice",
                    "each call is one step, so the state it returns has t one more than the state it was given: "
                    "add 1 once, and return that t.",
                    Fix((Edit('return new_params, {"t": t + 1, "m": new_m, "v": new_v}', f"return new_params, {RESULT}"),)),
                    matches=lambda j, c: _t_out(j, c) == _t_in(j, c) + 2),
            Mistake("v_from_m", "the second moment from m instead of from the gradient",
                    "v is the running mean of the squared gradient, g * g, not of m squared: it measures how large "
                    "the gradient typically is.", Fix((Edit("(1 - beta2) * m * m", "(1 - beta2) * g * g"),))),
            Mistake("betas_swapped", "beta1 and beta2 swapped",
                    "beta1 (0.9) averages the gradient itself over about 10 steps; beta2 (0.999) averages its "
                    "square over about 1,000.", Fix((Edit("beta1, beta2 = beta2, beta1", ""),))),
            Mistake("v_hat_with_beta1", "v corrected with beta1 instead of beta2",
                    "each moment is corrected by its own average's weight: m started at 0 and averages with beta1, "
                    "v with beta2, so v's correction divides by 1 - beta2 ** t. With beta1 there, the typical size "
                    "comes out far too large and the first steps far too small.",
                    Fix((Edit("v / (1 - beta1 ** t)", "v / (1 - beta2 ** t)"),))),
            Mistake("eps_added_to_p", "eps added to the parameter instead of to the denominator",
                    "eps belongs in the division, beside the square root, to keep it safe when v is tiny; without "
                    "brackets round the denominator it is added to the new parameter, so every parameter drifts by "
                    "eps and a tiny gradient still gets a full step.",
                    Fix((Edit("p - lr * m_hat / np.sqrt(v_hat) + eps", "p - lr * m_hat / (np.sqrt(v_hat) + eps)"),))),
            Mistake("momentum_weights_swapped", "the momentum's two weights swapped",
                    "the running mean keeps beta1 (0.9) of the old m and adds 1 - beta1 of the new gradient, so it "
                    "averages about ten steps; the other way round, m follows the newest gradient almost "
                    "entirely.", Fix((Edit("(1 - beta1) * m + beta1 * g", "beta1 * m + (1 - beta1) * g"),))),
            Mistake("eps_inside_sqrt", "eps inside the square root",
                    "eps keeps the division safe when v is tiny; Adam adds it after the square root. Inside, "
                    "sqrt(v + eps) is at least 1e-4, which shrinks the steps of parameters whose gradients are "
                    "small.", Fix((Edit("np.sqrt(v_hat + eps)", "(np.sqrt(v_hat) + eps)"),))),
            Mistake("gradient_not_mean", "stepping along the raw gradient instead of its running mean m",
                    "the step uses m_hat, the running mean of the gradients, which smooths out the noise of "
                    "minibatches; the raw gradient g is one batch's opinion.",
                    Fix((Edit("p - lr * g / (np.sqrt(v_hat) + eps)", RIGHT_P),))),
            Mistake("plus", "adding the step instead of subtracting it",
                    "the gradient points uphill: each step must go against it.",
                    Fix((Edit("p + lr * m_hat / (np.sqrt(v_hat) + eps)", RIGHT_P),))),
            Mistake("ignores_lr", "ignoring the learning rate lr",
                    "lr sets the size of each step: Adam's step is lr times m_hat / (sqrt(v_hat) + eps).",
                    Fix((Edit("p - m_hat / (np.sqrt(v_hat) + eps)", RIGHT_P),))),
            Mistake("zeros_state", "a float64 first state: np.zeros(shape) for m and v",
                    "np.zeros(W.shape) is float64 whatever W is, so with float32 parameters the first step's m and "
                    "v, then the parameters, turn float64, and every later step moves twice the bytes. "
                    "np.zeros_like(W) makes zeros of W's own shape and type.",
                    Fix((Edit("np.zeros(W.shape), np.zeros(b.shape)", "np.zeros_like(W), np.zeros_like(b)"),)),
                    matches=zeros_state, on=float32),
            Mistake("float64_number", "a float64 number in the step (np.power, np.float64, np.sqrt of a number)",
                    "the running means stayed float32, but the new parameters came back float64: a NumPy float64 "
                    "number in the step, such as np.power(beta1, t), np.float64(...) or np.sqrt(1 - beta2 ** t), "
                    "turns every array it touches into float64. Python's own `beta1 ** t` is a plain number, which "
                    "keeps the arrays' type.",
                    Fix((Edit("(1 - np.power(beta1, t))", "(1 - beta1 ** t)"),
                         Edit("(1 - np.power(beta2, t))", "(1 - beta2 ** t)"))),
                    matches=float64_number, on=float32),
            Mistake("upcasts", "turning the running means into float64",
                    "given a float32 state, the new m and v should be float32 too, or every later step costs "
                    "twice as much: something in their update makes float64 (np.asarray(..., dtype=float), "
                    ".astype(float)). Leave the arrays' own type alone.",
                    Fix((Edit("beta1 * np.asarray(m, dtype=float) + (1 - beta1) * g", "beta1 * m + (1 - beta1) * g"),)),
                    matches=means_upcast, on=float32),
        ],
        args=ARGS, signature=SIGNATURE,
        shape_purpose="returns params shaped as given, and a state with t and (W, b)-shaped m and v",
        type_purpose="returns (new params, new state)")


SUITE = suite()
