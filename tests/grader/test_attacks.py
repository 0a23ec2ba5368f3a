"""The attack catalogue: what a hostile student tries, and what each attempt must end with.

Every attack ends with: 0 points; no other student affected and nothing written outside the sandbox;
a living grader with bounded memory; a clear message. They run against the grading CLI's sandbox
(``grade_source``, as ``python -m autograder grade`` uses it), against plain ``nbgrader autograde`` with
the course's own configuration, and against the learner's own ``check()``.
"""
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.grader.functions.adam_step import mutant as adam_mutant
from autograder.grader.isolation import isolation
from autograder.grader.reference import reference
from autograder.grader.cell import grade_source
from coursekit import COURSE, MUTANTS, write_notebook

ROOT = Path(__file__).resolve().parents[2]
RIGHT_RELU = "def relu(Z):\n    return np.maximum(Z, 0)\n"
COURSE_FILES = [ROOT / "solutions" / "network.py", *sorted((ROOT / "autograder").rglob("*.py"))]

pytestmark = pytest.mark.skipif(
    isolation().kind != "bwrap" and not os.environ.get("CI"),
    reason=f"bubblewrap is not usable here ({isolation().detail}); CI installs it and never skips")


def digest(paths):
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.exists()}


@pytest.fixture(scope="module")
def course_before():
    assert isolation().kind == "bwrap", f"the attack catalogue needs real isolation: {isolation().detail}"
    return digest(COURSE_FILES)


@pytest.fixture
def canary(tmp_path):
    path = tmp_path / "canary.txt"
    path.write_text("untouched")
    return path


def attack(oracle, source, function="relu", timeout=3):
    report = grade_source(function, textwrap.dedent(source), oracle, timeout=timeout)
    return report


SLOW = {"read the reference through /proc/1/cwd and /proc/<ppid>/cwd": 30}  # walks the whole file system


def assert_defeated(report, course_before, canary, oracle, expect=None):
    """0 points, a clear message, nothing outside touched, and the next (right) submission unaffected."""
    assert not report.passed
    message = report.first_failure
    assert message and "Traceback" not in message
    if expect:
        assert any(e in message for e in ([expect] if isinstance(expect, str) else expect)), message
    assert canary.read_text() == "untouched"
    assert digest(COURSE_FILES) == course_before, "a course file changed"
    assert grade_source("relu", RIGHT_RELU, oracle, timeout=5).passed, "the next submission was affected"


# ----------------------------------------------------------------------------- the grading sandbox (CLI)

REFERENCE = str(ROOT / "solutions" / "network.py")

# Learner code that finds the grader's reply channel and writes a result frame of its own into it, for the
# case now running (found on the stack, as the attack did), claiming ``value``.
FORGE = """
import json as _json, os as _os, struct as _struct, sys as _sys
_pack = __import__("autograder.learner.serial", fromlist=["pack"]).pack  # (an import statement is refused)
def forge(value, case=None, kind="result"):
    frame = _sys._getframe()
    while frame is not None and not isinstance(frame.f_locals.get("request"), dict):
        frame = frame.f_back
    if case is None:
        case = frame.f_locals["request"].get("case", 0) if frame is not None else 0
    meta, arrays = _pack(value)
    body = _json.dumps({"kind": kind, "case": case, "value": meta, "warnings": [], "stdout": "", "adapted": "",
                        "defined": True, "problems": [],
                        "arrays": [[k, a.dtype.str, list(a.shape)] for k, a in arrays.items()]}).encode()
    payload = b"".join(a.tobytes() for a in arrays.values())
    data = _struct.pack(">II", len(body), len(payload)) + body + payload
    fd = int(_os.environ.get("AUTOGRADER_REPLIES", "3"))
    while data:
        data = data[_os.write(fd, data):]
"""

