"""Grading a learner's cell without trusting it (instructors' side).

The learner's code runs in a child Python (``child.py``) inside the sandbox
of ``autograder.grader.isolation``: bubblewrap where it works, with time,
memory, process and file-size limits either way. The child can import only
the standard library, NumPy, tqdm and the learners' package: not the course's
answers, not the grader. It returns plain arrays and JSON, never pickles,
and nothing it writes is trusted: every result file is read with size caps
(``.npz`` decompression included) against a strict schema, and every
comparison happens here, in the grader's process, whose NumPy the learner's
code never touched. A cell that patches NumPy, exits, loops, floods its
output, forks or attacks the files only spoils its own function's checks.
"""
from __future__ import annotations

import ast
import atexit
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import numpy as np

from ..learner.course import load_course
from ..learner.functions import suite
from ..learner.judge import run_checks
from ..learner.model import Failure, FunctionReport, Outcome
from ..learner.pysource import parse
from ..learner.call import adapt
from ..learner.serial import pack, unpack
from . import isolation as iso
from .reference import reference

HERE = Path(__file__).resolve().parent
LEARNER = HERE.parent / "learner"
FORBIDDEN = ("solutions", "autograder", "mnist_data")
ALLOWED_PACKAGES = ("numpy", "numpy.libs", "tqdm")
MEMORY_LIMIT_MB = 1536
STARTUP_SECONDS = 5.0      # interpreter and NumPy start-up, on top of the function's own time limit
MAX_SOURCE_BYTES = 100_000  # a graded cell; the course's longest answer is about 1,500 bytes
MAX_JSON_BYTES = 1 << 20
MAX_ARRAY_BYTES = 64 << 20  # all the arrays of one call's result, decompressed
MAX_OUT_BYTES = 256 << 20   # everything the child may write, all files together (without isolation)
MAX_RESULT_BYTES = 256 << 20  # everything the supervisor may send back
SCRATCH = "/scratch"          # the sandbox's writable folder: in its own memory
SCRATCH_MB = 64
FSIZE_MB = 64
NPROC = 16  # the child, a thread or two (tqdm's monitor); a fork bomb meets this
KEEP_STDERR = 4000
EXIT_MESSAGES = {False: "it called sys.exit() or exit(); return a value instead",
                 True: "it called os._exit(), which would stop Python; return a value instead"}


class SandboxError(RuntimeError):
    """The sandbox itself failed (not the learner's code)."""


def forbidden_import(source):
    """The course module a cell imports (which graded code may not), or None."""
    try:
        tree = parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            if name.split(".")[0] in FORBIDDEN:
                return name.split(".")[0]
    return None


MAGIC = re.compile(r"^(\s*)(%%?|!)")
ASSIGNED_MAGIC = re.compile(r"^(\s*[\w.,\s\[\]()]+=\s*)(%|!)")


def to_python(source):
    """The cell as plain Python: IPython magics and shell escapes become harmless lines, in one pass.

    A graded function never needs them. ``%run x`` and ``!cmd`` become ``pass``; ``out = !cmd`` becomes
    ``out = None``; line numbers stay as the learner sees them. (IPython's own transformer is not used:
    on a cell padded with escapes it costs minutes of the grader's time, outside any sandbox.)
    """
    lines = []
    for line in source.split("\n"):
        magic = MAGIC.match(line)
        if magic:
            line = f"{magic.group(1)}pass  # (an IPython magic or shell escape: not run when grading)"
        else:
            assigned = ASSIGNED_MAGIC.match(line)
            if assigned:
                line = f"{assigned.group(1)}None  # (an IPython shell escape: not run when grading)"
        lines.append(line)
    return "\n".join(lines)


# ----------------------------------------------------------------------------- what the sandbox sees

_stage, _stage_lock = None, threading.Lock()


