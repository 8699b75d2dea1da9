"""Review of reported figures: draft -> submitted -> approved -> locked, with comments.

This is the API the command line and the web application share. Every function that changes
a figure takes the ``expected_version`` the caller read (:attr:`FigureState.version`, 0 for a
figure that does not exist yet) and raises :class:`~esgledger.errors.ConflictError` when the
figure moved in the meantime; nothing is written then. Steps that the rules forbid (approving
a draft, approving a swing beyond the threshold with no variance explanation, rejecting
without a reason) raise :class:`~esgledger.errors.WorkflowError`. Each change appends audit
events in the same transaction.

Transitions (:data:`TRANSITIONS`): ``submit`` draft -> submitted; ``approve`` submitted ->
approved; ``reject`` submitted/approved -> draft (reason required); ``lock`` approved ->
locked (published); ``reopen`` locked -> approved (reason required). Changing the value of an
approved or locked figure makes a new revision in ``draft`` and needs a reason; for a
published prior-period figure it is a restatement (a restatement note is added).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from esgledger.collect.review_state import (
    DEFAULT_SWING_THRESHOLD,
    Comment,
    FigureState,
    Swing,
    current_row,
    state_of,
)
from esgledger.core.model import Datapoint, Kind, Note, NoteKind, Quantity, Status, new_provenance
from esgledger.core.units import is_known_unit
from esgledger.errors import ConflictError, NotFound, UnitError, WorkflowError
from esgledger.store import audit
from esgledger.store import schema as t
from esgledger.store import tables_collect as tc
from esgledger.store.ledger import Ledger

__all__ = [
    "DEFAULT_SWING_THRESHOLD",
    "TRANSITIONS",
    "Comment",
    "FigureState",
    "Swing",
    "add_comment",
    "approve",
    "change_value",
    "explain_swing",
    "figure",
    "figures",
    "lock",
    "reject",
    "reopen",
    "submit",
]

#: action -> (statuses it starts from, status it leads to, whether a reason is required)
TRANSITIONS: dict[str, tuple[frozenset[Status], Status, bool]] = {
    "submit": (frozenset({Status.DRAFT}), Status.SUBMITTED, False),
    "approve": (frozenset({Status.SUBMITTED}), Status.APPROVED, False),
    "reject": (frozenset({Status.SUBMITTED, Status.APPROVED}), Status.DRAFT, True),
    "lock": (frozenset({Status.APPROVED}), Status.LOCKED, False),
    "reopen": (frozenset({Status.LOCKED}), Status.APPROVED, True),
}


def figure(
    ledger: Ledger, entity: str, period: str, metric: str, *, threshold: Decimal | None = None
) -> FigureState:
    """The review state of one reported figure; :class:`NotFound` when it does not exist."""
    with ledger.engine.connect() as conn:
        dp = current_row(conn, entity, period, metric)
    if dp is None:
        raise NotFound(f"{entity}/{period}/{metric}: no reported value")
    return state_of(ledger, dp, DEFAULT_SWING_THRESHOLD if threshold is None else threshold)


def figures(
    ledger: Ledger,
    period: str,
    *,
    entity: str | None = None,
    status: Status | None = None,
    threshold: Decimal | None = None,
) -> list[FigureState]:
    """Review states of a period's reported figures, optionally of one entity or status."""
    found = ledger.datapoints(period=period, entity=entity, kind=Kind.REPORTED)
    limit = DEFAULT_SWING_THRESHOLD if threshold is None else threshold
    return [state_of(ledger, dp, limit) for dp in found if status in (None, dp.status)]


@contextmanager
def guarded(
    ledger: Ledger, entity: str, period: str, metric: str | None, expected_version: int
) -> Iterator[Connection]:
    """A transaction holding the audit lock, refused with ConflictError if the data moved."""
    with ledger.transaction() as conn:
        audit.lock_chain(conn)
        current = audit.version_of(conn, entity, period, metric)
        if current != expected_version:
            what = "/".join(p for p in (entity, period, metric) if p)
            raise ConflictError(
                f"{what} changed since it was read (version {expected_version}, now {current}); "
                "reload and try again",
                current=current,
            )
        yield conn


