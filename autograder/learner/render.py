"""Every table the course shows, in one design and one palette: HTML in Jupyter, plain text elsewhere.

The check verdict, the progress table, the gradient check and the grading
CLI's summary. One verdict design everywhere:

- a banner with the counts ("softmax · 10 passed · 1 failed · 2 waiting");
- on code a lesson handed out to repair and the learner has not changed yet (the bug hunt), the banner
  and one paragraph only: how many checks fail and where to look, none of their findings;
- one row per check that ran, failing rows marked by a red left border, each
  saying what is wrong and where;
- checks that wait for an earlier one folded into one line per check waited on;
- each known mistake named once, on the first row whose evidence shows it,
  with the idea to try beside it and the exact fix behind "Show me the fix"
  (text: ``check(name, fix=True)``); later rows that show it again keep only
  their own facts;
- one width, whatever the content.

``bundle(html, text)`` is what cells display: a text/plain form beside the
HTML, so a terminal or any text-only front end shows words, not an object.
"""
from __future__ import annotations

import html
import re
import textwrap
from html import escape

MARKS = {"pass": "✓", "fail": "✗", "skip": "–", "warn": "!"}
STATES = {"passing": "✓ passing", "failing": "✗ failing", "not attempted": "· not attempted",
          "not here yet": "· not here yet", "problem": "! problem"}
PALETTE = {
    "pass": "#1a7f37", "fail": "#cf222e", "skip": "#6e7781", "warn": "#9a6700",
    "pass_bg": "rgba(26,127,55,0.10)", "fail_bg": "rgba(207,34,46,0.09)", "warn_bg": "rgba(212,167,44,0.14)",
    "text": "var(--jp-content-font-color1, #1f2328)", "muted": "var(--jp-content-font-color2, #59636e)",
    "rule": "var(--jp-border-color2, #d1d9e0)",
    "code_bg": "rgba(127,127,127,0.12)",
}
STATE_COLOURS = {"passing": "pass", "failing": "fail", "not attempted": "skip", "not here yet": "skip",
                 "problem": "warn"}
WIDTH = "min(100%, 50rem)"
FONT = "var(--jp-ui-font-family, system-ui, -apple-system, 'Segoe UI', sans-serif)"
BOX = f"font-family:{FONT};font-size:13px;line-height:1.45;color:{PALETTE['text']};width:{WIDTH};" \
      f"box-sizing:border-box;margin:2px 0"
TEXT_WIDTH = 100


CONTROL = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """Text safe to print: no terminal escape sequences or control characters (a message can come from a
    learner's exception and must never move the cursor or hide a line), no lone surrogates."""
    text = CONTROL.sub("", text)
    return text.encode("utf-8", "replace").decode("utf-8")


def bundle(html_text: str, plain: str) -> dict:
    """A display bundle with both forms, for ``IPython.display.display(bundle, raw=True)``."""
    return {"text/html": html_text, "text/plain": plain}


def show(html_text: str, plain: str) -> None:
    """Display in Jupyter (both forms), print elsewhere."""
    try:
        from IPython import get_ipython
        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is not None and hasattr(shell, "kernel"):
        from IPython.display import display
        display(bundle(html_text, plain), raw=True)
    else:
        print(plain)


FENCE = re.compile(r"\n?```\n(.*?)\n```\n?", re.S)


def code(message: str) -> str:
    """Escape for HTML and show `backticked` text as code that does not break across lines, and a fenced
    block (lines of code between ``` lines) as a block of code."""
    parts, out = FENCE.split(clean(message)), []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f'<pre style="margin:3px 0;padding:4px 8px;background:{PALETTE["code_bg"]};'
                       f'border-radius:3px;white-space:pre;overflow-x:auto;font-size:12px">'
                       f'{html.escape(part)}</pre>')
        else:
            out.append(re.sub(r"`([^`]+)`", r'<code style="white-space:nowrap">\1</code>', html.escape(part)))
    return "".join(out)


