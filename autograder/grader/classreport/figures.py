"""Figures for the page, drawn with matplotlib's object API (no pyplot state) and embedded as PNG.

Their margins are set in inches from what the labels need, so each figure is drawn once: ``tight_layout``
and ``bbox_inches="tight"`` would each lay out every tick label again (four passes for the scores).
"""
from __future__ import annotations

import base64
import io
import math

from .aggregate import ClassReport
from .collect import FAILING, MISSING, NOT_ATTEMPTED, PASSING, STATUSES, UNGRADABLE

COLOURS = {PASSING: "#1a7f37", FAILING: "#cf222e", UNGRADABLE: "#9a6700", NOT_ATTEMPTED: "#8c959f",
           MISSING: "#d0d7de"}
"""One colour a status, the same on the page; every status also has a symbol, never colour alone."""


DPI = 96


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _inches(fig, texts, size) -> float:
    """The width of the widest of ``texts`` at ``size`` points, in inches (measured, not drawn)."""
    from matplotlib.font_manager import FontProperties
    renderer, font = fig.canvas.get_renderer(), FontProperties(size=size)
    return max((renderer.get_text_width_height_descent(t, font, ismath=False)[0] for t in texts), default=0) / DPI


def _margins(fig, left, right, bottom, top, wspace=0.0, hspace=0.0, rows=1, cols=1):
    """Place a rows x cols grid of axes with these margins and gaps, all in inches."""
    width, height = fig.get_size_inches()
    axes_w = (width - left - right - (cols - 1) * wspace) / cols
    axes_h = (height - bottom - top - (rows - 1) * hspace) / rows
    fig.subplots_adjust(left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height,
                        wspace=wspace / axes_w, hspace=hspace / axes_h)


def status_figure(report: ClassReport) -> str:
    """One bar a lesson: how many students pass, fail, cannot be graded, left it untouched or not in."""
    lessons = report.lessons
    fig = _figure(8.5, 0.45 * len(lessons) + 1.3)
    names = [f"{l.lesson.number:>2} {l.lesson.names}" for l in lessons]
    _margins(fig, left=_inches(fig, names, 9) + 0.2, right=0.15, bottom=0.5, top=0.35)
    ax = fig.add_subplot()
    y = list(range(len(lessons)))[::-1]
    left = [0] * len(lessons)
    for status in STATUSES:
        widths = [l.count(status) for l in lessons]
        bars = ax.barh(y, widths, left=left, color=COLOURS[status], label=status, height=0.7,
                       edgecolor="white", linewidth=0.5)
        for bar, w in zip(bars, widths):
            if w and w >= 0.06 * report.class_size:
                ax.text(bar.get_x() + w / 2, bar.get_y() + bar.get_height() / 2, str(w), ha="center",
                        va="center", fontsize=8, color="white" if status in (PASSING, FAILING, UNGRADABLE)
                        else "#24292f")
        left = [a + b for a, b in zip(left, widths)]
    ax.set_yticks(y, names, fontsize=9)
    ax.set_xlim(0, max(report.class_size, 1))
    ax.set_xlabel(f"students (class of {report.class_size})")
    ax.legend(ncols=len(STATUSES), loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, fontsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _png(fig)


def scores_figure(report: ClassReport) -> str:
    """Each lesson's score distribution (those who handed it in), and the class's totals."""
    lessons = report.lessons
    panels = len(lessons) + 1
    cols = min(panels, 5)
    rows = math.ceil(panels / cols)
    fig = _figure(2.1 * cols, 1.75 * rows + 0.2)
    _margins(fig, left=0.65, right=0.1, bottom=0.45, top=0.25, wspace=0.4, hspace=0.5, rows=rows, cols=cols)
    for i, summary in enumerate(lessons):
        ax = fig.add_subplot(rows, cols, i + 1)
        counts = summary.score_counts
        xs = list(counts)
        colours = [COLOURS[PASSING] if x >= summary.lesson.points else COLOURS[FAILING] if x == 0 else "#bf8700"
                   for x in xs]
        ax.bar([f"{x:g}" for x in xs], list(counts.values()), color=colours, width=0.6)
        ax.set_title(f"{summary.lesson.number} {summary.lesson.function or summary.lesson.notebook[:-6]}",
                     fontsize=8.5)  # a lesson of several functions: its notebook's name, short
        ax.tick_params(labelsize=7)
        ax.set_ylim(0, max(max(counts.values()), 1) * 1.15)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    ax = fig.add_subplot(rows, cols, panels)
    totals = [s.score for s in report.students]
    top = max((s.max_score for s in report.students), default=0) or 1
    if top <= 30:  # one bar a whole number of points
        ax.hist(totals, bins=[x - 0.5 for x in range(top + 2)], color="#0969da", edgecolor="white")
    else:
        ax.hist(totals, bins=15, range=(0, top), color="#0969da", edgecolor="white")
    ax.set_title(f"total of {top:g} points", fontsize=8.5)
    ax.tick_params(labelsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.supxlabel("points", fontsize=8)
    fig.supylabel("students", fontsize=8)
    return _png(fig)
