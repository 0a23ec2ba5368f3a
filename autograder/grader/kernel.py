"""The learner's Jupyter kernel inside bubblewrap, for nbgrader's autograde (instructors' side).

``SandboxedKernelManager`` is jupyter_client's ``AsyncKernelManager`` with
the ipykernel started inside the same kind of sandbox as the grader's child
(``autograder.grader.isolation``): its own unprivileged user, no network
(the kernel talks to nbgrader over Unix sockets, ZeroMQ's "ipc" transport, in
a folder bound into the sandbox), its own PID namespace, memory, CPU,
process and file-size limits, and a file system that holds only the Python
runtime, the environment's packages (read-only, with the course's own
packages masked), the learners' package and MNIST, and a private copy of the
notebook's folder. No gradebook, no other submission, no course source.

A kernel in its own PID namespace cannot be interrupted with SIGINT (bwrap
does not pass it on), so interrupts go as messages on the control channel.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Integer

from . import isolation as iso

LEARNER = Path(__file__).resolve().parent.parent / "learner"
DATA = Path(__file__).resolve().parents[2] / "mnist_data"
SCRATCH = "/scratch"
COURSE_PACKAGES = ("autograder", "solutions", "mnist_data")

# Runs first in the kernel's process: limits, then its own user, then ipykernel as `python -m` would.
BOOT = r"""
import os as _o, resource as _r, sys as _s
_as, _cpu, _fs, _np, _uid = map(int, _s.argv[1].split(","))
for _k, _v in ((_r.RLIMIT_AS, _as), (_r.RLIMIT_FSIZE, _fs), (_r.RLIMIT_NPROC, _np), (_r.RLIMIT_CORE, 0)):
    _r.setrlimit(_k, (_v, _v))
_r.setrlimit(_r.RLIMIT_CPU, (_cpu, _cpu + 1))
if _o.getuid() == 0:
    _o.setgroups([]); _o.setgid(_uid); _o.setuid(_uid)
_o.chdir("/scratch")
_o.makedirs("/scratch/.mpl", exist_ok=True)
for _f in _o.listdir("/opt/mplcache"):  # the host's font cache: matplotlib need not rebuild it
    with open("/opt/mplcache/" + _f, "rb") as _i, open("/scratch/.mpl/" + _f, "wb") as _w:
        _w.write(_i.read())
