"""The grading sandbox's child: a supervisor that never runs learner code, and a worker that does.

Started by ``autograder.grader.sandbox`` as ``python -I -S child.py JOBDIR RESULTS_FD LIBDIR...`` inside
the sandbox, with the job (the cell, the toolbox's functions, the cases) on stdin.

The *supervisor* puts every input array of every case in memory shared with the worker, keeps a private
copy, makes itself undumpable (the worker, the same user, can then neither trace it nor reach its file
descriptors), and forks the *worker*. The worker runs the learner's cell and calls the function on each
case, sending each result (the learner's answer: plain JSON and an .npz, never a pickle) down a pipe.
Everything the grader trusts beyond the answers themselves is observed by the supervisor, outside the
learner's reach: which inputs the call changed (the shared memory against the private copy), what was
written to stderr (the worker's file descriptor 2 is a pipe the supervisor reads), time limits (it kills
a worker that overruns a case) and how the worker ended. Only the supervisor can write to RESULTS_FD, the
one way anything leaves the sandbox; the grader reads it with size caps and a strict schema.
"""
import functools
import io
import json
import mmap
import os
import signal
import struct
import sys
import threading
import time

MAX_FRAME = 96 << 20     # one result, JSON and arrays together
MAX_JSON = 1 << 20       # one result's JSON header (arrays travel in the payload, not in JSON)
MAX_STDERR = 4000
AFTER_BYTES = 8 << 20   # changed inputs sent back, at most (beyond it only which ones changed)


def send(fd, header, payload=b""):
    """A frame: lengths of the JSON header and of the binary payload, then both."""
    _write_all(fd, _frame_bytes(header, payload))


def _frame_bytes(header, payload=b""):
    data = json.dumps(header).encode()
    return struct.pack(">II", len(data), len(payload)) + data + bytes(payload)


def _handshake(fd, ack, frame, read=os.read):
    """Tell the supervisor a call returned, and wait until it has looked (functions bound before any
    learner code runs)."""
    _write_all(fd, frame)
    read(ack, 1)


def _write_all(fd, data, write=os.write):
    view = memoryview(data)
    while view:
        view = view[write(fd, view):]


def receive(fd, sizes=None):
    """The next frame from a pipe, or None at its end; ValueError for anything malformed or too large.
    ``sizes``: a list to which the header's length in bytes is appended (to bound what was parsed)."""
    head = _read_exact(fd, 8)
    if head is None:
        return None
    n_json, n_bin = struct.unpack(">II", head)
    if n_json + n_bin > MAX_FRAME:
        raise ValueError(f"a result of {n_json + n_bin:,} bytes")
    if n_json > MAX_JSON:
        raise ValueError(f"a result header of {n_json:,} bytes")
    if sizes is not None:
        sizes.append(n_json)
    data, payload = _read_exact(fd, n_json), _read_exact(fd, n_bin) if n_bin else b""
    if data is None or payload is None:
        raise ValueError("a result cut short")
    return json.loads(data), payload


def _read_exact(fd, n):
    chunks, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None if left == n else None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def undumpable():
    """prctl(PR_SET_DUMPABLE, 0): the worker (same user) can no longer trace this process or open its fds."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)
    except Exception:  # no libc here: the sandbox's own user namespace still keeps the worker apart
        pass


def shared(array):
    """A copy of ``array`` in memory the worker shares with this process."""
    array = np.asarray(array)
    buffer = mmap.mmap(-1, max(array.nbytes, 1), flags=mmap.MAP_SHARED)
    view = np.frombuffer(buffer, dtype=array.dtype, count=array.size).reshape(array.shape)
    view[...] = array
    return view


def share_inputs(value):
    """The case's inputs with every array moved to shared memory (tuples, lists, dicts walked)."""
    if isinstance(value, np.ndarray):
        return shared(value)
    if isinstance(value, tuple):
        return tuple(share_inputs(v) for v in value)
    if isinstance(value, list):
        return [share_inputs(v) for v in value]
    if isinstance(value, dict):
        return {k: share_inputs(v) for k, v in value.items()}
    return value


