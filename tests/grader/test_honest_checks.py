"""Checks a teacher would sign: no dead ends, no missed bugs, hints that name the real cause and teach
before they tell (issue 12). Each finding is a test here; the catalogue tests prove the rest."""
import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from coursekit import COURSE, MUTANT_SOURCES

from autograder.grader.functions import variants
from autograder.grader.oracle import LiveOracle, mutant_function
from autograder.grader.reference import reference
from autograder.learner import render
from autograder.learner.checking import judge
from autograder.learner.functions import suite
from autograder.learner.judge import Judge
from autograder.learner.progress import assemble

ROOT = Path(__file__).resolve().parents[2]


def verdict(function, source):
    return judge(function, mutant_function(function, None, source))


def fill(folder, lesson, source):
    path = folder / lesson.id / lesson.notebook
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == lesson.function:
            cell.source = source
    nbformat.write(nb, path)


# ----------------------------------------------------------------------------- no dead end in the capstone

@pytest.fixture(scope="module")
def mnist():
    from mnist_data import load_mnist
    return load_mnist("train"), load_mnist("test")


@pytest.mark.slow  # trains a network on all of MNIST for each start
@pytest.mark.parametrize("index", range(len(variants("init_params"))),
                         ids=[f"init_params-variant-{i + 1}" for i in range(len(variants("init_params")))])
def test_every_accepted_init_params_passes_the_capstone_and_trains_to_85(tmp_path, mnist, index):
    """A start that passes lesson 2 (He, LeCun uniform, Glorot, W2 drawn first, ...) never stops the capstone,
    which judges gradient_descent by the learner's own init_params, and it trains to 85%."""
    source = variants("init_params")[index]
    assert verdict("init_params", source).passed
    folder = tmp_path / "lessons"
    shutil.copytree(ROOT / "lessons", folder)
    ref = reference()
    for lesson in COURSE.per_function:
        fill(folder, lesson, source if lesson.function == "init_params" else ref.source(lesson.function))
    net = assemble(folder)  # raised CheckFailed on gradient_descent for these starts before
    (X, Y), (X_test, Y_test) = mnist
    params, history = net.gradient_descent(X.astype(np.float32), Y, alpha=0.25, iterations=100, rng=0,
                                           progress=False)
    accuracy = net.get_accuracy(net.make_predictions(X_test.astype(np.float32), *params), Y_test)
    assert accuracy >= 0.85, accuracy


# ----------------------------------------------------------------------------- bugs that passed every check

@pytest.mark.parametrize("function, mistake", [
    ("init_params", "w2_fan_in"), ("init_params", "identical_units"), ("init_params", "seed_uniform"),
    ("cross_entropy", "no_floor"),
])
def test_bugs_that_used_to_pass_are_caught_and_named(function, mistake):
    report = verdict(function, MUTANT_SOURCES[function][mistake][0])
    assert not report.passed and mistake in report.mistakes, render.text(report)


# ----------------------------------------------------------------------------- the evidence must fit

def test_an_in_place_change_is_named_as_such_not_as_a_missing_shift():
    report = verdict("softmax", "def softmax(Z):\n    Z -= Z.max(axis=0)\n    E = np.exp(Z)\n"
                                "    return E / E.sum(axis=0)\n")
    assert report.mistakes == ["in_place"], render.text(report)
    assert "without subtracting the maximum" not in render.text(report)


def test_a_sign_flip_is_named_as_such_never_as_a_global_m():
    report = verdict("backward_prop", MUTANT_SOURCES["backward_prop"]["sign_flip"][0])
    assert report.mistakes == ["sign_flip"], render.text(report)
    assert "global m" not in render.text(report)


def test_global_m_is_named_only_for_the_ratio_of_two_batch_sizes():
    half = MUTANT_SOURCES["backward_prop"]["missing_1_over_m"][0].replace("dW2 = dZ2 @ A1.T", "dW2 = 0.5 * dZ2 @ A1.T")
    report = verdict("backward_prop", half)
    assert not report.passed and "global_m" not in report.mistakes


