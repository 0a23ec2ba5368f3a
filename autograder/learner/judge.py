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
import textwrap
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .fingerprint import signature, signatures_match
from .model import CheckResult, FunctionReport

NOT_ATTEMPTED = ("not attempted yet: replace `raise NotImplementedError()` with your code, "
                 "then run this cell again.")


@dataclass(frozen=True)
class Edit:
    """One change to a learner's code: ``old`` (as the catalogued mistake writes it; a tuple gives other ways
    of writing it) replaced by ``new``, or, with ``where="after"``, ``new`` added after the line holding
    ``old``. One or more lines each."""

    old: object
    new: str
    where: str = "replace"

    @property
    def olds(self) -> tuple:
        return self.old if isinstance(self.old, tuple) else (self.old,)

    def text(self) -> str:
        first, *others = self.olds
        alt = "".join(f" (or {_code(o)})" for o in others)
        if self.where == "after":
            return f"after {_code(first)}{alt}, add {_code(self.new)}"
        if not self.new:
            return f"delete {_code(first)}{alt}"
        return f"replace {_code(first)}{alt} with {_code(self.new)}"


def _code(text):
    """Code for a message: `inline` for one line, a fenced block for several."""
    text = textwrap.dedent(text).strip("\n")
    return f"\n```\n{text}\n```\n" if "\n" in text else f"`{text}`"


@dataclass(frozen=True)
class Fix:
    """The exact fix of a catalogued mistake, as edits: applied to the catalogued wrong version, in order, they
    make it pass every check (``autograder.grader.mutation`` proves it). ``note``: a sentence after them."""

    edits: tuple
    note: str = ""

    def text(self) -> str:
        parts = [e.text() for e in self.edits]
        said = parts[0] if len(parts) == 1 else "; ".join(parts[:-1]) + "; and " + parts[-1]
        said = said[0].upper() + said[1:]
        said = said if said.endswith("\n") else said + "."
        return (said + (" " + self.note if self.note else "")).strip()


def fix_text(fix) -> str:
    return fix.text() if isinstance(fix, Fix) else str(fix or "")


@dataclass
class Mistake:
    """A known wrong answer: how to recognise it and what to tell the learner."""

    id: str
    title: str
    """What the learner did, e.g. "softmax without subtracting the maximum"."""
    hint: str
    """The idea behind the fix, in a sentence or two: what to think about, never the line itself."""
    fix: object = ""
    """The exact fix, shown only when the learner asks for it: a ``Fix`` (edits that make the catalogued wrong
    version pass), or a sentence for a mistake the catalogue has no wrong version of."""
    matches: Callable | None = None
    """A custom test (judge, case_name) -> bool; by default, the same output as the catalogued version."""
    error: tuple | None = None
    """(exception type, or a tuple of them; a regular expression found in its message, or a test (judge,
    case_name, message) -> bool) that also means this mistake."""
    cases: tuple = ()
    """The cases whose outcome it can explain (its matcher may look at others); empty: any case."""
    on: tuple = ()
    """The checks (ids, or a prefix such as "values") whose failure it can explain; empty: any check. A
    mistake whose evidence is, say, two seeds giving the same numbers never explains a wrong shape."""
    partial: bool = False
    """Its evidence is one part of the answer (one stage of a pass, one array): another mistake may explain
    the rest, so a row it fits again may still name a mistake not yet named. A mistake that explains the whole
    answer is tried first wherever it was already named, so one cause is never told two ways."""


ARRAY_TRUTH = Mistake("array_truth", "asking a whole array one yes-or-no question",
                      "`if`, `and`, `or`, `not` and Python's own `max` want one True or False, and NumPy will not "
                      "say whether a whole array is true. Compare entry by entry with NumPy's functions "
                      "(np.maximum, np.where, a comparison like `Z > 0`), or test for None with `is None`.")

IN_PLACE = Mistake("in_place", "changing an input in place",
                   "your function changed an array it was given, and the caller still needs it as it was "
                   "(the backward pass, for one). Compute into a new array instead of assigning into, or "
                   "using -=, += or *= on, an input.")

