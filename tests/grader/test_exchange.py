"""The exchange as a class uses it: an instructor and three students, each a Unix user of this machine.

A shared exchange folder, made as nbgrader's documentation says (``chmod ugo+rw``), is ``c.Exchange.root``
for everyone. Every step is nbgrader's own command, run as the user who would run it (``runuser``):

    instructor  generate_assignment, release_assignment
    students    fetch_assignment; submit (carol twice: a wrong answer, then a right one)
    instructor  db assignment add --duedate (the due date, in the gradebook)
    bob         submit, after the due date
    instructor  collect, autograde, generate_feedback, release_feedback
    students    fetch_feedback

Then: every grade is right, bob's hand-in is late (by nbgrader's gradebook, and so in the class report),
carol's resubmission is the one graded, and each student fetched their own feedback and no one else's
(and cannot list the exchange's feedback folder).

Making users needs root: in CI (``CI=1``) the test fails, rather than skips, when it cannot.
"""
from __future__ import annotations

import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import pytest
from coursekit import MUTANTS, VARIANTS
from serverkit import SharedPython, as_user, unix_users, world_folder

from autograder.learner.course import load_course

ROOT = Path(__file__).resolve().parents[2]
COURSE = load_course()
LESSON = COURSE.lesson("03_relu")
COURSE_ID = "mnist-numpy-course"
RIGHT = VARIANTS["relu"]
WRONG = MUTANTS["relu"]["abs"]


def answer(source: str, who: str) -> str:
    """The student's answer, signed in a comment (the feedback shows the student's own code)."""
    return f"# written by {who}\n{source}"


@pytest.fixture(scope="module")
def users():
    with unix_users() as made:
        yield made


