"""nbgrader steps that take every score from the sandboxed grader, never from the learner's kernel.

The repository's ``nbgrader_config.py`` puts these into nbgrader's own
pipeline, so plain ``nbgrader autograde LESSON`` uses them:

- ``CheckSubmission`` (a sanitize step, the first): a submitted notebook that
  is a symbolic link is refused, other submitted files that are links are not
  carried into the autograded (and then feedback) folder, and a pasted graded
  cell or damaged metadata costs that lesson only, never the class's run.
- ``SandboxedExecute`` (replaces nbgrader's ``Execute``): the learner's
  notebook still runs, for the outputs instructors and feedback show, but in a
  kernel inside bubblewrap (``autograder.grader.kernel``) that sees no
  gradebook, no other submission and no course source; a kernel that dies or
  hangs ends the run, not the grading; what it prints is capped. Only the
  cells a score needs run (set-up, imports, toolbox, answers, checks); the
  lesson's own cells say they were not run (``run_lesson_cells`` runs them).
- ``SafeOutputs``: what the notebook shows is made safe for formgrader and the
  feedback (no learner's script ever runs in the instructor's browser).
- ``GradeOutsideKernel`` (right after it): for the lesson's test cell (each of
  them, in a lesson of several functions), the
  nbgrader process itself grades the learner's graded cell in the sandbox
  against the live reference, hidden checks included, and *replaces* the test
  cell's outputs with that verdict: an error output when it fails (nbgrader
  scores 0), none when it passes (full points). A lesson scored per check
  (course.yml ``scoring: per-check``) that earns part of its points ends
  with the points as the cell's result, nbgrader's own partial-credit path
  (``nbgrader.utils.determine_grade``). Whatever the learner's kernel
  printed there is discarded. The full report is saved as JSON in
  ``results/<lesson>/<student>.json`` for the class report (``python -m
  autograder report``), with a digest of the graded cell's normalised code.

The in-notebook ``check()`` can still be fooled by its own learner; that only
misleads them, and it never counts toward a grade.
"""
from __future__ import annotations

import atexit
import contextlib
import json
import os
import threading
from pathlib import Path

from jupyter_core.utils import run_sync
from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.preprocessors.execute import Execute
from traitlets import Bool, Integer, Unicode

from ..learner import render
from ..learner.course import CourseError, load_course
from ..learner.model import FunctionReport
from ..learner.notebooks import graded_cells, pick_cell
from .feedback import feedback_html
from .isolation import isolation
from .provenance import copied_from_course, fingerprint

REFUSED = "autograder_refused"
DAMAGED = "autograder_damaged"
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


def course_of(config):
    """The course manifest: the course directory's own course.yml when it has one (a course directory
    that is not this repository, or a term that scores per check), else the repository's."""
    path = course_root(config) / "course.yml"
    return load_course(path if path.is_file() else None)


class CheckSubmission(NbGraderPreprocessor):
    """Sanitize step, the first: a submission nbgrader could choke on never stops the class.

    - A notebook that is a symbolic link is refused (it could point at the course's own solution).
    - Other submitted files that are links are not carried into the autograded (and feedback) folder.
    - A graded cell pasted twice, or nbgrader metadata that is not what nbgrader writes (no schema
      version, a grade_id that is not text), would make plain ``nbgrader autograde`` abort for everyone
      after this student: the extra copies lose their metadata here, and the lesson scores 0 with a
      sentence saying why, as the grading CLI says it.
    """

    def preprocess(self, nb, resources):
        folder = Path(resources.get("metadata", {}).get("path", "."))
        name = resources["nbgrader"]["notebook"] + ".ipynb"
        meta = nb.metadata.setdefault("autograder", {})
        for key in (REFUSED, DAMAGED):
            meta.pop(key, None)
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
        damaged, seen = {}, {}
        for index, cell in enumerate(nb.cells, start=1):
            nbg = cell.get("metadata", {}).get("nbgrader")
            if nbg is None:
                continue
            grade_id = nbg.get("grade_id") if isinstance(nbg, dict) else None
            well_formed = isinstance(nbg, dict) and isinstance(grade_id, str) and grade_id and \
                isinstance(nbg.get("schema_version"), int)
            if well_formed and grade_id not in seen:
                seen[grade_id] = index
                continue
            del cell.metadata["nbgrader"]
            if isinstance(grade_id, str) and grade_id in seen:
                damaged[grade_id] = (f"the graded cell for {grade_id} appears more than once (cells {seen[grade_id]} "
                                     f"and {index}), so it cannot be graded: delete the extra copies, keeping the one "
                                     f"with your answer, and submit again.")
            elif isinstance(grade_id, str):
                damaged[grade_id] = (f"the graded cell for {grade_id} has damaged nbgrader metadata (cell {index}): "
                                     f"copy your answer into a fresh copy of the lesson and submit that.")
        if damaged:
            meta[DAMAGED] = damaged
            self.log.warning("%s: %s", name, "; ".join(damaged.values()))
        return nb, resources