def stage() -> dict:
    """Host folders the sandbox sees read-only: NumPy and tqdm, and the learners' package without data.

    Returns {host path: path inside the sandbox}; made once per process.
    """
    global _stage
    with _stage_lock:
        if _stage is None:
            root = Path(tempfile.mkdtemp(prefix="autograder-stage-"))
            atexit.register(shutil.rmtree, root, ignore_errors=True)
            lib = root / "lib" / "autograder"
            lib.mkdir(parents=True)
            (lib / "__init__.py").write_text('"""The learners\' package alone, as the grading sandbox sees it."""\n')
            shutil.copytree(LEARNER, lib / "learner", ignore=shutil.ignore_patterns(
                "__pycache__", "*.npz", "*.json", "*.pyc"))
            binds = {root / "lib": iso.LIB}
            site = Path(np.__file__).resolve().parent.parent
            for name in ALLOWED_PACKAGES:
                if (site / name).exists():
                    binds[site / name] = f"{iso.SITE}/{name}"
            try:
                import tqdm
                binds.setdefault(Path(tqdm.__file__).resolve().parent, f"{iso.SITE}/tqdm")
            except ImportError:
                pass
            # Without isolation the child finds the same folders through links in one place.
            plain = root / "site"
            plain.mkdir()
            for host, inside in binds.items():
                if inside.startswith(iso.SITE):
                    os.symlink(host, plain / Path(inside).name)
            _stage = {"binds": binds, "plain_site": plain, "plain_lib": root / "lib"}
    return _stage


# ----------------------------------------------------------------------------- running

def _job_arrays(cases):
    arrays, case_meta = {}, []
    for name in cases:
        meta, local = pack((tuple(cases[name].args), dict(cases[name].kwargs)))
        prefix = f"c{len(case_meta)}_"

        def rekey(m):
            if isinstance(m, dict):
                return {k: (prefix + v if k == "a" else rekey(v)) for k, v in m.items()}
            return [rekey(x) for x in m] if isinstance(m, list) else m

        meta = rekey(meta)
        arrays.update({prefix + k: v for k, v in local.items()})
        case_meta.append({"args": meta["items"][0], "kwargs": meta["items"][1]})
    return arrays, case_meta


def _folder_bytes(path, limit=MAX_OUT_BYTES):
    total = 0
    for root, dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
        if total > limit:
            break
    return total


