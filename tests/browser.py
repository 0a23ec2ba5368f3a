"""Driving Debian's Chromium with Playwright for the browser tests (its own browser download is never used).

Shared by the JupyterLite, screenshot and widget tests: launching, and running a whole notebook
reliably. JupyterLab's toolbar says "idle" before the page's kernel session is connected; a Run All
sent in that gap may open a "Select Kernel" dialog or run only some cells. So: accept that dialog when
it comes, and run again until every cell has run (lessons' cells are safe to run twice).
"""
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"  # screenshots kept by the tests (gitignored)


def available():
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return Path(CHROMIUM).exists()


def launch(playwright):
    """Debian's Chromium, headless."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)


@contextmanager
def browser_page(width=1280, height=900):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = launch(p)
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()


def settle_dialogs(page):
    """Accept a 'Select Kernel' dialog; fail on any other dialog."""
    dialog = page.locator(".jp-Dialog")
    if not dialog.count():
        return
    text = dialog.inner_text()
    if text.startswith("Select Kernel") or "kernel" in text.lower():
        page.click(".jp-Dialog .jp-mod-accept")
        page.wait_for_selector(".jp-Dialog", state="detached", timeout=10_000)
        return
    raise AssertionError(f"an unexpected dialog is open: {text[:300]!r}")


# Run All has taken: the first code cell has run or is running (a failing check may stop it further down).
STARTED = ("(() => { const p = document.querySelector('.jp-CodeCell .jp-InputPrompt');"
           " return p && p.textContent.trim() !== '[ ]:'; })()")


def wait_until_settled(page, timeout, quiet=5.0):
    """Wait until the kernel has been idle for ``quiet`` seconds in a row: the indicator says "idle" for a
    moment before the kernel starts (JupyterLite: then "unknown" while Pyodide loads), which is a trap."""
    deadline, since = time.monotonic() + timeout, None
    indicator = page.locator(".jp-Notebook-ExecutionIndicator")
    while time.monotonic() < deadline:
        status = indicator.first.get_attribute("data-status") if indicator.count() else "idle"
        if status == "idle":
            since = since or time.monotonic()
            if time.monotonic() - since >= quiet:
                return
        else:
            since = None
        time.sleep(0.25)
    raise AssertionError(f"the kernel did not settle within {timeout:.0f} s")


def run_all_cells(page, attempts=3, start_timeout=120_000):
    """Run All once the kernel is idle, and again if it did not take."""
    page.wait_for_selector(".jp-Notebook", timeout=start_timeout)
    wait_until_settled(page, start_timeout / 1000)
    for _ in range(attempts):
        settle_dialogs(page)
        page.click(".lm-MenuBar-itemLabel:text-is('Run')")
        page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
        try:
            page.wait_for_function(STARTED, timeout=30_000)
            return
        except Exception:
            settle_dialogs(page)
    raise AssertionError("Run All did not start the notebook three times")


@contextmanager
def jupyter_lab(notebooks):
    """A real JupyterLab server on localhost serving ``notebooks``, with a private Jupyter home (no user
    settings, workspaces or announcements leak in); yields its URL."""
    import json
    import os
    import socket
    import subprocess
    import sys
    import urllib.request

    home = Path(notebooks).parent / "jupyter-home"
    (home / "config" / "labconfig").mkdir(parents=True, exist_ok=True)
    (home / "config" / "labconfig" / "page_config.json").write_text(json.dumps({"disabledExtensions": {
        "@jupyterlab/apputils-extension:announcements": True}}))
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), IPYTHONDIR=str(home / "ipython"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(home / "ws"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(home / "lab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--ServerApp.port={port}",
         "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password=",
         f"--ServerApp.root_dir={notebooks}", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         *(["--allow-root"] if os.geteuid() == 0 else [])], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError(f"jupyter lab exited: {(home / 'lab.log').read_text()[-2000:]}")
                time.sleep(0.25)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
