"""JupyterLite: where a learner's first verdict's time goes, next to a bare Pyodide kernel in the same browser.

    python benchmarks/bench_lite.py [--rounds 3] [--sites DIR] [--also NAME=DIR] [--verbose]

Builds three offline sites on the browser tests' self-hosted Pyodide (the pinned runtime) and serves
them on localhost:

- **course**: the course's own site (``python -m autograder lite --pyodide ...``) with two extra
  notebooks: a blank one that runs ``import numpy``, and lesson 1 answered by a learner.
- **bare**: JupyterLite with the Pyodide kernel alone, as jupyterlite-pyodide-kernel sets it up by
  default, and the blank notebook, serving the very Pyodide files the course's site serves (its
  lock file and precompiled wheels): the baseline, so the two differ only by what the course adds.
- **stock**: the same bare site with Pyodide's files as they come: a kernel nobody tuned.

Then, in one headless Chromium (Debian's, through Playwright), each round opens each notebook in a fresh
browser context (a first visit: empty cache), clicks Run All as soon as the page takes it, and times
everything from the navigation: when the kernel's worker starts, when the kernel runs its first cell,
each cell (timed inside the kernel with ``performance.now()``, on the same clock as the page's), the
first verdict on screen (Playwright's wall clock). Lesson 1's notebook is the lesson as a learner gets
it, with its import cell split one import per cell (to time each) and two cells added: a first one that
times every cell (IPython's ``pre_run_cell`` event) and a last one that prints the timings. ``--also``
times lesson 1 on another course site built by this script (say, from an older commit) in the same rounds.

Prints each round's figures with the load average, then the medians side by side as ratios to the bare
kernel's navigation-to-``import numpy`` in the same round (the target: the first verdict within 1.3 of
it), and to the stock kernel's. The machine is shared: compare ratios, not seconds. A benchmark: it
prints figures and asserts nothing.
"""
import argparse
import contextlib
import functools
import http.server
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser import launch  # noqa: E402  (the tests' way of starting Debian's Chromium)
from browserkit import LITE_KERNEL, pyodide_runtime  # noqa: E402

LESSON = "bench_lesson1.ipynb"
BLANK = "bench_blank.ipynb"
DONE = "BENCH" + "DONE"  # written split in the notebooks, so that only an output matches
ANSWER = "def one_hot(Y):\n    return np.eye(10)[Y].T\n"  # right, and not the reference's code
VERDICT = "checks pass"
NUMPY_DONE = "numpy imported"

# The first cell: time every cell from inside the kernel, on the page's clock (epoch milliseconds).
PROBE = '''# bench: time every cell
import js
def _bench_now():
    return js.performance.timeOrigin + js.performance.now()
_BENCH = {"worker": js.performance.timeOrigin, "cells": [], "first": _bench_now()}
def _bench_pre(info):
    _BENCH["cells"].append([info.raw_cell.strip().splitlines()[-1][:60], _bench_now()])
def _bench_post(result):
    if _BENCH["cells"]:
        _BENCH["cells"][-1].append(_bench_now())
get_ipython().events.register("pre_run_cell", _bench_pre)
get_ipython().events.register("post_run_cell", _bench_post)'''
REPORT = ("import json, sys\n_BENCH['modules'] = sorted(m for m in ('matplotlib', 'matplotlib.pyplot', 'IPython', "
          "'tqdm', 'anywidget') if m in sys.modules)\n"
          "print('BENCH' + 'JSON' + json.dumps(_BENCH))\nprint('BENCH' + 'DONE')")


# ---- the notebooks -----------------------------------------------------------------------------------------
def lesson_notebook(path):
    """Lesson 1 as a learner gets it, answered, its import cell one import per cell, with the probe."""
    from autograder.learner.course import load_course
    lesson = load_course().lessons[0]
    nb = nbformat.read(ROOT / lesson.path, as_version=4)
    cells = []
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == lesson.function:
            cell.source = ANSWER
        lines = [line for line in cell.source.splitlines() if line.strip()]
        if cell.cell_type == "code" and len(lines) > 1 and all(l.startswith(("import ", "from ")) for l in lines):
            cells += [nbformat.v4.new_code_cell(line) for line in lines]
        else:
            cells.append(cell)
    nb.cells = [nbformat.v4.new_code_cell(PROBE)] + cells + [nbformat.v4.new_code_cell(REPORT)]
    nbformat.write(nb, path)
    return path


