"""The check cell: a verdict table, never a traceback, never stderr; endless loops stopped; no reference code."""
import subprocess
import sys

import numpy as np
import pytest

from autograder.grader.oracle import mutant_function
from autograder.learner import checking
from autograder.learner.checking import CheckFailed, check


def test_untouched_stub_is_not_attempted_yet(capsys):
    def one_hot(Y):
        raise NotImplementedError()
    with pytest.raises(CheckFailed, match="not attempted yet"):
        check(one_hot)
    out = capsys.readouterr()
    assert "not attempted yet" in out.out and out.err == ""


def test_check_by_name_finds_the_function_in_the_callers_namespace(capsys):
    def relu(Z):
        return np.maximum(Z, 0)
    report = check("relu", {"relu": relu})
    assert report.passed
    assert "relu: all" in capsys.readouterr().out


def test_a_deleted_cell_gets_a_plain_message(capsys):
    with pytest.raises(CheckFailed, match="cannot be checked"):
        check("softmax", {})
    assert "softmax is not defined" in capsys.readouterr().out


def test_a_check_writes_nothing_to_stderr_even_when_the_answer_warns(capsys):
    with pytest.raises(CheckFailed):
        check(mutant_function("softmax", "no_shift"))
    out = capsys.readouterr()
    assert out.err == "" and "overflow" in out.out


def test_a_check_stops_an_endless_loop(monkeypatch, capsys):
    monkeypatch.setattr(checking, "TIMEOUT", 0.3)

    def relu(Z):
        while True:
            pass
    with pytest.raises(CheckFailed):
        check(relu)
    assert "loop that never ends" in capsys.readouterr().out


def test_check_failures_render_without_a_traceback():
    lines = CheckFailed("relu: 2 of 9 checks do not pass yet").__class__._render_traceback_(
        CheckFailed("relu: 2 of 9 checks do not pass yet"))
    assert len(lines) == 1 and "Traceback" not in lines[0]


def test_the_notebook_check_needs_no_reference_code():
    """The check cell's path imports neither solutions nor the grader's modules."""
    code = ("import sys, numpy as np\n"
            "class Block:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name.split('.')[0] == 'solutions' or name in ('autograder.oracle', 'autograder.cases',"
            " 'autograder.mutants', 'autograder.sandbox', 'subprocess'):\n"
            "            raise ImportError('blocked: ' + name)\n"
            "sys.meta_path.insert(0, Block())\n"
            "from autograder import check\n"
            "def relu(Z):\n    return np.maximum(Z, 0)\n"
            "print(check(relu).passed)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("True")
