"""Real isolation for learner code: a throwaway bubblewrap sandbox (Linux), or none, said out loud.

``sandbox_command(argv, binds, writable)`` wraps a command so that it runs in
a bubblewrap (``bwrap``, the sandbox Flatpak uses) container that sees only
the Python runtime, the folders bound read-only (NumPy, the learners'
package, the job) and one writable scratch folder; with no network; in its
own PID namespace (nothing it starts outlives it); as an unprivileged user
with no capabilities (started by root: a user id of its own, so its process
limit is its own; started by anyone else: 65534 in a user namespace). Limits on memory, CPU time, processes and file
size are set by ``limits()`` before the sandbox starts.

When bwrap cannot run (macOS, Windows, a kernel without user namespaces, no
``bwrap`` installed), ``isolation()`` says why, grading still works with
the same limits but no isolation, and every report says ``isolation: none``.
The repository's Containerfile runs the same grader where bwrap works.
"""
from __future__ import annotations

import atexit
import functools
import glob
import itertools
import os
import resource
import shutil
import signal
import subprocess
import sys
import sysconfig
import threading
import time
from dataclasses import dataclass
from pathlib import Path

NOBODY = 65534
UIDS = range(1_000_000, 2_000_000)  # started by root, each sandbox runs as a user of its own, with no account
SITE = "/opt/site"        # where NumPy and tqdm appear inside the sandbox
LIB = "/opt/lib"          # the learners' package (autograder.learner), copied without data
JOB = "/job"              # the job: what to run, on which inputs (read-only)
OUT = "/out"              # the one writable folder


@dataclass(frozen=True)
class Isolation:
    """How learner code is isolated on this machine."""

    kind: str
    """"bwrap" or "none"."""
    detail: str
    """e.g. "bubblewrap 0.8.0, uid 65534, no network" or why there is none."""

    @property
    def label(self) -> str:
        return f"isolation: {self.kind}" + (f" ({self.detail})" if self.detail else "")

    def to_dict(self) -> dict:
        return {"kind": self.kind, "detail": self.detail}


def python_runtime() -> tuple:
    """(the real interpreter, the folders it needs read-only, the folders to hide inside them)."""
    exe = os.path.realpath(sys.executable)
    base = os.path.realpath(sys.base_prefix)
    binds, hide = [], []
    if base in ("/usr", "/"):
        stdlib = sysconfig.get_paths(vars={"base": base, "platbase": base})["stdlib"]
        binds += [exe, stdlib]
        dyn = os.path.join(stdlib, "lib-dynload")
        if os.path.isdir(dyn):
            binds.append(dyn)
    else:
        binds.append(base)
    for site in {sysconfig.get_paths(vars={"base": base, "platbase": base})[k] for k in ("purelib", "platlib")} | \
            {"/usr/lib/python3/dist-packages"}:
        if os.path.isdir(site) and any(site.startswith(b.rstrip("/") + "/") for b in binds + ["/usr/lib"]):
            hide.append(site)  # another Python's packages: possibly the course itself
    return exe, binds, hide


def _system_binds() -> list:
    args = []
    for path in ("/usr/lib", "/usr/lib64", "/usr/lib32"):
        if os.path.isdir(path) and not os.path.islink(path):
            args += ["--ro-bind", path, path]
    for link, target in (("/lib", "usr/lib"), ("/lib64", "usr/lib64"), ("/lib32", "usr/lib32")):
        if os.path.islink(link):
            args += ["--symlink", os.readlink(link), link]
        elif os.path.isdir(link):
            args += ["--ro-bind", link, link]
    return args


