"""The draw-a-digit widget in a real browser: draw a 1, a 0 and a 7 with the mouse and read them.

Headless Debian Chromium driven by Playwright, with the course's reference network (trained once per
session): (a) a real JupyterLab server on localhost, the widget's front end from this environment's
labextensions; (b) the course's JupyterLite site (built once per session, tests/author/conftest.py), offline:
every request outside the site is blocked, so anywidget, ipywidgets and the learners' wheel all come
from the site. Screenshots of the widget after each digit: tests/artifacts/widget/ (gitignored).
The Python side alone, and the notebook under nbclient and nbgrader: tests/learner/test_digitpad.py.
"""
import json
import shutil
import time
import urllib.request

import pytest
from browser import jupyter_lab
from browserkit import PAD_NOTEBOOK, launch, need_browser, pad_notebook, page_errors_of_ours, read_digits, run_all

LAB_KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}


@pytest.fixture(scope="module")
def shots(artifacts):
    folder = artifacts / "widget"
    folder.mkdir(exist_ok=True)
    return folder


def assert_reads(results):
    wrong = {drawn: read for drawn, (read, _) in results.items() if read != drawn}
    assert not wrong, f"drawn -> read: {wrong} (all: {results})"


# ---- (a) JupyterLab ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def lab(tmp_path_factory, reference_params):
    """``jupyter lab`` on localhost with a private Jupyter home (no user settings or pop-ups in or out)."""
    need_browser()
    pytest.importorskip("anywidget")
    root = tmp_path_factory.mktemp("lab")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    shutil.copy(reference_params, notebooks / "params.npz")
    pad_notebook(notebooks / PAD_NOTEBOOK, LAB_KERNEL)
    with jupyter_lab(notebooks) as url:
        yield url


def wait_kernel_session(base, notebook, timeout=60):
    """Wait until the server has an idle kernel for ``notebook``: JupyterLab's toolbar says 'idle' before
    the page's session is connected, and a Run All sent in that gap can be lost."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{base}/api/sessions", timeout=5) as r:
            if any(s["path"].endswith(notebook) and s["kernel"]["execution_state"] == "idle" for s in json.load(r)):
                return
        time.sleep(0.2)
    raise AssertionError(f"no idle kernel for {notebook} after {timeout} s")


def test_jupyterlab_reads_digits_drawn_with_the_mouse(lab, shots):
    from playwright.sync_api import sync_playwright
    errors = []
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("pageerror", lambda e: errors.append(f"{e.message} | {(e.stack or '')[:400]}"))
            page.goto(f"{lab}/lab/tree/{PAD_NOTEBOOK}")
            wait_kernel_session(lab, PAD_NOTEBOOK)
            run_all(page, shots, "lab", 60_000)
            results = read_digits(page, shots, "lab")
            page.screenshot(path=str(shots / "lab_page.png"))
        finally:
            browser.close()
    assert_reads(results)
    assert not page_errors_of_ours(errors), errors


# ---- (b) JupyterLite ------------------------------------------------------------------------------------------
def test_jupyterlite_reads_digits_drawn_with_the_mouse_offline(server, shots):
    from playwright.sync_api import sync_playwright
    outside, errors = [], []
    with sync_playwright() as p:
        browser = launch(p)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})

            def block(route):  # offline on purpose: anything not from the site itself fails
                outside.append(route.request.url)
                route.abort()
            context.route(lambda url: not url.startswith(server), block)
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(f"{e.message} | {(e.stack or '')[:400]}"))
            page.goto(f"{server}/notebooks/index.html?path={PAD_NOTEBOOK}")
            run_all(page, shots, "lite", 180_000)  # Pyodide starts, piplite installs the learners' wheel
            results = read_digits(page, shots, "lite")
            page.screenshot(path=str(shots / "lite_page.png"))
        finally:
            browser.close()
    assert_reads(results)
    assert not page_errors_of_ours(errors), errors
    assert not outside, f"the site asked for files outside itself: {outside[:5]}"