SANDBOX_ATTACKS = {
    "exec the reference found by walking up from the working folder": (f"""
        import os
        def relu(Z):
            d = os.getcwd()
            for _ in range(8):
                p = os.path.join(d, "solutions", "network.py")
                if os.path.exists(p):
                    ns = {{}}
                    exec(open(p).read(), ns)
                    return ns["relu"](Z)
                d = os.path.dirname(d)
            return open({REFERENCE!r}).read()
        """, "No such file"),
    "read the reference through /proc/1/cwd and /proc/<ppid>/cwd": ("""
        import os
        def relu(Z):
            for pid in ("1", str(os.getppid()), "self"):
                for sub in ("cwd", "root"):
                    base = f"/proc/{pid}/{sub}"
                    for root, dirs, files in os.walk(base):
                        if "network.py" in files:
                            text = open(os.path.join(root, "network.py")).read()
                            if "def one_hot" in text:
                                return text
            raise FileNotFoundError("nothing found")
        """, ["nothing found", "Permission"]),
    "find the course next to sys.executable and in the editable-install finder": ("""
        import sys, os, glob
        def relu(Z):
            roots = {os.path.dirname(os.path.dirname(sys.executable)), sys.prefix, "/work/main", "/root"}
            for r in roots:
                for p in glob.glob(r + "/**/network.py", recursive=True) + glob.glob(r + "/**/__editable__*"):
                    text = open(p).read()
                    if "def one_hot" in text or "solutions" in text:
                        return text
            raise FileNotFoundError("nothing found")
        """, "nothing found"),
    "import the reference by a computed name": ("""
        import importlib
        def relu(Z):
            return importlib.import_module("sol" + "utions.network").relu(Z)
        """, "No module named"),
    "import the grader to read its live oracle": ("""
        def relu(Z):
            m = __import__("autograder" + ".grader.oracle", fromlist=["LiveOracle"])
            return m.LiveOracle().expected("relu", "fixed")
        """, "No module named"),
    "run the reference through another Python": ("""
        import subprocess, sys
        def relu(Z):
            out = subprocess.run([sys.executable, "-c", "import solutions"], capture_output=True, text=True)
            raise RuntimeError(out.stderr.strip().splitlines()[-1])
        """, "No module named"),
    "a shell command": ("""
        import os
        def relu(Z):
            status = os.system("cat /work/main/solutions/network.py > /tmp/x")
            raise RuntimeError(f"system returned {status}")
        """, "system returned"),
    "open a TCP connection": ("""
        import socket
        def relu(Z):
            socket.create_connection(("1.1.1.1", 80), 2)
            return Z
        """, ["unreachable", "Network", "refused"]),
    "write into the course's own code": ("""
        import glob
        def relu(Z):
            for p in glob.glob("/work/**/judge.py", recursive=True) + glob.glob("/opt/lib/**/judge.py", recursive=True):
                with open(p, "a") as f:
                    f.write("\\nrun_checks = None\\n")
            return Z
        """, ["Read-only", "Permission", "differs"]),
    "read the job's toolbox for a later lesson's answer": ("""
        import sys
        def relu(Z):
            data = open("/job/job.json").read()
            return data
        """, "No such file"),
    "ctypes: kill pid 1 and become root": ("""
        import ctypes
        def relu(Z):
            libc = ctypes.CDLL(None)
            libc.setuid(0)
            libc.kill(1, 9)
            raise RuntimeError(f"uid is {libc.getuid()}")
        """, "uid is"),
    "loop forever, ignoring every signal it can": ("""
        import signal
        def relu(Z):
            for s in (signal.SIGALRM, signal.SIGTERM, signal.SIGINT, signal.SIGXCPU):
                signal.signal(s, signal.SIG_IGN)
            while True:
                pass
        """, ["still running", "CPU time"]),
    "eat 20 GB of memory": ("""
        def relu(Z):
            x = np.ones((50_000, 50_000))
            return Z
        """, "out of memory"),
    "fork bomb": ("""
        import os
        def relu(Z):
            while True:
                try:
                    os.fork()
                except OSError:
                    pass
        """, ["still running", "CPU", "killed", "did not return"]),
    "write a 10 GB file": ("""
        def relu(Z):
            with open("big", "wb") as f:
                for _ in range(10_000):
                    f.write(b"x" * (1 << 20))
            return Z
        """, ["Read-only file system", "File too large", "larger than", "wrote", "No space", "killed"]),
    "fill the disk with many files": ("""
        def relu(Z):
            for i in range(100_000):
                with open(f"f{i}", "wb") as f:
                    f.write(b"x" * (8 << 20))
            return Z
        """, ["Read-only file system", "wrote more than", "still running", "No space", "killed"]),
    "flood stdout": ("""
        import sys
        def relu(Z):
            s = "x" * 100_000
            for _ in range(30_000):
                print(s)
            return Z * 0
        """, ["differs", "still running"]),
    "flood stderr at the file-descriptor level": ("""
        import os
        def relu(Z):
            for _ in range(2000):
                os.write(2, b"e" * 1_000_000)
            return np.maximum(Z, 0)
        """, ["stderr", "larger than", "File too large", "still running"]),
    "return 3 million items at once": ("""
        def relu(Z):
            return tuple(range(3_000_000))
        """, "too deeply nested or too long"),
    "return a deeply nested list": ("""
        def relu(Z):
            x = []
            for _ in range(100_000):
                x = [x]
            return x
        """, ["too deeply nested", "RecursionError", "expected a NumPy array"]),
    "return an object with an evil repr, eq and __array__": ("""
        class Evil:
            def __repr__(self):
                raise RuntimeError("no")
            def __eq__(self, other):
                return True
            def __array__(self, *a, **k):
                return np.ones((100_000, 100_000))
        def relu(Z):
            return Evil()
        """, "expected a NumPy array"),
    "patch NumPy's comparisons in its own process": ("""
        np.allclose = lambda *a, **k: True
        np.array_equal = lambda *a, **k: True
        np.testing.assert_allclose = lambda *a, **k: None
        def relu(Z):
            return Z
        """, "differs"),
    "forge what the grader trusts by rebinding the sandbox's own recorder": ("""
        import sys
        main = sys.modules["__main__"]
        real_call = main.call
        def forged(*a, **k):
            out = real_call(*a, **k)
            out.inputs_after, out.stderr, out.warnings, out.adapted = None, "", [], ""
            return out
        main.call = forged
        def relu(Z):
            Z[Z < 0] = 0
            print("noise", file=sys.stderr)
            return Z
        """, ["changing Z in place", "stderr"]),
    "write forged frames into its own result channel": ("""
        import os, struct, json
        def relu(Z):
            for fd in range(3, 64):
                try:
                    os.write(fd, struct.pack(">II", 10**9, 0) + b"{}")
                except OSError:
                    pass
            return Z
        """, ["could not be read", "differs", "returned more", "did not return", "killed"]),
    "send a zip bomb and 38,000 references to one large array through the sandbox's own packer": ("""
        import sys, io, zipfile
        main = sys.modules["__main__"]
        def packer(value):
            big = np.zeros(8_000_000)
            return {"t": "list", "items": [{"t": "array", "a": "a0"}] * 38_000}, {"a0": big}
        main.pack = packer
        def relu(Z):
            return Z
        """, ["could not be read", "returned more", "differs", "expected"]),
    "keep deleted files open to fill the disk unseen": ("""
        import os
        def relu(Z):
            kept = []
            for i in range(400):
                try:
                    f = open(f"/scratch/f{i}", "wb")
                    f.write(b"x" * (16 << 20))
                    os.unlink(f"/scratch/f{i}")
                    kept.append(f)
                except OSError as e:
                    raise RuntimeError(f"stopped after {i} files: {e.strerror}")
            return Z
        """, ["stopped after", "space", "killed", "memory"]),
    "pad a right answer with shell escapes to burn the grader's time": (
        "x = !true\n" * 2000 + "y = " + repr(list(range(9000))) + "\n" + RIGHT_RELU.replace("Z, 0)", "Z, 0) + 1"),
        "differs"),
    "terminal escape codes in an exception to forge the CLI's table": ("""
        def relu(Z):
            raise ValueError("\\x1b[1A\\x1b[2K" + "relu 03_relu 12/12 1/1" + "\\x1b[8m" + "\\ud800")
        """, "ValueError"),
    "leak the hidden case's inputs through an exception": ("""
        def relu(Z):
            if Z.shape[1] not in (4, 9, 1, 6):
                raise ValueError("HIDDEN:" + ",".join(f"{x:.3f}" for x in Z.ravel()[:25]))
            return np.maximum(Z, 0)
        """, "inputs kept hidden"),
    "a double-forked daemon that outlives grading to rewrite later results": ("""
        import os, time, json
        def relu(Z):
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    while True:
                        for root in ("/out", "/tmp", "."):
                            try:
                                json.dump({"failure": {"kind": "crash"}}, open(root + "/case0.json", "w"))
                            except OSError:
                                pass
                        time.sleep(0.01)
                os._exit(0)
            return Z * 2
        """, None),  # whatever its forks garble of its own results: 0 points, and nothing outlives it
    "exit the process from the cell's top level": ("""
        import os
        _ = os._exit(0)
        def relu(Z):
            return np.maximum(Z, 0)
        """, ["does not define", "ended", "exit"]),
    "a 12 MB graded cell": ("x = 1\n" * 2_000_000 + RIGHT_RELU, "bytes, more than"),
    "a cell nested too deep to parse": ("x = " + "(" * 5000 + "1" + ")" * 5000 + "\n" + RIGHT_RELU,
                                        ["does not define", "too", "RecursionError", "MemoryError", "SyntaxError"]),
    "IPython magics and shell escapes": ("""
        !cat /work/main/solutions/network.py
        %run /work/main/solutions/network.py
        def relu(Z):
            return get_ipython().getoutput("id")
        """, ["NameError", "get_ipython", "not defined"]),
    "frames with a 20 MB JSON header, written straight down the worker's pipe to the supervisor": ("""
        import fcntl, os, stat, struct
        def relu(Z):
            body = b'{"kind": "cell", "pad": [' + b"[]," * 7_000_000 + b'[]]}'
            for fd in range(3, 64):
                try:
                    mode = os.fstat(fd).st_mode
                except OSError:
                    continue
                if stat.S_ISFIFO(mode) and fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_WRONLY:
                    for _ in range(8):
                        os.write(fd, struct.pack(">II", len(body), 0))
                        view = memoryview(body)
                        while view:
                            view = view[os.write(fd, view):]
            return np.maximum(Z, 0)
        """, ["killed", "could not be read", "did not return"]),
    "forge the right answer into the grader's channel, then change the input in place": (FORGE + """
def relu(Z):
    forge(np.maximum(Z, 0))
    Z[Z < 0] = 0
    return Z
""", "changing Z in place"),
    "forge the right answer, then exit so that the real reply never comes": (FORGE + """
import os
def relu(Z):
    forge(np.maximum(Z, 0))
    os._exit(0)
""", ["os._exit", "could not be read", "ended before"]),
    "answer every case in advance from the cell's top level, then return nonsense": (FORGE + """
for _case in range(12):
    forge(np.zeros((10, 4)), case=_case)
def relu(Z):
    return Z * 0
""", ["could not be read", "differs"]),
    "take over the protocol: answer the grader's requests from the learner's own loop": (FORGE + """
import json, os, sys
def relu(Z):
    return np.maximum(Z, 0)
_ = forge(None, kind="defined", case=None)  # (an assignment: bare expressions of a cell are not run)
for _line in sys.stdin:  # every request the grader sends from here on, answered with nonsense
    with open(os.path.join(sys.argv[1], _line.strip())) as _f:
        forge(np.zeros((10, 1)), case=json.load(_f)["case"])
os._exit(0)
""", ["could not be read", "differs", "expected", "shape"]),
    "change the input in place, then undo it in a patched np.savez before the supervisor looks": ("""
        _real_savez, _undo = np.savez, []
        def _savez(*args, **kwargs):
            while _undo:
                Z, saved = _undo.pop()
                Z[...] = saved
            return _real_savez(*args, **kwargs)
        np.savez = _savez
        def relu(Z):
            _undo.append((Z, Z.copy()))
            np.maximum(Z, 0, out=Z)
            return Z.copy()
        """, "changing Z in place"),
}