def bwrap_args(binds: dict, writable, *, cwd: str, unprivileged_caller: bool, writable_at: str = OUT,
               more_writable: dict | None = None, masks: tuple = (), scratch_mb: int = 64) -> list:
    """bwrap's arguments for a sandbox.

    ``binds`` maps host paths to read-only places inside; ``writable`` is the
    one writable host folder (at ``writable_at``), or None for a private
    in-memory folder of ``scratch_mb`` there instead (nothing then reaches the
    host's disk); ``more_writable`` maps further host paths to writable places
    (a kernel's socket folder); ``masks`` are (empty host file or folder, path
    inside) pairs that hide something that a read-only bind brought in.
    """
    exe, runtime, hide = python_runtime()
    more_writable = dict(more_writable or {})
    args = [shutil.which("bwrap") or "bwrap", "--die-with-parent", "--new-session", "--unshare-pid",
            "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox"]
    if unprivileged_caller:  # an ordinary user: a user namespace maps them to 65534 inside, and no deeper one
        args += ["--unshare-user", "--disable-userns", "--uid", str(NOBODY), "--gid", str(NOBODY)]
    made = {"/"}
    inside_paths = ["/usr/lib", "/tmp"] + list(runtime) + list(binds.values()) + [writable_at] + \
        list(more_writable.values())
    for inside in inside_paths:
        for parent in reversed(Path(inside).parents):  # traversable by the sandbox's user (bwrap makes 0700)
            if str(parent) not in made:
                made.add(str(parent))
                args += ["--perms", "0755", "--dir", str(parent)]
    args += _system_binds()
    for path in runtime:
        args += ["--ro-bind", path, path]
    for path in hide:
        args += ["--tmpfs", path, "--remount-ro", path]
    for host, inside in binds.items():
        args += ["--ro-bind", str(host), str(inside)]
    for source, inside in masks:
        args += ["--ro-bind", str(source), str(inside)]
    if writable is None:
        args += ["--perms", "1777", "--size", str(scratch_mb << 20), "--tmpfs", writable_at]
    else:
        args += ["--bind", str(writable), writable_at]
    for host, inside in more_writable.items():
        args += ["--bind", str(host), str(inside)]
    args += ["--proc", "/proc", "--dev", "/dev", "--chdir", cwd]
    if "/tmp" not in binds.values() and "/tmp" not in more_writable.values():
        args[args.index("--proc"):args.index("--proc")] = ["--perms", "0755", "--dir", "/tmp"]
    # Last: the sandbox's own root and /dev are tmpfs; in a user namespace they would be writable, an
    # unbounded memory flood. Nothing may be written anywhere but the one writable folder.
    args += ["--remount-ro", "/dev", "--remount-ro", "/"]
    return args


def sandbox_uid() -> int:
    """A user id for one sandbox: its own when we are root (see ``UIDS``), else 65534 in a user namespace."""
    if os.getuid() != 0:
        return NOBODY
    return UIDS[int.from_bytes(os.urandom(4), "little") % len(UIDS)]


def nproc_limit(extra: int) -> int:
    """RLIMIT_NPROC counts every process of the real user: ours plus ``extra`` when we are not root."""
    if os.getuid() == 0:
        return extra
    try:
        mine = sum(1 for p in Path("/proc").iterdir() if p.name.isdigit() and p.stat().st_uid == os.getuid())
    except OSError:
        mine = 256
    return mine + extra


def limits(memory_mb: int, cpu_seconds: int, nproc: int, fsize_mb: int):
    """A preexec function setting the sandbox's resource limits (inherited by everything it starts)."""
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize_mb << 20, fsize_mb << 20))
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply




