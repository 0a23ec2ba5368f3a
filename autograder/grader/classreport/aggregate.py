"""Aggregate: what the class misunderstood, lesson by lesson, and who needs a hand.

Definitions the page states in the same words:

- *tried*: graded with an answer of the student's own, passing or failing (an untouched stub, a
  notebook that cannot be graded and no hand-in are not tries). Mistakes and checks are counted among
  the students who tried; the share passing is of the whole class.
- *reached*: a lesson the class has got to: its due date in the gradebook has passed, or at least half
  the class has handed it in.
- *falling behind*: at least a quarter of the reached lessons not passed, and at least ``behind`` (2 by
  default) of them, whatever the reason (failing, not attempted, cannot be graded, not handed in). The
  quarter keeps the list short late in a course, when one slip in each of a few lessons is not a trend.
- *identical*: two or more students whose graded cells have the same fingerprint (the same code once
  whitespace, comments and docstrings are set aside), stubs left out. Code under ``provenance.SHORT``
  tokens is listed apart: that short, students write the same line independently.
- *late*: handed in after the lesson's due date in the gradebook (the student's extension included), as
  nbgrader measures it.

Mistakes are named by their titles in the catalogue (the hints' own words), never by their ids.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ...learner.course import Lesson
from ...learner.functions import suite
from ...learner.judge import IN_PLACE
from .collect import FAILING, MISSING, NOT_ATTEMPTED, PASSING, STATUSES, UNGRADABLE, ClassData, Student, Submission

BEHIND = 2
"""The fewest reached lessons not passed that make a student "falling behind"..."""
BEHIND_SHARE = 0.25
"""...and the smallest share of the reached lessons."""


def behind_threshold(reached: int, behind: int = BEHIND) -> int:
    """Reached lessons not passed that make a student falling behind, for ``reached`` lessons."""
    return max(behind, math.ceil(BEHIND_SHARE * reached))


@dataclass
class MistakeCount:
    """One catalogued mistake of one lesson, and the students whose answers it names."""

    lesson: str
    function: str
    id: str
    title: str
    hint: str
    students: list[str]
    tried: int
    class_size: int

    @property
    def count(self) -> int:
        return len(self.students)

    @property
    def share(self) -> float:
        """Of the students who tried the lesson."""
        return self.count / self.tried if self.tried else 0.0

    @property
    def class_share(self) -> float:
        return self.count / self.class_size if self.class_size else 0.0


@dataclass
class CheckCount:
    """One check of one lesson, and the students who tried the lesson and failed it."""

    lesson: str
    id: str
    purpose: str
    hidden: bool
    students: list[str]
    tried: int

    @property
    def count(self) -> int:
        return len(self.students)

    @property
    def share(self) -> float:
        return self.count / self.tried if self.tried else 0.0


@dataclass
class FirstFailure:
    """Failing answers no catalogued mistake explains, grouped by the first check each failed."""

    purpose: str
    hidden: bool
    students: list[str]


@dataclass
class LessonSummary:
    lesson: Lesson
    class_size: int
    by_status: dict[str, list[str]]
    """status -> student ids, for every status (empty lists included)."""
    scores: list[float]
    """The scores of those who handed it in."""
    mistakes: list[MistakeCount]
    """Ranked: most students first."""
    unexplained: list[str]
    """Failing, with no catalogued mistake named: answers the catalogue does not know."""
    checks: list[CheckCount]
    """Ranked: most failed first; only checks someone failed."""
    copied: list[str]
    reached: bool
    reached_why: str
    titles: dict[str, str] = field(default_factory=dict)
    """mistake id -> its title in the catalogue, for every mistake named in this lesson."""
    first_failures: list[FirstFailure] = field(default_factory=list)
    """The unexplained failures, by the first check they failed: most students first."""
    due: datetime | None = None
    late: dict[str, float] = field(default_factory=dict)
    """Students who handed it in after its due date -> how many seconds late."""

    def count(self, status: str) -> int:
        return len(self.by_status[status])

    @property
    def handed_in(self) -> int:
        return self.class_size - self.count(MISSING)

    @property
    def tried(self) -> int:
        return self.count(PASSING) + self.count(FAILING)

    @property
    def pass_share(self) -> float:
        return self.count(PASSING) / self.class_size if self.class_size else 0.0

    @property
    def mean_score(self) -> float | None:
        return statistics.fmean(self.scores) if self.scores else None

    @property
    def median_score(self) -> float | None:
        return statistics.median(self.scores) if self.scores else None

    @property
    def score_counts(self) -> dict[float, int]:
        """score -> students who handed in and got it, from 0 up to the lesson's points."""
        counts = {0.0: 0, float(self.lesson.points): 0}
        for s in self.scores:
            counts[s] = counts.get(s, 0) + 1
        return dict(sorted(counts.items()))


