"""``train_val_split``: judged by properties, never by the course's own random numbers.

Each case's X has the example's number in its first row (X[0, j] == j), so a
check can say, for every column of every part, which example it is: every
example must land in exactly one part, with its own label, the validation
part must be a random sample, the same seed must give the same split and
another seed another. Any permutation drawn from the ``rng`` given is right.
"""
import numpy as np

from ..checks import (
    finite,
    no_warnings,
    prop,
    returns,
    shaped,
    takes_the_lessons_arguments,
    typed,
    unchanged,
    usable,
    zero_is_no_seed,
    zero_seed_mistake,
)
from ..checks import changed_input
from ..judge import Edit, Fix, Mistake, Suite
from ..spec import Arr, Tup

SIGNATURE = "train_val_split(X, Y, n_val=10000, rng=0)"
ARGS = ("X", "Y", "n_val", "rng")  # the parameters the checks pass by position, in order


def ids(part):
    """The example numbers of a part's columns (its first row)."""
    return np.rint(np.asarray(part[0], dtype=float)).astype(int)


def split_ids(value):
    """(train ids, val ids) of an answer."""
    return ids(value[0]), ids(value[2])


def is_block(val):
    """Are these example numbers a run of consecutive ones, in order (a split with no shuffle)?"""
    return val.size > 1 and np.array_equal(val, np.arange(val[0], val[0] + val.size))


def one_run(ids, m):
    """Are these example numbers one stretch of consecutive ones, allowing it to wrap round the end?
    (A random sample of 20 of 100 is one stretch with a probability of about 1e-19.)"""
    ids = np.sort(np.asarray(ids) % m)
    if ids.size < 3 or ids.size >= m:
        return False
    gaps = np.diff(np.concatenate([ids, ids[:1] + m]))
    return int((gaps != 1).sum()) <= 1


def coverage_problem(j, case, value):
    X = j.case(case).args[0]
    m = X.shape[1]
    train, val = split_ids(value)
    both = np.intersect1d(train, val)
    if both.size:
        return (f"{both.size} example{'s are' if both.size > 1 else ' is'} in both X_train and X_val (example "
                f"{both[0]}, for one): the validation images must be images the network never trains on.")
    for name, part in (("X_train", train), ("X_val", val)):
        if np.unique(part).size < part.size:
            return f"{name} holds some examples twice: each example belongs to one part, once."
    missing = np.setdiff1d(np.arange(m), np.concatenate([train, val]))
    if missing.size:
        return f"{missing.size} of the {m} examples are in neither part (example {missing[0]}, for one)."
    return None


def pairs_problem(j, case, value):
    X, Y = j.case(case).args[:2]
    for Xp, Yp, name in ((value[0], value[1], "train"), (value[2], value[3], "val")):
        i = ids(Xp)
        if not np.array_equal(np.asarray(Yp), Y[i]):
            bad = int(np.flatnonzero(np.asarray(Yp) != Y[i])[0])
            return (f"Y_{name}[{bad}] is {Yp[bad]}, but the image in column {bad} of X_{name} is example {i[bad]}, "
                    f"whose label is {Y[i[bad]]}: the images and the labels were shuffled apart.")
        if not np.array_equal(np.asarray(Xp), X[:, i]):
            return f"the columns of X_{name} are not whole columns of X: each column is one image, kept whole."
    return None


