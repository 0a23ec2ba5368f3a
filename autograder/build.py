"""``python -m autograder build``: make every derived file of the course from its sources.

Sources: ``course.yml``, the reference network ``solutions/network.py`` and
each lesson's text ``solutions/<lesson>/<name>.md`` (jupytext markdown).
Derived, and checked for freshness by ``build --check`` in CI:

- ``solutions/<lesson>/<name>.ipynb``: the nbgrader source notebook. Code
  cells holding only ``#| generated: <kind>`` are filled in: ``setup`` (the
  Colab install), ``toolbox`` (earlier lessons' functions, read-only),
  ``solution`` (the graded function from network.py between BEGIN/END
  SOLUTION) and ``check`` (the check cell, with the hidden grading call);
- ``lessons/<lesson>/<name>.ipynb``: the student copy, made by nbgrader's own
  ``generate_assignment``, with no outputs;
- ``autograder/fixtures.npz`` and ``autograder/course.json``: what the
  learners' checks need without the reference;
- ``nbgrader_config.py`` and the lesson table in ``README.md``.
"""
import ast
import contextlib
import filecmp
import io
import json
import logging
import re
import shutil
import tempfile
from pathlib import Path

import nbformat

from .course import GRADED_FUNCTIONS, load_course

ROOT = Path(__file__).resolve().parent.parent
COMMAND = "python -m autograder build"
MARKER = re.compile(r"^#\|\s*generated:\s*(\w+)\s*$")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


# ----------------------------------------------------------------------------- reference code

class Reference:
    """The reference module's source, split into imports, constants and functions."""

    def __init__(self, path):
        self.path = Path(path)
        self.text = self.path.read_text(encoding="utf-8")
        lines = self.text.splitlines(keepends=True)
        self.imports, self.constants, self.functions, self.order = [], [], {}, []
        for node in ast.parse(self.text).body:
            segment = "".join(lines[node.lineno - 1:node.end_lineno])
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                self.imports.append(segment)
            elif isinstance(node, ast.Assign):
                comments = []
                k = node.lineno - 2
                while k >= 0 and lines[k].startswith("#"):
                    comments.insert(0, lines[k])
                    k -= 1
                self.constants.append("".join(comments) + segment)
            elif isinstance(node, ast.FunctionDef):
                self.functions[node.name] = (node, segment)
                self.order.append(node.name)

    def source(self, name):
        return self.functions[name][1]

    def solution(self, name):
        """The function with its body between nbgrader's BEGIN/END SOLUTION markers."""
        node, segment = self.functions[name]
        body = node.body
        first = body[1] if ast.get_docstring(node) is not None else body[0]
        lines = segment.splitlines(keepends=True)
        split = first.lineno - node.lineno
        indent = " " * first.col_offset
        return "".join(lines[:split]) + f"{indent}### BEGIN SOLUTION\n" + "".join(lines[split:]) \
            + f"{indent}### END SOLUTION\n"


# ----------------------------------------------------------------------------- generated cells

def setup_cell(course):
    url = f"git+{course.repository}@{course.branch}"
    return f'''# Set-up: run this cell first. In Google Colab it installs the course's checks and MNIST
# (about 20 s); on your own machine, in Binder or in the browser it does nothing.
import sys
if "google.colab" in sys.modules:
    import importlib, subprocess
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                    "nn-from-scratch @ {url}"], check=True)
    importlib.invalidate_caches()'''


def toolbox_cell(ref, lesson, course):
    earlier = [l.function for l in course.lessons if l.number < lesson.number]
    if lesson.function is None:  # the capstone rebuilds everything from the learner's own work
        earlier = []
    helpers = [n for n in ref.order if n not in GRADED_FUNCTIONS and any(
        ref.order.index(n) > ref.order.index(f) for f in earlier)]
    names = [n for n in ref.order if n in earlier or n in helpers]
    head = ("# Your toolbox: the course's versions of the functions from earlier lessons, so that one\n"
            "# mistake there never holds you up here. Read them if you like; this cell is read-only.\n"
            if names else "# Your toolbox: the imports and sizes every lesson uses. This cell is read-only.\n")
    parts = [head + "".join(ref.imports), "".join(ref.constants)] + [ref.source(n) for n in names]
    return "\n\n".join(p.strip("\n") for p in parts)


def check_cell(function):
    return (f'# Check your {function}: run this cell. It is read-only.\n'
            f'check("{function}")\n'
            f'### BEGIN HIDDEN TESTS\n'
            f'from autograder.nbgrader_cell import grade\n'
            f'grade("{function}")\n'
            f'### END HIDDEN TESTS')


def banner(lesson, course, source):
    colab = f"https://colab.research.google.com/github/{_github_path(course)}/blob/{course.branch}/{lesson.path}"
    binder = f"https://mybinder.org/v2/gh/{_github_path(course)}/{course.branch}?labpath={lesson.path}"
    return (f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab}) "
            f"[![Binder](https://mybinder.org/badge_logo.svg)]({binder})\n\n"
            f"<small>Generated by `{COMMAND}` from `{source}`; course authors edit that file. "
            f"Lesson {lesson.number} of {len(course.all_notebooks)}"
            + (f" · the worked answer is in `solutions/{lesson.id}/` (try the check first)." if lesson.function
               else ".") + "</small>")


