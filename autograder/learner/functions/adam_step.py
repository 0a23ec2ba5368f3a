"""``adam_step``: what it returns, its checks in order, and the mistakes they can name."""
import numpy as np

from ..checks import changed_input, matches, prop, standard
from ..judge import Mistake
from ..spec import Layers, Num, Rec, Tup
from .forward_layers import float32_problem, float64_out

SIGNATURE = "adam_step(params, grads, state=None, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)"
ARGS = ("params", "grads", "state", "lr", "beta1", "beta2", "eps")  # passed by position, in order


def suite():
    output = Tup("adam_step(...)", (Layers("params", "W", "b"),
                                    Rec("state", (("t", Num("state['t']")), ("m", Layers("state['m']", "mW", "mb")),
                                                  ("v", Layers("state['v']", "vW", "vb"))))))

    def step_count_stuck(j, case):
        """The step count is not moved on: the state comes back with the t it was given, or the first step
        (t = 0 before it) divides by 1 - beta**0 = 0 and the parameters come out NaN or infinite."""
        value, state = j.value(case), j.case(case).args[2]
        t_in = 0 if state is None else state["t"]
        try:
            t_out = value[1]["t"]
            if t_out == t_in:
                return True
            broken = any(not np.isfinite(np.asarray(a, dtype=float)).all() for pair in value[0] for a in pair)
        except Exception:
            return False
        return broken and t_in == 0

    def keeps_float32(j, value):
        return float32_problem(j, "f32", value, "params, gradients and state")

    return standard(
        "adam_step", output,
        edge=[matches("later", "takes a later step from a given state (t = 4)"),
              matches("tiny", "handles tiny gradients, where eps matters"),
              matches("defaults", "uses lr = 1e-3 when none is given"),
              matches("f32", "gives the right values in float32"),
              matches("own_betas", "uses the beta1, beta2 and eps it is given"),
              prop("float32", "f32", "keeps float32 float32", keeps_float32)],
        values=("fixed", "random"),
        finite_case="fixed",
        mistakes=[
            Mistake("in_place", "updating arrays in place",
                    "this adam_step returns new arrays and leaves the ones it is given alone, like part 1's "
                    "update_params: a caller can then keep earlier parameters (the best epoch's, for early "
                    "stopping) just by keeping a reference. `-=`, `+=` and `*=` change the caller's arrays.",
                    "`m = beta1 * m + (1 - beta1) * g` (a new array), and the same for v and the parameter",
                    matches=changed_input),
            Mistake("no_bias_correction", "leaving out the bias correction",
                    "m and v start at zero, so in the first steps they are far too small: dividing them by "
                    "1 - beta1**t and 1 - beta2**t corrects that (without it the first step is about 3 times lr "
                    "instead of lr).", "`m_hat = m / (1 - beta1 ** t)` and `v_hat = v / (1 - beta2 ** t)`"),
            Mistake("fixed_betas", "numbers written in the formulas instead of beta1, beta2 and eps",
                    "the caller may choose other averaging rates and another eps: use the parameters, whose "
                    "defaults already hold 0.9, 0.999 and 1e-8.",
                    "`beta1`, `beta2` and `eps` in the formulas, in place of the numbers"),
            Mistake("state_not_returned", "returning the state it was given instead of the new one",
                    "the next step needs this step's m, v and t: return a new state holding them.",
                    "`return new_params, {'t': t, 'm': new_m, 'v': new_v}`"),
            Mistake("t_not_incremented", "using the step count before adding this step",
                    "t counts the steps taken including this one: the first step has t = 1. With t = 0 the bias "
                    "correction divides by 1 - beta**0 = 0.", "`t = state['t'] + 1` before using it",
                    matches=step_count_stuck),
            Mistake("v_from_m", "the second moment from m instead of from the gradient",
                    "v is the running mean of the squared gradient, g * g, not of m squared: it measures how large "
                    "the gradient typically is.", "`v = beta2 * v + (1 - beta2) * g * g`"),
            Mistake("betas_swapped", "beta1 and beta2 swapped",
                    "beta1 (0.9) averages the gradient itself over about 10 steps; beta2 (0.999) averages its "
                    "square over about 1,000.", "`m` uses beta1, `v` uses beta2"),
            Mistake("eps_inside_sqrt", "eps inside the square root",
                    "eps keeps the division safe when v is tiny; Adam adds it after the square root. Inside, "
                    "sqrt(v + eps) is at least 1e-4, which shrinks the steps of parameters whose gradients are "
                    "small.", "`np.sqrt(v_hat) + eps`"),
            Mistake("gradient_not_mean", "stepping along the raw gradient instead of its running mean m",
                    "the step uses m_hat, the running mean of the gradients, which smooths out the noise of "
                    "minibatches; the raw gradient g is one batch's opinion.", "`lr * m_hat / (np.sqrt(v_hat) + eps)`"),
            Mistake("plus", "adding the step instead of subtracting it",
                    "the gradient points uphill: each step must go against it.", "`p - lr * m_hat / (...)`"),
            Mistake("ignores_lr", "ignoring the learning rate lr",
                    "lr sets the size of each step: Adam's step is lr times m_hat / (sqrt(v_hat) + eps).",
                    "`p - lr * m_hat / (np.sqrt(v_hat) + eps)`"),
            Mistake("upcasts", "turning float32 into float64",
                    "with float32 parameters and gradients, the new parameters and the state should be float32 "
                    "too, or every later product costs twice as much.",
                    "keep the arrays' own type: np.zeros_like(p) for the first state",
                    matches=lambda j, c: c == "f32" and float64_out(j, c)),
        ],
        args=ARGS, signature=SIGNATURE,
        shape_purpose="returns params shaped as given, and a state with t and (W, b)-shaped m and v",
        type_purpose="returns (new params, new state)")


SUITE = suite()
