"""The data every runner and renderer shares: calls, what they did, and the verdicts.

A *case* is one call of a learner's function (named inputs); an *outcome* is
what the call did; a *check result* is one check's verdict; a *function
report* holds every verdict for one function. Reports round-trip through
plain dicts (``to_dict`` / ``from_dict``) without loss, so the grader, the
nbgrader step and the class report all read what the sandbox judged.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass
class Case:
    """One call of the learner's function: ``function(*args, **kwargs)``."""

    name: str
    """A key, e.g. "random"."""
    label: str
    """For people, e.g. "a random batch of 7 images"."""
    args: tuple
    kwargs: dict = field(default_factory=dict)
    dims: dict = field(default_factory=dict)
    """Named sizes, e.g. {"m": 7}."""
    hidden: bool = False
    """Judged only where the instructor grades, never shipped to learners."""
    rtol: float = 1e-6
    """Values must agree to rtol * max|expected|."""


@dataclass
class Failure:
    """Why a call gave no value."""

    kind: str
    """"exception", "timeout", "exit", "crash", "memory", "forbidden" or "missing"."""
    type: str = ""
    """The exception's class name."""
    message: str = ""
    line: int | None = None
    """The line of the learner's cell where it happened."""

    def describe(self, function: str) -> str:
        if self.kind == "exception":
            where = f" (line {self.line} of your cell)" if self.line else ""
            return f"{function} raised {self.type}{where}: {self.message}" if self.message else \
                f"{function} raised {self.type}{where}"
        return f"{function} did not return: {self.message or self.kind}"

    def to_dict(self) -> dict:
        return {"kind": self.kind, "type": self.type, "message": self.message, "line": self.line}

    @classmethod
    def from_dict(cls, d: dict) -> "Failure":
        line = d.get("line")
        return cls(str(d.get("kind", "exception")), str(d.get("type", "")), str(d.get("message", "")),
                   line if isinstance(line, int) and not isinstance(line, bool) else None)


@dataclass
class Outcome:
    """What one call did."""

    value: Any = None
    failure: Failure | None = None
    warnings: list = field(default_factory=list)
    """Warning messages, e.g. "overflow encountered in exp"."""
    stdout: str = ""
    stderr: str = ""
    inputs_after: list | None = None
    """The input arrays after the call, in ``spec.input_arrays`` order; in the grading sandbox only the
    writable ones (read back by the grader), the others None."""
    seconds: float = 0.0
    adapted: str = ""
    """How the call was adapted to a signature other than the lesson's (say so, and judge the rest)."""
    yielded: bool = False
    """The function gave a generator (it uses ``yield``); ``value`` is the list of what it yielded."""


@dataclass
class CheckResult:
    """One check's verdict."""

    id: str
    purpose: str
    """One line a learner can read: "handles a batch with no 9"."""
    status: str
    """"pass", "fail", "skip", or "warn": passed, with a note (a float64 where float32 is asked for, say)."""
    message: str = ""
    """What is wrong and where, then the idea behind it."""
    hidden: bool = False
    mistake: str = ""
    """The id of the catalogued mistake the answer looks like, if any."""
    hint: str = ""
    """That mistake's idea: what to think about, never the line of code itself."""
    fix: str = ""
    """The exact fix, shown only when the learner asks for it."""

    @property
    def passed(self) -> bool:
        return self.status in ("pass", "warn")

    def to_dict(self) -> dict:
        return {"name": self.id, "purpose": self.purpose, "passed": self.passed, "status": self.status,
                "message": self.message, "hidden": self.hidden, "mistake": self.mistake, "hint": self.hint,
                "fix": self.fix}

    @classmethod
    def from_dict(cls, d: dict) -> "CheckResult":
        status = d.get("status") or ("pass" if d.get("passed") else "fail")
        if status not in ("pass", "fail", "skip", "warn"):
            status = "fail"
        return cls(str(d.get("name", "?")), str(d.get("purpose", d.get("name", "?"))), status,
                   str(d.get("message", "")), bool(d.get("hidden", False)), str(d.get("mistake", "")),
                   str(d.get("hint", "")), str(d.get("fix", "")))