@pytest.fixture(scope="module")
def term(users):
    """The whole cycle, as the four users run it; returns what each step left behind."""
    scratch = world_folder("nnfs-exchange-")
    try:
        yield run_term(users, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run_term(users, scratch: Path) -> dict:
    python = SharedPython(scratch)
    bin_dir = python.bin
    names = {role: users.add(role) for role in ("teach", "alice", "bob", "carol")}
    exchange = scratch / "exchange"
    exchange.mkdir()
    exchange.chmod(exchange.stat().st_mode | 0o666)  # nbgrader's docs: chmod ugo+rw

    course = scratch / "course"  # the instructor's course directory, theirs alone
    shutil.copytree(ROOT / "solutions" / LESSON.id, course / "solutions" / LESSON.id,
                    ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    (course / "nbgrader_config.py").write_text((ROOT / "nbgrader_config.py").read_text()
                                               + f"\nc.Exchange.root = {str(exchange)!r}\n")
    shutil.chown(course, names["teach"], names["teach"])
    for path in course.rglob("*"):
        shutil.chown(path, names["teach"], names["teach"])
    course.chmod(0o700)
    for role in ("alice", "bob", "carol"):  # each student's own nbgrader configuration
        home = users.home(role)
        (home / ".jupyter").mkdir(exist_ok=True)
        (home / ".jupyter" / "nbgrader_config.py").write_text(
            f"c = get_config()  # noqa\nc.CourseDirectory.course_id = {COURSE_ID!r}\n"
            f"c.Exchange.root = {str(exchange)!r}\n")
        for path in [home / ".jupyter", home / ".jupyter" / "nbgrader_config.py"]:
            shutil.chown(path, names[role], names[role])

    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1"}
    log = []

    def step(role, *args, cwd=None):
        done = as_user(names[role], [str(bin_dir / "nbgrader"), *args], env,
                       cwd or (course if role == "teach" else users.home(role)), python=python)
        log.append((role, args, done.returncode, done.stdout[-3000:] + done.stderr[-3000:]))
        assert done.returncode == 0, f"nbgrader {' '.join(args)} as {role} failed:\n{log[-1][3]}"
        return done.stdout + done.stderr

    def write(role, source):
        """The student edits the graded cell of their fetched notebook and saves it."""
        path = users.home(role) / LESSON.id / LESSON.notebook
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == LESSON.function:
                cell.source = source
        nbformat.write(nb, path)
        shutil.chown(path, names[role], names[role])

    def each(role_args):
        with ThreadPoolExecutor(3) as pool:
            return list(pool.map(lambda ra: step(ra[0], *ra[1]), role_args))

    step("teach", "generate_assignment", LESSON.id)
    step("teach", "release_assignment", LESSON.id)
    each([(r, ["fetch_assignment", LESSON.id]) for r in ("alice", "bob", "carol")])
    write("alice", answer(RIGHT[0], "alice"))
    step("alice", "submit", LESSON.id)
    write("carol", answer(WRONG, "carol, first try"))
    step("carol", "submit", LESSON.id)
    time.sleep(1.5)
    write("carol", answer(RIGHT[1 % len(RIGHT)], "carol, second try"))
    step("carol", "submit", LESSON.id)
    time.sleep(1.5)
    due = datetime.now(timezone.utc).replace(tzinfo=None)
    step("teach", "db", "assignment", "add", LESSON.id, f"--duedate={due:%Y-%m-%d %H:%M:%S.%f} UTC")
    time.sleep(1.5)
    write("bob", answer(RIGHT[0], "bob"))
    step("bob", "submit", LESSON.id)
    inbound = sorted(p.name for p in (exchange / COURSE_ID / "inbound").iterdir())
    step("teach", "collect", LESSON.id)
    step("teach", "autograde", LESSON.id)
    step("teach", "generate_feedback", LESSON.id)
    step("teach", "release_feedback", LESSON.id)
    each([(r, ["fetch_feedback", LESSON.id]) for r in ("alice", "bob", "carol")])
    listing = as_user(names["alice"], ["ls", str(exchange / COURSE_ID / "feedback")], env, users.home("alice"),
                      python=python)
    return {"names": names, "course": course, "exchange": exchange, "due": due, "inbound": inbound, "log": log,
            "homes": {r: users.home(r) for r in ("alice", "bob", "carol")}, "listing": listing}


def gradebook(term):
    from nbgrader.api import Gradebook
    return Gradebook(f"sqlite:///{term['course']}/gradebook.db", COURSE_ID)


def test_each_step_ran_as_its_own_user(term):
    steps = [(role, args[0]) for role, args, code, _ in term["log"]]
    assert ("teach", "release_assignment") in steps and ("bob", "submit") in steps
    assert all(code == 0 for *_, code, _ in term["log"])
    owners = {p.owner() for p in (term["course"] / "autograded").rglob("*")}
    assert owners == {term["names"]["teach"]}  # the instructor's files are the instructor's
    for role in ("alice", "bob", "carol"):
        fetched = term["homes"][role] / LESSON.id / LESSON.notebook
        assert fetched.owner() == term["names"][role]
    # the exchange holds what nbgrader put there: one folder a submission, carol's twice
    senders = [name.split("+")[0] for name in term["inbound"]]
    assert sorted(senders) == sorted([term["names"]["alice"], term["names"]["bob"]] + [term["names"]["carol"]] * 2)


def test_grades_lateness_and_the_resubmission(term):
    names = term["names"]
    with gradebook(term) as gb:
        subs = {s.student.id: (s.score, s.total_seconds_late, s.timestamp)
                for s in gb.find_assignment(LESSON.id).submissions}
        due = gb.find_assignment(LESSON.id).duedate
    assert set(subs) == {names["alice"], names["bob"], names["carol"]}
    assert {sid: score for sid, (score, _, _) in subs.items()} == {names["alice"]: 1.0, names["bob"]: 1.0,
                                                                    names["carol"]: 1.0}
    assert abs((due - term["due"]).total_seconds()) < 1
    assert subs[names["bob"]][1] > 0  # after the due date: late
    assert subs[names["alice"]][1] == 0 and subs[names["carol"]][1] == 0
    # carol's second hand-in is the one collected and graded: its time stamp, and her second answer
    carol = sorted(n for n in term["inbound"] if n.startswith(names["carol"] + "+"))
    assert len(carol) == 2
    stamp = (term["course"] / "submitted" / names["carol"] / LESSON.id / "timestamp.txt").read_text().strip()
    assert carol[1].split("+")[2] == stamp and carol[0].split("+")[2] < stamp
    # graded by the instructor, an ordinary user, in the sandbox (bubblewrap in a user namespace)
    import json
    for role in ("alice", "bob", "carol"):
        result = json.loads((term["course"] / "results" / LESSON.id / f"{names[role]}.json").read_text())
        assert result["isolation"]["kind"] == "bwrap" and result["passed"], result["isolation"]
    graded = nbformat.read(term["course"] / "autograded" / names["carol"] / LESSON.id / LESSON.notebook, 4)
    text = "\n".join(c.source for c in graded.cells)
    assert "carol, second try" in text and "carol, first try" not in text


def test_the_class_report_shows_the_late_hand_in(term, tmp_path):
    from autograder.grader.classreport import make_report
    report = make_report(term["course"], tmp_path / "report").report
    late = {s.student.id: s.late for s in report.students}
    assert late == {term["names"]["alice"]: [], term["names"]["bob"]: [LESSON.id], term["names"]["carol"]: []}
    page = (tmp_path / "report" / "index.html").read_text()
    assert f"Due {term['due']:%Y-%m-%d %H:%M} UTC; reached: its due date has passed. Handed in late by 1: " \
           f"{term['names']['bob']}" in page


def test_each_student_fetched_their_own_feedback_and_no_one_elses(term):
    names = term["names"]
    signatures = {"alice": "written by alice", "bob": "written by bob", "carol": "carol, second try"}
    for role, home in term["homes"].items():
        files = sorted((home / LESSON.id / "feedback").rglob("*.html"))
        assert len(files) == 1, files  # one feedback, for the one submission graded
        assert files[0].owner() == names[role]
        text = files[0].read_text()
        assert signatures[role] in text
        assert not any(sig in text for other, sig in signatures.items() if other != role)
        assert "carol, first try" not in text
    # a student cannot even list the exchange's feedback folder (nbgrader names each file by a hash
    # of the student's own submission)
    assert term["listing"].returncode != 0 and "Permission denied" in term["listing"].stderr


def test_without_root_ci_fails_and_elsewhere_it_skips(monkeypatch):
    import serverkit
    monkeypatch.setattr(serverkit.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(serverkit, "CI", True)
    with pytest.raises(pytest.fail.Exception, match="making Unix users needs root"):
        with unix_users():
            pass
    monkeypatch.setattr(serverkit, "CI", False)
    with pytest.raises(pytest.skip.Exception, match="making Unix users needs root"):
        with unix_users():
            pass
