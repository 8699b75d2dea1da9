"""Small inline SVG charts for pages (no script, no inline style: the CSP allows neither)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape


@dataclass(frozen=True, kw_only=True)
class Bar:
    """One pair of bars: a label with its prior and current value."""

    label: str
    prior: Decimal | None
    current: Decimal | None


def comparison_bars(bars: list[Bar], prior_label: str, current_label: str) -> Markup:
    """Horizontal paired bars, each pair scaled to its own larger value (units differ)."""
    row_height, width, left = 46, 560, 190
    height = row_height * len(bars) + 30
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(prior_label)} and {escape(current_label)} compared">'
    ]
    for index, bar in enumerate(bars):
        y = index * row_height + 6
        top = max(abs(bar.prior or Decimal(0)), abs(bar.current or Decimal(0))) or Decimal(1)
        parts.append(
            f'<text x="0" y="{y + 20}" class="chart-label">{escape(bar.label[:30])}</text>'
        )
        pairs: tuple[tuple[int, Decimal | None, str], ...] = (
            (0, bar.prior, "bar-prior"),
            (18, bar.current, "bar-current"),
        )
        for offset, value, css in pairs:
            length = float(abs(value or Decimal(0)) / top) * (width - left - 10)
            parts.append(
                f'<rect x="{left}" y="{y + offset}" width="{length:.1f}" height="14" '
                f'rx="3" class="{css}"/>'
            )
    legend_y = height - 8
    parts.append(
        f'<rect x="{left}" y="{legend_y - 10}" width="12" height="12" class="bar-prior"/>'
        f'<text x="{left + 18}" y="{legend_y}" class="chart-legend">{escape(prior_label)}</text>'
        f'<rect x="{left + 90}" y="{legend_y - 10}" width="12" height="12" class="bar-current"/>'
        f'<text x="{left + 108}" y="{legend_y}" class="chart-legend">{escape(current_label)}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def progress_ring(percent: int) -> Markup:
    """A ring showing a completion percentage."""
    radius = 30
    circumference = 2 * 3.14159 * radius
    filled = circumference * max(0, min(percent, 100)) / 100
    return Markup(
        f'<svg class="ring" viewBox="0 0 80 80" role="img" aria-label="{percent}% approved">'
        f'<circle cx="40" cy="40" r="{radius}" class="ring-track"/>'
        f'<circle cx="40" cy="40" r="{radius}" class="ring-fill" '
        f'stroke-dasharray="{filled:.1f} {circumference:.1f}" transform="rotate(-90 40 40)"/>'
        f'<text x="40" y="46" text-anchor="middle" class="ring-text">{percent}%</text></svg>'
    )
