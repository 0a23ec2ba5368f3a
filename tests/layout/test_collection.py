"""Every test file runs under plain ``pytest``, and nothing in the tree is named where tools skip it.

pytest skips folders matching ``norecursedirs`` (``build``, ``dist``, ``*.egg``, ``.*``, ``venv``, ...)
without a word: a folder of tests once called ``tests/build/`` never ran. These tests read pytest's own
setting, so a new folder with such a name fails here rather than going quietly unrun.
"""
import fnmatch
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Folder names that build tools, packagers and linters commonly skip or treat as their own output.
TOOL_SKIPPED = ("build", "dist", "*.egg", "*.egg-info", "venv", ".venv", "node_modules", "_build", "site-packages")


def test_no_test_folder_matches_pytests_norecursedirs(pytestconfig):
    patterns = pytestconfig.getini("norecursedirs")
    assert patterns, "pytest's norecursedirs could not be read"
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        for part in path.relative_to(ROOT).parts[:-1]:
            hit = [p for p in patterns if fnmatch.fnmatch(part, p)]
            assert not hit, f"{path.relative_to(ROOT)} is under {part!r}, which pytest skips ({hit[0]}): rename it"


def test_no_package_folder_is_named_where_tools_skip_it():
    for folder in ("autograder", "mnist_data", "solutions", "tests", "benchmarks"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_dir() and "__pycache__" not in path.parts:
                hit = [p for p in TOOL_SKIPPED if fnmatch.fnmatch(path.name, p)]
                assert not hit, f"{path.relative_to(ROOT)} has a name tools skip ({hit[0]}): rename it"


def test_collect_only_reaches_every_test_file():
    """What ``pytest --collect-only`` lists covers every ``tests/**/test_*.py`` file."""
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    collected = {line.split("::", 1)[0] for line in done.stdout.splitlines() if "::" in line}
    files = {str(p.relative_to(ROOT)) for p in (ROOT / "tests").rglob("test_*.py")}
    assert files - collected == set(), f"never collected: {sorted(files - collected)}"
