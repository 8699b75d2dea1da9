"""Build the :class:`ReportModel` of a period from the ledger and its report layout.

The layout is the ledger setting ``report`` (demo: ``data/demo/hikvision-2019-report.yaml``):
``title``, ``framework`` and ``chapters``, each chapter (and each of its ``sections``) with
``id``, ``title``, ``narrative``, ``disclosures``, ``kpis`` (``{title, metrics}``), ``charts``
(``{kind, title, metrics, labels}``) and ``blocks`` (generated parts: ``stakeholders``,
``material_issues``, ``restatements``, ``notes``, ``ghg_method``, ``content_index``).
Figures come from :func:`~esgledger.calculate.run.calculate_with_prior`; year-on-year changes
are computed here from those values.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from markupsafe import Markup

from esgledger.core.catalog import Catalog, default_catalog
from esgledger.core.frameworks import Framework, load_framework
from esgledger.core.model import Note, NoteKind, Period
from esgledger.core.problems import Problem, Severity
from esgledger.errors import CatalogError, NotFound, UnknownMetricError
from esgledger.report.content_index import answered_in, build_content_index, indexed_codes
from esgledger.report.extensions import extension_blocks
from esgledger.report.figures import FigureBook
from esgledger.report.formatting import (
    format_number,
    format_quantity,
    format_yoy,
    unit_column,
    unit_label,
    yoy_percent,
)
from esgledger.report.ghg_method import DEFAULT_METRICS, build_ghg_method
from esgledger.report.model import (
    ChartSpec,
    IssueCategory,
    KpiRow,
    KpiTable,
    ReportModel,
    ReportNote,
    Section,
    Series,
    StakeholderRow,
)
from esgledger.report.narrative import render_narrative
from esgledger.store.ledger import Ledger

BLOCKS = ("stakeholders", "material_issues", "restatements", "notes", "ghg_method", "content_index")
CHART_KINDS = ("bars", "stacked", "donut", "comparison")
SECTION_FIELDS = {"id", "title", "narrative", "disclosures", "kpis", "charts", "blocks", "sections"}
LARGE_CHANGE = 30  # percent: a larger year-on-year change without a variance note is flagged


class _Context:
    """What building the sections needs: figures, catalog, framework, notes, problems."""

    def __init__(
        self,
        book: FigureBook,
        catalog: Catalog,
        framework: Framework,
        notes: tuple[ReportNote, ...],
    ) -> None:
        self.book = book
        self.catalog = catalog
        self.framework = framework.id
        self.disclosures = framework
        self.notes = notes
        self.problems: list[Problem] = []
        self.ids: set[str] = set()


def build_report_model(ledger: Ledger, period: str) -> ReportModel:
    """The report of ``period``: chapters, tables, charts, notes and content index."""
    layout = ledger.setting("report")
    if not isinstance(layout, dict) or not layout.get("chapters"):
        raise NotFound("the ledger has no report layout (setting 'report' with 'chapters')")
    catalog = default_catalog()
    book = FigureBook(ledger, period, catalog)
    framework = load_framework(str(layout.get("framework", "gri-2016")))
    notes = _numbered_notes(ledger, book)
    context = _Context(book, catalog, framework, notes)
    chapters = tuple(
        _section(entry, context, f"chapter #{i + 1}") for i, entry in enumerate(layout["chapters"])
    )
    org = ledger.organization()
    current = ledger.period(book.period)
    sections = [s for c in chapters for s in _walk(c)]
    omissions = [n for n in ledger.notes(period=book.period, kind=NoteKind.OMISSION)]
    index = build_content_index(
        indexed_codes(ledger.setting("content_index")),
        framework,
        answered_in(sections, catalog, framework.id),
        omissions,
        catalog,
    )
    results = book.results()
    problems = [*(results.problems if results else []), *context.problems]
    renderers = extension_blocks()
    used = {b for s in sections for b in s.blocks if b in renderers}
    extra_blocks: dict[str, str] = {
        name: Markup(renderers[name](ledger, book.period)) for name in sorted(used)
    }
    return ReportModel(
        title=str(
            layout.get("title") or f"Environmental, Social and Governance Report {current.year}"
        ),
        organization=org.name if org else "",
        short_name=org.short_name if org else "",
        period=book.period,
        prior_period=book.prior,
        period_label=_period_label(current),
        framework=framework.id,
        framework_title=framework.title,
        details=dict(org.details) if org else {},
        chapters=chapters,
        stakeholders=_stakeholders(ledger),
        material_issues=_material_issues(ledger),
        notes=notes,
        restatement=_restatement_statement(notes, catalog),
        ghg_method=build_ghg_method(
            book,
            tuple(layout.get("ghg_metrics") or DEFAULT_METRICS),
            str(org.consolidation).replace("_", " ") if org else "operational control",
            tuple(n.text for n in notes if n.kind == NoteKind.METHOD),
        ),
        content_index=index,
        problems=tuple(problems),
        extra_blocks=extra_blocks,
    )


def _walk(section: Section) -> list[Section]:
    return [section, *(s for child in section.sections for s in _walk(child))]


def _period_label(period: Period) -> str:
    def day(date: Any) -> str:
        return f"{date.day} {date:%B %Y}"

    return f"{day(period.start)} to {day(period.end)}"


# --- sections ---------------------------------------------------------------------------------
def _section(entry: Any, context: _Context, where: str) -> Section:
    if not isinstance(entry, dict) or not entry.get("id") or not entry.get("title"):
        raise CatalogError(f"report layout, {where}: a section needs an id and a title")
    unknown = set(entry) - SECTION_FIELDS
    section_id = str(entry["id"])
    if unknown:
        raise CatalogError(
            f"report section {section_id!r}: unknown field(s) {', '.join(sorted(unknown))}"
        )
    if section_id in context.ids:
        raise CatalogError(f"report section {section_id!r}: id used twice")
    context.ids.add(section_id)
    blocks = tuple(str(b) for b in entry.get("blocks") or ())
    known = (*BLOCKS, *extension_blocks())
    for block in blocks:
        if block not in known:
            raise CatalogError(
                f"report section {section_id!r}: unknown block {block!r} (use {', '.join(known)})"
            )
    codes = tuple(str(c) for c in entry.get("disclosures") or ())
    for code in codes:
        try:
            context.disclosures.get(code)
        except CatalogError as exc:
            raise CatalogError(f"report section {section_id!r}: {exc}") from None
    paragraphs, problems = render_narrative(
        str(entry.get("narrative") or ""), section_id, context.book
    )
    context.problems.extend(problems)
    return Section(
        id=section_id,
        title=str(entry["title"]),
        narrative=paragraphs,
        disclosures=codes,
        kpi_tables=tuple(_kpi_table(t, section_id, context) for t in entry.get("kpis") or ()),
        charts=tuple(
            _chart(c, f"{section_id}-chart-{i + 1}", context)
            for i, c in enumerate(entry.get("charts") or ())
        ),
        blocks=blocks,
        sections=tuple(
            _section(child, context, f"{where} > section #{i + 1}")
            for i, child in enumerate(entry.get("sections") or ())
        ),
    )


def _metric(metric_id: str, section: str, context: _Context) -> Any:
    try:
        return context.catalog.get(metric_id)
    except UnknownMetricError as exc:
        raise CatalogError(f"report section {section!r}: {exc}") from None


# --- KPI tables -------------------------------------------------------------------------------
def _kpi_table(entry: Any, section: str, context: _Context) -> KpiTable:
    if not isinstance(entry, dict) or not entry.get("metrics"):
        raise CatalogError(f"report section {section!r}: a KPI table needs metrics")
    book = context.book
    return KpiTable(
        title=str(entry.get("title", "")),
        rows=tuple(_kpi_row(str(m), section, context) for m in entry["metrics"]),
        prior_label=book.prior or "",
        current_label=book.period,
    )


def _kpi_row(metric_id: str, section: str, context: _Context) -> KpiRow:
    metric = _metric(metric_id, section, context)
    book = context.book
    figure = book.figure(metric_id)
    current = figure.value if figure is not None else None
    prior = book.value(metric_id, book.prior) if book.prior else None
    change = yoy_percent(current, prior)
    notes = tuple(n.number for n in context.notes if _covers(n.metrics, metric_id))
    if (
        change is not None
        and abs(change) >= LARGE_CHANGE
        and not any(n.kind == NoteKind.VARIANCE for n in context.notes if n.number in notes)
    ):
        context.problems.append(
            Problem(
                location=f"report/{section}/{metric_id}",
                check="report",
                severity=Severity.WARNING,
                message=f"changed {format_yoy(change)} against {book.prior} with no variance note",
            )
        )
    return KpiRow(
        metric=metric_id,
        name=metric.name,
        unit=unit_column(metric.unit),
        prior=format_number(prior, metric.precision),
        current=format_number(current, metric.precision),
        prior_text=format_quantity(prior, metric),
        current_text=format_quantity(current, metric),
        yoy=format_yoy(change),
        prior_value=prior,
        current_value=current,
        yoy_percent=change,
        kind=str(figure.kind) if figure is not None else "",
        disclosures=metric.disclosure_codes(context.framework),
        notes=notes,
    )


# --- charts -----------------------------------------------------------------------------------
def _chart(entry: Any, chart_id: str, context: _Context) -> ChartSpec:
    section = chart_id.rsplit("-chart-", 1)[0]
    if not isinstance(entry, dict) or entry.get("kind") not in CHART_KINDS:
        raise CatalogError(
            f"report section {section!r}: chart kind must be one of {', '.join(CHART_KINDS)}"
        )
    metric_ids = [str(m) for m in entry.get("metrics") or ()]
    metrics = [_metric(m, section, context) for m in metric_ids]
    if not metrics:
        raise CatalogError(f"report section {section!r}: a chart needs metrics")
    labels = [str(label) for label in entry.get("labels") or ()] or [m.name for m in metrics]
    if len(labels) != len(metrics):
        raise CatalogError(f"report section {section!r}: chart labels and metrics differ in number")
    book = context.book
    periods = [p for p in (book.prior, book.period) if p]
    kind = str(entry["kind"])

    def values(period: str) -> tuple[float | None, ...]:
        return tuple(_float(book.value(m, period)) for m in metric_ids)

    common = {
        "id": chart_id,
        "kind": kind,
        "title": str(entry.get("title", "")),
        "unit": unit_label(metrics[0].unit),
        "precision": metrics[0].precision,
    }
    if kind == "bars":
        series = tuple(Series(label=p, values=values(p)) for p in periods)
        return ChartSpec(**common, categories=tuple(labels), series=series)
    if kind == "donut":
        return ChartSpec(
            **common,
            categories=tuple(labels),
            series=(Series(label=book.period, values=values(book.period)),),
        )
    by_metric = [tuple(_float(book.value(m, p)) for p in periods) for m in metric_ids]
    series = tuple(
        Series(label=label, values=v) for label, v in zip(labels, by_metric, strict=True)
    )
    if kind == "stacked":
        return ChartSpec(**common, categories=tuple(periods), series=series)
    computed = tuple(
        Series(label=label, values=tuple(_float(_computed(book, m, p)) for p in periods))
        for label, m in zip(labels, metric_ids, strict=True)
    )
    reported = tuple(
        Series(label=label, values=tuple(_float(_reported(book, m, p)) for p in periods))
        for label, m in zip(labels, metric_ids, strict=True)
    )
    return ChartSpec(**common, categories=tuple(periods), series=computed, markers=reported)


def _computed(book: FigureBook, metric_id: str, period: str) -> Any:
    results = book.results(period)
    figure = results.computed(metric_id) if results else None
    return figure.value if figure is not None else None


def _reported(book: FigureBook, metric_id: str, period: str) -> Any:
    figure = book.figure(metric_id, period)
    return figure.value if figure is not None and str(figure.kind) == "reported" else None


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


# --- notes, registers -------------------------------------------------------------------------
def _numbered_notes(ledger: Ledger, book: FigureBook) -> tuple[ReportNote, ...]:
    """Notes of the report period (and restatements filed for the prior period), numbered."""
    chosen: list[Note] = [
        n for n in ledger.notes(period=book.period) if n.kind != NoteKind.OMISSION
    ]
    if book.prior:
        chosen += ledger.notes(period=book.prior, kind=NoteKind.RESTATEMENT)
    order = {NoteKind.RESTATEMENT: 0, NoteKind.VARIANCE: 1, NoteKind.METHOD: 2}
    chosen.sort(key=lambda n: order.get(n.kind, 3))
    return tuple(
        ReportNote(number=i + 1, kind=str(n.kind), metrics=n.metrics, text=n.text)
        for i, n in enumerate(chosen)
    )


def _covers(patterns: tuple[str, ...], metric_id: str) -> bool:
    return any(fnmatch.fnmatchcase(metric_id, p) for p in patterns)


def _restatement_statement(notes: tuple[ReportNote, ...], catalog: Catalog) -> str:
    restated = [n for n in notes if n.kind == NoteKind.RESTATEMENT]
    if not restated:
        return "No information given in previous reports has been restated."
    names = [_described(pattern, catalog) for note in restated for pattern in note.metrics]
    listed = ", ".join(dict.fromkeys(names))
    numbers = ", ".join(str(n.number) for n in restated)
    return (
        f"Figures given in the previous report have been restated for: {listed}. "
        f"The reasons are explained in note{'s' if len(restated) > 1 else ''} {numbers}."
    )


def _described(pattern: str, catalog: Catalog) -> str:
    """A metric pattern in words: the metric's name, or the name of the total it covers."""
    if pattern in catalog:
        return catalog.get(pattern).name.lower()
    matches = [m for m in catalog if fnmatch.fnmatchcase(m.id, pattern)]
    totals = [m for m in matches if m.id.endswith(".total")]
    if totals:
        return totals[0].name.removeprefix("Total ").lower()
    return ", ".join(m.name.lower() for m in matches) or pattern


def _stakeholders(ledger: Ledger) -> tuple[StakeholderRow, ...]:
    return tuple(
        StakeholderRow(
            group=_readable(g.name), issues=g.issues, channels=g.channels, frequency=g.frequency
        )
        for g in ledger.stakeholder_groups()
    )


def _material_issues(ledger: Ledger) -> tuple[IssueCategory, ...]:
    categories: dict[str, list[tuple[int, str]]] = {}
    for issue in ledger.material_issues():
        categories.setdefault(issue.category, []).append((issue.number, issue.name))
    return tuple(
        IssueCategory(category=_readable(c), issues=tuple(i)) for c, i in categories.items()
    )


def _readable(name: str) -> str:
    """``shareholders_and_investors`` -> ``Shareholders and investors``."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]
