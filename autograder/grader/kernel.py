"""The learner's Jupyter kernel inside bubblewrap, for nbgrader's autograde (instructors' side).

``SandboxedKernelManager`` is jupyter_client's ``AsyncKernelManager`` with ipykernel started in the same
kind of sandbox as the grader's child (``autograder.grader.isolation``): its own unprivileged user, no
network, its own PID namespace, limits on memory, CPU time, processes and file sizes, and a file system
of the Python runtime, the environment's packages (the course's own masked), the learners' package and
MNIST, all read-only. It may write in one place only, a private in-memory folder, sized (and, started by
root, capped in files), which also holds its ZeroMQ sockets ("ipc" transport). nbgrader reaches them
through ``/proc/<pid>/root``: no folder of the host is writable from inside. Interrupts go as messages
(bwrap does not pass SIGINT on).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sysconfig
import tempfile
import threading
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Integer

from . import isolation as iso

PACKAGE = Path(__file__).resolve().parent.parent  # autograder/: its learners' side and its own __init__
SCRATCH = "/scratch"
SOCKETS = f"{SCRATCH}/.ipc/kernel"  # inside the sandbox
COURSE_PACKAGES = ("autograder", "solutions", "mnist_data")

# Runs first in the kernel's process: limits; started by root, the folder's file cap and its own user;
# then ipykernel, as `python -m` would.
BOOT = r"""
import os as _o, resource as _r, sys as _s
_as, _cpu, _fs, _np, _uid, _mb, _files = map(int, _s.argv[1].split(","))
for _k, _v in ((_r.RLIMIT_AS, _as), (_r.RLIMIT_FSIZE, _fs), (_r.RLIMIT_NPROC, _np), (_r.RLIMIT_CORE, 0)):
    _r.setrlimit(_k, (_v, _v))
_r.setrlimit(_r.RLIMIT_CPU, (_cpu, _cpu + 1))
if _o.getuid() == 0:  # MS_REMOUNT | MS_NOSUID | MS_NODEV
    import ctypes
    if ctypes.CDLL(None).mount(b"tmpfs", b"/scratch", b"tmpfs", 38, b"size=%dm,nr_inodes=%d" % (_mb, _files)):
        raise SystemExit("the kernel's folder could not be capped")
    _o.setgroups([]); _o.setgid(_uid); _o.setuid(_uid)
for _d in ("/scratch/.ipc", "/scratch/.mpl"):
    _o.makedirs(_d, exist_ok=True)
for _f in _o.listdir("/opt/mplcache"):  # the host's font cache: matplotlib need not rebuild it
    with open("/opt/mplcache/" + _f, "rb") as _i, open("/scratch/.mpl/" + _f, "wb") as _w:
        _w.write(_i.read())
