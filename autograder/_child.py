"""The grading sandbox's child: runs a learner's cell and calls their function on each case.

Started by ``autograder.sandbox`` as ``python -I -S _child.py JOBDIR ALLOWDIR``
in an empty directory, with memory and CPU limits. It cannot import the
course (only the standard library, NumPy and tqdm are on its path). It
writes each call's outcome as plain JSON and an .npz of arrays (never a
pickle) as soon as the call ends; the parent reads and judges them. Nothing
this process says about itself is trusted: it only reports what the
learner's function returned.
"""
import contextlib
import io
import json
import os
import signal
import sys
import tempfile
import time
import traceback
import warnings

JOBDIR, ALLOWDIR = sys.argv[1], sys.argv[2]
sys.path[:0] = [JOBDIR]  # for serial.py; -I leaves the script's folder off the path
sys.path.append(ALLOWDIR)

import numpy as np  # noqa: E402

from cellrun import CELL, run_cell  # noqa: E402  (copied into JOBDIR by the parent)
from serial import pack, unpack  # noqa: E402



class TimeUp(BaseException):
    pass


def on_alarm(signum, frame):
    raise TimeUp()


class FdCapture:
    """Send file descriptors 1 and 2 to temporary files for the duration (os.write included)."""

    def __enter__(self):
        self.saved, self.files, self.text = {}, {}, {1: "", 2: ""}
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
            f.seek(0)
            self.text[fd] = f.read(4000).decode(errors="replace")
            f.close()
        return False


def error_info(exc):
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == CELL:
            line = frame.lineno
    return {"kind": "exception", "type": type(exc).__name__, "message": str(exc)[:300], "line": line}


def main():
    with open(os.path.join(JOBDIR, "job.json")) as f:
        job = json.load(f)
    with np.load(os.path.join(JOBDIR, "inputs.npz"), allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    outdir = job["outdir"]
    namespace = {"__name__": "__main__", "np": np, "numpy": np}
    # The course's imports and constants (the lessons' toolbox cell), which the cell may use.
    exec(compile(job["prelude"], "<course toolbox>", "exec"), namespace)
    open(os.path.join(outdir, "started"), "w").close()
    cell_problems = run_cell(job["source"], namespace)
    fn = namespace.get(job["function"])
    # The other graded functions are the reference's: one mistake upstream never fails this one.
    exec(compile(job["helpers"], "<course helpers>", "exec"), namespace)
    with open(os.path.join(outdir, "cell.json"), "w") as f:
        json.dump({"problems": cell_problems, "defined": callable(fn)}, f)
    if not callable(fn):
        return
    deadline = time.monotonic() + job["timeout"]
    signal.signal(signal.SIGALRM, on_alarm)
    for i, case in enumerate(job["cases"]):
        args = unpack(case["args"], arrays)
        kwargs = unpack(case["kwargs"], arrays)
        result = {}
        out, err = io.StringIO(), io.StringIO()
        fd_capture = FdCapture()
        start = time.perf_counter()
        with fd_capture, warnings.catch_warnings(record=True) as caught, \
                np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
            warnings.simplefilter("always")
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    signal.setitimer(signal.ITIMER_REAL, max(deadline - time.monotonic(), 0.01))
                    try:
                        value = fn(*args, **kwargs)
                    finally:
                        signal.setitimer(signal.ITIMER_REAL, 0)
                meta, values = pack(value)
                result["value"] = meta
            except TimeUp:
                result["failure"] = {"kind": "timeout", "type": "TimeoutError"}
                values = {}
            except SystemExit:
                result["failure"] = {"kind": "exit", "type": "SystemExit"}
                values = {}
            except MemoryError as exc:
                result["failure"] = dict(error_info(exc), kind="memory")
                values = {}
            except Exception as exc:
                result["failure"] = error_info(exc)
                values = {}
        result["seconds"] = time.perf_counter() - start
        result["warnings"] = list(dict.fromkeys(str(w.message) for w in caught))[:10]
        result["stdout"] = (out.getvalue() + fd_capture.text[1])[-2000:]
        result["stderr"] = (err.getvalue() + fd_capture.text[2])[-2000:]
        after = []
        for value in list(args) + list(kwargs.values()):
            stack = [value]
            while stack:  # the input arrays, looking inside tuples, in input_arrays' order
                item = stack.pop(0)
                if isinstance(item, np.ndarray):
                    after.append(item)
                elif isinstance(item, (tuple, list)):
                    stack = list(item) + stack
        after_meta, after_values = pack(after)
        result["inputs_after"] = after_meta
        np.savez(os.path.join(outdir, f"case{i}.npz"),
                 **{f"v{k}": v for k, v in values.items()}, **{f"i{k}": v for k, v in after_values.items()})
        with open(os.path.join(outdir, f"case{i}.json.tmp"), "w") as f:
            json.dump(result, f)
        os.replace(os.path.join(outdir, f"case{i}.json.tmp"), os.path.join(outdir, f"case{i}.json"))
        if result.get("failure", {}).get("kind") == "timeout":
            break


if __name__ == "__main__":
    main()