@pytest.mark.parametrize("source, mistake", [
    ("def forward_prop(W1, b1, W2, b2, X):\n    Z1 = W1 @ X\n    A1 = relu(Z1)\n    Z2 = W2 @ A1 + b2\n"
     "    return Z1, A1, Z2, softmax(Z2)\n", "no_bias"),
    ("def cross_entropy(A2, Y):\n    return -np.mean(one_hot(Y) * np.log(np.maximum(A2, 1e-12)))\n", "mean_over_entries"),
    ("def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y):\n    m = X.shape[1]\n    dZ2 = A2 - one_hot(Y)\n"
     "    dW2 = dZ2 @ A1.T / m\n    db2 = np.sum(dZ2, axis=1, keepdims=True) / m\n"
     "    dZ1 = W2.T @ dZ2 * relu_deriv(Z1)\n    dW1 = dZ1 @ X.T / m\n    db1 = np.sum(dZ1) / m\n"
     "    return dW1, db1, dW2, db2\n", "scalar_db"),
], ids=["only-b1-left-out", "mean-over-ten-digits", "only-db1-scalar"])
def test_the_hints_the_lessons_promise_appear(source, mistake):
    report = verdict(source.split("(")[0].split()[-1], source)
    assert mistake in report.mistakes, render.text(report)


# ----------------------------------------------------------------------------- foreign signatures

def test_the_original_notebooks_init_params_is_judged_not_crashed():
    report = verdict("init_params", "def init_params():\n    W1 = np.random.rand(10, 784) - 0.5\n"
                                    "    b1 = np.random.rand(10, 1) - 0.5\n    W2 = np.random.rand(10, 10) - 0.5\n"
                                    "    b2 = np.random.rand(10, 1) - 0.5\n    return W1, b1, W2, b2\n")
    by = {r.id: r for r in report.results}
    assert by["signature"].status == "fail" and "init_params(rng=None)" in by["signature"].message
    assert by["shape"].passed and by["scale"].status == "fail"  # the rest is judged
    assert "seed_uniform" in report.mistakes and "ignores_rng" in report.mistakes


@pytest.mark.parametrize("bad_shape, expected", [
    ("W1 = np.random.rand(10, 3) - 0.5", "W1 has shape (10, 3)"),
    ("W1 = np.random.rand(20, 784) - 0.5", "W1 has shape (20, 784)"),
])
def test_an_original_signature_still_gets_its_real_mistakes_named(bad_shape, expected):
    source = ("def init_params():\n    " + bad_shape + "\n    b1 = np.zeros((10, 1))\n"
              "    W2 = np.random.rand(10, 10) - 0.5\n    b2 = np.zeros((10, 1))\n    return W1, b1, W2, b2\n")
    assert expected in render.text(verdict("init_params", source))


@pytest.mark.parametrize("function, source", [
    ("forward_prop", "def forward_prop(X, W1, b1, W2, b2):\n    Z1 = W1 @ X + b1\n    A1 = relu(Z1)\n"
                     "    Z2 = W2 @ A1 + b2\n    return Z1, A1, Z2, softmax(Z2)\n"),
    ("update_params", "def update_params(alpha, W1, b1, W2, b2, dW1, db1, dW2, db2):\n"
                      "    return W1 - alpha * dW1, b1 - alpha * db1, W2 - alpha * dW2, b2 - alpha * db2\n"),
], ids=["forward_prop-X-first", "update_params-alpha-first"])
def test_arguments_in_another_order_are_judged_and_the_lessons_signature_named(function, source):
    report = verdict(function, source)
    failing = [r.id for r in report.results if r.status != "pass"]
    assert failing == ["signature"], render.text(report)
    assert f"`{suite(function).signature}`" in report.results[0].message


def test_a_missing_helper_is_named_with_where_it_comes_from():
    report = verdict("forward_prop", "def forward_prop(W1, b1, W2, b2, X):\n    Z1 = W1 @ X + b1\n"
                                     "    A1 = sigmoid(Z1)\n    return Z1, A1, Z1, A1\n")
    text = " ".join(render.text(report).split())
    assert "`sigmoid` is not defined where forward_prop runs" in text and "must be defined in that cell" in text
    # a course function that is missing (its toolbox cell not run) is named with its lesson
    j = Judge(suite("backward_prop"), {}, {}, None)
    lesson = COURSE.lesson_for("one_hot")
    assert f"lesson {lesson.number}'s function" in j.missing_name("name 'one_hot' is not defined")


