"""The README's set-up block, typed as written on a fresh copy: a new virtual environment, the learner's
install, both trainers (their last lines as the README says), JupyterLab serving the lessons; then the
instructor's install. Every command comes from README.md itself; nothing is set beyond what a newcomer's
shell has (no BLAS variable: the course chooses its own thread count)."""
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import readme  # noqa: E402



def newcomer_env():
    """A newcomer's shell: no virtual environment active, no BLAS variables, no browser to open."""
    env = {k: v for k, v in os.environ.items()
           if not k.endswith("_NUM_THREADS") and k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    venv_bin = os.path.dirname(sys.executable)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    env["BROWSER"] = "true"  # jupyter lab would open a browser; here it opens nothing
    return env


def bash(script, cwd, env, timeout=1800):
    done = subprocess.run(["bash", "-c", "set -euo pipefail\n" + script], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, f"{script}\nexited {done.returncode}:\n{(done.stdout + done.stderr)[-4000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def setup_block():
    (block,) = readme.code_blocks(readme.section("Set up and run"), "bash")
    return block


def test_the_set_up_block_works_as_written(tmp_path, setup_block):
    if not shutil.which("python3", path=newcomer_env()["PATH"]):
        pytest.skip("no python3 on a newcomer's PATH")
    work = readme.fresh_copy(tmp_path / "course")
    commands = readme.block_commands(setup_block)
    assert commands[0] == "python3 -m venv .venv && . .venv/bin/activate"
    expected = {}  # command -> the last line the README promises, from its comment
    for line in setup_block.splitlines():
        found = re.search(r"last line: (.*?)\.\.\s*$", line)
        if found:
            expected[readme.block_commands(line)[0]] = found.group(1)
    serve = [c for c in commands if c.startswith("jupyter lab")]
    assert serve == ["jupyter lab lessons/"]
    env = newcomer_env()
    script, marks = [], {}
    for k, command in enumerate(commands):
        if command in serve:
            continue
        marks[command] = f"@@@ {k} @@@"
        script += [f"echo '{marks[command]}'", f"SECONDS=0; {command}", "echo \"@@@ took $SECONDS s\""]
    out = bash("\n".join(script), work, env)
    for command, last_line in expected.items():
        part, took = out.split(marks[command], 1)[1].split("@@@ took", 1)
        lines = [x for x in part.strip().splitlines() if x.strip()]
        assert re.fullmatch(re.escape(last_line) + r"\d*", lines[-1]), f"{command}: last line {lines[-1]!r}"
        print(f"{command} -> {lines[-1]} (took {took.split()[0]} s at load {os.getloadavg()[0]:.1f})")

    # JupyterLab: as root it refuses to start, and the README gives the root form.
    command = serve[0]
    if os.getuid() == 0:
        root_form = [c for c in readme.code_spans(readme.section("Set up and run"))
                     if c.startswith("jupyter lab") and "--allow-root" in c]
        assert root_form == ["jupyter lab --allow-root lessons/"]
        command = root_form[0]
    log = open(tmp_path / "lab.log", "w")
    lab = subprocess.Popen(["bash", "-c", f". .venv/bin/activate && exec {command}"], cwd=work, env=env,
                           stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url, deadline = None, time.monotonic() + 180
        while url is None and time.monotonic() < deadline and lab.poll() is None:
            time.sleep(1)
            found = re.search(r"(http://127\.0\.0\.1:\d+/lab\?token=\w+)", (tmp_path / "lab.log").read_text())
            url = found.group(1) if found else None
        assert url, f"JupyterLab did not start:\n{(tmp_path / 'lab.log').read_text()[-3000:]}"
        tree = url.replace("/lab?", "/api/contents/01_one_hot?")
        for _ in range(60):  # the URL is printed as the server starts: a busy machine may refuse a moment longer
            try:
                with urllib.request.urlopen(tree, timeout=30) as response:
                    assert response.status == 200 and b"one_hot.ipynb" in response.read()
                break
            except urllib.error.URLError as exc:
                if not isinstance(exc.reason, ConnectionRefusedError) or lab.poll() is not None:
                    raise
                time.sleep(0.5)
        else:
            raise AssertionError(f"JupyterLab printed {url} but refused connections for 30 s")
    finally:
        os.killpg(lab.pid, 15)
        lab.wait(timeout=30)
        log.close()


def test_the_instructors_install_as_written(tmp_path):
    """`pip install -e ".[instructor]"` (what *For instructors* says they install) brings nbgrader, and
    the course's own nbgrader steps load."""
    spans = readme.code_spans(readme.section("For instructors"))
    (install,) = [s for s in spans if s.startswith("pip install -e") and "instructor" in s]
    work = readme.fresh_copy(tmp_path / "course")
    out = bash(f"python3 -m venv .venv && . .venv/bin/activate\n{install} -q\nnbgrader --version\n"
               "python -c 'import autograder.grader.autograde, autograder.grader.kernel; print(\"steps load\")'",
               work, newcomer_env())
    assert "steps load" in out
