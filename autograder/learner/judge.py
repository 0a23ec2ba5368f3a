"""Judging a learner's function: checks, known mistakes, and the report they make.

A *runner* turns cases into outcomes: in this process for the notebook's
check cell (``autograder.learner.call``), in a sandbox for grading
(``autograder.grader.sandbox``). Checks then judge the outcomes here, in the
judging process, against expected values from an *oracle*: values stored
with the course (``autograder.learner.fixtures``) or the live reference
(``autograder.grader.oracle``, instructors only). Every message says what
was expected, what came back and, when the answer behaves like a known
mistake, that mistake and the idea behind the fix.

Pure NumPy: this runs in Jupyter, Colab and the browser alike.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .fingerprint import signature, signatures_match
from .model import CheckResult, FunctionReport

NOT_ATTEMPTED = ("not attempted yet: replace `raise NotImplementedError()` with your code, "
                 "then run this cell again.")


@dataclass
class Mistake:
    """A known wrong answer: how to recognise it and what to tell the learner."""

    id: str
    title: str
    """What the learner did, e.g. "softmax without subtracting the maximum"."""
    hint: str
    """The idea behind the fix, in a sentence or two: what to think about, never the line itself."""
    fix: str = ""
    """The exact fix (a line of code), shown only when the learner asks for it."""
    matches: Callable | None = None
    """A custom test (judge, case_name) -> bool; by default, the same output as the catalogued version."""
    error: tuple | None = None
    """(exception type, a regular expression found in its message, or a test (judge, case_name, message) ->
    bool) that also means this mistake."""
    cases: tuple = ()
    """The cases whose outcome it can explain (its matcher may look at others); empty: any case."""


ARRAY_TRUTH = Mistake("array_truth", "asking a whole array one yes-or-no question",
                      "`if`, `and`, `or`, `not` and Python's own `max` want one True or False, and NumPy will not "
                      "say whether a whole array is true. Compare entry by entry with NumPy's functions "
                      "(np.maximum, np.where, a comparison like `Z > 0`), or test for None with `is None`.")

IN_PLACE = Mistake("in_place", "changing an input in place",
                   "your function changed an array it was given, and the caller still needs it as it was "
                   "(the backward pass, for one). Compute into a new array instead of assigning into, or "
                   "using -=, += or *= on, an input.")


@dataclass
class Check:
    """One check of a function, in the order a learner should meet them."""

    id: str
    purpose: str
    """One line a learner can read: "handles a batch with no 9"."""
    run: Callable
    """(judge) -> None when it passes, else the message."""
    case: str = ""
    """The case it judges; a check of a "hidden..." case is hidden."""
    gate: bool = False
    """When it fails, the checks after it are skipped."""
    uses: tuple = ()
    """Further cases it looks at."""

    @property
    def hidden(self) -> bool:
        return self.case.startswith("hidden")


@dataclass
class Suite:
    """Everything the course checks about one graded function."""

    function: str
    output: object
    """An ``spec`` (Arr / Num / Tup / Dct): what the function returns."""
    checks: list
    mistakes: list = field(default_factory=list)
    expects: bool = True
    """False: judged by properties only, no expected values."""
    args: tuple = ()
    """The parameters the checks pass by position, in order (to fit a call to another signature, and for
    messages about changed inputs)."""
    signature: str = ""
    """The lesson's signature, e.g. "init_params(rng=None)"."""
    writable: tuple = ()
    """Parameters the function may change while it runs (and must put back: numerical_gradient's x); every
    other input is read-only, so an in-place change raises at once."""
    yields: bool = False
    """True: a function that yields its items is judged on what it yields (minibatches); otherwise a
    generator is a wrong type of answer, since the lesson's next cells index it and take its len()."""

    def case_names(self, include_hidden: bool = True) -> list:
        """The cases the checks judge, in the order the checks first use them."""
        names = []
        for check in self.checks:
            if check.hidden and not include_hidden:
                continue
            for name in (check.case,) + check.uses:
                if name not in names:
                    names.append(name)
        return names


def _listed(known):
    """A mistake's stored outcomes as a list (one per way of making it)."""
    if not known:
        return []
    return known if isinstance(known, list) else [known]


