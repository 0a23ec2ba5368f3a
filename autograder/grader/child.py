"""The grading sandbox's one process, and the protocol it speaks with the grader (which imports it).

``python -I -S child.py INPUTS LIB SITE``: each line on stdin names a request, a JSON file just written to
INPUTS, and gets one reply, a frame on the pipe $AUTOGRADER_REPLIES (stdout is /dev/null; stderr, a pipe the
grader reads): ``CELL`` gets ``DEFINED``, ``CASE`` (one call, its arrays in raw files, read-only but for
numerical_gradient's x) gets ``RESULT``, JSON and raw array bytes, never a pickle. It all runs in the
learner's process and is theirs to change: the grader takes a reply as the learner's answer and nothing more.
Standard library, NumPy and the learners' package only.
"""
import enum
import json
import os
import struct
import sys

HEAD = struct.Struct(">II")  # a frame: the lengths of its JSON header and of its payload, then both
MAX_HEADER = 1 << 20         # one frame's JSON (arrays travel in the payload)
MAX_PAYLOAD = 64 << 20       # one answer's arrays


class Kind(str, enum.Enum):
    CELL = "cell"        # grader -> child: the cell to run, the toolbox, the function's name
    DEFINED = "defined"  # child -> grader: the problems the cell met, and whether it defined the function
    CASE = "case"        # grader -> child: call the function on case number "case" (its arrays in files)
    RESULT = "result"    # child -> grader: that call's value, or why it gave none


def main():
    folder, replies = sys.argv[1], open(int(os.environ["AUTOGRADER_REPLIES"]), "wb")
    sys.path[:0] = sys.argv[2:]
    if os.environ.get("AUTOGRADER_UID") and os.getuid() == 0:
        # Started by root, bwrap makes no user namespace: become the sandbox's own user before any learner
        # code runs, so no capability is left and the process limit applies.
        uid = int(os.environ["AUTOGRADER_UID"])
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    import numpy as np

    from autograder.learner.call import call
    from autograder.learner.cellrun import CELL, run_cell
    from autograder.learner.serial import pack, unpack

    for line in sys.stdin:
        with open(os.path.join(folder, line.strip())) as f:
            request = json.load(f)
        if request["kind"] == Kind.CELL:
            job, namespace = request, {"__name__": "__main__", "np": np, "numpy": np}
            exec(compile(job["prelude"], "<course toolbox>", "exec"), namespace)
            problems = run_cell(job["source"], namespace)
            fn = namespace.get(job["function"])
            # The other graded functions are the toolbox's: one mistake upstream never fails this one.
            exec(compile(job["helpers"], "<course helpers>", "exec"), namespace)
            body, payload = {"kind": Kind.DEFINED, "problems": problems[:20], "defined": callable(fn)}, b""
        else:
            arrays = {key: np.memmap(f"{folder}/{name}", dtype, "r+" if rw else "r", shape=tuple(shape))
                      .view(np.ndarray) if all(shape) else np.zeros(shape, dtype)
                      for key, (name, dtype, shape, rw) in request["arrays"].items()}
            args, kwargs = unpack(request["call"], arrays)
            outcome = call(fn, args, kwargs, timeout=None, filename=CELL, names=job["names"],
                           copy_inputs=False, capture_stderr=False, writable=job["writable"])
            value, values = pack(outcome.value)  # (None after a failure)
            payload = b"".join(v.tobytes() for v in values.values())
            body = {"kind": Kind.RESULT, "case": request["case"], "warnings": outcome.warnings,
                    "adapted": outcome.adapted, "yielded": outcome.yielded, "value": value,
                    "arrays": [[k, v.dtype.str, list(v.shape)] for k, v in values.items()]}
            if outcome.failure is not None or len(payload) > MAX_PAYLOAD:
                failure = outcome.failure.to_dict() if outcome.failure else {"kind": "crash", "type": "Error",
                          "message": f"it returned {len(payload) >> 20} MB of arrays, more than the grader "
                                     f"reads ({MAX_PAYLOAD >> 20} MB)"}
                body, payload = {**body, "value": None, "arrays": [], "failure": failure}, b""
        header = json.dumps(body).encode()
        replies.write(HEAD.pack(len(header), len(payload)) + header + payload)
        replies.flush()
    os._exit(0)  # the grader is done


if __name__ == "__main__":
    main()
