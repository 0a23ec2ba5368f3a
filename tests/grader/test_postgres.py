"""A class graded by two graders at once into one real PostgreSQL gradebook, then reported on.

A throwaway PostgreSQL cluster (Debian's ``postgresql``, started here with ``initdb`` and ``pg_ctl``, on a
Unix socket only) holds the gradebook. Two graders, each with a course directory of its own (as on two
machines) and a shared folder for the grader's reports, run the real ``nbgrader autograde`` at the same
time on disjoint halves of the class (``--student``). A third course directory grades the whole class
alone, into SQLite. Then: nothing is lost, no row is duplicated, every score is the one grader alone gives,
and the class report read from PostgreSQL says what the one from SQLite says.

In CI (``CI=1``) the test fails, rather than skips, when PostgreSQL cannot start.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from coursekit import MUTANTS, VARIANTS
import serverkit
from serverkit import postgres_cluster

from autograder.grader import classroom as instructor
from autograder.grader.classreport import make_report
from autograder.learner.course import load_course

ROOT = Path(__file__).resolve().parents[2]
COURSE = load_course()
LESSONS = [COURSE.lesson(i) for i in ("03_relu", "04_softmax", "10_get_predictions")]
FIRST, SECOND = ["ada", "ben", "cy", "dee"], ["noor", "otto", "pia", "ravi"]  # [a-m]* and [n-z]*
STUDENTS = FIRST + SECOND
KINDS = ["right", "mistake", "right", "stub", "mistake", "right", "absent", "right"]


def plan():
    """(student, lesson) -> (kind, source): right variants, catalogued mistakes, stubs, nothing handed in."""
    out = {}
    for i, lesson in enumerate(LESSONS):
        f = lesson.function
        for k, student in enumerate(STUDENTS):
            kind = KINDS[(k + 3 * i) % len(KINDS)]
            source = (VARIANTS[f][k % len(VARIANTS[f])] if kind == "right" else
                      list(MUTANTS[f].values())[k % len(MUTANTS[f])] if kind == "mistake" else None)
            out[(student, lesson.id)] = (kind, source)
    return out


PLAN = plan()


def expected_score(student, lesson):
    return lesson.points if PLAN[(student, lesson.id)][0] == "right" else 0


def submit(root, student, lesson, kind, source):
    """A student's notebook: set-up, toolbox, the graded cell and its check (the demonstrations left out, as a
    student may, to keep the run short)."""
    if kind == "absent":
        return
    folder = root / "submitted" / student / lesson.id
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(root / "release" / lesson.id / lesson.notebook, as_version=4)
    ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells]
    nb.cells = [c for i, c in enumerate(nb.cells) if i <= ids.index("toolbox")
                or ids[i] in (lesson.function, f"check_{lesson.function}")]
    for cell in nb.cells:
        if cell.cell_type == "code" and "nbgrader" not in cell.get("metadata", {}):
            cell.source = cell.source.replace("import matplotlib.pyplot as plt\n", "")
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == lesson.function and source:
            cell.source = source
    nbformat.write(nb, folder / lesson.notebook)
    (folder / "timestamp.txt").write_text("2026-11-20 09:00:00.000000 UTC")


def course_dir(root: Path, extra_config: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "solutions", root / "solutions", ignore=shutil.ignore_patterns("__pycache__", "*.py"),
                    dirs_exist_ok=True)
    (root / "nbgrader_config.py").write_text((ROOT / "nbgrader_config.py").read_text() + "\n" + extra_config)
    return root


def nbgrader(root, *args):
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
               OPENBLAS_NUM_THREADS="1")
    return subprocess.Popen([sys.executable, "-m", "nbgrader", *args], cwd=root, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def finish(process, timeout=1500):
    out, _ = process.communicate(timeout=timeout)
    return process.returncode, out, time.monotonic()


@pytest.fixture(scope="module")
def pg():
    with postgres_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="module")
def graded(pg, tmp_path_factory):
    work = tmp_path_factory.mktemp("two-graders")
    url = pg.create_database("gradebook")
    shared = work / "shared-results"  # a folder both graders write to (a network share, in real life)
    config = (f"c.CourseDirectory.db_url = {url!r}\n"
              f"c.GradeOutsideKernel.results_directory = {str(shared)!r}\n")
    first = course_dir(work / "grader-1", config)
    second = course_dir(work / "grader-2", config)
    alone = course_dir(work / "alone", f"c.CourseDirectory.db_url = 'sqlite:///{work}/alone/gradebook.db'\n")

    # the instructor releases the lessons once, into the shared gradebook (and the lone grader's own)
    ids = [l.id for l in LESSONS]
    instructor.release(instructor.api_for(first), ids)
    instructor.release(instructor.api_for(alone), ids)
    for root in (first, second, alone):  # every grader has the collected submissions
        if root is not first:
            shutil.copytree(first / "release", root / "release", dirs_exist_ok=True)
        for (student, lesson_id), (kind, source) in PLAN.items():
            submit(root, student, COURSE.lesson(lesson_id), kind, source)

    # two graders at once, disjoint halves of the class, with nbgrader's own --student
    started = time.monotonic()
    one = nbgrader(first, "autograde", "*", "--student=[a-m]*")
    two = nbgrader(second, "autograde", "*", "--student=[n-z]*")
    code_one, log_one, end_one = finish(one)
    code_two, log_two, end_two = finish(two)
    both = time.monotonic() - started
    code_alone, log_alone, _ = finish(nbgrader(alone, "autograde", "*"))
    return {"first": first, "second": second, "alone": alone, "url": url, "shared": shared,
            "codes": (code_one, code_two, code_alone), "logs": (log_one, log_two, log_alone),
            "seconds": both}


def test_both_graders_and_the_lone_one_finish_each_grading_its_own_half(graded):
    for code, log in zip(graded["codes"], graded["logs"]):
        assert code == 0, log[-3000:]
    for log, mine, theirs in ((graded["logs"][0], FIRST, SECOND), (graded["logs"][1], SECOND, FIRST)):
        assert all(f"Creating/updating student with ID '{s}'" in log for s in mine)
        assert not any(f"Creating/updating student with ID '{s}'" in log for s in theirs)
    # they graded at the same time: each wrote reports while the other was writing its own
    times = {half: [p.stat().st_mtime for s in half for p in graded["shared"].glob(f"*/{s}.json")]
             for half in (tuple(FIRST), tuple(SECOND))}
    first, second = times[tuple(FIRST)], times[tuple(SECOND)]
    assert min(first) < max(second) and min(second) < max(first)


def test_nothing_lost_and_no_row_duplicated_in_postgresql(graded):
    import sqlalchemy as sa
    handed_in = {(s, l) for (s, l), (kind, _) in PLAN.items() if kind != "absent"}
    engine = sa.create_engine(graded["url"])
    try:
        with engine.connect() as c:
            rows = c.execute(sa.text(
                "SELECT s.student_id, a.name FROM submitted_assignment s JOIN assignment a ON a.id = s.assignment_id"
            )).all()
            assert sorted(rows) == sorted(handed_in)  # every submission once, none lost, none twice
            students = [r[0] for r in c.execute(sa.text("SELECT id FROM student")).all()]
            assert sorted(students) == sorted({s for s, _ in handed_in})
            duplicates = c.execute(sa.text(
                "SELECT notebook_id, cell_id, count(*) FROM grade GROUP BY notebook_id, cell_id HAVING count(*) > 1"
            )).all()
            assert duplicates == []
            grades = c.execute(sa.text("SELECT count(*) FROM grade g JOIN grade_cells gc ON gc.id = g.cell_id")).scalar()
            assert grades == len(handed_in)  # one graded test cell a lesson notebook
            notebooks = c.execute(sa.text("SELECT count(*) FROM submitted_notebook")).scalar()
            assert notebooks == len(handed_in)
    finally:
        engine.dispose()
    reports = sorted(p.relative_to(graded["shared"]).as_posix() for p in graded["shared"].rglob("*.json"))
    assert reports == sorted(f"{l}/{s}.json" for s, l in handed_in)


def test_scores_are_the_ones_one_grader_alone_gives(graded):
    shared = instructor.scores(instructor.api_for(graded["first"]))
    alone = instructor.scores(instructor.api_for(graded["alone"]))
    assert shared == alone
    want = {(s, l.id): float(expected_score(s, l)) for s in STUDENTS for l in LESSONS
            if PLAN[(s, l.id)][0] != "absent"}
    assert shared == want
    assert sum(shared.values()) == sum(want.values()) > 0


def test_the_class_report_reads_postgresql_and_says_what_sqlite_says(graded, tmp_path):
    from_pg = make_report(graded["first"], tmp_path / "pg").report
    from_sqlite = make_report(graded["alone"], tmp_path / "sqlite").report
    assert from_pg.data.sources[0].startswith("gradebook postgresql+psycopg://postgres@/gradebook")
    assert from_sqlite.data.sources[0].startswith("gradebook sqlite:///")
    assert [s.student.id for s in from_pg.students] == [s.student.id for s in from_sqlite.students]

    def view(report):
        return {k: (s.status, s.score, s.mistakes, s.digest) for k, s in report.data.submissions.items()}
    assert view(from_pg) == view(from_sqlite)
    statuses = {k: s.status for k, s in from_pg.data.submissions.items()}
    want = {"right": "passing", "mistake": "failing", "stub": "not attempted", "absent": "not handed in"}
    assert statuses == {k: want[kind] for k, (kind, _) in PLAN.items()}
    assert [(l.lesson.id, l.count("passing")) for l in from_pg.lessons] == \
        [(l.lesson.id, l.count("passing")) for l in from_sqlite.lessons]


def test_without_postgresql_ci_fails_and_elsewhere_it_skips(monkeypatch):
    monkeypatch.setattr(serverkit, "postgres_bindir", lambda: None)
    monkeypatch.setattr(serverkit, "CI", True)
    with pytest.raises(pytest.fail.Exception, match="PostgreSQL is not installed"):
        with postgres_cluster():
            pass
    monkeypatch.setattr(serverkit, "CI", False)
    with pytest.raises(pytest.skip.Exception, match="PostgreSQL is not installed"):
        with postgres_cluster():
            pass