class Judge:
    """What a check can ask about: cases, outcomes, expected values, known mistakes."""

    def __init__(self, suite, cases, outcomes, oracle):
        self.suite, self.cases, self.outcomes, self.oracle = suite, cases, outcomes, oracle
        self.function = suite.function
        self.spec = suite.output
        self.named = None  # the mistake the check being run named, if any

    def case(self, name):
        return self.cases[name]

    def outcome(self, name):
        return self.outcomes[name]

    def expected(self, name):
        return self.oracle.expected(self.function, name)

    def value(self, name):
        """The value a case returned, or None if it raised (the 'returns' check reports that)."""
        out = self.outcomes[name]
        return None if out.failure else out.value

    def mistake(self, name):
        """The catalogued mistake this case's outcome looks like, or None.

        The evidence must fit: an answer that changed its inputs is named for
        that first; a known wrong answer is recognised by its output only when
        this answer's output is wrong too (on an easy case a mistake can give
        the right numbers, which proves nothing).
        """
        out = self.outcomes[name]
        if out.failure is None and self.changed_input(name) or out.failure is not None and \
                out.failure.type in ("ValueError", "TypeError") and "read-only" in out.failure.message:
            return next((m for m in self.suite.mistakes if m.id == "in_place"), IN_PLACE)
        if out.failure is None:
            order = self.order_mistake(name)
            if order is not None:
                return order
        for mistake in self.suite.mistakes:
            if mistake.cases and name not in mistake.cases:
                continue
            if out.failure is not None:
                if mistake.error and out.failure.type == mistake.error[0] and (
                        mistake.error[1](self, name, out.failure.message) if callable(mistake.error[1])
                        else re.search(mistake.error[1], out.failure.message)):
                    return mistake
                known = self.oracle.mistake_outcome(self.function, name, mistake.id) or []
                if any(k.get("error") == [out.failure.type, out.failure.message] for k in _listed(known)):
                    return mistake
                continue
            if mistake.matches is not None:
                with np.errstate(all="ignore"):
                    try:
                        if mistake.matches(self, name):
                            return mistake
                    except Exception:  # a matcher meeting an odd value: no match
                        pass
                continue
            known = _listed(self.oracle.mistake_outcome(self.function, name, mistake.id))
            if known and not self.right_on(name):
                mine = signature(out.value)
                if any("signature" in k and signatures_match(mine, k["signature"]) for k in known):
                    return mistake
        if out.failure is not None and "truth value of an array" in out.failure.message:
            return ARRAY_TRUTH
        return None

    def order_mistake(self, name):
        """The items of a returned tuple in another order than the lesson's, or None.

        By value where the course has expected values, by shape otherwise: a
        permutation of the right items is named as such, before any other cause.
        """
        from itertools import permutations

        from .spec import Arr, Tup, shape_for, value_difference
        spec, value = self.spec, self.value(name)
        if not isinstance(spec, Tup) or not all(isinstance(i, Arr) for i in spec.items) \
                or not isinstance(value, (tuple, list)) or len(value) != len(spec.items) or len(value) > 6:
            return None
        n = len(value)
        if self.suite.expects:
            want = self.expected(name)
            rtol = self.cases[name].rtol
            fits = [[isinstance(value[i], np.ndarray) and np.shape(value[i]) == np.shape(want[j])
                     and value_difference(value[i], want[j], rtol, "x") is None for j in range(n)] for i in range(n)]
        else:
            dims = self.cases[name].dims
            fits = [[isinstance(value[i], np.ndarray) and value[i].shape == shape_for(spec.items[j], dims)
                     for j in range(n)] for i in range(n)]
        if all(fits[i][i] for i in range(n)):
            return None
        for order in permutations(range(n)):
            if all(fits[i][order[i]] for i in range(n)):
                names = [spec.items[j].name for j in order]
                right = ", ".join(item.name for item in spec.items)
                catalogued = next((m for m in self.suite.mistakes if m.id == "wrong_order"), None)
                if catalogued is not None:
                    return catalogued
                return Mistake("wrong_order", f"returning the {n} items in another order",
                               f"your function returns {', '.join(names)}; the caller unpacks them as {right}, "
                               f"in the order the lesson gives, so each lands in the wrong place.",
                               catalogued.fix if catalogued and catalogued.fix else f"`return {right}`")
        return None

    def right_on(self, name):
        """Does the answer give the expected value on this case (by the case's tolerance)?"""
        if not self.suite.expects:
            return False
        from .spec import leaves, value_difference
        try:
            got, want = self.value(name), self.expected(name)
            return all(value_difference(g, w, self.cases[name].rtol, "x") is None
                       for (_, g), (_, w) in zip(leaves(self.spec, got), leaves(self.spec, want)))
        except Exception:  # a value of the wrong structure is not right
            return False

    def changed_input(self, name):
        """The name of an input array the call modified (an in-place update), or None."""
        from .spec import input_arrays
        out = self.outcomes[name]
        c = self.cases[name]
        if out.inputs_after is None:
            return None
        for (key, before), after in zip(input_arrays(c.args, c.kwargs), out.inputs_after):
            if after is not None and not (isinstance(after, np.ndarray) and after.shape == before.shape
                                          and np.array_equal(after, before, equal_nan=True)):
                return self._input_name(key)
        return None

    def _input_name(self, key):
        """An input's name for people: the argument's name, or its place inside a list (cache[0][1])."""
        names = self.suite.args
        if isinstance(key, int):
            return names[key] if key < len(names) else str(key)
        head, bracket, rest = str(key).partition("[")
        if bracket and head.isdigit() and int(head) < len(names):
            return f"{names[int(head)]}[{rest}"
        return str(key)

    def explain(self, name, message, prefer=None):
        """``message``, followed by the known mistake the outcome resembles, if any.

        The mistake's idea and fix are kept aside (``self.named``) for the
        report, which shows each distinct idea once and the fix on request.
        ``prefer``: a mistake id to try first (the one this check is about).
        """
        if "This looks like " in message:
            return message
        mistake = None
        if prefer:
            chosen = next((m for m in self.suite.mistakes if m.id == prefer), None)
            if chosen is not None and chosen.matches is not None:
                try:
                    with np.errstate(all="ignore"):
                        mistake = chosen if chosen.matches(self, name) else None
                except Exception:  # a matcher meeting an odd value: no match
                    mistake = None
        mistake = mistake or self.mistake(name)
        if mistake:
            if self.named is None:
                self.named = mistake
            return f"{message} This looks like {mistake.title}."
        return message

    def failure_message(self, name):
        """A message for a call that gave no value, or None if it returned."""
        out = self.outcomes[name]
        if out.failure is None:
            if out.yielded and not self.suite.yields:
                return (f"{self.function} gave a generator (it uses yield, or returns a generator expression), "
                        f"where the lesson expects a list: the cells that use it take its len() and index it, "
                        f"which a generator cannot do. Collect the items in a list and return that list.")
            return None
        if out.failure.type == "NotImplementedError":
            return NOT_ATTEMPTED
        message = out.failure.describe(self.function) + "."
        if out.failure.type == "NameError":
            message += " " + self.missing_name(out.failure.message)
        return self.explain(name, message)

    def missing_name(self, error):
        """Where a name the learner's function used should have come from."""
        import re
        found = re.search(r"name '(\w+)' is not defined", error)
        if not found:
            return ""
        missing = found.group(1)
        try:
            from .course import load_course
            course = load_course()
            lesson = course.lesson_for(missing)
        except Exception:  # not a course function
            lesson = None
        if lesson is not None:
            return (f"`{missing}` is lesson {lesson.number}'s function: it comes from the toolbox cell near the "
                    f"top of this notebook, so run that cell first.")
        return (f"`{missing}` is not defined where {self.function} runs: graded functions run from your graded "
                f"cell alone (after the course's toolbox), so a helper it calls must be defined in that cell, and "
                f"anything else it needs must come in through its arguments, never from a variable of another cell.")