def blank_notebook(path):
    """A blank notebook's first cell, ``import numpy``, with the probe."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = LITE_KERNEL
    nb.cells = [nbformat.v4.new_code_cell(PROBE),
                nbformat.v4.new_code_cell('import numpy\nprint("numpy", "imp" + "orted")'),
                nbformat.v4.new_code_cell(REPORT)]
    nbformat.write(nb, path)
    return path


# ---- the sites -----------------------------------------------------------------------------------------------
def bare_site(out, pyodide, blank):
    """JupyterLite with the Pyodide kernel alone (its default settings, no PyPI), serving ``pyodide``."""
    from autograder.author.lite import KERNEL_EXTENSION, KERNEL_SETTINGS, LABEXTENSIONS
    with tempfile.TemporaryDirectory() as scratch:
        lite_dir = Path(scratch)
        wheels = lite_dir / "wheels"
        # comm: the kernel installs it at start and Pyodide does not bundle it (without it the kernel hangs).
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                        "--platform", "any", "--implementation", "py", "--python-version", "3.12",
                        "-d", str(wheels), "comm>=0.2"], check=True, capture_output=True)
        (lite_dir / "contents").mkdir()
        (lite_dir / "contents" / blank.name).write_bytes(blank.read_bytes())
        (lite_dir / "jupyter-lite.json").write_text(json.dumps({
            "jupyter-lite-schema-version": 0,
            "jupyter-config-data": {"litePluginSettings": {KERNEL_SETTINGS: {"disablePyPIFallback": True}}}}))
        (lite_dir / "jupyter_lite_config.json").write_text(json.dumps({
            "LiteBuildConfig": {"federated_extensions": [str(LABEXTENSIONS / KERNEL_EXTENSION)]}}))
        (lite_dir / "static").mkdir()
        (lite_dir / "static" / "pyodide").symlink_to(Path(pyodide).resolve())
        cmd = [sys.executable, "-m", "jupyter", "lite", "build", "--lite-dir", str(lite_dir), "--contents",
               str(lite_dir / "contents"), "--output-dir", str(out), "--ignore-sys-prefix",
               *[a for w in sorted(wheels.glob("*.whl")) for a in ("--piplite-wheels", str(w))]]
        done = subprocess.run(cmd, cwd=lite_dir, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"jupyter lite build failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return Path(out)


def build_sites(folder):
    """The course's site and the bare one, in ``folder`` (reused when already there)."""
    from autograder.author.lite import build_site
    folder = Path(folder)
    course, bare = folder / "course", folder / "bare"
    if not (folder / "built").exists():  # written last: a build that failed half-way is not reused
        folder.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        build_site(course, pyodide=pyodide_runtime(), contents=[lesson_notebook(folder / LESSON),
                                                                 blank_notebook(folder / BLANK)],
                   log=lambda *a: None)
        # The same Pyodide files as the course's site serves, so the two differ only by what the course adds.
        bare_site(bare, course / "static" / "pyodide", blank_notebook(folder / BLANK))
        # And with Pyodide's files as they come (its lock file, its wheels): a kernel nobody tuned.
        bare_site(folder / "stock", pyodide_runtime(), blank_notebook(folder / BLANK))
        (folder / "built").write_text(f"{time.perf_counter() - start:.0f} s\n")
        print(f"built the two sites in {time.perf_counter() - start:.0f} s")
    return course, bare, folder / "stock"


@contextlib.contextmanager
def serve(folder):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


# ---- one visit -----------------------------------------------------------------------------------------------
STARTED = ("(() => { const p = document.querySelector('.jp-CodeCell .jp-InputPrompt');"
           " return p && p.textContent.trim() !== '[ ]:'; })()")


def run_all_early(page, deadline):
    """Run All as soon as the page takes it (a learner who clicks at once): retried until a cell is queued."""
    page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=120_000)
    while time.monotonic() < deadline:
        dialog = page.locator(".jp-Dialog")
        if dialog.count():
            page.click(".jp-Dialog .jp-mod-accept")
        page.click(".lm-MenuBar-itemLabel:text-is('Run')")
        page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
        try:
            page.wait_for_function(STARTED, timeout=1000)
            return time.time() * 1000
        except Exception:
            pass
    raise RuntimeError("Run All never took")


