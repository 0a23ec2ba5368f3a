"""``minibatches``: judged by properties, never by the course's own random numbers.

Each case's X has the example's number in its first row (X[0, j] == j), so
the checks can follow every example: each one exactly once per epoch, with
its own label, in a shuffled order that the ``rng`` given decides (the same
seed, the same batches; another seed, others). Any order drawn from that rng
is right; the split is the lesson's: ceil(m / batch_size) batches of
batch_size examples, the last one holding the rest.
"""
import numpy as np

from ..checks import (
    changed_input,
    no_warnings,
    prop,
    returns,
    shaped,
    takes_the_lessons_arguments,
    typed,
    unchanged,
    usable,
)
from ..judge import Mistake, Suite
from ..spec import Batches

SIGNATURE = "minibatches(X, Y, batch_size, rng)"
ARGS = ("X", "Y", "batch_size", "rng")  # the parameters the checks pass by position, in order


def order(value):
    """The example numbers of an epoch, batch after batch."""
    return np.concatenate([np.rint(np.asarray(Xb[0], dtype=float)).astype(int) for Xb, _ in value])


def coverage_problem(j, case, value):
    m = j.case(case).args[0].shape[1]
    seen = order(value)
    counts = np.bincount(seen[(seen >= 0) & (seen < m)], minlength=m)
    if (counts > 1).any():
        k = int(np.flatnonzero(counts > 1)[0])
        return f"example {k} appears {counts[k]} times in one epoch: each example belongs to exactly one batch."
    if (counts == 0).any():
        missing = np.flatnonzero(counts == 0)
        return (f"{missing.size} of the {m} examples are in no batch (example {missing[0]}, for one): an epoch is "
                f"one pass over every example.")
    return None


def pairs_problem(j, case, value):
    X, Y = j.case(case).args[:2]
    for k, (Xb, Yb) in enumerate(value):
        i = np.rint(np.asarray(Xb[0], dtype=float)).astype(int)
        if not np.array_equal(np.asarray(Yb), Y[i]):
            bad = int(np.flatnonzero(np.asarray(Yb) != Y[i])[0])
            return (f"in batch {k}, Y_batch[{bad}] is {Yb[bad]}, but column {bad} of X_batch is example {i[bad]}, "
                    f"whose label is {Y[i[bad]]}: the images and the labels were shuffled apart.")
        if not np.array_equal(np.asarray(Xb), X[:, i]):
            return f"the columns of X_batch in batch {k} are not whole columns of X: each column is one image."
    return None


def is_identity(value):
    seen = order(value)
    return np.array_equal(seen, np.arange(seen.size))


