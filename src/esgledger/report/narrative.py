"""Narratives: report texts whose numbers are references to ledger figures.

A narrative never contains a typed number for a metric; it names the figure in braces:

* ``{energy.total}`` - the value with its unit (``29,562.3 tce``);
* ``{energy.total:value}`` - the number only (``29,562.3``);
* ``{energy.total:yoy}`` - the change against the prior period (``+52.1%``);
* ``{energy.total:unit}`` - the unit only;
* ``{workforce.total@2018}`` - the figure of another period (any of the forms above).

An unknown metric, period or form is an error in the layout (:class:`CatalogError` naming the
section); a figure the ledger does not hold prints as ``[not reported: <id>]`` and is returned
as a problem. Blank lines separate paragraphs.
"""

from __future__ import annotations

import re

from esgledger.core.problems import Problem, Severity
from esgledger.errors import CatalogError, UnknownMetricError
from esgledger.report.figures import FigureBook
from esgledger.report.formatting import format_number, format_quantity, format_yoy, unit_label
from esgledger.report.model import Paragraph, Segment

REFERENCE = re.compile(r"\{([^{}]*)\}")
_PARTS = re.compile(
    r"^(?P<id>[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)"
    r"(?:@(?P<period>[A-Za-z0-9_-]+))?(?::(?P<form>[a-z]+))?$"
)
FORMS = ("quantity", "value", "yoy", "unit")


def render_narrative(
    text: str, section: str, book: FigureBook
) -> tuple[tuple[Paragraph, ...], list[Problem]]:
    """Paragraphs of ``text`` with every reference resolved, and the figures found missing."""
    problems: list[Problem] = []
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        if block.strip():
            paragraphs.append(_paragraph(" ".join(block.split()), section, book, problems))
    return tuple(paragraphs), problems


def references(text: str) -> list[str]:
    """The metric ids a narrative refers to, in order."""
    found = []
    for match in REFERENCE.finditer(text):
        parts = _PARTS.match(match.group(1).strip())
        if parts:
            found.append(parts.group("id"))
    return found


def _paragraph(text: str, section: str, book: FigureBook, problems: list[Problem]) -> Paragraph:
    segments: list[Segment] = []
    position = 0
    for match in REFERENCE.finditer(text):
        if match.start() > position:
            segments.append(Segment(text=text[position : match.start()]))
        segments.append(_figure(match.group(1).strip(), section, book, problems))
        position = match.end()
    if position < len(text):
        segments.append(Segment(text=text[position:]))
    return Paragraph(segments=tuple(segments))


def _figure(reference: str, section: str, book: FigureBook, problems: list[Problem]) -> Segment:
    parts = _PARTS.match(reference)
    if not parts:
        raise CatalogError(f"report section {section!r}: malformed reference {{{reference}}}")
    metric_id, period, form = parts.group("id"), parts.group("period"), parts.group("form")
    form = form or "quantity"
    if form not in FORMS:
        raise CatalogError(
            f"report section {section!r}: {{{reference}}}: unknown form "
            f"{form!r} (use one of {', '.join(FORMS)})"
        )
    try:
        metric = book.metric(metric_id)
    except UnknownMetricError as exc:
        raise CatalogError(f"report section {section!r}: {exc}") from None
    try:
        value = book.yoy(metric_id, period) if form == "yoy" else book.value(metric_id, period)
    except CatalogError as exc:
        raise CatalogError(f"report section {section!r}: {{{reference}}}: {exc}") from None
    if form == "unit":
        return Segment(text=unit_label(metric.unit), figure=metric_id)
    if value is None:
        problems.append(
            Problem(
                location=f"report/{section}",
                check="report",
                severity=Severity.WARNING,
                message=f"narrative refers to {{{reference}}}, which the ledger does not hold",
            )
        )
        return Segment(text=f"[not reported: {metric_id}]", figure=metric_id, missing=True)
    if form == "yoy":
        return Segment(text=format_yoy(value), figure=metric_id)
    if form == "value":
        return Segment(text=format_number(value, metric.precision), figure=metric_id)
    return Segment(text=format_quantity(value, metric), figure=metric_id)
