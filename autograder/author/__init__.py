"""``python -m autograder build``: make every generated file of the course from its sources.

Sources: ``course.yml``, the reference network ``solutions/network.py`` and
each lesson's text ``solutions/<lesson>/<name>.md``. The build is an ordered
list of small steps, one module each; ``build --check`` (run by CI) builds
into a scratch copy and fails on any stale file.
"""
from pathlib import Path

from . import course_json, fixtures, lessons, nbgrader_config, readme, student_copies
from .common import COMMAND, ROOT, Context  # noqa: F401  (COMMAND: the command generated files name)

# The order matters: the student copies are made by nbgrader from the source notebooks, so they come
# after them; the fixtures need the live reference only, so they could go anywhere.
STEPS = [
    course_json,      # autograder/learner/course.json: the manifest for installs without course.yml
    lessons,          # solutions/<lesson>/<name>.ipynb: nbgrader's source notebooks, from the lesson texts
    nbgrader_config,  # nbgrader_config.py
    readme,           # the lesson table in README.md
    fixtures,         # autograder/learner/fixtures.npz: the learners' stored oracle
    student_copies,   # lessons/<lesson>/<name>.ipynb: the student copies, by nbgrader generate_assignment
]


def build(root=ROOT, log=print, only=None):
    """Run every step into ``root`` (with ``only``: just those lessons' notebooks)."""
    from ..grader.reference import reference
    from ..learner.course import load_course

    root = Path(root)
    ctx = Context(root=root, course=load_course(root / "course.yml"), reference=reference(root),
                  only=tuple(only or ()), log=log)
    for step in STEPS:
        step.run(ctx)
    log(f"built {len(ctx.lessons)} lessons: sources in solutions/, student copies in lessons/"
        + (f"; {len(ctx.written)} files changed" if ctx.written else "; nothing changed"))
    return ctx


def main(args):
    if args.check:
        from .stale import stale_files
        stale = stale_files()
        if stale:
            print(f"These generated files are stale; run `{COMMAND}` and commit:")
            for rel in stale:
                print(f"  {rel}")
            return 1
        print("All generated files are fresh.")
        return 0
    build(only=args.lesson)
    return 0