# ----------------------------------------------------------------------------- the worker

def worker(job, cases, channel, ack):
    """Run the learner's cell, then the function on each case; send each outcome down ``channel``.

    The moment each call returns, before any of the worker's own code that the learner's cell could have
    patched (np.savez, say), a "returned" frame tells the supervisor to look at the inputs, and the worker
    waits for its answer on ``ack``: an in-place change undone later is still seen."""
    returned = functools.partial(_handshake, channel, ack, _frame_bytes({"kind": "returned"}))
    namespace = {"__name__": "__main__", "np": np, "numpy": np}
    exec(compile(job["prelude"], "<course toolbox>", "exec"), namespace)
    cell_problems = run_cell(job["source"], namespace)
    fn = namespace.get(job["function"])
    # The other graded functions are the toolbox's: one mistake upstream never fails this one.
    exec(compile(job["helpers"], "<course helpers>", "exec"), namespace)
    send(channel, {"kind": "cell", "problems": cell_problems[:20], "defined": callable(fn)})
    if not callable(fn):
        return
    deadline = time.monotonic() + job["timeout"]
    for i, (args, kwargs) in enumerate(cases):
        # No copies: the inputs live in shared memory, where the supervisor sees any change to them.
        outcome = call(fn, args, kwargs, timeout=max(deadline - time.monotonic(), 0.01), filename=CELL,
                       names=job["names"], copy_inputs=False, capture_stderr=False, on_return=returned)
        result = {"kind": "case", "i": i, "seconds": outcome.seconds, "warnings": outcome.warnings,
                  "stdout": outcome.stdout, "adapted": outcome.adapted, "yielded": outcome.yielded}
        values = {}
        if outcome.failure is not None:
            result["failure"] = outcome.failure.to_dict()
        else:
            result["value"], values = pack(outcome.value)
        buffer = io.BytesIO()
        np.savez(buffer, **{f"v{k}": v for k, v in values.items()})
        send(channel, result, buffer.getvalue())
        if outcome.failure is not None and outcome.failure.kind == "timeout":
            return


# ----------------------------------------------------------------------------- the supervisor

def boot():
    """Read the arguments, drop root, and import what the sandbox may import (this file is also imported by
    the grader, for ``send`` and ``receive``, and then does none of this)."""
    global JOBDIR, RESULTS_FD, np, call, CELL, run_cell, pack, unpack, input_arrays
    JOBDIR, RESULTS_FD = sys.argv[1], int(sys.argv[2])
    sys.path[:0] = sys.argv[3:]
    if os.environ.get("AUTOGRADER_SANDBOX") == "bwrap" and os.getuid() == 0:
        # bwrap started by root uses no user namespace: become this sandbox's own unprivileged user before
        # any learner code runs, so no capability is left and the process limit applies (never to root).
        uid = int(os.environ.get("AUTOGRADER_UID", "65534"))
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    import numpy as np
    from autograder.learner.call import call
    from autograder.learner.cellrun import CELL, run_cell
    from autograder.learner.serial import pack, unpack
    from autograder.learner.spec import input_arrays


