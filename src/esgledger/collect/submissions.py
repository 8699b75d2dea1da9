"""Per-entity submissions: an entity's data for a period moves through review as a whole.

A :class:`Submission` summarises one entity's figures of a period (how many are in each
status) and carries its own ``version`` (0 before the first step) for optimistic
concurrency. :func:`submit_entity` submits every draft figure, :func:`approve_entity` approves
every submitted one (refusing, with every reason, if a figure is still a draft or a swing is
unexplained), :func:`reject_entity` sends them back, :func:`lock_entity` locks the approved
ones and :func:`lock_period` locks a whole period once it is published.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from esgledger.collect.review_state import DEFAULT_SWING_THRESHOLD, state_of
from esgledger.collect.workflow import TRANSITIONS, set_status
from esgledger.core.model import Kind, Status, utcnow
from esgledger.errors import ConflictError, WorkflowError
from esgledger.store import audit
from esgledger.store import schema as t
from esgledger.store import tables_collect as tc
from esgledger.store.ledger import Ledger

ORDER = (Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.LOCKED)


@dataclass(frozen=True, kw_only=True)
class Submission:
    """The review state of one entity's data for a period.

    Attributes:
        entity: entity code.
        period: period code.
        status: the least advanced status of its figures (``draft`` when there are none).
        version: send it back with the next step; 0 before the first.
        counts: number of figures in each status (``{"submitted": 12, "draft": 1}``).
        actor: who took the last step.
        updated: when (UTC), or None before the first step.
    """

    entity: str
    period: str
    status: Status
    version: int
    counts: dict[str, int]
    actor: str | None = None
    updated: dt.datetime | None = None


def submission(ledger: Ledger, entity: str, period: str) -> Submission:
    """The submission of one entity for a period."""
    with ledger.engine.connect() as conn:
        row = _row(conn, entity, period)
    counts = Counter(str(dp.status) for dp in ledger.datapoints(period=period, entity=entity))
    least = min((ORDER.index(Status(s)) for s in counts), default=0)
    if row is None:
        return Submission(
            entity=entity, period=period, status=ORDER[least], version=0, counts=dict(counts)
        )
    return Submission(
        entity=entity,
        period=period,
        status=ORDER[least] if counts else Status(row.status),
        version=row.version,
        counts=dict(counts),
        actor=row.actor,
        updated=audit._utc(row.updated),
    )


def submissions(ledger: Ledger, period: str) -> list[Submission]:
    """The submissions of every entity for a period (entity tree order)."""
    return [submission(ledger, e.code, period) for e in ledger.entities()]


def _row(conn: Connection, entity: str, period: str) -> sa.Row | None:
    s = tc.submission.c
    return conn.execute(
        sa.select(tc.submission).where(s.entity == entity, s.period == period)
    ).first()


def _entity_step(
    ledger: Ledger,
    action: str,
    entity: str,
    period: str,
    *,
    expected_version: int,
    actor: str,
    reason: str | None = None,
    threshold: Decimal | None = None,
) -> Submission:
    starts, target, needs_reason = TRANSITIONS[action]
    if needs_reason and not (reason or "").strip():
        raise WorkflowError(f"{entity}/{period}: give a reason to {action} the submission")
    with ledger.transaction() as conn:
        audit.lock_chain(conn)
        row = _row(conn, entity, period)
        current = 0 if row is None else int(row.version)
        if current != expected_version:
            raise ConflictError(
                f"{entity}/{period}: the submission changed since it was read (version "
                f"{expected_version}, now {current}); reload and try again",
                current=current,
            )
        figures = ledger.datapoints(period=period, entity=entity, kind=Kind.REPORTED)
        _refuse_unready(ledger, action, entity, period, figures, threshold)
        moved = [dp for dp in figures if dp.status in starts]
        if not moved:
            raise WorkflowError(f"{entity}/{period}: no figure can {action} (none is {starts})")
        for dp in moved:
            set_status(conn, dp, action, actor=actor, reason=reason, source="submission")
        _store(conn, entity, period, target, current + 1, actor, reason, row is None)
    return submission(ledger, entity, period)


def _refuse_unready(
    ledger: Ledger,
    action: str,
    entity: str,
    period: str,
    figures: list,
    threshold: Decimal | None,
) -> None:
    if action != "approve":
        return
    reasons = [f"{dp.metric} is still a draft" for dp in figures if dp.status is Status.DRAFT]
    limit = DEFAULT_SWING_THRESHOLD if threshold is None else threshold
    for dp in figures:
        swing = state_of(ledger, dp, limit).swing if dp.status is Status.SUBMITTED else None
        if swing is not None and swing.needs_explanation:
            reasons.append(
                f"{dp.metric} changed {swing.change_percent:+.1f}% against "
                f"{swing.prior_period} with no explanation"
            )
    if reasons:
        raise WorkflowError(f"{entity}/{period}: cannot approve: " + "; ".join(reasons))


def _store(
    conn: Connection,
    entity: str,
    period: str,
    status: Status,
    version: int,
    actor: str,
    reason: str | None,
    new: bool,
) -> None:
    values = {"status": str(status), "version": version, "actor": actor, "updated": utcnow()}
    s = tc.submission
    if new:
        conn.execute(sa.insert(s).values(entity=entity, period=period, **values))
    else:
        conn.execute(
            sa.update(s).where(s.c.entity == entity, s.c.period == period).values(**values)
        )
    audit.append_event(
        conn,
        audit.NewEvent(
            name=f"submission.{status}",
            actor=actor,
            entity=entity,
            period=period,
            new={"status": str(status), "version": version},
            reason=reason,
            source="submission",
        ),
    )


def submit_entity(
    ledger: Ledger, entity: str, period: str, *, expected_version: int, actor: str
) -> Submission:
    """Submit every draft figure of the entity for review."""
    return _entity_step(
        ledger, "submit", entity, period, expected_version=expected_version, actor=actor
    )


def approve_entity(
    ledger: Ledger,
    entity: str,
    period: str,
    *,
    expected_version: int,
    actor: str,
    threshold: Decimal | None = None,
) -> Submission:
    """Approve every submitted figure; refused while a figure is a draft or a swing unexplained."""
    return _entity_step(
        ledger,
        "approve",
        entity,
        period,
        expected_version=expected_version,
        actor=actor,
        threshold=threshold,
    )


def reject_entity(
    ledger: Ledger, entity: str, period: str, *, expected_version: int, actor: str, reason: str
) -> Submission:
    """Send the entity's submitted and approved figures back to draft, saying why."""
    return _entity_step(
        ledger,
        "reject",
        entity,
        period,
        expected_version=expected_version,
        actor=actor,
        reason=reason,
    )


def lock_entity(
    ledger: Ledger, entity: str, period: str, *, expected_version: int, actor: str
) -> Submission:
    """Lock the entity's approved figures (published)."""
    return _entity_step(
        ledger, "lock", entity, period, expected_version=expected_version, actor=actor
    )


def lock_period(ledger: Ledger, period: str, *, actor: str) -> int:
    """Lock every approved figure of a period and mark the period locked; returns the count."""
    locked = 0
    for entity in ledger.entities():
        state = submission(ledger, entity.code, period)
        if state.counts.get(str(Status.APPROVED)):
            lock_entity(ledger, entity.code, period, expected_version=state.version, actor=actor)
            locked += state.counts[str(Status.APPROVED)]
    with ledger.transaction() as conn:
        conn.execute(sa.update(t.period).where(t.period.c.code == period).values(locked=True))
        audit.append_event(
            conn,
            audit.NewEvent(name="period.locked", actor=actor, period=period, new={"locked": True}),
        )
    return locked
