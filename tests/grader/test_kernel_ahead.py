"""Grading a class, the next learner's kernel boots while a notebook runs (``SandboxedExecute``).

In a fresh process, as an instructor's nbgrader would: two students' relu lessons graded one after the
other. The second notebook runs in the kernel started ahead, which is a sandbox of its own: nothing the
first student's notebook left in its kernel (a name in builtins, a file in its folder, an environment
variable) is there. The kernel started ahead for a third notebook that never came is gone, with its host
folder, when the process ends.
"""
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest

from autograder.grader.kernel import kernel_available

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not kernel_available() and not os.environ.get("CI"),
                                reason="needs bubblewrap (apt-get install bubblewrap)")

LEAVE = ("import builtins, os\nbuiltins.LEFT_BY_ANN = 1\nos.environ['LEFT_BY_ANN'] = '1'\n"
         "open(os.path.expanduser('~/left_by_ann'), 'w').write('1')\nprint('ann was here')")
LOOK = ("import builtins, os\nprint('marks:', hasattr(builtins, 'LEFT_BY_ANN'), 'LEFT_BY_ANN' in os.environ,\n"
        "      os.path.exists(os.path.expanduser('~/left_by_ann')))")

SCRIPT = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from autograder.grader import autograde, classroom
    taken = []
    start = autograde.SandboxedExecute.async_start_new_kernel
    async def spy(self, **kw):
        ahead = list(autograde._SPARE.values())
        await start(self, **kw)
        taken.append(self.km in ahead)
    autograde.SandboxedExecute.start_new_kernel = autograde.run_sync(spy)
    root = Path(sys.argv[1])
    api = classroom.api_for(root, db_url=f"sqlite:///{root}/gradebook.db")
    graded, failed = classroom.autograde(api, ["03_relu"], ["ann", "ben"])
    (spare,) = autograde._SPARE.values()
    print(json.dumps({"taken": taken, "failed": failed, "scores": {s: v for (s, _), v in classroom.scores(api).items()},
                      "spare": [str(spare._private), spare.provisioner.process.pid]}))
""")


def test_the_next_kernel_boots_ahead_in_a_sandbox_of_its_own(tmp_path):
    from autograder.grader import classroom
    from autograder.grader.reference import reference
    shutil.copytree(ROOT / "solutions" / "03_relu", tmp_path / "solutions" / "03_relu",
                    ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    classroom.release(classroom.api_for(tmp_path, db_url=f"sqlite:///{tmp_path}/gradebook.db"), ["03_relu"])
    for student, extra in (("ann", LEAVE), ("ben", LOOK)):
        nb = nbformat.read(tmp_path / "release" / "03_relu" / "relu.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "relu":
                cell.source = reference().source("relu") + "\n\n" + extra  # grading runs the answer's cell
        folder = tmp_path / "submitted" / student / "03_relu"
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / "relu.ipynb")

    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True,
                          timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["failed"] == [] and out["scores"] == {"ann": 1.0, "ben": 1.0}
    assert out["taken"] == [False, True]  # the first kernel is started on demand, the second was ready

    def printed(student):
        nb = nbformat.read(tmp_path / "autograded" / student / "03_relu" / "relu.ipynb", as_version=4)
        return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "ann was here" in printed("ann")
    assert "marks: False False False" in printed("ben")

    private, pid = out["spare"]  # the kernel started for a third notebook: gone with the process
    for _ in range(50):
        if not Path(f"/proc/{pid}").exists() or "\nState:\tZ" in Path(f"/proc/{pid}/status").read_text():
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"the kernel started ahead (bwrap {pid}) outlived its grading process")
    assert not Path(private).exists()
