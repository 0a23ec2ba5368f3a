"""The verdict as nbgrader's feedback page can show it: the same table, in the tags its sanitizer keeps.

nbgrader renders feedback (and formgrader its notebooks) with nbconvert's HTML exporter, and the
course's ``nbgrader_config.py`` asks it to sanitize HTML. nbconvert's ``clean_html`` keeps a fixed set of
tags (``div``, ``span``, ``code``, ``pre``, ``b``, ``i``, ``em``, ``strong``, lists, links, and ``table``,
``tr``, ``td`` but not the ``<tbody>`` its parser adds to every table) with only ``class`` and ``id``
attributes, and *escapes* every other tag: the notebook's verdict table, with its ``<tbody>``,
``<details>`` and ``<p style=...>``, showed as HTML source.

``feedback_html`` rewrites the verdict into that vocabulary, keeping its layout: each row of the table
becomes a ``div`` of cells side by side, header cells are bold, paragraphs and ``<small>`` become ``div``/``span``, inline
colours also become the Bootstrap 3 classes nbgrader's feedback page already loads (``text-danger``,
``text-success``, ``text-muted``, ``bg-danger``...: the sanitizer drops ``style`` and keeps ``class``,
while Jupyter and formgrader still apply the styles), and the fix folded under *Show me the fix* is left
out: feedback gives the hint, and the notebook keeps the exact line for whoever asks for it there.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

KEPT = {"div", "span", "table", "tr", "td", "code", "pre", "b", "i", "em", "strong", "ul", "ol", "li",
        "blockquote", "a"}
# A table becomes rows of divs: bleach (which nbconvert's sanitizer uses) parses like a browser and
# adds the <tbody> a table's rows imply, then escapes that <tbody> as a tag it does not keep.
RENAMED = {"p": "div", "small": "span", "sub": "span", "sup": "span", "table": "div", "tr": "div", "td": "span",
           "th": "span", "h1": "div", "h2": "div", "h3": "div", "h4": "div"}
UNWRAPPED = {"thead", "tbody", "tfoot", "colgroup", "col"}
DROPPED = {"details", "script", "style", "template"}  # with everything inside them
VOID = {"br", "hr", "img", "col", "wbr", "input"}
FIX_LEFT_OUT = "The exact fix is left out here: your notebook shows it under “Show me the fix”."


def _rgb(value: str):
    """(r, g, b) of the first colour in a CSS value (#rrggbb, #rgb or rgb()/rgba()), or None; None too for
    a theme variable (``var(--jp-...)``), which is the page's own colour, not a verdict's."""
    if "var(" in value:
        return None
    found = re.search(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b", value)
    if found:
        hexa = found.group(1)
        if len(hexa) == 3:
            hexa = "".join(c * 2 for c in hexa)
        return tuple(int(hexa[i:i + 2], 16) for i in (0, 2, 4))
    found = re.search(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)", value)
    return tuple(int(x) for x in found.groups()) if found else None


def _tone(rgb) -> str:
    """"danger", "success", "warning" or "muted" for a colour: what the palette means, not its exact shade."""
    r, g, b = rgb
    if r > g + 60 and r > b + 40:
        return "danger"
    if g > r + 40 and g > b:
        return "success"
    if r > b + 60 and g > b + 40:
        return "warning"
    return "muted"


def classes_for(tag: str, style: str) -> list:
    """Bootstrap classes that carry what an inline style meant (its colours, bold, a table)."""
    found = []
    declarations = dict(part.split(":", 1) for part in style.split(";") if ":" in part)
    declarations = {k.strip().lower(): v.strip() for k, v in declarations.items()}
    color = declarations.get("color")
    if color and _rgb(color):
        found.append(f"text-{_tone(_rgb(color))}")
    for key in ("background", "background-color"):
        if declarations.get(key) and _rgb(declarations[key]):
            tone = _tone(_rgb(declarations[key]))
            if tone != "muted":
                found.append(f"bg-{tone}")
    if tag == "table":
        found += ["table", "table-condensed"]
    return found


class _Rewriter(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list = []
        self.dropping = 0        # depth inside a dropped element
        self.dropped_fix = False
        self.stack: list = []    # the tags opened, as written out (None for unwrapped ones)

    def handle_starttag(self, tag, attrs):
        if self.dropping:
            if tag in DROPPED:
                self.dropping += 1
            return
        if tag in DROPPED:
            self.dropping = 1
            self.dropped_fix = self.dropped_fix or tag == "details"
            return
        if tag in VOID:
            if tag == "br":
                self.out.append("<div></div>")  # an empty block breaks the line, as <br> did
            return
        attrs = dict(attrs)
        name = RENAMED.get(tag, tag)
        if tag in UNWRAPPED or name not in KEPT:
            self.stack.append(None)
            return
        style = attrs.get("style") or ""
        classes = classes_for(tag, style)
        parts = [name]
        if classes:
            parts.append(f'class="{html.escape(" ".join(dict.fromkeys(classes)))}"')
        if style:  # kept for Jupyter and formgrader; the feedback page's sanitizer drops it, keeping the classes
            parts.append(f'style="{html.escape(style)}"')
        if name == "a" and (attrs.get("href") or "").startswith(("http://", "https://")):
            parts.append(f'href="{html.escape(attrs["href"])}"')
        self.out.append("<" + " ".join(parts) + ">")
        if tag == "th" or tag.startswith("h"):
            self.out.append("<b>")
            self.stack.append(name + "+b")
        else:
            self.stack.append(name)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self.dropping:
            if tag in DROPPED:
                self.dropping -= 1
            return
        if tag in VOID or not self.stack:
            return
        name = self.stack.pop()
        if name is None:
            return
        if name.endswith("+b"):
            self.out.append(f"</b></{name[:-2]}>")
        else:
            self.out.append(f"</{name}>")
        if tag in ("td", "th"):
            self.out.append(" ")  # cells of a row, side by side

    def handle_data(self, data):
        if not self.dropping:
            self.out.append(html.escape(data, quote=False))


def feedback_html(text) -> str:
    """The verdict's HTML in the tags and attributes nbconvert's sanitizer keeps (see the module's doc)."""
    text = "".join(text) if isinstance(text, list) else str(text)
    rewriter = _Rewriter()
    rewriter.feed(text)
    rewriter.close()
    while rewriter.stack:
        name = rewriter.stack.pop()
        if name:
            rewriter.out.append(f"</b></{name[:-2]}>" if name.endswith("+b") else f"</{name}>")
    body = "".join(rewriter.out)
    if rewriter.dropped_fix:
        body += f'<div class="text-muted">{html.escape(FIX_LEFT_OUT)}</div>'
    return body
