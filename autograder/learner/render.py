"""Every table the course shows, in one palette: HTML in Jupyter, plain text elsewhere.

The check verdict, the progress table, the gradient check and the grading
CLI's summary.
"""
import html
import re
import textwrap

MARKS = {"pass": "✓", "fail": "✗", "skip": "–"}
STATES = {"passing": "✓ passing", "failing": "✗ failing", "not attempted": "· not attempted",
          "problem": "! problem"}
COLOURS = {"pass": "#1a7f37", "fail": "#cf222e", "skip": "#6e7781"}


def headline(report):
    if report.problem:
        return f"{report.function}: cannot be checked"
    if report.not_attempted:
        return f"{report.function}: not attempted yet"
    total = len(report.results)
    if report.passed:
        return f"{report.function}: all {total} checks pass"
    return f"{report.function}: {report.n_passed} of {total} checks pass"


def text(report, width=100):
    """The verdict as plain text, one line a check, messages indented below failures."""
    lines = [headline(report)]
    if report.problem:
        lines += textwrap.wrap(report.problem, width, initial_indent="  ", subsequent_indent="  ")
    for r in report.results:
        lines.append(f"  {MARKS[r.status]} {r.purpose}")
        if r.status == "fail" and r.message:
            lines += textwrap.wrap(r.message, width, initial_indent="      ", subsequent_indent="      ")
    return "\n".join(lines)


def _code(message):
    """Escape for HTML and show `backticked` text as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(message))


def html_table(report):
    """The verdict as a compact HTML table."""
    colour = COLOURS["pass" if report.passed else "fail"]
    rows = []
    if report.problem:
        rows.append(f'<tr><td style="color:{COLOURS["fail"]}">✗</td><td style="text-align:left">'
                    f'{_code(report.problem)}</td></tr>')
    for r in report.results:
        message = f'<div style="color:#57606a;margin-top:2px">{_code(r.message)}</div>' \
            if r.status != "pass" and r.message else ""
        rows.append(f'<tr><td style="color:{COLOURS[r.status]};font-weight:bold;vertical-align:top">'
                    f'{MARKS[r.status]}</td><td style="text-align:left">{html.escape(r.purpose)}{message}</td></tr>')
    return (f'<div class="autograder-verdict"><div style="font-weight:bold;color:{colour};margin-bottom:4px">'
            f'{html.escape(headline(report))}</div><table style="border-collapse:collapse;font-size:90%">'
            f'{"".join(rows)}</table></div>')


def summary_text(rows, score, max_score):
    """A plain table of graded functions: [(function, lesson, checks, points, max, first problem)]."""
    head = ("function", "lesson", "checks", "points", "first problem")
    body = [(f, l, c, f"{p:g}/{mx:g}", msg) for f, l, c, p, mx, msg in rows]
    widths = [max(len(str(x[i])) for x in [head] + body) for i in range(4)]
    out = ["  ".join(str(h).ljust(w) for h, w in zip(head[:4], widths)) + "  " + head[4]]
    for row in body:
        msg = row[4] if len(row[4]) <= 110 else row[4][:107] + "..."
        out.append("  ".join(str(x).ljust(w) for x, w in zip(row[:4], widths)) + "  " + msg)
    out.append(f"score: {score:g} / {max_score:g}")
    return "\n".join(out)


def progress_text(states, max_score):
    """Every lesson's state as plain text, with the first hint under a failing lesson."""
    width = max(len(s.lesson.id) for s in states)
    lines = []
    for s in states:
        line = f"{s.lesson.id:<{width}}  {s.lesson.function:<17} {STATES[s.state]:<16} {s.checks:>6}  " \
               f"{s.points}/{s.lesson.points}"
        lines.append(line)
        if s.hint:
            lines.append(" " * (width + 2) + "→ " + (s.hint if len(s.hint) < 160 else s.hint[:157] + "..."))
    score = sum(s.points for s in states)
    done = sum(s.state == "passing" for s in states)
    lines.append(f"{done} of {len(states)} lessons passing · score {score}/{max_score}")
    return "\n".join(lines)


def progress_html(states, max_score):
    """Every lesson's state as an HTML table."""
    colour = {"passing": "#1a7f37", "failing": "#cf222e", "not attempted": "#6e7781", "problem": "#9a6700"}
    rows = "".join(
        f"<tr><td>{s.lesson.number}</td><td style='text-align:left'>{html.escape(s.lesson.title)}</td>"
        f"<td><code>{s.lesson.function}</code></td><td style='color:{colour[s.state]};font-weight:bold'>"
        f"{STATES[s.state]}</td><td>{s.checks}</td><td>{s.points}/{s.lesson.points}</td>"
        f"<td style='text-align:left;color:#57606a'>{html.escape(s.hint[:200])}</td></tr>" for s in states)
    score = sum(s.points for s in states)
    return (f"<table><tr><th>#</th><th>lesson</th><th>function</th><th>state</th><th>checks</th><th>points</th>"
            f"<th>first hint</th></tr>{rows}</table><p><b>score {score}/{max_score}</b></p>")
