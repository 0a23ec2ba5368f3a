"""``decay_weights``: what it returns, its checks in order, and the mistakes they can name.

Most wrong answers scale the weights by another factor than 1 - lr * weight_decay: the factor is read from
the answer itself (new W / old W) and compared with the formulas a learner may have used, so each is named
however it is written.
"""
import numpy as np

from ..checks import changed_input, matches, only_first, prop, standard
from ..judge import Edit, Fix, Mistake
from ..spec import Layers
from .forward_layers import float32_problem, float64_out

SIGNATURE = "decay_weights(params, lr, weight_decay)"
ARGS = ("params", "lr", "weight_decay")  # the parameters the checks pass by position, in order


def _pairs(j, c):
    """[(W, b, new W, new b)] as float arrays, or None for another structure."""
    try:
        given, value = j.case(c).args[0], j.value(c)
        out = [(np.asarray(W, dtype=float), np.asarray(b, dtype=float), np.asarray(nW, dtype=float),
                np.asarray(nb, dtype=float)) for (W, b), (nW, nb) in zip(given, value)]
    except Exception:  # another structure
        return None
    if len(out) != len(j.case(c).args[0]) or any(W.shape != nW.shape or b.shape != nb.shape for W, b, nW, nb in out):
        return None
    return out


def shrinks_by(factor, unless=()):
    """A matcher: every new W is ``factor(lr, weight_decay) * W`` (and that is not the right factor, nor one of
    the factors ``unless``, another mistake's, on this case)."""
    def run(j, c):
        pairs, (lr, wd) = _pairs(j, c), j.case(c).args[1:3]
        f = factor(lr, wd)
        if pairs is None or any(abs(f - other) <= 1e-4 * abs(f) + 1e-12
                                for other in [1 - lr * wd] + [g(lr, wd) for g in unless]):  # too close to tell
            return False
        return all(np.allclose(nW, f * W, rtol=1e-5, atol=1e-9) for W, b, nW, nb in pairs)
    return run


