"""Grading a learner's cell without trusting it (instructors' side).

The learner's code runs in a child Python process (``_child.py``) that
starts in an empty directory, has a time limit and a memory limit, and
can import only the standard library, NumPy and tqdm: not the course, so
it cannot borrow the reference answers. The child returns plain arrays and
JSON, never pickles; every comparison happens here, in the grader's
process, whose NumPy the learner's code never touched. A cell that patches
NumPy, calls ``sys.exit`` or ``os._exit``, loops forever or writes to stderr
only spoils its own function's checks.
"""
import ast
import atexit
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np

from .reference import reference
from .engine import Failure, FunctionReport, Outcome, run_checks
from .serial import pack, unpack
from .suites import SUITES

HERE = Path(__file__).resolve().parent
FORBIDDEN = ("solutions", "autograder", "mnist_data")
ALLOWED_PACKAGES = ("numpy", "numpy.libs", "tqdm")
MEMORY_LIMIT_MB = 1536
STARTUP_SECONDS = 5.0  # interpreter and NumPy start-up, on top of the function's own time limit


def forbidden_import(source):
    """The course module a cell imports (which graded code may not), or None."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
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


def to_python(source):
    """The cell as plain Python: IPython magics and shell escapes become ordinary calls."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return source
    try:
        python = TransformerManager().transform_cell(source)
    except Exception:  # leave it; the child reports a SyntaxError with its line
        return source
    # IPython drops leading blank lines; put them back so line numbers match the learner's cell.
    blank = len(source) - len(source.lstrip("\n"))
    return "\n" * (blank - (len(python) - len(python.lstrip("\n")))) + python


class SandboxError(RuntimeError):
    """The sandbox itself failed (not the learner's code)."""


_allow_dir = None
_allow_lock = threading.Lock()


def allow_dir():
    """A directory holding links to the only third-party packages the child may import."""
    global _allow_dir
    with _allow_lock:
        if _allow_dir is None:
            path = tempfile.mkdtemp(prefix="autograder-allow-")
            atexit.register(shutil.rmtree, path, ignore_errors=True)
            site = Path(np.__file__).resolve().parent.parent
            for name in ALLOWED_PACKAGES:
                if (site / name).exists():
                    os.symlink(site / name, os.path.join(path, name))
            try:
                import tqdm
                if not os.path.exists(os.path.join(path, "tqdm")):
                    os.symlink(Path(tqdm.__file__).resolve().parent, os.path.join(path, "tqdm"))
            except ImportError:
                pass
            _allow_dir = path
    return _allow_dir


def _limits(memory_mb, cpu_seconds):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 << 20, 256 << 20))
        resource.setrlimit(resource.RLIMIT_NPROC, (512, 512))
    return apply


def run_in_child(function, source, cases, timeout, memory_mb=MEMORY_LIMIT_MB):
    """Run the learner's cell and call ``function`` on every case in a sandboxed child.

    Returns (outcomes: name -> Outcome, cell problems: list of dicts, defined: bool).
    """
    names = list(cases)
    with tempfile.TemporaryDirectory(prefix="autograder-job-") as jobdir:
        outdir = os.path.join(jobdir, "out")
        workdir = os.path.join(jobdir, "work")
        os.mkdir(outdir)
        os.mkdir(workdir)
        arrays, case_meta = {}, []
        for name in names:
            meta, local = pack((tuple(cases[name].args), dict(cases[name].kwargs)))
            prefix = f"c{len(case_meta)}_"
            def rekey(m):
                if isinstance(m, dict):
                    return {k: (prefix + v if k == "a" else rekey(v)) for k, v in m.items()}
                return [rekey(x) for x in m] if isinstance(m, list) else m
            meta = rekey(meta)
            arrays.update({prefix + k: v for k, v in local.items()})
            case_meta.append({"args": meta["items"][0], "kwargs": meta["items"][1]})
        np.savez(os.path.join(jobdir, "inputs.npz"), **arrays)
        ref = reference()
        job = {"function": function, "source": to_python(source), "prelude": ref.prelude(),
               "helpers": ref.prelude() + "\n" + ref.without(function),
               "cases": case_meta, "timeout": timeout, "outdir": outdir}
        with open(os.path.join(jobdir, "job.json"), "w") as f:
            json.dump(job, f)
        shutil.copy(HERE / "_child.py", jobdir)
        shutil.copy(HERE / "serial.py", jobdir)
        shutil.copy(HERE / "cellrun.py", jobdir)
        env = {"PATH": os.defpath, "HOME": workdir, "LANG": "C.UTF-8", "PYTHONHASHSEED": "0",
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
               "PYTHONDONTWRITEBYTECODE": "1"}
        wall = timeout + STARTUP_SECONDS
        try:
            proc = subprocess.run(
                [sys.executable, "-I", "-S", os.path.join(jobdir, "_child.py"), jobdir, allow_dir()],
                cwd=workdir, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=wall,
                preexec_fn=_limits(memory_mb, int(wall) + 1), start_new_session=True)
            returncode, stderr = proc.returncode, proc.stderr.decode(errors="replace")
        except subprocess.TimeoutExpired as exc:
            returncode, stderr = None, (exc.stderr or b"").decode(errors="replace")
        return _collect(outdir, names, returncode, stderr, timeout)


