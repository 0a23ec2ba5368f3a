"""Grading a learner's cell without trusting it (instructors' side).

One plain child (``child.py``) runs the learner's cell, then each case, in the sandbox of
``autograder.grader.isolation``. All in there is the learner's; this side owns what decides a grade:

- time: a deadline for the cell and one for its cases (the lesson's limit), then the sandbox dies;
- inputs: each case's arrays are written just before it runs to files in a folder the sandbox sees
  read-only, and mapped read-only there, so an in-place change raises in the learner's own code and no
  hidden input is in the sandbox before every visible case is answered (hidden cases run last);
  numerical_gradient's x is the one writable input, a file read back here to see if it was put back;
- the protocol: one request at a time and exactly one reply of the expected kind to each, its lengths
  checked before a byte is parsed; anything else ends the run as broken, for this function only
  (keeping a failure an extra frame admits: evidence against itself is safe to believe);
- stderr, read here, bounded, kept for visible cases only; for a hidden case nothing the learner's code
  says (messages, prints, warnings, exception classes of its own) reaches a report;
- every comparison, in this process, whose NumPy the learner's code never touched.
"""
from __future__ import annotations

import ast
import builtins
import functools
import importlib.util
import json
import math
import os
import re
import selectors
import signal
import subprocess
import sys
import tempfile
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
STARTUP_SECONDS = 5.0         # interpreter and NumPy start-up, on top of the function's own time limit
MAX_SOURCE_BYTES = 100_000    # a graded cell; the course's longest answer is about 1,500 bytes
MAX_RESULT_BYTES = 256 << 20  # every answer's arrays together
NPROC = 16                    # the child, a thread or two (tqdm's monitor); a fork bomb meets this
KEEP_STDERR = 2000
INPUTS = "/io"                # the case files, inside the sandbox
DTYPE = re.compile(r"[<>|=]?[biufc]\d{1,2}\Z")
BUILTIN_ERRORS = {n for n, v in vars(builtins).items() if isinstance(v, type) and issubclass(v, BaseException)}
EXIT = {False: "it called sys.exit() or exit(); return a value instead",
        True: "it called os._exit(), which would stop Python; return a value instead"}
MAGIC, ASSIGNED_MAGIC = re.compile(r"^(\s*)(%%?|!)"), re.compile(r"^(\s*[\w.,\s\[\]()]+=\s*)(%|!)")


def too_large(function, source) -> FunctionReport | None:
    """The refusal of a graded cell over MAX_SOURCE_BYTES, or None: every entry point asks first, before
    anything parses, fingerprints or compares the cell."""
    size = len(source) if isinstance(source, str) else 0
    size = len(source.encode("utf-8", "replace")) if 0 < size <= MAX_SOURCE_BYTES else size
    if isinstance(source, str) and size <= MAX_SOURCE_BYTES:
        return None
    return FunctionReport(function, problem=(
        f"the graded cell of {function} is {size:,} bytes, more than the {MAX_SOURCE_BYTES:,} a cell may hold; "
        f"keep only the function (and any helpers it needs) in it."))


def _parse(source):
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def forbidden_import(source):
    """The course module a cell imports (which graded code may not), or None."""
    for node in ast.walk(_parse(source) or ast.Module([], [])):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
        for name in names:
            if name.split(".")[0] in FORBIDDEN:
                return name.split(".")[0]
    return None


def to_python(source):
    """The cell as plain Python, in one pass: ``%run x`` and ``!cmd`` become ``pass``, ``out = !cmd`` becomes
    ``out = None`` (IPython's own transformer costs minutes on a cell padded with escapes); line numbers
    stay as the learner sees them."""
    lines = []
    for line in source.split("\n"):
        if magic := MAGIC.match(line):
            line = f"{magic.group(1)}pass  # (an IPython magic or shell escape: not run when grading)"
        elif assigned := ASSIGNED_MAGIC.match(line):
            line = f"{assigned.group(1)}None  # (an IPython shell escape: not run when grading)"
        lines.append(line)
    return "\n".join(lines)