def suite():
    output = Tup("train_val_split(...)", (Arr("X_train", ("n", "m_train")), Arr("Y_train", ("m_train",), "iu"),
                                          Arr("X_val", ("n", "n_val")), Arr("Y_val", ("n_val",), "iu")))

    def covers(j, value):
        return coverage_problem(j, "seeded", value)

    def pairs(j, value):
        return pairs_problem(j, "seeded", value)

    def random_sample(j, value):
        m, n_val = j.case("seeded").args[0].shape[1], j.case("seeded").dims["n_val"]
        val = np.sort(split_ids(value)[1])
        if np.array_equal(val, np.arange(n_val)) or np.array_equal(val, np.arange(m - n_val, m)):
            where = "first" if val[0] == 0 else "last"
            return (f"X_val holds exactly the {where} {n_val} examples: a file may be sorted (by writer, by date, "
                    f"by digit), so a validation set must be drawn at random.")
        if one_run(val, m):
            return (f"X_val holds {n_val} consecutive examples ({val[0]} onwards, counting round the end): a file "
                    f"may be sorted (by writer, by date, by digit), so a validation set must be drawn at random, "
                    f"example by example, not as one stretch.")
        return None

    def repeatable(j, value):
        for case in ("seeded_again", "other_seed", "other_seed_again"):
            problem = usable(j, case)
            if problem:
                return f"Called again ({j.case(case).label}): {problem}"
        again, other = j.value("seeded_again"), j.value("other_seed")
        if not all(np.array_equal(a, b) for a, b in zip(value, again)):
            return j.explain("seeded", "two calls with rng=0 gave different splits, so no result can be repeated.",
                             prefer="global_rng")
        if all(np.array_equal(a, b) for a, b in zip(value, other)):
            return j.explain("seeded", "rng=0 and rng=1 gave the same split: the seed changes nothing.",
                             prefer="fixed_seed")
        return None

    def default_seed(j, value):
        problem = usable(j, "default")
        if problem:
            return f"Called without rng: {problem}"
        if not all(np.array_equal(a, b) for a, b in zip(value, j.value("default"))):
            return j.explain("default", "called without rng it gave another split than with rng=0: the default "
                                        "must be the seed 0, so that the split is the same every time.")
        return None

    def other_call(case):
        def run(j, value):
            problem = usable(j, case)
            if problem:
                return f"On {j.case(case).label}: {problem}"
            problem = coverage_problem(j, case, j.value(case)) or pairs_problem(j, case, j.value(case))
            return j.explain(case, f"On {j.case(case).label}: {problem}") if problem else None
        return run

    def hidden(j, value):
        return coverage_problem(j, "hidden", value) or pairs_problem(j, "hidden", value)

    checks = [
        takes_the_lessons_arguments("seeded"),
        returns("seeded"),
        typed("seeded", "returns four arrays: X_train, Y_train, X_val, Y_val"),
        shaped("seeded", "returns X_train (n, m - n_val), Y_train (m - n_val,), X_val (n, n_val), Y_val (n_val,)"),
        finite("seeded"),
        prop("covers", "seeded", "every example lands in exactly one of the two parts", covers),
        prop("pairs", "seeded", "each image keeps its own label", pairs),
        prop("random", "seeded", "the validation examples are a random sample, not the first or last ones",
             random_sample),
        prop("repeatable", "seeded", "the same seed gives the same split; another seed another", repeatable,
             uses=("seeded_again", "other_seed", "other_seed_again")),
        prop("default", "seeded", "with no rng it uses the seed 0", default_seed, uses=("default",)),
        prop("generator", "seeded", "also takes a np.random.Generator as rng", other_call("generator"),
             uses=("generator",)),
        prop("pixels", "seeded", "splits MNIST-sized images (784 rows)", other_call("pixels"), uses=("pixels",)),
        no_warnings(["seeded", "generator", "pixels"]),
        unchanged(["seeded", "pixels"]),
        prop("hidden", "hidden", "splits data it has not seen", hidden),
    ]

    def val_count(j, c):
        return j.value(c)[2].shape[1] if np.ndim(j.value(c)[2]) == 2 else -1

    def part_sizes(j, c):
        value = j.value(c)
        return tuple(np.shape(value[k])[1] if np.ndim(value[k]) == 2 else -1 for k in (0, 2))

    def coverage_ok(j, c):
        return coverage_problem(j, c, j.value(c)) is None

    def fixed_count(j, c):
        """The validation part's size does not follow n_val: on two calls with other n_val and m, it is the same
        number K (cut to m), and K is not n_val (nor one off it)."""
        sizes = {}
        for name in ("seeded", "pixels"):
            value = j.value(name)
            if value is None or usable(j, name) and "shape" not in str(usable(j, name)):
                return False
            sizes[name] = (val_count(j, name), j.case(name).args[0].shape[1], j.case(name).dims["n_val"])
        (k1, m1, n1), (k2, m2, n2) = sizes["seeded"], sizes["pixels"]
        if k1 < 0 or k2 < 0 or abs(k1 - n1) <= 1 or abs(k2 - n2) <= 1:
            return False
        return any(min(K, m1) == k1 and min(K, m2) == k2 for K in (k1, k2, max(m1, m2) + 1))

    def off_by_one(j, c):
        """Parts one example larger or smaller than they should be: a slice boundary off by one."""
        n_train, n_val = part_sizes(j, c)
        m, want = j.case(c).args[0].shape[1], j.case(c).dims["n_val"]
        return (n_train, n_val) != (m - want, want) and abs(n_val - want) <= 1 and abs(n_train - (m - want)) <= 1 \
            and not repeats_in_val(j, c)

    def repeats_in_val(j, c):
        """n_val validation columns, some of them the same example, and none of them in the training part:
        the validation numbers drawn with replacement (rng.choice, rng.integers), the rest kept for training."""
        try:
            train, val = split_ids(j.value(c))
        except Exception:
            return False
        return val.size == j.case(c).dims["n_val"] and np.unique(val).size < val.size and \
            np.intersect1d(train, val).size == 0

    def order_with_replacement(j, c):
        """Parts of the right sizes, m example numbers in all, some twice (within a part) and others missing: the order
        drawn with replacement (rng.integers(0, m, m), rng.choice(m, m)), not a permutation."""
        try:
            train, val = split_ids(j.value(c))
        except Exception:
            return False
        m, n_val = j.case(c).args[0].shape[1], j.case(c).dims["n_val"]
        both = np.concatenate([train, val])
        return (train.size, val.size) == (m - n_val, n_val) and np.unique(both).size < m and \
            any(np.unique(part).size < part.size for part in (train, val))  # two permutations repeat in neither

    def unshuffled_labels(j, c):
        """Every image in one part, with its right label in the other, but one part's labels are a stretch of
        Y as it was given (Y[:n_val], Y[n_val:], ...): the labels taken from the unshuffled Y."""
        X, Y = j.case(c).args[:2]
        value = j.value(c)
        if not coverage_ok(j, c):
            return False
        bad = [Yp for Xp, Yp in ((value[0], value[1]), (value[2], value[3]))
               if not np.array_equal(np.asarray(Yp), Y[ids(Xp)])]
        if len(bad) != 1:
            return False
        Yp, m = np.asarray(bad[0]), Y.size
        return Yp.ndim == 1 and any(np.array_equal(Yp, Y[k:k + Yp.size]) for k in range(m - Yp.size + 1))

    def rows_permuted(j, c):
        """The examples taken are the first n (the number of rows of X), shuffled: a permutation of
        X.shape[0] instead of X.shape[1]."""
        X = j.case(c).args[0]
        n, m = X.shape
        value = j.value(c)
        if n >= m or np.ndim(value[0]) != 2 or np.ndim(value[2]) != 2 or value[0].shape[0] != n:
            return False
        taken = np.concatenate([ids(value[0]), ids(value[2])])
        return taken.size == n and np.array_equal(np.sort(taken), np.arange(n))

    DEF = "def train_val_split(X, Y, n_val=10000, rng=0):"
    MAKE = "rng = np.random.default_rng(rng)"
    SPLIT = "val, train = perm[:n_val], perm[n_val:]"
    RETURN = "return X[:, train], Y[train], X[:, val], Y[val]"
    mistakes = [
        Mistake("in_place", "shuffling the caller's X and Y in place",
                "the caller's X and Y must come back as they were (other code, and the next run, still use "
                "them): index them with the permutation, which makes new arrays, instead of shuffling or "
                "assigning into them.",
                Fix((Edit("X[:] = X[:, perm]", "X = X[:, perm]"), Edit("Y[:] = Y[perm]", "Y = Y[perm]"))),
                matches=changed_input),
        Mistake("rows_not_columns", "splitting the rows of X (pixels) instead of its columns (images)",
                "X holds one image per column, so the examples are chosen along axis 1: X[:, idx]. X[idx] picks "
                "rows, which are pixels, and Y has one label per column of X.",
                Fix((Edit("return X[n_val:], Y[n_val:], X[:n_val], Y[:n_val]",
                          "return X[:, n_val:], Y[n_val:], X[:, :n_val], Y[:n_val]"),)),
                matches=lambda j, c: not rows_permuted(j, c) and (
                    j.value(c)[0].shape[0] != j.case(c).args[0].shape[0]
                    or j.value(c)[2].shape[0] != j.case(c).args[0].shape[0])),
        Mistake("rows_permuted", "a permutation of X.shape[0], the number of pixels, instead of the examples",
                "X has one row per pixel and one column per example: X.shape[0] is the number of pixels, so a "
                "permutation of it shuffles the first n example numbers only. Permute the X.shape[1] "
                "examples, the columns.",
                Fix((Edit("perm = rng.permutation(X.shape[0])", "perm = rng.permutation(X.shape[1])"),)),
                matches=rows_permuted),
        Mistake("repeats_in_val", "validation examples drawn with replacement, so some repeat",
                "rng.choice(m, n_val) draws with replacement (and rng.integers always does): the same example can "
                "be drawn twice, so the validation part holds fewer different examples than n_val, and the "
                "training part keeps the ones never drawn, more than m - n_val. Draw n_val different numbers: "
                "cut the first n_val from one permutation of the examples, and train on the rest.",
                Fix((Edit("val = gen.integers(0, m, n_val)", "val = gen.permutation(m)[:n_val]"),)),
                matches=repeats_in_val),
        Mistake("off_by_one", "a slice that takes one example too many or too few",
                "a slice stops before its end: perm[:n_val] holds exactly n_val numbers (positions 0 to "
                "n_val - 1), and perm[n_val:] starts exactly where it stopped, so the two parts share nothing and "
                "miss nothing.", Fix((Edit("val, train = perm[:n_val + 1], perm[n_val + 1:]", SPLIT),)),
                matches=off_by_one),
        Mistake("ignores_n_val", "holding out a fixed number of examples instead of n_val",
                "the caller says how many examples to hold out: use `n_val`, not a number written in the function.",
                Fix((Edit("val, train = perm[:10000], perm[10000:]", SPLIT),)), matches=fixed_count),
        Mistake("labels_unshuffled", "one part's labels taken from Y as it was, not through the permutation",
                "the images of one part were picked through the permutation, but its labels are a stretch of Y "
                "in its original order, so they belong to other images. Pick each part's labels with the same "
                "example numbers as its images.",
                Fix((Edit("return X[:, train], Y[train], X[:, val], Y[:n_val]", RETURN),)),
                matches=unshuffled_labels),
        Mistake("separate_permutations", "shuffling X and Y with two different permutations",
                "every image must keep its label. Draw one permutation of the example numbers and use it for "
                "both X and Y; two draws shuffle them apart, and a network trained on that learns nothing "
                "(about 10% accuracy).",
                Fix((Edit("X = X[:, rng.permutation(X.shape[1])]\nY = Y[rng.permutation(Y.shape[0])]",
                          "perm = rng.permutation(X.shape[1])\nX, Y = X[:, perm], Y[perm]"),)),
                matches=lambda j, c: coverage_ok(j, c) and pairs_problem(j, c, j.value(c)) is not None
                and not unshuffled_labels(j, c)),
        Mistake("order_with_replacement", "the order of the examples drawn with replacement, not a permutation",
                "both parts have the right sizes, but some examples come twice (in one part or both) and others "
                "never: the example numbers were drawn one at a time, each from all m (rng.integers and "
                "rng.choice draw with replacement). A permutation holds every example number exactly once, so "
                "its two pieces share nothing and miss nothing.",
                Fix((Edit("idx = rng.integers(0, m, m)", "idx = rng.permutation(m)"),)),
                matches=order_with_replacement),
        Mistake("overlap", "drawing the validation examples without removing them from the training set",
                "the validation images must be images the network never trains on: split one permutation into "
                "two disjoint parts instead of drawing the validation set separately.",
                Fix((Edit(("val = rng.choice(X.shape[1], n_val)\nreturn X, Y, X[:, val], Y[val]",
                           "val = rng.choice(X.shape[1], n_val, replace=False)\nreturn X, Y, X[:, val], Y[val]"),
                          f"perm = rng.permutation(X.shape[1])\n{SPLIT}\n{RETURN}"),)),
                matches=lambda j, c: not order_with_replacement(j, c) and (
                    np.intersect1d(*split_ids(j.value(c))).size > 0
                    or (np.unique(split_ids(j.value(c))[1]).size < split_ids(j.value(c))[1].size
                        and not repeats_in_val(j, c)))),
        Mistake("no_shuffle", "splitting without shuffling",
                "the first or last n_val examples of a file are not a fair sample: files are often sorted by "
                "writer, by date or by digit. Shuffle the example numbers first, with the rng you were given.",
                Fix((Edit(("return X[:, :-n_val], Y[:-n_val], X[:, -n_val:], Y[-n_val:]",
                           "return X[:, n_val:], Y[n_val:], X[:, :n_val], Y[:n_val]"),
                          f"perm = np.random.default_rng(rng).permutation(X.shape[1])\n{SPLIT}\n{RETURN}"),)),
                matches=lambda j, c: coverage_ok(j, c) and is_block(split_ids(j.value(c))[1])),
        zero_seed_mistake(Fix((Edit("rng = np.random.default_rng(rng if rng else None)", MAKE),)), "split"),
        Mistake("global_rng", "shuffling with np.random instead of the rng you are given",
                "`np.random.permutation` uses NumPy's global generator, which ignores the seed passed in, so every "
                "run holds out other examples and no result can be repeated (and `np.random.seed` takes only a "
                "number, not the Generator a caller may pass). Make a generator from `rng` and draw the "
                "permutation from it.",
                Fix((Edit("perm = np.random.permutation(X.shape[1])",
                          "perm = np.random.default_rng(rng).permutation(X.shape[1])"),)),
                matches=lambda j, c: j.value("seeded_again") is not None and not all(
                    np.array_equal(a, b) for a, b in zip(j.value("seeded"), j.value("seeded_again")))
                and not zero_is_no_seed(j, c), error=("TypeError", r"Cannot cast scalar from dtype\('O'\)")),
        Mistake("fixed_seed", "a seed written in the function instead of the rng you are given",
                "the caller chooses the seed: another seed must give another split, so make the generator from "
                "`rng`, not from a number of your own.",
                Fix((Edit("np.random.default_rng(42)", "np.random.default_rng(rng)"),)),
                matches=lambda j, c: j.value("other_seed") is not None and not is_block(split_ids(j.value(c))[1])
                and all(np.array_equal(a, b) for a, b in zip(j.value("seeded"), j.value("other_seed")))),
        Mistake("no_generator", "calling rng.permutation before making a Generator of rng",
                "rng may be a seed (the default is 0) or a Generator: only a Generator has a permutation method. "
                "np.random.default_rng turns either into one.", Fix((Edit(DEF, MAKE, "after"),)),
                error=("AttributeError", r"'(int|NoneType)' object has no attribute")),
    ]
    return Suite("train_val_split", output, checks, mistakes, expects=False, args=ARGS, signature=SIGNATURE)


SUITE = suite()