import runpy as _rp
_s.argv = _s.argv[4:]  # after -c: LIMITS -- -m MODULE ARGS...
del _o, _r, _as, _cpu, _fs, _np, _uid, _k, _v, _f
_rp.run_module(_s.argv[0], run_name="__main__", alter_sys=True)
"""


def _site_packages() -> list:
    return [p for p in dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib")) if os.path.isdir(p)]


def _masks(site: str) -> tuple:
    """Entries of site-packages through which the kernel could import the course: (files, folders)."""
    files, folders = [], []
    for name in sorted(os.listdir(site)):
        path = os.path.join(site, name)
        stem = name.split("-")[0].split(".")[0]
        if stem in COURSE_PACKAGES:
            (folders if os.path.isdir(path) else files).append(path)
        elif name.startswith("__editable__") or name.endswith((".egg-link", ".pth")) and \
                any(p in open(path, errors="replace").read() for p in ("__editable__", *COURSE_PACKAGES, "/work")):
            files.append(path)
        elif name.startswith("nn_from_scratch") and os.path.isdir(path):
            folders.append(path)  # the course's own metadata (it lists its source files)
    return files, folders


class SandboxedKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose kernel runs inside bubblewrap (see the module's docstring)."""

    memory_mb = Integer(3072, help="address-space limit of the kernel (MNIST in float64 is 376 MB)").tag(config=True)
    cpu_seconds = Integer(600, help="CPU-time limit of the kernel").tag(config=True)
    nproc = Integer(128, help="processes and threads (ipykernel itself uses about ten)").tag(config=True)
    fsize_mb = Integer(256, help="largest file the kernel may write").tag(config=True)
    max_written_mb = Integer(512, help="the kernel's own folder, in its memory").tag(config=True)
    max_seconds = Integer(900, help="the kernel's sandbox is killed after this long, whatever it does "
                                    "(an uninterruptible cell would otherwise hold autograde)").tag(config=True)

    def __init__(self, **kwargs):
        kwargs["transport"] = "ipc"
        super().__init__(**kwargs)
        self._private = None
        self._uid = iso.sandbox_uid()
        self._group = None
        self._timer = None

    @property
    def kernel_spec(self):
        spec = super().kernel_spec
        if spec is not None:
            spec.interrupt_mode = "message"  # SIGINT would stop at bwrap, the PID namespace's first process
        return spec

    async def _async_pre_start_kernel(self, **kw):
        if self._private is None:
            self._private = Path(tempfile.mkdtemp(prefix="autograder-kernel-"))
            os.chmod(self._private, 0o755)
            for name in ("sock", "empty", "mpl"):
                (self._private / name).mkdir()
            (self._private / "empty.txt").touch()
            # The kernel works in a folder of its own memory (sized): nothing of the course's folder, and
            # nothing it writes, reaches the disk. The only host folder it may write is the socket folder.
            self._seed_matplotlib_cache()
            if os.getuid() == 0:
                for name in ("sock",):
                    for root, dirs, files in os.walk(self._private / name):
                        for p in [root] + [os.path.join(root, f) for f in dirs + files]:
                            os.lchown(p, self._uid, self._uid)
        self.ip = str(self._private / "sock" / "kernel")
        self.connection_file = str(self._private / "kernel.json")
        result = await super()._async_pre_start_kernel(**kw)
        if os.getuid() == 0:  # the kernel's own user must read the connection file (it holds the key)
            os.chown(self.connection_file, self._uid, self._uid)
        return result

    def _seed_matplotlib_cache(self):
        """A copy of this machine's matplotlib font cache, so the kernel does not rebuild it at each start."""
        try:
            import matplotlib
            cache = Path(matplotlib.get_cachedir())
            for font_list in cache.glob("fontlist-*.json"):
                shutil.copy(font_list, self._private / "mpl")
        except Exception:  # no cache yet: matplotlib builds one in the sandbox, a little more slowly
            pass

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        if cmd[1:3] != ["-m", "ipykernel_launcher"]:
            raise RuntimeError(f"the sandboxed kernel runs ipykernel only, not {cmd[:3]}")
        return self._prefix() + cmd[1:]

    def _prefix(self) -> list:
        exe, runtime, hide = iso.python_runtime()
        site = _site_packages()
        stub = self._private / "autograder_init.py"
        stub.write_text('"""The learners\' package alone, as the sandboxed kernel sees it."""\n'
                        "from .learner import *  # noqa: F401,F403\n"
                        "from .learner import __all__  # noqa: F401\n")
        binds = {LEARNER: f"{iso.LIB}/autograder/learner", DATA: f"{iso.LIB}/mnist_data",
                 stub: f"{iso.LIB}/autograder/__init__.py", self.connection_file: self.connection_file,
                 self._private / "mpl": "/opt/mplcache"}
        masks = []
        for path in site:
            binds[path] = path
            files, folders = _masks(path)
            masks += [(self._private / "empty.txt", f) for f in files]
            masks += [(self._private / "empty", d) for d in folders]
        args = iso.bwrap_args(binds, None, writable_at=SCRATCH, cwd="/", scratch_mb=self.max_written_mb,
                              unprivileged_caller=os.getuid() != 0, masks=tuple(masks),
                              more_writable={self._private / "sock": str(self._private / "sock")})
        env = {"HOME": SCRATCH, "TMPDIR": SCRATCH, "PATH": "/nonexistent", "LANG": "C.UTF-8",
               "MPLCONFIGDIR": f"{SCRATCH}/.mpl", "MPLBACKEND": "module://matplotlib_inline.backend_inline",
               "PYTHONPATH": os.pathsep.join([iso.LIB] + site), "PYTHONNOUSERSITE": "1",
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
               "PYDEVD_DISABLE_FILE_VALIDATION": "1", "IPYTHONDIR": f"{SCRATCH}/.ipython",
               "NBGRADER_EXECUTION": os.environ.get("NBGRADER_EXECUTION", "")}
        for key, value in env.items():
            args += ["--setenv", key, value]
        args += ["--unsetenv", "JPY_PARENT_PID"]
        nproc = iso.nproc_limit(self.nproc)
        limits = f"{self.memory_mb << 20},{self.cpu_seconds},{self.fsize_mb << 20},{nproc},{self._uid}"
        return args + [exe, "-c", BOOT, limits, "--"]

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        kw["env"] = {"PATH": "/nonexistent", "LANG": "C.UTF-8"}
        kw["cwd"] = str(self._private)
        kw["start_new_session"] = True
        if iso.Cgroup.usable():
            self._group = iso.Cgroup(self.memory_mb + self.max_written_mb, self.nproc)
            kw["preexec_fn"] = self._group.enter
        if self.max_seconds:
            self._timer = threading.Timer(self.max_seconds, self.kill_sandbox)
            self._timer.daemon = True
            self._timer.start()
        kw["stdout"] = subprocess.DEVNULL  # ipykernel's banner; its errors go to a log for the instructor
        kw["stderr"] = open(self._private / "kernel.log", "ab")
        await super()._async_launch_kernel(kernel_cmd, **kw)
        threading.Thread(target=self._watch_disk, args=(self._private,), daemon=True).start()

    def _watch_disk(self, private):
        """Kill the sandbox if it fills the one host folder it may write (its sockets' folder) or the disk
        under it shrinks by more than ``max_written_mb`` (files written and deleted but kept open do not show
        in a folder's listing, but do in the disk's free space)."""
        from .sandbox import _folder_bytes
        sock = private / "sock"
        limit = self.max_written_mb << 20
        try:
            free_at_start = shutil.disk_usage(sock).free
        except OSError:
            return
        while self._private == private and sock.exists():  # until cleanup
            try:
                shrunk = free_at_start - shutil.disk_usage(sock).free
            except OSError:
                return
            if _folder_bytes(sock, limit) > limit or shrunk > 4 * limit:
                self.kill_sandbox()
                return
            threading.Event().wait(0.5)

    def kill_sandbox(self):
        """SIGKILL the whole sandbox now: bwrap, its PID namespace, and everything of its user."""
        proc = getattr(getattr(self, "provisioner", None), "process", None)
        if proc is not None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self._group is not None:
            self._group.kill_all()
        iso.reap_user(self._uid)

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not restart and self._private is not None:
            self.kill_sandbox()
            if self._group is not None:
                self._group.remove()
                self._group = None
            shutil.rmtree(self._private, ignore_errors=True)
            self._private = None

    cleanup_resources = _async_cleanup_resources


def kernel_available() -> bool:
    """Can learner kernels run sandboxed here? (They need the same bubblewrap as the grader.)"""
    return iso.isolation().kind == "bwrap" and sys.platform.startswith("linux")


_lock = threading.Lock()