def _github_path(course):
    return course.repository.split("github.com/", 1)[-1]


def nbgrader_meta(grade_id, *, solution=False, grade=False, locked=False, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def source_notebook(lesson, course, ref, text_path):
    """The nbgrader source notebook of one lesson, from its markdown text."""
    import jupytext

    nb = jupytext.reads(text_path.read_text(encoding="utf-8"), fmt="md")
    cells = [nbformat.v4.new_markdown_cell(banner(lesson, course, text_path.relative_to(ROOT).as_posix()))]
    seen = set()
    for cell in nb.cells:
        marker = MARKER.match(cell.source.strip()) if cell.cell_type == "code" else None
        if not marker:
            new = (nbformat.v4.new_code_cell if cell.cell_type == "code" else nbformat.v4.new_markdown_cell)(
                cell.source)
            cells.append(new)
            continue
        kind = marker.group(1)
        if kind in seen:
            raise ValueError(f"{text_path}: '#| generated: {kind}' appears twice.")
        seen.add(kind)
        if kind == "setup":
            cells.append(nbformat.v4.new_code_cell(setup_cell(course)))
        elif kind == "toolbox":
            cells.append(nbformat.v4.new_code_cell(toolbox_cell(ref, lesson, course),
                                                   metadata=nbgrader_meta("toolbox", locked=True)))
        elif kind == "solution":
            cells.append(nbformat.v4.new_code_cell(ref.solution(lesson.function),
                                                   metadata=nbgrader_meta(lesson.function, solution=True)))
        elif kind == "check":
            cells.append(nbformat.v4.new_code_cell(
                check_cell(lesson.function),
                metadata=nbgrader_meta(f"check_{lesson.function}", grade=True, locked=True, points=lesson.points)))
        else:
            raise ValueError(f"{text_path}: unknown generated cell {kind!r}; use setup, toolbox, solution or check.")
    needed = {"setup", "toolbox"} | ({"solution", "check"} if lesson.function else set())
    if needed - seen:
        raise ValueError(f"{text_path}: missing generated cells {sorted(needed - seen)}; "
                         f"add a code cell holding only `#| generated: <kind>` for each.")
    for i, cell in enumerate(cells):
        cell["id"] = f"{lesson.id}-{i:02d}"
    out = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": KERNELSPEC, "language_info": {"name": "python"}})
    return out


# ----------------------------------------------------------------------------- writing

def write_if_changed(path, text):
    path = Path(path)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def notebook_text(nb):
    return nbformat.writes(nb) + "\n" if not nbformat.writes(nb).endswith("\n") else nbformat.writes(nb)


def clean_student_copy(path, lesson, course):
    """Strip outputs and execution counts, and say where the file comes from."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    return notebook_text(nb)


def nbgrader_config(course):
    width = max(len(l.id) for l in course.all_notebooks)
    assignments = "\n".join(f"#   {l.id:<{width}}  {l.notebook:<24} {l.points} points" if l.function else
                            f"#   {l.id:<{width}}  {l.notebook:<24} not graded"
                            for l in course.all_notebooks)
    return f'''# Generated by `{COMMAND}` from course.yml: edit course.yml, not this file.
# This repository is an nbgrader course directory: the nbgrader source notebooks are in
# solutions/<lesson>/ and the released student copies in lessons/<lesson>/.
#
# The assignments (one a lesson, `nbgrader generate_assignment <id>` adds each to the gradebook
# with the points of its test cell):
{assignments}
c = get_config()  # noqa: F821

c.CourseDirectory.course_id = "{_github_path(course).split("/")[-1]}"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "lessons"
# Lesson texts (.md) are the authors' sources; they are not released.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.md"]

# A cell that runs for more than a minute is interrupted and the next one runs;
# the grading of each function has its own, shorter limit (course.yml: timeout).
c.ExecutePreprocessor.timeout = 180
c.Execute.interrupt_on_timeout = True
c.Execute.execute_retries = 1

# nbgrader scores a test cell that writes to stderr as 0. The checks write nothing there,
# but libraries may warn (matplotlib building its font cache, a DeprecationWarning):
# those lines are removed before grading so a right answer is never scored 0 for them.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"Warning|Matplotlib is building the font cache|it/s\\]|^\\s*$"
'''


def readme_table(course):
    rows = ["| # | lesson | you write | points |", "|---|---|---|---|"]
    for l in course.lessons:
        rows.append(f"| {l.number} | [{l.title}]({l.path}) | `{l.function}` | {l.points} |")
    if course.capstone:
        c = course.capstone
        rows.append(f"| {c.number} | [{c.title}]({c.path}) | your whole network, from your own functions | - |")
    return "\n".join(rows)


def update_readme(root, course):
    path = Path(root) / "README.md"
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    start, end = "<!-- lessons:start (generated by python -m autograder build) -->", "<!-- lessons:end -->"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        write_if_changed(path, f"{before}{start}\n{readme_table(course)}\n{end}{after}")


def generate_student_copies(root, course):
    """Run nbgrader's generate_assignment for every lesson into lessons/ (no database)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.source_directory = "solutions"
    config.CourseDirectory.release_directory = "lessons"
    config.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.md"]
    config.GenerateAssignment.create_assignment = False
    config.GenerateAssignment.no_database = True
    config.SaveCells.enabled = False
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as scratch:
        config.CourseDirectory.db_url = f"sqlite:///{scratch}/unused.db"
        coursedir = CourseDirectory(config=config)
        api = NbGraderAPI(coursedir=coursedir, config=config)
        api.log.setLevel(logging.ERROR)
        for lesson in course.all_notebooks:
            out = Path(root) / "lessons" / lesson.id
            if out.exists():
                shutil.rmtree(out)
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                result = api.generate_assignment(lesson.id, force=True, create=False)
            if not result["success"]:
                raise RuntimeError(f"nbgrader generate_assignment {lesson.id} failed:\n{result['error']}")
            for nb_path in out.glob("*.ipynb"):
                nb_path.write_text(clean_student_copy(nb_path, lesson, course), encoding="utf-8")


def build(root=ROOT, log=print, only=None):
    """Regenerate every derived file under ``root`` (with ``only``: just those lessons' notebooks)."""
    root = Path(root)
    course = load_course(root / "course.yml")
    ref = Reference(root / "solutions" / "network.py")
    if only:
        import dataclasses
        keep = [course.lesson(lesson_id) for lesson_id in only]
        selected = dataclasses.replace(course, lessons=tuple(l for l in keep if l.function),
                                       capstone=next((l for l in keep if not l.function), None))
    else:
        selected = course
        write_if_changed(root / "autograder" / "course.json", json.dumps(course.to_dict(), indent=1) + "\n")
    for lesson in selected.all_notebooks:
        folder = root / "solutions" / lesson.id
        text = folder / f"{Path(lesson.notebook).stem}.md"
        if not text.exists():
            raise FileNotFoundError(f"{text.relative_to(root)} is missing: each lesson in course.yml needs its text.")
        nb = source_notebook(lesson, course, ref, text)
        write_if_changed(folder / lesson.notebook, notebook_text(nb))
    if not only:
        write_if_changed(root / "nbgrader_config.py", nbgrader_config(course))
        update_readme(root, course)
        _build_fixtures(root, course)
    generate_student_copies(root, selected)
    log(f"built {len(selected.all_notebooks)} lessons: sources in solutions/, student copies in lessons/")


def _build_fixtures(root, course):
    """Write autograder/fixtures.npz unless its content is already the same."""
    from . import fixtures
    from .oracle import LiveOracle

    meta, arrays = fixtures.build(LiveOracle(), [l.function for l in course.lessons])
    path = Path(root) / "autograder" / "fixtures.npz"
    if path.exists():
        try:
            old_meta, old_arrays = fixtures.read(path)
            import numpy as np
            if old_meta == json.loads(json.dumps(meta)) and old_arrays.keys() == arrays.keys() and all(
                    np.array_equal(old_arrays[k], arrays[k]) and old_arrays[k].dtype == arrays[k].dtype
                    for k in arrays):
                return
        except fixtures.FixturesError:
            pass
    fixtures.write(path, meta, arrays)


GENERATED = ["autograder/course.json", "autograder/fixtures.npz", "nbgrader_config.py", "README.md"]


def stale_files(root=ROOT):
    """Build into a scratch copy of the repository; list the generated files that differ."""
    root = Path(root)
    course = load_course(root / "course.yml")
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "repo"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(
            ".git", ".venv", "venv", "__pycache__", ".pytest_cache", "*.egg-info", ".ipynb_checkpoints", "_output"))
        with contextlib.redirect_stdout(io.StringIO()):
            build(copy, log=lambda *a: None)
        paths = list(GENERATED)
        for lesson in course.all_notebooks:
            paths.append(f"solutions/{lesson.id}/{lesson.notebook}")
            for p in sorted((copy / "lessons" / lesson.id).rglob("*")):
                paths.append(p.relative_to(copy).as_posix())
            for p in sorted((root / "lessons" / lesson.id).rglob("*")):
                paths.append(p.relative_to(root).as_posix())
        stale = []
        for rel in dict.fromkeys(paths):
            a, b = root / rel, copy / rel
            if a.is_dir() or b.is_dir():
                continue
            if not a.exists() or not b.exists():
                stale.append(rel)
            elif rel.endswith(".npz"):
                from . import fixtures
                import numpy as np
                (ma, aa), (mb, ab) = fixtures.read(a), fixtures.read(b)
                if ma != mb or aa.keys() != ab.keys() or not all(np.array_equal(aa[k], ab[k]) for k in aa):
                    stale.append(rel)
            elif not filecmp.cmp(a, b, shallow=False):
                stale.append(rel)
        return stale


def main(args):
    if args.check:
        stale = stale_files()
        if stale:
            print("These generated files are stale; run `python -m autograder build` and commit:")
            for rel in stale:
                print(f"  {rel}")
            return 1
        print("All generated files are fresh.")
        return 0
    build(only=args.lesson)
    return 0