def static_signature(source, function):
    """A stand-in with the signature of ``def function`` at the top of the cell (to fit calls to), made from
    its source alone: no decorator, no annotation, every default None, an empty body. None if not there."""
    defs = [n for n in (_parse(source) or ast.Module([], [])).body
            if isinstance(n, ast.FunctionDef) and n.name == function]
    if not defs:
        return None
    stub, a = ast.parse(f"def {function}(): pass"), defs[-1].args
    a.defaults, a.kw_defaults = [ast.Constant(None)] * len(a.defaults), [d and ast.Constant(None) for d in a.kw_defaults]
    for arg in a.posonlyargs + a.args + a.kwonlyargs + [a.vararg, a.kwarg]:
        if arg is not None:
            arg.annotation = None
    stub.body[0].args, namespace = a, {"__builtins__": {}}
    exec(compile(ast.fix_missing_locations(stub), "<signature>", "exec"), namespace)
    return namespace[function]


@functools.lru_cache(maxsize=1)
def read_only() -> list:
    """(host path, path inside) for what the sandbox sees besides the runtime: the learners' package (with
    the package's own ``__init__``, which imports from it alone) and the child at iso.LIB, NumPy and tqdm at
    iso.SITE."""
    ro = [(HERE.parent / "__init__.py", f"{iso.LIB}/autograder/__init__.py"), (HERE / "child.py", f"{iso.LIB}/child.py"),
          (HERE.parent / "learner", f"{iso.LIB}/autograder/learner")]
    site = Path(np.__file__).resolve().parent.parent
    ro += [(site / "numpy.libs", f"{iso.SITE}/numpy.libs")] if (site / "numpy.libs").exists() else []
    return ro + [(Path(spec.origin).resolve().parent, f"{iso.SITE}/{name}") for name in ("numpy", "tqdm")
                 if (spec := importlib.util.find_spec(name))]


class Stop(Exception):
    """The run ended early: args are why ("timeout", "ended", "broken", "too-large") and the frame that
    broke it, if any."""


