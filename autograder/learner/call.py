"""Calling a learner's function and recording what happened: the one core every runner uses.

The notebook's check cell calls it in its own process; the grading sandbox's
child calls it inside the sandbox. Each call gets read-only inputs (copies,
in the check cell): an in-place change to an array raises at once, and so
does a change to a list or dict passed in (``lend``), and the checks name
it; only the parameters a suite lists as ``writable`` may change. Warnings
are recorded rather than printed; stdout and stderr are captured (at the
file-descriptor level too, where asked, so ``os.write(2, ...)`` is seen);
a call that runs too long is stopped where the platform allows it (SIGALRM:
Linux and macOS, not the browser); ``sys.exit`` and ``os._exit`` end the
call, not the process. Standard library and NumPy only.
"""
from __future__ import annotations

import contextlib
import copy
import inspect
import io
import itertools
import os
import signal
import tempfile
import threading
import time
import traceback
import types
import warnings

import numpy as np

from .model import Failure, Outcome
from .serial import bind, has_lookup, resolve
from .spec import input_arrays

LOOP = "it was still running after {:g} s: look for a loop that never ends"
KEEP_CHARS = 2000  # of stdout and stderr, per call
MAX_YIELDED = 100_000  # items taken from a function that yields instead of returning a list


def read_only(args, kwargs, names=(), writable=()):
    """The inputs as the learner's function gets them: every array read-only (lists and dicts are already
    lent, see ``lend``), but for the parameters named in ``writable`` (numerical_gradient's x, which it must
    nudge and put back)."""
    def freeze(v):
        if isinstance(v, np.ndarray):
            v.setflags(write=False)
        elif isinstance(v, (tuple, list)):
            for x in v:
                freeze(x)
        elif isinstance(v, dict):
            for x in v.values():
                freeze(x)
        return v

    names = tuple(names)
    args = tuple(v if k < len(names) and names[k] in writable else freeze(v) for k, v in enumerate(args))
    return args, {k: v if k in writable else freeze(v) for k, v in kwargs.items()}


class TimeUp(BaseException):
    """Raised inside a call that ran past its time limit."""


class HardExit(BaseException):
    """Raised instead of ending the whole process when the call uses os._exit."""


@contextlib.contextmanager
def no_hard_exit():
    """For the duration, os._exit raises HardExit instead of killing the process."""
    real = os._exit

    def refuse(status=0):
        raise HardExit(status)

    os._exit = refuse
    try:
        yield
    finally:
        os._exit = real


@contextlib.contextmanager
def time_limit(seconds):
    """Interrupt the body after ``seconds`` with TimeUp, where SIGALRM exists in this thread."""
    usable = (seconds and hasattr(signal, "setitimer") and hasattr(signal, "SIGALRM")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def on_alarm(signum, frame):
        raise TimeUp()

    try:
        previous = signal.signal(signal.SIGALRM, on_alarm)
    except (ValueError, OSError):  # not allowed here (e.g. some embedded interpreters)
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.01))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class FdCapture:
    """Send file descriptors 1 and 2 to temporary files for the duration; keep their last bytes."""

    def __init__(self, keep=KEEP_CHARS):
        self.keep = keep
        self.text = {1: "", 2: ""}

    def __enter__(self):
        self.saved, self.files = {}, {}
        for fd in (1, 2):
            self.files[fd] = tempfile.TemporaryFile()
            self.saved[fd] = os.dup(fd)
            os.dup2(self.files[fd].fileno(), fd)
        return self

    def __exit__(self, *exc):
        for fd in (1, 2):
            os.dup2(self.saved[fd], fd)
            os.close(self.saved[fd])
            f = self.files[fd]
            size = f.seek(0, os.SEEK_END)
            f.seek(max(0, size - self.keep))
            self.text[fd] = f.read(self.keep).decode(errors="replace")
            f.close()
        return False


