"""Finding a learner's graded cells in their notebooks, by nbgrader ``grade_id``.

Plain JSON reading, so it works wherever the checks do. A notebook that
cannot be read, or whose graded cell was deleted or duplicated, gets a
message that says which cell and how to recover it.
"""
import json
from dataclasses import dataclass
from pathlib import Path

RECOVER = ("To recover it, open a fresh copy of the lesson (from the course's lessons/ folder, or "
           "`nbgrader fetch_assignment` again) and copy the cell across with your code in it.")


class NotebookError(ValueError):
    """A notebook that cannot be read; the message names the file and the fix."""


@dataclass
class GradedCell:
    path: Path
    index: int        # the cell's position in the notebook, from 1
    source: str
    id: str = ""      # the cell's id: the build gives each cell its lesson's id and a number ("24_bug_hunt-21")


MAX_NOTEBOOK_BYTES = 25 << 20  # a lesson with all its outputs is well under 5 MB


def read_notebook(path):
    """The notebook's JSON as a dict, or NotebookError with a plain explanation."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise NotebookError(f"{path} does not exist.") from None
    except OSError as exc:
        raise NotebookError(f"{path} cannot be read ({exc.__class__.__name__}). {RECOVER}") from None
    if size > MAX_NOTEBOOK_BYTES:
        raise NotebookError(f"{path.name} is {size / 2**20:.0f} MB, more than a lesson notebook can be "
                            f"({MAX_NOTEBOOK_BYTES >> 20} MB): clear its outputs (Edit > Clear Outputs of All Cells), "
                            f"save, and submit it again.")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotebookError(f"{path} does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise NotebookError(f"{path} cannot be read ({exc.__class__.__name__}). {RECOVER}") from None
    try:
        nb = json.loads(text)
    except (RecursionError, MemoryError):
        raise NotebookError(f"{path.name} is damaged: its JSON is nested too deeply to be a notebook. "
                            f"{RECOVER}") from None
    except json.JSONDecodeError as exc:
        raise NotebookError(
            f"{path.name} is damaged: it is not valid notebook JSON (line {exc.lineno}, column {exc.colno}), "
            f"so none of its cells can be graded. If Jupyter still opens it, save it again; otherwise "
            f"{RECOVER[0].lower()}{RECOVER[1:]}") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError(f"{path.name} is not a Jupyter notebook (it has no list of cells). {RECOVER}")
    return nb


def cell_source(cell):
    source = cell.get("source", "") if isinstance(cell, dict) else ""
    return "".join(s for s in source if isinstance(s, str)) if isinstance(source, list) else str(source)


def nbgrader_meta(cell):
    meta = cell.get("metadata", {}) if isinstance(cell, dict) else {}
    nbg = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
    return nbg if isinstance(nbg, dict) else {}


def graded_cells(path, nb=None):
    """grade_id -> [GradedCell] for the solution cells of one notebook."""
    nb = nb if nb is not None else read_notebook(path)
    found = {}
    for index, cell in enumerate(nb["cells"], start=1):
        meta = nbgrader_meta(cell)
        if meta.get("solution") and isinstance(meta.get("grade_id"), str) and meta["grade_id"]:
            cell_id = cell.get("id") if isinstance(cell.get("id"), str) else ""
            found.setdefault(meta["grade_id"], []).append(GradedCell(Path(path), index, cell_source(cell), cell_id))
    return found


def belongs_to(cell, lesson, course):
    """Is this graded cell ``lesson``'s? A function graded by one lesson: always. A function graded by
    several (one_hot in lesson 1 and in the bug hunt): the cell is the lesson's whose notebook holds it,
    else the lesson its cell id names, else the lesson that teaches the function."""
    graders = [v for v in course.per_function if v.function == lesson.function]
    if len(graders) < 2:
        return True
    owner = next((v for v in graders if cell.path.name == v.notebook), None) \
        or next((v for v in graders if cell.id.startswith(f"{v.id}-")), None) or graders[0]
    return owner.id == lesson.id


def all_grade_ids(nb):
    """Every grade_id in a notebook, solution or test cell."""
    return {g for c in nb["cells"] if isinstance(g := nbgrader_meta(c).get("grade_id"), str)}


def pick_cell(function, cells):
    """(the one graded cell for ``function``, "") or (None, what is wrong) when missing or duplicated.

    A duplicated cell is not graded, as nbgrader cannot grade it either (its autograde of the
    notebook fails): the message says which cells and what to do.
    """
    if not cells:
        return None, (f"the graded cell for {function} is missing: it was deleted, or its metadata was lost "
                      f"when it was copied (its nbgrader grade_id is {function!r}). {RECOVER}")
    if len(cells) > 1:
        where = ", ".join(f"{c.path.name} cell {c.index}" for c in cells)
        return None, (f"the graded cell for {function} appears {len(cells)} times ({where}), so it cannot be "
                      f"graded: delete the extra copies, keeping the one with your answer, and submit again.")
    return cells[0], ""
