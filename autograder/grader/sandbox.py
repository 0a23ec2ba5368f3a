"""Grading a learner's cell without trusting it (instructors' side).

One plain child (``child.py``) runs the learner's cell and then each case, inside the sandbox of
``autograder.grader.isolation``. Anything in there belongs to the learner; this side owns what decides
a grade:

- **time**: a deadline for the cell, one for its cases (the lesson's limit); past it the sandbox dies;
- **inputs**: each case's arrays are written, just before it runs, to files of a folder the sandbox sees
  read-only, and mapped read-only there: an in-place change raises in the learner's own code, and hidden
  inputs are not in the sandbox before every visible case has been answered. numerical_gradient's x is
  the one writable input, a file this side reads back itself to judge whether it was put back;
- **the protocol**: one request at a time, exactly one reply of the expected kind to each, every frame's
  lengths checked before a byte of it is parsed; anything else ends the run as broken, for this function
  only (keeping any failure the extra frames admit: evidence against itself is safe to believe);
- **stderr**, read here from a pipe, bounded, and kept for visible cases only;
- **secrecy**: for a hidden case nothing the learner's code says (its messages, prints, warnings,
  exception class names of its own) reaches a report;
- **every comparison**, in this process, whose NumPy the learner's code never touched.
"""
from __future__ import annotations

import ast
import atexit
import builtins
import inspect
import json
import math
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from ..learner.call import LOOP, adapt
from ..learner.course import load_course
from ..learner.functions import suite
from ..learner.judge import run_checks
from ..learner.model import Failure, FunctionReport, Outcome
from ..learner.serial import pack, unpack
from ..learner.spec import input_arrays
from . import isolation as iso
from .child import HEAD, MAX_HEADER, MAX_PAYLOAD, Kind, frame
from .reference import reference

HERE = Path(__file__).resolve().parent
FORBIDDEN = ("solutions", "autograder", "mnist_data")
MEMORY_LIMIT_MB = 1536
STARTUP_SECONDS = 5.0       # interpreter and NumPy start-up, on top of the function's own time limit
MAX_SOURCE_BYTES = 100_000  # a graded cell; the course's longest answer is about 1,500 bytes
MAX_RESULT_BYTES = 256 << 20  # every answer's arrays together
NPROC = 16                  # the child, a thread or two (tqdm's monitor); a fork bomb meets this
KEEP_STDERR = 2000
INPUTS = "/io"              # the case files, inside the sandbox
DTYPE = re.compile(r"[<>|=]?[biufc]\d{1,2}\Z")
BUILTIN_ERRORS = {n for n, v in vars(builtins).items() if isinstance(v, type) and issubclass(v, BaseException)}
EXIT = {False: "it called sys.exit() or exit(); return a value instead",
        True: "it called os._exit(), which would stop Python; return a value instead"}


def too_large(function, source) -> FunctionReport | None:
    """The refusal of a graded cell over MAX_SOURCE_BYTES, or None. Every entry point asks this first,
    before anything parses, fingerprints or compares the cell."""
    size = len(source) if isinstance(source, str) else 0
    if isinstance(source, str) and size <= MAX_SOURCE_BYTES:
        size = len(source.encode("utf-8", "replace"))
    if isinstance(source, str) and size <= MAX_SOURCE_BYTES:
        return None
    return FunctionReport(function, problem=(
        f"the graded cell of {function} is {size:,} bytes, more than the {MAX_SOURCE_BYTES:,} a cell may hold; "
        f"keep only the function (and any helpers it needs) in it."))


