"""``update_params``: what it returns, its checks in order, and the mistakes they can name."""
import numpy as np

from ..checks import PARAMS, changed_input, matches, standard
from ..judge import Edit, Fix, Mistake
from ..spec import Tup

SIGNATURE = "update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)"
ARGS = ('W1', 'b1', 'W2', 'b2', 'dW1', 'db1', 'dW2', 'db2', 'alpha')  # the parameters the checks pass by position, in order


VISIBLE = ("fixed", "random", "zero_alpha")


def step_taken(j, c):
    """The step the answer took on case c: s with W1_new = W1 - s * dW1 on every entry, or None."""
    value = j.value(c)
    try:
        W1, dW1, new = (np.asarray(a, dtype=float) for a in (j.case(c).args[0], j.case(c).args[4], value[0]))
    except (TypeError, ValueError, IndexError):
        return None
    big = np.abs(dW1) > 1e-3
    if new.shape != W1.shape or not big.any():
        return None
    s = (W1 - new)[big] / dW1[big]
    return float(s[0]) if np.allclose(s, s[0], rtol=1e-6, atol=1e-9) else None


def fixed_step(j, c):
    """The same step on every visible case, whatever alpha it was given (and not 1, the step of no alpha at
    all): a learning rate from outside the function (the toolbox's ALPHA) or written in."""
    steps = [step_taken(j, n) for n in VISIBLE]
    alphas = [j.case(n).args[8] for n in VISIBLE]
    return c in VISIBLE and None not in steps and np.allclose(steps, steps[0], rtol=1e-6) and \
        not np.isclose(steps[0], 1.0) and not np.isclose(steps[0], 0.0, atol=1e-12) and len(set(alphas)) > 1


def _arrays(j, c):
    """(params, grads, alpha, new params) of case c as float arrays, or None for another structure."""
    args, value = j.case(c).args, j.value(c)
    try:
        new = [np.asarray(v, dtype=float) for v in value]
        params, grads = [np.asarray(a, dtype=float) for a in args[:4]], [np.asarray(g, dtype=float) for g in args[4:8]]
    except (TypeError, ValueError):
        return None
    if len(new) != 4 or any(v.shape != p.shape for v, p in zip(new, params)):
        return None
    return params, grads, args[8], new


def nothing_moves(j, c):
    """Every parameter returned as it came in, with a step of alpha != 0 to take: the new values were given to
    names that were never returned (a loop variable)."""
    found = _arrays(j, c)
    if found is None:
        return False
    params, grads, alpha, new = found
    return alpha != 0 and any(np.any(g) for g in grads) and all(np.array_equal(v, p) for v, p in zip(new, params))


def scaled_difference(j, c):
    """Some parameters alpha * (p - g), the others right: alpha put round the difference instead of on the
    gradient alone."""
    found = _arrays(j, c)
    if found is None:
        return False
    params, grads, alpha, new = found
    scaled = [np.allclose(v, alpha * (p - g), rtol=1e-6, atol=1e-12) and not np.allclose(v, p - alpha * g)
              for v, p, g in zip(new, params, grads)]
    return not np.isclose(alpha, 1.0) and any(scaled) and all(
        s or np.allclose(v, p - alpha * g) for s, v, p, g in zip(scaled, new, params, grads))


def other_gradient(j, c):
    """A parameter moved by another parameter's gradient of the same shape (b1 by db2, b2 by db1)."""
    args, value = j.case(c).args, j.value(c)
    try:
        params, grads, alpha = [np.asarray(a, dtype=float) for a in args[:4]], args[4:8], args[8]
        new = [np.asarray(v, dtype=float) for v in value]
    except (TypeError, ValueError):
        return False
    if alpha == 0 or len(new) != 4:
        return False
    for i, (p, v) in enumerate(zip(params, new)):
        if v.shape != p.shape or np.allclose(v, p - alpha * np.asarray(grads[i], dtype=float)):
            continue
        if any(k != i and np.shape(g) == p.shape and np.allclose(v, p - alpha * np.asarray(g, dtype=float))
               for k, g in enumerate(grads)):
            return True
    return False


def alpha_left_out(j, c):
    """Some parameters moved by their whole gradient (no alpha), the others by alpha times theirs."""
    args, value = j.case(c).args, j.value(c)
    try:
        params, grads, alpha = [np.asarray(a, dtype=float) for a in args[:4]], \
            [np.asarray(g, dtype=float) for g in args[4:8]], args[8]
        new = [np.asarray(v, dtype=float) for v in value]
    except (TypeError, ValueError):
        return False
    if np.isclose(alpha, 1.0) or len(new) != 4 or any(v.shape != p.shape for v, p in zip(new, params)):
        return False
    whole = [np.allclose(v, p - g) and not np.allclose(g, 0) for v, p, g in zip(new, params, grads)]
    scaled = [np.allclose(v, p - alpha * g) for v, p, g in zip(new, params, grads)]
    return any(whole) and not all(whole) and all(w or s for w, s in zip(whole, scaled))