def learner_line(exc, filename):
    """The line number, in the learner's cell, where ``exc`` was raised (the deepest such frame)."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == filename:
            line = frame.lineno
    return line


def _bounded(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    return text[-KEEP_CHARS:]


class _BoundedText(io.StringIO):
    """A StringIO that keeps only its last characters, so a print loop cannot fill memory."""

    def write(self, s):
        n = super().write(s)
        if self.tell() > 8 * KEEP_CHARS:
            tail = self.getvalue()[-KEEP_CHARS:]
            self.seek(0)
            self.truncate()
            super().write(tail)
        return n


LENT = "belongs to the caller"


def _refuse_list(self, *args, **kwargs):
    raise TypeError(f"a list passed in to the function {LENT} and must come back as it was: make a new list "
                    f"(list(...) or a list comprehension) and put your results in that one")


def _refuse_dict(self, *args, **kwargs):
    raise TypeError(f"a dict passed in to the function {LENT} and must come back as it was: make a new dict "
                    f"({{...}} or dict(...)) and put your results in that one")


class LentList(list):
    """A list the caller lends a learner's function (params, grads, a cache): reading it, copying it
    (``list(x)``, ``x.copy()``, ``x[:]``, ``copy.copy``) and iterating are free; changing it in place raises
    TypeError, so an answer that replaces the caller's items is seen in every runner."""

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse_list
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse_list

    def __copy__(self):
        return list(self)

    def __deepcopy__(self, memo):
        return [copy.deepcopy(v, memo) for v in self]

    def __reduce_ex__(self, protocol):
        return list, (list(self),)


class LentDict(dict):
    """A dict the caller lends a learner's function (Adam's state): see ``LentList``."""

    __setitem__ = __delitem__ = __ior__ = _refuse_dict
    pop = popitem = clear = update = setdefault = _refuse_dict

    def __copy__(self):
        return dict(self)

    def __deepcopy__(self, memo):
        return {k: copy.deepcopy(v, memo) for k, v in self.items()}

    def __reduce_ex__(self, protocol):
        return dict, (dict(self),)


def lend(value):
    """``value`` with every list and dict inside it (tuples walked) lent: the same arrays, in containers that
    refuse to be changed."""
    if isinstance(value, tuple):
        return tuple(lend(v) for v in value)
    if isinstance(value, list):
        return LentList(lend(v) for v in value)
    if isinstance(value, dict):
        return LentDict({k: lend(v) for k, v in value.items()})
    return value