@pytest.mark.parametrize("name", list(SANDBOX_ATTACKS))
def test_sandbox_attack_earns_nothing_and_touches_nothing(oracle, course_before, canary, name):
    source, expect = SANDBOX_ATTACKS[name]
    start = time.monotonic()
    report = attack(oracle, source, timeout=SLOW.get(name, 3))
    assert time.monotonic() - start < 60, "the grader was held up"
    assert_defeated(report, course_before, canary, oracle, expect)


def sandboxed():
    """Processes that look like a grading sandbox's: its child, or anything of a sandbox's own user id."""
    found = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                uid = entry.stat().st_uid
                cmd = Path(f"/proc/{entry.name}/cmdline").read_bytes()
            except OSError:
                continue
            if b"child.py" in cmd or (os.getuid() == 0 and 1_000_000 <= uid < 2_000_000 and b"ipykernel" not in cmd):
                found[entry.name] = cmd[:80]
    return found


def test_nothing_of_the_sandbox_outlives_it(oracle):
    """After a forking, looping attack, no process of any sandbox is left on the machine (other than those
    of gradings that were already running: the machine may be shared)."""
    before = sandboxed()
    attack(oracle, SANDBOX_ATTACKS["a double-forked daemon that outlives grading to rewrite later results"][0])
    attack(oracle, SANDBOX_ATTACKS["fork bomb"][0])
    time.sleep(0.5)
    left = {pid: cmd for pid, cmd in sandboxed().items() if pid not in before and b"/job/child.py" not in cmd
            and not another_gradings(pid)}
    assert not left, left


def ancestors(pid):
    """pid's parent, its parent, ... up to PID 1 (as far as /proc still shows them)."""
    chain = []
    while pid not in ("0", "1"):
        try:
            pid = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]
        except (OSError, IndexError):
            break
        chain.append(pid)
    return chain


def another_gradings(pid):
    """Is pid inside a live sandbox that another process on this machine started (a grading running beside
    this test)? A process that escaped its sandbox has no live bwrap above it; one of this test's sandboxes
    that outlived it has this process above it. Another grading's bwrap is one itself (its arguments name
    child.py); learner code cannot start a bwrap, which is not in the sandbox."""
    chain = ancestors(pid)
    if str(os.getpid()) in chain:
        return False
    for a in [pid, *chain]:
        try:
            if Path(f"/proc/{a}/cmdline").read_bytes().split(b"\0")[0].endswith(b"bwrap"):
                return True
        except OSError:
            continue
    return False


def test_a_learners_kernel_and_all_it_started_are_gone_as_soon_as_it_is_shut_down():
    """nbgrader's kernel, once its notebook has run: shutting it down kills its sandbox at once (no polite
    request and polling), a daemon the learner's code detached into a session of its own included, and
    leaves none of its host folder behind. Its client is ready once the kernel has answered, and what a cell
    prints still reaches it."""
    import asyncio

    from autograder.grader.kernel import SandboxedKernelClient, SandboxedKernelManager

    def in_namespace(ns):
        """Live processes in the PID namespace ``ns`` (a killed one left for its parent to reap is dead)."""
        found = []
        for entry in os.scandir("/proc"):
            try:
                if entry.name.isdigit() and os.readlink(f"/proc/{entry.name}/ns/pid") == ns and \
                        "\nState:\tZ" not in Path(f"/proc/{entry.name}/status").read_text():
                    found.append(entry.name)
            except OSError:
                continue
        return found

    async def run():
        km = SandboxedKernelManager(kernel_name="python3")
        await km.start_kernel()
        kc = km.client()
        assert isinstance(kc, SandboxedKernelClient)
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=120)
            reply = await kc.execute_interactive(
                "import subprocess, sys\n"
                "subprocess.Popen([sys.executable, '-c', 'import os, time; os.fork() or time.sleep(600)'],\n"
                "                 start_new_session=True)\nprint('started')",
                timeout=60, output_hook=lambda msg: printed.append(msg["content"].get("text", "")))
            assert reply["content"]["status"] == "ok"
            child = km.ip.split("/")[2]  # /proc/<the sandbox's first process>/root/...
            ns = os.readlink(f"/proc/{child}/ns/pid")

            def daemons():
                return [p for p in in_namespace(ns) if b"sleep(600)" in Path(f"/proc/{p}/cmdline").read_bytes()]
            for _ in range(200):  # the daemon (its parent has exited) is running
                if daemons():
                    break
                await asyncio.sleep(0.05)
            private, bwrap = km._private, km.provisioner.process
            assert daemons(), in_namespace(ns)
        finally:
            kc.stop_channels()
        await km.shutdown_kernel()
        return ns, private, bwrap

    printed = []
    ns, private, bwrap = asyncio.run(run())
    assert "started" in "".join(printed)
    assert bwrap.poll() is not None and not in_namespace(ns), in_namespace(ns)  # at once: no waiting here
    assert not private.exists()