def _collect(outdir, names, returncode, stderr, timeout):
    outcomes = {}
    try:
        with open(os.path.join(outdir, "cell.json")) as f:
            cell = json.load(f)
        problems, defined = list(cell.get("problems", [])), bool(cell.get("defined"))
    except (OSError, ValueError):
        problems, defined = [], None
    stopped = None
    if not os.path.exists(os.path.join(outdir, "started")):
        last = stderr.strip().splitlines()[-1][:200] if stderr.strip() else f"exit code {returncode}"
        raise SandboxError(f"the grading sandbox did not start ({last}); this is a problem with the "
                           f"grader's installation, not with the learner's code.")
    for i, name in enumerate(names):
        outcome = None
        if stopped is None:
            outcome = _read_case(outdir, i)
        if outcome is None:
            if stopped is None:
                stopped = _stop_reason(returncode, stderr, timeout)
            outcome = Outcome(failure=stopped)
        elif outcome.failure and outcome.failure.kind == "timeout":
            outcome.failure.message = f"it was still running after {timeout:g} s: look for a loop that never ends"
            stopped = outcome.failure
        outcomes[name] = outcome
    return outcomes, problems, defined


def _read_case(outdir, i):
    path = os.path.join(outdir, f"case{i}.json")
    if not os.path.exists(path):
        return None
    try:
        with open(path) as f:
            result = json.load(f)
        with np.load(os.path.join(outdir, f"case{i}.npz"), allow_pickle=False) as data:
            values = {k[1:]: data[k] for k in data.files if k.startswith("v")}
            inputs = {k[1:]: data[k] for k in data.files if k.startswith("i")}
        outcome = Outcome(warnings=[str(w) for w in result.get("warnings", [])][:10],
                          stdout=str(result.get("stdout", "")), stderr=str(result.get("stderr", "")),
                          seconds=float(result.get("seconds", 0.0)))
        after = unpack(result["inputs_after"], inputs)
        outcome.inputs_after = list(after) if isinstance(after, list) else None
        if "failure" in result:
            f = result["failure"]
            outcome.failure = Failure(str(f.get("kind", "exception")), str(f.get("type", "")),
                                      str(f.get("message", ""))[:300],
                                      f.get("line") if isinstance(f.get("line"), int) else None)
            if outcome.failure.kind == "exit":
                outcome.failure.message = "it called sys.exit() or exit(); return a value instead"
            elif outcome.failure.kind == "memory":
                outcome.failure.message = (f"it ran out of memory ({MEMORY_LIMIT_MB} MB allowed): "
                                           f"{outcome.failure.message}")
        else:
            outcome.value = unpack(result["value"], values)
        return outcome
    except Exception as exc:  # a result the child mangled is a failed call, never a crash of the grader
        return Outcome(failure=Failure("crash", "Error", f"its result could not be read ({type(exc).__name__})"))


def _stop_reason(returncode, stderr, timeout):
    if returncode is None:
        return Failure("timeout", "TimeoutError",
                       f"it was still running after {timeout:g} s: look for a loop that never ends")
    if returncode == 0:
        return Failure("exit", "SystemExit", "the process ended before the function returned: "
                                             "does your code call os._exit() or exit()?")
    if returncode < 0:
        import signal
        name = signal.Signals(-returncode).name if -returncode in signal.Signals._value2member_map_ else str(-returncode)
        if name == "SIGXCPU":
            return Failure("timeout", "TimeoutError", f"it used more than {timeout:g} s of CPU time")
        return Failure("crash", name, f"the process was killed by {name}")
    last = stderr.strip().splitlines()[-1] if stderr.strip() else ""
    return Failure("exit", "SystemExit", f"the process stopped with exit code {returncode}"
                                         + (f" ({last[:120]})" if last else "")
                                         + ": does your code call os._exit()?")


def grade_source(function, source, oracle, timeout=10.0, include_hidden=True):
    """Judge a learner's cell as the answer for ``function``: a FunctionReport."""
    module = forbidden_import(source)
    if module:
        return FunctionReport(function, problem=(
            f"your cell imports {module!r}, the course's own code; graded code must be your own. "
            f"Remove that import and write the function yourself."))
    cases = oracle.cases(function, include_hidden=include_hidden)
    outcomes, problems, defined = run_in_child(function, source, cases, timeout)
    if defined is False:
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
    return run_checks(SUITES[function], cases, outcomes, oracle, include_hidden=include_hidden)