_o.chdir("/scratch")
import runpy as _rp
_s.argv = _s.argv[4:]  # after -c: LIMITS -- -m MODULE ARGS...
del _o, _r, _as, _cpu, _fs, _np, _uid, _mb, _files, _k, _v, _d
_rp.run_module(_s.argv[0], run_name="__main__", alter_sys=True)
"""


def _masks(site: str) -> tuple:
    """Entries of site-packages through which the kernel could import the course: (files, folders)."""
    files, folders = [], []
    for name in sorted(os.listdir(site)):
        path, stem = os.path.join(site, name), name.split("-")[0].split(".")[0]
        if stem in COURSE_PACKAGES or name.startswith("nn_from_scratch") and os.path.isdir(path):
            (folders if os.path.isdir(path) else files).append(path)  # (the course's own metadata lists files)
        elif name.startswith("__editable__") or name.endswith((".egg-link", ".pth")) and \
                any(p in open(path, errors="replace").read() for p in ("__editable__", *COURSE_PACKAGES, "/work")):
            files.append(path)
    return files, folders


class SandboxedKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose kernel runs inside bubblewrap (see the module's docstring)."""

    memory_mb = Integer(3072, help="address-space limit of the kernel (MNIST in float64 is 376 MB)").tag(config=True)
    cpu_seconds = Integer(600, help="CPU-time limit of the kernel").tag(config=True)
    nproc = Integer(128, help="processes and threads (ipykernel itself uses about ten)").tag(config=True)
    fsize_mb = Integer(256, help="largest file the kernel may write").tag(config=True)
    max_written_mb = Integer(512, help="the kernel's own folder, in its memory").tag(config=True)
    max_files = Integer(20_000, help="files and folders in the kernel's own folder (started by root)").tag(config=True)
    max_seconds = Integer(900, help="the kernel's sandbox is killed after this long, whatever it does "
                                    "(an uninterruptible cell would otherwise hold autograde)").tag(config=True)

    def __init__(self, **kwargs):
        kwargs["transport"] = "ipc"
        super().__init__(**kwargs)
        self._private, self._uid, self._group, self._timer, self._info = None, iso.sandbox_uid(), None, None, None

    @property
    def kernel_spec(self):
        spec = super().kernel_spec
        if spec is not None:
            spec.interrupt_mode = "message"  # SIGINT would stop at bwrap, the PID namespace's first process
        return spec

    async def _async_pre_start_kernel(self, **kw):
        if self._private is None:  # read-only for the kernel: its connection file, the font cache, masks
            self._private = Path(tempfile.mkdtemp(prefix="autograder-kernel-"))
            for name in ("empty", "mpl"):
                (self._private / name).mkdir()
            (self._private / "empty.txt").touch()
            try:  # this machine's matplotlib font cache, so the kernel does not rebuild it at each start
                import matplotlib
                for font_list in Path(matplotlib.get_cachedir()).glob("fontlist-*.json"):
                    shutil.copy(font_list, self._private / "mpl")
            except Exception:  # no cache yet: matplotlib builds one in the sandbox, a little more slowly
                pass
        self._info = os.pipe()  # bwrap writes the sandbox's first process id there (--info-fd)
        self.ip, self.connection_file = SOCKETS, str(self._private / "kernel.json")
        result = await super()._async_pre_start_kernel(**kw)
        if os.getuid() == 0:  # the kernel's own user must read the connection file (it holds the key)
            os.chown(self.connection_file, self._uid, self._uid)
        return result

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        if cmd[1:3] != ["-m", "ipykernel_launcher"]:
            raise RuntimeError(f"the sandboxed kernel runs ipykernel only, not {cmd[:3]}")
        site = [p for p in dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib")) if os.path.isdir(p)]
        ro = [(PACKAGE / "learner", f"{iso.LIB}/autograder/learner"), (PACKAGE / "__init__.py",
              f"{iso.LIB}/autograder/__init__.py"), (PACKAGE.parent / "mnist_data", f"{iso.LIB}/mnist_data"),
              (self.connection_file, self.connection_file), (self._private / "mpl", "/opt/mplcache")]
        for path in site:
            files, folders = _masks(path)
            ro += [(path, path)] + [(self._private / "empty.txt", f) for f in files] + \
                [(self._private / "empty", d) for d in folders]
        args = iso.bwrap_args(ro, scratch=(SCRATCH, self.max_written_mb)) + ["--info-fd", str(self._info[1])]
        env = {"HOME": SCRATCH, "TMPDIR": SCRATCH, "PATH": "/nonexistent", "LANG": "C.UTF-8",
               "MPLCONFIGDIR": f"{SCRATCH}/.mpl", "MPLBACKEND": "module://matplotlib_inline.backend_inline",
               "PYTHONPATH": os.pathsep.join([iso.LIB] + site), "PYTHONNOUSERSITE": "1",
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
               "PYDEVD_DISABLE_FILE_VALIDATION": "1", "IPYTHONDIR": f"{SCRATCH}/.ipython",
               "NBGRADER_EXECUTION": os.environ.get("NBGRADER_EXECUTION", "")}
        args += [a for key, value in env.items() for a in ("--setenv", key, value)] + ["--unsetenv", "JPY_PARENT_PID"]
        limits = (f"{self.memory_mb << 20},{self.cpu_seconds},{self.fsize_mb << 20},{iso.nproc_limit(self.nproc)},"
                  f"{self._uid},{self.max_written_mb},{self.max_files}")
        return args + [iso.python_runtime()[0], "-c", BOOT, limits, "--"] + cmd[1:]

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        if iso.Cgroup.usable():
            self._group = iso.Cgroup(self.memory_mb + self.max_written_mb, self.nproc)
            kw["preexec_fn"] = self._group.enter
        if self.max_seconds:
            self._timer = threading.Timer(self.max_seconds, self.kill_sandbox)
            self._timer.daemon = True
            self._timer.start()
        kw.update(env={"PATH": "/nonexistent", "LANG": "C.UTF-8"}, cwd=str(self._private), start_new_session=True,
                  stdout=subprocess.DEVNULL, stderr=open(self._private / "kernel.log", "ab"),
                  pass_fds=(self._info[1],))  # ipykernel's banner to nothing, its errors to a log
        try:
            await super()._async_launch_kernel(kernel_cmd, **kw)
        finally:
            os.close(self._info[1])
        info = b""
        while chunk := os.read(self._info[0], 4096):
            info += chunk
        os.close(self._info[0])
        try:  # the kernel's sockets, seen from here through the sandbox's own root
            self.ip = f"/proc/{json.loads(info)['child-pid']}/root{SOCKETS}"
        except (ValueError, KeyError):  # bwrap failed: the kernel never starts, and nbclient says so
            pass

    def kill_sandbox(self):
        """SIGKILL the whole sandbox now: bwrap, and with it its PID namespace and everything in it."""
        proc = getattr(getattr(self, "provisioner", None), "process", None)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (AttributeError, ProcessLookupError, PermissionError):
            pass

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
    return iso.isolation().kind == "bwrap"