def test_the_graders_memory_stays_bounded_under_floods_and_huge_results(tmp_path):
    """The grader's own peak memory, in a fresh process, for the flood and huge-return attacks."""
    for name in ("flood stdout", "flood stderr at the file-descriptor level", "return 3 million items at once",
                 "frames with a 20 MB JSON header, written straight down the worker's pipe to the supervisor",
                 "send a zip bomb and 38,000 references to one large array through the sandbox's own packer"):
        src = tmp_path / "cell.py"
        src.write_text(textwrap.dedent(SANDBOX_ATTACKS[name][0]))
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        done = subprocess.run([sys.executable, "-m", "autograder", "grade", "--source", str(src), "--function",
                               "relu", "--json"], capture_output=True, text=True, timeout=180)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        data = json.loads(done.stdout)
        assert data["score"] == 0 and done.stderr == "", name
        assert peak_mb < 1024 or resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss == before, \
            f"{name}: the grader used {peak_mb:.0f} MB"


def test_a_symlinked_notebook_is_refused(tmp_path, oracle):
    from autograder.grader.grade import grade_path
    folder = tmp_path / "submission"
    (folder / "04_softmax").mkdir(parents=True)
    (folder / "04_softmax" / "softmax.ipynb").symlink_to(ROOT / "solutions" / "04_softmax" / "softmax.ipynb")
    grade = grade_path(folder / "04_softmax", oracle=oracle)
    (softmax,) = grade.functions
    assert softmax.points == 0 and "symbolic link" in softmax.report.problem


def test_a_linked_folder_outside_the_submission_is_refused(tmp_path, oracle):
    from autograder.grader.grade import grade_path
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "04_softmax").symlink_to(ROOT / "solutions" / "04_softmax")
    grade = grade_path(folder, oracle=oracle, functions=["softmax"])
    softmax = next(f for f in grade.functions if f.lesson == "04_softmax")
    assert softmax.points == 0 and softmax.report.problem


def test_an_answer_copied_from_a_later_toolbox_is_flagged_everywhere(tmp_path):
    path = write_notebook(tmp_path / "softmax.ipynb", {"softmax": reference().source("softmax")})
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(path), "--json"], capture_output=True,
                          text=True, timeout=120)
    data = json.loads(done.stdout)
    assert data["flags"] and "matches the course's own version" in data["flags"][0]
    table = subprocess.run([sys.executable, "-m", "autograder", "grade", str(path)], capture_output=True,
                           text=True, timeout=120).stdout
    assert "flag for the instructor" in table
    renamed = reference().source("softmax").replace("E = ", "expZ = ").replace("E /", "expZ /") \
        .replace("E.sum", "expZ.sum")
    path2 = write_notebook(tmp_path / "renamed.ipynb", {"softmax": renamed})
    data2 = json.loads(subprocess.run([sys.executable, "-m", "autograder", "grade", str(path2), "--json"],
                                      capture_output=True, text=True, timeout=120).stdout)
    assert data2["flags"], "a copy with its variables renamed is still flagged"
    mine = "def softmax(Z):\n    shifted = Z - np.max(Z, axis=0)\n    e = np.exp(shifted)\n    return e / e.sum(axis=0)\n"
    path3 = write_notebook(tmp_path / "mine.ipynb", {"softmax": mine})
    data3 = json.loads(subprocess.run([sys.executable, "-m", "autograder", "grade", str(path3), "--json"],
                                      capture_output=True, text=True, timeout=120).stdout)
    assert data3["flags"] == [] and data3["score"] == 3


def test_every_report_says_how_learner_code_was_isolated(tmp_path):
    path = write_notebook(tmp_path / "relu.ipynb", {"relu": RIGHT_RELU})
    data = json.loads(subprocess.run([sys.executable, "-m", "autograder", "grade", str(path), "--json"],
                                     capture_output=True, text=True, timeout=120).stdout)
    assert data["isolation"]["kind"] == "bwrap"
    none = json.loads(subprocess.run([sys.executable, "-m", "autograder", "grade", str(path), "--json"],
                                     capture_output=True, text=True, timeout=120,
                                     env={**os.environ, "AUTOGRADER_ISOLATION": "none"}).stdout)
    assert none["isolation"]["kind"] == "none" and none["score"] == 1
    text = subprocess.run([sys.executable, "-m", "autograder", "grade", str(path)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "AUTOGRADER_ISOLATION": "none"}).stdout
    assert "isolation: none" in text


# ----------------------------------------------------------------------------- inputs the child cannot change

# name: (function, an answer that changes its inputs, a line that forges a reply, run first in the call that
# changes them, as the attack did: the right answer where it is short to write)
IN_PLACE = {
    "update_params": ("update_params", MUTANTS["update_params"]["in_place"],
                      "forge(tuple(p - alpha * g for p, g in zip((W1, b1, W2, b2), (dW1, db1, dW2, db2))))"),
    "adam_step": ("adam_step", MUTANTS["adam_step"]["in_place"], "forge((params, state))"),
    "decay_weights": ("decay_weights", MUTANTS["decay_weights"]["in_place"],
                      "forge([(W * (1 - lr * weight_decay), b) for W, b in params])"),
    "decay_weights, replacing the pairs in the caller's list": ("decay_weights", """
def decay_weights(params, lr, weight_decay):
    for i, (W, b) in enumerate(params):
        params[i] = (W * (1 - lr * weight_decay), b)
    return params
""", "forge([(W * (1 - lr * weight_decay), b) for W, b in params])"),
    "adam_step, counting its steps in the caller's state": ("adam_step", adam_mutant(
        t='(state.update(t=state["t"] + 1), state["t"])[1]'), "if state is not None: forge((params, state))"),
}


def forged(source, line):
    """``source`` with ``line`` (a call of FORGE's forge) run first in its function."""
    return FORGE + source.replace("):\n", "):\n    " + line + "\n", 1)


@pytest.mark.parametrize("forge", [False, True], ids=["plain", "forged"])
@pytest.mark.parametrize("name", list(IN_PLACE))
def test_an_answer_that_changes_its_inputs_scores_0_with_the_mistake_named(oracle, name, forge):
    """Inputs are read-only memory maps (lists and dicts that refuse changes): an in-place change raises in the
    learner's own code and the grader names it; a forged reply for the same call is caught as a second reply,
    and the failure the real one admits stands."""
    function, source, line = IN_PLACE[name]
    report = grade_source(function, forged(source, line) if forge else source, oracle, timeout=20)
    assert not report.passed, report.first_failure
    if "caller's" in name:  # the caller's list or dict changed: named as such, the container having refused
        assert "changes_list" in report.mistakes and "belongs to the caller" in report.first_failure, \
            report.first_failure
    else:  # an array changed in place: the read-only memory refused it
        assert "in_place" in report.mistakes and " in place" in report.first_failure \
            and "read-only" in report.first_failure, report.first_failure


RIGHT_COPIES = {
    "decay_weights": ["""
def decay_weights(params, lr, weight_decay):
    new = params.copy()
    for i, (W, b) in enumerate(new):
        new[i] = (W * (1 - lr * weight_decay), b)
    return new
""", """
def decay_weights(params, lr, weight_decay):
    new = list(params)
    for i in range(len(new)):
        W, b = new[i]
        W = W.copy()
        W *= 1 - lr * weight_decay
        new[i] = (W, b)
    return new
"""],
    "adam_step": [MUTANTS["adam_step"]["in_place"].replace(
        "    state[\"t\"] += 1", "    import copy\n    params, state = copy.deepcopy(params), copy.deepcopy(state)\n"
        "    state[\"t\"] += 1")],
}


