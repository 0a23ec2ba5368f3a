"""The learner's Jupyter kernel inside bubblewrap, for nbgrader's autograde (instructors' side).

ipykernel in a sandbox like the grader's child's (``isolation``), seeing read-only the runtime, the
environment's packages (the course's own masked), the learners' package and MNIST; it writes only in its own
in-memory folder (sized; started by root, capped in files too), which holds its ZeroMQ sockets, reached
through ``/proc/<pid>/root``. Interrupts go as messages. For speed, a kernel serves one notebook and is then
killed at once, is ready once it has answered, and imports NumPy, matplotlib and the course's packages before
ipykernel starts.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sysconfig
import tempfile
import threading
import time
from pathlib import Path
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager, in_pending_state
from traitlets import DottedObjectName, Integer, Type

from . import isolation as iso

SCRATCH = "/scratch"
SOCKETS = f"{SCRATCH}/.ipc/kernel"  # inside the sandbox
COURSE_PACKAGES = ("autograder", "solutions", "mnist_data")

# Runs first in the kernel's process. Started by root, it caps its folder's files (a remount with
# MS_NOSUID | MS_NODEV) and becomes the sandbox's own user; then ipykernel runs, as `python -m` would.
BOOT = r"""
import os, runpy, sys
if os.getuid() == 0:
    import ctypes
    if ctypes.CDLL(None).mount(b"tmpfs", b"/scratch", b"tmpfs", 32 | 2 | 4, sys.argv[1].encode()):
        raise SystemExit("the kernel's folder could not be capped")
    os.setgroups([])
    os.setgid(int(sys.argv[2]))
    os.setuid(int(sys.argv[2]))
try:  # what every lesson imports first, done while the kernel waits for its notebook (grading runs no cell
    import numpy, matplotlib, autograder, mnist_data.loader  # that loads MNIST, unless told to run lessons)
except Exception:
    pass
