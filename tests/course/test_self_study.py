"""Studying alone: progress read from one's own notebooks, the capstone's assembly, Colab and Binder
set-up, badges that point at real notebooks, and everything working with no network."""
import json
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import numpy as np
import pytest
from coursekit import MUTANTS
from IPython.core.inputtransformer2 import TransformerManager

from autograder.grader.reference import reference
from autograder.learner.checking import CheckFailed
from autograder.learner.course import load_course
from autograder.learner.progress import assemble, progress

ROOT = Path(__file__).resolve().parents[2]
COURSE = load_course()


def fill(folder, lesson, source):
    path = folder / lesson.id / lesson.notebook
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == lesson.function:
            cell.source = source
    nbformat.write(nb, path)


@pytest.fixture
def half_done(tmp_path):
    """A learner's copy of the lessons: four right, one wrong, one broken, the rest untouched."""
    folder = tmp_path / "lessons"
    shutil.copytree(ROOT / "lessons", folder)
    ref = reference()
    by = {f: COURSE.lesson_for(f) for f in COURSE.functions}
    for f in ("one_hot", "init_params", "relu", "forward_prop"):
        fill(folder, by[f], ref.source(f))
    fill(folder, by["softmax"], MUTANTS["softmax"]["no_shift"])
    (folder / by["cross_entropy"].id / by["cross_entropy"].notebook).write_text("{ not json")
    return folder


def test_progress_reads_a_half_finished_course(half_done):
    every = progress(half_done)
    assert [(s.lesson.id, s.lesson.function) for s in every] == [(l.id, l.function) for l in COURSE.per_function]
    states = {s.lesson.function: s for s in every if s.lesson.part < 3}
    hunt = {s.lesson.function: s for s in every if s.lesson.id == "24_bug_hunt"}  # the original's code, as released
    assert {f: s.state for f, s in hunt.items()} == dict.fromkeys(COURSE.lesson("24_bug_hunt").functions, "failing")
    # untouched, the bug hunt's functions say so and hold their diagnosis back (the learner's probes find it)
    assert all("still the original notebook's" in s.hint for s in hunt.values()), [s.hint for s in hunt.values()]
    assert not any("Y.max() + 1" in s.hint or "maximum" in s.hint for s in hunt.values())
    assert [f for f, s in states.items() if s.state == "passing"] == ["one_hot", "init_params", "relu",
                                                                        "forward_prop"]
    assert states["softmax"].state == "failing"
    assert "without subtracting the maximum" in states["softmax"].hint
    assert states["cross_entropy"].state == "problem" and "not valid notebook JSON" in states["cross_entropy"].hint
    assert states["backward_prop"].state == "not attempted"
    assert sum(s.points for s in states.values()) == 2 + 2 + 1 + 3


def test_progress_command_prints_a_table_and_json(half_done):
    text = subprocess.run([sys.executable, "-m", "autograder", "progress", str(half_done)],
                          capture_output=True, text=True, timeout=120)
    assert text.returncode == 0 and text.stderr == ""
    graded, max_score = len(COURSE.per_function), COURSE.max_score
    assert f"4 of {graded} graded lessons passing · score 8/{max_score}" in text.stdout
    data = json.loads(subprocess.run([sys.executable, "-m", "autograder", "progress", str(half_done), "--json"],
                                     capture_output=True, text=True, timeout=120).stdout)
    assert (data["score"], data["max_score"]) == (8, max_score)
    assert {l["state"] for l in data["lessons"]} == {"passing", "failing", "problem", "not attempted"}


def test_capstone_names_the_first_function_that_fails_before_training(half_done):
    with pytest.raises(CheckFailed, match=r"Your softmax \(lesson 4, lessons/04_softmax/\) does not pass"):
        assemble(half_done, part=1)
    with pytest.raises(CheckFailed, match=r"Your softmax \(lesson 4, lessons/04_softmax/\) does not pass"):
        assemble(half_done, part=2)  # the finale stops at the same first failure, before anything is trained


def test_capstone_assembles_the_learners_own_functions(tmp_path):
    folder = tmp_path / "lessons"
    shutil.copytree(ROOT / "lessons", folder)
    ref = reference()
    for lesson in COURSE.per_function:
        fill(folder, lesson, ref.source(lesson.function).replace('"""', '"""Mine. ', 1))
    net = assemble(folder, part=1)
    assert net.softmax.__doc__.startswith("Mine.")
    assert net.make_predictions.__globals__ is net.forward_prop.__globals__  # one network, one namespace
    assert not hasattr(net, "train_val_split")  # part 1's capstone needs only part 1
    deep = assemble(folder, part=2)  # the finale: every graded function, the learner's own part 1 underneath
    assert sorted(vars(deep)) == sorted(COURSE.functions)
    assert deep.backward_layers.__globals__ is deep.one_hot.__globals__ and deep.decay_weights.__doc__.startswith("Mine.")