@pytest.mark.parametrize("function, k", [(f, k) for f in RIGHT_COPIES for k in range(len(RIGHT_COPIES[f]))])
def test_a_right_answer_that_changes_its_own_copies_passes_both_runners(oracle, function, k):
    from autograder.learner.checking import judge
    source = RIGHT_COPIES[function][k]
    assert grade_source(function, source, oracle, timeout=20).passed
    namespace = {"np": __import__("numpy")}
    exec(source, namespace)
    assert judge(function, namespace[function]).passed


def test_numerical_gradient_is_judged_on_the_x_the_grader_reads_back(oracle):
    """x is the one writable input: a file the grader maps too and reads back when the reply comes. Leaving it
    nudged fails 'restored' and is named; the reference, which puts it back, passes; a forged reply earns 0."""
    from autograder.grader.functions import mutants
    assert grade_source("numerical_gradient", reference().source("numerical_gradient"), oracle).passed
    report = grade_source("numerical_gradient", mutants("numerical_gradient")["in_place"], oracle)
    assert not report.passed and "in_place" in report.mistakes, report.first_failure
    assert "x was not put back" in report.first_failure
    report = grade_source("numerical_gradient", forged(mutants("numerical_gradient")["in_place"],
                                                       "forge(np.zeros(x.shape))"), oracle)
    assert not report.passed, report.first_failure


# ----------------------------------------------------------------------------- hidden cases stay hidden

LEAKS = {
    "every channel at once, on the hidden case only": """
import os, sys, warnings
def relu(Z):
    if Z.ndim == 2 and Z.shape[1] == 13:  # (the marker is put together at run time: no traceback shows it)
        text = "HID" + "DEN:" + ",".join(f"{v:.6f}" for v in Z.ravel()[:60])
        print(text)
        print(text, file=sys.stderr)
        os.write(2, text.encode())
        warnings.warn(text)
        raise type("E_" + "_".join(f"{abs(v):.6f}".replace(".", "p") for v in Z.ravel()[:8]), (Exception,), {})(text)
    return np.maximum(Z, 0)
""",
    "an exit code made of the hidden inputs": """
import os
def relu(Z):
    if Z.ndim == 2 and Z.shape[1] == 13:
        os.write(2, ("HID" + "DEN:" + ",".join(f"{v:.6f}" for v in Z.ravel()[:60])).encode())
        os._exit(int(abs(Z[0, 0]) * 1000) % 256)
    return np.maximum(Z, 0)
""",
    "a visible error after stashing every array and input file it can find": """
import gc, os
FOUND = []
def _stash():
    FOUND.extend(a for a in gc.get_objects() if isinstance(a, np.ndarray) and a.dtype == np.float64)
    for root in ("/io", "/job", "/tmp"):
        for name in (os.listdir(root) if os.path.isdir(root) else []):
            data = open(os.path.join(root, name), "rb").read()
            FOUND.append(np.frombuffer(data[:len(data) // 8 * 8], dtype=np.float64))
_stash()
def relu(Z):
    _stash()
    if Z.ndim == 2 and Z.shape[1] == 6:  # the last visible case
        raise ValueError(";".join(",".join(f"{v:.6f}" for v in a.ravel()[:200]) for a in FOUND)[:100000])
    return np.maximum(Z, 0)
""",
    "no top-level def, and the child's signature note rewritten to carry the inputs": """
_call = __import__("autograder.learner.call", fromlist=["adapt"])
_adapt = _call.adapt
def _leaky(fn, args, kwargs, names):
    a, k, note = _adapt(fn, args, kwargs, names)
    return a, k, "its parameters are " + ",".join(f"{v:.6f}" for v in np.asarray(args[0]).ravel()[:60])
_call.adapt = _leaky
relu = lambda Z: np.maximum(Z, 0)
""",
    "forged failure frames for the hidden case, carrying its inputs": FORGE + """
import json, os, struct
def relu(Z):
    if Z.ndim == 2 and Z.shape[1] == 13:
        text = ",".join(f"{v:.6f}" for v in Z.ravel()[:60])
        for kind in ("E_" + text.replace(",", "_").replace(".", "p").replace("-", "m")[:200], "ValueError"):
            body = json.dumps({"kind": "result", "case": 4, "failure": {"kind": "exception", "type": kind,
                                                                       "message": text, "line": 1}}).encode()
            os.write(int(os.environ["AUTOGRADER_REPLIES"]), struct.pack(">II", len(body), 0) + body)
    return np.maximum(Z, 0)
""",
    "a forged failure frame for a visible case, sent while the hidden case runs, carrying its inputs": """
import json, os, struct
def relu(Z):
    if Z.ndim == 2 and Z.shape[1] == 13:
        text = "HID" + "DEN:" + ",".join(f"{v:.6f}" for v in Z.ravel()[:60])
        body = json.dumps({"kind": "result", "case": 0, "failure": {"kind": "exception", "type": "ValueError",
                                                                    "message": text}}).encode()
        os.write(int(os.environ["AUTOGRADER_REPLIES"]), struct.pack(">II", len(body), 0) + body)
    return np.maximum(Z, 0)
""",
}


@pytest.mark.parametrize("name", list(LEAKS))
def test_no_hidden_input_value_reaches_any_report(oracle, name):
    """Hidden inputs reach the sandbox only after every visible case is answered, and nothing the learner's code
    says about a hidden case (messages, prints, warnings, class names, exit codes) is kept."""
    from autograder.learner import render
    report = grade_source("relu", LEAKS[name], oracle, timeout=10)
    assert not report.passed or name.startswith("no top-level")
    text = json.dumps(report.to_dict()) + render.text(report) + render.html_table(report)
    (Z,) = oracle.cases("relu")["hidden"].args
    leaked = [f"{v:.6f}" for v in Z.ravel() if f"{v:.6f}" in text or f"{abs(v):.6f}".replace(".", "p") in text]
    assert not leaked and "HIDDEN" not in text, (leaked, report.first_failure)
    assert any(r.hidden for r in report.results)


def test_hidden_inputs_are_drawn_afresh_for_each_grading_run():
    """Each LiveOracle (one grading run) draws its own hidden inputs from a seed chosen at run time; the
    visible ones are the course's, the same every time."""
    from autograder.grader.oracle import LiveOracle
    from autograder.learner.serial import pack

    def same(a, b):
        (ma, xa), (mb, xb) = pack((a.args, a.kwargs)), pack((b.args, b.kwargs))
        return ma == mb and all(np.array_equal(xa[k], xb[k]) for k in xa)

    first, second = LiveOracle(), LiveOracle()
    for function in COURSE.functions:
        a, b = first.cases(function), second.cases(function)
        assert all(same(a[n], b[n]) for n in a if not a[n].hidden), function
        assert not all(same(a[n], b[n]) for n in a if a[n].hidden), function


# ----------------------------------------------------------------------------- nothing unbounded in the grader