def wrapped(message: str, width: int, indent: str) -> list:
    """Plain-text lines of a message: prose wrapped at ``width``, fenced code kept line by line."""
    parts, lines = FENCE.split(clean(message)), []
    for i, part in enumerate(parts):
        if i % 2:
            lines += [indent + "    " + line for line in part.splitlines()]
        elif part.strip():
            lines += textwrap.wrap(part.strip(), width, initial_indent=indent, subsequent_indent=indent)
    return lines


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def waiting(report) -> list:
    """[(what they wait for, how many)] of the skipped checks, in order."""
    groups = {}
    for r in report.results:
        if r.status == "skip":
            found = re.fullmatch(r"skipped until '(.*)' passes", r.message)
            what = found.group(1) if found else r.message
            groups[what] = groups.get(what, 0) + 1
    return list(groups.items())


def counts(report) -> str:
    """ "10 passed · 1 failed · 2 waiting" (only the parts that are not zero; "1 with a note" among the passed)."""
    parts = [f"{report.n_passed} passed"] + ([f"{report.n_warned} with a note"] if report.n_warned else [])
    if report.n_failed:
        parts.append(f"{report.n_failed} failed")
    if report.n_skipped:
        parts.append(f"{report.n_skipped} waiting")
    return " · ".join(parts)


def headline(report) -> str:
    if report.problem:
        return f"{report.function}: cannot be checked"
    if report.not_attempted:
        return f"{report.function}: not attempted yet"
    if report.withheld:
        return f"{report.function}: still the original's code · {report.n_failed} of {len(report.results)} checks fail"
    if report.passed:
        note = f" · {plural(report.n_warned, 'note')} below" if report.n_warned else ""
        return f"{report.function}: all {len(report.results)} checks pass{note}"
    return f"{report.function}: {counts(report)}"


def named_mistakes(report) -> list:
    """[(mistake id, hint, fix)] of the known mistakes the report names, each once, in order."""
    return [(r.mistake, r.hint, r.fix) for r in report.results if r.status in ("fail", "warn") and r.mistake
            and r.hint]


# ----------------------------------------------------------------------------- the check verdict

def text(report, width=TEXT_WIDTH, fix=False) -> str:
    """The verdict as plain text: banner, one line a check, the message under a failure, and under the row
    that first names a known mistake, its idea and (with ``fix``) its exact fix."""
    mark = "✓" if report.passed else ("·" if report.not_attempted else "✗")
    lines = [f"{mark} {headline(report)}"]
    if report.problem:
        lines += wrapped(report.problem, width, "  ")
    if report.withheld:
        return clean("\n".join(lines + wrapped(report.withheld, width, "  ")))
    for r in report.results:
        if r.status == "skip":
            continue
        lines.append(f"  {MARKS[r.status]} {r.purpose}")
        said = r.status in ("fail", "warn")  # a note is shown like a failure, under its "!" row
        if said and r.message:
            lines += wrapped(r.message, width, "      ")
        if said and r.hint:
            lines += wrapped(f"What to try: {r.hint}", width, "      ")
            if r.fix and fix:
                lines += wrapped(f"The fix: {r.fix}", width, "      ")
            elif r.fix:
                lines += wrapped(f'(check("{report.function}", fix=True) shows the exact fix.)', width, "      ")
    for what, n in waiting(report):
        lines.append(f"  – {plural(n, 'more check')} wait{'s' if n == 1 else ''} until '{what}' passes")
    for flag in report.flags:
        lines += wrapped(f"Flag for the instructor: {flag}", width, "  ")
    return clean("\n".join(lines))


def _banner(kind: str, text_html: str) -> str:
    colour, bg = PALETTE[kind], PALETTE[f"{kind}_bg"] if f"{kind}_bg" in PALETTE else "transparent"
    return (f'<div style="background:{bg};border-left:4px solid {colour};border-radius:4px;padding:5px 10px;'
            f'font-weight:600;color:{PALETTE["text"]}">{text_html}</div>')