def set_status(
    conn: Connection, dp: Datapoint, action: str, *, actor: str, reason: str | None, source: str
) -> Datapoint:
    """Apply one transition to the stored revision (and audit it); the caller checked rules."""
    starts, target, needs_reason = TRANSITIONS[action]
    where = f"{dp.entity}/{dp.period}/{dp.metric}"
    if dp.status not in starts:
        allowed = ", ".join(sorted(starts))
        raise WorkflowError(f"{where}: cannot {action} a {dp.status} value (only {allowed})")
    if needs_reason and not (reason or "").strip():
        raise WorkflowError(f"{where}: give a reason to {action} it")
    d = t.datapoint.c
    conn.execute(
        sa.update(t.datapoint)
        .where(d.entity == dp.entity, d.period == dp.period, d.metric == dp.metric)
        .where(d.kind == str(dp.kind), d.revision == dp.revision)
        .values(status=str(target))
    )
    audit.append_event(conn, status_event(dp, target, action, actor, reason, source))
    return replace(dp, status=target)


def status_event(
    dp: Datapoint, target: Status, action: str, actor: str, reason: str | None, source: str
) -> audit.NewEvent:
    """The audit event of a status change (replayed by ``audit verify``)."""
    return audit.NewEvent(
        name=f"datapoint.{TRANSITION_EVENTS[action]}",
        actor=actor,
        entity=dp.entity,
        period=dp.period,
        metric=dp.metric,
        old={"status": str(dp.status)},
        new={"kind": str(dp.kind), "revision": dp.revision, "status": str(target)},
        reason=reason,
        source=source,
    )


TRANSITION_EVENTS = {
    "submit": "submitted",
    "approve": "approved",
    "reject": "rejected",
    "lock": "locked",
    "reopen": "reopened",
}


def _step(
    ledger: Ledger,
    action: str,
    key: tuple[str, str, str],
    *,
    expected_version: int,
    actor: str,
    reason: str | None = None,
    threshold: Decimal | None = None,
    source: str = "workflow",
) -> FigureState:
    entity, period, metric = key
    with guarded(ledger, entity, period, metric, expected_version) as conn:
        dp = current_row(conn, entity, period, metric)
        if dp is None:
            raise NotFound(f"{entity}/{period}/{metric}: no reported value")
        if action == "approve":
            require_explained(ledger, dp, threshold)
        set_status(conn, dp, action, actor=actor, reason=reason, source=source)
    return figure(ledger, entity, period, metric, threshold=threshold)


def require_explained(ledger: Ledger, dp: Datapoint, threshold: Decimal | None) -> None:
    """Refuse approval of a swing beyond the threshold that no variance note explains."""
    state = state_of(ledger, dp, DEFAULT_SWING_THRESHOLD if threshold is None else threshold)
    swing = state.swing
    if swing is not None and swing.needs_explanation:
        raise WorkflowError(
            f"{dp.entity}/{dp.period}/{dp.metric}: changed {swing.change_percent:+.1f}% against "
            f"{swing.prior_period} ({swing.prior_value} -> {dp.quantity.value} "
            f"{dp.quantity.unit}), beyond {swing.threshold}%; explain the swing before approving"
        )


def submit(
    ledger: Ledger, entity: str, period: str, metric: str, *, expected_version: int, actor: str
) -> FigureState:
    """Submit a draft figure for review."""
    key = (entity, period, metric)
    return _step(ledger, "submit", key, expected_version=expected_version, actor=actor)


def approve(
    ledger: Ledger,
    entity: str,
    period: str,
    metric: str,
    *,
    expected_version: int,
    actor: str,
    threshold: Decimal | None = None,
) -> FigureState:
    """Approve a submitted figure; a swing beyond ``threshold`` % must be explained first."""
    return _step(
        ledger,
        "approve",
        (entity, period, metric),
        expected_version=expected_version,
        actor=actor,
        threshold=threshold,
    )


def reject(
    ledger: Ledger,
    entity: str,
    period: str,
    metric: str,
    *,
    expected_version: int,
    actor: str,
    reason: str,
) -> FigureState:
    """Send a submitted or approved figure back to draft, saying why."""
    key = (entity, period, metric)
    return _step(
        ledger, "reject", key, expected_version=expected_version, actor=actor, reason=reason
    )


def lock(
    ledger: Ledger, entity: str, period: str, metric: str, *, expected_version: int, actor: str
) -> FigureState:
    """Lock an approved figure (published); later changes are restatements."""
    key = (entity, period, metric)
    return _step(ledger, "lock", key, expected_version=expected_version, actor=actor)