BIG_CELL = r"""
import json, resource, sys, time, tracemalloc
from pathlib import Path
entry, path = sys.argv[1], Path(sys.argv[2])
from autograder.learner.course import load_course
lesson = load_course().lesson_for("relu")
if entry == "nbgrader":  # nbgrader has read the notebook already: its GradeOutsideKernel step, then its save
    import nbformat
    from autograder.grader.autograde import GradeOutsideKernel
    nb, step = nbformat.read(path, as_version=4), GradeOutsideKernel()
    step.results_directory = str(path.parent / "results")
    step.config.CourseDirectory.root = str(path.parent)
else:
    from autograder.grader.grade import grade_path, grade_source_file
tracemalloc.start()
before, start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.perf_counter()
if entry == "nbgrader":
    report, source = step.grade(nb, lesson)
    step.save(report, lesson, "student", source)
    problem = report.problem
elif entry == "cli":
    problem = grade_path(path).functions[0].report.problem
else:
    problem = grade_source_file(path, ["relu"]).functions[0].report.problem
seconds = time.perf_counter() - start
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(json.dumps({"seconds": seconds, "grown_mb": grown, "peak_mb": tracemalloc.get_traced_memory()[1] / 2 ** 20,
                  "problem": problem}))
"""


BIG_ANSWERS = """
_n = [0]
def relu(Z):
    _n[0] += 1
    if _n[0] == 1:
        return np.ones((4000, 5000), dtype=bool)  # 20 million numbers of the wrong type: named by its fingerprint
    if _n[0] in (2, 3, 4):
        return np.ones(8 * 1024 * 1024)  # 64 MB each, the most one call may return
    return np.ones((268435456 - 20000000 - 3 * 67108864) // 8)  # up to the 256 MB a run may return
"""


def test_answers_at_every_size_limit_cost_the_grader_bounded_memory(tmp_path):
    """Returned arrays at every size limit: the grader's own process stays well under 1 GB (a fingerprint
    of the 20-million-number answer, made in float64 all at once and again for every known mistake, took
    it to 1.1 GB)."""
    (tmp_path / "relu.py").write_text(BIG_ANSWERS)
    script = ("import json, resource, sys\nfrom autograder.grader.grade import grade_source_file\n"
              "report = grade_source_file(sys.argv[1], ['relu']).functions[0].report\n"
              "print(json.dumps({'passed': report.passed, 'mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10}))")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "relu.py")], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    data = json.loads(done.stdout.strip().splitlines()[-1])
    assert not data["passed"] and data["mb"] < 700, data


@pytest.mark.parametrize("padding", [" " * 99_000, "x = " + " " * 99_000])
def test_a_long_blank_line_costs_the_grader_no_time(oracle, padding):
    """A line of 99,000 spaces (under the 100 KB cap) in a right answer: the grader's own process reads it
    in a moment (a regex that backtracked over it took 130 s, before any time limit started)."""
    start = time.monotonic()
    report = grade_source("relu", RIGHT_RELU + padding + "\n", oracle, timeout=10)
    assert time.monotonic() - start < 30, "the grader was held up"
    assert report.passed or padding.startswith("x"), report.first_failure


@pytest.mark.parametrize("entry", ["nbgrader", "cli", "source"])
def test_a_14_mb_graded_cell_is_refused_at_once_in_bounded_memory(tmp_path, entry):
    """A 2,000,000-statement graded cell (14 MB, under the 25 MB notebook cap) is refused at every entry point
    before the copy check or the fingerprint reads it: the grader's own memory grows by less than 200 MB."""
    source = "x = 1\n" * 2_000_000 + RIGHT_RELU
    path = tmp_path / ("relu.py" if entry == "source" else "relu.ipynb")
    if entry == "source":
        path.write_text(source)
    else:  # the cell's source as one string, as nbformat allows: a 14 MB notebook, under the 25 MB cap
        nb = json.loads(write_notebook(path, {"relu": RIGHT_RELU}).read_text())
        nb["cells"][0]["source"] = source
        path.write_text(json.dumps(nb))
    done = subprocess.run([sys.executable, "-c", BIG_CELL, entry, str(path)], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    data = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{entry}: refused in {data['seconds']:.2f} s; the grader's peak RSS grew by {data['grown_mb']:.0f} MB, "
          f"its allocations peaked at {data['peak_mb']:.0f} MB")
    assert "bytes, more than the 100,000 a cell may hold" in data["problem"]
    assert data["grown_mb"] < 200 and data["peak_mb"] < 200


# ----------------------------------------------------------------------------- plain nbgrader autograde

# Walks the kernel's whole file system but /proc, /sys and /dev, as a snooping student would.
EVERYTHING = ("import os\ndef everything(top):\n    out = []\n"
              "    for root, dirs, files in os.walk(top):\n"
              "        dirs[:] = [d for d in dirs if os.path.join(root, d) not in ('/proc', '/sys', '/dev')]\n"
              "        out += [os.path.join(root, f) for f in files + dirs]\n    return out\n")

