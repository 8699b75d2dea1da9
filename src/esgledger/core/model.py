"""The ledger's domain records: immutable value types.

Every reported number is a :class:`Datapoint`: a ``Decimal`` value in the unit it was entered in,
for one entity, period and metric, with its :class:`Provenance`. Computed figures are kept apart
from reported ones (``kind``), and every change is a new revision, never an overwrite.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Kind(StrEnum):
    """Whether a figure was reported by the company or computed by esgledger."""

    REPORTED = "reported"
    COMPUTED = "computed"


class Status(StrEnum):
    """Workflow status of a reported datapoint: draft -> submitted -> approved -> locked.

    ``locked`` means published: the value may only change as a restatement, with a reason.
    """

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    LOCKED = "locked"


class ConsolidationApproach(StrEnum):
    """GHG Protocol consolidation approaches (Corporate Standard, chapter 3)."""

    OPERATIONAL_CONTROL = "operational_control"
    FINANCIAL_CONTROL = "financial_control"
    EQUITY_SHARE = "equity_share"


def utcnow() -> dt.datetime:
    """The current time in UTC, timezone-aware."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, kw_only=True)
class Provenance:
    """Where a value came from.

    Attributes:
        source: the channel: ``file``, ``form``, ``api``, ``demo`` or ``calculation``.
        file: file name the value was read from, if any.
        sheet: worksheet name for workbooks.
        cell: cell reference (``C7``) for workbooks.
        line: line or row number in the file (1-based).
        field: the column or field name the value was read from.
        user: who entered or imported the value.
        recorded_at: when the ledger received it (UTC).
        reference: free-text citation of the original document (e.g. a published report page).
    """

    source: str
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    line: int | None = None
    field: str | None = None
    user: str = "system"
    recorded_at: dt.datetime = dataclasses.field(default_factory=utcnow)
    reference: str | None = None

    def location(self) -> str:
        """The place a user would look: ``file!Sheet!C7``, ``file:12`` or the source name."""
        if self.file and self.sheet:
            return f"{self.file}!{self.sheet}!{self.cell or ''}".rstrip("!")
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or self.source


def new_provenance(
    source: str,
    *,
    file: str | None = None,
    sheet: str | None = None,
    cell: str | None = None,
    line: int | None = None,
    field: str | None = None,
    user: str = "system",
    reference: str | None = None,
) -> Provenance:
    """The one factory for provenance records (stamps the time in UTC)."""
    return Provenance(
        source=source,
        file=file,
        sheet=sheet,
        cell=cell,
        line=line,
        field=field,
        user=user,
        reference=reference,
    )


@dataclass(frozen=True, kw_only=True)
class Quantity:
    """A reported amount: an exact ``Decimal`` and the unit it was entered in."""

    value: Decimal
    unit: str

    def __str__(self) -> str:
        return f"{self.value} {self.unit}"


@dataclass(frozen=True, kw_only=True)
class Organization:
    """The reporting organization.

    Attributes:
        name: legal name.
        short_name: name used in report headings.
        currency: reporting currency code (ISO 4217).
        consolidation: GHG Protocol consolidation approach.
        details: further descriptive facts (headquarters, listing, ...).
    """

    name: str
    short_name: str
    currency: str = "RMB"
    consolidation: ConsolidationApproach = ConsolidationApproach.OPERATIONAL_CONTROL
    details: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Entity:
    """A node of the entity tree: the group, a subsidiary or a site.

    Attributes:
        code: short stable identifier used in files and commands (``hikvision``, ``tonglu-1``).
        name: display name.
        parent: code of the parent entity; ``None`` for the root.
        kind: ``group``, ``subsidiary`` or ``site``.
        country: ISO 3166-1 alpha-2 country code.
        grid_region: electricity grid region used for location-based scope 2 (e.g. ``CN-East``).
        ownership: the group's equity share in the entity (0..1).
        controlled: whether the group has operational control (included under that approach).
    """

    code: str
    name: str
    parent: str | None = None
    kind: str = "site"
    country: str | None = None
    grid_region: str | None = None
    ownership: Decimal = Decimal(1)
    controlled: bool = True


@dataclass(frozen=True, kw_only=True)
class Period:
    """A reporting period (usually a calendar year), identified by a code such as ``2019``."""

    code: str
    start: dt.date
    end: dt.date

    @property
    def year(self) -> int:
        """The calendar year the period ends in."""
        return self.end.year


def calendar_year(year: int) -> Period:
    """The reporting period covering one calendar year."""
    return Period(code=str(year), start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))


@dataclass(frozen=True, kw_only=True)
class Datapoint:
    """One reported (or computed) figure.

    Attributes:
        entity: entity code.
        period: period code.
        metric: metric id from the catalog.
        quantity: value and unit as entered.
        kind: reported or computed.
        status: workflow status.
        provenance: where the value came from.
        revision: 1 for the first value, incremented for each change.
        reason: why this revision replaced the previous one (required from revision 2).
        comment: free text attached by the person who entered it.
    """

    entity: str
    period: str
    metric: str
    quantity: Quantity
    provenance: Provenance
    kind: Kind = Kind.REPORTED
    status: Status = Status.APPROVED
    revision: int = 1
    reason: str | None = None
    comment: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """(entity, period, metric): the identity of a figure across revisions."""
        return (self.entity, self.period, self.metric)


class NoteKind(StrEnum):
    """What a note explains."""

    VARIANCE = "variance"
    RESTATEMENT = "restatement"
    METHOD = "method"
    OMISSION = "omission"


@dataclass(frozen=True, kw_only=True)
class Note:
    """An explanation attached to metrics for a period.

    Attributes:
        kind: variance explanation, restatement, method statement or reason for omission.
        period: period code the note is about.
        metrics: metric ids or glob patterns (``energy.*``) the note covers.
        text: the explanation.
        entity: entity code, or ``None`` for the whole group.
    """

    kind: NoteKind
    period: str
    metrics: tuple[str, ...]
    text: str
    entity: str | None = None