@dataclass
class FunctionReport:
    """Every check's verdict for one function."""

    function: str
    results: list = field(default_factory=list)
    problem: str = ""
    """Set when the function could not be checked at all (deleted cell, damaged notebook, ...)."""
    not_attempted: bool = False
    flags: list = field(default_factory=list)
    """Notes for the instructor that do not change the score, e.g. "matches the course's own version"."""
    withheld: str = ""
    """Set when the verdict holds its findings back (the learner's check on code a lesson handed out to
    repair, not changed yet): what to say instead of the rows, whose messages are then empty."""

    @property
    def passed(self) -> bool:
        return not self.problem and bool(self.results) and all(r.passed for r in self.results)

    @property
    def n_passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def n_failed(self) -> int:
        return sum(r.status == "fail" for r in self.results)

    @property
    def n_skipped(self) -> int:
        return sum(r.status == "skip" for r in self.results)

    @property
    def n_warned(self) -> int:
        """Checks that pass with a note."""
        return sum(r.status == "warn" for r in self.results)

    @property
    def first_failure(self) -> str:
        if self.problem:
            return self.problem
        for r in self.results:
            if r.status == "fail":
                return r.message
        return ""

    @property
    def mistakes(self) -> list:
        """The catalogued mistakes the failing checks named, each once, in order."""
        return list(dict.fromkeys(r.mistake for r in self.results if r.mistake and not r.passed))

    @property
    def noted(self) -> list:
        """The catalogued mistakes named by checks that pass with a note (status "warn"), each once, in order:
        they cost nothing here, and their note says what they cost later."""
        return list(dict.fromkeys(r.mistake for r in self.results if r.mistake and r.status == "warn"))

    def to_dict(self) -> dict:
        """{"function", "passed", "not_attempted", "problem", "flags", "checks": [...]}, and "withheld" when
        set."""
        out = {"function": self.function, "passed": self.passed, "not_attempted": self.not_attempted,
               "problem": self.problem, "flags": list(self.flags), "mistakes": self.mistakes,
               "checks": [r.to_dict() for r in self.results]}
        if self.withheld:
            out["withheld"] = self.withheld
        if self.noted:
            out["noted"] = self.noted
        return out

    @classmethod
    def combined(cls, name: str, reports: list) -> "FunctionReport":
        """One report for a lesson of several functions (the class report's unit is the lesson): every
        function's checks, each named after its function ("one_hot: handles a batch with no 9", id and
        mistake "one_hot.no9"), a function that cannot be graded as one failing check. It passes when they
        all do, is not attempted when none is, and cannot be graded when none can."""
        out = cls(name, not_attempted=bool(reports) and all(r.not_attempted for r in reports))
        for r in reports:
            if r.problem:
                out.results.append(CheckResult(f"{r.function}.graded", f"{r.function}: can be graded", "fail",
                                               r.problem))
            out.results += [replace(c, id=f"{r.function}.{c.id}", purpose=f"{r.function}: {c.purpose}",
                                    mistake=f"{r.function}.{c.mistake}" if c.mistake else "") for c in r.results]
            out.flags += [f for f in r.flags if f not in out.flags]
        if reports and all(r.problem for r in reports):
            out.problem = "; ".join(dict.fromkeys(r.problem for r in reports))
        return out

    @classmethod
    def from_dict(cls, d: dict, function: str | None = None) -> "FunctionReport":
        return cls(str(d.get("function", function or "?")),
                   [CheckResult.from_dict(c) for c in d.get("checks", []) if isinstance(c, dict)],
                   str(d.get("problem", "")), bool(d.get("not_attempted", False)),
                   [str(f) for f in d.get("flags", [])], str(d.get("withheld", "")))
