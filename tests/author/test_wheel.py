"""The learners' install holds no reference answers, and what it holds works on its own."""
import ast
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from autograder.author.wheel import build_student_wheel
from autograder.grader.reference import reference
from autograder.learner.course import load_course

GRADED_FUNCTIONS = load_course().functions
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    wheel = build_student_wheel(out)
    target = out / "unpacked"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(target)
    return target


def test_student_wheel_is_the_learners_package_whole_and_nothing_of_the_grader(unpacked):
    names = {p.relative_to(unpacked).as_posix() for p in unpacked.rglob("*") if p.is_file()
             and ".dist-info/" not in p.relative_to(unpacked).as_posix()}
    assert not any(n.startswith(("solutions/", "autograder/grader/", "autograder/author/")) for n in names)
    learner = {p.relative_to(ROOT).as_posix() for p in (ROOT / "autograder" / "learner").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert learner <= names  # every file of the learners' package, nothing left behind by a list
    assert {n for n in names if n.startswith("autograder/") and not n.startswith("autograder/learner/")} == \
        {"autograder/__init__.py", "autograder/__main__.py"}
    assert "mnist_data/train-images-idx3-ubyte.gz" in names and "autograder/learner/fixtures.npz" in names


@pytest.mark.parametrize("function", GRADED_FUNCTIONS)
def test_no_file_of_the_student_side_holds_a_reference_answer(unpacked, function):
    """No file defines the function, holds its reference body in code, or holds it whole in one string (a
    shown fix may name a line of it, as the check cell shows it after a wrong answer, never the whole)."""
    ref = reference()
    for path in unpacked.rglob("*.py"):
        text = path.read_text()
        assert not ref.appears_in(text, function), f"{path.name} holds the answer to {function}"
        tree = ast.parse(text)
        assert not any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == function
                       for n in ast.walk(tree)), f"{path.name} defines {function}"
        strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        assert not any(f"def {function}(" in s and ref.appears_in(s, function) for s in strings), \
            f"{path.name} holds the answer to {function} in a string"


def test_the_student_side_checks_work_on_their_own(unpacked):
    """With only the wheel and NumPy on the path (no repository, no editable install), a check runs
    and the reference cannot be imported."""
    site = sysconfig.get_paths()["purelib"]
    code = (f"import sys; sys.path[:0] = [{str(unpacked)!r}, {site!r}]\n"
            "import numpy as np\n"
            "from autograder import check\n"
            "def softmax(Z):\n    E = np.exp(Z - Z.max(axis=0, keepdims=True))\n    return E / E.sum(axis=0)\n"
            "print('PASSED', check(softmax).passed)\n"
            "try:\n    import solutions\nexcept ModuleNotFoundError:\n    print('NO-REFERENCE')\n")
    proc = subprocess.run([sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, cwd="/")
    assert proc.returncode == 0, proc.stderr
    assert "PASSED True" in proc.stdout and "NO-REFERENCE" in proc.stdout
    grade = subprocess.run([sys.executable, "-I", "-S", "-c",
                            f"import sys; sys.path[:0] = [{str(unpacked)!r}, {site!r}]\n"
                            "from autograder.__main__ import main\nsys.exit(main(['grade', '.']))"],
                           capture_output=True, text=True, cwd="/")
    assert grade.returncode == 2 and "for instructors" in grade.stdout


def test_the_learners_install_lists_only_the_learners_commands(unpacked):
    site = sysconfig.get_paths()["purelib"]
    helped = subprocess.run([sys.executable, "-I", "-S", "-c",
                             f"import sys; sys.path[:0] = [{str(unpacked)!r}, {site!r}]\n"
                             "from autograder.__main__ import main\nsys.exit(main(['--help']))"],
                            capture_output=True, text=True, cwd="/")
    assert helped.returncode == 0, helped.stderr
    listed = re.findall(r"^    (\S+)  ", helped.stdout, flags=re.M)
    assert listed == ["progress"], helped.stdout