# ----------------------------------------------------------------------------- hints teach before they tell

def reference_lines():
    """Every statement of the reference's graded functions, whitespace removed (returns of a bare name or
    tuple of names are left out: they say nothing a learner could copy)."""
    ref = reference()
    lines = set()
    for function in COURSE.functions:
        for node in ast.walk(ast.parse(ref.source(function))):
            if isinstance(node, ast.stmt) and not isinstance(node, (ast.FunctionDef, ast.Expr)):
                text = ast.unparse(node)
                if isinstance(node, ast.Return) and re.fullmatch(r"return [\w, ]+", text):
                    continue
                if "\n" not in text:
                    lines.add(re.sub(r"\s+", "", text))
                    if isinstance(node, ast.Assign):  # the right-hand side alone is the answer too
                        lines.add(re.sub(r"\s+", "", ast.unparse(node.value)))
    return {line for line in lines if len(line) >= 12}


@pytest.fixture(scope="module")
def catalogue_reports():
    oracle = LiveOracle()
    out = []
    for function, mistakes in MUTANT_SOURCES.items():
        for mistake, sources in mistakes.items():
            for source in sources:
                out.append((function, mistake, judge(function, mutant_function(function, mistake, source),
                                                     oracle=oracle)))
    return out


def test_no_first_level_message_holds_a_line_of_the_reference(catalogue_reports):
    lines = reference_lines()
    assert len(lines) > 20
    for function, mistake, report in catalogue_reports:
        for r in report.results:
            first_level = re.sub(r"\s+", "", r.message + r.hint)
            leaked = [line for line in lines if line in first_level]
            assert not leaked, f"{function}/{mistake} {r.id} gives away {leaked}"


def test_the_fix_is_there_when_asked_for(catalogue_reports):
    with_fix = [(f, m) for f, m, report in catalogue_reports if any(r.fix for r in report.results)]
    assert len(with_fix) >= 0.8 * len(catalogue_reports)
    f, m, report = next(x for x in catalogue_reports if x[:2] == ("softmax", "no_shift"))
    assert "Z.max(axis=0, keepdims=True)" not in render.text(report)
    assert "Z.max(axis=0, keepdims=True)" in render.text(report, fix=True)
    html = render.html_table(report)
    assert "<details" in html and "Show me the fix" in html


# ----------------------------------------------------------------------------- a plain-text verdict everywhere

def test_a_check_in_a_kernel_has_a_text_form_beside_the_html(tmp_path):
    from nbclient import NotebookClient
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import numpy as np\nfrom autograder import check\ndef relu(Z):\n    return np.maximum(Z, 0)\n"
        "check('relu')")])
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    (out,) = [o for o in nb.cells[0].outputs if o.output_type == "display_data"]
    assert "relu: all" in out.data["text/plain"] and "IPython.core.display" not in out.data["text/plain"]
    assert "autograder-verdict" in out.data["text/html"]


def test_the_cli_table_shows_the_whole_first_hint(tmp_path):
    from coursekit import write_notebook
    path = write_notebook(tmp_path / "softmax.ipynb", {"softmax": MUTANT_SOURCES["softmax"]["global_shift"][0]})
    out = subprocess.run([sys.executable, "-m", "autograder", "grade", str(path)], capture_output=True,
                         text=True, timeout=120).stdout
    assert "..." not in out and "This looks like subtracting the maximum of the whole matrix." in \
        " ".join(out.split())


def test_grade_json_keeps_the_named_mistakes_and_their_hints(tmp_path):
    from coursekit import write_notebook
    path = write_notebook(tmp_path / "relu.ipynb", {"relu": MUTANT_SOURCES["relu"]["np_max"][0]})
    data = json.loads(subprocess.run([sys.executable, "-m", "autograder", "grade", str(path), "--json"],
                                     capture_output=True, text=True, timeout=120).stdout)
    (fn,) = data["functions"]
    assert fn["mistakes"] == ["np_max"]
    assert any(c["hint"] and c["fix"] for c in fn["checks"])
