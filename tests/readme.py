"""The README, read as a newcomer reads it: its sections, code blocks, tables and commands.

The recipe tests (``tests/recipes/``) take every command they run from here, so the README and the
tests cannot drift apart: change a command in the README and its test runs the new one. ``CLAIMS`` says,
for every command the README shows, which test runs it as written, or why none can on the machine the
course is tested on; ``tests/recipes/test_inventory.py`` fails on a command nobody claims.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

# Programs whose invocations count as commands a reader may type.
PROGRAMS = r"(python3?|pip|pytest|nbgrader|jupyter|docker|mkdir|apt-get|bash|OPENBLAS_NUM_THREADS=\d+|\. \.venv)"

# Every command the README shows -> the test that runs it exactly as written (a path under tests/), or
# "not run here: <why>". Patterns are matched against whole commands (re.fullmatch).
CLAIMS = {
    # Set up and run
    r"python3 -m venv \.venv && \. \.venv/bin/activate": "tests/recipes/test_setup.py",
    r"pip install -e \.": "tests/recipes/test_setup.py",
    r"python -m solutions\.train": "tests/recipes/test_setup.py",
    r"python -m solutions\.train --best": "tests/recipes/test_setup.py",
    r"jupyter lab lessons/": "tests/recipes/test_setup.py",
    r"jupyter lab --allow-root lessons/": "tests/recipes/test_setup.py",
    r'pip install -e "\.\[dev\]"': "tests/recipes/test_setup.py",
    r'pip install -e "\.\[instructor\]"': "tests/recipes/test_setup.py",
    r"pytest": "not run here: it is this test suite, which .ci/run runs",
    r"apt-get update|apt-get install --no-install-recommends": "not run here: .ci/run runs them when a Debian "
                                                               "package is missing",
    # Checks, progress, grading
    r"python -m autograder progress": "tests/learner/test_course.py",
    r"python -m autograder grade PATH \[--json\]": "tests/grader/test_grade_cli.py",
    r"python -m autograder grade submitted/alice": "tests/recipes/test_nbgrader_table.py",
    r"python -m autograder grade": "tests/grader/test_grade_cli.py",  # named in prose and in Speed's table
    r"pytest tests/grader/test_suites\.py": "not run here: a subset of this suite",
    r'pytest -m "not slow"': "not run here: the quick tier, a subset of this suite",
    r"python -m autograder mutants": "tests/grader/test_mutants.py",
    # Studying alone
    r"python -m autograder lite": "tests/author/test_lite.py",
    r"python -m autograder student-dist": "tests/author/test_wheel.py",
    r'pip install "dist/nn_from_scratch_student-[\d.]+-py3-none-any\.whl\[jupyter\]"': "tests/author/test_wheel.py",
    # Instructors
    r"nbgrader db student import roster\.csv": "tests/recipes/test_nbgrader_table.py",
    r"nbgrader generate_assignment( 01_one_hot)?": "tests/recipes/test_nbgrader_table.py",
    r"nbgrader (release_assignment|collect|release_feedback|fetch_assignment|submit|fetch_feedback)( 01_one_hot)?":
        "tests/grader/test_exchange.py",
    r"nbgrader export --exporter=autograder\.grader\.lms\.MoodleExport --to moodle\.csv":
        "tests/grader/test_lms_export.py",
    r"nbgrader export": "not a command: the prose names nbgrader's export, which the lines above run",
    r"nbgrader zip_collect 01_one_hot": "not run here: it needs an LMS download; nbgrader's own tests cover it",
    r"nbgrader autograde( 01_one_hot| LESSON)?": "tests/recipes/test_nbgrader_table.py",
    r"nbgrader generate_feedback 01_one_hot": "tests/recipes/test_nbgrader_table.py",
    r"nbgrader export --to grades\.csv": "tests/recipes/test_nbgrader_table.py",
    r'nbgrader db assignment add 01_one_hot --duedate="[^"]+"': "tests/recipes/test_nbgrader_table.py",
    r"nbgrader export --exporter=autograder\.grader\.lms\.CanvasExport --to canvas\.csv":
        "tests/recipes/test_nbgrader_table.py",
    r"python -m autograder nbgrader (release|autograde|feedback)": "tests/recipes/test_nbgrader_table.py",
    r"python -m autograder nbgrader export --to grades\.csv": "tests/recipes/test_nbgrader_table.py",
    r"python -m autograder report": "tests/recipes/test_nbgrader_table.py",
    r"python -m autograder report --grades grades/": "tests/recipes/test_nbgrader_table.py",
    r"mkdir -p grades && python -m autograder grade submitted/alice --json > grades/alice\.json":
        "tests/recipes/test_nbgrader_table.py",
    r"python -m autograder report --db postgresql(\+psycopg)?://\S+ --out \S+":
        "not run here as written: db.example.org is an example host; tests/grader/test_postgres.py runs the "
        "same command against a real PostgreSQL server",
    r"docker (build|run) .*": "not run here: no Docker engine runs on the machine the course is tested on; "
                              "tests/grader/test_attacks.py runs the same grader with bubblewrap directly",
    # Data, authors, speed
    r"python -m mnist_data fetch --kaggle \S+": "not run here: it needs Kaggle credentials and the internet; "
                                                "tests/course/test_mnist_data.py runs it against a stand-in API",
    r"python -m autograder build( --check)?": "tests/author/test_build.py",
    r"(OPENBLAS_NUM_THREADS=1 )?python benchmarks/bench_\w+\.py.*": "tests/recipes/test_benchmarks.py",
    r"OPENBLAS_NUM_THREADS=1": "not a command: an environment variable the Speed section names",
}


def text() -> str:
    return README.read_text(encoding="utf-8")


def section(title: str) -> str:
    """The section whose heading contains ``title``, up to the next heading of the same or a higher level."""
    lines = text().splitlines(keepends=True)
    for i, line in enumerate(lines):
        found = re.match(r"(#+) ", line)
        if found and title in line:
            level = len(found.group(1))
            end = next((j for j in range(i + 1, len(lines))
                        if re.match(r"#{1,%d} " % level, lines[j])), len(lines))
            return "".join(lines[i:end])
    raise AssertionError(f"the README has no section titled {title!r}")


def code_blocks(source: str, lang: str | None = None) -> list:
    """The fenced code blocks of ``source`` (of language ``lang``, if given)."""
    return [body for language, body in re.findall(r"```(\w*)\n(.*?)```", source, re.S)
            if lang is None or language == lang]


def block_commands(block: str) -> list:
    """The commands of a shell block: one a line, comments cut off (a `#` inside quotes is kept)."""
    commands = []
    for line in block.splitlines():
        quote, cut = None, len(line)
        for i, ch in enumerate(line):
            if quote:
                quote = None if ch == quote else quote
            elif ch in "'\"":
                quote = ch
            elif ch == "#" and (i == 0 or line[i - 1].isspace()):
                cut = i
                break
        line = line[:cut].strip()
        if line:
            commands.append(line)
    return commands


def code_spans(source: str) -> list:
    """Inline `code` of ``source``, outside fenced blocks."""
    return re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", source, flags=re.S))


@dataclass
class Row:
    cells: list

    def commands(self, column: int) -> list:
        return code_spans(self.cells[column]) if column < len(self.cells) else []


def table_after(marker: str) -> list:
    """The rows of the first Markdown table after the text ``marker`` (header and rule left out)."""
    body = text()
    start = body.index(marker)
    rows = []
    for line in body[start:].splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows.append(Row(cells))
        elif rows:
            break
    assert len(rows) > 2, f"no table after {marker!r}"
    return rows[2:]


def commands() -> list:
    """Every command the README shows a reader: shell block lines and inline code that starts a program."""
    found = []
    body = text()
    for block in code_blocks(body, "bash"):
        found += block_commands(block)
    found += [span for span in code_spans(body) if re.match(PROGRAMS + r"(\s|$)", span)]
    return list(dict.fromkeys(found))


def claim(command: str):
    """(pattern, claim) for a README command, or None when nothing claims it."""
    for pattern, by in CLAIMS.items():
        if re.fullmatch(pattern, command):
            return pattern, by
    return None


def fresh_copy(dest: Path) -> Path:
    """The repository as a fresh clone would have it: its files, none of what running things left behind.

    Tracked files and new files not ignored by .gitignore are copied from the working tree (so a change
    not yet committed is tested too); outside a git checkout, everything but the usual leftovers."""
    dest = Path(dest)
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True)
    if listed.returncode == 0:
        for name in filter(None, listed.stdout.decode().split("\0")):
            source = ROOT / name
            if source.is_file():
                target = dest / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
    else:
        shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info",
                                                                  "release", "submitted", "autograded",
                                                                  "feedback", "gradebook.db", "report", "results"))
    return dest