def forbidden_import(source):
    """The course module a cell imports (which graded code may not), or None."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    for node in ast.walk(tree):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
        for name in names:
            if name.split(".")[0] in FORBIDDEN:
                return name.split(".")[0]
    return None


MAGIC = re.compile(r"^(\s*)(%%?|!)")
ASSIGNED_MAGIC = re.compile(r"^(\s*[\w.,\s\[\]()]+=\s*)(%|!)")


def to_python(source):
    """The cell as plain Python, in one pass: ``%run x`` and ``!cmd`` become ``pass``, ``out = !cmd`` becomes
    ``out = None`` (a graded function never needs them; IPython's own transformer costs minutes on a cell
    padded with escapes); line numbers stay as the learner sees them."""
    lines = []
    for line in source.split("\n"):
        if magic := MAGIC.match(line):
            line = f"{magic.group(1)}pass  # (an IPython magic or shell escape: not run when grading)"
        elif assigned := ASSIGNED_MAGIC.match(line):
            line = f"{assigned.group(1)}None  # (an IPython shell escape: not run when grading)"
        lines.append(line)
    return "\n".join(lines)


def static_signature(source, function):
    """The signature of ``def function`` at the top of the cell, from its source alone; None if not there."""
    try:
        defs = [n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef) and n.name == function]
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if not defs:
        return None
    a, P = defs[-1].args, inspect.Parameter
    positional = a.posonlyargs + a.args
    first_default = len(positional) - len(a.defaults)
    params = [P(x.arg, P.POSITIONAL_ONLY if k < len(a.posonlyargs) else P.POSITIONAL_OR_KEYWORD,
                default=None if k >= first_default else P.empty) for k, x in enumerate(positional)]
    params += [P(a.vararg.arg, P.VAR_POSITIONAL)] if a.vararg else []
    params += [P(x.arg, P.KEYWORD_ONLY, default=P.empty if d is None else None)
               for x, d in zip(a.kwonlyargs, a.kw_defaults)]
    params += [P(a.kwarg.arg, P.VAR_KEYWORD)] if a.kwarg else []
    try:
        stand_in = lambda *a, **k: None  # noqa: E731 (something to fit calls to)
        stand_in.__signature__ = inspect.Signature(params)
        return stand_in
    except ValueError:
        return None


_stage, _stage_lock = None, threading.Lock()


def stage() -> dict:
    """What the sandbox sees read-only, made once per process: the learners' package without its data and
    the child (at iso.LIB), NumPy and tqdm (at iso.SITE); and, for running without isolation, the same in
    host folders."""
    global _stage
    with _stage_lock:
        if _stage is None:
            root = Path(tempfile.mkdtemp(prefix="autograder-stage-"))
            atexit.register(shutil.rmtree, root, ignore_errors=True)
            lib = root / "lib"
            shutil.copytree(HERE.parent / "learner", lib / "autograder" / "learner",
                            ignore=shutil.ignore_patterns("__pycache__", "*.npz", "*.json", "*.pyc"))
            (lib / "autograder" / "__init__.py").write_text('"""The learners\' package alone."""\n')
            shutil.copy(HERE / "child.py", lib / "child.py")
            ro = [(lib, iso.LIB)]
            site = Path(np.__file__).resolve().parent.parent
            ro += [(site / n, f"{iso.SITE}/{n}") for n in ("numpy", "numpy.libs") if (site / n).exists()]
            try:
                import tqdm
                ro.append((Path(tqdm.__file__).resolve().parent, f"{iso.SITE}/tqdm"))
            except ImportError:
                pass
            (root / "site").mkdir()
            for host, inside in ro[1:]:
                os.symlink(host, root / "site" / Path(inside).name)
            _stage = {"ro": ro, "lib": lib, "site": root / "site"}
    return _stage


class Stop(Exception):
    """The run ended early: why ("timeout", "ended", "broken", "too-large"), and the frame that broke it."""

    def __init__(self, why, header=None):
        super().__init__(why)
        self.why, self.header = why, header


