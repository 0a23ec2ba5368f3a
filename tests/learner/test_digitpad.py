"""The capstone's draw-a-digit widget, without a browser: its Python side driven as the browser drives it,
any network, and one line wherever no widget can be shown (plain Python, nbclient, nbgrader).
Its front end in real browsers: tests/author/test_widget.py."""
import base64
import os
import subprocess
import sys

import nbformat
import numpy as np
import pytest

import autograder.learner.digitpad as digitpad
from autograder.learner.digitpad import DigitPad, InactiveDigitPad, network_predict
from solutions import network as nn

RNG = np.random.default_rng(0)
# Untrained but fixed: enough to check the plumbing (trained networks are used in the browser tests).
PARAMS = nn.init_params(rng=0)


def drawing_b64(n=140, digit="1"):
    img = np.zeros((n, n), dtype=np.uint8)
    if digit == "1":
        img[20:120, 66:74] = 255
    return base64.b64encode(img.tobytes()).decode()


@pytest.fixture
def live(monkeypatch):
    """Pretend a front end is there, so DigitPad makes the real widget in this process."""
    pytest.importorskip("anywidget")
    monkeypatch.setattr(digitpad, "frontend_problem", lambda: None)


def send(pad, b64):  # what widget.js does: set the pixels and bump the counter, in one message
    pad.pixels = b64
    pad.sent += 1


def test_the_widget_answers_each_drawing_and_clear(live):
    pad = DigitPad(params=PARAMS)
    import anywidget
    assert isinstance(pad, anywidget.AnyWidget)
    send(pad, drawing_b64())
    assert pad.handled == 1 and len(pad.probs) == 10 and np.isclose(sum(pad.probs), 1)
    top = int(np.argmax(pad.probs))
    assert pad.status.startswith(f"{top} (")
    assert len(base64.b64decode(pad.seen)) == 784 and pad.x.shape == (784, 1)
    assert np.allclose(pad.probabilities, nn.forward_prop(*PARAMS, pad.x)[3].ravel())
    send(pad, "")  # Clear
    assert pad.handled == 2 and pad.probs == [] and pad.seen == "" and pad.x is None


def test_any_predict_function_or_params(live):
    X = RNG.random((784, 5))
    assert np.allclose(network_predict(PARAMS)(X), nn.forward_prop(*PARAMS, X)[3])
    by_params, by_predict = DigitPad(params=PARAMS), DigitPad(predict=lambda X: nn.forward_prop(*PARAMS, X)[3])
    for pad in (by_params, by_predict):
        send(pad, drawing_b64())
    assert np.allclose(by_params.probs, by_predict.probs)
    wide = (RNG.normal(size=(32, 784)) * 0.01, np.zeros((32, 1)), RNG.normal(size=(10, 32)), np.zeros((10, 1)))
    pad = DigitPad(params=wide)  # another hidden size: any 784-H-10 network
    send(pad, drawing_b64())
    assert len(pad.probs) == 10


def test_scores_are_shown_after_softmax(live):
    pad = DigitPad(predict=lambda X: nn.forward_prop(*PARAMS, X)[2])  # Z2, not A2
    send(pad, drawing_b64())
    assert np.isclose(sum(pad.probs), 1) and "softmax" in pad.status


@pytest.mark.parametrize("predict, message", [
    (lambda X: 1 / 0, "ZeroDivisionError"),
    (lambda X: np.argmax(X[:10], axis=0), "10 probabilities"),   # predictions instead of probabilities
])
def test_a_broken_predict_is_reported_in_the_widget_not_raised(live, predict, message):
    pad = DigitPad(predict=predict)
    send(pad, drawing_b64())
    assert message in pad.status and pad.probs == [] and pad.handled == 1


def test_wrong_arguments_raise_at_once():
    with pytest.raises(TypeError):
        DigitPad()
    with pytest.raises(TypeError):
        DigitPad(predict=lambda X: X, params=PARAMS)
    with pytest.raises(TypeError, match="W1, b1, W2, b2"):
        DigitPad(params=PARAMS[:2])


def test_importing_the_course_does_not_import_anywidget():
    code = ("import sys, autograder, autograder.learner.digitpad\n"
            "print('anywidget' in sys.modules, 'traitlets' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["False", "False"], done.stderr


def test_plain_python_prints_one_line_and_still_predicts():
    code = ("import numpy as np\nfrom autograder import DigitPad\nfrom solutions import network as nn\n"
            "pad = DigitPad(params=nn.init_params(rng=0)); print(repr(pad))\n"
            "img = np.zeros((100, 100)); img[10:90, 45:52] = 1\n"
            "print(pad.predict_image(img).shape)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout.splitlines() == [
        "DigitPad: no drawing pad here, because this is plain Python, not a notebook (it runs in JupyterLab, "
        "Jupyter Notebook 7, JupyterLite, VS Code or Colab).",
        "<DigitPad, inactive: this is plain Python, not a notebook>", "(10,)"]


def test_an_ipython_terminal_prints_one_line():
    pytest.importorskip("IPython")
    code = "from autograder import DigitPad; from solutions import network as nn; DigitPad(params=nn.init_params(rng=0))"
    done = subprocess.run([sys.executable, "-m", "IPython", "--quick", "--no-banner", "--colors=NoColor", "-c", code],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    line, *rest = done.stdout.splitlines()
    assert line == ("DigitPad: no drawing pad here, because this is an IPython terminal, not a notebook (it runs in "
                    "JupyterLab, Jupyter Notebook 7, JupyterLite, VS Code or Colab).")
    assert [r.strip() for r in rest] in ([], ["Out[0]:"], ["Out[1]:"])  # the terminal's own empty result prompt


def pad_notebook(path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(
        "from autograder import DigitPad\nfrom solutions import network as nn\n"
        "pad = DigitPad(params=nn.init_params(rng=0))\npad")]
    nbformat.write(nb, path)
    return nb


@pytest.mark.parametrize("nbgrader", [False, True], ids=["nbclient", "nbgrader"])
def test_a_notebook_without_a_front_end_runs_clean_and_says_so_in_one_line(tmp_path, nbgrader, monkeypatch):
    """Under nbclient / nbconvert the widget is made and its text form is one line; under nbgrader
    (NBGRADER_EXECUTION, as nbgrader autograde and validate set it) one printed line and nothing else."""
    pytest.importorskip("anywidget")
    from nbclient import NotebookClient
    nb = pad_notebook(tmp_path / "pad.ipynb")
    if nbgrader:
        monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}},
                   ).execute()
    outputs = nb.cells[0].outputs
    assert not [o for o in outputs if o.output_type == "error" or o.get("name") == "stderr"], outputs
    if nbgrader:
        assert [o.output_type for o in outputs] == ["stream"]
        assert outputs[0].text.startswith("DigitPad: no drawing pad here, because nbgrader is running")
        assert outputs[0].text.count("\n") == 1
    else:
        (result,) = outputs
        text = result.data["text/plain"]
        assert text.startswith("DigitPad: a drawing pad for digits, shown only in a live notebook") and "\n" not in text
        assert "application/vnd.jupyter.widget-view+json" in result.data
