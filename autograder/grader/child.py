"""The grading sandbox's one process, and the protocol it speaks with the grader.

``autograder.grader.sandbox`` starts ``python -I -S child.py INPUTS LIB SITE`` inside the sandbox with
requests on stdin, replies on a pipe (its descriptor in $AUTOGRADER_REPLIES), stdout on /dev/null and stderr on a pipe the grader
reads. Each request gets exactly one reply: a ``CELL`` request (the learner's cell, the toolbox) gets
``DEFINED``; a ``CASE`` request (one call, its arrays in files the grader has just written to INPUTS)
gets ``RESULT``, the answer as JSON and raw array bytes, never a pickle.

Everything here runs in the learner's process and is theirs to change: the grader treats a reply as
the learner's answer and nothing more. Their inputs are read-only memory maps of files opened read-only
(an in-place change raises at once; numerical_gradient's x alone is a writable file the grader reads
back itself); time, stderr and how the process ended are observed from outside. The grader imports this
module for the protocol (``Kind``, ``frame``, the limits); here it imports the standard library, NumPy
and the learners' package only.
"""
import enum
import json
import mmap
import os
import struct
import sys

HEAD = struct.Struct(">II")  # a frame: the JSON header's length, the payload's, then both
MAX_HEADER = 1 << 20         # one frame's JSON (arrays travel in the payload)
MAX_PAYLOAD = 64 << 20       # one answer's arrays


class Kind(str, enum.Enum):
    """The four kinds of frame, each in one direction."""

    CELL = "cell"        # grader -> child: the cell to run, the toolbox, the function's name
    DEFINED = "defined"  # child -> grader: the problems the cell met, and whether it defined the function
    CASE = "case"        # grader -> child: call the function on one case (its arrays: files in INPUTS)
    RESULT = "result"    # child -> grader: that call's value, or why it gave none


def frame(kind: Kind, body: dict, payload: bytes = b"") -> bytes:
    data = json.dumps({**body, "kind": kind.value}).encode()
    return HEAD.pack(len(data), len(payload)) + data + payload


def _read(fd, n):
    data = bytearray()
    while len(data) < n:
        chunk = os.read(fd, n - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def _inputs(request, folder):
    """A case's (args, kwargs): arrays mapped read-only from the grader's files, the writable ones (if any)
    mapped shared, so the grader sees what the call leaves in them."""
    arrays, maps = {}, {}
    for key, (name, offset, dtype, shape, writable) in request["arrays"].items():
        count = int(np.prod(shape, dtype=np.int64))
        if count == 0:
            arrays[key] = np.zeros(shape, dtype)
            continue
        if name not in maps:
            fd = os.open(os.path.join(folder, name), os.O_RDWR if writable else os.O_RDONLY)
            maps[name] = mmap.mmap(fd, 0, access=mmap.ACCESS_WRITE if writable else mmap.ACCESS_READ)
            os.close(fd)
        arrays[key] = np.frombuffer(maps[name], dtype, count, offset).reshape(shape)
    return unpack(request["call"], arrays)


def main():
    folder = sys.argv[1]
    sys.path[:0] = sys.argv[2:]
    if os.environ.get("AUTOGRADER_UID") and os.getuid() == 0:
        # bwrap started by root uses no user namespace: become this sandbox's own unprivileged user before
        # any learner code runs, so no capability is left and the process limit applies.
        uid = int(os.environ["AUTOGRADER_UID"])
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    global np, unpack
    import numpy as np

    from autograder.learner.call import call
    from autograder.learner.cellrun import CELL, run_cell
    from autograder.learner.serial import pack, unpack

    replies = int(os.environ["AUTOGRADER_REPLIES"])

    def reply(kind, body, payload=b""):
        view = memoryview(frame(kind, body, payload))
        while view:
            view = view[os.write(replies, view):]

    fn, job = None, {}
    while True:
        head = _read(0, HEAD.size)
        if head is None:  # the grader is done
            os._exit(0)
        n_json, n_bin = HEAD.unpack(head)
        request = json.loads(_read(0, n_json))
        _read(0, n_bin)
        if request["kind"] == Kind.CELL:
            job = request
            namespace = {"__name__": "__main__", "np": np, "numpy": np}
            exec(compile(job["prelude"], "<course toolbox>", "exec"), namespace)
            problems = run_cell(job["source"], namespace)
            fn = namespace.get(job["function"])
            # The other graded functions are the toolbox's: one mistake upstream never fails this one.
            exec(compile(job["helpers"], "<course helpers>", "exec"), namespace)
            reply(Kind.DEFINED, {"problems": problems[:20], "defined": callable(fn)})
            continue
        args, kwargs = _inputs(request, folder)
        outcome = call(fn, args, kwargs, timeout=None, filename=CELL, names=job["names"], copy_inputs=False,
                       capture_stderr=False, writable=job["writable"])
        body, payload = {"case": request["case"], "warnings": outcome.warnings, "stdout": outcome.stdout,
                         "adapted": outcome.adapted, "yielded": outcome.yielded, "seconds": outcome.seconds}, b""
        if outcome.failure is not None:
            body["failure"] = outcome.failure.to_dict()
        else:
            body["value"], values = pack(outcome.value)
            body["arrays"] = [[k, v.dtype.str, list(v.shape)] for k, v in values.items()]
            payload = b"".join(v.tobytes() for v in values.values())
            if len(payload) > MAX_PAYLOAD:
                body = {"case": request["case"], "failure": {"kind": "crash", "type": "Error", "message":
                        f"it returned {len(payload) >> 20} MB of arrays, more than the grader reads"}}
                payload = b""
        reply(Kind.RESULT, body, payload)


if __name__ == "__main__":
    main()