class Sandbox:
    """The grader's end of one child: requests out on its stdin, replies in on a pipe, stderr read as it
    comes; one thread, one selector, every wait against a deadline."""

    def __init__(self, folder, rw, uid, memory_mb, cpu_seconds):
        exe = os.path.realpath(sys.executable)
        env = {"PATH": "/nonexistent", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}
        if uid is None:  # no isolation: the same child and limits, on the host's own paths
            cmd = [exe, "-I", "-S", str(HERE / "child.py"), str(folder), str(HERE.parent.parent),
                   str(Path(np.__file__).resolve().parent.parent)]
        else:
            env["AUTOGRADER_UID"] = str(uid)
            cmd = iso.bwrap_args(read_only() + [(folder, INPUTS)], rw=[(p, f"{INPUTS}/{p.name}") for p in rw], cwd="/tmp") \
                + [exe, "-I", "-S", f"{iso.LIB}/child.py", INPUTS, iso.LIB, iso.SITE]
        nproc = iso.nproc_limit(NPROC) if uid is not None else NPROC
        self.group = iso.Cgroup(memory_mb, nproc) if uid is not None and iso.Cgroup.usable() else None
        limits = iso.limits(memory_mb, cpu_seconds, nproc, fsize_mb=1)
        self.replies, reply_w = os.pipe()
        self.err, err_w = os.pipe()
        try:
            self.proc = subprocess.Popen(
                cmd, cwd="/" if uid is not None else folder, env={**env, "AUTOGRADER_REPLIES": str(reply_w)},
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err_w, start_new_session=True,
                pass_fds=(reply_w,), preexec_fn=lambda: (limits(), self.group and self.group.enter()))
        finally:
            os.close(reply_w)
            os.close(err_w)
        self.stdin = self.proc.stdin.fileno()
        self.selector = selectors.DefaultSelector()
        for fd in (self.replies, self.err, self.stdin):
            os.set_blocking(fd, False)
            if fd != self.stdin:
                self.selector.register(fd, selectors.EVENT_READ)
        self.buffer, self.out, self.stderr, self.keep, self.received = bytearray(), b"", bytearray(), True, 0

    def ask(self, kind, body, expect, case, deadline):
        """Send one request and return the one reply of kind ``expect`` (for case number ``case``)."""
        self.out = frame(kind, body)
        self.selector.register(self.stdin, selectors.EVENT_WRITE)
        header, payload = self._next(deadline)
        if header.get("kind") != expect.value or header.get("case") != case or self.out:
            raise Stop("broken", header)
        return header, payload

    def finish(self, deadline):
        """No more requests: the child ends at once, and a frame still arriving breaks the run."""
        self.proc.stdin.close()
        try:
            header = self._next(deadline)[0]
        except Stop as stop:
            if stop.args[0] in ("ended", "timeout"):
                return
            raise
        raise Stop("broken", header)

    def _next(self, deadline):
        """Move bytes both ways until one whole frame has come; Stop at the deadline, at the end of the
        replies, or at a length over the limits."""
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
                    payload, self.received = self.buffer[HEAD.size + n_json:end], self.received + n_bin
                    del self.buffer[:end]
                    if not isinstance(header, dict):
                        raise Stop("broken")
                    return header, payload
            if deadline <= time.monotonic():
                raise Stop("timeout")
            for key, _ in self.selector.select(deadline - time.monotonic()):
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
                    self.take_stderr(keep=True)

    def take_stderr(self, keep=False) -> str:
        """Read what reached stderr; return (and forget) what was kept since the last call, unless ``keep``."""
        try:
            while chunk := os.read(self.err, 1 << 16):
                if self.keep:
                    self.stderr += chunk[:max(0, KEEP_STDERR - len(self.stderr))]
            self.selector.unregister(self.err)  # its end
        except (BlockingIOError, KeyError):
            pass
        if keep:
            return ""
        text, self.stderr = bytes(self.stderr).decode(errors="replace"), bytearray()
        return text

    def close(self):
        """Kill the sandbox (bwrap: its PID namespace, and all in it, ends with it)."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        self.selector.close()
        os.close(self.replies)
        os.close(self.err)
        self.proc.stdin.close()
        if self.group is not None:
            self.group.remove()


def _write_case(folder, i, arrays, writable):
    """Write case ``i``'s arrays for the child (the read-only ones in one file, a writable one into its own
    file, bound writable from the start); return where each is, for the request."""
    spec, offset = {}, 0
    with open(folder / f"c{i}", "wb") as f:
        for key, a in arrays.items():
            a = np.ascontiguousarray(a)
            if key in writable:
                with open(folder / f"w{i}{key}", "r+b") as w:
                    w.write(a.tobytes())
                spec[key] = [f"w{i}{key}", 0, a.dtype.str, list(a.shape), True]
            else:
                offset += f.write(b"\0" * (-offset % 64))
                spec[key] = [f"c{i}", offset, a.dtype.str, list(a.shape), False]
                offset += f.write(a.tobytes())
        f.write(b"\0")  # never empty: an empty file cannot be mapped
    return spec


def _text(value, limit):
    """A string the sandbox sent, cut to ``limit`` and safe to print (no lone surrogates)."""
    return value[-limit:].encode("utf-8", "replace").decode("utf-8") if isinstance(value, str) else ""


def _arrays(spec, payload):
    """An answer's arrays from its payload: numeric, shaped as said, exactly filling it."""
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