class Sandbox:
    """The grader's end of one child: requests out on its stdin, replies in on a pipe, stderr read as it
    comes; one thread, one selector, every wait against a deadline."""

    def __init__(self, cmd, env, cwd, preexec):
        replies, reply_w = os.pipe()
        self.err, err_w = os.pipe()
        try:
            self.proc = subprocess.Popen(cmd, cwd=cwd, env={**env, "AUTOGRADER_REPLIES": str(reply_w)},
                                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err_w,
                                         preexec_fn=preexec, start_new_session=True, pass_fds=(reply_w,))
        finally:
            os.close(reply_w)
            os.close(err_w)
        self.replies, self.stdin = replies, self.proc.stdin.fileno()
        for fd in (replies, self.err, self.stdin):
            os.set_blocking(fd, False)
        self.selector = selectors.DefaultSelector()
        self.selector.register(replies, selectors.EVENT_READ)
        self.selector.register(self.err, selectors.EVENT_READ)
        self.buffer, self.out, self.stderr, self.keep, self.received = bytearray(), b"", bytearray(), True, 0

    def ask(self, kind, body, expect, case, deadline):
        """Send one request; return the one reply of kind ``expect`` (for case number ``case``)."""
        self.out = frame(kind, body)
        self.selector.register(self.stdin, selectors.EVENT_WRITE)
        header, payload = self._next(deadline)
        if header.get("kind") != expect.value or header.get("case") != case or self.out:
            raise Stop("broken", header)
        return header, payload

    def finish(self, deadline):
        """No more requests: the child ends at once; a frame still arriving breaks the run."""
        self.proc.stdin.close()
        try:
            header, _ = self._next(deadline)
        except Stop as stop:
            if stop.why in ("ended", "timeout"):
                return
            raise
        raise Stop("broken", header)

    def _next(self, deadline):
        """Move bytes both ways until one whole frame has come; Stop at the deadline, at the end of the replies,
        or at the first length over the limits."""
        while True:
            if len(self.buffer) >= HEAD.size:
                n_json, n_bin = HEAD.unpack_from(self.buffer)
                if n_json > MAX_HEADER or n_bin > MAX_PAYLOAD or self.received + n_bin > MAX_RESULT_BYTES:
                    raise Stop("too-large")
                end = HEAD.size + n_json + n_bin
                if len(self.buffer) >= end:
                    try:
                        header = json.loads(bytes(self.buffer[HEAD.size:HEAD.size + n_json]))
                    except (ValueError, RecursionError, MemoryError):
                        raise Stop("broken") from None
                    payload = self.buffer[HEAD.size + n_json:end]
                    del self.buffer[:end]
                    self.received += n_bin
                    if not isinstance(header, dict):
                        raise Stop("broken")
                    return header, payload
            left = deadline - time.monotonic()
            if left <= 0:
                raise Stop("timeout")
            for key, _ in self.selector.select(left):
                if key.fd == self.stdin:
                    try:
                        self.out = self.out[os.write(self.stdin, self.out[:1 << 16]):]
                    except BrokenPipeError:
                        raise Stop("ended") from None
                    if not self.out:
                        self.selector.unregister(self.stdin)
                elif key.fd == self.replies:
                    chunk = os.read(self.replies, 1 << 20)
                    if not chunk:
                        raise Stop("ended")
                    self.buffer += chunk
                else:
                    self._read_stderr()

    def _read_stderr(self):
        try:
            while chunk := os.read(self.err, 1 << 16):
                if self.keep and len(self.stderr) < KEEP_STDERR:
                    self.stderr += chunk[:KEEP_STDERR - len(self.stderr)]
            self.selector.unregister(self.err)  # its end
        except (BlockingIOError, KeyError):
            pass

    def take_stderr(self) -> str:
        """What reached stderr (and was kept) since the last call."""
        self._read_stderr()
        text, self.stderr = bytes(self.stderr).decode(errors="replace"), bytearray()
        return text

    def status(self, wait=1.0):
        """How the process ended (bwrap passes a signal on as 128 + its number), or None if it had not."""
        try:
            return self.proc.wait(wait)
        except subprocess.TimeoutExpired:
            return None

    def close(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # bwrap: its PID namespace, and all in it, ends with it
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        self.selector.close()
        for fd in (self.replies, self.err):
            os.close(fd)
        if not self.proc.stdin.closed:
            self.proc.stdin.close()


def _command(folder, rw, uid, memory_mb, cpu_seconds):
    """(command, environment, working folder, preexec function, cgroup or None) for one child."""
    staged, exe = stage(), os.path.realpath(sys.executable)
    env = {"PATH": "/nonexistent", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    if uid is None:  # no isolation: the same child and limits, on the host's own paths
        cmd = [exe, "-I", "-S", str(staged["lib"] / "child.py"), str(folder), str(staged["lib"]), str(staged["site"])]
    else:
        env["AUTOGRADER_UID"] = str(uid)
        cmd = iso.bwrap_args(staged["ro"] + [(folder, INPUTS)], rw=[(p, f"{INPUTS}/{p.name}") for p in rw]) + \
            [exe, "-I", "-S", f"{iso.LIB}/child.py", INPUTS, iso.LIB, iso.SITE]
    nproc = iso.nproc_limit(NPROC) if uid is not None else NPROC
    group = iso.Cgroup(memory_mb, nproc) if uid is not None and iso.Cgroup.usable() else None
    limits = iso.limits(memory_mb, cpu_seconds, nproc, fsize_mb=1)

    def preexec():
        limits()
        if group is not None:
            group.enter()
    return cmd, env, ("/" if uid is not None else folder), preexec, group


def _writable(case, meta, names, writable):
    """[(position among the case's input arrays, pack key)] for its writable arrays (numerical_gradient's x)."""
    args, kwargs = meta["items"][0]["items"], meta["items"][1]["items"]
    found = []
    for position, (key, _) in enumerate(input_arrays(case.args, case.kwargs)):
        m = args[key] if isinstance(key, int) and key < len(names) and names[key] in writable else \
            kwargs.get(key) if key in writable else None
        if m:
            found.append((position, m["a"]))
    return found


def _write_case(folder, i, arrays, writable):
    """Write case ``i``'s arrays for the child (read-only ones in one file, writable ones into their own
    files, bound writable from the start); return where each is, for the request."""
    spec, offset = {}, 0
    with open(folder / f"c{i}", "wb") as f:
        for key, a in arrays.items():
            a = np.ascontiguousarray(a)
            if key in writable:
                with open(folder / f"w{i}_{key}", "r+b") as w:
                    w.write(a.tobytes())
                spec[key] = [f"w{i}_{key}", 0, a.dtype.str, list(a.shape), True]
                continue
            offset += f.write(b"\0" * (-offset % 64))
            spec[key] = [f"c{i}", offset, a.dtype.str, list(a.shape), False]
            offset += f.write(a.tobytes())
        f.write(b"\0")  # never empty: an empty file cannot be mapped
    return spec


def _read_back(path, a):
    """The writable input as the call left it, read here from its file (never from the child's words)."""
    with open(path, "rb") as f:
        data = f.read(a.nbytes)
    return np.frombuffer(data, a.dtype).reshape(a.shape).copy() if len(data) == a.nbytes else np.zeros(0)


def _text(value, limit):
    """A string the sandbox sent, cut to ``limit`` and safe to print (no lone surrogates)."""
    return value[-limit:].encode("utf-8", "replace").decode("utf-8") if isinstance(value, str) else ""


def _arrays(spec, payload):
    """The arrays of an answer from its payload: numeric, shaped as said, exactly filling it."""
    arrays, offset, payload = {}, 0, bytearray(payload)
    for key, dtype, shape in spec:
        if not (isinstance(key, str) and isinstance(dtype, str) and DTYPE.match(dtype) and isinstance(shape, list)
                and len(shape) <= 32 and all(type(d) is int and d >= 0 for d in shape)):
            raise ValueError("a malformed array")
        dt, count = np.dtype(dtype), math.prod(shape)
        if offset + count * dt.itemsize > len(payload):
            raise ValueError("arrays cut short")
        arrays[key] = np.frombuffer(payload, dt, count, offset).reshape(shape) if count else np.zeros(shape, dt)
        offset += count * dt.itemsize
    if offset != len(payload):
        raise ValueError("bytes left over")
    return arrays


def _failure(d, hidden):
    """A failure the child reported, its text bounded; for a hidden case an exception class of the learner's
    own making is not named (its name could carry the inputs)."""
    if not isinstance(d, dict):
        raise ValueError("a failure that is not a mapping")
    failure = Failure.from_dict(d)
    failure.message, failure.type = _text(failure.message, 300), _text(failure.type, 80)
    if failure.kind == "exit":  # its own words are not trusted: one of two fixed texts
        failure.message = EXIT["os._exit" in failure.message]
    elif failure.kind == "memory":
        failure.message = f"it ran out of memory ({MEMORY_LIMIT_MB} MB allowed): {failure.message}"
    if hidden and failure.type not in BUILTIN_ERRORS:
        failure.type = "Exception"
    return failure


def _outcome(header, payload, hidden):
    """One case's outcome from its reply; for a hidden case, nothing but the value or the failure."""
    try:
        out = Outcome(yielded=header.get("yielded") is True)
        if not hidden:
            warned = header.get("warnings")
            out.warnings = [_text(w, 300) for w in warned[:10] if isinstance(w, str)] if isinstance(warned, list) else []
            out.stdout, out.adapted = _text(header.get("stdout"), 2000), _text(header.get("adapted"), 300)
        if "failure" in header:
            out.failure = _failure(header["failure"], hidden)
        else:
            out.value = unpack(header["value"], _arrays(header.get("arrays"), payload))
        return out
    except Exception as exc:  # a result the child mangled is a failed call, never a crash of the grader
        return Outcome(failure=Failure("crash", "Error", f"its result could not be read ({type(exc).__name__}"
                                                         + ("" if hidden else f": {_text(str(exc), 120)}") + ")"))


def _stopped(stop, status, timeout, cpu_seconds, stderr=""):
    """Why the calls from here on gave nothing, from what this side saw (never from the child's words)."""
    if stop.why == "timeout":
        return Failure("timeout", "TimeoutError", LOOP.format(timeout))
    if stop.why == "too-large":
        return Failure("crash", "Error", f"it returned more than the grader reads ({MAX_PAYLOAD >> 20} MB of "
                                         f"arrays for one call, {MAX_RESULT_BYTES >> 20} MB in all)")
    if stop.why == "broken":
        return Failure("crash", "Error", "its answers could not be read: the grading process sent something other "
                                         "than one answer per call (graded code must only return its value)")
    sig = -status if status is not None and status < 0 else status - 128 if status and status > 128 else None
    if sig == signal.SIGXCPU:
        return Failure("timeout", "TimeoutError", f"it used more than {cpu_seconds} s of CPU time")
    if sig in set(signal.Signals):
        name = signal.Signals(sig).name
        return Failure("crash", name, f"the process was killed by {name} (by a limit on its memory, processes "
                                      f"or file sizes, or by itself)")
    last = stderr.strip().splitlines()[-1][:200] if stderr.strip() else ""
    return Failure("exit", "SystemExit", "the process ended before the function returned: does your code call "
                                         "os._exit() or exit()?" + (f" (its last words: {_text(last, 200)!r})"
                                                                     if last else ""))


def run_in_sandbox(function, source, cases, timeout, memory_mb=MEMORY_LIMIT_MB):
    """Run the learner's cell, then ``function`` on every case (visible ones first), one child in the sandbox.

    Returns (outcomes: name -> Outcome, cell problems: list of dicts, defined: True, False or None when
    the cell never finished)."""
    checks = suite(function)
    names = [n for n in cases if not cases[n].hidden] + [n for n in cases if cases[n].hidden]
    packed = {n: pack((tuple(cases[n].args), dict(cases[n].kwargs))) for n in names}
    moving = {n: _writable(cases[n], packed[n][0], checks.args, checks.writable) for n in names}
    uid = iso.sandbox_uid() if iso.isolation().kind == "bwrap" else None
    cpu_seconds = int(timeout + STARTUP_SECONDS) + 1
    outcomes, problems, defined, stop = {}, [], None, None
    with tempfile.TemporaryDirectory(prefix="autograder-job-") as job:
        folder = Path(job) / "in"
        folder.mkdir(mode=0o755)
        rw = []
        for i, n in enumerate(names):  # numerical_gradient's x: a file of its own, writable from the start
            for _, key in moving[n]:
                rw.append(folder / f"w{i}_{key}")
                with open(rw[-1], "wb") as f:
                    f.truncate(packed[n][1][key].nbytes)
                if uid is not None and os.getuid() == 0:
                    os.chown(rw[-1], uid, uid)
        cmd, env, cwd, preexec, group = _command(folder, rw, uid, memory_mb, cpu_seconds)
        course, ref = load_course(), reference()
        lesson = course.lesson_for(function)
        prelude = ref.prelude(lesson, course)
        sandbox = Sandbox(cmd, env, cwd, preexec)
        try:
            start = time.monotonic()
            header, _ = sandbox.ask(Kind.CELL, {
                "function": function, "source": to_python(source), "prelude": prelude,
                "helpers": prelude + "\n" + ref.toolbox_code(lesson, course), "names": list(checks.args),
                "writable": list(checks.writable)}, Kind.DEFINED, None, start + STARTUP_SECONDS + timeout)
            found = header.get("problems")
            problems = [_problem(p) for p in found[:20] if isinstance(p, dict)] if isinstance(found, list) else []
            defined = header.get("defined") is True
            deadline = time.monotonic() + timeout
            for i, name in enumerate(names if defined else []):
                if cases[name].hidden and sandbox.keep:  # from here on, nothing the learner's code says is kept
                    if i:
                        outcomes[names[i - 1]].stderr += sandbox.take_stderr()
                    sandbox.keep = False
                meta, arrays = packed[name]
                body = {"case": i, "call": meta, "arrays": _write_case(folder, i, arrays, {k for _, k in moving[name]})}
                outcomes[name] = _outcome(*sandbox.ask(Kind.CASE, body, Kind.RESULT, i, deadline), cases[name].hidden)
                outcomes[name].stderr = sandbox.take_stderr()
                if moving[name]:
                    outcomes[name].inputs_after = [None] * len(input_arrays(cases[name].args, cases[name].kwargs))
                    for position, key in moving[name]:
                        outcomes[name].inputs_after[position] = _read_back(folder / f"w{i}_{key}", arrays[key])
            if defined:
                sandbox.finish(time.monotonic() + 1.0)
        except Stop as caught:
            stop = caught
            header = stop.header if isinstance(stop.header, dict) else {}
            j = header.get("case")
            if header.get("kind") == Kind.RESULT.value and "failure" in header and type(j) is int \
                    and 0 <= j <= len(outcomes) and j < len(names):
                outcomes[names[j]] = _outcome(header, b"", cases[names[j]].hidden)  # what it admits stands
            status = sandbox.status() if stop.why == "ended" else None
            failure = _stopped(stop, status, timeout, cpu_seconds, sandbox.take_stderr() if defined is None else "")
            for name in names:
                outcomes.setdefault(name, Outcome(failure=failure))
        finally:
            sandbox.close()
            if group is not None:
                group.remove()
    return {n: outcomes[n] for n in cases if n in outcomes}, problems, defined


def _problem(p):
    """A problem the child reported about the cell, with only the fields and sizes expected."""
    line = p.get("line")
    return {**{k: p[k][:300] if isinstance(p.get(k), str) else "" for k in ("kind", "type", "message")},
            "line": line if type(line) is int else None}


def grade_source(function, source, oracle, timeout=10.0, include_hidden=True):
    """Judge a learner's cell as the answer for ``function``: a FunctionReport."""
    refused = too_large(function, source)
    if refused:
        return refused
    module = forbidden_import(source)
    if module:
        return FunctionReport(function, problem=(
            f"your cell imports {module!r}, the course's own code; graded code must be your own. "
            f"Remove that import and write the function yourself."))
    cases = oracle.cases(function, include_hidden=include_hidden)
    outcomes, problems, defined = run_in_sandbox(function, source, cases, timeout)
    stand_in = static_signature(source, function)
    if stand_in is not None:  # the signature check trusts the source, not what the sandbox said of it
        for name, outcome in outcomes.items():
            outcome.adapted = adapt(stand_in, cases[name].args, cases[name].kwargs, suite(function).args)[2]
    if defined is False:
        p = problems[0] if problems else {}
        detail = f" Running it raised {p.get('type')}" + (f" on line {p['line']}" if p.get("line") else "") + \
            (f": {p.get('message')}" if p.get("message") else "") + "." if p else ""
        return FunctionReport(function, problem=(
            f"the graded cell does not define {function}: keep the line `def {function}(...)` as given.{detail}"))
    exits = [p for p in problems if p.get("kind") == "exit"]
    if exits:
        return FunctionReport(function, problem=(
            f"{exits[0].get('message') or 'your cell calls sys.exit()'}: remove it; graded cells must only "
            f"define the function."))
    return run_checks(suite(function), cases, outcomes, oracle, include_hidden=include_hidden)