sys.argv = sys.argv[5:]  # after -c: OPTIONS UID -- -m MODULE ARGS...
runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
"""


def _masks(site: str, private: Path) -> list:
    """Binds of an empty folder or file (``private``'s "empty", "empty.txt") over the entries of ``site``
    through which the kernel could import the course: its packages and metadata, editable installs' hooks."""
    masks, hooks = [], ("__editable__", *COURSE_PACKAGES, "/work")
    for name in sorted(os.listdir(site)):
        path, stem = os.path.join(site, name), name.split("-")[0].split(".")[0]
        if stem in COURSE_PACKAGES or name.startswith("nn_from_scratch") and os.path.isdir(path) or \
                name.startswith("__editable__") or name.endswith((".egg-link", ".pth")) and \
                any(p in open(path, errors="replace").read() for p in hooks):
            masks.append((private / ("empty" if os.path.isdir(path) else "empty.txt"), path))
    return masks


class SandboxedKernelClient(AsyncKernelClient):
    """jupyter_client's client, less its 0.2 s wait for silence on IOPub: the kernel is ready once it has
    answered kernel_info and IOPub is connected (its status message came). What is left on IOPub answers
    the start-up's kernel_info requests, and nbclient reads only its own requests' messages."""

    async def wait_for_ready(self, timeout=None):
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while time.monotonic() < deadline:
            self.kernel_info()  # sent again each second: a SUB socket misses what came before it connected
            with contextlib.suppress(Empty):
                reply = await self.shell_channel.get_msg(timeout=1)  # (only kernel_info replies come now)
                await self.iopub_channel.get_msg(timeout=0.2)
                return self._handle_kernel_info_reply(reply)
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
        raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")


class SandboxedKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose kernel runs inside bubblewrap (see the module's docstring)."""

    client_class = DottedObjectName("autograder.grader.kernel.SandboxedKernelClient")
    client_factory = Type(SandboxedKernelClient, klass=AsyncKernelClient)

    memory_mb = Integer(3072, help="the kernel's address space (MNIST in float64 is 376 MB)").tag(config=True)
    cpu_seconds = Integer(600, help="CPU-time limit of the kernel").tag(config=True)
    nproc = Integer(128, help="processes and threads (ipykernel itself uses about ten)").tag(config=True)
    fsize_mb = Integer(256, help="largest file the kernel may write").tag(config=True)
    max_written_mb = Integer(512, help="the kernel's own folder, in its memory").tag(config=True)
    max_files = Integer(20_000, help="files in the kernel's own folder (started by root)").tag(config=True)
    max_seconds = Integer(900, help="the kernel's sandbox is killed after this long, whatever it does (an "
                                    "uninterruptible cell would otherwise hold autograde)").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**{**kwargs, "transport": "ipc"})
        self._private, self._uid, self._remove, self._timer = None, iso.sandbox_uid(), None, None

    async def _async_pre_start_kernel(self, **kw):
        if self._private is None:  # what the kernel reads from the host: its connection file, masks, fonts
            self._private = Path(tempfile.mkdtemp(prefix="autograder-kernel-"))
            (self._private / "empty").mkdir()
            (self._private / "empty.txt").touch()
        self._info = os.pipe()  # bwrap writes the sandbox's first process id there (--info-fd)
        self.kernel_spec.interrupt_mode = "message"  # SIGINT would stop at bwrap (PID 1 inside)
        self.ip, self.connection_file = SOCKETS, str(self._private / "kernel.json")
        result = await super()._async_pre_start_kernel(**kw)
        if os.getuid() == 0:  # the kernel's own user must read the connection file (it holds the key)
            os.chown(self.connection_file, self._uid, self._uid)
        return result

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        if cmd[1:3] != ["-m", "ipykernel_launcher"]:
            raise RuntimeError(f"the sandboxed kernel runs ipykernel only, not {cmd[:3]}")
        site = [*filter(os.path.isdir, dict.fromkeys(sysconfig.get_path(k) for k in ("purelib", "platlib")))]
        ro = [*iso.LEARNERS, (iso.PACKAGE.parent / "mnist_data", f"{iso.LIB}/mnist_data"),
              (self.connection_file, self.connection_file)]
        ro += [bind for path in site for bind in [(path, path), *_masks(path, self._private)]]
        late = [a for d in (".ipc", ".mpl") for a in ("--perms", "1777", "--dir", f"{SCRATCH}/{d}")]
        with contextlib.suppress(ImportError):  # this machine's matplotlib font cache, read-only: not rebuilt
            import matplotlib
            late += [a for f in Path(matplotlib.get_cachedir()).glob("fontlist-*.json")
                     for a in ("--ro-bind", str(f), f"{SCRATCH}/.mpl/{f.name}")]
        args = iso.bwrap_args(ro, scratch=(SCRATCH, self.max_written_mb), late=late, cwd=SCRATCH)
        env = {**iso.ENV, "HOME": SCRATCH, "TMPDIR": SCRATCH, "MPLCONFIGDIR": f"{SCRATCH}/.mpl",
               "IPYTHONDIR": f"{SCRATCH}/.ipython", "MPLBACKEND": "module://matplotlib_inline.backend_inline",
               "PYTHONPATH": os.pathsep.join([iso.LIB] + site), "PYDEVD_DISABLE_FILE_VALIDATION": "1",
               "PYTHONNOUSERSITE": "1", "NBGRADER_EXECUTION": os.environ.get("NBGRADER_EXECUTION", "")}
        args += [a for key, value in env.items() for a in ("--setenv", key, value)]
        options = f"size={self.max_written_mb}m,nr_inodes={self.max_files}"
        return args + ["--unsetenv", "JPY_PARENT_PID", "--info-fd", str(self._info[1]),
                       iso.python_runtime()[0], "-c", BOOT, options, str(self._uid), "--"] + cmd[1:]

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        kw["preexec_fn"], self._remove = iso.prepare(self.memory_mb + self.max_written_mb, self.cpu_seconds,
                                                    self.nproc, self.fsize_mb)
        self.start_clock()
        kw.update(env=dict(iso.ENV), cwd=str(self._private), start_new_session=True, pass_fds=self._info[1:],
                  stdout=subprocess.DEVNULL, stderr=open(self._private / "kernel.log", "ab"))  # errors: a log
        try:
            await super()._async_launch_kernel(kernel_cmd, **kw)
        finally:
            os.close(self._info[1])
        # Its sockets, through the sandbox's own root (if bwrap failed, no kernel starts: nbclient says so)
        with os.fdopen(self._info[0], "rb") as info, contextlib.suppress(ValueError, KeyError):
            self.ip = f"/proc/{json.load(info)['child-pid']}/root{SOCKETS}"

    def start_clock(self):
        """(Re)start ``max_seconds``: at launch, and again when a kernel started ahead gets its notebook."""
        if self._timer is not None:
            self._timer.cancel()
        if self.max_seconds:
            self._timer = threading.Timer(self.max_seconds, self.kill_sandbox)
            self._timer.daemon = True
            self._timer.start()

    def kill_sandbox(self):
        """SIGKILL the whole sandbox now: bwrap, and with it its PID namespace and everything in it."""
        with contextlib.suppress(AttributeError, ProcessLookupError, PermissionError):
            os.killpg(self.provisioner.process.pid, signal.SIGKILL)

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        if self._timer is not None:
            self._timer.cancel()
        if not restart and self._private is not None:
            self.kill_sandbox()
            if self._remove is not None:
                self._remove()
            shutil.rmtree(self._private, ignore_errors=True)
            self._private = self._remove = self._timer = None

    cleanup_resources = _async_cleanup_resources

    @in_pending_state
    async def _async_shutdown_kernel(self, now=False, restart=False):
        """The kernel served its one notebook: its sandbox is killed at once (SIGKILL ends bwrap's PID
        namespace and all in it), not asked to stop and then polled, every 0.1 s, until it has."""
        if restart or not self.owns_kernel:
            return await super()._async_shutdown_kernel(now=now, restart=restart)
        self.shutting_down = True
        self.stop_restarter()
        self.kill_sandbox()
        if self.has_kernel:  # killed, it is gone within milliseconds (the provisioner would poll every 0.1 s)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.provisioner.process.wait(5)
            await self.provisioner.wait()
        await self._async_cleanup_resources(restart=False)

    shutdown_kernel = _async_shutdown_kernel


def kernel_available() -> bool:
    """Can learner kernels run sandboxed here? (They need the same bubblewrap as the grader.)"""
    return iso.isolation().kind == "bwrap"
