"""How numbers and units are printed in a report: one place, so tables and texts agree.

Values are ``Decimal`` in the catalog unit; they are rounded here, at presentation, to the
metric's ``precision`` and printed with thousands separators and always with their unit.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from esgledger.core.catalog import Metric

MISSING = "—"
"""What a table cell shows when a figure is not reported."""

CURRENCIES = frozenset({"RMB", "USD", "EUR", "HKD"})
"""Currency codes printed before the number."""

YOY_PRECISION = 1
"""Decimals of year-on-year percentages."""

# Catalog unit -> how a reader expects to see it. Units not listed print as written.
UNIT_LABELS: dict[str, str] = {
    "tCO2e": "tCO₂e",
    "tCO2e / RMB million": "tCO₂e/RMB million",
    "tce / RMB million": "tce/RMB million",
    "t / RMB million": "t/RMB million",
    "h / persons": "h/person",
    "RMB / persons": "RMB/person",
    "10k m3": "10,000 m³",
    "m3": "m³",
    "count": "",
}


def unit_label(unit: str) -> str:
    """The printed form of a catalog unit (``count`` prints as nothing)."""
    return UNIT_LABELS.get(unit, unit)


def unit_column(unit: str) -> str:
    """The unit as a table's unit column shows it (``count`` becomes ``number``)."""
    return unit_label(unit) or "number"


def rounded(value: Decimal, precision: int) -> Decimal:
    """``value`` rounded half-up to ``precision`` decimals."""
    return value.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)


def format_number(value: Decimal | None, precision: int) -> str:
    """``29562.34`` -> ``29,562.3`` (precision 1); None -> the missing mark."""
    if value is None:
        return MISSING
    number = rounded(value, precision)
    if number == 0:
        number = abs(number)  # never print "-0.0"
    return f"{number:,.{precision}f}"


def with_unit(number: str, unit: str) -> str:
    """A printed number followed by its unit (``%`` attaches without a space)."""
    label = unit_label(unit)
    if not label or number == MISSING:
        return number
    if label == "%":
        return f"{number}%"
    currency, _, scale = label.partition(" ")
    if currency in CURRENCIES:  # "RMB million" reads "RMB 57,658.11 million"
        return f"{currency} {number} {scale}".rstrip()
    return f"{number} {label}"


def format_quantity(value: Decimal | None, metric: Metric) -> str:
    """A figure of ``metric`` as printed in texts: ``29,562.3 tce``."""
    return with_unit(format_number(value, metric.precision), metric.unit)


def yoy_percent(current: Decimal | None, prior: Decimal | None) -> Decimal | None:
    """(current - prior) / prior x 100, or None when either is missing or prior is zero."""
    if current is None or prior is None or prior == 0:
        return None
    return (current - prior) / prior * 100


def format_yoy(change: Decimal | None) -> str:
    """``52.08`` -> ``+52.1%``; ``None`` -> the missing mark."""
    if change is None:
        return MISSING
    number = rounded(change, YOY_PRECISION)
    if number == 0:
        return f"{abs(number):.{YOY_PRECISION}f}%"
    sign = "+" if number > 0 else "−"
    return f"{sign}{abs(number):,.{YOY_PRECISION}f}%"


_CJK_ASIDE = re.compile(r"\s*\([^()]*[\u3000-\u9fff\uff00-\uffef][^()]*\)")


def latin_text(text: str) -> str:
    """``text`` without parenthesised Chinese originals, for an English-language report.

    Citations keep the original title beside the English one (``... energy consumption
    (综合能耗计算通则)``); the report prints the English part, so it needs no CJK font.
    """
    return _CJK_ASIDE.sub("", text).strip()
