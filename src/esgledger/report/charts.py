"""Charts as inline SVG, drawn with matplotlib (Agg backend, no pyplot state).

Output is deterministic - fixed ``svg.hashsalt``, no date in the metadata - so golden tests of a
report stay stable. One palette and one typographic scale for every chart; value labels on the
bars instead of grid lines.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from esgledger.report.model import ChartSpec

PRIOR = "#a9bccf"  # the comparison period: a quiet blue-grey
CURRENT = "#12436d"  # the report period: the house navy
ACCENT = "#d9822b"  # company-reported markers
PARTS = ("#12436d", "#2a7f9e", "#7fb8c9", "#c2d8e0", "#d9822b", "#8c8c8c")
INK = "#222222"
MUTED = "#666666"
WIDTH = 6.7  # inches: the text width of an A4 page with 20 mm margins

STYLE: Any = {  # rc parameters (typed loosely: matplotlib types keys as literals)
    "svg.hashsalt": "esgledger",
    "svg.fonttype": "none",
    "font.family": ["DejaVu Sans", "sans-serif"],
    "font.size": 8,
    "axes.edgecolor": "#bbbbbb",
    "axes.labelcolor": MUTED,
    "xtick.color": MUTED,
    "ytick.color": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def render_chart(spec: ChartSpec) -> str:
    """The chart as an ``<svg>`` element (no XML prolog), ready to inline in HTML."""
    draw = DRAWERS[spec.kind]
    with rc_context(STYLE):
        figure = draw(spec)
        buffer = io.StringIO()
        figure.savefig(
            buffer,
            format="svg",
            metadata={"Date": None, "Creator": "esgledger"},
            bbox_inches="tight",
            pad_inches=0.05,
            transparent=True,
        )
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _label(value: float, precision: int) -> str:
    """A value label: whole numbers from 100 up (the tables carry the exact figures)."""
    digits = 0 if abs(value) >= 100 else precision
    return f"{value:,.{digits}f}"


def _bars(spec: ChartSpec) -> Figure:
    """Horizontal bars: one group per category, one bar per period."""
    count = len(spec.categories)
    figure = Figure(figsize=(WIDTH, 0.45 + 0.42 * count))
    axes = figure.add_subplot()
    height = 0.8 / max(len(spec.series), 1)
    colours = [PRIOR, CURRENT] if len(spec.series) == 2 else [CURRENT]
    biggest = max((v for s in spec.series for v in s.values if v is not None), default=1.0)
    for i, series in enumerate(spec.series):
        positions = [c - 0.4 + height * (i + 0.5) for c in range(count)]
        values = [v or 0.0 for v in series.values]
        axes.barh(
            positions,
            values,
            height=height * 0.9,
            color=colours[i % len(colours)],
            label=series.label,
        )
        for y, value in zip(positions, series.values, strict=True):
            text = "n/a" if value is None else _label(value, spec.precision)
            axes.text(
                (value or 0.0) + biggest * 0.01,
                y,
                text,
                va="center",
                fontsize=7,
                color=INK if i == len(spec.series) - 1 else MUTED,
            )
    axes.set_yticks(range(count), spec.categories)
    axes.invert_yaxis()
    axes.set_xlim(0, biggest * 1.18)
    axes.set_xlabel(spec.unit)
    axes.tick_params(axis="y", length=0)
    axes.xaxis.set_major_formatter(lambda x, _pos: f"{x:,.0f}")
    axes.legend(frameon=False, loc="lower right", ncols=len(spec.series), fontsize=7.5)
    return figure


def _stacked(spec: ChartSpec) -> Figure:
    """Vertical stacked columns: one column per period, one segment per series."""
    figure = Figure(figsize=(WIDTH * 0.6, 2.8))
    axes = figure.add_subplot()
    bottoms = [0.0] * len(spec.categories)
    for i, series in enumerate(spec.series):
        values = [v or 0.0 for v in series.values]
        axes.bar(
            spec.categories,
            values,
            bottom=bottoms,
            width=0.55,
            color=PARTS[i % len(PARTS)],
            label=series.label,
        )
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    for x, total in enumerate(bottoms):
        axes.text(x, total, _label(total, spec.precision), ha="center", va="bottom", fontsize=7.5)
    axes.set_ylabel(spec.unit)
    axes.yaxis.set_major_formatter(lambda y, _pos: f"{y:,.0f}")
    axes.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7.5)
    return figure


def _donut(spec: ChartSpec) -> Figure:
    """A donut of the report period's parts, with shares and counts in the legend."""
    figure = Figure(figsize=(WIDTH / 2, 2.2))
    axes = figure.add_subplot()
    values = [v or 0.0 for v in spec.series[0].values]
    total = sum(values) or 1.0
    empty = not any(values)  # a period with no figures yet: an empty ring, not a crash
    axes.pie(
        [1.0] if empty else values,
        colors=["#e5e9ef"] if empty else PARTS[: len(values)],
        startangle=90,
        counterclock=False,
        wedgeprops={"width": 0.38, "edgecolor": "white", "linewidth": 1},
    )
    axes.text(
        0,
        0.08,
        "no data" if empty else _label(total, spec.precision),
        ha="center",
        va="center",
        fontsize=10,
        fontweight="bold",
        color=INK,
    )
    axes.text(0, -0.2, spec.unit or "total", ha="center", va="center", fontsize=7, color=MUTED)
    labels = [
        f"{name}  {_label(v, spec.precision)} ({v / total:.1%})"
        for name, v in zip(spec.categories, values, strict=True)
    ]
    axes.legend(
        labels,
        frameon=False,
        loc="center left",
        bbox_to_anchor=(1.0, 0.5),
        fontsize=7,
        handlelength=1,
        handleheight=1,
    )
    axes.set_aspect("equal")
    return figure