def nearly_equal(value, m, batch_size):
    """Batches of sizes that differ by at most 1, covering m examples, not the lesson's split."""
    try:
        sizes = [np.shape(Xb)[1] for Xb, _ in value]
    except Exception:
        return False
    lesson = [batch_size] * (m // batch_size) + ([m % batch_size] if m % batch_size else [])
    return bool(sizes) and sum(sizes) == m and max(sizes) - min(sizes) <= 1 and sizes != lesson


def same(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for (x, _), (y, _) in zip(a, b))


def suite():
    def covers(j, value):
        return coverage_problem(j, "numbered", value)

    def pairs(j, value):
        return pairs_problem(j, "numbered", value)

    def shuffled(j, value):
        if is_identity(value):
            return ("the batches hold the examples in their original order: shuffle them first, so each batch is a "
                    "fair sample of the data and each epoch sees them in another order.")
        seen = order(value)
        runs = int((np.diff(seen) == 1).sum())
        if seen.size > 8 and runs > seen.size // 2:
            return (f"{runs} of the {seen.size - 1} neighbours in the epoch's order are consecutive examples: the "
                    f"batches are stretches of the original order (shifted, or cut in another place), not a "
                    f"shuffle. Shuffle the example numbers themselves, so each batch is a fair sample.")
        return None

    def repeatable(j, value):
        for case in ("again", "other"):
            problem = usable(j, case)
            if problem:
                return f"On {j.case(case).label}: {problem}"
        if not same(value, j.value("again")):
            return j.explain("numbered", "two generators made from the same seed gave different batches, so no "
                                         "training run can be repeated.", prefer="global_rng")
        if same(value, j.value("other")):
            return j.explain("numbered", "generators made from the seeds 0 and 1 gave the same batches: the order "
                                         "must come from the rng you are given.", prefer="fixed_seed")
        return None

    def other_call(case):
        def run(j, value):
            problem = usable(j, case)
            if problem:
                return j.explain(case, f"On {j.case(case).label}: {problem}")
            problem = coverage_problem(j, case, j.value(case)) or pairs_problem(j, case, j.value(case))
            return j.explain(case, f"On {j.case(case).label}: {problem}") if problem else None
        return run

    def hidden(j, value):
        return coverage_problem(j, "hidden", value) or pairs_problem(j, "hidden", value)

    checks = [
        takes_the_lessons_arguments("numbered"),
        returns("numbered"),
        typed("numbered", "returns a list of (X_batch, Y_batch) pairs"),
        shaped("numbered", "makes ceil(m / batch_size) batches of batch_size examples, the last one the rest"),
        prop("covers", "numbered", "every example is in exactly one batch", covers),
        prop("pairs", "numbered", "each image keeps its own label", pairs),
        prop("shuffled", "numbered", "the examples are shuffled", shuffled),
        prop("repeatable", "numbered", "the rng decides the order: the same seed, the same batches", repeatable,
             uses=("again", "other")),
        prop("even", "numbered", "works when batch_size divides m exactly", other_call("even"), uses=("even",)),
        prop("one_batch", "numbered", "a batch_size larger than m gives one batch of everything",
             other_call("one_batch"), uses=("one_batch",)),
        prop("pixels", "numbered", "batches MNIST-sized images (784 rows)", other_call("pixels"), uses=("pixels",)),
        no_warnings(["numbered", "even", "one_batch", "pixels"]),
        unchanged(["numbered", "pixels"]),
        prop("hidden", "hidden", "batches data it has not seen", hidden),
    ]

    def total(j, c):
        return sum(np.shape(Xb)[1] for Xb, _ in j.value(c))

    def coverage_ok(j, c):
        return coverage_problem(j, c, j.value(c)) is None

    mistakes = [
        Mistake("in_place", "shuffling the caller's X and Y in place",
                "the caller's X and Y must come back as they were: the next epoch, the validation and the test all "
                "use them. Index them with the shuffled example numbers, which makes new arrays.",
                "`X[:, idx], Y[idx]` for each batch's numbers `idx`", matches=changed_input),
        Mistake("drops_last", "leaving out the last, smaller batch",
                "when batch_size does not divide m, the examples left at the end make one more, smaller batch; "
                "without it some examples are never trained on in that epoch.",
                "`range(0, m, batch_size)` for the starts of the batches",
                matches=lambda j, c: total(j, c) < j.case(c).args[0].shape[1]
                and len(j.value(c)) == -(-j.case(c).args[0].shape[1] // j.case(c).args[2]) - 1
                and all(np.shape(Xb)[1] == j.case(c).kwargs.get("batch_size", j.case(c).args[2] if len(
                    j.case(c).args) > 2 else 0) for Xb, _ in j.value(c))),
        Mistake("array_split", "np.array_split: batches of nearly equal size instead of batch_size",
                "batch_size is a setting you choose (the step size is tuned for it), so every batch holds exactly "
                "batch_size examples; only the last one holds what is left. np.array_split shares the examples out "
                "evenly instead, which makes every batch a little smaller.",
                "`perm[s:s + batch_size]` for each `s in range(0, m, batch_size)`",
                matches=lambda j, c: nearly_equal(j.value(c), j.case(c).args[0].shape[1], j.case(c).args[2])),
        Mistake("separate_shuffles", "shuffling X and Y with two different permutations",
                "every image must keep its label: draw one permutation of the example numbers and use it for both "
                "X and Y. Shuffled apart, a network learns nothing (about 10% accuracy).",
                "`perm = rng.permutation(m)`, then `X[:, idx], Y[idx]` with the same `idx = perm[start:start + "
                "batch_size]`", matches=lambda j, c: coverage_ok(j, c) and pairs_problem(j, c, j.value(c)) is not None),
        Mistake("no_shuffle", "batches in the original order",
                "in the original order every epoch sees the same batches in the same sequence, and a file may be "
                "sorted (all the 0s, then all the 1s): draw a fresh permutation from rng for each epoch.",
                "`perm = rng.permutation(m)`", matches=lambda j, c: coverage_ok(j, c) and is_identity(j.value(c))),
        Mistake("global_rng", "shuffling with np.random instead of the rng you are given",
                "`np.random.permutation` uses NumPy's global generator and ignores the rng passed in, so no "
                "training run can be repeated: draw the permutation from `rng`.", "`rng.permutation(m)`",
                matches=lambda j, c: j.value("again") is not None and not same(j.value("numbered"), j.value("again"))),
        Mistake("fixed_seed", "a generator of your own, made from a fixed seed",
                "a generator made inside the function from a fixed seed deals the same order every epoch and "
                "ignores the caller's rng: draw from the rng you are given, which moves on at every call.",
                "`rng.permutation(m)`",
                matches=lambda j, c: j.value("other") is not None and not is_identity(j.value("numbered"))
                and same(j.value("numbered"), j.value("other"))),
        Mistake("rows_not_columns", "indexing the rows of X (pixels) instead of its columns (images)",
                "X holds one image per column, so a batch takes columns: X[:, idx]. X[idx] picks rows, which are "
                "pixels.", "`X[:, idx]`", error=("IndexError", "out of bounds")),
    ]
    return Suite("minibatches", Batches("minibatches"), checks, mistakes, expects=False, args=ARGS, yields=True,
                 signature=SIGNATURE)


SUITE = suite()
