"""``relu_deriv``: what it returns, its checks in order, and the mistakes they can name."""
import numpy as np

from ..checks import keeps_float32, matches, prop, standard
from ..judge import Edit, Fix, Mistake
from ..spec import Arr, value_difference

SIGNATURE = "relu_deriv(Z)"
ARGS = ('Z',)  # the parameters the checks pass by position, in order


def upcast(j, c):
    """float32 scores gave a slope of a type that turns float32 arithmetic float64 (float64, int64)."""
    value, Z = j.value(c), np.asarray(j.case(c).args[0])
    return isinstance(value, np.ndarray) and Z.dtype == np.float32 and value.dtype.kind in "biuf" \
        and np.result_type(value.dtype, np.float32) != np.float32


def sign(j, c):
    """The answer is np.sign(Z): -1 for the negative scores."""
    value, Z = j.value(c), np.asarray(j.case(c).args[0], dtype=float)
    return isinstance(value, np.ndarray) and value.shape == Z.shape and (Z < 0).any() and \
        np.array_equal(np.asarray(value, dtype=float), np.sign(Z))


def suite():
    def ignore_zeros(j, case, got, want):
        Z = np.asarray(j.case(case).args[0])
        keep = Z != 0  # the slope at exactly 0 may be taken as 0 or 1
        g = np.where(keep, np.asarray(got, dtype=float), 0.0)
        w = np.where(keep, np.asarray(want, dtype=float), 0.0)
        return value_difference(g, w, 1e-9, "relu_deriv(Z)")

    def zero_or_one(j, value):
        v = np.asarray(value, dtype=float)
        if not np.isin(v, (0.0, 1.0)).all():
            bad = v[~np.isin(v, (0.0, 1.0))]
            return f"relu_deriv(Z) holds {bad.flat[0]:.4g}; the slope of ReLU is only ever 0 or 1."
        return None

    suite = standard(
        "relu_deriv", Arr("relu_deriv(Z)", (10, "m"), kinds="fiub"),
        edge=[prop("binary", "random", "is 0 or 1 everywhere", zero_or_one),
              matches("f32", "works on float32 input", compare=ignore_zeros),
              keeps_float32("f32", "keeps float32 scores float32: a slope of Z's own type or bool (a note, not a "
                            "requirement)", "float32 scores")],
        mistakes=[
            Mistake("returns_relu", "returning relu(Z) instead of its slope",
                    "the slope of ReLU is not its value: it is 1 where ReLU rises (Z > 0) and 0 where it is flat.",
                    Fix((Edit("return np.maximum(0, Z)", "return Z > 0"),),
                        "The comparison is True where the slope is 1; `.astype(Z.dtype)` turns True and False into "
                        "1 and 0 of Z's own type if you want numbers.")),
            Mistake("sign", "np.sign(Z), which is -1 for negative scores, instead of ReLU's slope",
                    "np.sign gives -1, 0 or 1: the direction of each score. ReLU's slope is never negative: it is 0 "
                    "wherever ReLU is flat (every negative score) and 1 where it rises.",
                    Fix((Edit("return np.sign(Z)", "return Z > 0"),)), matches=sign),
            Mistake("upcasts", "a slope of type float64 or int, which turns float32 training float64",
                    "`.astype(float)` means float64 and `.astype(int)` int64, and float32 errors multiplied by "
                    "either come out float64. Booleans (Z > 0 as it is) multiply as 1 and 0 and keep the other "
                    "array's type; so does a slope converted to Z's own type.",
                    Fix((Edit((".astype(float)", ".astype(int)"), ""),)), matches=upcast, on=("float32",)),
            Mistake("all_ones", "a slope of 1 everywhere",
                    "1 everywhere is the slope of Z itself, the identity. ReLU is flat where Z is negative, so its "
                    "slope there is 0; it is 1 only where Z > 0.",
                    Fix((Edit("return np.ones_like(Z)", "return Z > 0"),)),
                    matches=lambda j, c: isinstance(j.value(c), np.ndarray) and not j.right_on(c)
                    and np.shape(j.value(c)) == np.shape(j.case(c).args[0]) and bool(np.all(j.value(c) == 1))),
            Mistake("inverted", "the slope with the comparison reversed",
                    "ReLU is flat, slope 0, for negative Z and rises with slope 1 for positive Z.",
                    Fix((Edit("return Z < 0", "return Z > 0"),))),
            Mistake("python_if", "an `if` on a whole array",
                    "an `if` asks one yes-or-no question, and NumPy refuses to answer it for a whole array; a "
                    "comparison written as an expression works entry by entry.",
                    Fix((Edit("if Z > 0:\n    return 1\nreturn 0", "return Z > 0"),)),
                    error=("ValueError", "truth value of an array")),
        ],
        args=ARGS, signature=SIGNATURE, shape_purpose="returns an array shaped like Z, (10, m)", type_purpose="returns a NumPy array")
    for i, check in enumerate(suite.checks):
        if check.id.startswith("values:") or (check.id.startswith("values") and check.case.startswith("hidden")):
            suite.checks[i] = matches(check.case, check.purpose, compare=ignore_zeros)
    return suite


SUITE = suite()