KERNEL_ATTACKS = {
    # student: (code put in the graded cell after the answer, which the kernel runs before the check; the answer)
    "rebinder": ("import autograder, autograder.learner.checking as c\n"
                 "def fake(*a, **k):\n    print('relu: all 11 checks pass')\n"
                 "c.check = fake\nautograder.check = fake\ncheck = fake\n", "def relu(Z):\n    return Z\n"),
    "forger": ("from IPython.display import display, HTML\nimport builtins\n"
               "builtins.check = lambda *a, **k: display(HTML('relu: all checks pass'))\n"
               "import sys\nsys.modules['autograder'].check = builtins.check\ncheck = builtins.check\n",
               "def relu(Z):\n    raise NotImplementedError()\n"),
    "gradebook_writer": ("import sqlite3, glob, os\nfound = []\n"
                         "for p in everything('/') + glob.glob('../../../*.db'):\n"
                         "    if p.endswith('gradebook.db'):\n"
                         "        try:\n"
                         "            con = sqlite3.connect(p); con.execute('UPDATE grade SET auto_score=100'); con.commit()\n"
                         "            found.append(p)\n"
                         "        except Exception as e:\n"
                         "            print('could not write', p, e)\n"
                         "print('gradebooks written:', found)\n", "def relu(Z):\n    return Z\n"),
    "vandal": ("import shutil, glob, os\nfor p in [p for p in everything('/') if '/vera' in p] + "
               "glob.glob('../../vera') + glob.glob('../../../submitted/vera'):\n    shutil.rmtree(p, ignore_errors=True)\n"
               "print(os.getcwd(), os.listdir('..'))\n", "def relu(Z):\n    return Z\n"),
    "subprocess_faker": ("import subprocess, sys\nclass P:\n    returncode = 0\n    stdout = '{\"score\": 1}'\n"
                         "subprocess.run = lambda *a, **k: P()\nsys.executable = '/bin/true'\n",
                         "def relu(Z):\n    return Z\n"),
    "chdir_solutions": ("import os\nfor p in ('/work/main/solutions/03_relu', '../../../solutions/03_relu'):\n"
                        "    try:\n        os.chdir(p)\n    except OSError as e:\n        print('no', p)\n",
                        "def relu(Z):\n    return Z\n"),
    "kernel_killer": ("", "import os\ndef relu(Z):\n    os._exit(1)\n"),
    # (site-packages is there, read-only: nbgrader's own documentation has example folders named so)
    "xss": ("from IPython.display import display, HTML, Javascript, SVG\n"
            "display(HTML('<script>fetch(\"/formgrader/api/grade\")</script><b onmouseover=\"alert(1)\">hi</b>'))\n"
            "display(Javascript('alert(1)'))\n"
            "display(SVG('<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>'))\n",
            "def relu(Z):\n    return Z\n"),
    "flooder": ("import sys\nfor _ in range(200):\n    sys.stdout.write('x' * 1_000_000)\n",
                "def relu(Z):\n    return Z\n"),
    # bulk where a count of text and data alone would not see it: output metadata, error messages
    "metaflooder": ("from IPython.display import publish_display_data\n_k = get_ipython().kernel\n"
                    "_big = 'A' * (20 << 20)\nfor _i in range(5):\n"
                    "    publish_display_data(data={'text/plain': 'x'}, metadata={'pad': _big})\n"
                    "for _i in range(5):\n"
                    "    _k.session.send(_k.iopub_socket, 'error', {'ename': 'E', 'evalue': _big, 'traceback': []}, "
                    "parent=_k.get_parent())\n", "def relu(Z):\n    return Z\n"),
    "diskfiller": ("import os\nn = 0\ntry:\n    for i in range(100):\n"
                   "        open(f'fill{i}', 'wb').write(b'x' * (100 << 20)); n += 1\n"
                   "except OSError as e:\n    print('filled', n, e.strerror)\n", "def relu(Z):\n    return Z\n"),
    # every writable mount it has, then 200,000 files where its sockets live (on the host, before: 150,000 were made)
    "filer": ("writable = []\nfor line in open('/proc/self/mountinfo'):\n    f = line.split()\n"
              "    kind = f[f.index('-') + 1]\n"
              "    if 'rw' in f[5].split(',') and kind not in ('proc', 'devtmpfs', 'devpts', 'mqueue'):\n"
              "        writable.append((f[4], kind))\nprint('writable:', writable)\nn = 0\ntry:\n"
              "    for i in range(200_000):\n        open(f'/scratch/.ipc/f{i}', 'w').close()\n        n += 1\n"
              "except OSError as e:\n    print('files made:', n, e.strerror)\nelse:\n    print('files made:', n)\n",
              "def relu(Z):\n    return Z\n"),
    "leaker": ("", LEAKS["every channel at once, on the hidden case only"]),
    "reader": ("print([p for p in everything('/') if '/solutions/' in p and 'site-packages' not in p][:3])\n"
               "print([p for p in everything('/') if '/submitted/' in p and 'site-packages' not in p][:3])\n",
               "def relu(Z):\n    return Z\n"),
}


@pytest.fixture(scope="module")
def attacked_class(tmp_path_factory):
    """A course directory graded with plain `nbgrader autograde` and the course's own configuration:
    vera answers right; each other student attacks from their kernel."""
    from autograder.grader import classroom
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "solutions", root / "solutions", ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    shutil.copy(ROOT / "nbgrader_config.py", root)
    shutil.copy(ROOT / "course.yml", root)
    api = classroom.api_for(root, db_url=f"sqlite:///{root}/gradebook.db")
    lesson = COURSE.lesson("03_relu")
    classroom.release(api, [lesson.id])
    released = root / "release" / lesson.id / lesson.notebook

    def submit(student, before, answer, edit=None):
        nb = nbformat.read(released, as_version=4)
        for i, cell in enumerate(nb.cells):
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "relu":
                # the attack in the answer's own cell, after the answer: grading runs that cell in the kernel
                # (a cell of its own after the toolbox is the lesson's, not run while grading)
                cell.source = answer + "\n\n" + EVERYTHING + before if before else answer
                break
        if edit:
            edit(nb)
        folder = root / "submitted" / student / lesson.id
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / lesson.notebook)
        return folder

    vera = submit("vera", "", RIGHT_RELU)
    vera_before = digest(sorted(vera.rglob("*")))
    for student, (before, answer) in KERNEL_ATTACKS.items():
        submit(student, before, answer)

    def graded(nb):
        return next(i for i, c in enumerate(nb.cells) if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "relu")

    def duplicate(nb):  # the ordinary accident: the graded cell copied and pasted
        copy = nbformat.from_dict(dict(nb.cells[graded(nb)]))
        copy["id"] = "pasted"
        nb.cells.insert(graded(nb) + 1, copy)

    def damage(nb):  # metadata that is not what nbgrader writes
        del nb.cells[graded(nb)].metadata["nbgrader"]["schema_version"]

    def script_in_markdown(nb):
        nb.cells.insert(1, nbformat.v4.new_markdown_cell('<img src="x" onerror="alert(1)"><script>alert(2)</script>'))

    # Sorted first, so that under plain `nbgrader autograde` everyone else comes after them.
    submit("aaa_duplicate", "", RIGHT_RELU, edit=duplicate)
    submit("aab_damaged", "", RIGHT_RELU, edit=damage)
    submit("aac_markdown", "", "def relu(Z):\n    return Z\n", edit=script_in_markdown)
    # one more: the notebook itself is a link to the course's solution notebook
    (root / "submitted" / "linker" / lesson.id).mkdir(parents=True)
    (root / "submitted" / "linker" / lesson.id / lesson.notebook).symlink_to(
        root / "solutions" / lesson.id / lesson.notebook)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run(["nbgrader", "autograde", lesson.id, "--force"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=1200)
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{root}/gradebook.db") as gb:
        scores = {s.student.id: s.score for s in gb.find_assignment(lesson.id).submissions}
    return {"root": root, "done": done, "scores": scores, "vera": vera, "vera_before": vera_before,
            "lesson": lesson}


def test_plain_nbgrader_autograde_survives_every_kernel_attack(attacked_class):
    assert attacked_class["done"].returncode in (0, 1), attacked_class["done"].stderr[-2000:]
    scores = attacked_class["scores"]
    assert scores["vera"] == attacked_class["lesson"].points
    for student in list(KERNEL_ATTACKS) + ["linker", "aaa_duplicate", "aab_damaged", "aac_markdown"]:
        assert scores.get(student, 0) == 0, (student, scores)
    assert {"vera", "xss", "reader"} <= set(scores), "a damaged submission stopped the class's run"


def test_nothing_a_learner_writes_runs_in_the_instructors_browser(attacked_class):
    """Formgrader shows autograded notebooks in a browser logged in to the gradebook: no script, event
    handler, JavaScript or SVG output of a learner's survives into them (or into the feedback)."""
    root, lesson = attacked_class["root"], attacked_class["lesson"]
    for student in ("xss", "aac_markdown"):
        nb = nbformat.read(root / "autograded" / student / lesson.id / lesson.notebook, as_version=4)
        markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]  # (code is always shown as text)
        assert not any("<script" in text or "<img" in text for text in markdown), student
        outputs = [json.dumps(o) for c in nb.cells for o in c.get("outputs", [])]
        for bad in ("<script", "onerror=", "onmouseover=", "application/javascript", "image/svg+xml"):
            assert not any(bad in text for text in outputs), (student, bad)


