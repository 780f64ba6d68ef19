"""Charts for the comparison report, drawn with matplotlib (no display needed), each
rendered as PNG and SVG bytes (the report writes them). Colours are the Okabe-Ito palette,
which stays distinct for people with colour-blindness; text in the SVG stays text, so it can
be searched and read aloud. Text from datasets is shown literally: dollar signs never start
matplotlib's mathematical notation."""

from __future__ import annotations

import io
import math
import textwrap

from .findings import Analysis
from .wording import direction, method, number, percent

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
STATUS_COLOURS = {"met": "#009E73", "partly met": "#E69F00", "not met": "#D55E00",
                  "not evidenced": "#999999"}
INK = "#1b1b1b"


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "coprod",
                                "font.family": "DejaVu Sans", "font.size": 10,
                                "axes.spines.top": False, "axes.spines.right": False,
                                "text.color": INK, "axes.labelcolor": INK,
                                "text.parse_math": False, "text.usetex": False})
    import matplotlib.pyplot as plt

    return plt


def _render(fig) -> tuple[bytes, bytes]:
    """The chart as PNG and as SVG bytes; the figure is closed whatever happens."""
    import matplotlib.pyplot as plt

    try:
        png, svg = io.BytesIO(), io.BytesIO()
        fig.savefig(png, format="png", dpi=150, bbox_inches="tight",
                    metadata={"Software": None})
        fig.savefig(svg, format="svg", bbox_inches="tight", metadata={"Date": None})
    finally:
        plt.close(fig)
    return png.getvalue(), svg.getvalue()


def bars(title: str, labels: list[str], values: list[int], xlabel: str
         ) -> tuple[bytes, bytes]:
    """A horizontal bar chart, first label at the top."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(labels) + 1.2))
    positions = list(range(len(labels)))[::-1]
    ax.barh(positions, values, color=OKABE_ITO[0])
    ax.set_yticks(positions, labels)
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left")
    for y, value in zip(positions, values, strict=True):
        ax.text(value, y, f" {value}", va="center")
    ax.xaxis.get_major_locator().set_params(integer=True)
    return _render(fig)


def stacked(title: str, rows: list[str], parts: dict[str, list[int]], xlabel: str
            ) -> tuple[bytes, bytes]:
    """A horizontal stacked bar chart: one bar per row, one segment per part."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(rows) + 1.6))
    positions = list(range(len(rows)))[::-1]
    left = [0] * len(rows)
    for index, (part, values) in enumerate(parts.items()):
        colour = STATUS_COLOURS.get(part, OKABE_ITO[index % len(OKABE_ITO)])
        ax.barh(positions, values, left=left, color=colour, label=part,
                edgecolor="white", hatch=["", "//", "xx", ".."][index % 4])
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_yticks(positions, rows)
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=len(parts), frameon=False)
    ax.xaxis.get_major_locator().set_params(integer=True)
    return _render(fig)


MANY = 30  # beyond this many projects, a forest plot leaves out the names and figures
WRAP = 40  # characters per line of a project's name in a forest plot


def _lines(text: str, width: int = WRAP) -> list[str]:
    """TEXT wrapped over lines of WIDTH characters, never cut: a word longer than the
    line is split, not shortened."""
    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


def forest(analysis: Analysis) -> tuple[bytes, bytes]:
    """A forest plot: each project's effect and 95% interval (square sized by its weight),
    and the pooled random-effects estimate as a diamond. Long names are wrapped over
    lines; the axis says which direction is better. With many projects, they are drawn in
    order of their result, without names (the tables give every figure)."""
    plt = _pyplot()
    pooled = analysis.pooled
    many = len(pooled.studies) > MANY
    studies = sorted(pooled.studies, key=lambda s: s.effect) if many else pooled.studies
    weights = [1.0 / (s.variance + pooled.tau2) for s in studies]
    total = math.fsum(weights)
    labels = [] if many else ["\n".join(_lines(s.label)) for s in studies]
    # Each project takes a row as tall as its name: 1 for one line, 0.6 more per line.
    rows = [1.0] * len(studies) if many else [
        1.0 + 0.6 * (label.count("\n")) for label in labels]
    ys, top = [], 1.0
    for row in reversed(rows):
        ys.insert(0, top + row / 2)
        top += row
    heading = _lines(analysis.title, 70)
    height = 7.0 if many else 0.42 * sum(rows) + 2.2 + 0.2 * len(heading)
    fig, ax = plt.subplots(figsize=(8, height))
    if many:
        ax.hlines(ys, [s.lower for s in studies], [s.upper for s in studies], color=INK,
                  linewidth=0.4)
        ax.plot([s.effect for s in studies], ys, marker="s", color=OKABE_ITO[0],
                linestyle="none", markersize=2)
    else:
        for y, study, weight in zip(ys, studies, weights, strict=True):
            ax.plot([study.lower, study.upper], [y, y], color=INK, linewidth=1.2)
            ax.plot([study.effect], [y], marker="s", color=OKABE_ITO[0], linestyle="none",
                    markersize=4 + 10 * math.sqrt(weight / total))
    diamond = max(len(studies) / 60, 0.3) if many else 0.3
    at = -diamond if many else 0.5  # the pooled row, clear of the projects
    ax.fill([pooled.lower, pooled.estimate, pooled.upper, pooled.estimate],
            [at, at + diamond, at, at - diamond], color=OKABE_ITO[5])
    ax.axvline(0, color="#666666", linewidth=0.8, linestyle="--")
    if many:
        ax.set_yticks([at], ["Pooled (random effects)"])
        ax.set_ylabel(f"{len(studies)} projects, in order of their result")
    else:
        ax.set_yticks([*ys, at], [*labels, "Pooled (random effects)"])
    ax.set_ylim(at - 2 * diamond, top + 0.8)

    def interval(e: float, lo: float, hi: float) -> str:
        return f"{number(e)} [{number(lo)}, {number(hi)}]"
    right = [] if many else [
        f"{interval(s.effect, s.lower, s.upper)}  {percent(w / total)}"
        for s, w in zip(studies, weights, strict=True)]
    right.append(interval(pooled.estimate, pooled.lower, pooled.upper))
    ax.annotate("Estimate [95% CI]" + ("" if many else "  Weight"),
                xy=(1.02, top + 0.6), xycoords=("axes fraction", "data"),
                va="center", weight="bold")
    for y, text in zip([*([] if many else ys), at], right, strict=True):
        ax.annotate(text, xy=(1.02, y), xycoords=("axes fraction", "data"), va="center")
    ax.set_xlabel(analysis.measure)
    better = direction(analysis)
    if better:  # under the axis label, at the end the arrow points to
        right_way = better.endswith("\u2192")
        ax.annotate(better, xy=(1.0 if right_way else 0.0, 0.0), xycoords="axes fraction",
                    xytext=(0, -34), textcoords="offset points", va="top",
                    ha="right" if right_way else "left", style="italic")
    ax.set_title("\n".join(heading) + f"\n{pooled.k} projects; {method(pooled)}\n"
                 f"tau\u00b2 = {pooled.tau2:.3g}, I\u00b2 = {percent(pooled.i2)}",
                 loc="left")
    return _render(fig)


def close_all() -> None:
    """Close every figure (after a chart failed part way)."""
    import matplotlib.pyplot as plt

    plt.close("all")
