"""Where a learner stands, read from their own notebooks: ``python -m autograder progress``.

For each lesson: its function's state (not attempted, failing with the
first hint, passing, or a notebook problem), and the overall score. It runs
the learner's own cells here, with the course's toolbox, and judges them
with the same stored checks as the check cells: pure NumPy, no network, so
it works offline, in Colab and in the browser.

``assemble(part=1)`` is the capstone's and ``assemble(part=2)`` the finale's:
it rebuilds the network from the learner's own functions (every graded
lesson of those parts), checking each on the way, and says which one still
fails before anything is trained. ``mine("backward_prop")`` fetches one of
them, checked, for a later lesson that wants to use the learner's own.
"""
import json
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from . import render
from .call import time_limit
from .cellrun import run_cell
from .checking import CheckFailed, judge
from .course import load_course
from .notebooks import (
    NotebookError,
    cell_source,
    graded_cells,
    nbgrader_meta,
    pick_cell,
    read_notebook,
)
from .pysource import parse
from .starters import handed_out


@dataclass
class LessonState:
    lesson: object
    state: str            # "passing", "failing", "not attempted", "not here yet" or "problem"
    hint: str = ""
    checks: str = ""      # e.g. "7/10"

    @property
    def points(self):
        return self.lesson.points if self.state == "passing" else 0

    def to_dict(self):
        return {"lesson": self.lesson.id, "function": self.lesson.function, "title": self.lesson.title,
                "state": self.state, "checks": self.checks, "points": self.points,
                "max_points": self.lesson.points, "hint": self.hint}


MISSING = "missing"  # the lesson's notebook is not in the folder (not downloaded or released yet)
UNTOUCHED = ("still the original notebook's {function}, as the lesson handed it out: investigate it with the "
             "lesson's probe, then repair it (its check says what is wrong once you have changed it).")


def default_folder():
    """The learner's lessons folder: ./lessons, or this folder's parent inside a lesson."""
    here = Path.cwd()
    for candidate in (here / "lessons", here.parent, here):
        if any((candidate / l.id).is_dir() for l in load_course().lessons):
            return candidate
    return here / "lessons"


def _notebook_path(folder, lesson):
    folder = Path(folder)
    for path in (folder / lesson.id / lesson.notebook, folder / lesson.notebook):
        if path.exists():
            return path
    return None


def _toolbox(nb):
    for cell in nb["cells"]:
        if nbgrader_meta(cell).get("grade_id") == "toolbox":
            return cell_source(cell)
    return ""


def _load_function(lesson, folder, namespace=None):
    """(function or None, problem text, its cell's source or "") from the learner's notebook for ``lesson``."""
    path = _notebook_path(folder, lesson)
    if path is None:
        return None, MISSING, ""
    try:
        nb = read_notebook(path)
    except NotebookError as exc:
        return None, str(exc), ""
    cell, problem = pick_cell(lesson.function, graded_cells(path, nb).get(lesson.function, []))
    if cell is None:
        return None, problem, ""
    if namespace is None:
        namespace = {"__name__": "__lesson__"}
        run_cell(_toolbox(nb), namespace, "<toolbox>")
        # a lesson of several functions: the ones written above this one, as the notebook runs them
        for earlier in lesson.functions[:lesson.functions.index(lesson.function)] if lesson.exercises else ():
            above, _ = pick_cell(earlier, graded_cells(path, nb).get(earlier, []))
            if above is not None:
                try:
                    with time_limit(10):
                        run_cell(above.source, namespace)
                except BaseException as exc:  # the runner's time-up: that function stays undefined
                    if isinstance(exc, KeyboardInterrupt):
                        raise
    try:
        with time_limit(10):
            problems = run_cell(cell.source, namespace)
    except BaseException as exc:  # the runner's time-up, raised inside the learner's cell
        if isinstance(exc, KeyboardInterrupt):
            raise
        return None, f"running the cell of {lesson.function} took more than 10 s.", ""
    fn = namespace.get(lesson.function)
    if not callable(fn):
        detail = f" ({problems[0]['type']}: {problems[0]['message']})" if problems else ""
        return None, f"the cell of {lesson.function} does not define it{detail}.", ""
    return fn, "", cell.source


def lesson_state(lesson, folder, namespace=None):
    return _state_and_function(lesson, folder, namespace)[0]


def _state_and_function(lesson, folder, namespace=None):
    """(LessonState, the learner's function or None)."""
    fn, problem, source = _load_function(lesson, folder, namespace)
    if problem is MISSING:
        return LessonState(lesson, "not here yet", f"{lesson.id}/{lesson.notebook} is not in {folder} yet."), None
    if fn is None:
        return LessonState(lesson, "problem", problem), None
    report = judge(lesson.function, fn)
    checks = f"{report.n_passed}/{len(report.results)}" if report.results else ""
    if report.not_attempted:
        return LessonState(lesson, "not attempted", "", checks), fn
    if report.passed:
        return LessonState(lesson, "passing", "", checks), fn
    if handed_out(lesson.id, lesson.function, source=source):  # the bug hunt's original, not changed yet
        return LessonState(lesson, "failing", UNTOUCHED.format(function=lesson.function), checks), fn
    return LessonState(lesson, "failing", report.first_failure, checks), fn