def adapt(fn, args, kwargs, names):
    """Fit a call to a learner's own signature: (args, kwargs, what was changed or "").

    The course calls ``fn(*args, **kwargs)`` with its parameters named
    ``names``. A function written with the same parameters in another order
    (``forward_prop(X, W1, b1, W2, b2)``), or without some of them (the
    original notebook's ``init_params()``), is called by name, leaving out
    what it does not take, so the checks can still judge the rest; the
    signature check then says which signature the lesson expects.
    """
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):  # a builtin or an odd callable: call it as it is
        return args, kwargs, ""
    params = [p for p in sig.parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    takes_any = any(p.kind == p.VAR_KEYWORD for p in sig.parameters.values())
    mine = [p.name for p in params]
    given = dict(zip(names, args)) if len(names) >= len(args) else None
    reordered = given is not None and len(args) == len(mine) and set(names[:len(args)]) == set(mine) \
        and list(names[:len(args)]) != mine
    try:
        sig.bind(*args, **kwargs)
        if not reordered:
            return args, kwargs, ""
    except TypeError:
        if given is None:
            return args, kwargs, ""
    inputs = {**given, **kwargs}
    call_kwargs, dropped = {}, []
    for name, value in inputs.items():
        if name in mine or takes_any:
            call_kwargs[name] = value
        else:
            dropped.append(name)
    missing = [p.name for p in params if p.name not in call_kwargs and p.default is p.empty
               and p.kind != p.POSITIONAL_ONLY]
    if missing or any(p.kind == p.POSITIONAL_ONLY for p in params):
        return args, kwargs, ""  # cannot be fitted: let the call fail and say why
    note = []
    if reordered:
        note.append(f"its parameters are in another order ({', '.join(mine)})")
    if dropped:
        note.append(f"it does not take {', '.join(dropped)}")
    return (), call_kwargs, "; ".join(note)


def call(fn, args, kwargs=None, *, timeout=10.0, capture_fds=False, filename=None, names=None,
         copy_inputs=True, capture_stderr=True, writable=()) -> Outcome:
    """Run ``fn(*args, **kwargs)`` on read-only copies of the inputs and describe what happened.

    ``names`` are the lesson's parameter names, to fit the call to a learner
    who wrote the function with another signature (see ``adapt``), and to
    find the ``writable`` ones. The grading sandbox passes ``copy_inputs=False``
    (its inputs are read-only maps of the grader's files), ``capture_stderr=False``
    (the grader reads stderr itself) and ``timeout=None`` (the grader keeps time).
    """
    args, kwargs = tuple(args), dict(kwargs or {})
    if copy_inputs:
        args, kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
    args, kwargs = bind(lend(args), lend(kwargs))
    inputs = [a for _, a in input_arrays(args, kwargs)]  # the very arrays passed, in order, to see in-place changes
    adapted = ""
    if names is not None:
        args, kwargs, adapted = adapt(fn, args, kwargs, tuple(names))
    out, err = _BoundedText(), _BoundedText()
    outcome = Outcome()
    filename = filename or getattr(getattr(fn, "__code__", None), "co_filename", None)
    fds = FdCapture() if capture_fds else contextlib.nullcontext()
    start = time.perf_counter()
    with fds, warnings.catch_warnings(record=True) as caught, \
            np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
        warnings.simplefilter("always")
        try:
            with contextlib.redirect_stdout(out), \
                    (contextlib.redirect_stderr(err) if capture_stderr else contextlib.nullcontext()), \
                    time_limit(timeout), no_hard_exit():
                if has_lookup((args, kwargs)):  # inputs made by the learner's own functions
                    args, kwargs = resolve(args, fn.__globals__), resolve(kwargs, fn.__globals__)
                args, kwargs = read_only(args, kwargs, names or (), writable)
                value = fn(*args, **kwargs)
                if isinstance(value, types.GeneratorType):  # a function that yields: judge what it yields
                    value, outcome.yielded = list(itertools.islice(value, MAX_YIELDED)), True
                outcome.value = value
        except TimeUp:
            outcome.failure = Failure("timeout", "TimeoutError", LOOP.format(timeout))
        except SystemExit:
            outcome.failure = Failure("exit", "SystemExit", "it called sys.exit() or exit(); return a value instead")
        except HardExit:
            outcome.failure = Failure("exit", "SystemExit", "it called os._exit(), which would stop Python; "
                                                            "return a value instead")
        except MemoryError as exc:
            outcome.failure = Failure("memory", "MemoryError", str(exc)[:300], learner_line(exc, filename))
        except RecursionError as exc:
            outcome.failure = Failure("exception", "RecursionError", str(exc)[:300], learner_line(exc, filename))
        except Exception as exc:
            outcome.failure = Failure("exception", type(exc).__name__, str(exc)[:300],
                                      learner_line(exc, filename))
    outcome.seconds = time.perf_counter() - start
    outcome.warnings = list(dict.fromkeys(str(w.message)[:300] for w in caught))[:10]
    fd_out = fds.text if capture_fds else {1: "", 2: ""}
    outcome.stdout = (_bounded(out) + fd_out[1])[-KEEP_CHARS:]
    outcome.stderr = (_bounded(err) + fd_out[2])[-KEEP_CHARS:]
    outcome.inputs_after = inputs
    outcome.adapted = adapted
    return outcome


def run_cases(fn, cases, timeout=10.0, **options) -> dict:
    """Outcomes of every case, name -> Outcome; after a time-out the remaining cases are not run."""
    outcomes, stopped = {}, None
    for name, case in cases.items():
        if stopped is not None:
            outcomes[name] = Outcome(failure=stopped)
            continue
        outcomes[name] = call(fn, case.args, case.kwargs, timeout=timeout, **options)
        failure = outcomes[name].failure
        if failure is not None and failure.kind == "timeout":
            stopped = failure
    return outcomes