RefuseLinks = CheckSubmission  # the name earlier configurations used


def _size(value) -> int:
    """About how many bytes a kernel message's content holds (what keeping it would cost)."""
    try:
        return len(json.dumps(value, default=str))
    except (TypeError, ValueError):
        return len(str(value))


_SPARE = {}  # the next kernel, booting while a notebook runs: {how it was made: its manager}


@atexit.register
def _discard_spares():
    while _SPARE:
        with contextlib.suppress(Exception):
            run_sync(_SPARE.popitem()[1].shutdown_kernel)(now=True)


class SandboxedExecute(Execute):
    """nbgrader's Execute with the kernel in bubblewrap; a kernel that dies ends the run, not the grading.

    nbgrader 0.9.6 passes its own kernel manager class when it builds Execute, and nbconvert reloads the
    configuration when it runs; ``create_kernel_manager`` insists on the sandboxed one wherever bwrap works.
    What the kernel prints is capped (``max_output_mb`` for the whole notebook), so a cell that floods its
    output cannot fill nbgrader's own memory. While a notebook runs, the next kernel boots in a sandbox of
    its own, so that grading a class does not wait for each kernel's start.
    """

    max_output_mb = Integer(8, help="output kept from the learner's kernel, the whole notebook together") \
        .tag(config=True)
    run_lesson_cells = Bool(False, help="also run the lesson's own cells after its toolbox (its figures and "
                            "demonstrations), which no score needs").tag(config=True)
    NOT_RUN = ("[not run while grading: this cell belongs to the lesson, not to your answer or its checks. "
               "Run the notebook yourself to see what it shows.]\n")

    def create_kernel_manager(self):
        from .kernel import SandboxedKernelManager, kernel_available
        if kernel_available():
            self.kernel_manager_class = SandboxedKernelManager
        return super().create_kernel_manager()

    async def async_start_new_kernel(self, **kwargs):
        """The kernel started while the last notebook ran, if it was made the same way; then the next one is
        started, to boot while this notebook runs. Each kernel is a fresh sandbox that serves one notebook."""
        from .kernel import SandboxedKernelManager
        if not isinstance(self.km, SandboxedKernelManager):
            return await super().async_start_new_kernel(**kwargs)
        if self.ipython_hist_file and not any(a.startswith("--HistoryManager.hist_file") for a in self.extra_arguments):
            self.extra_arguments = [*self.extra_arguments, f"--HistoryManager.hist_file={self.ipython_hist_file}"]
        key = (self.km.kernel_name, tuple(self.extra_arguments), os.environ.get("NBGRADER_EXECUTION"),
               repr({k: v for k, v in self.config.items() if "Kernel" in k}))  # (not the student's name)
        spare = _SPARE.pop(key, None)
        if spare is not None and await spare.is_alive():
            self.km = spare  # (the manager nbclient made is never started)
            spare.start_clock()
        else:  # the first, or a spare that died (its time limit, say)
            if spare is not None:
                await spare.shutdown_kernel(now=True)
            await super().async_start_new_kernel(**kwargs)
        spare = self.kernel_manager_class(kernel_name=self.km.kernel_name, config=self.config)
        try:
            await spare.start_kernel(extra_arguments=self.extra_arguments)
            _SPARE[key] = spare
        except Exception as exc:  # the next notebook starts its own; this one runs all the same
            self.log.warning("no kernel could be started ahead (%s)", type(exc).__name__)
            with contextlib.suppress(Exception):
                await spare.shutdown_kernel(now=True)

    start_new_kernel = run_sync(async_start_new_kernel)  # (what nbconvert's preprocess calls)

    KEPT = ("stream", "display_data", "execute_result", "error", "update_display_data")

    def process_message(self, msg, cell, cell_index):
        """Every message that would be kept (outputs, display updates, widget comms) counts against the
        cap with all it carries, metadata and tracebacks included; past the cap it is dropped."""
        msg_type = msg.get("msg_type", "")
        if msg_type in self.KEPT or msg_type.startswith("comm"):
            self._output_bytes = getattr(self, "_output_bytes", 0) + _size(msg.get("content"))
            if self._output_bytes > self.max_output_mb << 20:
                if not getattr(self, "_output_capped", False):
                    self._output_capped = True
                    cell.outputs.append(new_output("stream", name="stdout", text=f"\n[output cut: this notebook "
                                                   f"printed more than {self.max_output_mb} MB]\n"))
                return None
        return super().process_message(msg, cell, cell_index)

    def preprocess_cell(self, cell, resources, index):
        if index in self._not_run:
            cell.outputs, cell.execution_count = [new_output("stream", name="stdout", text=self.NOT_RUN)], None
            return cell, resources
        return super().preprocess_cell(cell, resources, index)

    def lesson_cells(self, nb):
        """The code cells after the toolbox that are neither an answer nor its checks: their outputs are the
        lesson's figures and demonstrations, which no score needs (scores are computed outside the kernel,
        and a check cell's output is replaced by that verdict). Grading runs the set-up, the imports, the
        toolbox, the answers and their checks."""
        kind = [(c.metadata.get("nbgrader") or {}) if c.cell_type == "code" else None for c in nb.cells]
        toolbox = next((i for i, k in enumerate(kind) if k and k.get("grade_id") == "toolbox"), None)
        if self.run_lesson_cells or toolbox is None:
            return set()
        return {i for i, k in enumerate(kind) if i > toolbox and k is not None
                and not (k.get("solution") or k.get("grade"))}

    def preprocess(self, nb, resources, km=None):
        self._output_bytes, self._output_capped = 0, False
        self._not_run = self.lesson_cells(nb)
        try:
            return super().preprocess(nb, resources, km=km)
        except Exception as exc:  # DeadKernelError, a kernel that would not start or stop: grading goes on
            self.log.warning("the learner's kernel stopped (%s: %s); the grade comes from the sandboxed "
                             "grader all the same", type(exc).__name__, str(exc)[:200])
            nb.metadata.setdefault("autograder", {})["kernel_stopped"] = type(exc).__name__
            return nb, resources


