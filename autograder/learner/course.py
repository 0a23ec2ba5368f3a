"""The course manifest, ``course.yml``: lessons, the function each leaves to the learner, points.

A lesson grades one function (``function`` and ``points``) or, like the bug hunt, several
(``functions``: each with its points, and a timeout if it needs one). A function is *taught* by the
first lesson that grades it; a later lesson of several functions may grade it again (the grader then
runs it with the toolbox of the lesson that taught it). ``lesson.per_function`` gives one view of a
lesson per graded function, shaped like a one-function lesson (``function``, ``points``,
``timeout``), so code that grades or reports function by function treats every lesson alike.

``load_course()`` reads the repository's ``course.yml`` when there is one
(a clone) and otherwise the copy ``autograder/learner/course.json`` that
``python -m autograder build`` writes for installs without the repository.
It validates what it reads and names the problem and the fix in one line.
"""
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from .functions import available, has_checks

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent.parent
COURSE_YML = REPO_ROOT / "course.yml"
COURSE_JSON = PACKAGE_DIR / "course.json"
DEFAULT_TIMEOUT = 10
ALL_OR_NOTHING, PER_CHECK = "all-or-nothing", "per-check"
SCORING = (ALL_OR_NOTHING, PER_CHECK)
"""How a lesson's points are earned (course.yml ``scoring``, for the course or one lesson): all of them when
every check passes and none otherwise (the default), or a share for each check that passes."""


def points_earned(points, scoring, report):
    """The points a grader's report earns out of ``points``: all when every check passes; otherwise 0, or,
    with ``per-check`` scoring, the share of the checks that pass (rounded to 2 decimals). A stub never
    attempted, a cell that cannot be graded or a report with no checks earns 0 either way."""
    if report.passed:
        return points
    if scoring != PER_CHECK or report.problem or report.not_attempted or not report.results:
        return 0
    return round(points * report.n_passed / len(report.results), 2)


class CourseError(ValueError):
    """course.yml is missing or malformed; the message says what to fix."""


@dataclass(frozen=True)
class Exercise:
    """One graded function of a lesson of several: its name, its points, the seconds its checks may take."""
    function: str
    points: int
    timeout: int = DEFAULT_TIMEOUT


@dataclass(frozen=True)
class Lesson:
    id: str                   # the folder name, e.g. "05_forward_prop": nbgrader's assignment id
    title: str
    function: str | None      # the one function the learner writes (None: an ungraded capstone or finale, or
    #                           a lesson of several functions, see `exercises`; in one of its `per_function`
    #                           views, that view's function)
    points: int = 0           # all its functions' points together
    timeout: int = DEFAULT_TIMEOUT  # seconds the grader allows the function's checks
    number: int = 0           # the position in the course, counting every notebook (1, 2, ...)
    part: int = 1             # each ungraded notebook (a capstone, a finale) closes a part
    result: str = ""          # what the lesson's network reaches, measured (for the README's table)
    scoring: str = ALL_OR_NOTHING  # or PER_CHECK: a share of the points for each check that passes
    exercises: tuple = ()     # a lesson of several functions: one Exercise each, in the notebook's order

    @property
    def functions(self):
        """The names of the functions it grades, in order: one, several, or none (a capstone, a finale)."""
        return tuple(e.function for e in self.exercises) or ((self.function,) if self.function else ())

    @property
    def graded(self):
        return bool(self.functions)

    @property
    def names(self):
        """Its graded functions' names, for people: "one_hot", or "one_hot, softmax, ..." for several."""
        return ", ".join(self.functions)

    @property
    def per_function(self):
        """One view of this lesson per graded function, each with that function's name, points and timeout
        (the lesson itself when it grades one function; none for a capstone or finale)."""
        if not self.exercises or self.function:  # one function (or none), or already a view
            return (self,) if self.function else ()
        return tuple(replace(self, function=e.function, points=e.points, timeout=e.timeout)
                     for e in self.exercises)

    def score(self, report):
        """The points ``report`` (the grader's FunctionReport for this lesson, or for one of its functions in
        a view from ``per_function``) earns."""
        return points_earned(self.points, self.scoring, report)

    @property
    def notebook(self):
        """The notebook's file name inside the lesson folder, e.g. "forward_prop.ipynb"."""
        return f"{self.function if self.function and not self.exercises else self.id.split('_', 1)[1]}.ipynb"

    @property
    def path(self):
        """The student notebook's path relative to the repository, e.g. lessons/05_forward_prop/forward_prop.ipynb."""
        return f"lessons/{self.id}/{self.notebook}"


