"""Proving the autograder: every catalogued mistake is caught with its hint; right variants pass; every
shown fix, applied exactly, passes.

``python -m autograder mutants`` runs each wrong version in ``grader/functions/``
through the grading sandbox (live reference, hidden checks included) and
through the notebook's check (stored fixtures), and each correct variant
through both. It prints a table and exits non-zero unless every mistake is
caught and named and every variant passes. ``fix_trials`` applies each
mistake's shown fix (``judge.Fix``, its edits) to its wrong versions: the
whole fix must pass, and a part of it must still leave a hint.
"""
import ast
import itertools
import re
import textwrap
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ..learner.checking import judge as notebook_judge
from ..learner.course import load_course
from ..learner.pysource import parse
from ..learner.functions import suite
from ..learner.judge import Fix
from ..learner.pysource import parse
from .functions import mutant_sources, variants
from .oracle import LiveOracle, mutant_function
from .cell import grade_source


@dataclass
class Trial:
    function: str
    name: str          # a mistake id, or "variant N"
    wrong: bool        # a catalogued mistake (must fail, with its hint) or a right variant (must pass)
    title: str
    sandbox: object    # FunctionReport
    notebook: object   # FunctionReport

    def hinted(self, report):
        return any(self.title in r.message for r in report.results) or self.title in report.problem

    def caught(self, report):
        """Failed, or (a mistake its check only notes, such as part 1's float64) passed with that note."""
        return not report.passed or any(r.status == "warn" and self.title in r.message for r in report.results)

    @property
    def ok(self):
        if self.wrong:
            return all(self.caught(r) and self.hinted(r) for r in (self.sandbox, self.notebook))
        return self.sandbox.passed and self.notebook.passed and not (self.sandbox.noted or self.notebook.noted)


def _indent(line):
    return line[:len(line) - len(line.lstrip())]


def _statement(code):
    """Is this a whole statement (an assignment, a return, a loop header), matched only as a whole line?"""
    if re.match(r"(for|if|elif|else|while|def|with)\b", code):
        return True
    try:
        tree = parse(code)
    except SyntaxError:
        return False
    return bool(tree.body) and not isinstance(tree.body[0], ast.Expr)


def apply_edit(source, edit):
    """``source`` with one ``judge.Edit`` applied as a learner would apply it, and whether it applied.

    A piece of a line (not a whole statement) replaced by one line: every occurrence of the text is
    replaced. Otherwise whole lines, compared without their indentation: the
    lines of ``old`` (compared without their indentation) are replaced by ``new``, or ``new`` is added after
    the line holding ``old``, at that line's indentation (one level deeper after a line ending with ":")."""
    lines = source.split("\n")
    new = textwrap.dedent(edit.new).strip("\n").split("\n") if edit.new.strip() else []
    for old in edit.olds:
        old_lines = [line.strip() for line in textwrap.dedent(old).strip("\n").split("\n")]
        if edit.where == "replace" and len(old_lines) == 1 and len(new) <= 1 and not _statement(old_lines[0]) \
                and old_lines[0] in source:
            return source.replace(old_lines[0], new[0] if new else ""), True
        n = len(old_lines)
        for i in range(len(lines) - n + 1):
            window = [line.strip() for line in lines[i:i + n]]
            here = (window == old_lines) if (n > 1 or edit.where == "replace") else old_lines[0] in lines[i]
            if not here:
                continue
            if edit.where == "after":
                last = lines[i + n - 1]
                pad = _indent(last) + ("    " if last.rstrip().endswith(":") else "")
                return "\n".join(lines[:i + n] + [pad + line for line in new] + lines[i + n:]), True
            pad = _indent(lines[i])
            return "\n".join(lines[:i] + [pad + line for line in new] + lines[i + n:]), True
    return source, False


def apply_fix(source, edits):
    """(``source`` with the edits applied, how many applied)."""
    applied = 0
    for edit in edits:
        source, done = apply_edit(source, edit)
        applied += done
    return source, applied


@dataclass
class FixTrial:
    function: str
    name: str                 # the mutant, as in Trial
    mistake: str
    applied: int              # edits of the fix that applied to this wrong version
    edits: int
    report: object            # the notebook's verdict on the fully fixed source
    partial: list = field(default_factory=list)   # [(edits applied, FunctionReport)] for each part of the fix
    source: str = ""

    @property
    def ok(self):
        """The whole fix passes with no note, and every part of it that does not pass still names a mistake."""
        return self.applied > 0 and self.report.passed and not self.report.noted and all(
            r.passed or r.mistakes for _, r in self.partial)


