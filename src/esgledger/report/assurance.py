"""The assurance package: one XLSX that a third-party assurer can trace every figure with.

Sheets: ``Summary`` (organisation, period, audit-trail head hash and verification result),
``Figures`` (each figure of the period at every entity: value, unit, reported or computed,
GRI disclosures, method, formula, inputs with their sources, factors with citations),
``Evidence`` (every reported value of the period with its provenance, status, revision and
reason), ``Approvals`` (the review steps from the audit trail) and ``Notes`` (restatements,
variance explanations, methods). Every text is neutralised against formula injection.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from esgledger.calculate.engine import Figure
from esgledger.calculate.run import calculate_period, settings_for
from esgledger.collect.safe_export import neutralise
from esgledger.core.catalog import Catalog, default_catalog
from esgledger.core.model import Kind, NoteKind, utcnow
from esgledger.store import audit
from esgledger.store.ledger import Ledger

REVIEW_EVENTS = ("datapoint.", "submission.", "period.")


def _sheet(
    book: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    sheet = book.create_sheet(title)
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([neutralise(v) for v in row])
    sheet.freeze_panes = "A2"


def _inputs(figure: Figure) -> str:
    return "; ".join(
        f"{r.metric}@{r.entity} = {r.value} {r.unit}" + (f" [{r.source}]" if r.source else "")
        for r in figure.lineage.refs()
    )


def _factors(figure: Figure) -> str:
    return "; ".join(f"{f.key} = {f.value} {f.unit} ({f.citation})" for f in figure.lineage.factors)


def figure_rows(figures: Iterable[Figure], catalog: Catalog) -> list[list[Any]]:
    """One row per figure: entity, metric, name, value, unit, kind, GRI, method, lineage."""
    rows = []
    for f in sorted(figures, key=lambda f: (f.entity, f.metric)):
        metric = catalog.get(f.metric) if f.metric in catalog else None
        rows.append(
            [
                f.entity,
                f.metric,
                metric.name if metric else "",
                str(f.value),
                f.unit,
                str(f.kind),
                ", ".join(metric.disclosure_codes("gri-2016")) if metric else "",
                f.lineage.method,
                f.lineage.formula or "",
                _inputs(f),
                _factors(f),
            ]
        )
    return rows


def write_assurance_package(ledger: Ledger, period: str, target: Path) -> Path:
    """Write the assurance workbook of ``period`` to ``target``."""
    catalog = default_catalog()
    results = calculate_period(ledger, period, settings=settings_for(ledger))
    book = Workbook()
    book.remove(book.worksheets[0])
    _summary(book, ledger, period)
    header = ("Entity", "Metric", "Name", "Value", "Unit", "Kind", "GRI", "Method", "Formula")
    _sheet(
        book,
        "Figures",
        (*header, "Inputs", "Factors"),
        figure_rows(results.figures.values(), catalog),
    )
    _sheet(book, "Evidence", EVIDENCE_HEADER, evidence_rows(ledger, period))
    _sheet(book, "Approvals", APPROVAL_HEADER, approval_rows(ledger, period))
    notes = [n for n in ledger.notes() if n.period == period or n.kind is NoteKind.RESTATEMENT]
    _sheet(
        book,
        "Notes",
        ("Kind", "Period", "Entity", "Metrics", "Text"),
        ([str(n.kind), n.period, n.entity or "", ", ".join(n.metrics), n.text] for n in notes),
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target


def _summary(book: Workbook, ledger: Ledger, period: str) -> None:
    org = ledger.organization()
    seq, digest = audit.head(ledger)
    problems = audit.verify(ledger)
    _sheet(
        book,
        "Summary",
        ("Item", "Value"),
        [
            ("Organisation", org.name if org else ""),
            ("Period", period),
            ("Generated (UTC)", utcnow().isoformat(timespec="seconds")),
            ("Audit trail events", seq),
            ("Audit trail head hash", digest),
            ("Audit trail verification", "intact" if not problems else f"{len(problems)} problems"),
        ],
    )


EVIDENCE_HEADER = (
    "Entity", "Metric", "Value", "Unit", "Status", "Revision", "Source", "Reference",
    "Entered by", "Recorded (UTC)", "Reason", "Comment",
)  # fmt: skip


def evidence_rows(ledger: Ledger, period: str) -> list[list[Any]]:
    """Every reported value of the period with its provenance."""
    return [
        [
            dp.entity,
            dp.metric,
            str(dp.quantity.value),
            dp.quantity.unit,
            str(dp.status),
            dp.revision,
            dp.provenance.location(),
            dp.provenance.reference or "",
            dp.provenance.user,
            dp.provenance.recorded_at.isoformat(timespec="seconds"),
            dp.reason or "",
            dp.comment or "",
        ]
        for dp in ledger.datapoints(period=period, kind=Kind.REPORTED)
    ]


APPROVAL_HEADER = ("Event", "When (UTC)", "Who", "Entity", "Metric", "Step", "Reason", "Hash")


def approval_rows(ledger: Ledger, period: str) -> list[list[Any]]:
    """Review steps of the period from the audit trail."""
    return [
        [
            e.seq,
            e.created.isoformat(timespec="seconds"),
            e.actor,
            e.entity or "",
            e.metric or "",
            e.name,
            e.reason or "",
            e.hash,
        ]
        for e in audit.log(ledger, period=period)
        if e.name.startswith(REVIEW_EVENTS) and e.name != "datapoint.recorded"
    ]