def _callout(hint: str, fixed: str, fix_open: bool) -> str:
    """The idea to try, and the exact fix folded behind "Show me the fix", under the row that names a mistake."""
    body = f"<b>What to try:</b> {code(hint)}"
    if fixed:
        body += (f'<details{" open" if fix_open else ""} style="margin-top:3px"><summary style="cursor:pointer;'
                 f'color:{PALETTE["muted"]}">Show me the fix</summary><div style="margin-top:2px">{code(fixed)}'
                 f'</div></details>')
    return (f'<div style="margin-top:4px;padding:4px 8px;border-left:3px solid {PALETTE["warn"]};'
            f'background:{PALETTE["warn_bg"]};border-radius:3px">{body}</div>')


def html_table(report, fix_open=False) -> str:
    """The verdict as HTML: banner, rows (the first row naming a mistake holds its idea and fix), folded
    waiting checks."""
    kind = "pass" if report.passed else ("skip" if report.not_attempted else "fail")
    mark = "✓" if report.passed else ("·" if report.not_attempted else "✗")
    head = (f'<span style="color:{PALETTE[kind]}">{mark}</span> <span style="font-family:var(--jp-code-font-family,'
            f'monospace)">{html.escape(report.function)}</span>: {html.escape(headline(report).split(": ", 1)[1])}')
    rows = []
    cell = "padding:3px 8px;vertical-align:top;text-align:left;border-top:1px solid " + PALETTE["rule"]
    if report.withheld:
        said = f'<div style="margin-top:4px;padding:3px 8px">{code(report.withheld)}</div>'
        return f'<div class="autograder-verdict" style="{BOX}">{_banner(kind, head)}{said}</div>'
    if report.problem:
        rows.append(f'<tr style="border-left:3px solid {PALETTE["fail"]}"><td style="{cell};color:{PALETTE["fail"]}">'
                    f'✗</td><td style="{cell}">{code(report.problem)}</td></tr>')
    for r in report.results:
        if r.status == "skip":
            continue
        failing = r.status in ("fail", "warn")  # a note is shown like a failure, in the warning's colours
        border = f'border-left:3px solid {PALETTE[r.status]};background:{PALETTE[r.status + "_bg"]}' if failing \
            else "border-left:3px solid transparent"
        message = (f'<div style="margin-top:2px">{code(r.message)}</div>' if failing and r.message else "")
        if failing and r.hint:
            message += _callout(r.hint, r.fix, fix_open)
        rows.append(f'<tr style="{border}"><td style="{cell};color:{PALETTE[r.status]};font-weight:bold;width:1.2em">'
                    f'{MARKS[r.status]}</td><td style="{cell}">{html.escape(r.purpose)}{message}</td></tr>')
    for what, n in waiting(report):
        rows.append(f'<tr style="border-left:3px solid transparent"><td style="{cell};color:{PALETTE["skip"]}">–</td>'
                    f'<td style="{cell};color:{PALETTE["muted"]}">{plural(n, "more check")} wait'
                    f'{"s" if n == 1 else ""} until “{html.escape(what)}” passes</td></tr>')
    table = (f'<table style="width:100%;border-collapse:collapse;margin-top:4px;text-align:left">'
             f'{"".join(rows)}</table>' if rows else "")
    flags = "".join(f'<div style="margin-top:6px;color:{PALETTE["muted"]}"><b>Flag for the instructor:</b> '
                    f'{html.escape(flag)}</div>' for flag in report.flags)
    return f'<div class="autograder-verdict" style="{BOX}">{_banner(kind, head)}{table}{flags}</div>'


# ----------------------------------------------------------------------------- progress