def fix_trials(functions=None, oracle=None):
    """Apply every catalogued mistake's shown fix to each of its wrong versions, and each part of a fix of
    several edits (every subset of them), and judge the results with the notebook's check."""
    functions = functions or list(load_course().functions)
    out = []
    for function in functions:
        fixes = {m.id: m.fix for m in suite(function).mistakes}
        for mistake_id, sources in mutant_sources(function).items():
            fix = fixes.get(mistake_id)
            for k, source in enumerate(sources):
                name = mistake_id if k == 0 else f"{mistake_id}#{k + 1}"
                edits = list(fix.edits) if isinstance(fix, Fix) else []
                fixed, applied = apply_fix(source, edits)
                report = notebook_judge(function, mutant_function(function, name, fixed), oracle=oracle)
                partial = []
                usable = [e for e in edits if apply_edit(source, e)[1]]
                for size in range(1, len(usable)):
                    for part in itertools.combinations(usable, size):
                        src, _ = apply_fix(source, part)
                        partial.append((part, notebook_judge(function, mutant_function(function, name, src),
                                                             oracle=oracle)))
                out.append(FixTrial(function, name, mistake_id, applied, len(edits), report, partial, fixed))
    return out


def run_trials(functions=None, jobs=2):
    oracle = LiveOracle()
    functions = functions or list(load_course().functions)
    todo = []
    for function in functions:
        titles = {m.id: m.title for m in suite(function).mistakes}
        for mistake_id, sources in mutant_sources(function).items():
            for k, source in enumerate(sources):
                name = mistake_id if k == 0 else f"{mistake_id}#{k + 1}"
                todo.append((function, name, True, titles[mistake_id], source))
        for i, source in enumerate(variants(function), start=1):
            todo.append((function, f"variant {i}", False, "", source))
    for function in functions:
        oracle.cases(function)

    def trial(item):
        function, name, wrong, title, source = item
        sandbox = grade_source(function, source, oracle)
        notebook = notebook_judge(function, mutant_function(function, name, source))
        return Trial(function, name, wrong, title, sandbox, notebook)

    with ThreadPoolExecutor(jobs) as pool:
        return list(pool.map(trial, todo))


def main(args):
    trials = run_trials(args.function or None)
    wrong = [t for t in trials if t.wrong]
    right = [t for t in trials if not t.wrong]
    width = max(len(f"{t.function}/{t.name}") for t in trials)
    print(f"{'mistake':<{width}}  sandbox           notebook")
    for t in wrong:
        cells = []
        for r in (t.sandbox, t.notebook):
            cells.append("MISSED" if not t.caught(r) else ("caught + hint" if t.hinted(r) else "caught, NO HINT")
                         + (" (note)" if r.passed and t.caught(r) else ""))
        print(f"{t.function + '/' + t.name:<{width}}  {cells[0]:<16}  {cells[1]}")
    print()
    for t in right:
        cells = ["passes" if r.passed else "FALSE ALARM: " + r.first_failure[:60] for r in (t.sandbox, t.notebook)]
        print(f"{t.function + '/' + t.name:<{width}}  {cells[0]:<16}  {cells[1]}")
    caught = sum(t.ok for t in wrong)
    passing = sum(t.ok for t in right)
    fixes = fix_trials(args.function or None)
    for t in fixes:
        if not t.ok:
            print(f"{t.function}/{t.name}: its shown fix " + ("does not pass when applied" if not t.report.passed
                                                             else "leaves a part with no hint"))
    fixed = sum(t.ok for t in fixes)
    parts = sum(len(t.partial) for t in fixes)
    print(f"\nmistakes caught with their hint by both runners: {caught}/{len(wrong)} "
          f"({100 * caught / max(len(wrong), 1):.0f}%); right variants passing both: {passing}/{len(right)}; "
          f"shown fixes that pass when applied, with a hint after any part of them: {fixed}/{len(fixes)} "
          f"({parts} partial fixes tried)")
    return 0 if caught == len(wrong) and passing == len(right) and fixed == len(fixes) else 1