def test_a_flood_of_output_is_cut_and_the_disk_is_not_filled(attacked_class):
    root, lesson = attacked_class["root"], attacked_class["lesson"]
    for student in ("flooder", "metaflooder"):
        flood = root / "autograded" / student / lesson.id / lesson.notebook
        assert flood.stat().st_size < 20 << 20 and "output cut" in flood.read_text(), student
    nb = nbformat.read(root / "autograded" / "diskfiller" / lesson.id / lesson.notebook, as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "filled" in printed and "No space left" in printed  # its own folder is in memory, and sized
    assert not any(p.stat().st_size > 50 << 20 for p in root.rglob("*") if p.is_file())


def test_the_other_students_submission_survives(attacked_class):
    vera = attacked_class["vera"]
    assert vera.is_dir() and digest(sorted(vera.rglob("*"))) == attacked_class["vera_before"]


def printed(attacked_class, student):
    """What an attacker's own cell printed in its kernel."""
    root, lesson = attacked_class["root"], attacked_class["lesson"]
    nb = nbformat.read(root / "autograded" / student / lesson.id / lesson.notebook, as_version=4)
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and "def everything" in c.source]
    return "".join(o.get("text", "") for o in cell.get("outputs", []))


def test_the_kernel_can_write_to_no_folder_of_the_host_and_only_so_many_files(attacked_class):
    """Its one writable place is its own in-memory folder, which also holds its sockets (nbgrader reaches them
    through /proc/<pid>/root); started by root, that folder is capped in files as well as in bytes."""
    out = printed(attacked_class, "filer")
    assert "writable: [('/scratch', 'tmpfs')]" in out, out
    made = int(out.split("files made: ")[1].split()[0])
    if os.getuid() == 0:
        assert made < 20_000 and "No space left" in out, out


def test_the_kernel_saw_no_gradebook_no_submissions_and_no_course(attacked_class):
    root, lesson = attacked_class["root"], attacked_class["lesson"]

    def outputs(student):
        return printed(attacked_class, student)

    assert "gradebooks written: []" in outputs("gradebook_writer")
    assert outputs("reader") == "[]\n[]\n"
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{root}/gradebook.db") as gb:
        assert gb.find_submission(lesson.id, "vera").score == lesson.points


def test_no_hidden_input_reaches_the_autograded_notebook_or_the_results(attacked_class):
    root, lesson = attacked_class["root"], attacked_class["lesson"]
    nb = nbformat.read(root / "autograded" / "leaker" / lesson.id / lesson.notebook, as_version=4)
    texts = [json.dumps([c.get("outputs", []) for c in nb.cells]),
             (root / "results" / lesson.id / "leaker.json").read_text()]
    assert not any("HIDDEN" in t or re.search(r"E_\d+p\d{6}", t) for t in texts)
    saved = json.loads(texts[1])
    assert saved["points"] == 0 and any(c["hidden"] and not c["passed"] for c in saved["checks"])


def test_the_verdict_in_the_test_cell_is_the_graders_not_the_kernels(attacked_class):
    root, lesson = attacked_class["root"], attacked_class["lesson"]
    nb = nbformat.read(root / "autograded" / "rebinder" / lesson.id / lesson.notebook, as_version=4)
    (test,) = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade")]
    text = " ".join(str(o.get("data", {}).get("text/plain", "")) + o.get("text", "") for o in test.outputs)
    assert "Graded outside your notebook" in text and "isolation: bwrap" in text
    assert any(o.output_type == "error" for o in test.outputs)
    saved = json.loads((root / "results" / lesson.id / "rebinder.json").read_text())
    assert saved["points"] == 0 and saved["isolation"]["kind"] == "bwrap"


@pytest.fixture(scope="module")
def in_place_class(tmp_path_factory):
    """Plain nbgrader, with the course's own configuration, grading the three lessons whose in-place answers
    once scored full marks: right answers, answers that change their inputs, and the same forging replies."""
    from autograder.grader import classroom
    root = tmp_path_factory.mktemp("in_place")
    shutil.copytree(ROOT / "solutions", root / "solutions", ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    shutil.copy(ROOT / "nbgrader_config.py", root)
    shutil.copy(ROOT / "course.yml", root)
    api = classroom.api_for(root, db_url=f"sqlite:///{root}/gradebook.db")
    lessons = [COURSE.lesson_for(f) for f in ("update_params", "adam_step", "decay_weights")]
    classroom.release(api, [lesson.id for lesson in lessons])
    answers = {"right": lambda f: reference().source(f), "plain": lambda f: IN_PLACE[f][1],
               "forger": lambda f: forged(*IN_PLACE[f][1:])}
    for student, answer in answers.items():
        for lesson in lessons:
            nb = nbformat.read(root / "release" / lesson.id / lesson.notebook, as_version=4)
            for cell in nb.cells:
                if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == lesson.function:
                    cell.source = answer(lesson.function)
            (root / "submitted" / student / lesson.id).mkdir(parents=True)
            nbformat.write(nb, root / "submitted" / student / lesson.id / lesson.notebook)
    classroom.autograde(api, [lesson.id for lesson in lessons])
    return root, lessons, classroom.scores(api)


def test_plain_nbgrader_scores_answers_that_change_their_inputs_0_with_the_mistake_named(in_place_class):
    root, lessons, scores = in_place_class
    for lesson in lessons:
        assert scores[("right", lesson.id)] == lesson.points, lesson.id
        for student in ("plain", "forger"):
            assert scores.get((student, lesson.id), 0) == 0, (student, lesson.id)
            saved = json.loads((root / "results" / lesson.id / f"{student}.json").read_text())
            assert "in_place" in saved["mistakes"], (student, lesson.id, saved["checks"])


# ----------------------------------------------------------------------------- the learner's own check()

def test_check_cannot_be_used_to_read_hidden_cases_or_answers():
    """The learner's check holds only visible cases and their expected values: no hidden case and no
    reference code is reachable from it (what it shows a learner is already theirs to see)."""
    from autograder.learner import fixtures
    meta, arrays = fixtures.read()
    for function, entry in meta["functions"].items():
        assert not any(c["name"].startswith("hidden") for c in entry["cases"]), function
    learner = ROOT / "autograder" / "learner"
    for path in learner.rglob("*.py"):
        text = path.read_text()
        for function in COURSE.functions:
            assert not reference().appears_in(text, function), f"{path.name} holds {function}'s answer"


def test_a_check_that_the_learner_fools_never_counts(attacked_class):
    """Fooling check() in one's own kernel (the 'rebinder' and 'forger' students) scores 0 all the same."""
    assert attacked_class["scores"]["rebinder"] == 0 and attacked_class["scores"]["forger"] == 0


def test_check_survives_an_answer_that_exits_loops_or_floods(monkeypatch, capsys):
    from autograder.learner import checking
    from autograder.learner.checking import CheckFailed, check
    monkeypatch.setattr(checking, "TIMEOUT", 1.0)

    def exits(Z):
        os._exit(3)

    def loops(Z):
        while True:
            pass

    def floods(Z):
        for _ in range(10_000):
            print("x" * 10_000)
        return Z

    for fn in (exits, loops, floods):
        fn.__name__ = "relu"
        with pytest.raises(CheckFailed):
            check(fn)
    out = capsys.readouterr()
    assert out.err == "" and len(out.out) < 200_000