class SafeOutputs(NbGraderPreprocessor):
    """What the learner's notebook shows, made safe to open: the instructor reads autograded notebooks in
    formgrader, in a browser logged in to the gradebook, so nothing from a learner may run there.

    Outputs keep plain text and PNG/JPEG images; HTML is cleaned with bleach (no scripts, no event
    handlers, no frames), and JavaScript, SVG, Markdown and widget outputs become their text form.
    Markdown cells are the course's own (restored from the lesson's source) or, for cells the learner
    added, plain text.
    """

    SAFE_MIME = ("text/plain", "image/png", "image/jpeg")

    def preprocess(self, nb, resources):
        course_cells = self.course_markdown(resources)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.pop("attachments", None)
                cell.source = course_cells.get(cell.get("id"), escape_markdown(cell.source))
            for out in cell.get("outputs", []):
                if "metadata" in out:
                    out["metadata"] = {}  # nothing of a learner's output metadata is needed to read it
                if out.get("output_type") == "error":
                    out["ename"] = str(out.get("ename", ""))[:200]
                    out["evalue"] = str(out.get("evalue", ""))[:2000]
                    out["traceback"] = [str(line)[:2000] for line in out.get("traceback", [])[:50]]
                data = out.get("data")
                if not isinstance(data, dict):
                    continue
                for mime in list(data):
                    if mime == "text/html":
                        data[mime] = clean_html(data[mime])
                    elif mime not in self.SAFE_MIME:
                        del data[mime]
                if not data:
                    data["text/plain"] = "[an output removed for safety]"
        return nb, resources

    def course_markdown(self, resources):
        """The lesson's own markdown cells, by cell id, from its source notebook."""
        import nbformat
        info = resources["nbgrader"]
        path = course_root(self.config) / "solutions" / info["assignment"] / f"{info['notebook']}.ipynb"
        try:
            source = nbformat.read(path, as_version=4)
        except Exception:  # no source at hand: every markdown cell is shown as plain text
            return {}
        return {c.get("id"): c.source for c in source.cells if c.cell_type == "markdown"}