def hidden_message(judge, check, named):
    """What a failing hidden check may say: never its inputs, its expected values or an exception's text."""
    out = judge.outcomes.get(check.case)
    what = "does not give the expected result"
    if out is not None and out.failure is not None:
        what = {"timeout": "runs past its time limit", "memory": "runs out of memory"}.get(
            out.failure.kind, f"raises {out.failure.type or 'an error'}")
    message = (f"{judge.function} {what} on inputs kept hidden (of the same kind as the visible checks'): "
               f"look at the checks above, and at what they do not try.")
    return message + (f" This looks like {named.title}." if named else "")


def run_checks(suite, cases, outcomes, oracle, include_hidden=False):
    """Judge ``outcomes`` (case name -> Outcome) with the suite's checks; return a FunctionReport."""
    report = FunctionReport(suite.function)
    judge = Judge(suite, cases, outcomes, oracle)
    main = suite.checks[0].case
    first = outcomes[main]
    if first.failure is not None and first.failure.type == "NotImplementedError":
        report.not_attempted = True
        report.results.append(CheckResult("attempted", "the function has been written", "fail", NOT_ATTEMPTED))
        return report
    blocked = ""
    for check in suite.checks:
        if check.hidden and not include_hidden:
            continue
        if blocked:
            report.results.append(CheckResult(check.id, check.purpose, "skip",
                                              f"skipped until '{blocked}' passes", check.hidden))
            continue
        judge.named = None
        with np.errstate(all="ignore"):
            try:
                message = check.run(judge)
            except Exception as exc:  # a bug in a check must never look like the learner's
                message = f"internal error in this check ({type(exc).__name__}: {exc}); please report it."
        status = "pass" if message is None else "fail"
        named = judge.named if status == "fail" else None
        if status == "fail" and check.hidden:
            message = hidden_message(judge, check, named)
        report.results.append(CheckResult(check.id, check.purpose, status, message or "", check.hidden,
                                          named.id if named else "", named.hint if named else "",
                                          named.fix if named else ""))
        if status == "fail" and check.gate:
            blocked = check.purpose
    return report