def suite():
    def weights_only(j, case):
        value = j.value(case)
        return isinstance(value, (list, tuple)) and all(isinstance(x, np.ndarray) and x.ndim == 2 and x.shape[1] > 1
                                                        for x in value)

    def keeps_float32(j, value):
        return float32_problem(j, "f32", value, "params")

    def biases_decayed(j, c):
        pairs, (lr, wd) = _pairs(j, c), j.case(c).args[1:3]
        return pairs is not None and lr * wd != 0 and all(
            np.allclose(nb, (1 - lr * wd) * b) and not np.allclose(nb, b) for W, b, nW, nb in pairs)

    def subtracts(j, c):
        pairs, (lr, wd) = _pairs(j, c), j.case(c).args[1:3]
        return pairs is not None and lr * wd != 0 and all(np.allclose(nW, W - lr * wd) for W, b, nW, nb in pairs)

    def layers(j, c):
        return len(j.case(c).args[0])

    RIGHT = "W * (1 - lr * weight_decay)"
    return standard(
        "decay_weights", Layers("decay_weights(...)", "W", "b"),
        edge=[matches("zero", "weight_decay = 0 leaves every parameter as it was"),
              matches("deep", "works for any number of layers"),
              matches("f32", "gives the right values in float32"),
              prop("float32", "f32", "keeps float32 float32", keeps_float32)],
        values=("fixed", "random"),
        mistakes=[
            Mistake("in_place", "shrinking the weights in place",
                    "`*=` changes the caller's arrays: the parameters of an earlier epoch, kept for early "
                    "stopping, would shrink too. Return new arrays.",
                    Fix((Edit("for W, b in params:\n    W *= 1 - lr * weight_decay\nreturn params",
                              f"return [({RIGHT}, b) for W, b in params]"),)), matches=changed_input),
            Mistake("changes_list", "putting the new pairs into the caller's list",
                    "params belongs to the caller: the early-stopping loop keeps an earlier epoch's params by keeping "
                    "its list, and `params[l] = ...` would change that list too. Build a new list and return it.",
                    Fix((Edit("def decay_weights(params, lr, weight_decay):", "params = list(params)", "after"),),
                        "`list(params)` is a new list holding the same pairs: changing it leaves the caller's alone."),
                    error=("TypeError", r"passed in to the function belongs to the caller")),
            Mistake("return_in_loop", "a `return` inside the loop",
                    "only the first layer's pair comes back, on every call that should give several: the function "
                    "returns as soon as the loop has made one. A `return` inside the loop stops after the first "
                    "layer: return the list after the loop.",
                    Fix((Edit("for W, b in params:\n    new.append((W * (1 - lr * weight_decay), b))\n    return new",
                              "for W, b in params:\n    new.append((W * (1 - lr * weight_decay), b))\nreturn new"),)),
                    matches=lambda j, c: only_first(j, c, layers), on=("shape",)),
            Mistake("last_layer_left_out", "a loop that stops one layer short",
                    "one (W, b) pair fewer came back than went in: the last layer is missing. range(n) already "
                    "stops before n, so range(len(params)) visits every layer; going one less leaves the last out.",
                    Fix((Edit("for l in range(len(params) - 1):", "for l in range(len(params)):"),)),
                    matches=lambda j, c: isinstance(j.value(c), (list, tuple)) and len(j.case(c).args[0]) > 1
                    and len(j.value(c)) == len(j.case(c).args[0]) - 1, on=("shape",)),
            Mistake("decays_biases", "decaying the biases too",
                    "weight decay pulls the weights towards 0 so that no single input gets too much say; a bias "
                    "only shifts a unit's threshold and does not make the function more complex, so it is left "
                    "alone.", Fix((Edit("b * (1 - lr * weight_decay)", "b"),)), matches=biases_decayed),
            Mistake("forgets_lr", "shrinking by 1 - weight_decay instead of 1 - lr * weight_decay",
                    "decoupled weight decay is a step of its own, scaled by the same step size as the gradient "
                    "step: the factor is 1 - lr * weight_decay (with lr = 3e-3 and weight_decay = 0.1, a "
                    "0.03% shrink per step, not 10%).", Fix((Edit("W * (1 - weight_decay)", RIGHT),)),
                    matches=shrinks_by(lambda lr, wd: 1 - wd)),
            Mistake("grows", "multiplying by 1 + lr * weight_decay",
                    "decay makes the weights smaller: each step multiplies them by a factor just below 1.",
                    Fix((Edit("W * (1 + lr * weight_decay)", RIGHT),)), matches=shrinks_by(lambda lr, wd: 1 + lr * wd)),
            Mistake("half_decay", "half the decay: lr * weight_decay / 2",
                    "the ½ of the L2 penalty ½ λ ||W||² goes away when it is differentiated: its gradient is λ W, "
                    "so one step shrinks W by lr * weight_decay, not half of it.",
                    Fix((Edit("lr * weight_decay / 2", "lr * weight_decay"),)),
                    matches=shrinks_by(lambda lr, wd: 1 - lr * wd / 2)),
            Mistake("exponential", "an exponential decay, exp(-lr * weight_decay)",
                    "decoupled weight decay takes one straight step towards 0 each time: W times "
                    "1 - lr * weight_decay. exp(-lr * weight_decay) is close to it but not the same (and "
                    "np.exp of a number is a float64 number, which turns float32 weights into float64).",
                    Fix((Edit("W * np.exp(-lr * weight_decay)", RIGHT),)),
                    matches=shrinks_by(lambda lr, wd: np.exp(-lr * wd))),
            Mistake("times_amount", "multiplying by lr * weight_decay instead of by 1 - lr * weight_decay",
                    "lr * weight_decay is the fraction taken away at each step, a small number: multiplying W by it "
                    "keeps only that small fraction of each weight and wipes out almost everything learned. The "
                    "factor is what is left after the shrink, 1 - lr * weight_decay.",
                    Fix((Edit("W * (lr * weight_decay)", RIGHT),)),
                    matches=shrinks_by(lambda lr, wd: lr * wd, unless=(lambda lr, wd: (1 - lr) * wd,))),
            Mistake("parenthesis", "(1 - lr) * weight_decay instead of 1 - lr * weight_decay",
                    "the weights came back multiplied by (1 - lr) times weight_decay, about weight_decay itself "
                    "(and by 0 when there is no decay): the brackets close too early. Only the shrink, lr times "
                    "weight_decay, is taken away from 1; the product comes first, then the subtraction.",
                    Fix((Edit("factor = (1 - lr) * weight_decay", "factor = 1 - lr * weight_decay"),)),
                    matches=shrinks_by(lambda lr, wd: (1 - lr) * wd, unless=(lambda lr, wd: lr * wd,))),
            Mistake("divides", "dividing by 1 + lr * weight_decay instead of multiplying by 1 - lr * weight_decay",
                    "decoupled weight decay takes a step of its own towards 0, as large as lr * weight_decay of "
                    "each weight: W - lr * weight_decay * W, that is W times 1 - lr * weight_decay. Dividing by "
                    "1 + lr * weight_decay comes close but is another update, and the checks compare with the "
                    "lesson's.", Fix((Edit("W / (1 + lr * weight_decay)", RIGHT),)),
                    matches=shrinks_by(lambda lr, wd: 1 / (1 + lr * wd))),
            Mistake("subtracts", "subtracting lr * weight_decay instead of multiplying",
                    "weight decay shrinks each weight in proportion to its size, W - lr * weight_decay * W: large "
                    "weights lose more, and a weight at 0 stays at 0.", Fix((Edit("W - lr * weight_decay", RIGHT),)),
                    matches=subtracts),
            Mistake("weights_only", "returning the weights without their biases",
                    "the result must have the shape of params, a list of (W, b) pairs, so that it can be used as "
                    "the next params.",
                    Fix((Edit("return [W * (1 - lr * weight_decay) for W, b in params]",
                              f"return [({RIGHT}, b) for W, b in params]"),)), matches=weights_only),
            Mistake("upcasts", "turning float32 into float64",
                    "with float32 parameters the decayed ones should be float32 too: a NumPy float64 number "
                    "(np.float64(...), np.exp of a number) turns the arrays it multiplies into float64.",
                    Fix((Edit("np.float64(1 - lr * weight_decay)", "(1 - lr * weight_decay)"),),
                        "A Python number keeps the array's own type."),
                    matches=lambda j, c: c == "f32" and float64_out(j, c)),
        ],
        args=ARGS, signature=SIGNATURE, shape_purpose="returns one (W, b) pair per layer, shaped as given",
        type_purpose="returns a list of (W, b) pairs")


SUITE = suite()