def run_in_sandbox(function, source, cases, timeout, memory_mb=MEMORY_LIMIT_MB):
    """Run the learner's cell and call ``function`` on every case in the sandbox.

    Nothing comes back through files: the sandbox's writable folder is in its own memory, and its
    supervisor sends the results down a pipe that only it holds (see ``child.py``).
    Returns (outcomes: name -> Outcome, cell problems: list of dicts, defined: bool or None).
    """
    names = list(cases)
    isolation = iso.isolation()
    staged = stage()
    with tempfile.TemporaryDirectory(prefix="autograder-job-") as jobdir:
        job_in, scratch = Path(jobdir) / "in", Path(jobdir) / "scratch"
        job_in.mkdir()
        scratch.mkdir()
        arrays, case_meta = _job_arrays(cases)
        np.savez(job_in / "inputs.npz", **arrays)
        ref = reference()
        course = load_course()
        # The other functions the cell may call are those its lesson's toolbox shows the learner: earlier
        # lessons' answers only, never a later one's. The job goes through stdin, not a file the cell could read.
        lesson = course.lesson_for(function)
        prelude = ref.prelude(lesson, course)
        job = {"function": function, "source": to_python(source), "prelude": prelude,
               "helpers": prelude + "\n" + ref.toolbox_code(lesson, course),
               "cases": case_meta, "timeout": timeout, "names": list(suite(function).args)}
        job_bytes = json.dumps(job).encode()
        shutil.copy(HERE / "child.py", job_in / "child.py")
        env = {"PATH": "/nonexistent", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}
        exe = os.path.realpath(sys.executable)
        results_r, results_w = os.pipe()
        nproc, uid = NPROC, None
        if isolation.kind == "bwrap":
            uid = iso.sandbox_uid()
            nproc = iso.nproc_limit(NPROC)
            binds = dict(staged["binds"])
            binds[job_in] = iso.JOB
            cmd = iso.bwrap_args(binds, None, writable_at=SCRATCH, cwd=SCRATCH, scratch_mb=SCRATCH_MB,
                                 unprivileged_caller=os.getuid() != 0) + [
                exe, "-I", "-S", f"{iso.JOB}/child.py", iso.JOB, str(results_w), iso.LIB, iso.SITE]
            env.update(HOME=SCRATCH, TMPDIR=SCRATCH, AUTOGRADER_SANDBOX="bwrap", AUTOGRADER_UID=str(uid))
            cwd = "/"
        else:
            cmd = [exe, "-I", "-S", str(job_in / "child.py"), str(job_in), str(results_w), str(staged["plain_lib"]),
                   str(staged["plain_site"])]
            env.update(HOME=str(scratch), TMPDIR=str(scratch))
            cwd = scratch
        wall = timeout + STARTUP_SECONDS
        log = Path(jobdir) / "log"
        group = iso.Cgroup(memory_mb + SCRATCH_MB, nproc) if isolation.kind == "bwrap" and iso.Cgroup.usable() \
            else None
        set_limits = iso.limits(memory_mb, int(wall) + 1, nproc, FSIZE_MB)

        def prepare():
            set_limits()
            if group is not None:
                group.enter()

        frames = []
        try:
            with open(log, "wb") as sink:
                proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=sink, stderr=sink,
                                        preexec_fn=prepare, start_new_session=True, pass_fds=(results_w,))
                os.close(results_w)
                reader = threading.Thread(target=_read_frames, args=(results_r, frames), daemon=True)
                reader.start()
                threading.Thread(target=_feed, args=(proc, job_bytes), daemon=True).start()
                returncode, why = _wait(proc, wall, scratch if isolation.kind != "bwrap" else None, frames)
                reader.join(timeout=2.0)
        finally:  # nothing the learner's code started outlives grading
            if group is not None:
                group.kill_all()
                group.remove()
            if uid is not None:
                iso.reap_user(uid)
            for fd in (results_r,):
                try:
                    os.close(fd)
                except OSError:
                    pass
        stderr = _tail(log, KEEP_STDERR)
        if frames and frames[-1][0].get("kind") == "too-large":
            why = why or "too-large"
        return _collect(frames, names, returncode, stderr, timeout, why)


def _read_frames(fd, frames):
    """Read the supervisor's frames until the pipe closes, within MAX_RESULT_BYTES in all."""
    from .child import receive
    total, sizes = 0, []
    while True:
        try:
            frame = receive(fd, sizes)
        except (ValueError, OSError) as exc:
            frames.append(({"kind": "too-large" if "bytes" in str(exc) else "broken", "why": str(exc)[:200]}, b""))
            return
        if frame is None:
            return
        total += len(frame[1]) + 8 * sizes[-1] + 1000  # parsed JSON takes several times its bytes
        if total > MAX_RESULT_BYTES:
            frames.append(({"kind": "too-large", "why": f"more than {MAX_RESULT_BYTES >> 20} MB of results"}, b""))
            return
        frames.append(frame)


def _feed(proc, data):
    try:
        proc.stdin.write(data)
        proc.stdin.close()
    except (BrokenPipeError, OSError):  # the child ended before reading: its outcome says why
        pass


def _wait(proc, wall, scratch, frames):
    """Wait for the sandbox, killing it (and everything it started) at the time, disk or result limit."""
    deadline = time.monotonic() + wall
    why = None
    while True:
        try:
            return proc.wait(timeout=0.1), why
        except subprocess.TimeoutExpired:
            pass
        if time.monotonic() > deadline:
            why = "timeout"
        elif scratch is not None and _folder_bytes(scratch) > MAX_OUT_BYTES:
            why = "disk"  # (only without isolation: in bubblewrap the scratch folder is in memory, sized)
        elif frames and frames[-1][0].get("kind") in ("too-large", "broken"):
            why = "too-large"
        if why:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                proc.kill()
            proc.wait()
            return None, why


