"""A static JupyterLite site of the course: ``python -m autograder lite [--out _output]``.

Every lesson (the student copies) runs in the browser, in Pyodide, with the
learners' wheel (checks, data loader and MNIST) served by the site itself:
each lesson's set-up cell runs ``%pip install nn-from-scratch-student``,
which piplite takes from the site's own index, never from PyPI. The output
folder is ready for any static host (GitHub Pages, Netlify, a university
web server).

The capstone's draw-a-digit widget (``autograder.learner.digitpad``, an
anywidget) works there too: the learners' wheel requires anywidget, so the
site serves anywidget and the pure-Python wheels it pulls in (ipywidgets,
jupyterlab_widgets, psygnal, typing_extensions, comm), and the page carries
the two front-end extensions widgets need, the widget manager
(@jupyter-widgets/jupyterlab-manager) and anywidget's, beside the Pyodide
kernel's. Each extension is taken from this environment and its kernel wheel
is pinned to the same version: anywidget's Python side asks the page for its
own version's front end.

By default the site loads Pyodide (with NumPy and Matplotlib) from the
jsDelivr CDN, as jupyterlite-pyodide-kernel 0.6.1 does (Pyodide 0.27.6);
``--pyodide`` points it at a self-hosted Pyodide instead (a URL, a local
.tar.bz2 or an unpacked folder), which is how the tests build a site that
works offline.
"""
import contextlib
import importlib.metadata
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..learner.course import load_course
from .wheel import build_student_wheel

ROOT = Path(__file__).resolve().parents[2]
# Pure-Python wheels the lessons need that Pyodide does not bundle (IPython, traitlets, NumPy and
# Matplotlib come with it; widgetsnbextension is a stand-in the Pyodide kernel ships).
EXTRA_WHEELS = ("tqdm>=4.66", "comm>=0.2", "psygnal>=0.8.1", "typing_extensions>=4.2")
# Wheels whose front end is a JupyterLab extension: pinned to this environment's version, whose
# extension goes into the page (package -> extension folder under share/jupyter/labextensions).
WIDGET_PACKAGES = {"anywidget": "anywidget", "ipywidgets": None,
                   "jupyterlab_widgets": "@jupyter-widgets/jupyterlab-manager"}
KERNEL_EXTENSION = "@jupyterlite/pyodide-kernel-extension"
KERNEL_SETTINGS = f"{KERNEL_EXTENSION}:kernel"
LABEXTENSIONS = Path(sys.prefix) / "share" / "jupyter" / "labextensions"


def widget_requirements():
    """``name==version`` of each widget package as installed here, so kernel and page agree."""
    pins = []
    for name in WIDGET_PACKAGES:
        try:
            pins.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            raise RuntimeError(f"{name} is not installed here; the site takes its wheel and front end from this "
                               f"environment (pip install -e \".[dev]\")") from None
    return pins


def federated_extensions():
    """The page's extensions: the Pyodide kernel's and the widgets', from this environment."""
    folders = [LABEXTENSIONS / KERNEL_EXTENSION] + [LABEXTENSIONS / f for f in WIDGET_PACKAGES.values() if f]
    missing = [str(f) for f in folders if not (f / "package.json").exists()]
    if missing:
        raise RuntimeError(f"JupyterLab extensions missing from this environment: {missing}")
    return [str(f) for f in folders]


def collect_wheels(folder):
    """The learners' wheel, and the pure-Python wheels it needs, into ``folder``."""
    folder = Path(folder)
    build_student_wheel(folder)
    # Pure-Python wheels only (psygnal's compiled ones are CPython's, not Pyodide's): ask for any platform.
    done = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                           "--platform", "any", "--implementation", "py", "--python-version", "3.12",
                           "-d", str(folder), *EXTRA_WHEELS, *widget_requirements()],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pip download of the site's wheels failed:\n{done.stderr[-2000:]}")
    return sorted(folder.glob("*.whl"))


def build_site(out, pyodide=None, contents=None, log=print, lessons=None):
    """Build the site into ``out``; return its path.

    The lessons are the student copies built afresh from their sources (never the working copy's
    lessons/, which may hold an author's answers or outputs); ``lessons`` gives an already clean
    folder instead (the tests build one once).
    """
    from .stale import fresh_build

    out = Path(out).resolve()
    course = load_course()
    with tempfile.TemporaryDirectory() as scratch, contextlib.ExitStack() as stack:
        scratch = Path(scratch)
        if lessons is None:
            lessons = stack.enter_context(fresh_build(ROOT)) / "lessons"
        wheels = collect_wheels(scratch / "wheels")
        lite_dir = scratch / "lite"
        content = lite_dir / "contents"
        for lesson in course.all_notebooks:
            shutil.copytree(Path(lessons) / lesson.id, content / lesson.id,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        for extra in contents or ():
            shutil.copy(extra, content)
        # Render whole notebooks (no virtual scrolling): lessons are short, and every output stays findable.
        (lite_dir / "overrides.json").write_text(json.dumps({
            "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}, indent=1))
        (lite_dir / "jupyter-lite.json").write_text(json.dumps({
            "jupyter-lite-schema-version": 0,
            "jupyter-config-data": {
                "appName": course.title,
                "litePluginSettings": {KERNEL_SETTINGS: {"disablePyPIFallback": True}},
            }}, indent=1))
        # Only the Pyodide kernel's and the widgets' extensions: the others of this environment (nbgrader's,
        # jupytext's) target a newer JupyterLab than JupyterLite's and would break the page.
        (lite_dir / "jupyter_lite_config.json").write_text(json.dumps({
            "LiteBuildConfig": {"federated_extensions": federated_extensions()}}, indent=1))
        cmd = [sys.executable, "-m", "jupyter", "lite", "build", "--lite-dir", str(lite_dir),
               "--contents", str(content), "--output-dir", str(out), "--ignore-sys-prefix"]
        for wheel in wheels:
            cmd += ["--piplite-wheels", str(wheel)]
        if pyodide and Path(pyodide).is_dir():  # an unpacked Pyodide: jupyterlite's well-known place for it
            (lite_dir / "static").mkdir()
            (lite_dir / "static" / "pyodide").symlink_to(Path(pyodide).resolve())
        elif pyodide:
            cmd += ["--pyodide", str(pyodide)]
        done = subprocess.run(cmd, cwd=lite_dir, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"jupyter lite build failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    log(f"built a JupyterLite site of {len(course.all_notebooks)} lessons in {out}")
    return out


def main(args):
    build_site(args.out, args.pyodide)
    return 0