class Cgroup:
    """A cgroup-v1 pids and memory group for one sandbox: exact limits on processes and total memory.

    Only as root where cgroup v1 is writable (as on this course's grading machines); elsewhere the
    per-process limits and, as root, the sandbox's own user id bound what a sandbox can take. Nested under
    the grader's own cgroup, so it can only tighten. ``kill_all`` stops everything in it, synchronously.
    """

    counter = itertools.count(1)
    live: set = set()
    lock = threading.Lock()

    def __init__(self, memory_mb: int, nproc: int):
        self.dirs = {}
        name = f"autograder-{os.getpid()}-{next(Cgroup.counter)}"
        current = {}
        with open("/proc/self/cgroup") as f:
            for line in f:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                for c in controllers.split(","):
                    current[c] = path
        try:
            for controller in ("pids", "memory"):
                base = f"/sys/fs/cgroup/{controller}"
                if os.path.isfile(f"{base}/cgroup.procs"):
                    folder = os.path.join(base + current.get(controller, "/"), name)
                    os.mkdir(folder)
                    self.dirs[controller] = folder
            self._write("pids", "pids.max", nproc)
            self._write("memory", "memory.limit_in_bytes", memory_mb << 20)
            self._write("memory", "memory.swappiness", 0)
        except OSError:
            self.remove()
            raise
        with Cgroup.lock:
            Cgroup.live.add(self)

    @staticmethod
    def usable() -> bool:
        return os.geteuid() == 0 and os.access("/sys/fs/cgroup/pids/cgroup.procs", os.W_OK)

    def _write(self, controller, name, value):
        if controller in self.dirs:
            with open(os.path.join(self.dirs[controller], name), "w") as f:
                f.write(str(value))

    def enter(self):
        """For preexec_fn: move the starting process (bwrap) into the group, before it execs."""
        for folder in self.dirs.values():
            with open(os.path.join(folder, "cgroup.procs"), "w") as f:
                f.write(str(os.getpid()))

    def pids(self) -> list:
        try:
            with open(os.path.join(self.dirs["pids"], "cgroup.procs")) as f:
                return [int(p) for p in f.read().split()]
        except (OSError, KeyError):
            return []

    def kill_all(self):
        for _ in range(300):
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)

    def remove(self):
        with Cgroup.lock:
            Cgroup.live.discard(self)
        for folder in self.dirs.values():
            for _ in range(200):
                try:
                    os.rmdir(folder)
                    break
                except FileNotFoundError:
                    break
                except OSError:  # busy while the last processes are reaped
                    time.sleep(0.01)


@atexit.register
def _remove_leftover_cgroups():
    for group in list(Cgroup.live):
        group.kill_all()
        group.remove()
    for folder in glob.glob("/sys/fs/cgroup/*/autograder-*-*") + glob.glob("/sys/fs/cgroup/memory/**/autograder-*-*",
                                                                           recursive=True):
        try:
            pid = int(folder.rsplit("-", 2)[1])
            if not os.path.exists(f"/proc/{pid}"):
                os.rmdir(folder)
        except (ValueError, OSError):
            pass


def reap_user(uid: int, seconds: float = 2.0):
    """Kill every process of a sandbox's own user id (as root, each sandbox has one): nothing outlives it."""
    if os.getuid() != 0 or uid == NOBODY:
        return
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = False
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    if entry.stat().st_uid == uid:
                        found = True
                        os.kill(int(entry.name), signal.SIGKILL)
                except (OSError, ProcessLookupError):
                    pass
        if not found:
            return
        time.sleep(0.01)


@functools.lru_cache(maxsize=1)
def isolation() -> Isolation:
    """Can bwrap isolate learner code here? Tried once per process (about 20 ms)."""
    if os.environ.get("AUTOGRADER_ISOLATION") == "none":
        return Isolation("none", "turned off by AUTOGRADER_ISOLATION=none")
    if not sys.platform.startswith("linux"):
        return Isolation("none", f"bubblewrap needs Linux; this is {sys.platform}: use the Containerfile")
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return Isolation("none", "bwrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)")
    try:
        version = subprocess.run([bwrap, "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        return Isolation("none", f"bwrap does not run ({type(exc).__name__})")
    scratch = Path(os.environ.get("TMPDIR", "/tmp"))
    exe, _, _ = python_runtime()
    probe = "import os, socket\ntry:\n    socket.create_connection(('127.0.0.1', 9), 1)\nexcept OSError:\n    pass\n" \
            "else:\n    raise SystemExit('network')\nprint(os.getpid())"
    args = bwrap_args({}, scratch, cwd="/", unprivileged_caller=os.getuid() != 0)
    try:
        done = subprocess.run(args + [exe, "-I", "-S", "-c", probe], capture_output=True, text=True, timeout=20,
                              env={"PATH": "/nonexistent", "LANG": "C.UTF-8"})
    except (OSError, subprocess.SubprocessError) as exc:
        return Isolation("none", f"bwrap does not run ({type(exc).__name__})")
    if done.returncode != 0 or done.stdout.strip() not in ("1", "2"):
        last = (done.stderr.strip().splitlines() or ["no message"])[-1][:160]
        return Isolation("none", f"bwrap cannot make a sandbox here ({last}); on Linux, user namespaces may "
                                 f"be disabled: use the Containerfile")
    return Isolation("bwrap", f"{version}, unprivileged user, no network, own PID namespace")
