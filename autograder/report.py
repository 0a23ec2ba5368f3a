"""Verdict tables: HTML in Jupyter, plain text elsewhere."""
import html
import re
import textwrap

MARKS = {"pass": "✓", "fail": "✗", "skip": "–"}
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
