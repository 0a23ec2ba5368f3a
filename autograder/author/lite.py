"""A static JupyterLite site of the course: ``python -m autograder lite [--out _output]``.

Every lesson (the student copies) runs in the browser, in Pyodide, with the
learners' wheel (checks, data loader and MNIST) served by the site itself:
each lesson's set-up cell runs ``%pip install nn-from-scratch-student``,
which never reaches PyPI. The output folder is ready for any static host
(GitHub Pages, Netlify, a university web server).

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
jsDelivr CDN, as jupyterlite-pyodide-kernel 0.6.1 does (Pyodide 0.27.6), and
piplite installs the course's wheels from the site's own index when the
set-up cell runs. ``--pyodide`` points it at a self-hosted Pyodide instead (a
URL, a local .tar.bz2 or an unpacked folder), which is how the tests build a
site that works offline; then the site's copy of Pyodide's lock file
(``static/pyodide/pyodide-lock.json``) also lists the course's wheels and the
kernel's own, and the kernel loads them all with Pyodide while it starts
(``loadPyodideOptions.packages``): one parallel download, nothing resolved at
run time, and the set-up cell finds everything installed
(``bench_lite.py`` measures it).
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
# What the Pyodide kernel installs one by one as it starts (jupyterlite-pyodide-kernel 0.6.1's worker: it skips
# those it finds in ``loadPyodideOptions.packages``), spelled as it spells them.
KERNEL_PACKAGES = ("micropip", "piplite", "ssl", "sqlite3", "ipykernel", "comm", "pyodide_kernel", "jedi", "ipython")
STUDENT_DIST = "nn-from-scratch-student"
# The environment markers of Pyodide (CPython on Emscripten), for the wheels' Requires-Dist; its Python version
# comes from its lock file.
PYODIDE_MARKERS = {"sys_platform": "emscripten", "platform_system": "Emscripten", "platform_machine": "wasm32",
                   "os_name": "posix", "implementation_name": "cpython", "platform_python_implementation": "CPython",
                   "extra": ""}
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


def kernel_wheels():
    """The Pyodide kernel's own wheels (piplite, pyodide_kernel and its stand-ins for ipykernel and
    widgetsnbextension), from its extension here: the newest of each name."""
    newest = {}
    for wheel in sorted((LABEXTENSIONS / KERNEL_EXTENSION / "static" / "pypi").glob("*.whl")):
        name, version = wheel.name.split("-")[:2]
        if name not in newest or _version(version) > _version(newest[name].name.split("-")[1]):
            newest[name] = wheel
    if "pyodide_kernel" not in newest:
        raise RuntimeError(f"no pyodide_kernel wheel in {LABEXTENSIONS / KERNEL_EXTENSION}")
    return sorted(newest.values())


def _version(text):
    from packaging.version import Version
    return Version(text)


def lock_entry(wheel, python="3.12.7"):
    """(canonical name, Pyodide lock-file entry) of a pure-Python wheel: its version, SHA-256, the modules it
    provides and the distributions it requires under Pyodide's markers (``python``: its Python's version)."""
    import email.parser
    import hashlib
    import zipfile
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        info = next(n.split("/")[0] for n in names if n.split("/")[0].endswith(".dist-info"))
        meta = email.parser.HeaderParser().parsestr(zf.read(f"{info}/METADATA").decode())
        top_level = f"{info}/top_level.txt"
        imports = zf.read(top_level).decode().split() if top_level in names else sorted(
            {n.split("/")[0].removesuffix(".py") for n in names
             if not n.split("/")[0].endswith((".dist-info", ".data")) and (n.endswith(".py") or "/" in n)})
    markers = dict(PYODIDE_MARKERS, python_full_version=python,
                   python_version=".".join(python.split(".")[:2]))
    depends = {canonicalize_name(req.name) for req in map(Requirement, meta.get_all("Requires-Dist") or [])
               if req.marker is None or req.marker.evaluate(markers)}
    return canonicalize_name(meta["Name"]), {
        "name": meta["Name"], "version": meta["Version"], "file_name": wheel.name, "install_dir": "site",
        "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(), "package_type": "package",
        "imports": [i for i in imports if i.isidentifier()], "depends": sorted(depends),
        "unvendored_tests": False, "shared_library": False}


def bundle_into_lock(pyodide_dir, wheels):
    """Copy ``wheels`` into the site's Pyodide folder and add them to its lock file (a wheel of the same name
    as one of Pyodide's replaces it: the site's pins win); return the lock (``write_lock`` writes it).
    Every dependency must be in the lock file."""
    from packaging.utils import canonicalize_name
    lock_path = Path(pyodide_dir) / "pyodide-lock.json"
    lock = json.loads(lock_path.read_text())
    for wheel in wheels:
        key, entry = lock_entry(wheel, python=lock["info"].get("python", "3.12.7"))
        shutil.copy(wheel, Path(pyodide_dir) / wheel.name)
        lock["packages"][key] = entry
    missing = {f"{key} needs {dep}" for key, entry in lock["packages"].items()
               for dep in entry["depends"] if canonicalize_name(dep) not in lock["packages"]}
    if missing:
        raise RuntimeError(f"the site's lock file lacks dependencies: {sorted(missing)}")
    return lock


def preload_closure(lock, names):
    """The lock file's packages that loading ``names`` loads: them and their dependencies, recursively."""
    from packaging.utils import canonicalize_name
    todo, seen = [canonicalize_name(n) for n in names], set()
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += [canonicalize_name(d) for d in lock["packages"][name]["depends"]]
    return sorted(seen)


