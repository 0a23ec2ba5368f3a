"""Every benchmark the README's Speed section shows runs: each with ``--smoke``, the same code on the
smallest inputs, once. Its figures mean nothing (timings belong to benchmarks, never to tests); what is
proved is that the command a reader types does not fail on a fresh checkout."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import readme  # noqa: E402

BENCHMARKS = sorted(p.name for p in (readme.ROOT / "benchmarks").glob("bench_*.py"))
# Run by another test instead of here: it builds a JupyterLite site and drives Chromium for minutes.
ELSEWHERE = {"bench_lite.py": "tests/author/test_lite.py builds the same site and takes it to a first verdict"}


def test_every_benchmark_the_readme_names_exists_and_every_one_is_named():
    named = set(re.findall(r"benchmarks/(bench_\w+\.py)", readme.text()))
    assert named - set(BENCHMARKS) == set(), "the README names a benchmark that does not exist"
    assert set(BENCHMARKS) - named == set(), "a benchmark the README does not name (and no figure reports)"


@pytest.mark.parametrize("name", [b for b in BENCHMARKS if b not in ELSEWHERE])
def test_the_benchmark_runs(name, tmp_path):
    done = subprocess.run([sys.executable, f"benchmarks/{name}", "--smoke"], cwd=readme.ROOT, capture_output=True,
                          text=True, timeout=1200, env=dict(os.environ, PYTHONPATH=str(readme.ROOT)))
    out = done.stdout + done.stderr
    assert done.returncode == 0, f"{name} --smoke exited {done.returncode}:\n{out[-3000:]}"
    assert "Traceback" not in out and "FAILED" not in done.stdout, out[-3000:]
    assert len([line for line in done.stdout.splitlines() if line.strip()]) >= 2, done.stdout
