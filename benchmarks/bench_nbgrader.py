"""How long real nbgrader takes to autograde one student's whole submission (every graded lesson).

    python benchmarks/bench_nbgrader.py

Builds a temporary course directory from the repository, releases every
lesson, submits the reference answers for one student, and times
``nbgrader autograde`` lesson by lesson (target: under 30 s for all thirteen of part 1
on 2 cores). A benchmark: it prints figures and asserts nothing.
"""
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.grader import classroom as instructor
from autograder.grader.reference import reference
from autograder.learner.course import load_course

ROOT = Path(__file__).resolve().parent.parent


def main():
    course = load_course()
    ref = reference()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        shutil.copytree(ROOT / "solutions", root / "solutions", ignore=shutil.ignore_patterns("__pycache__", "*.py"))
        shutil.copy(ROOT / "nbgrader_config.py", root)
        api = instructor.api_for(root, db_url=f"sqlite:///{root}/gradebook.db")
        start = time.perf_counter()
        instructor.release(api, [l.id for l in course.lessons])
        print(f"release of {len(course.lessons)} lessons: {time.perf_counter() - start:.1f} s")
        for lesson in course.lessons:
            folder = root / "submitted" / "student" / lesson.id
            folder.mkdir(parents=True)
            nb = nbformat.read(root / "release" / lesson.id / lesson.notebook, as_version=4)
            for cell in nb.cells:
                grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                if cell.get("metadata", {}).get("nbgrader", {}).get("solution") and grade_id in lesson.functions:
                    cell.source = ref.source(grade_id)
            nbformat.write(nb, folder / lesson.notebook)
        for jobs in (1, 2, 3):
            if jobs > 1:  # grade again, several lessons at a time
                start = time.perf_counter()
                graded, failed = instructor.autograde(api, [l.id for l in course.lessons], ["student"], jobs=jobs)
                print(f"autograde, one student, {len(course.lessons)} lessons, {jobs} at a time: "
                      f"{time.perf_counter() - start:.1f} s (target < 30 s){'  FAILED: ' + str(failed) if failed else ''}")
                continue
            total = 0.0
            for lesson in course.lessons:
                start = time.perf_counter()
                graded, failed = instructor.autograde(api, [lesson.id], ["student"])
                seconds = time.perf_counter() - start
                total += seconds
                print(f"  {lesson.id:<22}{seconds:6.1f} s{'  FAILED' if failed else ''}")
            print(f"autograde, one student, {len(course.lessons)} lessons, one at a time: {total:.1f} s")
        scores = instructor.scores(api)
        score = sum(v for (s, _), v in scores.items() if s == "student")
        print(f"score {score:g}/{course.max_score}")


if __name__ == "__main__":
    main()
