"""The learners' side: everything that runs in a lesson, and nothing that holds an answer.

It ships in the learners' wheel and is copied into the grading sandbox:
the check cell (``check``), progress, the capstone's and finale's ``assemble``, ``mine``, the
gradient check, the stored fixtures and, in ``functions/``, each graded
function's checks and known mistakes. Standard library and NumPy only
(IPython, matplotlib and anywidget where they are at hand, imported on first use), so it runs in Jupyter,
Colab and the browser alike. Names are imported on first use, so the
sandbox can load ``call`` or ``serial`` alone.
"""
import importlib

_EXPORTS = {"check": "checking", "passed": "checking", "grading": "checking", "CheckFailed": "checking",
            "gradient_check": "gradcheck", "show_progress": "progress", "assemble": "progress",
            "mine": "progress", "DigitPad": "digitpad", "check_float32": "float32"}

__all__ = list(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
