"""nbgrader's release step, with one course step: a graded cell may start from code, not from a stub.

nbgrader's ``generate_assignment`` replaces each answer between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` with ``raise NotImplementedError()``. The bug hunt (lesson 24) hands the learner
code to repair instead: the original notebook's buggy functions. The build keeps that code in the
source cell's metadata (``autograder.starter``, from the lesson's text); ``StarterCode``, right after
nbgrader's ``ClearSolutions``, puts it where the stub went and removes the metadata, so nbgrader's own
checksums and the gradebook see the student copy as released. ``nbgrader_config.py`` lists the steps
(``RELEASE_STEPS``), so plain ``nbgrader generate_assignment`` does this too.
"""
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ClearHiddenTests,
    ClearMarkScheme,
    ClearOutput,
    ClearSolutions,
    ComputeChecksums,
    IncludeHeaderFooter,
    InstantiateTests,
    LockCells,
    NbGraderPreprocessor,
    SaveCells,
)

STARTER = "starter"


class StarterCode(NbGraderPreprocessor):
    """A graded cell whose metadata carries ``autograder.starter`` starts from that code."""

    def preprocess_cell(self, cell, resources, index):
        meta = cell.get("metadata", {}).get("autograder")
        if isinstance(meta, dict) and STARTER in meta:
            starter = meta.pop(STARTER)
            if not meta:
                del cell.metadata["autograder"]
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
                cell.source = str(starter)
        return cell, resources


# nbgrader 0.9.6's GenerateAssignment.preprocessors, with StarterCode right after ClearSolutions (before the
# checksums and SaveCells, which must see the cell as the student gets it).
RELEASE_STEPS = [IncludeHeaderFooter, InstantiateTests, LockCells, ClearSolutions, StarterCode, ClearOutput,
                 CheckCellMetadata, ComputeChecksums, SaveCells, ClearHiddenTests, ClearMarkScheme,
                 ComputeChecksums, CheckCellMetadata]