CHANGES_LIST = Mistake("changes_list", "changing a list or dict it was given",
                       "the lists and dicts passed in (params, grads, a cache, a state) belong to the caller, who "
                       "still needs them as they were: the early-stopping loop keeps an earlier epoch's params by "
                       "keeping the list. Build a new list or dict for your results; `x[i] = ...`, `.append`, "
                       "`.pop` or `+=` on one you were given changes the caller's too.",
                       error=("TypeError", r"passed in to the function belongs to the caller"))


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
    after: tuple = ()
    """Checks (ids) it waits for: when one of them fails, this one is not run, since its ✓ would contradict
    that ✗ (no "runs quietly ✓" for an answer whose numbers overflowed)."""
    warn: bool = False
    """A note, not a requirement: when it finds something, its row says so (status "warn", with the mistake's
    idea and fix) and the function still passes. Part 1's checks judge values; a float64 where the docstring
    asks for float32 changes no value there, and costs its time only in part 2, so it is noted, not failed."""

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
        self.check = ""  # the id of the check being run
        self.seen = []  # the mistakes named so far in this report, in order: each is said once
        self.signatures = {}  # each case's value as a fingerprint, made once

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

    def generic(self, mistake):
        """The suite's own version of a generic mistake (its hint and fix, if it has one), or the generic one."""
        return next((m for m in self.suite.mistakes if m.id == mistake.id), mistake)

    def may_explain(self, mistake, name):
        """Can ``mistake`` explain this case's failure in the check being run (its declared evidence)?"""
        if mistake.cases and name not in mistake.cases:
            return False
        if mistake.on and self.check and not any(self.check == c or self.check.startswith(c + ":")
                                                 for c in mistake.on):
            return False
        return True

    def fits(self, mistake, name):
        """Does this case's outcome show ``mistake``: its error, its matcher, or its catalogued output?"""
        out = self.outcomes[name]
        if out.failure is not None:
            types = mistake.error[0] if mistake.error and isinstance(mistake.error[0], tuple) else \
                (mistake.error[0],) if mistake.error else ()
            if mistake.error and out.failure.type in types and (
                    mistake.error[1](self, name, out.failure.message) if callable(mistake.error[1])
                    else re.search(mistake.error[1], out.failure.message)):
                return True
            known = self.oracle.mistake_outcome(self.function, name, mistake.id) or []
            return any(k.get("error") == [out.failure.type, out.failure.message] for k in _listed(known))
        if mistake.matches is not None:
            with np.errstate(all="ignore"):
                try:
                    return bool(mistake.matches(self, name))
                except Exception:  # a matcher meeting an odd value: no match
                    return False
        known = _listed(self.oracle.mistake_outcome(self.function, name, mistake.id))
        if known and not self.right_on(name):
            if name not in self.signatures:
                self.signatures[name] = signature(out.value)
            mine = self.signatures[name]
            return any("signature" in k and signatures_match(mine, k["signature"]) for k in known)
        return False

    def mistake(self, name):
        """The catalogued mistake this case's outcome looks like, or None.

        The evidence must fit: an answer that changed its inputs is named for
        that first; a known wrong answer is recognised by its output only when
        this answer's output is wrong too (on an easy case a mistake can give
        the right numbers, which proves nothing); a mistake is named only on
        the checks its evidence can explain (``Mistake.on``); and a mistake
        already named in this report is tried before any other, so that one
        cause is never told two ways (unless its evidence is only a part of the
        answer, ``Mistake.partial``: then a second mistake may explain the rest).
        """
        out = self.outcomes[name]
        changed = out.failure is None and self.changed_input(name)
        if changed and changed in self.suite.writable:  # it may change while it runs: its suite's matcher
            own = self.generic(IN_PLACE)                  # says whether it came back changed
            if own is not IN_PLACE and own.matches is not None and not self.fits(own, name):
                changed = None
        if changed or out.failure is not None and \
                out.failure.type in ("ValueError", "TypeError") and "read-only" in out.failure.message:
            return self.generic(IN_PLACE)
        if out.failure is not None and self.fits(CHANGES_LIST, name):
            return self.generic(CHANGES_LIST)
        if out.failure is None:
            order = self.order_mistake(name)
            if order is not None:
                return order
        seen = [m for m in self.seen if m in self.suite.mistakes]
        whole = [m for m in seen if not m.partial]
        for mistake in whole + [m for m in self.suite.mistakes if m not in seen] + [m for m in seen if m.partial]:
            if self.may_explain(mistake, name) and self.fits(mistake, name):
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

        A mistake is said once in a report, on the first row whose evidence
        shows it ("This looks like ..."), with its idea and fix beside it;
        later rows that show it again keep their own facts and do not repeat
        it (``self.named`` still records it, for the report's data).
        ``prefer``: a mistake id to try first (the one this check is about).
        """
        if "This looks like " in message:
            return message
        mistake = None
        if prefer:
            chosen = next((m for m in self.suite.mistakes if m.id == prefer), None)
            if chosen is not None and chosen.matches is not None and self.may_explain(chosen, name):
                try:
                    with np.errstate(all="ignore"):
                        mistake = chosen if chosen.matches(self, name) else None
                except Exception:  # a matcher meeting an odd value: no match
                    mistake = None
        mistake = mistake or self.mistake(name)
        if mistake:
            if self.named is None:
                self.named = mistake
            if mistake in self.seen:
                return message
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
        if missing in SETUP_NAMES:
            return (f"`{missing}` comes from the set-up cell at the top of this notebook ({SETUP_NAMES[missing]}), "
                    f"which has not run in this session: run the cells above first (Run > Run All Above Selected "
                    f"Cell, or Shift+Enter on each), then this one.")
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


# Names a lesson's set-up cell gives every later cell: a NameError for one means that cell has not run yet.
SETUP_NAMES = {"np": "`import numpy as np`", "numpy": "`import numpy as np`",
               "plt": "`import matplotlib.pyplot as plt`", "load_mnist": "`from mnist_data import load_mnist`"}


def hidden_message(judge, check, named, first=True):
    """What a failing hidden check may say: never its inputs, its expected values or an exception's text."""
    out = judge.outcomes.get(check.case)
    what = "does not give the expected result"
    if out is not None and out.failure is not None:
        what = {"timeout": "runs past its time limit", "memory": "runs out of memory"}.get(
            out.failure.kind, f"raises {out.failure.type or 'an error'}")
    message = (f"{judge.function} {what} on inputs kept hidden (of the same kind as the visible checks'): "
               f"look at the checks above, and at what they do not try.")
    return message + (f" This looks like {named.title}." if named and first else "")


def run_checks(suite, cases, outcomes, oracle, include_hidden=False):
    """Judge ``outcomes`` (case name -> Outcome) with the suite's checks; return a FunctionReport.

    A failing check that names a known mistake for the first time carries
    its hint and fix; one that shows the same mistake again records its id
    only. A check waits (is skipped) after a failed gate, and after a failure
    of any check it names in ``after``.
    """
    report = FunctionReport(suite.function)
    judge = Judge(suite, cases, outcomes, oracle)
    main = suite.checks[0].case
    first = outcomes[main]
    if first.failure is not None and first.failure.type == "NotImplementedError":
        report.not_attempted = True
        report.results.append(CheckResult("attempted", "the function has been written", "fail", NOT_ATTEMPTED))
        return report
    blocked, status_of = "", {}
    purposes = {check.id: check.purpose for check in suite.checks}
    for check in suite.checks:
        if check.hidden and not include_hidden:
            continue
        waits = blocked or next((purposes[c] for c in check.after
                                 if status_of.get(c, "pass") not in ("pass", "warn")), "")
        if waits:
            status_of[check.id] = "skip"
            report.results.append(CheckResult(check.id, check.purpose, "skip", f"skipped until '{waits}' passes",
                                              check.hidden))
            continue
        judge.named, judge.check = None, check.id
        with np.errstate(all="ignore"):
            try:
                message = check.run(judge)
            except Exception as exc:  # a bug in a check must never look like the learner's
                message = f"internal error in this check ({type(exc).__name__}: {exc}); please report it."
        status = "pass" if message is None else "warn" if check.warn else "fail"
        status_of[check.id] = status
        named = judge.named if status != "pass" else None
        first_time = named is not None and named not in judge.seen
        if status == "fail" and check.hidden:
            message = hidden_message(judge, check, named, first_time)
        if first_time:
            judge.seen.append(named)
        report.results.append(CheckResult(check.id, check.purpose, status, message or "", check.hidden,
                                          named.id if named else "", named.hint if first_time else "",
                                          fix_text(named.fix) if first_time else ""))
        if status == "fail" and check.gate:
            blocked = check.purpose
    return report