def browser_cpu():
    """CPU seconds used so far by each live process under this one (the Playwright driver and Chromium's)."""
    ticks, parent, used = os.sysconf("SC_CLK_TCK"), {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        pid = int(stat.parent.name)
        parent[pid], used[pid] = int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks
    mine = {os.getpid()}
    for _ in range(10):  # descendants, a few generations down
        mine |= {pid for pid, ppid in parent.items() if ppid in mine}
    return {pid: used[pid] for pid in mine if pid != os.getpid()}


def visit(browser, url, notebook, wait_for, timeout=400):
    """Open ``notebook`` in a fresh context, Run All, wait for ``wait_for`` then for the report; the figures.

    Also the CPU time the browser spent from the navigation to ``wait_for`` on screen (all its processes):
    on a shared machine it says what the wall time would be on a quiet one, roughly (several threads can
    run at once; waiting for a busy core costs no CPU time)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    loads = []
    try:
        page = context.new_page()
        page.on("console", lambda m: loads.append((time.time() * 1000, m.text))
                if m.text.startswith(("Loading ", "Loaded ")) else None)
        deadline = time.monotonic() + timeout
        cpu = browser_cpu()
        page.goto(f"{url}/notebooks/index.html?path={notebook}")
        nav = page.evaluate("performance.timeOrigin")
        clicked = run_all_early(page, deadline)
        page.wait_for_function(f"document.body.innerText.includes({wait_for!r})",
                               timeout=max(1, deadline - time.monotonic()) * 1000)
        seen = time.time() * 1000
        cpu = sum(t - cpu.get(pid, 0.0) for pid, t in browser_cpu().items())
        page.wait_for_function(f"document.body.innerText.includes({DONE!r})",
                               timeout=max(1, deadline - time.monotonic()) * 1000)
        text = page.inner_text(".jp-Notebook")
    finally:
        context.close()
    found = re.search(r"BENCHJSON(\{.*?\})\n", text)
    if not found:
        raise RuntimeError(f"no timings in the page:\n{text[-1500:]}")
    data = json.loads(found.group(1))
    data.update(nav=nav, clicked=clicked, seen=seen, loads=loads, cpu=cpu)
    return data


def phases(data, lesson):
    """Seconds from the navigation: (name, start, duration) of each phase, and the total."""
    nav = data["nav"]
    cells = data["cells"]
    # A cell lasts until the next one starts (the front end's round trip included); the last one until it ends.
    starts = [c[1] for c in cells] + [cells[-1][2] if len(cells[-1]) > 2 else cells[-1][1]]
    out = [("page and kernel request", 0.0, (data["worker"] - nav) / 1000),
           ("kernel start (Pyodide)", (data["worker"] - nav) / 1000, (data["first"] - data["worker"]) / 1000)]
    groups = LESSON_PHASES if lesson else BLANK_PHASES
    for i, (label, *_) in enumerate(cells):
        name = next((n for n, match in groups if match(label)), "other cells")
        start, length = (starts[i] - nav) / 1000, (starts[i + 1] - starts[i]) / 1000
        if out[-1][0] == name:
            out[-1] = (name, out[-1][1], out[-1][2] + length)
        else:
            out.append((name, start, length))
        if lesson and label.startswith("check("):
            break
        if not lesson and "imp" in label:
            break
    end = out[-1][1] + out[-1][2]
    return out, end, (data["seen"] - nav) / 1000


LESSON_PHASES = [
    ("install the course (%pip)", lambda l: "piplite" in l or "%pip" in l),
    ("import numpy", lambda l: l.startswith("import numpy")),
    ("import matplotlib.pyplot", lambda l: "matplotlib" in l),
    ("import autograder", lambda l: "autograder" in l),
    ("import mnist_data", lambda l: "mnist_data" in l),
    ("toolbox (tqdm)", lambda l: l.startswith("SEED_ALPHA")),
    ("load MNIST", lambda l: "Y_train.shape" in l),
    ("figures", lambda l: "show_digits" in l or "tight_layout" in l),
    ("check", lambda l: l.startswith("check(")),
]
BLANK_PHASES = [("import numpy", lambda l: "imp" in l)]


def loads_summary(data):
    """Pyodide's own 'Loading ...'/'Loaded ...' messages: (packages, start, seconds), from the navigation."""
    out, pending = [], {}
    for t, text in data["loads"]:
        what = text.split(" ", 1)[1]
        if text.startswith("Loading "):
            pending[what] = t
        elif what in pending:
            start = pending.pop(what)
            out.append((what, (start - data["nav"]) / 1000, (t - start) / 1000))
    return out


# ---- main ----------------------------------------------------------------------------------------------------
CASES = [("stock", BLANK, NUMPY_DONE, False), ("bare", BLANK, NUMPY_DONE, False),
         ("course", BLANK, NUMPY_DONE, False), ("course", LESSON, VERDICT, True)]
NAMES = {("stock", BLANK): "bare kernel, stock Pyodide: numpy", ("bare", BLANK): "bare kernel, site's Pyodide: numpy",
         ("course", BLANK): "course site, blank: import numpy", ("course", LESSON): "lesson 1: first verdict"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sites", help="build the sites here, or reuse them (default: a temporary folder)")
    parser.add_argument("--verbose", action="store_true", help="print every run's phases and Pyodide's loads")
    parser.add_argument("--also", action="append", default=[], metavar="NAME=DIR",
                        help="also time lesson 1 on another course site built by this benchmark (e.g. before a "
                             "change), in the same rounds")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with contextlib.ExitStack() as stack:
        folder = args.sites or stack.enter_context(tempfile.TemporaryDirectory())
        course, bare, stock = build_sites(folder)
        urls = {"course": stack.enter_context(serve(course)), "bare": stack.enter_context(serve(bare)),
                "stock": stack.enter_context(serve(stock))}
        cases = list(CASES)
        for also in args.also:
            name, path = also.split("=", 1)
            urls[name] = stack.enter_context(serve(Path(path) / "course"))
            NAMES[(name, LESSON)] = f"lesson 1 on {name}: first verdict"
            cases.append((name, LESSON, VERDICT, True))
        p = stack.enter_context(sync_playwright())
        browser = launch(p)
        stack.callback(browser.close)
        results = {(site, nb): [] for site, nb, _, _ in cases}
        for round_ in range(1, args.rounds + 1):
            # Each round starts one case further on: the machine's load drifts, and no case is always last.
            shift = (round_ - 1) % len(cases)
            for site, notebook, wait_for, lesson in cases[shift:] + cases[:shift]:
                load = os.getloadavg()[0]
                data = visit(browser, urls[site], notebook, wait_for)
                parts, end, seen = phases(data, lesson)
                results[(site, notebook)].append((parts, end, seen, load, data["cpu"]))
                print(f"round {round_}  {NAMES[(site, notebook)]:<34} {end:6.1f} s in the kernel, {seen:6.1f} s "
                      f"on screen, {data['cpu']:5.1f} s of CPU  (load {load:.1f})", flush=True)
                if args.verbose:
                    cells = data["cells"]
                    for (label, begin, *_), after in zip(cells, cells[1:]):
                        print(f"      {(begin - data['nav']) / 1000:6.1f} +{(after[1] - begin) / 1000:5.1f}  {label}")
                    for what, start, length in loads_summary(data):
                        print(f"      {start:6.1f} +{length:5.1f}  Pyodide loads {what[:90]}")
    report(results, args.rounds)


def report(results, rounds):
    base = [r[1] for r in results[("bare", BLANK)]]
    stock = [r[1] for r in results[("stock", BLANK)]]
    base_cpu = [r[4] for r in results[("bare", BLANK)]]
    print(f"\nmedians of {rounds} rounds, seconds from the navigation; x bare, x stock: the median of each round's "
          f"ratio to that round's bare kernel (site's Pyodide) and stock kernel, start to import numpy; CPU: "
          f"the browser's, to the verdict on screen (machine: {os.cpu_count()} cores, load now "
          f"{os.getloadavg()[0]:.1f})")
    print(f"  {'':<36}{'total s':>8}{'x bare':>8}{'x stock':>9}{'on screen s':>13}{'CPU s':>7}{'x bare':>8}{'load':>6}")
    for key, runs in results.items():
        total = statistics.median(r[1] for r in runs)
        ratio = statistics.median(r[1] / b for r, b in zip(runs, base))
        to_stock = statistics.median(r[1] / b for r, b in zip(runs, stock))
        cpu_ratio = statistics.median(r[4] / b for r, b in zip(runs, base_cpu))
        print(f"  {NAMES[key]:<36}{total:>8.1f}{ratio:>8.2f}{to_stock:>9.2f}"
              f"{statistics.median(r[2] for r in runs):>13.1f}{statistics.median(r[4] for r in runs):>7.1f}"
              f"{cpu_ratio:>8.2f}{statistics.median(r[3] for r in runs):>6.1f}")
    print("\n  where the time goes (medians, s; x bare: as a share of the bare kernel's start to import numpy)")
    for key, runs in results.items():
        print(f"  {NAMES[key]}")
        names = [name for name, _, _ in runs[0][0]]
        for name in names:
            lengths = [next((l for n, _, l in r[0] if n == name), 0.0) for r in runs]
            ratios = [l / b for l, b in zip(lengths, base)]
            print(f"    {name:<34}{statistics.median(lengths):>8.1f}{statistics.median(ratios):>8.2f}")


if __name__ == "__main__":
    main()
