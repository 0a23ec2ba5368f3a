"""Issue 22's lessons: the text and what the cells show agree, for any accepted answer.

- Lesson 15 says validation and test agree within what chance allows: the cell prints the gap and that bound.
- Lesson 16 says x comes back as it was, exactly or within 1e-12 of its size: so does the check.
- Lesson 17 accepts a generator: its cells that count the batches or time the dealing work with one.
- Lesson 23 probes every function of its training loop for float64, adam_step's state included.
"""
import os
import re
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from coursekit import COURSE, MUTANT_SOURCES
from nbclient import NotebookClient

from autograder.grader.functions import variants
from autograder.grader.oracle import mutant_function
from autograder.grader.reference import namespace
from autograder.learner.checking import judge
from autograder.learner.float32 import check_float32, float32_probe
from autograder.learner.functions import numerical_gradient

ROOT = Path(__file__).resolve().parents[2]


def run(path, source=None, function=None):
    """Execute a notebook (with ``source`` in the graded cell of ``function``); {cell index: printed text}."""
    nb = nbformat.read(path, as_version=4)
    if source is not None:
        for cell in nb.cells:
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == function:
                cell.source = source
    saved = os.environ.get("OPENBLAS_NUM_THREADS")
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    try:
        NotebookClient(nb, timeout=900, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        if saved is None:
            del os.environ["OPENBLAS_NUM_THREADS"]
        else:
            os.environ["OPENBLAS_NUM_THREADS"] = saved
    errors = [f"{o.ename}: {o.evalue}" for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    texts = {i: "".join(o.get("text", "") for o in c.get("outputs", []) if o.output_type == "stream")
             for i, c in enumerate(nb.cells) if c.cell_type == "code"}
    return errors, texts, nb


def test_lesson_15s_gap_is_within_what_chance_allows_as_its_text_says():
    lesson = COURSE.lesson("15_train_val_split")
    errors, texts, _ = run(ROOT / "solutions" / lesson.id / lesson.notebook)
    assert not errors, errors
    printed = " ".join(texts.values())
    found = re.search(r"a gap of ([\d.]+) points; chance alone makes gaps of up to about ([\d.]+) points", printed)
    assert found, printed[-500:]
    gap, bound = float(found.group(1)), float(found.group(2))
    assert gap <= bound, (gap, bound)
    text = (ROOT / "solutions" / lesson.id / f"{lesson.function}.md").read_text()
    assert f"a gap of {gap:.2f} points" in text and "half point" not in text


def test_lesson_16s_text_and_check_agree_on_putting_x_back():
    text = (ROOT / "solutions" / "16_numerical_gradient" / "numerical_gradient.md").read_text()
    assert numerical_gradient.RESTORED == 1e-12 and "within $10^{-12}$ of the size of `x`" in text
    assert "putting each entry back exactly" not in text
    arithmetic = variants("numerical_gradient")[-1]  # x[i] += eps after x[i] -= 2 * eps: off in the last bits
    assert "x[i] += eps" in arithmetic and judge("numerical_gradient",
                                                 mutant_function("numerical_gradient", None, arithmetic)).passed
    drifting = arithmetic.replace("x[i] += eps\n        grad", "x[i] += eps * (1 + 1e-6)\n        grad")
    assert drifting != arithmetic
    report = judge("numerical_gradient", mutant_function("numerical_gradient", None, drifting))
    assert not report.passed and "in_place" in report.mistakes


def test_lesson_17s_cells_work_with_a_generator(tmp_path):
    """Counting the batches and timing the dealing, with a minibatches that yields: no len() of a generator,
    and a time that is the dealing's, not the 0.000 s of making a generator."""
    lesson = COURSE.lesson("17_minibatches")
    (generator,) = [v for v in variants("minibatches") if "yield" in v]
    assert judge("minibatches", mutant_function("minibatches", None, generator)).passed
    errors, texts, _ = run(ROOT / "lessons" / lesson.id / lesson.notebook, generator, "minibatches")
    assert not errors, errors
    printed = " ".join(texts.values())
    costs = re.findall(r"one epoch of minibatches from (?:Fortran|C) order: ([\d.]+) s", printed)
    assert len(costs) == 2 and all(float(c) > 0 for c in costs), printed[-800:]
    assert re.search(r"batch  16:  3125 steps", printed), printed[-800:]


# ----------------------------------------------------------------------------- lesson 23's float32 probe

@pytest.fixture(scope="module")
def reference_net():
    return namespace()


def test_the_reference_keeps_float32_everywhere(reference_net, capsys):
    assert float32_probe(SimpleNamespace(**reference_net)) == []
    check_float32(SimpleNamespace(**reference_net))
    assert "keeps float32 float32" in capsys.readouterr().out


@pytest.mark.parametrize("function, mistake, parts, cause", [
    ("adam_step", "zeros_state", "state['m']", "np.zeros_like(W)"),
    ("adam_step", "float64_number", "the new params", "np.power(beta1, t)"),
    ("adam_step", "upcasts", "state['m']", "np.asarray(..., dtype=float)"),
    ("backward_layers", "upcasts", "dW1", "one-hot"),
    ("forward_layers", "upcasts", "A", "dtype=float"),
    ("decay_weights", "upcasts", "W1", "np.float64"),
])
def test_the_finales_probe_names_the_function_that_made_float64_and_why(reference_net, function, mistake,
                                                                        parts, cause, capsys):
    assert mistake in MUTANT_SOURCES[function]
    net = SimpleNamespace(**{**reference_net, function: mutant_function(function, mistake)})
    found = float32_probe(net)
    assert [u.function for u in found] == [function], found
    assert parts in found[0].parts and cause in found[0].cause
    check_float32(net)
    out = capsys.readouterr().out
    assert f"✗ {function}:" in out and "twice as slowly" in out


def test_the_finale_runs_the_probe_before_training():
    text = (ROOT / "solutions" / "23_finale" / "finale.md").read_text()
    assert "check_float32(net)" in text and text.index("check_float32(net)") < text.index("net.adam_step(")