def fix_font_cache(pyodide_dir, lock, log=print):
    """Give Pyodide's matplotlib a font cache its version accepts, so it stops rebuilding it on every page.

    Pyodide's matplotlib 3.8.4 reads its font list from ``matplotlib/fontlist.json`` in its own wheel, but
    the one shipped there was made by a later matplotlib (version 390, not 330): every page rebuilt it,
    parsing all of matplotlib's 99 font files (about a second in the browser) and printing "Matplotlib is
    building the font cache" under the learner's first import. This writes the list that matplotlib
    would make, with this environment's matplotlib (its font properties for these files are the same),
    in the layout the wheel's version reads; a wheel whose list is already right is left alone.
    Returns True if it rewrote the wheel.
    """
    import re
    import zipfile
    entry = lock["packages"].get("matplotlib")
    if entry is None:
        return False
    wheel = Path(pyodide_dir) / entry["file_name"]
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        source = zf.read("matplotlib/font_manager.py").decode()
        found = re.search(r"class FontManager\b.*?__version__ = (\d+)", source, re.S)
        if found is None or "fontlist.json" not in source:
            return False
        version = int(found.group(1))
        current = json.loads(zf.read("matplotlib/fontlist.json")) if "matplotlib/fontlist.json" in names else {}
        if current.get("_version") == version:
            return False
        fonts = [n for n in names if n.startswith("matplotlib/mpl-data/fonts/")
                 and n.rsplit(".", 1)[-1].lower() in ("ttf", "otf", "afm")]
        with tempfile.TemporaryDirectory() as scratch:
            zf.extractall(scratch, fonts)
            data = Path(scratch) / "matplotlib" / "mpl-data"
            try:
                ttf, afm = _font_entries(data, sorted(fonts))
            except Exception as exc:  # another matplotlib here: the site still works, rebuilding as before
                log(f"note: matplotlib's font list was not precomputed ({exc})")
                return False
    fontlist = {"_version": version, "_FontManager__default_weight": "normal", "default_size": None,
                "defaultFamily": {"ttf": "DejaVu Sans", "afm": "Helvetica"}, "afmlist": afm, "ttflist": ttf,
                "__class__": "FontManager"}
    _replace_in_wheel(wheel, "matplotlib/fontlist.json", json.dumps(fontlist, indent=2).encode())
    return True


def _font_entries(data, fonts):
    """matplotlib's FontEntry fields (as JSON, file names relative to mpl-data) of each font file."""
    from matplotlib import _afm, font_manager, ft2font
    ttf, afm = [], []
    for name in fonts:
        path = data / name.split("mpl-data/", 1)[1]
        if path.suffix.lower() == ".afm":
            with open(path, "rb") as fh:
                props = font_manager.afmFontProperty(str(path), _afm.AFM(fh))
        else:
            props = font_manager.ttfFontProperty(ft2font.FT2Font(str(path)))
        (afm if path.suffix.lower() == ".afm" else ttf).append({
            "fname": path.relative_to(data).as_posix(), "name": props.name, "style": props.style,
            "variant": props.variant, "weight": props.weight, "stretch": props.stretch, "size": props.size,
            "__class__": "FontEntry"})
    return ttf, afm


