"""DigitPad: draw a digit and watch a network read it, live (issue 14).

>>> from autograder import DigitPad
>>> DigitPad(params=(W1, b1, W2, b2))                                # a 784-10-10 network of part 1
>>> DigitPad(predict=lambda X: forward_prop(W1, b1, W2, b2, X)[3])   # any f: X (784, m) -> (10, m)

The drawing pad, the bar chart of the ten probabilities and the 28x28 image the network sees live in
the browser, in one ES module (``widget.js``, with ``widget.css``) that anywidget loads; the prediction
runs in Python, in the notebook's kernel. At most every ``interval_ms`` while the learner draws, and when
a stroke ends, the browser sends the drawing as a small grayscale image (``resolution`` squared bytes,
base64); Python makes it an MNIST-style input with ``mnist_data.drawing.to_mnist``, calls the network and
sends back the ten probabilities and the 28x28 image it used. Afterwards ``pad.x`` is the last input
(784, 1) and ``pad.probabilities`` the network's answer (10,).

Why anywidget: one Python class and one plain ES module, no build step and no npm; the module travels
inside the widget's state, so it needs no server route or CDN of its own, and anywidget runs in
JupyterLab, Notebook 7, JupyterLite, VS Code and Colab. The ink stays in the browser (instant, even
with a remote or in-browser kernel) and only a throttled small image crosses to Python, where
ipycanvas would send every pointer move to the kernel.

Where no widget can be shown (nbgrader grading the notebook, plain Python, an IPython terminal, or
anywidget not installed) ``DigitPad(...)`` prints one line saying so and returns a stand-in that still
offers ``predict_image``. Under nbclient / nbconvert the real widget is made (it costs nothing) and its
text form, all such a run records, is one line.

anywidget (and traitlets) are imported only when a live pad is made, so importing this module, or
``autograder``, never needs them.
"""
import base64
import importlib.util
import os
import sys
from functools import lru_cache
from pathlib import Path

import numpy as np

from mnist_data.drawing import to_mnist

__all__ = ["DigitPad", "InactiveDigitPad", "frontend_problem", "network_predict"]

HERE = Path(__file__).resolve().parent
RESOLUTION = 140  # side of the image the browser sends: 19,600 bytes, 26 kB as base64
WHERE = "JupyterLab, Jupyter Notebook 7, JupyterLite, VS Code or Colab"
BLANK = "Draw a digit from 0 to 9 in the box."


def frontend_problem():
    """Why no drawing pad can be shown here (a short reason), or None when one probably can."""
    if os.environ.get("DIGITPAD_DISABLE"):
        return "it is switched off (DIGITPAD_DISABLE is set)"
    if os.environ.get("NBGRADER_EXECUTION"):
        return "nbgrader is running this notebook"
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return "this is plain Python, not a notebook"
    if type(shell).__name__ == "TerminalInteractiveShell":
        return "this is an IPython terminal, not a notebook"
    if importlib.util.find_spec("anywidget") is None:
        return "anywidget is not installed (pip install anywidget)"
    return None


def network_predict(params):
    """predict(X) -> probabilities (10, m) of a 784-H-10 ReLU/softmax network given (W1, b1, W2, b2)."""
    if len(params) != 4:
        raise TypeError(f"params should be (W1, b1, W2, b2), not {len(params)} arrays; for another network "
                        "pass predict=f, a function from X (784, m) to probabilities (10, m)")
    W1, b1, W2, b2 = (np.asarray(p, dtype=float) for p in params)
    if W1.ndim != 2 or W1.shape[1] != 784:
        raise ValueError(f"W1 should have 784 columns (one per pixel), not shape {W1.shape}")

    def predict(X):
        A1 = np.maximum(W1 @ X + b1.reshape(-1, 1), 0)
        Z2 = W2 @ A1 + b2.reshape(-1, 1)
        E = np.exp(Z2 - Z2.max(axis=0, keepdims=True))
        return E / E.sum(axis=0, keepdims=True)
    return predict


def as_probabilities(out):
    """A predict function's answer for one image as 10 probabilities, and a note when it had to be fixed."""
    out = np.asarray(out, dtype=float)
    if out.size != 10:
        raise ValueError(f"predict should return 10 probabilities for one image (shape (10, 1)), got shape "
                         f"{out.shape}: give it a function that returns A2, for example "
                         f"lambda X: forward_prop(W1, b1, W2, b2, X)[3]")
    p = out.reshape(10)
    if not np.all(np.isfinite(p)):
        raise ValueError("predict returned NaN or infinite values")
    if p.min() < 0 or abs(p.sum() - 1) > 1e-3:
        e = np.exp(p - p.max())
        return e / e.sum(), " (predict's scores do not sum to 1: shown after softmax)"
    return p, ""


