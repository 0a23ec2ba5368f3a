"""Checks that teach: ``from autograder import check`` in a lesson, ``python -m autograder`` on the command line.

The package is laid out by who runs what:

- ``autograder.learner``: the learners' side (check cells, progress, gradient
  check, stored fixtures, each function's checks); it is the whole of the
  learners' wheel.
- ``autograder.grader``: the instructors' side (the live reference oracle, the
  sandbox, the grading CLI, nbgrader integration, mutation testing).
- ``autograder.author``: the steps that make every generated file from
  ``course.yml``, ``solutions/`` and the lesson texts.

Importing it limits BLAS to one thread in this process (``autograder.learner.threads``): the
course's figures then hold on a busy machine, with no environment variable to set.
"""
from .learner import (
    CheckFailed,
    assemble,
    check,
    check_float32,
    gradient_check,
    grading,
    mine,
    passed,
    show_progress,
)

from .learner.threads import limit_blas_threads

limit_blas_threads()

__all__ = ["check", "passed", "grading", "CheckFailed", "gradient_check", "show_progress", "assemble", "mine", "DigitPad",
           "check_float32"]


def __getattr__(name):
    """``DigitPad`` (the draw-a-digit widget) is imported on first use: ``import autograder`` stays light."""
    if name == "DigitPad":
        from .learner.digitpad import DigitPad
        return DigitPad
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
