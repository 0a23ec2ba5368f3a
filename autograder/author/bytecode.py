"""Compile the Python files of wheels and of a standard-library zip to bytecode, for Pyodide.

    python3.12 bytecode.py FILE...      (each a .whl or a .zip, rewritten in place)

Pyodide imports what it is given: a wheel of .py files is compiled to bytecode in the browser, every
time a page starts, and that is most of what ``import matplotlib.pyplot`` costs there. Pyodide's own
``pyodide py-compile`` replaces the sources by .pyc files, which loses the source lines in tracebacks.
Here each module keeps its source and gets an *unchecked hash-based* .pyc (PEP 552) beside it: in
``__pycache__`` for a wheel, next to the module in a zip (where zipimport looks for it). Python loads
the bytecode without comparing it with the source (the wheel's files get new modification times when
Pyodide unpacks them, so a timestamp-based .pyc would always look stale), and a traceback still shows
the source.

The bytecode is only valid for the Python version that made it: run this with the same ``X.Y`` as the
Pyodide it is for (``autograder.author.lite`` does). Standard library only, so any such interpreter can
run it.
"""
import base64
import hashlib
import importlib.util
import marshal
import os
import sys
import zipfile

SITE = "/lib/python{0}.{1}/site-packages"  # where Pyodide installs a wheel: the code objects' file names
STDLIB = "/lib/python{0}{1}.zip"


def pyc(source, filename):
    """An unchecked hash-based .pyc of ``source`` (bytes); None if it does not compile (left as a source)."""
    try:
        code = compile(source, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return None
    flags = 0b01  # hash-based, unchecked: never compared with the source
    return (importlib.util.MAGIC_NUMBER + flags.to_bytes(4, "little") + importlib.util.source_hash(source)
            + marshal.dumps(code))


def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}\n"


def compile_archive(path):
    """Rewrite the wheel or zip at ``path`` with a .pyc beside each module; return how many were added."""
    wheel = path.endswith(".whl")
    prefix = (SITE if wheel else STDLIB).format(*sys.version_info[:2])
    tmp = path + ".tmp"
    added = []
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        names = set(zin.namelist())
        record = next((n for n in names if n.endswith(".dist-info/RECORD")), None) if wheel else None
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename != record:
                zout.writestr(info, data)
            if not info.filename.endswith(".py"):
                continue
            folder, _, module = info.filename.rpartition("/")
            target = (f"{folder}/__pycache__/" if folder else "__pycache__/") + \
                f"{module[:-3]}.{sys.implementation.cache_tag}.pyc" if wheel else info.filename + "c"
            code = pyc(data, f"{prefix}/{info.filename}")
            if code is not None and target not in names:
                zout.writestr(target, code)
                added.append((target, code))
        if record:
            text = zin.read(record).decode()
            zout.writestr(record, text + "".join(record_line(name, code) for name, code in added))
    os.replace(tmp, path)
    return len(added)


if __name__ == "__main__":
    total = sum(compile_archive(path) for path in sys.argv[1:])
    print(f"{total} modules compiled in {len(sys.argv) - 1} archives")
