"""The learners' install holds no reference answers, and what it holds works on its own."""
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from autograder.course import GRADED_FUNCTIONS
from autograder.reference import reference
from autograder.student_dist import GRADER_MODULES, STUDENT_MODULES, build_student_wheel

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    wheel = build_student_wheel(out)
    target = out / "unpacked"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(target)
    return target


def test_every_autograder_module_is_sorted_into_learners_or_graders():
    present = {p.name for p in (ROOT / "autograder").iterdir() if p.suffix in (".py", ".json", ".npz")}
    assert present == set(STUDENT_MODULES) | set(GRADER_MODULES)


def test_student_wheel_has_no_solutions_and_no_grader_modules(unpacked):
    names = {p.relative_to(unpacked).as_posix() for p in unpacked.rglob("*") if p.is_file()}
    assert not any(n.startswith("solutions/") for n in names)
    for module in GRADER_MODULES:
        assert f"autograder/{module}" not in names
    assert "mnist_data/train-images-idx3-ubyte.gz" in names and "autograder/fixtures.npz" in names


@pytest.mark.parametrize("function", GRADED_FUNCTIONS)
def test_no_file_of_the_student_side_holds_a_reference_answer(unpacked, function):
    ref = reference()
    for path in unpacked.rglob("*.py"):
        assert not ref.appears_in(path.read_text(), function), f"{path.name} holds the answer to {function}"
        assert f"def {function}(" not in path.read_text(), f"{path.name} defines {function}"


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
