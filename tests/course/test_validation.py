"""Settings are chosen on a validation set; the test set is measured once, at the end (lesson 12 and part 2).

Read from the code the lessons run (the executed notebooks' code cells, in order): every name that comes
from ``load_mnist("test")``, directly or through an assignment, is *test data*. Test data never goes into a
training function, is loaded at most once, and is only touched after the last cell that looks at the
validation set, so no choice can follow it. The reference trainer follows the same rules.
"""
import ast
import re
from pathlib import Path

import nbformat
import pytest

from autograder.learner.course import load_course

ROOT = Path(__file__).resolve().parents[2]
COURSE = load_course()
# Functions that train, or take part in a training step: test data must never reach them.
TRAINING = {"gradient_descent", "train", "train_small", "train_deep", "minibatches", "adam_step", "backward_prop",
            "backward_layers", "update_params", "decay_weights", "scaled", "sgd"}
VALIDATION = re.compile(r"(^|_)val(_|$|\d)|val_accuracy|validation", re.IGNORECASE)


def code_cells(lesson):
    nb = nbformat.read(ROOT / "solutions" / lesson.id / lesson.notebook, as_version=4)
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code" or cell.source.startswith("# Set-up"):
            continue
        from IPython.core.inputtransformer2 import TransformerManager
        cells.append(ast.parse(TransformerManager().transform_cell(cell.source)))
    return cells


def loads_test(node):
    return isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "load_mnist" \
        and any(isinstance(a, ast.Constant) and a.value == "test" for a in node.args)


def names_in(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def targets(node):
    found = set()
    for t in (node.targets if isinstance(node, ast.Assign) else [node.target]):
        found |= names_in(t)
    return found


class Reading:
    """What a sequence of cells does with test and validation data."""

    def __init__(self, cells):
        self.cells, self.tainted, self.loads, self.into_training = cells, set(), 0, []
        self.test_cells, self.validation_cells = [], []
        for i, tree in enumerate(cells):
            self.loads += sum(loads_test(n) for n in ast.walk(tree))
            for _ in range(3):  # assignments in any order within a cell: propagate to a fixed point
                for node in ast.walk(tree):
                    if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and node.value is not None:
                        if any(loads_test(n) for n in ast.walk(node.value)) or names_in(node.value) & self.tainted:
                            self.tainted |= targets(node)
                    if isinstance(node, ast.For) and names_in(node.iter) & self.tainted:
                        self.tainted |= names_in(node.target)
            used = names_in(tree)
            if used & self.tainted:
                self.test_cells.append(i)
            if any(VALIDATION.search(n) for n in used):
                self.validation_cells.append(i)
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                    args = list(node.args) + [k.value for k in node.keywords]
                    if name in TRAINING and any(names_in(a) & self.tainted for a in args):
                        self.into_training.append((i, name))


GUARDED = [l for l in COURSE.all_notebooks if l.number == 12 or l.part >= 2]


@pytest.mark.parametrize("lesson", COURSE.all_notebooks, ids=[l.id for l in COURSE.all_notebooks])
def test_test_data_never_trains_anything_and_is_loaded_once(lesson):
    reading = Reading(code_cells(lesson))
    assert not reading.into_training, f"test data passed to {reading.into_training}"
    assert reading.loads <= 1


@pytest.mark.parametrize("lesson", GUARDED, ids=[l.id for l in GUARDED])
def test_lessons_choose_on_validation_and_touch_the_test_set_only_at_the_end(lesson):
    reading = Reading(code_cells(lesson))
    if not reading.test_cells:
        return  # this lesson never looks at the test set
    assert reading.validation_cells, "a lesson that measures the test set chooses on a validation set first"
    first_test = min(reading.test_cells)
    # the cell that measures the test set may set its score beside the validation score it chose by (lesson
    # 15 prints the gap); every other cell that reads validation data comes before it
    choosing = [i for i in reading.validation_cells if i not in reading.test_cells]
    assert choosing, "a lesson that measures the test set chooses on a validation set in a cell before"
    assert first_test > max(choosing), (
        f"cell {first_test} touches the test set before cell {max(choosing)} looks at the "
        f"validation set: a choice could follow the test score")


def test_the_rules_catch_a_lesson_that_watches_the_test_set():
    """The checker itself: the old lesson 12 passed the test set to gradient_descent and plotted it."""
    old = [ast.parse("X_test, Y_test = load_mnist('test')"),
           ast.parse("params, history = gradient_descent(X, Y, X_test=X_test, Y_test=Y_test)"),
           ast.parse("best = max(alphas, key=lambda a: score(X_val, a))")]
    reading = Reading(old)
    assert reading.into_training == [(1, "gradient_descent")]
    assert min(reading.test_cells) < max(reading.validation_cells)
    derived = Reading([ast.parse("X_test, Y_test = load_mnist('test')\nX32 = X_test.astype('f')"),
                       ast.parse("minibatches(X32, Y_test, 8, rng)")])
    assert derived.into_training == [(1, "minibatches")]


def test_the_reference_trainer_follows_the_same_rules():
    tree = ast.parse((ROOT / "solutions" / "train.py").read_text())
    main = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main")
    reading = Reading([ast.Module(body=[s], type_ignores=[]) for s in main.body])
    assert not reading.into_training
    # the test set leaves load() with the rest, and is first used after training, for the last lines
    source = ast.unparse(main)
    assert source.index("accuracy(params, X_test, Y_test)") > source.index("train_deep(")
    assert source.index("make_predictions(X_test") > source.index("nn.gradient_descent(")
