"""Render: one self-contained HTML page (inline CSS, figures as base64 PNG, no script, nothing fetched).

Everything that comes from outside the catalogue (student ids and names, file names, problems) is
escaped; the page shows no learner's code and no check's message, only the catalogue's words.
"""
from __future__ import annotations

from html import escape

from ..provenance import SHORT
from ...learner.course import ALL_OR_NOTHING
from .aggregate import UNKNOWN_MISTAKE, ClassReport, LessonSummary, MistakeCount
from .collect import FAILING, MISSING, NOT_ATTEMPTED, PASSING, STATUSES, UNGRADABLE, late_text
from .figures import scores_figure, status_figure
from .tables import FILES

SYMBOLS = {PASSING: "✓", FAILING: "✗", UNGRADABLE: "!", NOT_ATTEMPTED: "○", MISSING: "–"}

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2328;
 margin:0 auto;max-width:1100px;padding:24px 28px 60px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:21px;margin:36px 0 10px;padding-bottom:4px;border-bottom:1px solid #d0d7de}
h3{font-size:17px;margin:26px 0 6px}.meta,.muted{color:#59636e;font-size:13px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:18px 0}.card{border:1px solid #d0d7de;border-radius:8px;
 padding:8px 14px;min-width:120px}.card b{display:block;font-size:24px}.card span{color:#59636e;font-size:13px}
.card.alert b{color:#cf222e}
ol.top li{margin:6px 0}.pct{font-weight:700;font-variant-numeric:tabular-nums}.hint{color:#59636e;font-size:13.5px}
table{border-collapse:collapse;margin:6px 0 10px}th,td{padding:4px 8px;text-align:left;vertical-align:top}
th{font-size:13px;color:#59636e;font-weight:600;border-bottom:1px solid #d0d7de}
tr+tr td{border-top:1px solid #eaeef2}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.bar{display:inline-block;height:10px;background:#cf222e;border-radius:2px;vertical-align:middle;margin-right:6px}
.lesson{border:1px solid #d0d7de;border-radius:8px;padding:2px 16px 10px;margin:14px 0}
.lesson h3{margin-top:14px}.ids{font-size:12.5px;color:#59636e}
table.grid td.s{text-align:center;font-weight:700;min-width:26px}
.st-passing{color:#1a7f37}.st-failing{color:#cf222e}.st-cannot{color:#9a6700}.st-not-attempted{color:#8c959f}
.st-not-handed{color:#afb8c1}.behind td:first-child{border-left:3px solid #cf222e}
td.s.late{background:#fff1e5}td.s small{display:block;font-size:9px;font-weight:400;color:#953800;line-height:1}
img{max-width:100%;height:auto}code{font-size:13px;background:#f6f8fa;padding:1px 4px;border-radius:4px}
.legend span{margin-right:14px;white-space:nowrap}details summary{cursor:pointer;color:#0969da}
.warn{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:6px 12px;font-size:13.5px}
@media print{.lesson{break-inside:avoid}}
"""


def _pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def _status_class(status: str) -> str:
    return "st-" + {PASSING: "passing", FAILING: "failing", UNGRADABLE: "cannot", NOT_ATTEMPTED: "not-attempted",
                    MISSING: "not-handed"}[status]


def _ids(ids: list[str], limit: int = 40) -> str:
    shown = ", ".join(escape(i) for i in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def _lesson_name(summary: LessonSummary) -> str:
    return f"{summary.lesson.number} · {escape(summary.lesson.title)}"


def _mistake_line(m: MistakeCount, lesson_number: int) -> str:
    return (f'<li><span class="pct">{_pct(m.share)}</span> of the {m.tried} who tried lesson {lesson_number} '
            f'(<code>{escape(m.function)}</code>): {escape(m.title)}.'
            f'<br><span class="hint">{escape(m.hint)}</span></li>')


def _header(report: ClassReport) -> str:
    data = report.data
    total = report.class_size * len(report.lessons)
    passing = sum(l.count(PASSING) for l in report.lessons)
    iso = ", ".join(f"{escape(k)} ({v})" for k, v in sorted(data.isolation.items()))
    cards = [
        (report.class_size, "students", ""),
        (len(report.lessons), "lessons covered", ""),
        (f"{report.handed_in} / {total}", "lessons handed in", ""),
        (_pct(passing / total if total else 0), "of student-lessons passing", ""),
        (len(report.falling_behind), "falling behind", " alert" if report.falling_behind else ""),
        (len({(f.student, f.lesson) for f in report.flags}), "flagged submissions", ""),
    ]
    out = [f"<h1>Class report · {escape(data.course.title)}</h1>",
           f'<p class="meta">Made {report.generated:%Y-%m-%d %H:%M} UTC by <code>python -m autograder report</code> '
           f"from: {'; '.join(escape(s) for s in data.sources)}."
           + (f" Graded cells isolated by: {iso}." if iso else "") + "</p>",
           '<div class="cards">' + "".join(f'<div class="card{cls}"><b>{escape(str(v))}</b><span>{escape(k)}</span>'
                                           f"</div>" for v, k, cls in cards) + "</div>"]
    if data.released:
        out.append(f'<p class="muted">Released, nothing handed in yet: {", ".join(map(escape, data.released))}.</p>')
    if data.warnings:
        out.append('<div class="warn"><b>Some sources were skipped:</b><ul>'
                   + "".join(f"<li>{escape(w)}</li>" for w in data.warnings[:20])
                   + (f"<li>and {len(data.warnings) - 20} more</li>" if len(data.warnings) > 20 else "")
                   + "</ul></div>")
    return "\n".join(out)


def _misunderstood(report: ClassReport) -> str:
    top = [m for m in report.top_mistakes if m.count >= 2][:6] or report.top_mistakes[:6]
    numbers = {l.lesson.id: l.lesson.number for l in report.lessons}
    if not top:
        return ('<h2 id="misunderstood">What the class misunderstood</h2><p>No catalogued mistake was named: '
                'every failing answer (if any) failed for a reason the catalogue does not know; see each lesson.</p>')
    return ('<h2 id="misunderstood">What the class misunderstood</h2>'
            '<p class="muted">The catalogued mistakes the grader named most often, as a share of the students '
            'who tried the lesson, in the words of the hint each of them was shown.</p>'
            '<ol class="top">' + "".join(_mistake_line(m, numbers[m.lesson]) for m in top) + "</ol>")


def _scoring(report: ClassReport) -> str:
    per_check = [l.lesson for l in report.lessons if l.lesson.scoring != ALL_OR_NOTHING]
    if not per_check:
        return "Each lesson is scored all or nothing (a manual grade in the gradebook can change that)"
    if len(per_check) == len(report.lessons):
        return "Each lesson earns a share of its points for each check that passes"
    return (f"Lessons {', '.join(str(l.number) for l in per_check)} earn a share of their points for each check "
            f"that passes; the others are scored all or nothing")


def _overview(report: ClassReport) -> str:
    return ('<h2 id="overview">Where the class stands</h2>'
            f'<img alt="For each lesson, how many students pass, fail, cannot be graded, have not attempted it or '
            f'not handed it in" src="data:image/png;base64,{status_figure(report)}">'
            f'<h3>Scores</h3><p class="muted">{escape(_scoring(report))}; the last panel is each student\'s total '
            f'over the lessons covered.</p>'
            f'<img alt="The distribution of scores, lesson by lesson, and of students\' totals" '
            f'src="data:image/png;base64,{scores_figure(report)}">')


def _due(summary: LessonSummary) -> str:
    """The lesson's due date in the gradebook, whether the class has reached it, and who handed it in late,
    by how much."""
    reached = f"{'reached' if summary.reached else 'not reached yet'}: {escape(summary.reached_why)}"
    if summary.due is None:
        return f"No due date in the gradebook; {reached}."
    text = f"Due {summary.due:%Y-%m-%d %H:%M} UTC; {reached}."
    if not summary.late:
        return text + (" Nobody handed it in late." if summary.handed_in else "")
    shown = sorted(summary.late.items(), key=lambda kv: (-kv[1], _natural_key(kv[0])))
    return (text + f" Handed in late by {len(shown)}: "
            + ", ".join(f"{escape(s)} ({late_text(t)})" for s, t in shown[:40])
            + (f" and {len(shown) - 40} more" if len(shown) > 40 else "") + ".")


def _natural_key(text: str) -> tuple:
    import re
    return tuple(int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", text))


def _lesson_label(report: ClassReport, lesson_id: str) -> str:
    """"lesson 4 (softmax)" for a lesson covered, else its id."""
    for l in report.lessons:
        if l.lesson.id == lesson_id:
            return f"lesson {l.lesson.number} ({l.lesson.names})"
    return lesson_id


def _lesson(summary: LessonSummary) -> str:
    l = summary.lesson
    counts = " · ".join(f"{summary.count(s)} {escape(s)}" for s in STATUSES if summary.count(s))
    dist = ", ".join(f"{k:g} pts ×{v}" for k, v in summary.score_counts.items())
    mean = f"mean {summary.mean_score:.2f} of {l.points}" if summary.mean_score is not None else "no scores"
    out = [f'<div class="lesson" id="lesson-{escape(l.id)}"><h3>{_lesson_name(summary)} '
           f'<span class="muted">· <code>{escape(l.names)}</code> · {l.points} point{"s" if l.points != 1 else ""}'
           f"</span></h3>",
           f'<p><b>{summary.count(PASSING)} of {summary.class_size} students pass ({_pct(summary.pass_share)})</b>; '
           f"{summary.tried} tried it. <span class=\"muted\">{counts}.</span><br>"
           f'<span class="muted">Scores of the {summary.handed_in} who handed it in: {dist} ({mean}).<br>'
           f"{_due(summary)}</span></p>"]
    if summary.mistakes:
        rows = []
        for m in summary.mistakes:
            rows.append(f'<tr><td class="num"><span class="bar" style="width:{max(2, round(80 * m.share))}px">'
                        f'</span><span class="pct">{_pct(m.share)}</span></td>'
                        f'<td class="num">{m.count} of {m.tried}</td>'
                        f"<td><b>{escape(m.title)}</b><br><span class=\"hint\">{escape(m.hint)}</span>"
                        f'<br><span class="ids">{_ids(m.students)}</span></td></tr>')
        out.append('<table class="mistakes"><tr><th>of those who tried</th><th>students</th>'
                   '<th>catalogued mistake, and the hint they were shown</th></tr>' + "".join(rows) + "</table>")
    elif summary.tried:
        out.append("<p>No catalogued mistake was named.</p>")
    if summary.unexplained:
        firsts = "".join(f"<li>first failing check “{escape(f.purpose)}”{' (hidden check)' if f.hidden else ''}: "
                         f'{len(f.students)} <span class="ids">{_ids(f.students)}</span></li>'
                         for f in summary.first_failures)
        out.append(f"<p>Failing for a reason the catalogue does not name: <b>{len(summary.unexplained)}</b> "
                   f'({_pct(len(summary.unexplained) / summary.tried)} of those who tried): worth reading their '
                   f'code.</p><ul class="unexplained">{firsts}</ul>')
    if summary.checks:
        items = "".join(f"<li>“{escape(c.purpose)}”{' (hidden check)' if c.hidden else ''}: failed by "
                        f"{c.count} of the {c.tried} who tried ({_pct(c.share)})</li>" for c in summary.checks[:3])
        out.append(f"<p>Check failed most often: <b>“{escape(summary.checks[0].purpose)}”</b></p>"
                   f'<ol class="muted">{items}</ol>')
    if summary.copied:
        out.append(f"<p>Matches the course's own version: {len(summary.copied)} "
                   f'<span class="ids">{_ids(summary.copied)}</span> (see the flags below).</p>')
    out.append("</div>")
    return "\n".join(out)


FLAG_WORDS = {"course copy": "the course's own code", "identical": "the same code as a classmate",
              "score": "a gradebook score that is not the grader's"}


def _students(report: ClassReport) -> str:
    behind = report.falling_behind
    reached = report.reached
    numbers = {l.lesson.id: l.lesson.number for l in report.lessons}
    titles = {l.lesson.id: l.titles for l in report.lessons}
    functions = {l.lesson.id: l.lesson.names for l in report.lessons}
    rule = (f"A student is <b>falling behind</b> when at least a quarter of the lessons the class has reached, and "
            f"at least {report.behind}, are not passed (failing, cannot be graded, not attempted or not handed in): "
            f"here {report.behind_threshold} or more of {len(reached)}. A lesson is reached once its due date in the "
            f"gradebook has passed, or once at least half the class has handed it in; reached here: "
            f"{('lesson' if len(reached) == 1 else 'lessons') + ' ' + ', '.join(str(numbers[r]) for r in reached) if reached else 'none'}.")
    out = ['<h2 id="students">Students</h2>', f"<h3>Falling behind: {len(behind)} of {report.class_size}</h3>",
           f'<p class="muted">{rule}</p>']
    if behind:
        rows = []
        for s in behind:
            why = "<br>".join(f"lesson {numbers[lid]} (<code>{escape(functions[lid])}</code>): "
                              f"{escape(_why(s.submissions[lid], titles[lid]))}" for lid in s.not_passed_reached)
            rows.append(f"<tr><td>{escape(s.student.label)}</td><td class=\"num\">{len(s.not_passed_reached)} of "
                        f"{len(reached)}</td><td>{why}</td></tr>")
        out.append('<table id="behind"><tr><th>student</th><th>not passed</th><th>which, and why</th></tr>'
                   + "".join(rows) + "</table>")
    head = "".join(f'<th title="{escape(l.lesson.title)}">{l.lesson.number}</th>' for l in report.lessons)
    rows = []
    for s in report.students:
        cells = []
        for l in report.lessons:
            sub = s.submissions[l.lesson.id]
            tip = _why(sub, l.titles) + (f"; handed in {late_text(sub.seconds_late)} late" if sub.late else "")
            late = " late" if sub.late else ""
            cells.append(f'<td class="s {_status_class(sub.status)}{late}" title="{escape(tip)}">'
                         f"{SYMBOLS[sub.status]}{'<small>late</small>' if sub.late else ''}</td>")
        flags = "; ".join(escape(f"lesson {numbers[f.lesson]}: {FLAG_WORDS.get(f.kind, f.kind)}") for f in s.flags)
        counts = "".join(f'<td class="num">{s.count(status)}</td>' for status in STATUSES)
        rows.append(f'<tr class="{"behind" if s.behind else ""}"><td>{escape(s.student.id)}</td>'
                    f'<td>{escape(s.student.name)}</td>{"".join(cells)}<td class="num">{s.score:g} / {s.max_score}</td>'
                    f'{counts}<td class="num">{len(s.late)}</td><td class="ids">{flags}</td></tr>')
    columns = ", ".join(f"{l.lesson.number}: {escape(l.lesson.names)}" for l in report.lessons)
    legend = "".join(f'<span><b class="{_status_class(s)}">{SYMBOLS[s]}</b> {escape(s)}</span>' for s in STATUSES)
    heads = "".join(f"<th>{escape(status)}</th>" for status in STATUSES)
    out.append(f"<h3>Every student</h3><p class=\"legend\">{legend}<span><b>late</b> handed in after the due "
               f"date</span></p>"
               f"<p class=\"muted\">One column a lesson ({columns}); hover a cell for the mistakes named and how "
               f"late it was handed in. Every lesson of every student is in exactly one state.</p>"
               f'<table class="grid" id="grid"><tr><th>student</th><th>name</th>{head}<th>score</th>{heads}'
               f"<th>late</th><th>flags</th></tr>" + "".join(rows) + "</table>")
    return "\n".join(out)


def _why(sub, titles: dict) -> str:
    """A submission's state, with the mistakes named in their titles or, when no catalogued mistake explains
    a failure, the first check it failed."""
    if sub.status == FAILING and sub.mistakes:
        return "failing: " + "; ".join(titles.get(m, UNKNOWN_MISTAKE) for m in sub.mistakes)
    if sub.status == FAILING and sub.report is not None:
        first = next((r for r in sub.report.results if r.status == "fail"), None)
        if first is not None:
            return f"failing: first failing check “{first.purpose}”"
    return sub.status


def _flags(report: ClassReport) -> str:
    out = ['<h2 id="flags">Flags for the teacher</h2><p class="muted">Flags never change a score: they point at '
           "submissions worth a look.</p>"]
    copies = [f for f in report.flags if f.kind == "course copy"]
    out.append(f"<h3>Code that matches the course's own version: {len(copies)}</h3>"
               '<p class="muted">The graded function is the course\'s own, token for token: later lessons\' toolbox '
               "cells show it.</p>")
    if copies:
        items = []
        for summary in report.lessons:
            mine = [f for f in copies if f.lesson == summary.lesson.id]
            if mine:
                short = any("short enough" in f.text for f in mine)
                items.append(f"<li>{escape(_lesson_label(report, summary.lesson.id))}: "
                             f"<b>{_ids([f.student for f in mine])}</b>"
                             + (" (short enough to have been written independently)" if short else "") + "</li>")
        out.append("<ul>" + "".join(items) + "</ul>")
    long = [g for g in report.identical if not g.short]
    short = [g for g in report.identical if g.short]
    out.append(f"<h3>Identical submissions: {len(long)} group{'s' if len(long) != 1 else ''}</h3>"
               f'<p class="muted">Students whose graded cells are the same code once whitespace, comments and '
               f"docstrings are set aside (untouched stubs left out).</p>")

    def group_list(groups):
        return "<ul>" + "".join(
            f"<li>{escape(_lesson_label(report, g.lesson))}: <b>{_ids(g.students)}</b> ({len(g.students)} students, "
            f"{escape(', '.join(sorted(set(g.statuses))))}"
            + (f"; {'mistakes' if len(g.titles) > 1 else 'mistake'}: {escape('; '.join(g.titles))}" if g.titles else "")
            + ("; the course's own version" if g.course_copy else "") + ")</li>" for g in groups) + "</ul>"
    if long:
        out.append(group_list(long))
    if short:
        out.append(f"<details><summary>{len(short)} more group{'s' if len(short) != 1 else ''} of identical code "
                   f"shorter than {SHORT} tokens, which students often write the same way independently</summary>"
                   + group_list(short) + "</details>")
    scores = [f for f in report.flags if f.kind == "score"]
    if scores:
        out.append(f"<h3>Gradebook scores that are not the grader's: {len(scores)}</h3><ul>"
                   + "".join(f"<li><b>{escape(f.student)}</b>, {escape(_lesson_label(report, f.lesson))}: "
                             f"{escape(f.text)}</li>"
                             for f in scores) + "</ul>")
    ungradable = [(s.student.id, sub) for s in report.students for sub in s.submissions.values()
                  if sub.status == UNGRADABLE]
    if ungradable:
        out.append(f"<h3>Handed in but cannot be graded: {len(ungradable)}</h3><ul>" + "".join(
            f"<li><b>{escape(sid)}</b>, {escape(_lesson_label(report, sub.lesson))}: "
            f"{escape((sub.report.problem if sub.report else '') or '; '.join(sub.notes))}</li>"
            for sid, sub in ungradable) + "</ul>")
    return "\n".join(out)


def _footer(report: ClassReport) -> str:
    links = " · ".join(f'<a href="{f}">{f}</a>' for f in FILES)
    return (f'<h2 id="files">Files</h2><p>Beside this page: {links} (shares as fractions).</p>'
            '<p class="muted">Tried: graded with an answer of the student\'s own, passing or failing. Mistakes and '
            "checks are counted among those who tried; the share passing is of the whole class. A student's answer "
            "can show more than one mistake. Scores are the gradebook's when it has one, else the grader's.</p>")


def render(report: ClassReport) -> str:
    body = [_header(report), _misunderstood(report), _overview(report),
            '<h2 id="lessons">Lesson by lesson</h2>', *[_lesson(l) for l in report.lessons],
            _students(report), _flags(report), _footer(report)]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Class report · {escape(report.data.course.title)}</title><style>{CSS}</style></head>"
            "<body>\n" + "\n".join(body) + "\n</body></html>\n")