def test_mine_fetches_the_learners_own_function_or_says_why_not(half_done):
    from autograder import mine
    assert mine("relu", half_done)(np.array([[-1.0], [2.0]])).tolist() == [[0.0], [2.0]]
    with pytest.raises(CheckFailed, match="does not pass its check yet.*until then this lesson uses the course's"):
        mine("softmax", half_done)
    with pytest.raises(CheckFailed, match="is not attempted yet"):
        mine("backward_prop", half_done)


# ----------------------------------------------------------------------------- online, no install

def setup_source(lesson):
    nb = nbformat.read(ROOT / lesson.path, as_version=4)
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("# Set-up")]
    return TransformerManager().transform_cell(cell.source)


def run_setup(lesson, monkeypatch, colab=False, platform=None):
    calls, magics = [], []
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: calls.append(cmd))
    if colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    if platform:
        monkeypatch.setattr(sys, "platform", platform)
    shell = types.SimpleNamespace(run_line_magic=lambda name, line: magics.append((name, line)))
    exec(compile(setup_source(lesson), "<setup>", "exec"), {"get_ipython": lambda: shell})
    return calls, magics


@pytest.mark.parametrize("lesson", COURSE.all_notebooks, ids=[l.id for l in COURSE.all_notebooks])
def test_setup_cell_installs_the_course_in_colab_from_course_yml(lesson, monkeypatch):
    calls, magics = run_setup(lesson, monkeypatch, colab=True)
    widget = [[sys.executable, "-m", "pip", "install", "-q", "anywidget>=0.11,<0.12"]]  # the draw-a-digit pad
    assert calls == [[sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                      f"nn-from-scratch @ git+{COURSE.repository}@{COURSE.branch}"]] + \
        (widget if not lesson.graded else [])  # only the capstone and the finale show the widget
    assert magics == []


def test_setup_cell_does_nothing_on_a_local_machine(monkeypatch):
    assert run_setup(COURSE.lessons[0], monkeypatch) == ([], [])


def test_setup_cell_installs_the_learners_wheel_in_the_browser(monkeypatch):
    calls, magics = run_setup(COURSE.lessons[0], monkeypatch, platform="emscripten")
    assert calls == [] and magics == [("pip", "install -q nn-from-scratch-student")]


def _badge_targets(text):
    colab = re.findall(r"colab\.research\.google\.com/github/([^/]+/[^/]+)/blob/([^/]+)/([^)\s]+)", text)
    binder = re.findall(r"mybinder\.org/v2/gh/([^/]+/[^/]+)/([^?]+)\?labpath=([^)\s]+)", text)
    return colab, binder


@pytest.mark.parametrize("lesson", COURSE.all_notebooks, ids=[l.id for l in COURSE.all_notebooks])
def test_badges_point_at_this_lessons_notebook(lesson):
    nb = nbformat.read(ROOT / lesson.path, as_version=4)
    colab, binder = _badge_targets(nb.cells[0].source)
    repo = COURSE.repository.split("github.com/")[1]
    assert colab == [(repo, COURSE.branch, lesson.path)]
    assert binder == [(repo, COURSE.branch, lesson.path)]
    assert (ROOT / lesson.path).exists()


def test_readme_badges_point_at_existing_notebooks():
    colab, binder = _badge_targets((ROOT / "README.md").read_text())
    assert colab and binder
    for _, _, path in colab + binder:
        assert (ROOT / path).exists(), path


def test_binder_environment_installs_and_runs_a_check(tmp_path):
    """repo2docker's steps: a fresh environment from binder/requirements.txt, then binder/postBuild."""
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    pip = [str(env / "bin" / "python"), "-m", "pip", "install", "-q"]
    done = subprocess.run(pip + ["-r", str(ROOT / "binder" / "requirements.txt")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    post = ROOT / "binder" / "postBuild"
    assert post.stat().st_mode & 0o111, "binder/postBuild must be executable"
    work = tmp_path / "repo"
    shutil.copytree(ROOT, work, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info",
                                                               ".pytest_cache", "build", "dist"))
    done = subprocess.run(["bash", str(post)], cwd=work, capture_output=True, text=True,
                          env={"PATH": f"{env / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr[-2000:]
    code = ("import numpy as np\nfrom autograder import check\nfrom mnist_data import load_mnist\n"
            "X, Y = load_mnist('test')\nprint(X.shape)\n"
            "def relu(Z):\n    return np.maximum(Z, 0)\nprint('OK', check(relu).passed)\n")
    ran = subprocess.run([str(env / "bin" / "python"), "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert "(784, 10000)" in ran.stdout and "OK True" in ran.stdout


def test_checks_and_data_work_with_no_network():
    """Offline: sockets refuse to connect, and a lesson's data and check still work."""
    code = ("import socket\n"
            "def refuse(*a, **k):\n    raise OSError('network disabled for this test')\n"
            "socket.socket.connect = refuse\nsocket.create_connection = refuse\n"
            "import numpy as np\nfrom mnist_data import load_mnist\nfrom autograder import check\n"
            "X, Y = load_mnist('train')\n"
            "def one_hot(Y):\n    return np.eye(10)[Y].T\n"
            "print(X.shape, check(one_hot).passed)\n")
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert "(784, 60000) True" in ran.stdout