def suite():
    return standard(
        "update_params", Tup("update_params(...)", PARAMS),
        edge=[matches("zero_alpha", "alpha = 0 leaves the parameters as they were")],
        values=("fixed", "random"),
        mistakes=[
            Mistake("plus", "updating with + instead of -",
                    "the gradient points uphill, towards a larger loss: each step must go against it.",
                    Fix((Edit("return W1 + alpha * dW1, b1 + alpha * db1, W2 + alpha * dW2, b2 + alpha * db2",
                              "return W1 - alpha * dW1, b1 - alpha * db1, W2 - alpha * dW2, b2 - alpha * db2"),))),
            Mistake("ignores_alpha", "ignoring the learning rate alpha",
                    "alpha sets the size of each step: the change to a parameter is alpha times its gradient.",
                    Fix((Edit("return W1 - dW1, b1 - db1, W2 - dW2, b2 - db2", "return W1 - alpha * dW1, b1 - alpha * db1, W2 - alpha * dW2, b2 - alpha * db2"),))),
            Mistake("alpha_left_out", "alpha left out of some of the updates",
                    "some parameters moved by their whole gradient and others by alpha times theirs: every "
                    "parameter, weights and biases alike, takes a step of alpha times its own gradient.",
                    Fix((Edit("b1 - db1", "b1 - alpha * db1"), Edit("b2 - db2", "b2 - alpha * db2"))),
                    matches=alpha_left_out),
            Mistake("fixed_alpha", "a learning rate of its own instead of the alpha it is given",
                    "your function took the same step whatever alpha it was given: a name from outside the "
                    "function (the toolbox's ALPHA) or a number written in. alpha is an argument so that the caller "
                    "chooses the step (lesson 12 tries several): use the alpha that comes in.",
                    Fix((Edit("ALPHA", "alpha"),)), matches=fixed_step),
            Mistake("nothing_moves", "new values given to a name that is never returned",
                    "every parameter came back exactly as it came in, though alpha and the gradients are not 0. "
                    "`p = p - alpha * g` in a loop makes a new array and gives it the loop's name p, for that turn "
                    "only: the list of parameters still holds the old arrays. Collect the new arrays (a new list, "
                    "or new names) and return those.",
                    Fix((Edit("for p, g in zip(params, [dW1, db1, dW2, db2]):\n    p = p - alpha * g\n"
                              "return tuple(params)",
                              "return tuple(p - alpha * g for p, g in zip(params, [dW1, db1, dW2, db2]))"),)),
                    matches=nothing_moves),
            Mistake("scaled_difference", "alpha times (p - grad) instead of p - alpha times grad",
                    "parameters came back as alpha times (parameter - gradient): the whole parameter shrank "
                    "by alpha. Only the step is scaled by alpha; the parameter itself stays, and the step is "
                    "taken from it.",
                    Fix(tuple(Edit(f"alpha * ({p} - d{p})", f"{p} - alpha * d{p}") for p in ("W1", "b1", "W2", "b2"))),
                    matches=scaled_difference),
            Mistake("other_gradient", "moving b1 with db2 and b2 with db1",
                    "each parameter moves against its own gradient: b1 with db1, b2 with db2. The two bias "
                    "gradients have the same shape, (10, 1), so a mix-up raises no error; it only moves each "
                    "layer's biases by the other layer's errors.",
                    Fix((Edit("b1 - alpha * db2", "b1 - alpha * db1"), Edit("b2 - alpha * db1", "b2 - alpha * db2"))),
                    matches=other_gradient),
            Mistake("in_place", "updating the parameters in place",
                    "-= changes the caller's arrays too, so the parameters passed in are lost; the lesson asks "
                    "for new arrays.", Fix(tuple(Edit(f"{p} -= alpha * d{p}", f"{p} = {p} - alpha * d{p}")
                                           for p in ("W1", "b1", "W2", "b2"))), matches=changed_input),
            Mistake("weights_only", "updating the weights but not the biases",
                    "the biases are parameters too, and their gradients say how to move them.",
                    Fix((Edit("return W1 - alpha * dW1, b1, W2 - alpha * dW2, b2", "return W1 - alpha * dW1, b1 - alpha * db1, W2 - alpha * dW2, b2 - alpha * db2"),))),
            Mistake("wrong_order", "returning the parameters in another order",
                    "they must come back in the order they came in, so the caller can unpack them the same way.",
                    Fix((Edit("return W1 - alpha * dW1, W2 - alpha * dW2, b1 - alpha * db1, b2 - alpha * db2",
                              "return W1 - alpha * dW1, b1 - alpha * db1, W2 - alpha * dW2, b2 - alpha * db2"),))),
        ],
        args=ARGS, signature=SIGNATURE, shape_purpose="returns W1 (10, 784), b1 (10, 1), W2 (10, 10), b2 (10, 1)",
        type_purpose="returns a tuple of four arrays", finite_case="fixed")


SUITE = suite()
