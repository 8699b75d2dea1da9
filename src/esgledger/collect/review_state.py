"""What a reviewer sees of one figure: its current value, version, swing and comments.

Read-only helpers shared by :mod:`esgledger.collect.workflow` and
:mod:`esgledger.collect.submissions`. The *version* of a figure is the sequence number of the
newest audit event about it (:func:`esgledger.store.audit.version_of`): every change of value,
status, comment or explanation moves it, so it serves as the optimistic-concurrency token.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from esgledger.core.model import Datapoint, Kind, Note, NoteKind
from esgledger.core.units import convert, same_dimension
from esgledger.store import audit
from esgledger.store import schema as t
from esgledger.store import tables_collect as tc
from esgledger.store.ledger import Ledger, _datapoint

DEFAULT_SWING_THRESHOLD = Decimal(30)  # percent; the same default as `esgledger check`


@dataclass(frozen=True, kw_only=True)
class Comment:
    """A reviewer's or submitter's remark.

    Attributes:
        entity: entity code.
        period: period code.
        metric: metric id, or None for a remark on the whole submission.
        text: the remark.
        actor: who wrote it.
        created: when (UTC).
    """

    entity: str
    period: str
    metric: str | None
    text: str
    actor: str
    created: dt.datetime


@dataclass(frozen=True, kw_only=True)
class Swing:
    """The year-on-year change of a figure.

    Attributes:
        prior_period: the period compared with.
        prior_value: last period's value, converted to this period's unit.
        change_percent: (now - before) / |before| x 100.
        threshold: the percentage beyond which an explanation is needed.
        explanation: text of the variance note covering the figure, if any.
    """

    prior_period: str
    prior_value: Decimal
    change_percent: Decimal
    threshold: Decimal
    explanation: str | None

    @property
    def needs_explanation(self) -> bool:
        """True when the change is beyond the threshold and nothing explains it."""
        return abs(self.change_percent) > self.threshold and self.explanation is None


@dataclass(frozen=True, kw_only=True)
class FigureState:
    """One reported figure under review.

    Attributes:
        datapoint: the current revision (its ``status`` is the workflow status).
        version: send it back with the next change; a different stored version is a conflict.
        swing: the change against the prior period, when both values exist.
        comments: remarks on the figure, oldest first.
    """

    datapoint: Datapoint
    version: int
    swing: Swing | None
    comments: tuple[Comment, ...]


def current_row(conn: Connection, entity: str, period: str, metric: str) -> Datapoint | None:
    """The newest reported revision of a figure, read inside ``conn``'s transaction."""
    d = t.datapoint.c
    row = conn.execute(
        sa.select(t.datapoint)
        .where(d.entity == entity, d.period == period, d.metric == metric)
        .where(d.kind == str(Kind.REPORTED))
        .order_by(d.revision.desc())
        .limit(1)
    ).first()
    return None if row is None else _datapoint(row)


def explanation(notes: list[Note], entity: str, period: str, metric: str) -> str | None:
    """Text of the first variance note of ``period`` covering the figure (entity or group)."""
    for note in notes:
        if note.kind is not NoteKind.VARIANCE or note.period != period:
            continue
        if note.entity not in (None, entity):
            continue
        if any(fnmatch.fnmatchcase(metric, pattern) for pattern in note.metrics):
            return note.text
    return None


def swing_of(ledger: Ledger, dp: Datapoint, threshold: Decimal) -> Swing | None:
    """The change of ``dp`` against the same figure of the prior period, if there is one."""
    prior = ledger.prior_period(dp.period)
    if prior is None:
        return None
    before = [
        p for p in ledger.history(dp.entity, prior.code, dp.metric) if p.kind is Kind.REPORTED
    ]
    if not before or not same_dimension(before[-1].quantity.unit, dp.quantity.unit):
        return None
    old = before[-1].quantity
    value = convert(old.value, old.unit, dp.quantity.unit)
    if value == 0:
        return None
    change = (dp.quantity.value - value) / abs(value) * 100
    text = explanation(ledger.notes(period=dp.period), dp.entity, dp.period, dp.metric)
    return Swing(
        prior_period=prior.code,
        prior_value=value,
        change_percent=change,
        threshold=threshold,
        explanation=text,
    )


def comments_of(
    conn: Connection, entity: str, period: str, metric: str | None
) -> tuple[Comment, ...]:
    """Remarks on a figure (or, with ``metric=None``, on the whole submission)."""
    c = tc.comment.c
    query = sa.select(tc.comment).where(c.entity == entity, c.period == period)
    query = query.where(c.metric.is_(None) if metric is None else c.metric == metric)
    return tuple(
        Comment(
            entity=r.entity,
            period=r.period,
            metric=r.metric,
            text=r.text,
            actor=r.actor,
            created=audit._utc(r.created),
        )
        for r in conn.execute(query.order_by(c.id))
    )


def state_of(
    ledger: Ledger,
    dp: Datapoint,
    threshold: Decimal = DEFAULT_SWING_THRESHOLD,
) -> FigureState:
    """The review state of a datapoint."""
    with ledger.engine.connect() as conn:
        version = audit.version_of(conn, dp.entity, dp.period, dp.metric)
        remarks = comments_of(conn, dp.entity, dp.period, dp.metric)
    return FigureState(
        datapoint=dp, version=version, swing=swing_of(ledger, dp, threshold), comments=remarks
    )