def _cut(text_: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word with an ellipsis."""
    if len(text_) <= limit:
        return text_
    return text_[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def ungraded_note(lesson, states) -> str:
    """What an ungraded notebook (a capstone, a finale) is, for the progress table."""
    before = [s.lesson.number for s in states if s.lesson.part <= lesson.part]
    span = f"lessons {min(before)}-{max(before)}" if before else "your lessons"
    return f"not graded: it runs your {span}"


def _rows(states, ungraded):
    """States and ungraded notebooks, in course order: (number, state or None, lesson)."""
    rows = [(s.lesson.number, s, s.lesson) for s in states] + [(l.number, None, l) for l in ungraded]
    return sorted(rows, key=lambda r: r[0])


def progress_text(states, max_score, ungraded=()) -> str:
    """Every lesson's state as plain text, with a header and the first hint under a failing lesson; an
    ungraded notebook (``ungraded``: course.finales) gets its line, so the numbers run without a gap."""
    width = max(len(s.lesson.id) for s in states)
    head = f"{'lesson':<{width}}  {'function':<18} {'state':<16} {'checks':>6}  points"
    lines = [head, "-" * len(head)]
    for _, s, lesson in _rows(states, ungraded):
        if s is None:
            lines.append(f"{lesson.id:<{width}}  {'':<18} {ungraded_note(lesson, states)}")
            continue
        checks = s.checks if s.state in ("passing", "failing") else ""
        lines.append(f"{s.lesson.id:<{width}}  {s.lesson.function:<18} {STATES[s.state]:<16} {checks:>6}  "
                     f"{s.points}/{s.lesson.points}")
        if s.hint:
            lines += textwrap.wrap(s.hint, TEXT_WIDTH, initial_indent=" " * (width + 2) + "→ ",
                                   subsequent_indent=" " * (width + 4))
    score = sum(s.points for s in states)
    done = sum(s.state == "passing" for s in states)
    lines.append(f"{done} of {len(states)} graded lessons passing · score {score}/{max_score}")
    return clean("\n".join(lines))


def progress_html(states, max_score, ungraded=()) -> str:
    """Every lesson's state as an HTML table, headers aligned with their columns.

    The table lays itself out by its content (``table-layout:auto``; JupyterLab's own style fixes every
    column to one width, which wrapped titles over five lines and let a long function name run into the
    next column): the title column takes the room left, the function, state and counts never wrap. An
    ungraded notebook gets its own row, so the numbers run 13, 14, 15 without a gap."""
    cell = f"padding:3px 8px;vertical-align:top;border-top:1px solid {PALETTE['rule']};text-align:left"
    fixed = "white-space:nowrap;width:1%"  # as narrow as its content, never wrapped
    rows = []
    for number, s, lesson in _rows(states, ungraded):
        if s is None:
            rows.append(f'<tr><td style="{cell};{fixed};text-align:right;color:{PALETTE["muted"]}">{number}</td>'
                        f'<td style="{cell};color:{PALETTE["muted"]}">{html.escape(lesson.title)}</td>'
                        f'<td colspan="4" style="{cell};color:{PALETTE["muted"]};font-style:italic">'
                        f'{html.escape(ungraded_note(lesson, states))}</td></tr>')
            continue
        colour = PALETTE[STATE_COLOURS[s.state]]
        checks = s.checks if s.state in ("passing", "failing") else ""
        rows.append(f'<tr><td style="{cell};{fixed};text-align:right">{number}</td>'
                    f'<td style="{cell}">{html.escape(lesson.title)}</td>'
                    f'<td style="{cell};{fixed}"><code>{lesson.function}</code></td>'
                    f'<td style="{cell};{fixed};color:{colour};font-weight:600">{STATES[s.state]}</td>'
                    f'<td style="{cell};{fixed};text-align:right">{checks}</td>'
                    f'<td style="{cell};{fixed};text-align:right">{s.points}/{lesson.points}</td></tr>')
        if s.hint:  # the first hint, on its own row under its lesson, across the table
            rows.append(f'<tr><td></td><td colspan="5" style="padding:0 8px 5px;text-align:left;'
                        f'color:{PALETTE["muted"]}">→ {code(_cut(s.hint, 220))}</td></tr>')
    th = f"padding:3px 8px;text-align:left;border-bottom:2px solid {PALETTE['rule']}"
    score = sum(s.points for s in states)
    done = sum(s.state == "passing" for s in states)
    kind = "pass" if done == len(states) else "skip"
    return (f'<div class="autograder-progress" style="{BOX}">'
            f'{_banner(kind, f"Your progress · {done} of {len(states)} graded lessons passing · score {score}/{max_score}")}'
            f'<table style="width:100%;table-layout:auto;border-collapse:collapse;margin:4px 0 0 0">'
            f'<tr><th style="{th};text-align:right">#</th><th style="{th}">lesson</th><th style="{th}">function</th>'
            f'<th style="{th}">state</th><th style="{th};text-align:right">checks</th>'
            f'<th style="{th};text-align:right">points</th></tr>{"".join(rows)}</table></div>')


# ----------------------------------------------------------------------------- gradient check

VERDICT_KINDS = {"agrees": "pass", "doubtful": "warn", "wrong": "fail", "broken": "fail"}


def gradient_text(report) -> str:
    if report.problem:
        return f"✗ gradient check: {report.problem}"
    lines = [f"{'parameter':<10}{'shape':<12}{'entries':>8}{'max |diff|':>13}{'relative error':>16}  verdict"]
    for r in report.rows:
        lines.append(f"{r.name:<10}{str(r.shape):<12}{r.checked:>8}{r.max_abs_error:>13.2e}"
                     f"{r.relative_error:>16.2e}  {r.verdict}")
    lines.append("✓ backward_prop agrees with the finite differences" if report.passed else
                 "✗ backward_prop does NOT agree: look at the parameters marked wrong")
    return "\n".join(lines)


def gradient_html(report) -> str:
    if report.problem:
        return f'<div style="{BOX}">{_banner("fail", "✗ gradient check: " + code(report.problem))}</div>'
    cell = f"padding:3px 8px;border-top:1px solid {PALETTE['rule']};text-align:right"
    th = f"padding:3px 8px;border-bottom:2px solid {PALETTE['rule']};text-align:right"
    rows = "".join(
        f'<tr><td style="{cell};text-align:left"><code>{r.name}</code></td><td style="{cell}">{r.shape}</td>'
        f'<td style="{cell}">{r.checked}</td><td style="{cell}">{r.max_abs_error:.2e}</td>'
        f'<td style="{cell}">{r.relative_error:.2e}</td><td style="{cell};text-align:left;font-weight:600;'
        f'color:{PALETTE[VERDICT_KINDS[r.verdict]]}">{r.verdict}</td></tr>' for r in report.rows)
    verdict = ("✓ backward_prop agrees with the finite differences" if report.passed else
               "✗ backward_prop does <b>not</b> agree: look at the parameters marked wrong")
    return (f'<div class="autograder-gradcheck" style="{BOX}">{_banner("pass" if report.passed else "fail", verdict)}'
            f'<table style="width:100%;border-collapse:collapse;margin-top:4px"><tr>'
            f'<th style="{th};text-align:left">parameter</th><th style="{th}">shape</th>'
            f'<th style="{th}">entries checked</th><th style="{th}">max |diff|</th><th style="{th}">relative error</th>'
            f'<th style="{th};text-align:left">verdict</th></tr>{rows}</table></div>')


# ----------------------------------------------------------------------------- the grading CLI

def summary_text(rows, score, max_score) -> str:
    """A plain table of graded functions: [(function, lesson, checks, points, max, first problem)].

    The first problem is shown whole, wrapped under its row, never cut.
    """
    head = ("function", "lesson", "checks", "points")
    body = [(f, l, c, f"{p:g}/{mx:g}", msg) for f, l, c, p, mx, msg in rows]
    widths = [max(len(str(x[i])) for x in [head] + body) for i in range(4)]
    out = ["  ".join(str(h).ljust(w) for h, w in zip(head, widths)).rstrip()]
    indent = " " * 4
    for row in body:
        out.append("  ".join(str(x).ljust(w) for x, w in zip(row[:4], widths)))
        if row[4]:
            out += textwrap.wrap(row[4], TEXT_WIDTH, initial_indent=indent + "→ ", subsequent_indent=indent + "  ")
    out.append(f"score: {score:g} / {max_score:g}")
    return clean("\n".join(out))


__all__ = ["bundle", "show", "code", "escape", "text", "html_table", "progress_text", "progress_html",
           "gradient_text", "gradient_html", "summary_text", "headline"]
