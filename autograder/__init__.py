"""Checks that teach: ``from autograder import check`` in a lesson, ``python -m autograder`` to grade.

The learners' side (check cells, progress, gradient checking) is pure NumPy
and uses stored fixtures; grading against the live reference in a sandbox
is in ``autograder.grade`` and needs the instructors' install.
"""
from .checking import CheckFailed, check, grading, passed
from .gradcheck import gradient_check
from .progress import assemble, show_progress

__all__ = ["check", "passed", "grading", "CheckFailed", "gradient_check", "show_progress", "assemble"]