def clean_html(text):
    import bleach
    from bleach.css_sanitizer import CSSSanitizer
    text = "".join(text) if isinstance(text, list) else str(text)
    tags = {"a", "b", "i", "em", "strong", "code", "pre", "br", "p", "div", "span", "small", "table", "thead",
            "tbody", "tr", "td", "th", "ul", "ol", "li", "details", "summary", "h1", "h2", "h3", "h4", "sub", "sup"}
    return bleach.clean(text, tags=tags, attributes={"*": ["style", "class", "title"], "a": ["href"]},
                        protocols={"http", "https"}, css_sanitizer=CSSSanitizer(), strip=True)


def escape_markdown(text):
    """A learner's own markdown, shown as text: every character that could start HTML escaped."""
    import html
    text = "".join(text) if isinstance(text, list) else str(text)
    return html.escape(text, quote=False)


class GradeOutsideKernel(NbGraderPreprocessor):
    """Replace the lesson's test cell outputs with the sandboxed grader's verdict (the only score)."""

    results_directory = Unicode("results", help="where each submission's full report is saved, "
                                                "relative to the course directory").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        try:
            lesson = course_of(self.config).lesson(info["assignment"])
        except CourseError:
            return nb, resources  # not one of the course's lessons: nbgrader's own scoring stands
        if not lesson.graded:
            return nb, resources  # the capstone carries no points
        if len(lesson.functions) > 1:
            return self.preprocess_several(nb, resources, lesson)
        report, source = self.grade(nb, lesson)
        tests = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade")
                 and c.cell_type == "code" and c.metadata["nbgrader"].get("grade_id") == f"check_{lesson.function}"]
        for cell in tests:
            cell.outputs = verdict_outputs(report, lesson)
        self.save(report, lesson, info["student"], source)
        return nb, resources

    def preprocess_several(self, nb, resources, lesson):
        """A lesson of several functions (the bug hunt): each function's own test cell gets its own verdict
        (and its points, by nbgrader); one report for the lesson is saved, its functions' inside."""
        graded = []
        for view in lesson.per_function:
            report, source = self.grade(nb, view)
            for cell in nb.cells:
                meta = cell.get("metadata", {}).get("nbgrader", {})
                if cell.cell_type == "code" and meta.get("grade") and meta.get("grade_id") == f"check_{view.function}":
                    cell.outputs = verdict_outputs(report, view)
            graded.append((view, report, source))
        self.save_several(graded, lesson, resources["nbgrader"]["student"])
        return nb, resources

    def grade(self, nb, lesson) -> tuple[FunctionReport, str | None]:
        """The report, and the source of the graded cell it judged (None when there was none to judge)."""
        noted = nb.metadata.get("autograder", {})
        if noted.get(REFUSED):
            return FunctionReport(lesson.function, problem=noted[REFUSED]), None
        if lesson.function in noted.get(DAMAGED, {}):
            return FunctionReport(lesson.function, problem=noted[DAMAGED][lesson.function]), None
        cells = graded_cells("notebook", {"cells": nb.cells}).get(lesson.function, [])
        cell, problem = pick_cell(lesson.function, cells)
        if cell is None:
            return FunctionReport(lesson.function, problem=problem), None
        from .cell import grade_source, too_large
        refused = too_large(lesson.function, cell.source)  # before anything parses or fingerprints it
        if refused:
            return refused, None
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
                lesson.score(report), "max_points": lesson.points, "scoring": lesson.scoring,
                "isolation": isolation()._asdict(), **report.to_dict(), **cell}
        path = folder / f"{student}.json"
        path.with_suffix(".tmp").write_text(json.dumps(data, indent=1))
        os.replace(path.with_suffix(".tmp"), path)


    def save_several(self, graded, lesson, student):
        """``results/<lesson>/<student>.json`` for a lesson of several functions: the lesson's report (each
        check named after its function, see ``FunctionReport.combined``), its points, and under
        ``functions`` each function's own report, points and fingerprint. Code still as the course handed
        it out has no fingerprint: it is nobody's own work."""
        from .provenance import combined_fingerprint, handed_out
        root = course_root(self.config)
        parts, prints = [], []
        for view, report, source in graded:
            fp = None if source is None or handed_out(lesson.id, view.function, source, root) else fingerprint(source)
            prints.append((view.function, fp))
            parts.append({"name": view.function, "points": view.score(report),
                          "max_points": view.points, **report.to_dict(),
                          **(fp.to_dict() if fp else {"source_digest": None, "source_tokens": None})})
        report = FunctionReport.combined(", ".join(lesson.functions), [r for _, r, _ in graded])
        fp = combined_fingerprint(prints)
        data = {"student": student, "lesson": lesson.id, **report.to_dict(),
                "points": round(sum(p["points"] for p in parts), 2), "max_points": lesson.points,
                "scoring": lesson.scoring,
                "isolation": isolation()._asdict(),
                **(fp.to_dict() if fp else {"source_digest": None, "source_tokens": None}), "functions": parts}
        folder = root / self.results_directory / lesson.id
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{student}.json"
        path.with_suffix(".tmp").write_text(json.dumps(data, indent=1))
        os.replace(path.with_suffix(".tmp"), path)