def _comparison(spec: ChartSpec) -> Figure:
    """One panel per metric, periods on the x axis: computed beside published columns."""
    panels = len(spec.series)
    figure = Figure(figsize=(WIDTH, 2.7))
    axes_list: Sequence[Axes] = figure.subplots(1, panels, squeeze=False)[0]
    width = 0.38
    for index, (axes, series) in enumerate(zip(axes_list, spec.series, strict=True)):
        reported = _markers(spec, index)
        groups = [
            (series.values, -width / 2, CURRENT, "Computed by esgledger"),
            (reported, width / 2, ACCENT, "Published by the company"),
        ]
        top = max((v for values, *_ in groups for v in values if v is not None), default=1.0)
        for values, offset, colour, label in groups:
            xs = [x + offset for x in range(len(spec.categories))]
            axes.bar(xs, [v or 0.0 for v in values], width=width * 0.92, color=colour, label=label)
            for x, value in zip(xs, values, strict=True):
                text = "n/a" if value is None else _label(value, spec.precision)
                axes.text(
                    x,
                    (value or 0.0) + top * 0.015,
                    text,
                    ha="center",
                    va="bottom",
                    fontsize=6.5,
                    color=INK,
                )
        axes.set_xticks(range(len(spec.categories)), spec.categories)
        axes.tick_params(axis="x", length=0)
        axes.set_title(series.label, fontsize=8.5, color=INK, loc="left")
        axes.set_ylim(0, _nice(top * 1.15))
        axes.yaxis.set_major_formatter(lambda y, _pos: f"{y:,.0f}")
        axes.set_ylabel(spec.unit if index == 0 else "")
    handles, labels = axes_list[0].get_legend_handles_labels()
    figure.legend(
        handles,
        labels,
        frameon=False,
        loc="lower center",
        ncols=2,
        fontsize=7.5,
        bbox_to_anchor=(0.5, -0.08),
    )
    figure.subplots_adjust(wspace=0.3)
    return figure


def _markers(spec: ChartSpec, index: int) -> tuple[float | None, ...]:
    if index < len(spec.markers):
        return spec.markers[index].values
    return tuple(None for _ in spec.categories)


def _nice(value: float) -> float:
    """A round axis limit at or above ``value``."""
    if value <= 0:
        return 1.0
    step = 10 ** math.floor(math.log10(value))
    return math.ceil(value / step * 2) / 2 * step


DRAWERS: dict[str, Callable[[ChartSpec], Figure]] = {
    "bars": _bars,
    "stacked": _stacked,
    "donut": _donut,
    "comparison": _comparison,
}
