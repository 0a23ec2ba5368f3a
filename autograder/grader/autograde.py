"""nbgrader steps that take every score from the sandboxed grader, never from the learner's kernel.

The repository's ``nbgrader_config.py`` puts these into nbgrader's own
pipeline, so plain ``nbgrader autograde LESSON`` uses them:

- ``RefuseLinks`` (a sanitize step, the first): a submitted notebook that is a
  symbolic link is refused, and other submitted files that are links are not
  carried into the autograded (and then feedback) folder.
- ``SandboxedExecute`` (replaces nbgrader's ``Execute``): the learner's
  notebook still runs, for the outputs instructors and feedback show, but in a
  kernel inside bubblewrap (``autograder.grader.kernel``) that sees no
  gradebook, no other submission and no course source; a kernel that dies or
  hangs ends the run, not the grading.
- ``GradeOutsideKernel`` (right after it): for the lesson's test cell, the
  nbgrader process itself grades the learner's graded cell in the sandbox
  against the live reference, hidden checks included, and *replaces* the test
  cell's outputs with that verdict: an error output when it fails (nbgrader
  scores 0), none when it passes (full points). Whatever the learner's kernel
  printed there is discarded. The full report is saved as JSON in
  ``results/<lesson>/<student>.json`` for the class report (``python -m
  autograder report``), with a digest of the graded cell's normalised code.

The in-notebook ``check()`` can still be fooled by its own learner; that only
misleads them, and it never counts toward a grade.
"""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.preprocessors.execute import Execute
from traitlets import Unicode

from ..learner import render
from ..learner.course import CourseError, load_course
from ..learner.model import FunctionReport
from ..learner.notebooks import graded_cells, pick_cell
from .isolation import isolation
from .provenance import copied_from_course, fingerprint

REFUSED = "autograder_refused"
_oracle, _oracle_lock = None, threading.Lock()


def live_oracle():
    """One live oracle per process: its cases and expected values are computed once."""
    global _oracle
    with _oracle_lock:
        if _oracle is None:
            from .oracle import LiveOracle
            _oracle = LiveOracle()
    return _oracle


def course_root(config) -> Path:
    from nbgrader.coursedir import CourseDirectory
    return Path(CourseDirectory(config=config).root)


class RefuseLinks(NbGraderPreprocessor):
    """Sanitize step: refuse a notebook that is a link; never carry linked files into autograded/."""

    def preprocess(self, nb, resources):
        folder = Path(resources.get("metadata", {}).get("path", "."))
        name = resources["nbgrader"]["notebook"] + ".ipynb"
        meta = nb.metadata.setdefault("autograder", {}) if hasattr(nb.metadata, "setdefault") else {}
        meta.pop(REFUSED, None)
        if (folder / name).is_symlink():
            meta[REFUSED] = (f"{name} was submitted as a symbolic link, not as a notebook; links are refused "
                             f"because they can point at files that are not the learner's.")
            self.log.warning("%s/%s is a symbolic link: refused", folder, name)
        root = course_root(self.config)
        dest = root / "autograded" / resources["nbgrader"]["student"] / resources["nbgrader"]["assignment"]
        for path in folder.rglob("*"):
            if path.is_symlink() and path.name != name:
                copied = dest / path.relative_to(folder)
                if copied.exists() and not copied.is_dir():
                    copied.unlink()
                self.log.warning("%s is a symbolic link: not carried into the autograded folder", path)
        return nb, resources


class SandboxedExecute(Execute):
    """nbgrader's Execute with the kernel in bubblewrap; a kernel that dies ends the run, not the grading.

    nbgrader 0.9.6 passes its own kernel manager class when it builds Execute, and nbconvert reloads the
    configuration when it runs; ``create_kernel_manager`` insists on the sandboxed one wherever bwrap works.
    """

    def create_kernel_manager(self):
        from .kernel import SandboxedKernelManager, kernel_available
        if kernel_available():
            self.kernel_manager_class = SandboxedKernelManager
        return super().create_kernel_manager()

    def preprocess(self, nb, resources, km=None):
        try:
            return super().preprocess(nb, resources, km=km)
        except Exception as exc:  # DeadKernelError, a kernel that would not start or stop: grading goes on
            self.log.warning("the learner's kernel stopped (%s: %s); the grade comes from the sandboxed "
                             "grader all the same", type(exc).__name__, str(exc)[:200])
            nb.metadata.setdefault("autograder", {})["kernel_stopped"] = type(exc).__name__
            return nb, resources