class _Core:
    """What the live pad and its stand-in share: preprocessing and prediction, no front end."""

    def _setup(self, predict, params):
        if (predict is None) == (params is None):
            raise TypeError("DigitPad needs exactly one of predict=f (X (784, m) -> probabilities (10, m)) "
                            "or params=(W1, b1, W2, b2)")
        self.predict = network_predict(params) if params is not None else predict
        if not callable(self.predict):
            raise TypeError(f"predict should be a function, not {type(self.predict).__name__}")
        self.x = None              # the last input given to the network, (784, 1)
        self.probabilities = None  # its answer, (10,)

    def predict_image(self, image, **to_mnist_options):
        """Probabilities (10,) for a drawing (H, W) in [0, 1], ink high; None for a blank drawing."""
        self.x = to_mnist(image, **to_mnist_options)
        self.probabilities = None if self.x is None else as_probabilities(self.predict(self.x))[0]
        return self.probabilities


class InactiveDigitPad(_Core):
    """Stands in for DigitPad where no widget can be shown: says so in one line, and never raises."""

    def __init__(self, reason, predict=None, params=None, **_options):
        self._setup(predict, params)
        self.reason = reason
        print(f"DigitPad: no drawing pad here, because {reason} (it runs in {WHERE}).")

    def __repr__(self):
        return f"<DigitPad, inactive: {self.reason}>"

    def _ipython_display_(self):
        pass  # the line printed when it was made is enough


@lru_cache(maxsize=None)
def live_class():
    """The anywidget class, made on first use (so that anywidget is imported only where it is used)."""
    import anywidget
    import traitlets as t

    class LiveDigitPad(_Core, anywidget.AnyWidget):
        __doc__ = DigitPad.__doc__
        _esm = (HERE / "widget.js").read_text(encoding="utf-8")   # strings, not paths: anywidget would
        _css = (HERE / "widget.css").read_text(encoding="utf-8")  # watch a path with a thread (not in Pyodide)

        # browser -> Python
        pixels = t.Unicode("").tag(sync=True)   # base64 of resolution^2 bytes, ink 255; "" when blank
        sent = t.Int(0).tag(sync=True)          # how many drawings the browser has sent
        # settings
        resolution = t.Int(RESOLUTION).tag(sync=True)
        interval_ms = t.Int(150).tag(sync=True)
        stroke_scale = t.Float(0.12).tag(sync=True)
        # Python -> browser
        probs = t.List(t.Float()).tag(sync=True)  # 10 probabilities, [] when blank
        seen = t.Unicode("").tag(sync=True)       # base64 of the 28x28 input, 784 bytes
        status = t.Unicode(BLANK).tag(sync=True)
        handled = t.Int(0).tag(sync=True)         # the number (sent) of the drawing last answered

        def __init__(self, predict=None, params=None, **options):
            self._setup(predict, params)
            self.image = None
            super().__init__(**options)
            self.observe(self._on_sent, names="sent")  # pixels and sent arrive together; sent always changes

        def __repr__(self):
            return f"DigitPad: a drawing pad for digits, shown only in a live notebook ({WHERE})"

        def _on_sent(self, change):
            try:
                self._answer(self.pixels)
            except Exception as error:  # a predict that fails: one line in the widget, no traceback
                self.x = self.probabilities = None
                self.probs, self.seen = [], ""
                self.status = f"{type(error).__name__}: {error}"[:300]
            self.handled = self.sent

        def _answer(self, b64):
            if not b64:
                self.image = self.x = self.probabilities = None
                self.probs, self.seen, self.status = [], "", BLANK
                return
            n = self.resolution
            image = np.frombuffer(base64.b64decode(b64), dtype=np.uint8)
            if image.size != n * n:
                raise ValueError(f"expected {n * n} pixels from the browser, got {image.size}")
            self.image = image.reshape(n, n) / 255.0
            self.x, info = to_mnist(self.image, return_info=True)
            p, note = as_probabilities(self.predict(self.x))
            self.probabilities = p
            self.seen = base64.b64encode(np.round(self.x.reshape(784) * 255).astype(np.uint8).tobytes()).decode()
            self.probs = [float(v) for v in p]
            top = int(np.argmax(p))
            hint = " Your digit is very small: draw it bigger." if info["status"] == "tiny" else ""
            self.status = f"{top} ({100 * p[top]:.0f}% sure){note}.{hint}"

    return LiveDigitPad


class DigitPad:
    """Draw a digit; the network's ten probabilities and the 28x28 image it sees update as you draw.

    ``DigitPad(predict=f)``: f takes X (784, m), pixels in [0, 1], one column per image, and returns
    probabilities (10, m) (scores are shown after softmax). ``DigitPad(params=(W1, b1, W2, b2))``: a
    784-H-10 network of part 1. Options: ``interval_ms`` (how often to predict while drawing, 150),
    ``stroke_scale`` (the pen width of the network's copy as a fraction of the digit's size, 0.12; 0
    keeps the pen as drawn), ``resolution`` (the side of the image sent, 140).

    Returns the live widget (an ``anywidget.AnyWidget``) in a notebook, and an ``InactiveDigitPad``
    that says why in one line where no widget can be shown.
    """

    def __new__(cls, predict=None, params=None, **options):
        reason = frontend_problem()
        if reason:
            return InactiveDigitPad(reason, predict, params)
        return live_class()(predict=predict, params=params, **options)