def main():
    boot()
    job = json.loads(sys.stdin.buffer.read())  # from a pipe: nothing can read it again
    sys.stdin.close()
    with np.load(os.path.join(JOBDIR, "inputs.npz"), allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    cases = [(unpack(c["args"], arrays), unpack(c["kwargs"], arrays)) for c in job["cases"]]
    originals = [[a.copy() for _, a in input_arrays(args, kwargs)] for args, kwargs in cases]
    cases = [(share_inputs(args), share_inputs(kwargs)) for args, kwargs in cases]
    watched = [[a for _, a in input_arrays(args, kwargs)] for args, kwargs in cases]
    undumpable()
    send(RESULTS_FD, {"kind": "started"})

    channel_r, channel_w = os.pipe()
    ack_r, ack_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: no way to the grader but the supervisor
        try:
            os.close(RESULTS_FD)
            os.close(channel_r)
            os.close(ack_w)
            os.close(err_r)
            os.dup2(err_w, 2)
            os.close(err_w)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)  # prints are caught in Python; raw writes to fd 1 go nowhere
            os.close(devnull)
            worker(job, cases, channel_w, ack_r)
        except BaseException:  # whatever the learner's code did, the worker just ends
            pass
        os._exit(0)
    os.close(channel_w)
    os.close(ack_r)
    os.set_blocking(ack_w, False)  # a worker that stops reading its acks can never block the supervisor
    os.close(err_w)

    stderr = bytearray()

    def drain():
        while True:
            chunk = os.read(err_r, 65536)
            if not chunk:
                return
            if len(stderr) < MAX_STDERR:
                stderr.extend(chunk[:MAX_STDERR - len(stderr)])

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()

    # The worker has the whole time limit for its cases; if it overruns it is stopped, whatever it ignores.
    deadline = time.monotonic() + job["timeout"] + 1.0
    timer = threading.Timer(max(deadline - time.monotonic(), 0.1), lambda: os.kill(pid, signal.SIGKILL))
    timer.daemon = True
    timer.start()
    sent, looks = set(), 0               # one cell frame, one frame per case: the rest is dropped; calls returned
    seen = [dict() for _ in cases]       # per case: input position -> the array as first seen changed
    try:
        while True:
            try:
                frame = receive(channel_r)
            except (ValueError, OSError) as exc:
                send(RESULTS_FD, {"kind": "broken", "why": str(exc)[:200]})
                os.kill(pid, signal.SIGKILL)
                break
            if frame is None:
                break
            header, payload = frame
            kind = header.get("kind") if isinstance(header, dict) else None
            if kind == "returned":  # the next call just returned: look at the inputs of every finished case
                looks += 1
                if looks <= len(cases):
                    _look(watched, originals, seen, looks)
                try:
                    os.write(ack_w, b"k")  # the worker waits for this before its own code goes on
                except OSError:
                    pass
                continue
            if kind not in ("cell", "case") or kind in sent:
                continue
            if kind == "case":
                i = header.get("i")
                if not isinstance(i, int) or not 0 <= i < len(cases) or i in sent:
                    continue
                sent.add(i)
                _look(watched, originals, seen, min(max(looks, i + 1), len(cases)))
                header["changed"] = sorted(seen[i])
            else:
                sent.add(kind)
            send(RESULTS_FD, header, payload)
            if kind == "case" and header["changed"]:
                _send_after(i, header["changed"], seen[i])
    finally:
        timer.cancel()
    _, status = os.waitpid(pid, 0)
    reader.join(timeout=1.0)
    ended = {"kind": "ended", "stderr": bytes(stderr).decode(errors="replace"),
             "killed": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
             "overran": time.monotonic() >= deadline}
    send(RESULTS_FD, ended)


def _look(watched, originals, seen, finished):
    """Note the inputs of the first ``finished`` cases that differ from their originals now, with a copy as
    first seen changed. (A case still running may change its inputs for a while: numerical_gradient nudges
    x and puts it back; only what a call leaves behind counts.)"""
    for i, (now_arrays, before_arrays) in enumerate(zip(watched[:finished], originals[:finished])):
        for k, (now, before) in enumerate(zip(now_arrays, before_arrays)):
            if k not in seen[i] and not np.array_equal(now, before, equal_nan=True):
                seen[i][k] = now.copy() if now.nbytes <= AFTER_BYTES else now[..., :0].copy()


def _send_after(i, changed, arrays_seen, limit=AFTER_BYTES):
    """The inputs a case changed, as the supervisor saw them in the shared memory (never from the
    worker's answer) right after the call: a check can then measure how far they moved (numerical_gradient
    must put x back)."""
    arrays = {f"a{k}": arrays_seen[k] for k in changed if arrays_seen[k].nbytes <= limit and arrays_seen[k].size}
    if arrays and sum(a.nbytes for a in arrays.values()) <= limit:
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        send(RESULTS_FD, {"kind": "after", "i": i}, buffer.getvalue())


if __name__ == "__main__":
    main()