def _outcome(header, payload, hidden):
    """A case's outcome from its reply: the value or failure; for a hidden case nothing else, and no
    exception class of the learner's own making (its name could carry the inputs)."""
    try:
        out = Outcome(yielded=header.get("yielded") is True)
        if not hidden:
            warned = header.get("warnings") if isinstance(header.get("warnings"), list) else []
            out.warnings = [_text(w, 300) for w in warned[:10] if isinstance(w, str)]
            out.stdout, out.adapted = _text(header.get("stdout"), 2000), _text(header.get("adapted"), 300)
        if "failure" not in header:
            out.value = unpack(header["value"], _arrays(header.get("arrays"), payload))
            return out
        out.failure = Failure.from_dict(header["failure"])
        out.failure.message, out.failure.type = _text(out.failure.message, 300), _text(out.failure.type, 80)
        if out.failure.kind == "exit":  # its own words are not trusted: one of two fixed texts
            out.failure.message = EXIT["os._exit" in out.failure.message]
        elif out.failure.kind == "memory":
            out.failure.message = f"it ran out of memory ({MEMORY_LIMIT_MB} MB allowed): {out.failure.message}"
        if hidden and out.failure.type not in BUILTIN_ERRORS:
            out.failure.type = "Exception"
        return out
    except Exception as exc:  # a result the child mangled is a failed call, never a crash of the grader
        return Outcome(failure=Failure("crash", "Error", f"its result could not be read ({type(exc).__name__}"
                                                         + ("" if hidden else f": {_text(str(exc), 120)}") + ")"))


def _stopped(why, status, timeout, stderr=""):
    """Why no call from here on gave anything, from what this side saw (never from the child's words)."""
    if why == "timeout":
        return Failure("timeout", "TimeoutError", LOOP.format(timeout))
    if why == "too-large":
        return Failure("crash", "Error", f"it returned more than the grader reads ({MAX_PAYLOAD >> 20} MB of "
                                         f"arrays for one call, {MAX_RESULT_BYTES >> 20} MB in all)")
    if why == "broken":
        return Failure("crash", "Error", "its answers could not be read: the grading process sent something other "
                                         "than one answer per call (graded code must only return its value)")
    sig = -status if status is not None and status < 0 else status - 128 if status and status > 128 else None
    if sig in set(signal.Signals):
        name = signal.Signals(sig).name
        return Failure("crash", name, f"the process was killed by {name} (by a limit on its memory, CPU time, "
                                      f"processes or file sizes, or by itself)")
    last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    return Failure("exit", "SystemExit", "the process ended before the function returned: does your code call "
                                         "os._exit() or exit()?" + (f" (it last wrote {_text(last, 200)!r})" * bool(last)))