@dataclass(frozen=True)
class Course:
    title: str
    repository: str
    branch: str
    lessons: tuple
    """The graded lessons, in course order."""
    finales: tuple = ()
    """The ungraded notebooks (a capstone, a finale), each closing a part of the course."""
    source: str = field(default="", compare=False)
    reference: tuple = ("solutions/network.py",)
    """The reference modules, in order: each graded function is written once, in one of them."""

    @property
    def functions(self):
        """The graded functions, each once, in the order the course teaches them."""
        return tuple(dict.fromkeys(f for lesson in self.lessons for f in lesson.functions))

    @property
    def per_function(self):
        """Every graded function of every lesson, in course order: one view of its lesson each (see
        ``Lesson.per_function``). A function graded by two lessons appears twice."""
        return tuple(view for lesson in self.lessons for view in lesson.per_function)

    @property
    def max_score(self):
        return sum(lesson.points for lesson in self.lessons)

    @property
    def all_notebooks(self):
        """Every notebook the course releases, graded or not, in course order."""
        return tuple(sorted(self.lessons + self.finales, key=lambda lesson: lesson.number))

    @property
    def capstone(self):
        """The first ungraded notebook (part 1's capstone), or None."""
        return self.finales[0] if self.finales else None

    @property
    def parts(self):
        """The part numbers, in order (1, 2, ...)."""
        return tuple(sorted({lesson.part for lesson in self.all_notebooks}))

    def graded_through(self, part):
        """The graded lessons of parts 1 to ``part``: what a finale of that part assembles."""
        return tuple(lesson for lesson in self.lessons if lesson.part <= part)

    def lesson_for(self, function):
        """The lesson that teaches ``function``: the first to grade it (a view of it, for a lesson of several)."""
        for view in self.per_function:
            if view.function == function:
                return view
        raise CourseError(f"No lesson in {self.source} teaches {function!r}.")

    def lesson(self, lesson_id):
        for lesson in self.all_notebooks:
            if lesson.id == lesson_id:
                return lesson
        raise CourseError(f"No lesson {lesson_id!r} in {self.source}; "
                          f"the lessons are {', '.join(l.id for l in self.all_notebooks)}.")

    def to_dict(self):
        def lesson_dict(lesson):
            d = {"id": lesson.id, "title": lesson.title}
            if lesson.function:
                d.update(function=lesson.function, points=lesson.points)
                if lesson.timeout != DEFAULT_TIMEOUT:
                    d["timeout"] = lesson.timeout
            elif lesson.exercises:
                d["functions"] = [{"function": e.function, "points": e.points}
                                  | ({"timeout": e.timeout} if e.timeout != DEFAULT_TIMEOUT else {})
                                  for e in lesson.exercises]
            if lesson.graded and lesson.scoring != ALL_OR_NOTHING:
                d["scoring"] = lesson.scoring
            if lesson.result:
                d["result"] = lesson.result
            return d
        return {"title": self.title, "repository": self.repository, "branch": self.branch,
                "reference": list(self.reference), "lessons": [lesson_dict(l) for l in self.all_notebooks]}