def _tail(path, n):
    with open(path, "rb") as f:
        size = f.seek(0, os.SEEK_END)
        f.seek(max(0, size - n))
        return f.read(n).decode(errors="replace")


def read_npz(data, limit=MAX_ARRAY_BYTES, max_members=10_000):
    """The numeric arrays of an .npz the worker sent, decompressing at most ``limit`` bytes in all."""
    if len(data) > limit:
        raise ValueError(f"{len(data):,} bytes of arrays, more than {limit:,}")
    arrays, budget = {}, limit
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = zf.infolist()
        if len(members) > max_members:
            raise ValueError("too many arrays")
        for info in members:
            if not info.filename.endswith(".npy") or info.file_size > budget:
                raise ValueError("an array too large or misnamed")
            with zf.open(info) as f:
                raw = f.read(budget + 1)
            if len(raw) > budget:
                raise ValueError("arrays larger than allowed")
            budget -= len(raw)
            array = np.lib.format.read_array(io.BytesIO(raw), allow_pickle=False)
            if array.dtype.kind not in "biufc":
                raise ValueError("a non-numeric array")
            arrays[info.filename[:-4]] = array
    return arrays


def _collect(frames, names, returncode, stderr, timeout, why):
    """Outcomes from the supervisor's frames. The answers (values, their own warnings and prints) are the
    worker's; which inputs changed, what reached stderr, and how the run ended are the supervisor's."""
    by_kind = {}
    cases, after = {}, {}
    for header, payload in frames:
        kind = header.get("kind")
        if kind == "case" and isinstance(header.get("i"), int):
            cases.setdefault(header["i"], (header, payload))
        elif kind == "after" and isinstance(header.get("i"), int):
            after.setdefault(header["i"], payload)
        elif kind in ("started", "cell", "ended", "broken", "too-large"):
            by_kind.setdefault(kind, header)
    cell = by_kind.get("cell")
    problems, defined = [], None
    if isinstance(cell, dict):
        problems = [_problem(p) for p in cell.get("problems", [])[:20] if isinstance(p, dict)] \
            if isinstance(cell.get("problems"), list) else []
        defined = cell.get("defined") is True
    if "started" not in by_kind:
        if why in ("timeout", "too-large") or returncode is not None and returncode < 0:
            defined = None  # the child was stopped before it began: a limit, not the grader
        else:
            last = stderr.strip().splitlines()[-1][:200] if stderr.strip() else f"exit code {returncode}"
            raise SandboxError(f"the grading sandbox did not start ({last}); this is a problem with the "
                               f"grader's installation, not with the learner's code.")
    ended = by_kind.get("ended", {})
    written = _text(ended.get("stderr"), 2000)
    overran = ended.get("overran") is True
    if why is None and by_kind.get("too-large"):
        why = "too-large"
    outcomes, stopped = {}, None
    for i, name in enumerate(names):
        outcome = None
        if stopped is None and i in cases:
            outcome = _read_case(*cases[i])
            if i in after and outcome.changed:
                outcome.inputs_after = _read_after(after[i], outcome.changed)
            if i == 0 and written:
                outcome.stderr = written  # whatever reached stderr, as the supervisor saw it
        if outcome is None:
            if stopped is None:
                stopped = _stop_reason(returncode, stderr, timeout, "timeout" if overran else why,
                                       killed=ended.get("killed"), ended="ended" in by_kind)
            outcome = Outcome(failure=stopped)
        elif outcome.failure and outcome.failure.kind == "timeout":
            outcome.failure.message = f"it was still running after {timeout:g} s: look for a loop that never ends"
            stopped = outcome.failure
        outcomes[name] = outcome
    return outcomes, problems, defined


