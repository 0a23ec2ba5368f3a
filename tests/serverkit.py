"""Real servers and real users for the class-beyond-one-machine tests: a throwaway PostgreSQL cluster, Unix
users made for a test and removed after it, and a Python those users can run.

In CI (``CI=1``) a part that cannot be had here fails the test; elsewhere it skips it, saying why.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

CI = bool(os.environ.get("CI"))


def unavailable(reason: str):
    """Fail in CI, skip elsewhere."""
    if CI:
        pytest.fail(f"{reason} (CI=1: this test must run here)")
    pytest.skip(reason)


def run(cmd, **kwargs):
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    kwargs.setdefault("timeout", 300)
    return subprocess.run(cmd, **kwargs)


def world_folder(prefix: str) -> Path:
    """A new folder in /tmp every user can enter (pytest's own temporary folders are private to root)."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    path.chmod(0o755)
    return path


# ---- PostgreSQL ----------------------------------------------------------------------------------------

def postgres_bindir() -> Path | None:
    """Debian's /usr/lib/postgresql/<version>/bin (the newest), or where pg_config says."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[4]) if Path(p).parts[4].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    if shutil.which("pg_config"):
        done = run(["pg_config", "--bindir"])
        if done.returncode == 0 and Path(done.stdout.strip(), "initdb").exists():
            return Path(done.stdout.strip())
    if shutil.which("initdb") and shutil.which("pg_ctl"):
        return Path(shutil.which("initdb")).parent
    return None


class Postgres:
    """A running throwaway cluster: Unix socket only, trust authentication, superuser ``postgres``."""

    def __init__(self, socket_dir: Path, port: int):
        self.socket_dir, self.port = socket_dir, port

    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy URL, with psycopg (v3) as the driver."""
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}&port={self.port}"

    def create_database(self, name: str) -> str:
        import sqlalchemy as sa
        engine = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as c:
                c.execute(sa.text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return self.url(name)


@contextmanager
def postgres_cluster():
    """initdb + pg_ctl in a new folder, as the ``postgres`` user when running as root; stopped and removed
    at the end."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        unavailable("psycopg is not installed (pip install -e \".[dev]\" brings psycopg[binary])")
    bindir = postgres_bindir()
    if bindir is None:
        unavailable("PostgreSQL is not installed (Debian: apt-get install postgresql; .ci/run does it)")
    base = world_folder("nnfs-pg-")
    prefix = []
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            unavailable("running as root, and there is no 'postgres' user to run the server as")
        shutil.chown(base, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    port = 5432
    data, log = base / "data", base / "server.log"
    started = False
    try:
        done = run(prefix + [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                             "--no-sync", "--locale=C"])
        if done.returncode != 0:
            unavailable(f"initdb failed: {done.stderr[-500:] or done.stdout[-500:]}")
        options = f"-k {base} -p {port} -c listen_addresses='' -c fsync=off -c max_connections=50"
        done = run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "120",
                             "start"])
        if done.returncode != 0:
            text = log.read_text(errors="replace")[-1000:] if log.exists() else ""
            unavailable(f"PostgreSQL did not start: {done.stderr[-500:]} {text}")
        started = True
        yield Postgres(base, port)
    finally:
        if started:
            run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])
        shutil.rmtree(base, ignore_errors=True)


# ---- Unix users ----------------------------------------------------------------------------------------

class Users:
    """Unix users made for one test (``useradd``, each with a home folder), removed at the end."""

    def __init__(self):
        self.tag = uuid.uuid4().hex[:5]
        self.made: dict[str, str] = {}

    def add(self, role: str) -> str:
        """A new user for ``role`` (e.g. "instructor", "alice"); returns the Unix name."""
        name = f"nn{self.tag}{role}"[:32]
        done = run(["useradd", "--create-home", "--shell", "/bin/sh", "--user-group", name])
        if done.returncode != 0:
            unavailable(f"useradd {name} failed: {done.stderr.strip()}")
        self.made[role] = name
        return name

    def home(self, role: str) -> Path:
        return Path(pwd.getpwnam(self.made[role]).pw_dir)

    def remove(self):
        for name in self.made.values():
            # processes this test started as its own users (a kernel left behind, say): ended one by one
            uid = pwd.getpwnam(name).pw_uid
            for pid in run(["pgrep", "-u", str(uid)]).stdout.split():
                try:
                    os.kill(int(pid), 9)
                except (ProcessLookupError, ValueError):
                    pass
            run(["userdel", "--remove", name])
        self.made.clear()


@contextmanager
def unix_users():
    if os.geteuid() != 0:
        unavailable("making Unix users needs root (useradd)")
    if not (shutil.which("useradd") and shutil.which("runuser")):
        unavailable("useradd and runuser are needed (Debian: passwd, util-linux)")
    users = Users()
    try:
        yield users
    finally:
        users.remove()


def as_user(name: str, cmd: list, env: dict, cwd: Path | str, timeout: int = 900, python=None):
    """Run ``cmd`` as the Unix user ``name`` with exactly ``env`` (plus HOME, USER, LOGNAME of that user),
    through ``python`` (a SharedPython) when this environment's interpreter needs a view to be reachable."""
    home = pwd.getpwnam(name).pw_dir
    full = {**env, "HOME": home, "USER": name, "LOGNAME": name}
    args = ["runuser", "-u", name, "--", "env", "-i"] + [f"{k}={v}" for k, v in full.items()] + list(cmd)
    return run((python.prefix if python else []) + args, cwd=str(cwd), timeout=timeout)


# ---- this environment's Python, for other users ---------------------------------------------------------

def _blocked(path: str) -> Path | None:
    """The first folder above (or at) ``path`` that other users cannot enter, or None."""
    p = Path(path)
    for part in reversed([p, *p.parents]):
        if part.is_dir() and not part.stat().st_mode & 0o001:
            return part
    return None


class SharedPython:
    """This environment's own interpreter and packages, for users other than root.

    When every user can already reach them, nothing is needed. When the interpreter lives in a folder
    others cannot enter (pyenv under /root, say), each command runs in a private mount namespace
    (``unshare --mount``) where that folder is replaced by a view holding only the interpreter's
    installation, read-only: the same Python, and nothing else of the folder, for those users.
    """

    def __init__(self, scratch: Path):
        self.bin = Path(sys.executable).parent
        self.prefix: list[str] = []
        base = os.path.realpath(sys.base_prefix)
        for needed in (os.path.realpath(sys.executable), sysconfig.get_paths()["purelib"], sys.prefix):
            if _blocked(needed) and not needed.startswith(base + "/") and needed != base:
                unavailable(f"{needed} is in a folder other users cannot enter")
        hidden = _blocked(base)
        if hidden is None:
            return
        if not shutil.which("unshare"):
            unavailable(f"this Python ({base}) is in {hidden}, which other users cannot enter, and there is no "
                        f"unshare to show it to them")
        view = scratch / "view"
        inside = view / Path(base).relative_to(hidden)
        inside.mkdir(parents=True)
        folder = inside
        while folder != view.parent:
            folder.chmod(0o755)
            folder = folder.parent
        script = 'mount --bind -o ro "$1" "$2" && mount --rbind "$3" "$4" && shift 4 && exec "$@"'
        self.prefix = ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh",
                       base, str(inside), str(view), str(hidden)]
        done = run(self.prefix + ["true"])
        if done.returncode != 0:
            unavailable(f"cannot make a mount namespace to show {base} to other users: {done.stderr.strip()}")
