"""Running a learner's cell and its cases without trusting them (instructors' side).

One plain child (``child.py``) runs the learner's cell, then each case, in the sandbox of ``isolation``.
All in there is the learner's; this side owns what decides a grade. Time: a deadline, then the sandbox
dies. Inputs: written to files just before their case runs, mapped read-only inside (an in-place change
raises in the learner's code; hidden cases run last, so no hidden input is inside before every visible
case is answered); numerical_gradient's x alone is writable, and read back here. The protocol: one
request at a time, one reply of the expected kind to each, lengths checked before parsing; anything else
ends the run as broken (a failure an extra frame admits stands). Stderr is read here, bounded. Nothing
the learner's code says about a hidden case reaches a report. Every comparison happens here.
"""
from __future__ import annotations

import builtins
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

from ..learner.call import LOOP
from ..learner.course import load_course
from ..learner.functions import suite
from ..learner.model import Failure, Outcome
from ..learner.serial import pack, unpack
from ..learner.spec import input_arrays
from . import isolation as iso
from .child import HEAD, MAX_HEADER, MAX_PAYLOAD, Kind
from .reference import reference

HERE = Path(__file__).resolve().parent
MEMORY_LIMIT_MB = 1536
STARTUP_SECONDS = 5.0         # interpreter and NumPy start-up, on top of the function's own time limit
MAX_RESULT_BYTES = 256 << 20  # every answer's arrays together
NPROC = 16                    # the child, a thread or two (tqdm's monitor); a fork bomb meets this
KEEP_STDERR = 2000
INPUTS = "/io"                # the requests and case files, inside the sandbox
DTYPE = re.compile(r"[<>|=]?[biufc]\d{1,2}\Z")
BUILTIN_ERRORS = {n for n, v in vars(builtins).items() if isinstance(v, type) and issubclass(v, BaseException)}


class Stop(Exception):
    """The run ended early: why ("timeout", "ended", "broken", "too-large"), and the frame that broke it."""


