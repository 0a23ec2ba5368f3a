"""Partial credit, for authors who want it, through the real ``nbgrader autograde``.

One lesson (softmax, 3 points, 18 checks) is handed in by four students: a right answer, a half-right one
(it divides by the sum of the whole matrix: 10 of the 18 checks pass), a nearly right one (14 of 18: two fail,
two wait for one of them) and an untouched stub. Graded as course.yml ships (all or nothing), only the right answer scores. Then the course
directory's course.yml says ``scoring: per-check`` and the same submissions are graded again: each earns
its share, which nbgrader reads from the test cell's result (its own partial-credit path), and which the
gradebook, the feedback and the class report's score chart all show.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from coursekit import MUTANTS, VARIANTS

from autograder.grader import classroom as instructor
from autograder.grader.classreport import make_report
from autograder.learner.course import load_course

ROOT = Path(__file__).resolve().parents[2]
LESSON = load_course().lesson("04_softmax")
ANSWERS = {"rita": VARIANTS["softmax"][0], "hal": MUTANTS["softmax"]["sum_all"],
           "nora": MUTANTS["softmax"]["min_shift"], "stu": None}
HAL = round(3 * 10 / 18, 2)  # hal's share of the points: 10 of the 18 checks pass


def autograde(root, *extra):
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
               OPENBLAS_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", LESSON.id, *extra], cwd=root, env=env,
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return instructor.scores(instructor.api_for(root))


@pytest.fixture(scope="module")
def graded(tmp_path_factory, oracle):
    from autograder.grader.cell import grade_source
    root = tmp_path_factory.mktemp("partial")
    shutil.copytree(ROOT / "solutions" / LESSON.id, root / "solutions" / LESSON.id,
                    ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    shutil.copy(ROOT / "nbgrader_config.py", root)
    api = instructor.api_for(root)
    instructor.release(api, [LESSON.id])
    for student, source in ANSWERS.items():
        folder = root / "submitted" / student / LESSON.id
        folder.mkdir(parents=True)
        nb = nbformat.read(root / "release" / LESSON.id / LESSON.notebook, as_version=4)
        for cell in nb.cells:
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == LESSON.function and source:
                cell.source = source
        nbformat.write(nb, folder / LESSON.notebook)
        (folder / "timestamp.txt").write_text("2026-11-20 09:00:00.000000 UTC")
    checks = {s: grade_source(LESSON.function, src, oracle) for s, src in ANSWERS.items() if src}
    off = autograde(root)
    # the course directory's own course.yml: the repository's, scored per check
    (root / "course.yml").write_text((ROOT / "course.yml").read_text() + "\nscoring: per-check\n")
    on = autograde(root, "--force")
    instructor.feedback(api, [LESSON.id])
    return {"root": root, "off": off, "on": on, "checks": checks}


def test_the_answers_are_what_they_say(graded):
    checks = graded["checks"]
    assert (checks["hal"].n_passed, len(checks["hal"].results)) == (10, 18)  # about half right
    assert (checks["nora"].n_passed, len(checks["nora"].results)) == (14, 18)
    assert checks["rita"].passed


def test_all_or_nothing_by_default(graded):
    assert {s: graded["off"][(s, LESSON.id)] for s in ANSWERS} == {"rita": 3.0, "hal": 0.0, "nora": 0.0, "stu": 0.0}


def test_per_check_scoring_gives_each_answer_its_share(graded):
    assert {s: graded["on"][(s, LESSON.id)] for s in ANSWERS} == \
        {"rita": 3.0, "hal": HAL, "nora": round(3 * 14 / 18, 2), "stu": 0.0}


def test_nbgrader_reads_the_share_from_the_test_cells_result(graded):
    nb = nbformat.read(graded["root"] / "autograded" / "hal" / LESSON.id / LESSON.notebook, as_version=4)
    (cell,) = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == f"check_{LESSON.function}"]
    kinds = [o.output_type for o in cell.outputs]
    assert kinds == ["display_data", "execute_result"]  # no error: nbgrader's partial credit, not a 0
    assert cell.outputs[1].data["text/plain"] == str(HAL)
    stub = nbformat.read(graded["root"] / "autograded" / "stu" / LESSON.id / LESSON.notebook, as_version=4)
    (cell,) = [c for c in stub.cells if c.metadata.get("nbgrader", {}).get("grade_id") == f"check_{LESSON.function}"]
    assert [o.output_type for o in cell.outputs] == ["display_data", "error"]  # a stub still scores 0


def test_the_feedback_says_how_the_points_were_earned(graded):
    html = (graded["root"] / "feedback" / "hal" / LESSON.id / "softmax.html").read_text()
    text = re.sub(r"<[^>]+>", "", html)
    assert f"{HAL:g} of 3 points: 10 of 18 checks pass" in text


def test_the_class_reports_score_chart_now_spreads(graded, tmp_path):
    report = make_report(graded["root"], tmp_path / "report").report
    (softmax,) = report.lessons
    assert softmax.score_counts == {0.0: 1, HAL: 1, round(3 * 14 / 18, 2): 1, 3.0: 1}
    statuses = {s: report.data.submission(s, LESSON.id).status for s in ANSWERS}
    assert statuses == {"rita": "passing", "hal": "failing", "nora": "failing", "stu": "not attempted"}
    page = (tmp_path / "report" / "index.html").read_text()
    assert "Each lesson earns a share of its points for each check that passes" in page
    assert f"{HAL:g} pts ×1" in page


def test_course_yml_scoring_is_an_optional_key_for_the_course_or_one_lesson():
    import yaml

    from autograder.learner.course import CourseError, parse_course
    from autograder.learner.model import CheckResult, FunctionReport
    data = yaml.safe_load((ROOT / "course.yml").read_text())
    assert "scoring" not in data  # as it ships: all or nothing
    course = parse_course(data)
    assert {l.scoring for l in course.lessons} == {"all-or-nothing"}
    data["lessons"][3]["scoring"] = "per-check"  # one lesson only
    course = parse_course(data)
    assert [l.id for l in course.lessons if l.scoring == "per-check"] == [data["lessons"][3]["id"]]
    assert parse_course(course.to_dict(), "course.json") == course  # the packaged copy keeps it
    assert {l.scoring for l in parse_course({**data, "scoring": "per-check"}).lessons} == {"per-check"}
    with pytest.raises(CourseError, match="'scoring' is 'half'; give all-or-nothing"):
        parse_course({**data, "scoring": "half"})
    data["lessons"][3]["scoring"] = "partial"
    with pytest.raises(CourseError, match="has scoring 'partial'"):
        parse_course(data)
    lesson = load_course().lesson("04_softmax")
    half = FunctionReport("softmax", [CheckResult(str(i), "p", "pass" if i % 2 else "fail") for i in range(16)])
    from dataclasses import replace
    assert lesson.score(half) == 0 and replace(lesson, scoring="per-check").score(half) == 1.5
    assert replace(lesson, scoring="per-check").score(FunctionReport("softmax", half.results, not_attempted=True)) == 0