@dataclass
class Flag:
    """A note for the teacher about one student's lesson; flags never change a score."""

    student: str
    lesson: str
    kind: str
    """"course copy", "identical" or "score"."""
    text: str


@dataclass
class IdenticalGroup:
    lesson: str
    digest: str
    tokens: int | None
    students: list[str]
    statuses: list[str]
    """Each student's status, in the same order."""
    mistakes: list[str]
    course_copy: bool
    """The shared code is the course's own version (flagged as such too)."""
    titles: list[str] = field(default_factory=list)
    """The mistakes' titles, in the same order as ``mistakes``."""

    @property
    def short(self) -> bool:
        from ..provenance import SHORT
        return self.tokens is not None and self.tokens < SHORT


@dataclass
class StudentSummary:
    student: Student
    submissions: dict[str, Submission]
    """lesson id -> Submission, in course order."""
    not_passed_reached: list[str]
    behind: bool
    flags: list[Flag] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(s.status == status for s in self.submissions.values())

    @property
    def late(self) -> list[str]:
        """The lessons handed in late."""
        return [lesson for lesson, s in self.submissions.items() if s.late]

    @property
    def score(self) -> float:
        return sum(s.score or 0.0 for s in self.submissions.values())

    @property
    def max_score(self) -> int:
        return sum(s.max_points for s in self.submissions.values())


@dataclass
class ClassReport:
    data: ClassData
    lessons: list[LessonSummary]
    students: list[StudentSummary]
    identical: list[IdenticalGroup]
    behind: int
    generated: datetime

    @property
    def reached(self) -> list[str]:
        return [l.lesson.id for l in self.lessons if l.reached]

    @property
    def behind_threshold(self) -> int:
        return behind_threshold(len(self.reached), self.behind)

    @property
    def class_size(self) -> int:
        return len(self.data.students)

    @property
    def falling_behind(self) -> list[StudentSummary]:
        """Most lessons not passed first."""
        return sorted((s for s in self.students if s.behind), key=lambda s: -len(s.not_passed_reached))

    @property
    def top_mistakes(self) -> list[MistakeCount]:
        """Every lesson's mistakes, by the share of those who tried that made them."""
        every = [m for l in self.lessons for m in l.mistakes]
        return sorted(every, key=lambda m: (-m.share, -m.count))

    @property
    def flags(self) -> list[Flag]:
        return [f for s in self.students for f in s.flags]

    @property
    def handed_in(self) -> int:
        return sum(l.handed_in for l in self.lessons)


def catalogue(function: str) -> dict:
    """mistake id -> Mistake, as the learner's side names them (in_place included)."""
    try:
        mistakes = list(suite(function).mistakes)
    except KeyError:
        mistakes = []
    found = {m.id: m for m in mistakes}
    found.setdefault(IN_PLACE.id, IN_PLACE)
    return found


UNKNOWN_MISTAKE = "a mistake the course's catalogue no longer lists"


def mistake_title(known: dict, mistake: str, hint: str = "") -> str:
    """A mistake's title in the catalogue's words; for one it no longer lists, the hint the student saw."""
    if mistake in known:
        return known[mistake].title
    return hint.split(". ")[0].rstrip(".") if hint else UNKNOWN_MISTAKE


