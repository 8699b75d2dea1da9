"""What a report shows: immutable records built from the ledger, ready for a template.

Every number in these records is already formatted (see :mod:`esgledger.report.formatting`);
the raw ``Decimal`` values are kept next to the printed strings for tests and exports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from esgledger.core.problems import Problem


@dataclass(frozen=True, kw_only=True)
class Segment:
    """A piece of narrative text.

    Attributes:
        text: the text as printed.
        figure: the metric id when the text is a figure taken from the ledger, else None.
        missing: True when the figure was not in the ledger (text is a placeholder).
    """

    text: str
    figure: str | None = None
    missing: bool = False


@dataclass(frozen=True, kw_only=True)
class Paragraph:
    """A paragraph of narrative: text segments and figures, in order."""

    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        """The paragraph as plain text."""
        return "".join(s.text for s in self.segments)


@dataclass(frozen=True, kw_only=True)
class KpiRow:
    """One row of a KPI table.

    Attributes:
        metric: metric id.
        name: the metric's name from the catalog.
        unit: the unit as printed in the unit column.
        prior: prior-period value as printed, number only (``—`` when missing).
        current: current-period value as printed, number only.
        prior_text: prior value with its unit (``5,869.7 t``).
        current_text: current value with its unit.
        yoy: year-on-year change as printed (``+52.1%``).
        prior_value: the prior value in the catalog unit, unrounded (None when missing).
        current_value: the current value, unrounded.
        yoy_percent: (current - prior) / prior x 100, unrounded (None when not computable).
        kind: ``reported`` or ``computed`` for the current figure; ``""`` when missing.
        disclosures: disclosure codes the metric answers in the report's framework.
        notes: numbers of the notes that explain this figure.
    """

    metric: str
    name: str
    unit: str
    prior: str
    current: str
    prior_text: str
    current_text: str
    yoy: str
    prior_value: Decimal | None
    current_value: Decimal | None
    yoy_percent: Decimal | None
    kind: str
    disclosures: tuple[str, ...] = ()
    notes: tuple[int, ...] = ()


@dataclass(frozen=True, kw_only=True)
class KpiTable:
    """A table of key figures for the prior and current periods."""

    title: str
    rows: tuple[KpiRow, ...]
    prior_label: str
    current_label: str


@dataclass(frozen=True, kw_only=True)
class Series:
    """One data series of a chart: a label and one value per category (None = no data)."""

    label: str
    values: tuple[float | None, ...]


@dataclass(frozen=True, kw_only=True)
class ChartSpec:
    """A chart to draw, with its data already taken from the ledger.

    Attributes:
        id: anchor id, unique in the report.
        kind: ``bars`` (horizontal, grouped by period), ``stacked`` (one column per period),
            ``donut`` (parts of the current period) or ``comparison`` (one panel per metric:
            computed values as bars, company-reported values as markers).
        title: caption.
        unit: unit of the values, as printed on the axis.
        categories: category labels (metric names, or periods for ``stacked``).
        series: the series to draw.
        markers: for ``comparison``, the reported values per panel.
        precision: decimals of value labels.
    """

    id: str
    kind: str
    title: str
    unit: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    markers: tuple[Series, ...] = ()
    precision: int = 0


@dataclass(frozen=True, kw_only=True)
class Section:
    """A chapter or a section of a chapter.

    Attributes:
        id: anchor id, unique in the report.
        title: heading.
        narrative: paragraphs of text, with figures resolved.
        disclosures: framework codes the section answers in narrative form.
        kpi_tables: tables of key figures.
        charts: charts.
        blocks: generated blocks shown in the section, in order (``stakeholders``,
            ``material_issues``, ``restatements``, ``notes``, ``ghg_method``,
            ``content_index``).
        sections: sub-sections.
    """

    id: str
    title: str
    narrative: tuple[Paragraph, ...] = ()
    disclosures: tuple[str, ...] = ()
    kpi_tables: tuple[KpiTable, ...] = ()
    charts: tuple[ChartSpec, ...] = ()
    blocks: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()


@dataclass(frozen=True, kw_only=True)
class StakeholderRow:
    """A stakeholder group with its issues, engagement channels and frequency."""

    group: str
    issues: tuple[str, ...]
    channels: tuple[str, ...]
    frequency: str


@dataclass(frozen=True, kw_only=True)
class IssueCategory:
    """Material issues of one category, as (number, name) pairs."""

    category: str
    issues: tuple[tuple[int, str], ...]


@dataclass(frozen=True, kw_only=True)
class ReportNote:
    """A numbered note of the report (restatement, variance explanation, method, omission)."""

    number: int
    kind: str
    metrics: tuple[str, ...]
    text: str


@dataclass(frozen=True, kw_only=True)
class FactorCitation:
    """An emission or conversion factor used in a computed figure, with its source."""

    key: str
    value: str
    unit: str
    region: str
    set_id: str
    citation: str


@dataclass(frozen=True, kw_only=True)
class GhgComparison:
    """A GHG figure as reported by the company beside esgledger's computation.

    Attributes:
        metric: metric id (``ghg.scope1``).
        name: metric name.
        period: period code.
        reported: the company's figure as printed (``—`` when it reported none).
        computed: esgledger's figure as printed.
        variance: (computed - reported) / reported x 100, as printed.
        variance_percent: the same, unrounded.
    """

    metric: str
    name: str
    period: str
    reported: str
    computed: str
    variance: str
    variance_percent: Decimal | None


@dataclass(frozen=True, kw_only=True)
class GhgMethod:
    """The GHG method statement: comparisons, factors with citations, GWP set, method notes."""

    comparisons: tuple[GhgComparison, ...]
    factors: tuple[FactorCitation, ...]
    gwp_set: str | None
    consolidation: str
    statements: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class IndexRow:
    """A row of the content index.

    Attributes:
        code: disclosure code (``302-1``).
        title: the disclosure's title from the framework.
        standard: the standard's code and title (``GRI 302: Energy 2016``).
        locations: (section title, anchor id) pairs where the disclosure is answered.
        omission: the reason for omission when it is answered nowhere.
    """

    code: str
    title: str
    standard: str
    locations: tuple[tuple[str, str], ...] = ()
    omission: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReportModel:
    """Everything a report shows, for one period.

    Attributes:
        title: the report's title.
        organization: legal name of the reporting organization.
        short_name: the name used in headings.
        period: period code (``2019``).
        prior_period: code of the comparison period, if any.
        period_label: the period as printed (``1 January 2019 to 31 December 2019``).
        framework: framework id of the content index (``gri-2016``).
        framework_title: its printed title.
        details: descriptive facts of the organization (headquarters, listing, ...).
        chapters: the chapters, in order.
        stakeholders: the stakeholder engagement table.
        material_issues: material issues by category.
        notes: numbered notes (restatements, variance explanations, methods, omissions).
        restatement: the GRI 102-48 statement.
        ghg_method: the GHG method statement and reported-vs-computed comparison.
        content_index: the content index rows.
        problems: figures referenced but missing, and calculation problems.
        extra_blocks: HTML of the blocks contributed by other features
            (:mod:`esgledger.report.extensions`), by block name.
    """

    title: str
    organization: str
    short_name: str
    period: str
    prior_period: str | None
    period_label: str
    framework: str
    framework_title: str
    details: dict[str, str] = field(default_factory=dict)
    chapters: tuple[Section, ...] = ()
    stakeholders: tuple[StakeholderRow, ...] = ()
    material_issues: tuple[IssueCategory, ...] = ()
    notes: tuple[ReportNote, ...] = ()
    restatement: str = ""
    ghg_method: GhgMethod | None = None
    content_index: tuple[IndexRow, ...] = ()
    problems: tuple[Problem, ...] = ()
    extra_blocks: dict[str, str] = field(default_factory=dict)

    def all_sections(self) -> list[Section]:
        """Chapters and their sections, depth first."""
        found: list[Section] = []

        def walk(section: Section) -> None:
            found.append(section)
            for child in section.sections:
                walk(child)

        for chapter in self.chapters:
            walk(chapter)
        return found

    def kpi_tables(self) -> list[KpiTable]:
        """Every KPI table of the report, in reading order."""
        return [table for section in self.all_sections() for table in section.kpi_tables]
