"""Real isolation for learner code: a throwaway bubblewrap sandbox (Linux), or none, said out loud.

``bwrap_args`` wraps a command in bubblewrap (Flatpak's sandbox): only the Python runtime and the given
host paths, read-only; no network; its own PID namespace (killing bwrap ends all inside); an unprivileged
user with no capabilities (started by root, a user id of its own; else 65534 in a user namespace).
``prepare`` sets its limits, per process and, as root on cgroup v1, for the whole sandbox. Where bwrap
cannot run, ``isolation()`` says why and grading runs with the same limits but no isolation.
"""
from __future__ import annotations

import contextlib
import functools
import os
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

NOBODY = 65534
SITE = "/opt/site"  # where NumPy and tqdm appear inside the sandbox
LIB = "/opt/lib"    # where the learners' package appears
ENV = {"PATH": "/nonexistent", "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
       "MKL_NUM_THREADS": "1"}  # every sandboxed process's: no programs to find, one BLAS thread
PACKAGE = Path(__file__).resolve().parent.parent  # autograder/: the learners' side of it is bound read-only
LEARNERS = [(PACKAGE / "__init__.py", f"{LIB}/autograder/__init__.py"),
            (PACKAGE / "learner", f"{LIB}/autograder/learner")]


class Isolation(NamedTuple):
    """How learner code is isolated on this machine: kind "bwrap" or "none", and a detail (or why none)."""

    kind: str
    detail: str
    label = property(lambda self: f"isolation: {self.kind}" + (f" ({self.detail})" if self.detail else ""))


def python_runtime() -> tuple:
    """(the real interpreter, the folders it needs read-only, the site folders in them to hide)."""
    exe, base = os.path.realpath(sys.executable), os.path.realpath(sys.base_prefix)
    paths = sysconfig.get_paths(vars={"base": base, "platbase": base})
    dynload = os.path.join(paths["stdlib"], "lib-dynload")
    binds = [base] if base not in ("/usr", "/") else [exe, *filter(os.path.isdir, (paths["stdlib"], dynload))]
    hide = [s for s in {paths["purelib"], paths["platlib"], "/usr/lib/python3/dist-packages"}
            if os.path.isdir(s) and any(s.startswith(b.rstrip("/") + "/") for b in binds + ["/usr/lib"])]
    return exe, binds, hide