def progress(folder=None):
    """Every lesson's LessonState, in course order (a lesson of several functions: one for each)."""
    folder = Path(folder) if folder else default_folder()
    return [lesson_state(lesson, folder) for lesson in load_course().per_function]


def show_progress(folder=None):
    """Show the learner's progress: a table in Jupyter (with a text form beside it), text elsewhere.

    It displays itself and returns nothing, so nothing is echoed under the
    table; ``progress(folder)`` returns the states for programs.
    """
    states = progress(folder)
    course = load_course()
    render.show(render.progress_html(states, course.max_score, course.finales),
                render.progress_text(states, course.max_score, course.finales))


def _refusal(lesson, state, stop):
    reason = {"not attempted": "is not attempted yet", "problem": "cannot be loaded",
              "not here yet": "is not in your lessons folder yet",
              "failing": "does not pass its check yet"}[state.state]
    detail = f": {state.hint}" if state.hint else "."
    return (f"Your {lesson.function} (lesson {lesson.number}, lessons/{lesson.id}/) {reason}{detail} "
            f"Fix it there first; {stop}")


def assemble(folder=None, part=None):
    """The learner's network, from their own lesson notebooks, each function checked first.

    ``part``: assemble the graded lessons of parts 1 to ``part`` (the
    capstone closes part 1, the finale part 2); None means every graded
    lesson. Returns a namespace with one attribute per graded function, all
    defined in one namespace, so each calls the learner's own versions of
    the others. Raises CheckFailed naming the first function that does not
    pass its check, so a broken network is never trained silently.
    """
    folder = Path(folder) if folder else default_folder()
    course = load_course()
    taught = [course.lesson_for(f) for f in course.functions]  # each function from the lesson that teaches it
    lessons = taught if part is None else [l for l in taught if l.part <= part]
    namespace = {"__name__": "__capstone__"}
    first = _notebook_path(folder, course.lessons[0])
    if first is not None:
        try:
            run_cell(_toolbox(read_notebook(first)), namespace, "<toolbox>")
        except NotebookError:
            pass
    for lesson in lessons:
        if lesson.number > 1:
            _add_prelude(folder, lesson, namespace)
        state = lesson_state(lesson, folder, namespace)
        if state.state != "passing":
            raise CheckFailed(_refusal(lesson, state, "nothing was trained."))
    return SimpleNamespace(**{l.function: namespace[l.function] for l in lessons})


def _add_prelude(folder, lesson, namespace):
    """Names a later part's toolbox adds (imports and settings, e.g. part 2's), never a function: the
    learner's own functions stay the ones in the namespace."""
    path = _notebook_path(folder, lesson)
    if path is None:
        return
    try:
        source = _toolbox(read_notebook(path))
    except NotebookError:
        return
    import ast
    try:
        tree = parse(source)
    except SyntaxError:
        return
    keep = [node for node in tree.body if not isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    fresh = {}
    run_cell(ast.unparse(ast.Module(body=keep, type_ignores=[])), fresh, "<toolbox>")
    for name, value in fresh.items():
        if name not in namespace and not name.startswith("__"):
            namespace[name] = value


def mine(function, folder=None):
    """The learner's own ``function``, from their lesson notebook, after it passes its check.

    The cell runs with its lesson's toolbox (the course's versions of the
    earlier functions) around it. Raises CheckFailed, saying why, when it is
    missing, not attempted or failing, so a lesson can fall back on the
    course's version and say so.
    """
    folder = Path(folder) if folder else default_folder()
    lesson = load_course().lesson_for(function)
    state, fn = _state_and_function(lesson, folder)
    if state.state != "passing":
        raise CheckFailed(_refusal(lesson, state, "until then this lesson uses the course's version."))
    return fn


def main(args):
    if args.folder and not Path(args.folder).is_dir():
        print(f"{args.folder} is not a folder: give the folder that holds your lessons (the one with "
              f"01_one_hot/ in it), or run this from there.")
        return 2
    states = progress(args.folder)
    if all(s.state == "not here yet" for s in states):
        folder = Path(args.folder) if args.folder else default_folder()
        first = load_course().lessons[0]
        message = (f"{folder} holds none of the course's lesson notebooks (looked for {first.id}/{first.notebook} "
                   f"and the rest): give the folder that holds your lessons, e.g. "
                   f"`python -m autograder progress lessons`, or run this from there.")
        print(json.dumps({"error": message}) if args.json else message)
        return 2
    if args.json:
        course = load_course()
        print(json.dumps({"score": sum(s.points for s in states), "max_score": course.max_score,
                          "lessons": [s.to_dict() for s in states]}, indent=1))
    else:
        course = load_course()
        print(render.progress_text(states, course.max_score, course.finales))
    return 0