class Sandbox:
    """The grader's end of one child: requests written to its folder and named on its stdin, replies read
    from a pipe, stderr as it comes; one thread, one selector, every wait against a deadline."""

    def __init__(self, folder, rw, uid, memory_mb, cpu_seconds):
        exe, site = os.path.realpath(sys.executable), Path(np.__file__).resolve().parent.parent
        env = {**iso.ENV, "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}
        if uid is None:  # no isolation: the same child and limits, on the host's own paths
            cmd = [exe, "-I", "-S", str(HERE / "child.py"), str(folder), str(HERE.parent.parent), str(site)]
        else:  # read-only: the learners' package (and its parent's __init__, which imports from it alone),
            # the child, NumPy and tqdm, the requests' folder; writable: numerical_gradient's x
            ro = [*iso.LEARNERS, (folder, INPUTS), (HERE / "child.py", f"{iso.LIB}/child.py")]
            ro += [(site / "numpy.libs", f"{iso.SITE}/numpy.libs")] if (site / "numpy.libs").exists() else []
            for n in ("numpy", "tqdm"):
                if spec := importlib.util.find_spec(n):
                    ro.append((Path(spec.origin).parent, f"{iso.SITE}/{n}"))
            env["AUTOGRADER_UID"] = str(uid)
            cmd = iso.bwrap_args(ro, rw=[(p, f"{INPUTS}/{p.name}") for p in rw], cwd="/tmp") + \
                [exe, "-I", "-S", f"{iso.LIB}/child.py", INPUTS, iso.LIB, iso.SITE]
        preexec, self.remove = iso.prepare(memory_mb, cpu_seconds, NPROC, fsize_mb=1, isolated=uid is not None)
        self.replies, reply_w = os.pipe()
        self.err, err_w = os.pipe()
        try:
            self.proc = subprocess.Popen(
                cmd, cwd="/" if uid is not None else folder, env={**env, "AUTOGRADER_REPLIES": str(reply_w)},
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err_w, start_new_session=True,
                pass_fds=(reply_w,), preexec_fn=preexec)
        finally:
            os.close(reply_w)
            os.close(err_w)
        self.selector = selectors.DefaultSelector()
        for fd in (self.replies, self.err, self.proc.stdin.fileno()):
            os.set_blocking(fd, False)
        self.selector.register(self.replies, selectors.EVENT_READ)
        self.selector.register(self.err, selectors.EVENT_READ)
        self.folder, self.buffer, self.stderr, self.keep, self.received = folder, bytearray(), bytearray(), True, 0

    def ask(self, kind, body, expect, case, deadline):
        """Send one request and return the one reply of kind ``expect`` for case number ``case``."""
        name = f"{kind.value}{'' if case is None else case}.json"
        (self.folder / name).write_text(json.dumps({**body, "kind": kind.value, "case": case}))
        try:
            os.write(self.proc.stdin.fileno(), f"{name}\n".encode())  # a few bytes: refused at once if full
        except (BlockingIOError, BrokenPipeError) as exc:
            raise Stop("ended" if isinstance(exc, BrokenPipeError) else "broken") from None
        header, payload = self.next(deadline)
        if header.get("kind") != expect.value or header.get("case") != case:
            raise Stop("broken", header)
        return header, payload

    def next(self, deadline, last=False):
        """The next whole frame; Stop at the deadline, at the end of the replies, or at a length over the limits
        (after the ``last`` request, the deadline or the end of the replies gives None)."""
        while True:
            n_json, n_bin = HEAD.unpack_from(self.buffer) if len(self.buffer) >= HEAD.size else (-1, 0)
            if n_json > MAX_HEADER or n_bin > MAX_PAYLOAD or self.received + n_bin > MAX_RESULT_BYTES:
                raise Stop("too-large")
            if n_json >= 0 and len(self.buffer) >= (end := HEAD.size + n_json + n_bin):
                header, payload = bytes(self.buffer[HEAD.size:HEAD.size + n_json]), self.buffer[HEAD.size + n_json:end]
                del self.buffer[:end]
                self.received += n_bin
                try:
                    header = json.loads(header)
                except (ValueError, RecursionError, MemoryError):
                    raise Stop("broken") from None
                if not isinstance(header, dict):
                    raise Stop("broken")
                return header, payload
            events = self.selector.select(max(0.0, deadline - time.monotonic()))
            if not events and last:
                return None
            if not events:
                raise Stop("timeout")
            for key, _ in events:
                if key.fd == self.err:
                    self.take_stderr(keep=True)
                elif chunk := os.read(self.replies, 1 << 20):
                    self.buffer += chunk
                elif last:
                    return None
                else:
                    raise Stop("ended")

    def take_stderr(self, keep=False) -> str:
        """Read what reached stderr; return (and forget) what was kept since the last call, unless ``keep``."""
        try:
            while chunk := os.read(self.err, 1 << 16):
                self.stderr += chunk[:max(0, KEEP_STDERR - len(self.stderr))] if self.keep else b""
            self.selector.unregister(self.err)  # its end
        except (BlockingIOError, KeyError):
            pass
        text, self.stderr = ("", self.stderr) if keep else (bytes(self.stderr).decode(errors="replace"), bytearray())
        return text

    def close(self):
        """Kill the sandbox (bwrap: its PID namespace, and all in it, ends with it)."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc.wait()
        self.selector.close()
        self.proc.stdin.close()
        os.close(self.replies)
        os.close(self.err)
        self.remove()  # what is left in its cgroup, if it has one


def _text(value, limit):
    """A string the sandbox sent, cut to ``limit`` and safe to print (no lone surrogates)."""
    return value[-limit:].encode("utf-8", "replace").decode("utf-8") if isinstance(value, str) else ""


def _outcome(header, payload, hidden):
    """A case's outcome from its reply: the value or failure; for a hidden case nothing else, and no
    exception class of the learner's own making (its name could carry the inputs)."""
    try:
        out = Outcome(yielded=header.get("yielded") is True)
        if not hidden:
            warned = header.get("warnings") if isinstance(header.get("warnings"), list) else []
            out.warnings = [_text(w, 300) for w in warned[:10] if isinstance(w, str)]
            out.adapted = _text(header.get("adapted"), 300)
        if "failure" in header:
            out.failure = failure = Failure.from_dict(header["failure"])
            failure.message, failure.type = _text(failure.message, 300), _text(failure.type, 80)
            if failure.kind == "memory":
                failure.message = f"it ran out of memory ({MEMORY_LIMIT_MB} MB allowed): {failure.message}"
            failure.type = "Exception" if hidden and failure.type not in BUILTIN_ERRORS else failure.type
            return out
        arrays, offset, payload = {}, 0, bytearray(payload)
        for key, dtype, shape in header["arrays"]:  # numeric, shaped as said, filling the payload exactly
            if not (isinstance(key, str) and isinstance(dtype, str) and DTYPE.match(dtype) and type(shape) is list
                    and len(shape) <= 32 and all(type(d) is int and d >= 0 for d in shape)):
                raise ValueError("a malformed array")
            dt, count = np.dtype(dtype), math.prod(shape)
            arrays[key] = np.frombuffer(payload, dt, count, offset).reshape(shape) if count else np.zeros(shape, dt)
            offset += count * dt.itemsize
        if offset != len(payload):
            raise ValueError("arrays that do not fill their bytes")
        out.value = unpack(header["value"], arrays)
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
    if sig in set(signal.Signals):  # (bwrap passes a signal on as 128 + its number)
        name = signal.Signals(sig).name
        return Failure("crash", name, f"the process was killed by {name} (by a limit on its memory, CPU time, "
                                      f"processes or file sizes, or by itself)")
    last = _text(stderr.strip().splitlines()[-1], 200) if stderr.strip() else ""
    return Failure("exit", "SystemExit", "the process ended before the function returned: does your code call "
                                         "os._exit() or exit()?" + (f" (it last wrote {last!r})" if last else ""))


def run_in_sandbox(function, source, cases, timeout, memory_mb=MEMORY_LIMIT_MB):
    """Run the learner's cell, then ``function`` on every case (visible ones first), in one sandbox.

    Returns (outcomes: name -> Outcome, the cell's problems: list of dicts, defined: True, False, or None
    when the cell never finished)."""
    checks, course, ref = suite(function), load_course(), reference()
    names = [n for n in cases if not cases[n].hidden] + [n for n in cases if cases[n].hidden]
    packed, moving = {n: pack((tuple(cases[n].args), dict(cases[n].kwargs))) for n in names}, {}
    for n in names:  # {pack key: the case's own array} for the inputs the function may change
        (args, kwargs), case, moving[n] = (m["items"] for m in packed[n][0]["items"]), cases[n], {}
        for p, k in ((p, checks.args.index(p)) for p in checks.writable):
            value, m = (case.args[k], args[k]) if k < len(case.args) else (case.kwargs.get(p), kwargs.get(p))
            moving[n].update({m["a"]: value} if isinstance(value, np.ndarray) else {})
    uid = iso.sandbox_uid() if iso.isolation().kind == "bwrap" else None
    outcomes, problems, defined = {}, [], None
    with tempfile.TemporaryDirectory(prefix="autograder-job-") as job:
        folder = Path(job) / "in"
        folder.mkdir(mode=0o755)
        rw = [folder / f"w{i}_{key}" for i, n in enumerate(names) for key in moving[n]]
        for path, a in zip(rw, [a for n in names for a in moving[n].values()]):  # writable from the start
            np.zeros_like(a).tofile(path)
            os.chown(path, uid, uid) if uid is not None and os.getuid() == 0 else None
        lesson = course.lesson_for(function)
        prelude = ref.prelude(lesson, course)
        sandbox = Sandbox(folder, rw, uid, memory_mb, int(timeout + STARTUP_SECONDS) + 1)
        try:
            header = sandbox.ask(Kind.CELL, {
                "function": function, "source": source, "prelude": prelude, "names": list(checks.args),
                "helpers": prelude + "\n" + ref.toolbox_code(lesson, course), "writable": list(checks.writable)},
                Kind.DEFINED, None, time.monotonic() + STARTUP_SECONDS + timeout)[0]
            found = header.get("problems") if isinstance(header.get("problems"), list) else []
            problems = [{**{k: _text(p.get(k), 300) for k in ("kind", "type", "message")},
                         "line": p.get("line") if type(p.get("line")) is int else None}
                        for p in found[:20] if isinstance(p, dict)]
            defined, deadline = header.get("defined") is True, time.monotonic() + timeout
            for i, name in enumerate(names if defined else []):
                if cases[name].hidden and sandbox.keep:  # from here on, nothing the learner's code says is kept
                    outcomes[names[i - 1]].stderr += sandbox.take_stderr()
                    sandbox.keep = False
                (meta, arrays), files = packed[name], {}
                for key, a in arrays.items():  # written now, so no case is in the sandbox before its turn
                    path = folder / f"{'w' if key in moving[name] else 'c'}{i}_{key}"
                    files[key] = [path.name, a.dtype.str, list(a.shape), key in moving[name]]
                    a.tofile(path)
                header, payload = sandbox.ask(Kind.CASE, {"call": meta, "arrays": files}, Kind.RESULT, i, deadline)
                out = outcomes[name] = _outcome(header, payload, cases[name].hidden)
                out.stderr, after = sandbox.take_stderr(), {}
                for key, a in moving[name].items():  # read here, from its file, never from the child's words
                    with open(folder / f"w{i}_{key}", "rb") as f:
                        data = f.read(a.nbytes)  # (a file the call cut short: x did not come back)
                    after[id(a)] = np.frombuffer(data, a.dtype).reshape(a.shape) if len(data) == a.nbytes else \
                        np.zeros(0)
                if after:
                    out.inputs_after = [after.get(id(a)) for _, a in input_arrays(cases[name].args, cases[name].kwargs)]
            if defined:  # no more requests: the child ends, and a frame still coming breaks the run
                sandbox.proc.stdin.close()
                if (extra := sandbox.next(time.monotonic() + 1.0, last=True)) is not None:
                    raise Stop("broken", extra[0])
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