def reopen(
    ledger: Ledger,
    entity: str,
    period: str,
    metric: str,
    *,
    expected_version: int,
    actor: str,
    reason: str,
) -> FigureState:
    """Unlock a locked figure back to approved, saying why."""
    key = (entity, period, metric)
    return _step(
        ledger, "reopen", key, expected_version=expected_version, actor=actor, reason=reason
    )


def add_comment(
    ledger: Ledger,
    entity: str,
    period: str,
    metric: str | None,
    *,
    actor: str,
    text: str,
    expected_version: int | None = None,
) -> Comment:
    """Attach a remark to a figure (or to the whole submission with ``metric=None``).

    Comments never conflict unless ``expected_version`` is given.
    """
    if not text.strip():
        raise WorkflowError("a comment needs text")
    with ledger.transaction() as conn:
        audit.lock_chain(conn)
        if expected_version is not None:
            current = audit.version_of(conn, entity, period, metric)
            if current != expected_version:
                raise ConflictError(f"{entity}/{period}/{metric} changed; reload", current=current)
        row = {"entity": entity, "period": period, "metric": metric, "text": text.strip()}
        row |= {"actor": actor, "created": audit.utcnow()}
        conn.execute(sa.insert(tc.comment).values(**row))
        audit.append_event(conn, comment_event(row))
    return Comment(**row)


def comment_event(row: dict[str, object]) -> audit.NewEvent:
    """The audit event of a comment row."""
    from esgledger.store.audit_records import comment_snapshot

    return audit.NewEvent(
        name="comment.added",
        actor=str(row["actor"]),
        entity=str(row["entity"]),
        period=str(row["period"]),
        metric=row["metric"] if row["metric"] is None else str(row["metric"]),
        new=comment_snapshot(row),
    )


def explain_swing(
    ledger: Ledger,
    entity: str,
    period: str,
    metric: str,
    *,
    expected_version: int,
    actor: str,
    text: str,
) -> FigureState:
    """Record why a figure changed year on year (a variance note of the entity)."""
    if not text.strip():
        raise WorkflowError(f"{entity}/{period}/{metric}: an explanation needs text")
    note = Note(
        kind=NoteKind.VARIANCE, period=period, metrics=(metric,), text=text.strip(), entity=entity
    )
    with guarded(ledger, entity, period, metric, expected_version) as conn:
        ledger.add_notes([note], user=actor, conn=conn)
    return figure(ledger, entity, period, metric)


def change_value(
    ledger: Ledger,
    entity: str,
    period: str,
    metric: str,
    *,
    value: Decimal,
    unit: str,
    expected_version: int,
    actor: str,
    reason: str | None = None,
    source: str = "form",
) -> FigureState:
    """Enter or correct a figure (a new revision in ``draft``).

    Changing a value that is no longer a draft needs a reason; changing a published figure of
    an earlier period is a restatement and adds a restatement note.
    """
    enter_value(
        ledger,
        entity,
        period,
        metric,
        value=value,
        unit=unit,
        expected_version=expected_version,
        actor=actor,
        reason=reason,
        source=source,
    )
    return figure(ledger, entity, period, metric)


def enter_value(
    ledger: Ledger,
    entity: str,
    period: str,
    metric: str,
    *,
    value: Decimal,
    unit: str,
    expected_version: int,
    actor: str,
    reason: str | None = None,
    source: str = "form",
) -> tuple[Datapoint, int]:
    """:func:`change_value` without re-reading the figure's review state (swing, comments):
    returns the stored revision and its version, as of the writing transaction."""
    if not is_known_unit(unit):
        raise UnitError(f"unknown unit {unit!r}")
    with guarded(ledger, entity, period, metric, expected_version) as conn:
        old = current_row(conn, entity, period, metric)
        if old is not None and old.status is not Status.DRAFT and not (reason or "").strip():
            raise WorkflowError(
                f"{entity}/{period}/{metric}: the value is {old.status}; give a reason to change it"
            )
        dp = Datapoint(
            entity=entity,
            period=period,
            metric=metric,
            quantity=Quantity(value=value, unit=unit),
            status=Status.DRAFT,
            reason=reason,
            provenance=new_provenance(source, user=actor),
        )
        result = ledger.record([dp], conn=conn)
        if result.unchanged:  # the same value and unit: nothing written
            assert old is not None
            return old, expected_version
        stored = replace(dp, revision=1 if old is None else old.revision + 1)
        return stored, audit.version_of(conn, entity, period, metric)
