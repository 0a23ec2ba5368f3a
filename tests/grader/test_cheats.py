"""Cheating earns nothing, and costs only the function that tried it."""
import dataclasses

import pytest
from coursekit import write_notebook

from autograder.grader.grade import grade_path
from autograder.grader.reference import reference
from autograder.grader.cell import grade_source
from autograder.learner.course import load_course

CHEATS = {
    "patches np.allclose": ("relu", "import numpy as np\nnp.allclose = lambda *a, **k: True\n"
                                    "np.array_equal = lambda *a, **k: True\ndef relu(Z):\n    return Z\n",
                            "differs"),
    "calls sys.exit": ("relu", "import sys\ndef relu(Z):\n    sys.exit(0)\n", "sys.exit"),
    "calls os._exit(0)": ("relu", "import os\ndef relu(Z):\n    os._exit(0)\n", "os._exit"),
    "loops forever": ("relu", "def relu(Z):\n    while True:\n        pass\n", "loop that never ends"),
    "prints to stderr": ("relu", "import sys\ndef relu(Z):\n    print('x', file=sys.stderr)\n"
                                 "    return np.maximum(Z, 0)\n", "stderr"),
    "writes to fd 2": ("relu", "import os\ndef relu(Z):\n    os.write(2, b'x')\n    return np.maximum(Z, 0)\n",
                       "stderr"),
    "imports the reference": ("relu", "from solutions import relu as r\ndef relu(Z):\n    return r(Z)\n",
                              "imports 'solutions'"),
    "imports it by name": ("relu", "def relu(Z):\n    return __import__('sol' + 'utions').relu(Z)\n",
                           "No module named 'solutions'"),
    "eats the memory": ("relu", "def relu(Z):\n    x = np.ones((30000, 30000))\n    return np.maximum(Z, 0)\n",
                        "out of memory"),
    "reads the grader's stored answers": (
        "softmax", "def softmax(Z):\n    import autograder.fixtures as f\n    return f.stored_oracle()\n",
        "imports 'autograder'"),
}


@pytest.mark.parametrize("name", list(CHEATS))
def test_cheating_earns_nothing(oracle, name):
    function, source, expected = CHEATS[name]
    report = grade_source(function, source, oracle, timeout=3)
    assert not report.passed
    assert expected in report.first_failure, report.first_failure


def test_a_cheat_costs_only_its_own_function(tmp_path, oracle):
    """A submission that exits, loops and patches NumPy in three lessons still gets its other points."""
    ref = reference()
    sources = {f: ref.source(f) for f in ("one_hot", "init_params", "relu", "softmax", "forward_prop")}
    sources["relu"] = CHEATS["calls os._exit(0)"][1]
    sources["softmax"] = CHEATS["loops forever"][1].replace("relu", "softmax")
    sources["init_params"] = CHEATS["patches np.allclose"][1].replace("def relu(Z):\n    return Z",
                                                                      "def init_params(rng=None):\n    return 0")
    for function, source in sources.items():
        write_notebook(tmp_path / f"{function}.ipynb", {function: source})
    course = load_course()
    short = dataclasses.replace(course, lessons=tuple(
        dataclasses.replace(l, timeout=3) for l in course.lessons if l.function in sources))
    grade = grade_path(tmp_path, course=short, oracle=oracle)
    points = {f.function: f.points for f in grade.functions}
    assert points == {"one_hot": 2, "init_params": 0, "relu": 0, "softmax": 0, "forward_prop": 3}