def bwrap_args(ro, *, rw=(), scratch=None, late=(), cwd="/") -> list:
    """bwrap's arguments, up to the command: ``ro``, ``rw`` (host path, path inside) pairs bound read-only,
    writable, in order (a later bind of an empty file or folder hides what an earlier one brought);
    ``scratch`` (path inside, MB) a private in-memory folder, ``late`` bwrap arguments that fill it. Nothing
    else is writable."""
    _, runtime, hide = python_runtime()
    args = [shutil.which("bwrap") or "bwrap", "--die-with-parent", "--new-session", "--hostname", "sandbox",
            "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    if os.getuid() != 0:  # not root: a user namespace maps us to 65534 inside, and no deeper one
        args += ["--unshare-user", "--disable-userns", "--uid", str(NOBODY), "--gid", str(NOBODY)]
    inside = ["/usr/lib", *runtime, *(i for _, i in [*ro, *rw]), *(scratch or ())[:1]]
    parents = dict.fromkeys(str(p) for path in inside for p in reversed(Path(path).parents[:-1]))
    args += [a for p in parents for a in ("--perms", "0755", "--dir", p)]  # traversable (bwrap: 0700)
    binds = [("--symlink", os.readlink(p), p) if os.path.islink(p) else ("--ro-bind", p, p) for p in
             ("/usr/lib", "/usr/lib64", "/usr/lib32", "/lib", "/lib64", "/lib32") if os.path.lexists(p)]
    binds += [("--ro-bind", p, p) for p in runtime] + [("--tmpfs", p, "--remount-ro", p) for p in hide]
    binds += [("--ro-bind", host, p) for host, p in ro] + [("--bind", host, p) for host, p in rw]
    args += [str(a) for bind in binds for a in bind]
    if scratch:
        args += ["--perms", "1777", "--size", str(scratch[1] << 20), "--tmpfs", scratch[0], *late]
    args += ["--perms", "0755", "--dir", "/tmp"] if "/tmp" not in inside else []
    args += ["--proc", "/proc", "--dev", "/dev", "--chdir", cwd]
    return args + ["--remount-ro", "/dev", "--remount-ro", "/"]  # last: tmpfs, writable in a user namespace


def sandbox_uid() -> int:
    """A user id for one sandbox: as root, one of its own that no account has; else 65534 (user namespace)."""
    return 1_000_000 + secrets.randbelow(1_000_000) if os.getuid() == 0 else NOBODY


def prepare(memory_mb: int, cpu_seconds: int, nproc: int, fsize_mb: int, isolated: bool = True) -> tuple:
    """(a preexec function for the sandbox's first process, a function that removes what is left of it).
    The first sets limits all inside inherit (RLIMIT_NPROC counts every process of the real user, so when we
    are not root, ours too) and, as root on cgroup v1, moves the process into pids and memory cgroups of its
    own (under the grader's: they only tighten); the second kills what is left in them and removes them."""
    if isolated and os.getuid() != 0:
        try:
            nproc += sum(p.name.isdigit() and p.stat().st_uid == os.getuid() for p in Path("/proc").iterdir())
        except OSError:
            nproc += 256
    groups, limits = [], {"pids": {"pids.max": nproc},
                          "memory": {"memory.limit_in_bytes": memory_mb << 20, "memory.swappiness": 0}}

    def remove():
        for folder in groups:
            for _ in range(300):  # rmdir fails (busy) until the last processes are reaped
                with contextlib.suppress(OSError):
                    for pid in Path(folder, "cgroup.procs").read_text().split():
                        os.kill(int(pid), signal.SIGKILL)
                    os.rmdir(folder)
                if not os.path.isdir(folder):
                    break
                time.sleep(0.01)

    if isolated and os.geteuid() == 0 and all(os.access(f"/sys/fs/cgroup/{c}/cgroup.procs", os.W_OK)
                                               for c in limits):
        mine = {c: f"/sys/fs/cgroup/{c}{path}" for line in Path("/proc/self/cgroup").read_text().splitlines()
                for _, controllers, path in [line.split(":", 2)] for c in controllers.split(",")}
        try:
            for c, settings in limits.items():
                groups.append(tempfile.mkdtemp(prefix="autograder-", dir=mine.get(c, f"/sys/fs/cgroup/{c}")))
                for key, value in settings.items():
                    Path(groups[-1], key).write_text(str(value))
        except OSError:
            remove()
            raise

    def apply():
        for limit, value in ((resource.RLIMIT_AS, memory_mb << 20), (resource.RLIMIT_FSIZE, fsize_mb << 20),
                             (resource.RLIMIT_NPROC, nproc), (resource.RLIMIT_NOFILE, 1024),
                             (resource.RLIMIT_CORE, 0), (resource.RLIMIT_CPU, cpu_seconds)):
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
    if (bwrap := shutil.which("bwrap")) is None:
        return Isolation("none", "bwrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)")
    try:
        version = subprocess.run([bwrap, "--version"], capture_output=True, text=True, timeout=10).stdout
        probe = [python_runtime()[0], "-I", "-S", "-c", "print(__import__('os').getpid())"]
        done = subprocess.run(bwrap_args([]) + probe, capture_output=True, text=True, timeout=20, env=ENV)
    except (OSError, subprocess.SubprocessError) as exc:
        return Isolation("none", f"bwrap does not run ({type(exc).__name__})")
    if done.returncode != 0 or done.stdout.strip() not in ("1", "2"):  # 1 or 2: its own PID namespace
        last = (done.stderr.strip().splitlines() or ["no message"])[-1][:160]
        return Isolation("none", f"bwrap cannot make a sandbox here ({last}); on Linux, user namespaces "
                                 f"may be disabled: use the Containerfile")
    return Isolation("bwrap", f"{version.strip()}, unprivileged user, no network, own PID namespace")