def parse_course(data, source="course.yml"):
    """Validate the manifest's data (a dict) and return a Course."""
    def fail(problem):
        raise CourseError(f"{source}: {problem}")

    if not isinstance(data, dict):
        fail("expected a mapping with title, repository and lessons at the top.")
    for key in ("title", "repository", "lessons"):
        if key not in data:
            fail(f"missing {key!r} at the top level.")
    if not isinstance(data["lessons"], list) or not data["lessons"]:
        fail("'lessons' must be a non-empty list.")
    entries = list(data["lessons"])
    if data.get("capstone"):  # the older layout: one ungraded capstone after the lessons
        cap = data["capstone"]
        if not isinstance(cap, dict) or "id" not in cap or "title" not in cap:
            fail("'capstone' needs an id and a title.")
        entries.append({"id": cap["id"], "title": cap["title"]})
    scoring = data.get("scoring", ALL_OR_NOTHING)
    if scoring not in SCORING:
        fail(f"'scoring' is {scoring!r}; give {ALL_OR_NOTHING} (the default: a lesson's points only when every "
             f"check passes) or {PER_CHECK} (a share of the points for each check that passes).")

    def exercise(entry, where, taught, again):
        """One graded function: known to the autograder, positive points, a positive timeout. ``again``: it
        may be one taught by an earlier lesson (a lesson of several functions may grade it again)."""
        function, points = entry.get("function"), entry.get("points")
        if function is None or points is None:
            fail(f"{where}: each of its functions needs a function and its points.")
        if not has_checks(function):
            fail(f"{where} names unknown function {function!r}; the autograder has checks for "
                 f"{', '.join(available())} (autograder/learner/functions/).")
        if function in taught and not again:
            fail(f"{function!r} is taught by two lessons; each function belongs to one lesson (a later "
                 f"lesson of several functions may grade it again, in its 'functions' list).")
        if not isinstance(points, int) or isinstance(points, bool) or points <= 0:
            fail(f"{where} has points {points!r}; points must be a positive whole number.")
        timeout = entry.get("timeout", DEFAULT_TIMEOUT)
        if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
            fail(f"{where} has timeout {timeout!r}; give a positive number of seconds.")
        return Exercise(function, points, timeout)

    lessons, finales, seen_ids, seen_functions, part = [], [], set(), set(), 1
    for number, entry in enumerate(entries, start=1):
        where = f"lesson {number}"
        if not isinstance(entry, dict):
            fail(f"{where} must be a mapping with id, function, title and points (or, for an ungraded "
                 f"capstone or finale, id and title only).")
        lesson_id = entry.get("id")
        if lesson_id in seen_ids:
            fail(f"duplicate lesson id {lesson_id!r}; each lesson needs its own folder name.")
        result = str(entry.get("result", ""))
        if "function" not in entry and "points" not in entry and "functions" not in entry:
            # an ungraded notebook closes a part
            for key in ("id", "title"):
                if key not in entry:
                    fail(f"{where} ({entry.get('id', '?')}) has no {key!r}; an ungraded capstone or finale "
                         f"needs an id and a title.")
            if not any(l.part == part for l in lessons):
                fail(f"{where} ({lesson_id}) closes a part that has no graded lesson; put it after them.")
            seen_ids.add(lesson_id)
            finales.append(Lesson(id=lesson_id, title=str(entry["title"]), function=None, number=number,
                                  part=part, result=result))
            part += 1
            continue
        if "functions" in entry:  # a lesson of several functions
            for key in ("id", "title"):
                if key not in entry:
                    fail(f"{where} ({entry.get('id', '?')}) has no {key!r}; every lesson needs an id and a title.")
            if "function" in entry or "points" in entry:
                fail(f"{where} ({lesson_id}) has both 'functions' and 'function'/'points': a lesson of several "
                     f"functions gives each its points in its 'functions' list.")
            graded = entry["functions"]
            if not isinstance(graded, list) or len(graded) < 2 or not all(isinstance(g, dict) for g in graded):
                fail(f"{where} ({lesson_id}): 'functions' must list two or more mappings, each with a function "
                     f"and its points (a lesson of one function uses 'function' and 'points').")
            exercises = []
            for g in graded:
                exercises.append(exercise(g, f"{where} ({lesson_id})", seen_functions, again=True))
            names = [e.function for e in exercises]
            if len(set(names)) < len(names):
                fail(f"{where} ({lesson_id}) lists a function twice in 'functions'.")
            seen_ids.add(lesson_id)
            seen_functions.update(names)
            lesson_scoring = entry.get("scoring", scoring)
            if lesson_scoring not in SCORING:
                fail(f"{where} ({lesson_id}) has scoring {lesson_scoring!r}; give {ALL_OR_NOTHING} or {PER_CHECK}.")
            lessons.append(Lesson(id=lesson_id, title=str(entry["title"]), function=None,
                                  points=sum(e.points for e in exercises), timeout=max(e.timeout for e in exercises),
                                  number=number, part=part, result=result, exercises=tuple(exercises),
                                  scoring=lesson_scoring))
            continue
        for key in ("id", "function", "title", "points"):
            if key not in entry:
                fail(f"{where} ({entry.get('id', '?')}) has no {key!r}; every lesson needs id, function, title and points.")
        one = exercise(entry, f"{where} ({lesson_id})", seen_functions, again=False)
        lesson_scoring = entry.get("scoring", scoring)
        if lesson_scoring not in SCORING:
            fail(f"{where} ({lesson_id}) has scoring {lesson_scoring!r}; give {ALL_OR_NOTHING} or {PER_CHECK}.")
        seen_ids.add(lesson_id)
        seen_functions.add(one.function)
        lessons.append(Lesson(id=lesson_id, title=str(entry["title"]), function=one.function,
                              points=one.points, timeout=one.timeout, number=number, part=part, result=result,
                              scoring=lesson_scoring))
    if not lessons:
        fail("'lessons' must hold at least one graded lesson.")
    reference = data.get("reference", ["solutions/network.py"])
    if not isinstance(reference, list) or not reference or not all(
            isinstance(p, str) and p.startswith("solutions/") and p.endswith(".py") for p in reference):
        fail("'reference' must list the reference modules, e.g. [solutions/network.py].")
    return Course(title=str(data["title"]), repository=str(data["repository"]).rstrip("/"),
                  branch=str(data.get("branch", "main")), lessons=tuple(lessons),
                  finales=tuple(finales), source=source, reference=tuple(reference))


def load_course(path=None):
    """The course manifest: ``path`` if given, else the repository's course.yml, else the packaged copy."""
    if path is None:
        path = COURSE_YML if COURSE_YML.exists() else COURSE_JSON
    path = Path(path)
    if not path.exists():
        raise CourseError(f"{path} not found: run this from a clone of the course, "
                          f"or reinstall the course package.")
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix == ".json":
            data = json.loads(text)
        else:
            import yaml
            data = yaml.safe_load(text)
    except Exception as exc:  # yaml.YAMLError or json.JSONDecodeError
        kind = "JSON" if path.suffix == ".json" else "YAML"
        where = getattr(exc, "problem_mark", None)
        at = f" (line {where.line + 1})" if where is not None else ""
        raise CourseError(f"{path.name} is not valid {kind}{at}: {str(exc).splitlines()[0]}. "
                          f"Fix it, or restore it with `git checkout {path.name}`.") from None
    return parse_course(data, source=path.name)
