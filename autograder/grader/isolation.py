"""Real isolation for learner code: a throwaway bubblewrap sandbox (Linux), or none, said out loud.

``bwrap_args`` wraps a command in bubblewrap (``bwrap``, the sandbox Flatpak uses): only the Python
runtime and the host paths given, read-only; no network; its own PID namespace (killing bwrap ends all
inside); an unprivileged user with no capabilities (started by root, a user id of its own; else 65534 in
a user namespace). ``prepare`` sets its limits: per process, and as root on cgroup v1 for the sandbox as a
whole (memory, kernel memory such as inodes included, and processes). Where bwrap cannot run,
``isolation()`` says why and grading runs with the same limits but no isolation.
"""
from __future__ import annotations

import functools
import itertools
import os
import resource
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from typing import NamedTuple

NOBODY = 65534
UIDS = range(1_000_000, 2_000_000)  # started by root, each sandbox runs as a user of its own, with no account
_counter = itertools.count(1)
SITE = "/opt/site"  # where NumPy and tqdm appear inside the sandbox
LIB = "/opt/lib"    # where the learners' package appears
ENV = {"PATH": "/nonexistent", "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
       "MKL_NUM_THREADS": "1"}  # what every sandboxed process starts with: no programs to find, one BLAS thread
PACKAGE = Path(__file__).resolve().parent.parent  # autograder/: the learners' side of it is bound read-only
LEARNERS = [(PACKAGE / "__init__.py", f"{LIB}/autograder/__init__.py"), (PACKAGE / "learner", f"{LIB}/autograder/learner")]


class Isolation(NamedTuple):
    """How learner code is isolated on this machine: kind "bwrap" or "none", and a detail (or why none)."""

    kind: str
    detail: str
    label = property(lambda self: f"isolation: {self.kind}" + (f" ({self.detail})" if self.detail else ""))

    def to_dict(self) -> dict:
        return self._asdict()


def python_runtime() -> tuple:
    """(the real interpreter, the folders it needs read-only, the site folders inside them to hide)."""
    exe, base = os.path.realpath(sys.executable), os.path.realpath(sys.base_prefix)
    paths = sysconfig.get_paths(vars={"base": base, "platbase": base})
    dynload = os.path.join(paths["stdlib"], "lib-dynload")
    binds = [base] if base not in ("/usr", "/") else [exe, paths["stdlib"]] + [dynload] * os.path.isdir(dynload)
    hide = [s for s in {paths["purelib"], paths["platlib"], "/usr/lib/python3/dist-packages"} if os.path.isdir(s)
            and any(s.startswith(b.rstrip("/") + "/") for b in binds + ["/usr/lib"])]  # possibly the course
    return exe, binds, hide


def bwrap_args(ro, *, rw=(), scratch=None, late=(), cwd="/") -> list:
    """bwrap's arguments, up to the command. ``ro`` and ``rw`` are (host path, path inside) pairs bound
    read-only and writable, in order (a later bind of an empty file or folder hides what an earlier one
    brought); ``scratch`` is (path inside, MB) for a private in-memory folder, and ``late`` bwrap arguments
    that put things into it. Nothing else is writable."""
    exe, runtime, hide = python_runtime()
    args = [shutil.which("bwrap") or "bwrap", "--die-with-parent", "--new-session", "--unshare-pid",
            "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox"]
    if os.getuid() != 0:  # an ordinary user: a user namespace maps them to 65534 inside, and no deeper one
        args += ["--unshare-user", "--disable-userns", "--uid", str(NOBODY), "--gid", str(NOBODY)]
    inside = ["/usr/lib", "/tmp", *runtime, *(i for _, i in [*ro, *rw]), *(scratch or ())[:1]]
    for parent in dict.fromkeys(str(p) for path in inside for p in reversed(Path(path).parents) if str(p) != "/"):
        args += ["--perms", "0755", "--dir", parent]  # traversable by the sandbox's user (bwrap makes 0700)
    for path in ("/usr/lib", "/usr/lib64", "/usr/lib32", "/lib", "/lib64", "/lib32"):
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    args += [a for path in runtime for a in ("--ro-bind", path, path)]
    args += [a for path in hide for a in ("--tmpfs", path, "--remount-ro", path)]
    args += [a for host, path in ro for a in ("--ro-bind", str(host), str(path))]
    args += [a for host, path in rw for a in ("--bind", str(host), str(path))]
    args += ["--perms", "1777", "--size", str(scratch[1] << 20), "--tmpfs", scratch[0], *late] if scratch else []
    args += ["--perms", "0755", "--dir", "/tmp"] if "/tmp" not in inside[2:] else []
    # Last: the sandbox's own root and /dev are tmpfs, which would be writable in a user namespace.
    return args + ["--proc", "/proc", "--dev", "/dev", "--chdir", cwd, "--remount-ro", "/dev", "--remount-ro", "/"]


