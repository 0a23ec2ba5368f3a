"""CSV files a teacher can open in any spreadsheet without a field being run as a formula.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab or a carriage
return) as a formula. Guarding only a field's first character is not enough: a spreadsheet that splits
lines on another separator (``;`` in much of Europe, a tab, ``|``), or ignores the quotes, starts a new cell
after every such separator inside the field. So every place a cell could start is guarded: the field's
start and the character after each ``;``, ``,``, tab, ``|``, carriage return and line feed in it, spaces and
double quotes skipped. A formula start found there gets an apostrophe put before it, which every
spreadsheet reads as "this is text" (and shows, so nothing is hidden from the reader).

Numbers (int and float values) are written as numbers, and a field that is a plain number as text
(``-1``, ``+2.5``) is left as it is: it cannot run anything, and a grade stays a grade.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

SEPARATORS = ";,\t|\r\n"
TRIGGERS = "=+-@\t\r"
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?%?")
# A cell starts at the text's start or right after a separator, then spaces and quotes may come first.
_CELL_START = re.compile(rf"(?:^|(?<=[{re.escape(SEPARATORS)}]))[ \"]*")


def guard(text: str) -> str:
    """``text`` with an apostrophe before every formula start a spreadsheet could see, whatever it splits on."""
    if not any(c in text for c in TRIGGERS) or _PLAIN_NUMBER.fullmatch(text.strip(' "')):
        return text
    out, last = [], 0
    for match in _CELL_START.finditer(text):
        at = match.end()
        if at < len(text) and text[at] in TRIGGERS:
            out.append(text[last:at])
            out.append("'")
            last = at
    out.append(text[last:])
    return "".join(out)


def cell(value, digits: int = 4):
    """One field as written: text guarded, a float rounded (``digits``) and without trailing zeros,
    None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{round(value, digits):g}"
    if isinstance(value, int):
        return value
    return guard(str(value))


def write_rows(path: str | Path, header: list, rows, digits: int = 4) -> Path:
    """A UTF-8 CSV file (comma-separated, quoted where needed), every field through ``cell``."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([cell(h, digits) for h in header])
        for row in rows:
            w.writerow([cell(v, digits) for v in row])
    return path


def formula_cells(text: str) -> list[str]:
    """Every cell of ``text`` (a CSV file's content) that a spreadsheet would run as a formula, splitting
    on each of ``;``, ``,``, tab and ``|`` in turn, with quotes honoured or ignored: what the tests assert
    is empty. A cell counts when its first character, after spaces and quotes, starts a formula and it is
    not a plain number."""
    found = []
    lines = text.splitlines()
    for separator in ";,\t|":
        # a spreadsheet that ignores quotes: split each line on the separator
        for line in lines:
            for piece in line.split(separator):
                if _runs(piece):
                    found.append(piece)
        # one that honours them: parse as CSV with that separator
        for row in csv.reader(text.splitlines(), delimiter=separator):
            for piece in row:
                if _runs(piece):
                    found.append(piece)
    return found


def _runs(piece: str) -> bool:
    stripped = piece.lstrip(' "')
    return bool(stripped) and stripped[0] in TRIGGERS and not _PLAIN_NUMBER.fullmatch(stripped.rstrip(' "'))