def verdict_outputs(report: FunctionReport, lesson=None) -> list:
    """The test cell's outputs: the verdict (HTML and text), then, when it fails, an error (0 points) or, for a
    lesson scored per check that earns part of its points, those points as the cell's result: nbgrader reads
    a number there as the cell's partial credit (``nbgrader.utils.get_partial_grade``)."""
    note = f"Graded outside your notebook, with every check · {isolation().label}"
    flags = "".join(f"\nFlag for the instructor: {flag}" for flag in report.flags)
    html = feedback_html(render.html_table(report) + f'<div style="color:#57606a;font-size:85%">'
                         f'{render.escape(note)}' + "".join(f"<div><b>Flag for the instructor:</b> "
                                                            f"{render.escape(flag)}</div>" for flag in report.flags)
                         + "</div>")
    outputs = [new_output("display_data", data={"text/html": html,
                                                "text/plain": render.text(report) + f"\n{note}{flags}"})]
    earned = lesson.score(report) if lesson is not None and not report.passed else 0
    if earned:
        why = (f"{earned:g} of {lesson.points} points: {report.n_passed} of {len(report.results)} checks pass "
               f"(a share of the points for each check that passes)")
        outputs.append(new_output("execute_result", execution_count=None, data={
            "text/plain": f"{earned:g}", "text/html": f"<div><b>{render.escape(why)}</b></div>"}))
        return outputs
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