def _replace_in_wheel(wheel, member, data):
    """Rewrite ``wheel`` with ``member``'s content replaced (and its line in RECORD)."""
    import base64
    import hashlib
    import zipfile
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    tmp = wheel.with_suffix(".tmp")
    with zipfile.ZipFile(wheel) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            content = zin.read(info)
            if info.filename == member:
                continue
            if info.filename.endswith(".dist-info/RECORD"):
                lines = [line for line in content.decode().splitlines() if not line.startswith(member + ",")]
                content = "\n".join(lines + [f"{member},sha256={digest},{len(data)}"]).encode() + b"\n"
            zout.writestr(info, content)
        zout.writestr(member, data)
    wheel.unlink()  # a new file: never write through to the Pyodide it was copied from
    tmp.rename(wheel)


def find_python(version):
    """A Python interpreter of ``version`` ("3.12"): $PYODIDE_PYTHON, python3.12 on PATH, or pyenv's; or None."""
    import glob
    import os
    candidates = [os.environ.get("PYODIDE_PYTHON"), shutil.which(f"python{version}"),
                  *sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python{version}")))]
    for python in filter(None, candidates):
        try:
            done = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                  capture_output=True, text=True, timeout=60)
        except OSError:
            continue
        if done.returncode == 0 and done.stdout.strip() == version:
            return python
    return None


def precompile(pyodide_dir, lock, names, log=print):
    """Give the wheels of ``names`` (from the lock file) and the standard library bytecode beside their
    sources, with a Python of Pyodide's own X.Y (``bytecode.py``). Without that Python here the site
    still works, compiling in the browser (slower): say so and go on. Returns True if it compiled."""
    version = ".".join(lock["info"]["python"].split(".")[:2])
    python = find_python(version)
    if python is None:
        log(f"note: no Python {version} found (PATH, $PYODIDE_PYTHON, pyenv), so the site's Python files are not "
            f"precompiled: each page compiles them as it starts, which is slower")
        return False
    pyodide_dir = Path(pyodide_dir)
    wheels = [pyodide_dir / lock["packages"][n]["file_name"] for n in names
              if lock["packages"][n]["file_name"].endswith(".whl")]
    done = subprocess.run([python, str(Path(__file__).with_name("bytecode.py")),
                           *map(str, wheels), str(pyodide_dir / "python_stdlib.zip")],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"precompiling the site's Python files failed:\n{done.stderr[-2000:]}")
    return True


def write_lock(pyodide_dir, lock):
    """Write the lock file with the SHA-256 of each package file as it now is (Pyodide checks them)."""
    import hashlib
    pyodide_dir = Path(pyodide_dir)
    for entry in lock["packages"].values():
        entry["sha256"] = hashlib.sha256((pyodide_dir / entry["file_name"]).read_bytes()).hexdigest()
    path = pyodide_dir / "pyodide-lock.json"
    path.unlink()  # a new file: never write through to the Pyodide it was copied from
    path.write_text(json.dumps(lock, indent=1, sort_keys=True))


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
        self_hosted = pyodide is not None
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
        kernel = {"disablePyPIFallback": True}
        if self_hosted:  # the kernel loads itself and the course with Pyodide, in one go, as it starts
            kernel["loadPyodideOptions"] = {"packages": [*KERNEL_PACKAGES, STUDENT_DIST]}
        (lite_dir / "jupyter-lite.json").write_text(json.dumps({
            "jupyter-lite-schema-version": 0,
            "jupyter-config-data": {"appName": course.title, "litePluginSettings": {KERNEL_SETTINGS: kernel}}},
            indent=1))
        # Only the Pyodide kernel's and the widgets' extensions: the others of this environment (nbgrader's,
        # jupytext's) target a newer JupyterLab than JupyterLite's and would break the page.
        (lite_dir / "jupyter_lite_config.json").write_text(json.dumps({
            "LiteBuildConfig": {"federated_extensions": federated_extensions()}}, indent=1))
        cmd = [sys.executable, "-m", "jupyter", "lite", "build", "--lite-dir", str(lite_dir),
               "--contents", str(content), "--output-dir", str(out), "--ignore-sys-prefix"]
        if not self_hosted:  # piplite's index on the site: the set-up cell's %pip installs from it
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
        if self_hosted:
            lock = bundle_into_lock(out / "static" / "pyodide", [*wheels, *kernel_wheels()])
            site_pyodide = out / "static" / "pyodide"
            fix_font_cache(site_pyodide, lock, log=log)
            precompile(site_pyodide, lock, preload_closure(lock, kernel["loadPyodideOptions"]["packages"]), log=log)
            write_lock(site_pyodide, lock)
    log(f"built a JupyterLite site of {len(course.all_notebooks)} lessons in {out}")
    return out


def main(args):
    build_site(args.out, args.pyodide)
    return 0