def summarise_lesson(data: ClassData, lesson: Lesson, now: datetime) -> LessonSummary:
    subs = [data.submission(s.id, lesson.id) for s in data.students]
    by_status: dict[str, list[str]] = {status: [] for status in STATUSES}
    for sub in subs:
        by_status[sub.status].append(sub.student)
    # mistakes and checks are counted among those who tried it and whose answer the grader judged (all who
    # tried, unless a score came from the gradebook alone)
    tried = [s for s in subs if s.tried and s.report is not None]
    known = catalogue(lesson.function) if lesson.function else {  # several functions: ids "one_hot.no9"
        f"{f}.{k}": m for f in lesson.functions for k, m in catalogue(f).items()}
    named: dict[str, list[str]] = {}
    hints: dict[str, str] = {}
    unexplained = []
    firsts: dict[tuple[str, bool], list[str]] = {}
    checks: dict[str, CheckCount] = {}
    for sub in tried:
        for mistake in sub.mistakes:
            named.setdefault(mistake, []).append(sub.student)
        if sub.status == FAILING and not sub.mistakes:
            unexplained.append(sub.student)
            first = next((r for r in sub.report.results if r.status == "fail"), None)
            if first is not None:
                firsts.setdefault((first.purpose, first.hidden), []).append(sub.student)
        for r in sub.report.results:
            if r.mistake and r.hint:
                hints.setdefault(r.mistake, r.hint)
            if r.status == "fail":
                c = checks.setdefault(r.id, CheckCount(lesson.id, r.id, r.purpose, r.hidden, [], len(tried)))
                c.students.append(sub.student)
    order = list(known)
    titles = {m: mistake_title(known, m, hints.get(m, "")) for m in named}
    for sub in subs:  # mistakes named in answers the page lists but does not count (none today), titled too
        for m in sub.mistakes:
            titles.setdefault(m, mistake_title(known, m))
    mistakes = [MistakeCount(lesson.id, lesson.function or m.split(".")[0], m, titles[m],
                             known[m].hint if m in known else hints.get(m, ""), students, len(tried),
                             len(subs)) for m, students in named.items()]
    mistakes.sort(key=lambda m: (-m.count, order.index(m.id) if m.id in order else len(order), m.id))
    check_order = list(checks)
    ranked = sorted(checks.values(), key=lambda c: (-c.count, check_order.index(c.id)))
    due = data.duedates.get(lesson.id)
    handed_in = len(subs) - len(by_status[MISSING])
    if due is not None and _utc(due) <= now:
        reached, why = True, "its due date has passed"
    elif 2 * handed_in >= len(subs):
        reached, why = True, f"handed in by {handed_in} of {len(subs)}"
    else:
        reached, why = False, f"handed in by {handed_in} of {len(subs)}"
    first_failures = sorted((FirstFailure(purpose, hidden, students) for (purpose, hidden), students in
                             firsts.items()), key=lambda f: -len(f.students))
    return LessonSummary(lesson, len(subs), by_status,
                         [s.score for s in subs if s.status != MISSING and s.score is not None],
                         mistakes, unexplained, ranked,
                         [s.student for s in subs if s.copied_flags], reached, why, titles, first_failures,
                         due, {s.student: s.seconds_late for s in subs if s.late})


def _utc(moment: datetime) -> datetime:
    """nbgrader stores due dates as naive UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def identical_groups(data: ClassData, titles: dict | None = None) -> list[IdenticalGroup]:
    """Students who handed in the same code for a lesson (stubs and ungradable cells left out)."""
    groups = []
    titles = titles or {}
    for lesson in data.lessons:
        by_digest: dict[str, list[Submission]] = {}
        for s in data.students:
            sub = data.submission(s.id, lesson.id)
            if sub.digest and sub.status in (PASSING, FAILING):
                by_digest.setdefault(sub.digest, []).append(sub)
        for digest, subs in by_digest.items():
            if len(subs) > 1:
                named = sorted({m for s in subs for m in s.mistakes})
                known = titles.get(lesson.id, {})
                groups.append(IdenticalGroup(
                    lesson.id, digest, subs[0].tokens, [s.student for s in subs], [s.status for s in subs],
                    named, all(s.copied_flags for s in subs), [known.get(m, UNKNOWN_MISTAKE) for m in named]))
    return groups


def summarise(data: ClassData, behind: int = BEHIND, now: datetime | None = None) -> ClassReport:
    now = now or datetime.now(timezone.utc)
    lessons = [summarise_lesson(data, l, now) for l in data.lessons]
    reached = [l.lesson.id for l in lessons if l.reached]
    threshold = behind_threshold(len(reached), behind)
    groups = identical_groups(data, {l.lesson.id: l.titles for l in lessons})
    students = []
    for s in data.students:
        subs = {l.id: data.submission(s.id, l.id) for l in data.lessons}
        not_passed = [l for l in reached if subs[l].status != PASSING]
        summary = StudentSummary(s, subs, not_passed, bool(reached) and len(not_passed) >= threshold)
        for sub in subs.values():
            for text in sub.copied_flags:
                summary.flags.append(Flag(s.id, sub.lesson, "course copy", text))
            for note in sub.notes:
                if note.startswith("the gradebook's score"):
                    summary.flags.append(Flag(s.id, sub.lesson, "score", note))
        students.append(summary)
    by_id = {s.student.id: s for s in students}
    for g in groups:
        if g.short or g.course_copy:  # short code proves little; the course's own version has its own flag
            continue
        for sid in g.students:
            others = [o for o in g.students if o != sid]
            text = (f"{g.lesson}: the same code as {', '.join(others)}, once whitespace and comments are set "
                    f"aside" + (" (the course's own version)" if g.course_copy else "") + ".")
            by_id[sid].flags.append(Flag(sid, g.lesson, "identical", text))
    return ClassReport(data, lessons, students, groups, behind, now)


__all__ = ["BEHIND", "ClassReport", "LessonSummary", "StudentSummary", "MistakeCount", "CheckCount",
           "IdenticalGroup", "Flag", "FirstFailure", "summarise", "catalogue", "mistake_title", "PASSING", "FAILING",
           "UNGRADABLE",
           "NOT_ATTEMPTED", "MISSING"]
