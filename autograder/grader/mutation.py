"""Proving the autograder: every catalogued mistake is caught with its hint; right variants pass.

``python -m autograder mutants`` runs each wrong version in ``grader/functions/``
through the grading sandbox (live reference, hidden checks included) and
through the notebook's check (stored fixtures), and each correct variant
through both. It prints a table and exits non-zero unless every mistake is
caught and named and every variant passes.
"""
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ..learner.checking import judge as notebook_judge
from ..learner.course import load_course
from ..learner.functions import suite
from .functions import mutant_sources, variants
from .oracle import LiveOracle, mutant_function
from .sandbox import grade_source


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

    @property
    def ok(self):
        if self.wrong:
            return all(not r.passed and self.hinted(r) for r in (self.sandbox, self.notebook))
        return self.sandbox.passed and self.notebook.passed


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
            cells.append("MISSED" if r.passed else ("caught + hint" if t.hinted(r) else "caught, NO HINT"))
        print(f"{t.function + '/' + t.name:<{width}}  {cells[0]:<16}  {cells[1]}")
    print()
    for t in right:
        cells = ["passes" if r.passed else "FALSE ALARM: " + r.first_failure[:60] for r in (t.sandbox, t.notebook)]
        print(f"{t.function + '/' + t.name:<{width}}  {cells[0]:<16}  {cells[1]}")
    caught = sum(t.ok for t in wrong)
    passing = sum(t.ok for t in right)
    print(f"\nmistakes caught with their hint by both runners: {caught}/{len(wrong)} "
          f"({100 * caught / max(len(wrong), 1):.0f}%); right variants passing both: {passing}/{len(right)}")
    return 0 if caught == len(wrong) and passing == len(right) else 1
