"""Calling a learner's function in this process, safely enough for a check cell.

Each call gets copies of its inputs; warnings are recorded rather than
printed, stdout and stderr are captured, and a call that runs too long is
stopped where the platform allows it (SIGALRM: Linux and macOS, not the
browser). Grading does not use this: it runs code in a sandboxed child
process (``autograder.sandbox``).
"""
import contextlib
import copy
import io
import os
import signal
import threading
import time
import traceback
import warnings

import numpy as np

from .engine import Failure, Outcome, input_arrays


class _TimeUp(BaseException):
    """Raised inside a call that ran past its time limit."""


class _Exit(BaseException):
    """Raised instead of ending the whole process when the call uses os._exit."""


@contextlib.contextmanager
def no_hard_exit():
    """For the duration, os._exit raises _Exit instead of killing the kernel."""
    real = os._exit

    def refuse(status=0):
        raise _Exit(status)

    os._exit = refuse
    try:
        yield
    finally:
        os._exit = real


@contextlib.contextmanager
def time_limit(seconds):
    """Interrupt the body after ``seconds`` with _TimeUp, where SIGALRM exists in this thread."""
    usable = (seconds and hasattr(signal, "setitimer") and hasattr(signal, "SIGALRM")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def on_alarm(signum, frame):
        raise _TimeUp()

    try:
        previous = signal.signal(signal.SIGALRM, on_alarm)
    except (ValueError, OSError):  # not allowed here (e.g. some embedded interpreters)
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def learner_line(exc, filename):
    """The line number, in the learner's cell, where ``exc`` was raised (the deepest such frame)."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == filename:
            line = frame.lineno
    return line


def call(fn, case, timeout=10.0):
    """Run ``fn(*case.args, **case.kwargs)`` on copies of the inputs and describe what happened."""
    args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
    out, err = io.StringIO(), io.StringIO()
    outcome = Outcome()
    filename = getattr(getattr(fn, "__code__", None), "co_filename", None)
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn", divide="warn",
                                                                     invalid="warn", under="ignore"):
        warnings.simplefilter("always")
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), time_limit(timeout), \
                    no_hard_exit():
                outcome.value = fn(*args, **kwargs)
        except _TimeUp:
            outcome.failure = Failure("timeout", "TimeoutError",
                                      f"it was still running after {timeout:g} s: look for a loop that never ends")
        except SystemExit:
            outcome.failure = Failure("exit", "SystemExit", "it called sys.exit() or exit(); return a value instead")
        except _Exit:
            outcome.failure = Failure("exit", "SystemExit", "it called os._exit(), which would stop Python; "
                                                            "return a value instead")
        except Exception as exc:
            outcome.failure = Failure("exception", type(exc).__name__, str(exc)[:300],
                                      learner_line(exc, filename))
    outcome.seconds = time.perf_counter() - start
    outcome.warnings = list(dict.fromkeys(str(w.message) for w in caught))
    outcome.stdout, outcome.stderr = out.getvalue()[-2000:], err.getvalue()[-2000:]
    outcome.inputs_after = [a for _, a in input_arrays(args, kwargs)]
    return outcome


def run_cases(fn, cases, timeout=10.0):
    """Outcomes of every case, name -> Outcome."""
    return {name: call(fn, case, timeout) for name, case in cases.items()}
