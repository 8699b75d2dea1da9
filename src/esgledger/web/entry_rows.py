"""What the data-entry form of one entity and period shows: a row per metric it owes.

Also the thin adapters the web needs around data collection: writing one entity's template
(:func:`entity_template`) and reading values typed into a form (:func:`parse_value`).
"""

from __future__ import annotations

import datetime as dt
import tempfile
import weakref
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from esgledger.collect.review_state import (
    DEFAULT_SWING_THRESHOLD,
    Comment,
    FigureState,
    Swing,
    comments_of,
    explanation,
)
from esgledger.collect.template_layout import file_name
from esgledger.collect.template_workbook import write_workbook
from esgledger.collect.templates import layouts, owed, record_issue
from esgledger.collect.templates import unit_choices as _unit_choices
from esgledger.core.catalog import Catalog
from esgledger.core.model import Datapoint, Entity, Kind, Period
from esgledger.core.units import convert, same_dimension
from esgledger.errors import NotFound, UnknownMetricError, WorkflowError
from esgledger.store import schema as t
from esgledger.store import tables_collect as tc
from esgledger.store import tables_web as tw
from esgledger.store.ledger import Ledger


@dataclass(frozen=True, kw_only=True)
class EntryRow:
    """One metric on the entry form.

    Attributes:
        metric: metric id.
        name: metric name.
        topic: catalog topic (rows are grouped by it).
        units: the units offered (catalog unit first).
        prior: last period's reported value, if any.
        state: the current figure with its version, swing and comments; None when not entered.
        evidence: number of evidence files attached.
    """

    metric: str
    name: str
    topic: str
    units: tuple[str, ...]
    prior: Datapoint | None
    state: FigureState | None
    evidence: int = 0

    @property
    def version(self) -> int:
        """The version to send back with a change (0 before the first value)."""
        return self.state.version if self.state else 0