def run_in_sandbox(function, source, cases, timeout, memory_mb=MEMORY_LIMIT_MB):
    """Run the learner's cell, then ``function`` on every case (visible ones first), in one sandbox.

    Returns (outcomes: name -> Outcome, the cell's problems: list of dicts, defined: True, False, or None
    when the cell never finished)."""
    checks, course, ref = suite(function), load_course(), reference()
    names = [n for n in cases if not cases[n].hidden] + [n for n in cases if cases[n].hidden]
    packed = {n: pack((tuple(cases[n].args), dict(cases[n].kwargs))) for n in names}
    writable = {}  # name -> [(position among its input arrays, pack key)]: numerical_gradient's x
    for n in names:
        (args, kwargs), keys = [m["items"] for m in packed[n][0]["items"]], checks.args
        writable[n] = [(k, m["a"]) for k, (key, _) in enumerate(input_arrays(cases[n].args, cases[n].kwargs))
                       if (m := args[key] if type(key) is int and key < len(keys) and keys[key] in checks.writable
                           else kwargs[key] if key in checks.writable else None)]
    uid = iso.sandbox_uid() if iso.isolation().kind == "bwrap" else None
    outcomes, problems, defined = {}, [], None
    with tempfile.TemporaryDirectory(prefix="autograder-job-") as job:
        folder = Path(job) / "in"
        folder.mkdir(mode=0o755)
        rw = [folder / f"w{i}{key}" for i, n in enumerate(names) for _, key in writable[n]]
        for path, (i, key) in zip(rw, [(i, key) for i, n in enumerate(names) for _, key in writable[n]]):
            path.touch(0o600)
            os.truncate(path, packed[names[i]][1][key].nbytes)
            if uid is not None and os.getuid() == 0:
                os.chown(path, uid, uid)
        lesson = course.lesson_for(function)
        prelude = ref.prelude(lesson, course)
        sandbox = Sandbox(folder, rw, uid, memory_mb, int(timeout + STARTUP_SECONDS) + 1)
        try:
            header = sandbox.ask(Kind.CELL, {
                "function": function, "source": to_python(source), "prelude": prelude,
                "helpers": prelude + "\n" + ref.toolbox_code(lesson, course), "names": list(checks.args),
                "writable": list(checks.writable)}, Kind.DEFINED, None, time.monotonic() + STARTUP_SECONDS + timeout)[0]
            found = header.get("problems") if isinstance(header.get("problems"), list) else []
            problems = [{**{k: _text(p.get(k), 300) for k in ("kind", "type", "message")},
                         "line": p.get("line") if type(p.get("line")) is int else None}
                        for p in found[:20] if isinstance(p, dict)]
            defined = header.get("defined") is True
            deadline = time.monotonic() + timeout
            for i, name in enumerate(names if defined else []):
                if cases[name].hidden and sandbox.keep:  # from here on, nothing the learner's code says is kept
                    outcomes[names[i - 1]].stderr += sandbox.take_stderr()
                    sandbox.keep = False
                meta, arrays = packed[name]
                body = {"case": i, "call": meta, "arrays": _write_case(folder, i, arrays, {k for _, k in writable[name]})}
                outcomes[name] = _outcome(*sandbox.ask(Kind.CASE, body, Kind.RESULT, i, deadline), cases[name].hidden)
                outcomes[name].stderr = sandbox.take_stderr()
                if writable[name]:  # read here, from the file, never from the child's words
                    after = outcomes[name].inputs_after = [None] * len(input_arrays(cases[name].args, cases[name].kwargs))
                    for position, key in writable[name]:
                        a, data = arrays[key], (folder / f"w{i}{key}").read_bytes()[:arrays[key].nbytes]
                        after[position] = np.frombuffer(data, a.dtype).reshape(a.shape).copy() \
                            if len(data) == a.nbytes else np.zeros(0)
            if defined:
                sandbox.finish(time.monotonic() + 1.0)
        except Stop as stop:
            why, header = stop.args[0], stop.args[1] if len(stop.args) > 1 and isinstance(stop.args[1], dict) else {}
            j = header.get("case")
            if header.get("kind") == Kind.RESULT.value and "failure" in header and type(j) is int \
                    and 0 <= j <= len(outcomes) and j < len(names):  # what it admits against itself stands
                outcomes[names[j]] = _outcome(header, b"", cases[names[j]].hidden)
            try:
                status = sandbox.proc.wait(1.0) if why == "ended" else None
            except subprocess.TimeoutExpired:
                status = None
            failure = _stopped(why, status, timeout, sandbox.take_stderr() if defined is None else "")
            for name in names:
                outcomes.setdefault(name, Outcome(failure=failure))
        finally:
            sandbox.close()
    return {n: outcomes[n] for n in cases if n in outcomes}, problems, defined


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
    for name, outcome in outcomes.items() if stand_in else ():  # the source's signature, not the sandbox's word
        outcome.adapted = adapt(stand_in, cases[name].args, cases[name].kwargs, suite(function).args)[2]
    if defined is False:
        p = problems[0] if problems else {}
        detail = (f" Running it raised {p['type']}" + (f" on line {p['line']}" if p["line"] else "") +
                  (f": {p['message']}" if p["message"] else "") + ".") if p else ""
        return FunctionReport(function, problem=(
            f"the graded cell does not define {function}: keep the line `def {function}(...)` as given.{detail}"))
    exits = [p for p in problems if p["kind"] == "exit"]
    if exits:
        return FunctionReport(function, problem=(
            f"{exits[0]['message'] or 'your cell calls sys.exit()'}: remove it; graded cells must only "
            f"define the function."))
    return run_checks(suite(function), cases, outcomes, oracle, include_hidden=include_hidden)
