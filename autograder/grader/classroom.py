"""Thin wrappers over nbgrader's own API for the whole course: ``python -m autograder nbgrader ...``.

Each command runs nbgrader (``NbGraderAPI``, ``Gradebook``, ``CsvExportPlugin``)
on every lesson of course.yml in the course directory (the repository by
default), so an instructor types one command instead of fourteen. Nothing
here grades by itself: the scores are nbgrader's, computed by its autograde.
"""
import contextlib
import io
import logging
import os
import sys
from pathlib import Path

from ..learner.course import load_course


def without_iri_grammar():
    """Call before nbgrader is first imported: it saves 3 s (under load; 1 s idle) of every import of it.

    nbgrader imports nbformat, which imports jsonschema, whose format checker imports ``rfc3987_syntax``
    when it is installed (jupyter_server's dependencies install it): that module builds a Lark grammar as
    it is imported, to check the "iri" and "iri-reference" formats. No schema that nbgrader or nbformat
    validates uses those formats, so this process does without it (jsonschema then leaves the two formats
    unchecked, as where it is not installed). Nothing is changed once jsonschema has been imported."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


def course_config(root, db_url=None):
    """(config, CourseDirectory) of the course directory ``root``, as its nbgrader_config.py sets them."""
    without_iri_grammar()
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    root = Path(root).resolve()
    config = Config()
    config_file = root / "nbgrader_config.py"
    if config_file.exists():
        config.merge(PyFileConfigLoader(str(config_file)).load_config())
    config.CourseDirectory.root = str(root)
    if db_url:
        config.CourseDirectory.db_url = db_url
    return config, CourseDirectory(config=config)


def api_for(root, db_url=None):
    """An NbGraderAPI for the course directory ``root``, configured by its nbgrader_config.py."""
    from nbgrader.apps import NbGraderAPI

    config, coursedir = course_config(root, db_url)
    # nbgrader runs the `alembic` command to create a gradebook: make sure this environment's is found.
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    api = NbGraderAPI(coursedir=coursedir, config=config)
    api.log.setLevel(logging.WARNING)
    return api


def _run(label, call):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        result = call()
    if not result.get("success"):
        raise RuntimeError(f"{label} failed:\n{result.get('error') or result.get('log')}")
    return result


def release(api, lessons=None):
    """generate_assignment for each lesson: student copies in release/, assignments in the gradebook."""
    for lesson in _lessons(lessons):
        _run(f"generate_assignment {lesson.id}", lambda: api.generate_assignment(lesson.id, force=True, create=True))


def autograde(api, lessons=None, students=None, jobs=1):
    """autograde every submission found in submitted/ (or just ``students``) for each lesson.

    With ``jobs`` > 1, that many nbgrader processes grade different submissions at once (each
    runs its own kernels; they share the gradebook, in which the students are created first).
    A submission nbgrader cannot finish (its kernel died: the notebook called os._exit, or ran
    out of memory) keeps the score nbgrader gives it, 0, and the others are still graded.
    Returns ([(lesson, student)] graded, [(lesson, student, reason)] that failed).
    """
    todo = [(lesson.id, student) for lesson in _lessons(lessons)
            for student in (students or _submitters(api, lesson.id))]
    if jobs > 1 and len(todo) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from nbgrader.api import Gradebook
        with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
            for student in sorted({s for _, s in todo}):
                gb.update_or_create_student(student)
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
            outcomes = list(pool.map(_autograde_one, [(api.coursedir.root, api.coursedir.db_url, l, s)
                                                      for l, s in todo]))
    else:
        outcomes = [_autograde_with(api, l, s) for l, s in todo]
    graded = [(l, s) for (l, s), why in zip(todo, outcomes) if why is None]
    failed = [(l, s, why) for (l, s), why in zip(todo, outcomes) if why is not None]
    return graded, failed


def _autograde_with(api, lesson_id, student):
    """None when nbgrader autograded the submission, else why it could not."""
    try:
        _run(f"autograde {lesson_id} for {student}",
             lambda: api.autograde(lesson_id, student, force=True, create=True))
        return None
    except RuntimeError as exc:
        return "its kernel died (does it call os._exit?)" if "DeadKernelError" in str(exc) else \
            str(exc).strip().splitlines()[-1][:200]


_WORKER_API = {}  # in each worker process: one nbgrader API, made once, as the single-process path keeps one


def _autograde_one(job):
    root, db_url, lesson_id, student = job
    # Several kernels share the cores: one BLAS thread each, instead of each fighting for all of them.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if (root, db_url) not in _WORKER_API:
        _WORKER_API[root, db_url] = api_for(root, db_url)
    return _autograde_with(_WORKER_API[root, db_url], lesson_id, student)


def feedback(api, lessons=None, students=None):
    """generate_feedback for every autograded submission of each lesson (those nbgrader could not
    autograde have none); returns [(lesson, student)] done."""
    done = []
    autograded = Path(api.coursedir.root) / api.coursedir.autograded_directory
    for lesson in _lessons(lessons):
        for student in students or _submitters(api, lesson.id):
            if not (autograded / student / lesson.id).is_dir():
                continue
            _run(f"generate_feedback {lesson.id} for {student}",
                 lambda: api.generate_feedback(lesson.id, student, force=True))
            done.append((lesson.id, student))
    return done


def export(api, to="grades.csv"):
    """The gradebook as CSV, with nbgrader's own CsvExportPlugin."""
    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin

    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        CsvExportPlugin(to=str(to)).export(gb)
    return Path(to)


def scores(api):
    """{(student, lesson): score} from the gradebook."""
    from nbgrader.api import Gradebook

    result = {}
    with Gradebook(api.coursedir.db_url, api.coursedir.course_id) as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                result[(submission.student.id, assignment.name)] = submission.score
    return result


def _lessons(ids):
    course = load_course()
    return [course.lesson(i) for i in ids] if ids else list(course.all_notebooks)


def _submitters(api, lesson_id):
    folder = Path(api.coursedir.root) / api.coursedir.submitted_directory
    return sorted(p.name for p in folder.iterdir() if (p / lesson_id).is_dir()) if folder.is_dir() else []


def main(args):
    from ..learner.course import CourseError
    try:
        _lessons(args.lesson)
    except CourseError as exc:
        print(f"Cannot run nbgrader {args.action}: {exc}")
        return 2
    api = api_for(args.root)
    if args.action == "release":
        release(api, args.lesson)
        print(f"released {len(_lessons(args.lesson))} lessons into {api.coursedir.release_directory}/")
    elif args.action == "autograde":
        done, failed = autograde(api, args.lesson, args.student, jobs=args.jobs)
        print(f"autograded {len(done)} submissions")
        for lesson_id, student, reason in failed:
            print(f"could not autograde {lesson_id} for {student}: {reason}; it scores 0")
        return 1 if failed else 0
    elif args.action == "feedback":
        feedback(api, args.lesson, args.student)
        print(f"feedback written to {api.coursedir.feedback_directory}/")
    elif args.action == "export":
        print(f"grades written to {export(api, args.to)}")
    elif args.action == "scores":
        table = scores(api)
        for (student, lesson), score in sorted(table.items()):
            print(f"{student:<20} {lesson:<22} {score:g}")
    return 0
