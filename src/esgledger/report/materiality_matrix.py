"""The materiality matrix as a figure: numbered points, threshold lines, shaded zones.

Significance to the company runs along the x axis and significance to stakeholders up the y
axis, as printed reports usually draw it. Each issue is a circle carrying its catalog number,
coloured by category; the moderate and high zones are shaded squares in the upper right corner,
bounded by dashed threshold lines. Drawn with matplotlib under the report's chart style, so the
SVG is deterministic (fixed hash salt, no date); PNG and PDF come from the same drawing.
"""

from __future__ import annotations

import io
import math
from decimal import Decimal
from pathlib import Path

from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from esgledger.calculate.materiality import zone_of
from esgledger.calculate.materiality_run import Assessment
from esgledger.report.charts import INK, MUTED, STYLE, WIDTH

ZONE_FILL = {"high": "#12436d", "moderate": "#7fb8c9"}
# Category colours dark enough to carry white numbers.
CATEGORY_COLOURS = ("#2a7f9e", "#8c4a8c", "#4f8a3a", "#12436d", "#d9822b", "#6b7785")
SPACING = 0.085  # points closer than this (in scale units) are nudged apart, as printed
_NUDGES = tuple(
    (SPACING * r * math.cos(math.radians(a)), SPACING * r * math.sin(math.radians(a)))
    for r in (0.6, 1.0, 1.4)
    for a in range(0, 360, 45)
)
FORMATS = ("svg", "png", "pdf")


def _bounds(assessment: Assessment) -> tuple[float, float]:
    values = [
        float(v) for r in assessment.issues for v in (r.stakeholder, r.company) if v is not None
    ]
    low = min([*values, float(assessment.thresholds.moderate) - 0.5])
    return max(float(assessment.scale.low), math.floor(low * 2) / 2), float(assessment.scale.high)


def _zones(axes: object, assessment: Assessment, top: float) -> None:
    limits = assessment.thresholds
    for name, start in (("moderate", limits.moderate), ("high", limits.high)):
        edge = float(start)
        axes.add_patch(  # type: ignore[attr-defined]
            Rectangle(
                (edge, edge),
                top - edge,
                top - edge,
                facecolor=ZONE_FILL[name],
                alpha=0.10 if name == "moderate" else 0.14,
                edgecolor=MUTED,
                linestyle=(0, (4, 3)),
                linewidth=0.8,
            )
        )
        axes.text(  # type: ignore[attr-defined]
            top - 0.04,
            edge + 0.04,
            f"{name} (≥ {_number(start)})",
            ha="right",
            va="bottom",
            fontsize=6.5,
            color=MUTED,
        )


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _placed(assessment: Assessment) -> dict[int, tuple[float, float]]:
    """Issue number -> drawn position: the scores, nudged apart where points would overlap
    (in rank order, so the most significant issues keep their exact place)."""
    placed: dict[int, tuple[float, float]] = {}
    for r in assessment.issues:
        if r.stakeholder is None or r.company is None:
            continue
        x, y = float(r.company), float(r.stakeholder)
        zone = zone_of(r.stakeholder, r.company, assessment.thresholds)
        for dx, dy in ((0.0, 0.0), *_NUDGES):
            moved = (x + dx, y + dy)
            same_zone = zone_of(_d(moved[1]), _d(moved[0]), assessment.thresholds) == zone
            if same_zone and all(math.dist(moved, p) >= SPACING for p in placed.values()):
                x, y = moved
                break
        placed[r.issue.number] = (x, y)
    return placed


def _d(value: float) -> Decimal:
    return Decimal(str(round(value, 6)))


def draw_matrix(assessment: Assessment) -> Figure:
    """The matrix of an assessment as a matplotlib figure."""
    figure = Figure(figsize=(WIDTH * 0.8, WIDTH * 0.62))
    axes = figure.add_subplot()
    low, top = _bounds(assessment)
    _zones(axes, assessment, top)
    by_number = sorted(assessment.issues, key=lambda r: r.issue.number)
    placed = _placed(assessment)
    categories = list(dict.fromkeys(r.issue.category for r in by_number))
    for index, category in enumerate(categories):
        points = [r for r in by_number if r.issue.category == category and r.issue.number in placed]
        xs = [placed[r.issue.number][0] for r in points]
        ys = [placed[r.issue.number][1] for r in points]
        colour = CATEGORY_COLOURS[index % len(CATEGORY_COLOURS)]
        axes.scatter(
            xs,
            ys,
            s=120,
            color=colour,
            edgecolors="white",
            linewidths=0.6,
            label=category,
            zorder=3,
        )
        for x, y, r in zip(xs, ys, points, strict=True):
            axes.text(
                x,
                y,
                str(r.issue.number),
                ha="center",
                va="center",
                fontsize=6,
                color="white",
                fontweight="bold",
                zorder=4,
            )
    axes.set_xlim(low, top + 0.05)
    axes.set_ylim(low, top + 0.05)
    axes.set_xlabel("Significance to the company", color=INK)
    axes.set_ylabel("Significance to stakeholders", color=INK)
    axes.set_aspect("equal")
    axes.legend(
        frameon=False,
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        fontsize=7,
        title="Category",
        title_fontsize=7.5,
        alignment="left",
    )
    if assessment.illustrative:
        axes.text(
            low + 0.05,
            top - 0.05,
            "Illustrative scores",
            ha="left",
            va="top",
            fontsize=7,
            color="#b0413e",
            fontstyle="italic",
        )
    return figure


def render_matrix(assessment: Assessment, fmt: str = "svg") -> bytes:
    """The matrix as SVG, PNG or PDF bytes (SVG without the XML prolog)."""
    if fmt not in FORMATS:
        raise ValueError(f"matrix format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    with rc_context(STYLE):
        figure = draw_matrix(assessment)
        buffer = io.BytesIO()
        metadata = {"Date": None, "Creator": "esgledger"} if fmt == "svg" else {}
        if fmt == "pdf":
            metadata = {"CreationDate": None, "Creator": "esgledger"}
        figure.savefig(
            buffer,
            format=fmt,
            metadata=metadata or None,
            bbox_inches="tight",
            pad_inches=0.05,
            dpi=200,
        )
    data = buffer.getvalue()
    return data[data.index(b"<svg") :] if fmt == "svg" else data


def write_matrix(assessment: Assessment, path: Path) -> Path:
    """Write the matrix to ``path``; the suffix (.svg, .png, .pdf) chooses the format."""
    path.write_bytes(render_matrix(assessment, path.suffix.lower().lstrip(".")))
    return path