class ReadOnce(Ledger):
    """The ledger, remembering its periods and datapoint reads: for one page, whose parts
    (the form, what is owed, last period's values, the submission) read the same rows."""

    def __init__(self, ledger: Ledger) -> None:
        super().__init__(ledger.engine)
        self._periods: list[Period] | None = None
        self._entities: list[Entity] | None = None
        self._locks: dict[str, bool] | None = None
        self._read: dict[tuple[Any, ...], list[Datapoint]] = {}

    def periods(self) -> list[Period]:
        if self._periods is None:
            self._read_periods()
        assert self._periods is not None
        return list(self._periods)

    def _read_periods(self) -> None:
        """Periods and their locks, in one query."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t.period).order_by(t.period.c.start_date)).all()
        self._periods = [Period(code=r.code, start=r.start_date, end=r.end_date) for r in rows]
        self._locks = {r.code: bool(r.locked) for r in rows}

    def entities(self) -> list[Entity]:
        if self._entities is None:
            self._entities = super().entities()
        return list(self._entities)

    def remembered_locks(self) -> dict[str, bool]:
        """:func:`esgledger.web.cycle.period_locks`, read once."""
        if self._locks is None:
            self._read_periods()
        assert self._locks is not None
        return dict(self._locks)

    def datapoints(
        self,
        *,
        period: str | None = None,
        entity: str | None = None,
        metric: str | None = None,
        kind: Kind | None = Kind.REPORTED,
    ) -> list[Datapoint]:
        key = (period, entity, metric, kind)
        if key not in self._read:
            self._read[key] = super().datapoints(
                period=period, entity=entity, metric=metric, kind=kind
            )
        return list(self._read[key])


_UNITS: weakref.WeakKeyDictionary[Catalog, dict[str, tuple[str, ...]]] = weakref.WeakKeyDictionary()


def unit_choices(catalog: Catalog, metric_id: str) -> tuple[str, ...]:
    """:func:`esgledger.collect.templates.unit_choices`, remembered per catalog and metric.

    It compares every known unit with pint, a few milliseconds per metric; a form of forty
    metrics (or each API write) would pay that on every request.
    """
    known = _UNITS.setdefault(catalog, {})
    found = known.get(metric_id)
    if found is None:
        found = known[metric_id] = _unit_choices(catalog, metric_id)
    return found


def figure_versions(
    ledger: Ledger, period: str, *, entity: str | None = None, metric: str | None = None
) -> dict[tuple[str, str], int]:
    """(entity, metric) -> version of the figures of a period, in one query.

    The same numbers as :func:`esgledger.store.audit.version_of` (``seq`` of the newest audit
    event about the figure), for a list of figures at once.
    """
    e = tc.audit_event.c
    query = sa.select(e.entity, e.metric, sa.func.max(e.seq)).where(
        e.period == period, e.metric.is_not(None)
    )
    if entity is not None:
        query = query.where(e.entity == entity)
    if metric is not None:
        query = query.where(e.metric == metric)
    with ledger.engine.connect() as conn:
        rows = conn.execute(query.group_by(e.entity, e.metric)).all()
    return {(r[0], r[1]): int(r[2] or 0) for r in rows}


def check_target(ledger: Ledger, catalog: Catalog, entity: str, period: str, metric: str | None):
    """:class:`NotFound` unless the entity and period exist and the metric is an input."""
    if entity not in {e.code for e in ledger.entities()}:
        raise NotFound(f"no entity {entity!r}")
    ledger.period(period)
    if metric is None:
        return
    if metric not in catalog:
        raise UnknownMetricError(f"unknown metric {metric!r}")
    if catalog.get(metric).derived:
        raise WorkflowError(f"{metric} is computed by esgledger; enter its inputs instead")


def figure_states(ledger: Ledger, entity: str, period: str) -> dict[str, FigureState]:
    """metric -> review state of an entity's reported figures, read in a few queries.

    The same states as :func:`esgledger.collect.workflow.figures` (version, swing against
    the prior period, comments), which reads them figure by figure; a form of a hundred
    figures needs them in bulk.
    """
    current = ledger.datapoints(period=period, entity=entity, kind=Kind.REPORTED)
    if not current:
        return {}
    prior = ledger.prior_period(period)
    before = {}
    if prior is not None:
        before = {
            dp.metric: dp
            for dp in ledger.datapoints(period=prior.code, entity=entity, kind=Kind.REPORTED)
        }
    notes = ledger.notes(period=period)
    versions = {m: v for (_, m), v in figure_versions(ledger, period, entity=entity).items()}
    c = tc.comment.c
    with ledger.engine.connect() as conn:
        remarks: dict[str, list[Comment]] = {}
        query = sa.select(tc.comment).where(c.entity == entity, c.period == period)
        for r in conn.execute(query.where(c.metric.is_not(None)).order_by(c.id)):
            remarks.setdefault(r.metric, []).append(
                Comment(
                    entity=r.entity,
                    period=r.period,
                    metric=r.metric,
                    text=r.text,
                    actor=r.actor,
                    created=_utc(r.created),
                )
            )
    return {
        dp.metric: FigureState(
            datapoint=dp,
            version=int(versions.get(dp.metric) or 0),
            swing=_swing(dp, before.get(dp.metric), prior.code if prior else "", notes),
            comments=tuple(remarks.get(dp.metric, ())),
        )
        for dp in current
    }


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _swing(dp: Datapoint, old: Datapoint | None, prior: str, notes: list) -> Swing | None:
    if old is None or not same_dimension(old.quantity.unit, dp.quantity.unit):
        return None
    value = convert(old.quantity.value, old.quantity.unit, dp.quantity.unit)
    if value == 0:
        return None
    return Swing(
        prior_period=prior,
        prior_value=value,
        change_percent=(dp.quantity.value - value) / abs(value) * 100,
        threshold=DEFAULT_SWING_THRESHOLD,
        explanation=explanation(notes, dp.entity, dp.period, dp.metric),
    )


def entry_rows(ledger: Ledger, catalog: Catalog, entity: str, period: str) -> list[EntryRow]:
    """The rows of the form: owed metrics and every metric already entered."""
    states = figure_states(ledger, entity, period)
    metrics = list(owed(ledger, catalog, entity, period))
    metrics += [m for m in states if m not in metrics and m in catalog]
    prior_period = ledger.prior_period(period)
    prior = {}
    if prior_period is not None:
        prior = {
            dp.metric: dp
            for dp in ledger.datapoints(period=prior_period.code, entity=entity, kind=Kind.REPORTED)
        }
    counts = evidence_counts(ledger, entity, period)
    return [
        EntryRow(
            metric=m,
            name=catalog.get(m).name,
            topic=catalog.get(m).topic,
            units=unit_choices(catalog, m),
            prior=prior.get(m),
            state=states.get(m),
            evidence=counts.get(m, 0),
        )
        for m in metrics
        if not catalog.get(m).derived
    ]


def entry_row(ledger: Ledger, catalog: Catalog, entity: str, period: str, metric: str) -> EntryRow:
    """One row of the form (after a change)."""
    for row in entry_rows(ledger, catalog, entity, period):
        if row.metric == metric:
            return row
    raise NotFound(f"{entity}/{period}: {metric} is not on the form")


def evidence_counts(ledger: Ledger, entity: str, period: str) -> dict[str, int]:
    """metric -> number of evidence files of an entity's period."""
    e = tw.web_evidence.c
    query = (
        sa.select(e.metric, sa.func.count())
        .where(e.entity == entity, e.period == period)
        .group_by(e.metric)
    )
    with ledger.engine.connect() as conn:
        return {r[0]: int(r[1]) for r in conn.execute(query)}


def parse_value(text: str) -> Decimal:
    """A number typed into a form; :class:`ValueError` naming the text otherwise."""
    cleaned = text.strip().replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"value: {text.strip()[:40]!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"value: {text.strip()[:40]!r} is not a number")
    if len(cleaned) > 40:
        raise ValueError("value: too many digits")
    return value


def entity_template(
    ledger: Ledger, catalog: Catalog, entity: str, period: str, actor: str
) -> list[Path]:
    """Write (and record as issued) the templates of one entity for a period.

    :func:`esgledger.collect.templates.write_templates` writes every entity's; the web hands
    each data owner only their own, so this adapter writes one entity's layouts.
    """
    out = Path(tempfile.mkdtemp(prefix="esgledger-template-"))
    prior = ledger.prior_period(period)
    last: dict[str, Datapoint] = {}
    if prior is not None:
        last = {dp.metric: dp for dp in ledger.datapoints(period=prior.code, entity=entity)}
    name = {e.code: e.name for e in ledger.entities()}[entity]
    written = []
    for layout in layouts(ledger, catalog, period):
        if layout.entity != entity:
            continue
        path = out / file_name(layout)
        previous = {r.metric: last.get(r.metric) for r in layout.rows}
        write_workbook(path, layout, catalog, name, prior, dict(previous))
        record_issue(ledger, layout, actor)
        written.append(path)
    return written


def submission_comments(ledger: Ledger, entity: str, period: str) -> tuple[Comment, ...]:
    """Remarks on an entity's whole submission (e.g. why a reviewer sent it back)."""
    with ledger.engine.connect() as conn:
        return comments_of(conn, entity, period, None)
