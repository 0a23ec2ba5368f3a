"""The grading sandbox's child: runs a learner's cell, then calls their function on each case.

Started by ``autograder.grader.sandbox`` as ``python -I -S child.py JOBDIR OUTDIR LIBDIR...``
inside the sandbox, with the job (the cell, the toolbox's functions, the cases) on stdin. It can import the standard library, NumPy, tqdm and the
learners' package (``autograder.learner``, copied without its fixtures): not
the reference, not the grader. It writes each call's outcome as plain JSON
and an .npz of arrays (never a pickle) as soon as the call ends. Nothing this
process writes is trusted: the parent reads it against a strict schema and
size limits, and judges it itself.
"""
import json
import os
import sys
import time

JOBDIR, OUTDIR = sys.argv[1], sys.argv[2]
sys.path[:0] = sys.argv[3:]

if os.environ.get("AUTOGRADER_SANDBOX") == "bwrap" and os.getuid() == 0:
    # bwrap started by root uses no user namespace: become this sandbox's own unprivileged user before
    # any learner code runs, so no capability is left and the process limit applies (never to root).
    uid = int(os.environ.get("AUTOGRADER_UID", "65534"))
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)

import numpy as np  # noqa: E402

from autograder.learner.call import call  # noqa: E402
from autograder.learner.cellrun import CELL, run_cell  # noqa: E402
from autograder.learner.serial import pack, unpack  # noqa: E402


def write_json(name, data):
    path = os.path.join(OUTDIR, name)
    with open(path + ".tmp", "w") as f:
        json.dump(data, f)
    os.replace(path + ".tmp", path)


def main():
    job = json.loads(sys.stdin.buffer.read())  # from a pipe: the cell cannot read it again
    sys.stdin.close()
    with np.load(os.path.join(JOBDIR, "inputs.npz"), allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    namespace = {"__name__": "__main__", "np": np, "numpy": np}
    # The course's imports and constants (the lessons' toolbox cell), which the cell may use.
    exec(compile(job["prelude"], "<course toolbox>", "exec"), namespace)
    open(os.path.join(OUTDIR, "started"), "w").close()
    cell_problems = run_cell(job["source"], namespace)
    fn = namespace.get(job["function"])
    # The other graded functions are the reference's: one mistake upstream never fails this one.
    exec(compile(job["helpers"], "<course helpers>", "exec"), namespace)
    write_json("cell.json", {"problems": cell_problems[:20], "defined": callable(fn)})
    if not callable(fn):
        return
    deadline = time.monotonic() + job["timeout"]
    for i, case in enumerate(job["cases"]):
        outcome = call(fn, unpack(case["args"], arrays), unpack(case["kwargs"], arrays),
                       timeout=max(deadline - time.monotonic(), 0.01), capture_fds=True, filename=CELL,
                       names=job["names"])
        result = {"seconds": outcome.seconds, "warnings": outcome.warnings, "stdout": outcome.stdout,
                  "stderr": outcome.stderr, "adapted": outcome.adapted}
        values = {}
        if outcome.failure is not None:
            result["failure"] = outcome.failure.to_dict()
        else:
            result["value"], values = pack(outcome.value)
        result["inputs_after"], after = pack(outcome.inputs_after)
        np.savez(os.path.join(OUTDIR, f"case{i}.npz"),
                 **{f"v{k}": v for k, v in values.items()}, **{f"i{k}": v for k, v in after.items()})
        write_json(f"case{i}.json", result)
        if outcome.failure is not None and outcome.failure.kind == "timeout":
            break


if __name__ == "__main__":
    main()
