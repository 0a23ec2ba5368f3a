"""A static JupyterLite site of the course: ``python -m autograder lite [--out _output]``.

Every lesson (the student copies) runs in the browser, in Pyodide, with the
learners' wheel (checks, data loader and MNIST) served by the site itself:
each lesson's set-up cell runs ``%pip install nn-from-scratch-student``,
which piplite takes from the site's own index, never from PyPI. The output
folder is ready for any static host (GitHub Pages, Netlify, a university
web server).

By default the site loads Pyodide (with NumPy and Matplotlib) from the
jsDelivr CDN, as jupyterlite-pyodide-kernel 0.6.1 does (Pyodide 0.27.6);
``--pyodide`` points it at a self-hosted Pyodide instead (a URL, a local
.tar.bz2 or an unpacked folder), which is how the tests build a site that
works offline.
"""
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..learner.course import load_course
from .wheel import build_student_wheel

ROOT = Path(__file__).resolve().parents[2]
# Pure-Python wheels the lessons need that Pyodide does not bundle.
EXTRA_WHEELS = ("tqdm>=4.66", "comm>=0.2")
KERNEL_SETTINGS = "@jupyterlite/pyodide-kernel-extension:kernel"


def collect_wheels(folder):
    """The learners' wheel, and the pure-Python wheels it needs, into ``folder``."""
    folder = Path(folder)
    build_student_wheel(folder)
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                    "-d", str(folder), *EXTRA_WHEELS], check=True, capture_output=True)
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
        # Only the Pyodide kernel's extension: the JupyterLab extensions of this environment (nbgrader's,
        # jupytext's) target a newer JupyterLab than JupyterLite's and would break the page.
        kernel_extension = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyterlite" / \
            "pyodide-kernel-extension"
        cmd = [sys.executable, "-m", "jupyter", "lite", "build", "--lite-dir", str(lite_dir),
               "--contents", str(content), "--output-dir", str(out), "--ignore-sys-prefix",
               f"--LiteBuildConfig.federated_extensions={kernel_extension}"]
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
