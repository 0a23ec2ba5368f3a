"""Running a learner's cell and its cases without trusting them (instructors' side).

One plain child (``child.py``) runs the cell, then each case, in the sandbox of ``isolation``; this side
owns all that decides a grade. Time: a deadline, then the sandbox dies. Inputs: files written just before
their case, read-only inside (numerical_gradient's x alone writable, and read back here), hidden cases last.
Protocol: one reply of the expected kind per request, lengths checked before parsing, or the run is broken
(a failure an extra frame admits stands). Stderr: read here, bounded, none kept from a hidden case.
"""
from __future__ import annotations

import builtins
import contextlib
import importlib.util
import json
import math
import os
import selectors
import signal
import subprocess
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
ERRORS = {n for n, v in vars(builtins).items() if isinstance(v, type) and issubclass(v, BaseException)}


class Stop(Exception):
    """The run ended early: why ("timeout", "ended", "broken", "too-large"), and the frame that broke it."""


class Sandbox:
    """The grader's end of one child: requests written to its own folder and named on its stdin, replies
    read from a pipe, stderr as it comes; one thread, one selector, every wait against a deadline."""

    def __init__(self, writable, cpu_seconds):
        """Start it, with ``writable`` ({file name: array}) bound writable, as zeros until their case runs."""
        self.job = tempfile.TemporaryDirectory(prefix="autograder-job-")
        self.folder = folder = Path(self.job.name) / "in"
        folder.mkdir(mode=0o755)
        for name, a in writable.items():
            np.zeros_like(a).tofile(folder / name)
            os.chmod(folder / name, 0o666)  # for the sandbox's user (none other sees the folder above)
        uid = iso.sandbox_uid() if iso.isolation().kind == "bwrap" else None
        exe, site = iso.python_runtime()[0], Path(np.__file__).resolve().parent.parent
        env = {**iso.ENV, "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}
        cmd = [exe, "-I", "-S", HERE / "child.py", folder, HERE.parent.parent, site]  # (no isolation)
        if uid is not None:  # read-only: the learners' package, the child, NumPy, tqdm, the requests' folder
            tqdm = importlib.util.find_spec("tqdm")
            ro = [*iso.LEARNERS, (folder, INPUTS), (HERE / "child.py", f"{iso.LIB}/child.py")]
            ro += [(site / n, f"{iso.SITE}/{n}") for n in ("numpy", "numpy.libs") if (site / n).exists()]
            ro += [(Path(tqdm.origin).parent, f"{iso.SITE}/tqdm")] if tqdm else []
            env["AUTOGRADER_UID"] = str(uid)
            cmd = iso.bwrap_args(ro, rw=[(folder / n, f"{INPUTS}/{n}") for n in writable], cwd="/tmp") + \
                [exe, "-I", "-S", f"{iso.LIB}/child.py", INPUTS, iso.LIB, iso.SITE]
        preexec, self.remove = iso.prepare(MEMORY_LIMIT_MB, cpu_seconds, NPROC, fsize_mb=1,
                                           isolated=uid is not None)
        self.replies, reply_w = os.pipe()
        try:
            self.proc = subprocess.Popen(
                cmd, cwd="/" if uid is not None else folder, env={**env, "AUTOGRADER_REPLIES": str(reply_w)},
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                start_new_session=True, pass_fds=(reply_w,), preexec_fn=preexec)
        finally:
            os.close(reply_w)
        self.err, self.selector = self.proc.stderr.fileno(), selectors.DefaultSelector()
        os.set_blocking(self.proc.stdin.fileno(), False)
        for fd in (self.replies, self.err):
            os.set_blocking(fd, False)
            self.selector.register(fd, selectors.EVENT_READ)
        self.buffer, self.received, self.stderr, self.keep = bytearray(), 0, bytearray(), True

    def ask(self, kind, body, expect, case, deadline):
        """Send one request and return the one reply of kind ``expect`` for case number ``case``."""
        name = f"{kind.value}{'' if case is None else case}.json"
        (self.folder / name).write_text(json.dumps({**body, "kind": kind.value, "case": case}))
        try:
            os.write(self.proc.stdin.fileno(), f"{name}\n".encode())  # a few bytes: refused at once if full
        except (BlockingIOError, BrokenPipeError) as exc:
            raise Stop("ended" if isinstance(exc, BrokenPipeError) else "broken") from None
        header, payload = self.next(deadline)
        if header.get("kind") != expect or header.get("case") != case:
            raise Stop("broken", header)
        return header, payload

    def next(self, deadline):
        """The next whole frame, a JSON object and its payload; Stop at the deadline, at the end of the
        replies, or at anything else (lengths over the limits are refused before a byte is parsed)."""
        while True:
            n_json, n_bin = HEAD.unpack_from(self.buffer) if len(self.buffer) >= HEAD.size else (-1, 0)
            if n_json > MAX_HEADER or n_bin > MAX_PAYLOAD or self.received + n_bin > MAX_RESULT_BYTES:
                raise Stop("too-large")
            if n_json >= 0 and len(self.buffer) >= (end := HEAD.size + n_json + n_bin):
                header, payload = self.buffer[HEAD.size:end - n_bin], self.buffer[end - n_bin:end]
                del self.buffer[:end]
                self.received += n_bin
                try:
                    return {**json.loads(header)}, payload  # (** refuses anything but an object)
                except (TypeError, ValueError, RecursionError, MemoryError):
                    raise Stop("broken") from None
            events = self.selector.select(max(0.0, deadline - time.monotonic()))
            if not events:
                raise Stop("timeout")
            for key, _ in events:
                if key.fd == self.err:
                    self.take_stderr(keep=True)
                elif chunk := os.read(self.replies, 1 << 20):
                    self.buffer += chunk
                else:
                    raise Stop("ended")

    def take_stderr(self, keep=False) -> str:
        """Read stderr; return (and forget) what was kept since the last call, unless ``keep``."""
        with contextlib.suppress(BlockingIOError, KeyError):
            while chunk := os.read(self.err, 1 << 16):
                self.stderr += chunk[:max(0, KEEP_STDERR - len(self.stderr))] if self.keep else b""
            self.selector.unregister(self.err)  # its end
        text, self.stderr = ("", self.stderr) if keep else (self.stderr.decode(errors="replace"), bytearray())
        return text

    def close(self):
        """Kill the sandbox (bwrap: its PID namespace, and all in it, ends with it), and clear up after it."""
        with self.proc, contextlib.suppress(ProcessLookupError, PermissionError):  # (the with: pipes, wait)
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.selector.close()
        os.close(self.replies)
        self.remove()  # what is left in its cgroup, if it has one
        self.job.cleanup()


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
            failure.type = "Exception" if hidden and failure.type not in ERRORS else failure.type
            return out
        arrays, offset = {}, 0
        for key, dtype, shape in header["arrays"]:  # numeric, shaped as said, filling the payload exactly
            if not (isinstance(key, str) and np.dtype(dtype).kind in "biufc" and type(shape) is list
                    and len(shape) <= 32 and all(type(d) is int and d >= 0 for d in shape)):
                raise ValueError("a malformed array")
            arrays[key] = np.frombuffer(payload, dtype, math.prod(shape), offset).reshape(shape)
            offset += arrays[key].nbytes
        if offset != len(payload):
            raise ValueError("arrays that do not fill their bytes")
        out.value = unpack(header["value"], arrays)
        return out
    except Exception as exc:  # a result the child mangled is a failed call, never a crash of the grader
        why = type(exc).__name__ + ("" if hidden else f": {_text(str(exc), 120)}")
        return Outcome(failure=Failure("crash", "Error", f"its result could not be read ({why})"))


def _stopped(why, status, timeout, stderr=""):
    """Why no call from here on gave anything, from what this side saw (never from the child's words)."""
    seen = {"timeout": ("timeout", "TimeoutError", LOOP.format(timeout)),
            "too-large": ("crash", "Error", f"it returned more than the grader reads ({MAX_PAYLOAD >> 20} MB "
                          f"of arrays for one call, {MAX_RESULT_BYTES >> 20} MB in all)"),
            "broken": ("crash", "Error", "its answers could not be read: the grading process sent something "
                       "other than one answer per call (graded code must only return its value)")}
    if why in seen:
        return Failure(*seen[why])
    sig = -status if status < 0 else status - 128  # (bwrap passes a signal on as 128 + its number)
    if sig in set(signal.Signals):
        name = signal.Signals(sig).name
        return Failure("crash", name, f"the process was killed by {name} (by a limit on its memory, "
                                      f"CPU time, processes or file sizes, or by itself)")
    last = _text(stderr.strip().splitlines()[-1], 200) if stderr.strip() else ""
    return Failure("exit", "SystemExit", "the process ended before the function returned: does your code "
                   "call os._exit() or exit()?" + (f" (it last wrote {last!r})" if last else ""))


def run_in_sandbox(function, source, cases, timeout):
    """Run the learner's cell, then ``function`` on every case (visible ones first), in one sandbox.

    Returns (outcomes: name -> Outcome, the cell's problems: list of dicts, defined: True, False, or None
    when the cell never finished)."""
    checks, course, ref = suite(function), load_course(), reference()
    names = sorted(cases, key=lambda n: cases[n].hidden)  # visible cases first, in their order
    packed, moving = {n: pack((tuple(cases[n].args), dict(cases[n].kwargs))) for n in names}, {}
    for n in names:  # {pack key: the case's own array} for each input the function may change
        (args, kwargs), case = (m["items"] for m in packed[n][0]["items"]), cases[n]
        metas = {**kwargs, **dict(zip(checks.args, args))}  # by parameter: what was packed, and the case's
        given = {**case.kwargs, **dict(zip(checks.args, case.args))}
        moving[n] = {metas[p]["a"]: given[p] for p in checks.writable if isinstance(given.get(p), np.ndarray)}
    lesson = course.lesson_for(function)
    prelude = ref.prelude(lesson, course)
    outcomes, problems, defined = {}, [], None
    sandbox = Sandbox({f"w{i}_{key}": a for i, n in enumerate(names) for key, a in moving[n].items()},
                      int(timeout + STARTUP_SECONDS) + 1)
    try:
        header = sandbox.ask(Kind.CELL, {"function": function, "source": source, "prelude": prelude,
                                         "helpers": prelude + "\n" + ref.toolbox_code(lesson, course),
                                         "names": list(checks.args), "writable": list(checks.writable)},
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
            (meta, arrays), files, case = packed[name], {}, cases[name]
            for key, a in arrays.items():  # written now, so no case is in the sandbox before its turn
                path = sandbox.folder / f"{'w' if key in moving[name] else 'c'}{i}_{key}"
                files[key] = [path.name, a.dtype.str, a.shape, key in moving[name]]
                a.tofile(path)
            reply = sandbox.ask(Kind.CASE, {"call": meta, "arrays": files}, Kind.RESULT, i, deadline)
            out = outcomes[name] = _outcome(*reply, case.hidden)
            out.stderr, after = sandbox.take_stderr(), {}
            for key, a in moving[name].items():  # read here, from its file, never from the child's words
                back = np.fromfile(sandbox.folder / f"w{i}_{key}", a.dtype, a.size)  # short: x not put back
                after[id(a)] = back.reshape(a.shape) if back.size == a.size else np.zeros(0)
            if after:
                out.inputs_after = [after.get(id(a)) for _, a in input_arrays(case.args, case.kwargs)]
        if defined:  # no more requests: the child ends, and a frame still coming breaks the run
            sandbox.proc.stdin.close()
            raise Stop("broken", sandbox.next(time.monotonic() + 1.0)[0])
    except Stop as stop:  # (after the last case, the end of the replies or silence changes nothing)
        why, header = (*stop.args, {})[:2]
        j = header.get("case")
        sent = names[:len(outcomes) + 1]  # what it admits against itself stands; once a hidden case is out,
        if header.get("kind") == Kind.RESULT and "failure" in header and type(j) is int and 0 <= j < len(sent):
            out = outcomes[names[j]] = _outcome(header, b"", cases[sent[-1]].hidden)  # said as a hidden case's
            if cases[sent[-1]].hidden and not cases[names[j]].hidden and out.failure:  # (a visible case's words
                out.failure.message = "it raised an exception while a hidden case ran"  # could carry its inputs)
        with contextlib.suppress(subprocess.TimeoutExpired):  # how it ended, if it has ended
            sandbox.proc.wait(1.0 if why == "ended" else 0)
        stderr = sandbox.take_stderr() if defined is None else ""  # (the cell's: the one not read yet)
        failure = _stopped(why, sandbox.proc.returncode or 0, timeout, stderr)
        for name in names:
            outcomes.setdefault(name, Outcome(failure=failure))
    finally:
        sandbox.close()
    return {n: outcomes[n] for n in cases if n in outcomes}, problems, defined