def _read_after(payload, changed):
    """The changed inputs the supervisor sent back, in input order, None for the ones that did not change
    (or could not be read): a check compares them with what it gave."""
    try:
        arrays = read_npz(payload)
    except Exception:
        return None
    after = [None] * (max(changed) + 1)
    for k in changed:
        after[k] = arrays.get(f"a{k}")
    return after


def _problem(p):
    """A problem the child reported about the cell, with only the fields and sizes we expect."""
    line = p.get("line")
    return {**{k: p[k][:300] if isinstance(p.get(k), str) else "" for k in ("kind", "type", "message")},
            "line": line if isinstance(line, int) and not isinstance(line, bool) else None}


def _text(value, limit):
    """A string the sandbox sent, cut to ``limit`` and safe to print (no lone surrogates)."""
    if not isinstance(value, str):
        return ""
    return value[-limit:].encode("utf-8", "replace").decode("utf-8")


def _read_case(header, payload):
    """One case's outcome from its frame: the worker's answer, the supervisor's observations."""
    try:
        arrays = read_npz(payload) if payload else {}
        values = {k[1:]: v for k, v in arrays.items() if k.startswith("v")}
        warned = header.get("warnings", [])
        seconds = header.get("seconds", 0.0)
        outcome = Outcome(warnings=[_text(w, 300) for w in warned if isinstance(w, str)][:10]
                          if isinstance(warned, list) else [],
                          stdout=_text(header.get("stdout"), 2000),
                          seconds=float(seconds) if isinstance(seconds, (int, float)) else 0.0,
                          adapted=_text(header.get("adapted"), 300), yielded=header.get("yielded") is True)
        changed = header.get("changed", [])
        outcome.changed = [k for k in changed if isinstance(k, int)] if isinstance(changed, list) else []
        if "failure" in header:
            if not isinstance(header["failure"], dict):
                raise ValueError("a failure that is not a mapping")
            outcome.failure = Failure.from_dict(header["failure"])
            outcome.failure.message = _text(outcome.failure.message, 300)
            outcome.failure.type = _text(outcome.failure.type, 80)
            if outcome.failure.kind == "exit":  # the worker's own words are not trusted: one of two fixed texts
                outcome.failure.message = EXIT_MESSAGES["os._exit" in outcome.failure.message]
            elif outcome.failure.kind == "memory":
                outcome.failure.message = (f"it ran out of memory ({MEMORY_LIMIT_MB} MB allowed): "
                                           f"{outcome.failure.message}")
        else:
            outcome.value = unpack(header["value"], values)
        return outcome
    except Exception as exc:  # a result the worker mangled is a failed call, never a crash of the grader
        return Outcome(failure=Failure("crash", "Error", f"its result could not be read ({type(exc).__name__}: "
                                                         f"{_text(str(exc), 120)})"))


def _stop_reason(returncode, stderr, timeout, why=None, killed=None, ended=False):
    if why == "timeout" or returncode is None and why is None:
        return Failure("timeout", "TimeoutError",
                       f"it was still running after {timeout:g} s: look for a loop that never ends")
    if why == "disk":
        return Failure("crash", "OSError", f"it wrote more than {MAX_OUT_BYTES >> 20} MB of files; "
                                           f"graded functions should only return a value")
    if why == "too-large":
        return Failure("crash", "Error", f"it returned more than the grader reads ({MAX_RESULT_BYTES >> 20} MB "
                                         f"of results, {MAX_ARRAY_BYTES >> 20} MB of arrays for one call)")
    if killed:
        name = signal.Signals(killed).name if killed in signal.Signals._value2member_map_ else str(killed)
        if name == "SIGXCPU":
            return Failure("timeout", "TimeoutError", f"it used more than {timeout:g} s of CPU time")
        if name == "SIGXFSZ":
            return Failure("crash", name, f"it wrote a file or output larger than {FSIZE_MB} MB; graded "
                                          f"functions should only return a value")
        if name == "SIGKILL":
            return Failure("crash", name, "the process was killed (by a limit on its memory or processes, "
                                          "or by itself)")
        return Failure("crash", name, f"the process was killed by {name}")
    if ended:
        return Failure("exit", "SystemExit", "the process ended before the function returned: "
                                             "does your code call os._exit() or exit()?")
    if returncode is not None and returncode < 0:
        name = signal.Signals(-returncode).name if -returncode in signal.Signals._value2member_map_ \
            else str(-returncode)
        return Failure("crash", name, f"the grading process was killed by {name}")
    last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    return Failure("exit", "SystemExit", f"the process stopped with exit code {returncode}"
                                         + (f" ({_text(last, 120)})" if last else "")
                                         + ": does your code call os._exit()?")