def sandbox_uid() -> int:
    """A user id for one sandbox: its own when we are root (see ``UIDS``), else 65534 in a user namespace."""
    return UIDS[int.from_bytes(os.urandom(4), "little") % len(UIDS)] if os.getuid() == 0 else NOBODY


def prepare(memory_mb: int, cpu_seconds: int, nproc: int, fsize_mb: int, isolated: bool = True) -> tuple:
    """(a preexec function for the sandbox's first process, a function that removes what is left of it).

    The first sets limits that everything inside inherits (RLIMIT_NPROC counts every process of the real
    user, so when we are not root, ours too) and, as root on cgroup v1, moves the process into a pids and
    memory cgroup of its own (under the grader's: it can only tighten); the second kills what is left in
    that cgroup and removes it."""
    if isolated and os.getuid() != 0:
        try:
            nproc += sum(1 for p in Path("/proc").iterdir() if p.name.isdigit() and p.stat().st_uid == os.getuid())
        except OSError:
            nproc += 256
    groups = []

    def remove():
        for folder in groups:
            for _ in range(300):
                try:
                    for pid in Path(folder, "cgroup.procs").read_text().split():
                        os.kill(int(pid), signal.SIGKILL)
                    os.rmdir(folder)
                except FileNotFoundError:
                    pass
                except OSError:  # busy while the last processes are reaped
                    time.sleep(0.01)
                    continue
                break

    if isolated and os.geteuid() == 0 and all(os.access(f"/sys/fs/cgroup/{c}/cgroup.procs", os.W_OK)
                                               for c in ("pids", "memory")):
        mine = {c: path for line in Path("/proc/self/cgroup").read_text().splitlines()
                for _, controllers, path in [line.split(":", 2)] for c in controllers.split(",")}
        try:
            for controller, settings in (("pids", {"pids.max": nproc}), ("memory", {
                    "memory.limit_in_bytes": memory_mb << 20, "memory.swappiness": 0})):
                groups.append(f"/sys/fs/cgroup/{controller}{mine.get(controller, '/')}".rstrip("/") +
                              f"/autograder-{os.getpid()}-{next(_counter)}")
                os.mkdir(groups[-1])
                for key, value in settings.items():
                    Path(groups[-1], key).write_text(str(value))
        except OSError:
            remove()
            raise

    def apply():
        for limit, value in ((resource.RLIMIT_AS, memory_mb << 20), (resource.RLIMIT_FSIZE, fsize_mb << 20),
                             (resource.RLIMIT_NPROC, nproc), (resource.RLIMIT_NOFILE, 1024), (resource.RLIMIT_CORE, 0),
                             (resource.RLIMIT_CPU, cpu_seconds)):
            resource.setrlimit(limit, (value, value + (limit == resource.RLIMIT_CPU)))
        for folder in groups:
            Path(folder, "cgroup.procs").write_text(str(os.getpid()))
    return apply, remove


@functools.lru_cache(maxsize=1)
def isolation() -> Isolation:
    """Can bwrap isolate learner code here? Tried once per process (about 20 ms)."""
    if os.environ.get("AUTOGRADER_ISOLATION") == "none":
        return Isolation("none", "turned off by AUTOGRADER_ISOLATION=none")
    if not sys.platform.startswith("linux"):
        return Isolation("none", f"bubblewrap needs Linux; this is {sys.platform}: use the Containerfile")
    if shutil.which("bwrap") is None:
        return Isolation("none", "bwrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)")
    probe = "import os; print(os.getpid())"  # 1 or 2: its own PID namespace
    try:
        version = subprocess.run(["bwrap", "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
        done = subprocess.run(bwrap_args([]) + [python_runtime()[0], "-I", "-S", "-c", probe], capture_output=True,
                              text=True, timeout=20, env=ENV)
    except (OSError, subprocess.SubprocessError) as exc:
        return Isolation("none", f"bwrap does not run ({type(exc).__name__})")
    if done.returncode != 0 or done.stdout.strip() not in ("1", "2"):
        last = (done.stderr.strip().splitlines() or ["no message"])[-1][:160]
        return Isolation("none", f"bwrap cannot make a sandbox here ({last}); on Linux, user namespaces may be "
                                 f"disabled: use the Containerfile")
    return Isolation("bwrap", f"{version}, unprivileged user, no network, own PID namespace")