class GradeOutsideKernel(NbGraderPreprocessor):
    """Replace the lesson's test cell outputs with the sandboxed grader's verdict (the only score)."""

    results_directory = Unicode("results", help="where each submission's full report is saved, "
                                                "relative to the course directory").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        try:
            lesson = load_course().lesson(info["assignment"])
        except CourseError:
            return nb, resources  # not one of the course's lessons: nbgrader's own scoring stands
        if not lesson.function:
            return nb, resources  # the capstone carries no points
        report, source = self.grade(nb, lesson)
        tests = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade")
                 and c.cell_type == "code" and c.metadata["nbgrader"].get("grade_id") == f"check_{lesson.function}"]
        for cell in tests:
            cell.outputs = verdict_outputs(report)
        self.save(report, lesson, info["student"], source)
        return nb, resources

    def grade(self, nb, lesson) -> tuple[FunctionReport, str | None]:
        """The report, and the source of the graded cell it judged (None when there was none to judge)."""
        refused = nb.metadata.get("autograder", {}).get(REFUSED)
        if refused:
            return FunctionReport(lesson.function, problem=refused), None
        cells = graded_cells("notebook", {"cells": nb.cells}).get(lesson.function, [])
        cell, problem = pick_cell(lesson.function, cells)
        if cell is None:
            return FunctionReport(lesson.function, problem=problem), None
        from .sandbox import grade_source
        try:
            report = grade_source(lesson.function, cell.source, live_oracle(), timeout=lesson.timeout)
        except Exception as exc:  # the grader's own failure must show, and score 0, never pass
            self.log.error("grading %s failed: %s", lesson.function, exc)
            return FunctionReport(lesson.function, problem=f"the grader could not run ({type(exc).__name__}: "
                                                           f"{str(exc)[:200]}); ask your instructor."), cell.source
        flag = copied_from_course(lesson.function, cell.source)
        if flag:
            report.flags.append(flag)
        return report, cell.source

    def save(self, report, lesson, student, source=None):
        """``results/<lesson>/<student>.json``: the report, the points, and the graded cell's fingerprint
        (a digest of its normalised code, for the class report to find identical submissions; never the code)."""
        folder = course_root(self.config) / self.results_directory / lesson.id
        folder.mkdir(parents=True, exist_ok=True)
        cell = fingerprint(source).to_dict() if source is not None else {"source_digest": None, "source_tokens": None}
        data = {"student": student, "lesson": lesson.id, "function": lesson.function, "points":
                lesson.points if report.passed else 0, "max_points": lesson.points,
                "isolation": isolation().to_dict(), **report.to_dict(), **cell}
        path = folder / f"{student}.json"
        path.with_suffix(".tmp").write_text(json.dumps(data, indent=1))
        os.replace(path.with_suffix(".tmp"), path)


def verdict_outputs(report: FunctionReport) -> list:
    """The test cell's outputs: the verdict (HTML and text), then an error when it fails."""
    note = f"Graded outside your notebook, with every check · {isolation().label}"
    flags = "".join(f"\nFlag for the instructor: {flag}" for flag in report.flags)
    html = render.html_table(report) + f'<p style="color:#57606a;font-size:85%">{render.escape(note)}' + \
        "".join(f"<br><b>Flag for the instructor:</b> {render.escape(flag)}" for flag in report.flags) + "</p>"
    outputs = [new_output("display_data", data={"text/html": html,
                                                "text/plain": render.text(report) + f"\n{note}{flags}"})]
    if not report.passed:
        if report.problem:
            why = "cannot be graded"
        elif report.not_attempted:
            why = "not attempted"
        else:
            why = f"{report.n_failed} of {len(report.results)} checks do not pass"
        outputs.append(new_output("error", ename="CheckFailed", evalue=f"{report.function}: {why}",
                                  traceback=[f"CheckFailed: {report.function}: {why} (the table above says why)"]))
    return outputs