class _StandIn:
    """Something with a learner's function's signature, read from its source, to fit calls to."""

    def __init__(self, signature):
        self.__signature__ = signature

    def __call__(self, *args, **kwargs):
        raise TypeError("a stand-in")


def static_signature(source, function):
    """The signature of ``def function`` at the top of the cell, from its source alone; None if not there."""
    import inspect
    try:
        tree = parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function]
    if not defs:
        return None
    a = defs[-1].args
    P = inspect.Parameter
    positional = a.posonlyargs + a.args
    first_default = len(positional) - len(a.defaults)
    params = [P(x.arg, P.POSITIONAL_ONLY if k < len(a.posonlyargs) else P.POSITIONAL_OR_KEYWORD,
                default=None if k >= first_default else P.empty) for k, x in enumerate(positional)]
    if a.vararg:
        params.append(P(a.vararg.arg, P.VAR_POSITIONAL))
    params += [P(x.arg, P.KEYWORD_ONLY, default=None if d is not None else P.empty)
               for x, d in zip(a.kwonlyargs, a.kw_defaults)]
    if a.kwarg:
        params.append(P(a.kwarg.arg, P.VAR_KEYWORD))
    try:
        return inspect.Signature(params)
    except ValueError:
        return None


def grade_source(function, source, oracle, timeout=10.0, include_hidden=True):
    """Judge a learner's cell as the answer for ``function``: a FunctionReport."""
    if not isinstance(source, str) or len(source.encode("utf-8", "replace")) > MAX_SOURCE_BYTES:
        size = len(source.encode("utf-8", "replace")) if isinstance(source, str) else 0
        return FunctionReport(function, problem=(
            f"the graded cell of {function} is {size:,} bytes, more than the {MAX_SOURCE_BYTES:,} a cell may hold; "
            f"keep only the function (and any helpers it needs) in it."))
    module = forbidden_import(source)
    if module:
        return FunctionReport(function, problem=(
            f"your cell imports {module!r}, the course's own code; graded code must be your own. "
            f"Remove that import and write the function yourself."))
    cases = oracle.cases(function, include_hidden=include_hidden)
    outcomes, problems, defined = run_in_sandbox(function, source, cases, timeout)
    signature = static_signature(source, function)
    if signature is not None:  # the signature check trusts the source, not what the sandbox said of it
        stand_in = _StandIn(signature)
        for name, outcome in outcomes.items():
            outcome.adapted = adapt(stand_in, cases[name].args, cases[name].kwargs, suite(function).args)[2]
    if defined is False or defined is None and not any(o.failure is None for o in outcomes.values()) and problems:
        detail = ""
        if problems:
            p = problems[0]
            detail = f" Running it raised {p.get('type')}" + (f" on line {p['line']}" if p.get("line") else "") \
                + (f": {p.get('message')}" if p.get("message") else "") + "."
        return FunctionReport(function, problem=(
            f"the graded cell does not define {function}: keep the line `def {function}(...)` as given.{detail}"))
    exits = [p for p in problems if p.get("kind") == "exit"]
    if exits:
        return FunctionReport(function, problem=(
            f"{exits[0].get('message', 'your cell calls sys.exit()')}: remove it; graded cells must only "
            f"define the function."))
    return run_checks(suite(function), cases, outcomes, oracle, include_hidden=include_hidden)
