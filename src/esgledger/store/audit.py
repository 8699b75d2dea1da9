"""The audit trail: append-only events chained by content hash.

Every change to the ledger's data (a datapoint recorded or revised, a review step, a note, a
comment, an import) is an :class:`AuditEvent` appended in the *same transaction* as the change
itself. Each event's ``hash`` is the SHA-256 of its content and of the previous event's hash,
so editing or deleting any event breaks the chain; ``audit_head`` keeps the newest sequence
number and hash, so cutting events off the end is detected as well. :func:`verify` also replays
the events and compares the result with the datapoint, note, comment and submission tables:
a value edited, deleted or inserted behind the application's back (raw SQL) is reported.

The head hash printed by ``esgledger audit verify`` can be kept outside the ledger (in the
assurance package, for instance); ``--expect HASH`` then proves that nothing before it changed.

Writers take the chain's lock with :func:`append_events` (an ``UPDATE`` of the head row), so
concurrent writers are serialised on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from esgledger.core.model import utcnow
from esgledger.core.problems import Problem
from esgledger.store import tables_collect as tc

GENESIS = "0" * 64  # prev_hash of the first event
EVENT_FIELDS = ("name", "actor", "entity", "period", "metric", "old", "new", "reason", "source")


@dataclass(frozen=True, kw_only=True)
class NewEvent:
    """An event to append (the chain fields are filled in by :func:`append_events`).

    Attributes:
        name: what happened, dotted: ``datapoint.recorded``, ``datapoint.approved``,
            ``note.added``, ``comment.added``, ``submission.submitted``, ``import.file``...
        actor: who did it (user name, ``system``, ``demo``).
        entity: entity code the event is about, if any.
        period: period code, if any.
        metric: metric id, if any.
        old: the state before (JSON-ready: strings, integers, lists, dicts), or None.
        new: the state after (JSON-ready), or None.
        reason: why (required for revisions and rejections).
        source: where the change came from (``file.xlsx!Energy!C7``, ``web``, ``cli``).
    """

    name: str
    actor: str
    entity: str | None = None
    period: str | None = None
    metric: str | None = None
    old: Any = None
    new: Any = None
    reason: str | None = None
    source: str | None = None


@dataclass(frozen=True, kw_only=True)
class AuditEvent(NewEvent):
    """An event of the trail.

    Attributes:
        seq: position in the chain, 1 for the first event.
        created: when it was appended (UTC).
        prev_hash: hash of the previous event (:data:`GENESIS` for the first).
        hash: SHA-256 of this event's content and ``prev_hash``.
    """

    seq: int
    created: dt.datetime
    prev_hash: str
    hash: str


def canonical(value: Any) -> str:
    """The JSON text hashed for a value: sorted keys, no spaces, exact strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def event_hash(event: NewEvent, *, seq: int, created: dt.datetime, prev_hash: str) -> str:
    """SHA-256 (hex) of an event's content, position, time and predecessor."""
    content = {
        "seq": seq,
        "name": event.name,
        "created": _utc(created).isoformat(timespec="microseconds"),
        "actor": event.actor,
        "entity": event.entity,
        "period": event.period,
        "metric": event.metric,
        "old": event.old,
        "new": event.new,
        "reason": event.reason,
        "source": event.source,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical(content).encode("utf-8")).hexdigest()


def lock_chain(conn: Connection) -> tuple[int, str]:
    """Take the chain's write lock for this transaction; return the head (seq, hash)."""
    head = tc.audit_head
    conn.execute(sa.update(head).where(head.c.id == 1).values(seq=head.c.seq))
    row = conn.execute(sa.select(head.c.seq, head.c.hash).where(head.c.id == 1)).first()
    if row is None:
        conn.execute(sa.insert(head).values(id=1, seq=0, hash=GENESIS))
        return 0, GENESIS
    return int(row.seq), str(row.hash)


def append_events(conn: Connection, events: Sequence[NewEvent]) -> list[AuditEvent]:
    """Append events to the chain within the caller's transaction; return them sealed."""
    if not events:
        return []
    seq, prev = lock_chain(conn)
    created = utcnow()
    sealed = []
    for event in events:
        seq += 1
        digest = event_hash(event, seq=seq, created=created, prev_hash=prev)
        sealed.append(
            AuditEvent(**_fields(event), seq=seq, created=created, prev_hash=prev, hash=digest)
        )
        prev = digest
    conn.execute(sa.insert(tc.audit_event), [_event_row(e) for e in sealed])
    conn.execute(sa.update(tc.audit_head).where(tc.audit_head.c.id == 1).values(seq=seq, hash=prev))
    return sealed


def append_event(conn: Connection, event: NewEvent) -> AuditEvent:
    """Append one event (see :func:`append_events`)."""
    return append_events(conn, [event])[0]


def _fields(event: NewEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in EVENT_FIELDS}


def _event_row(event: AuditEvent) -> dict[str, Any]:
    return {
        **_fields(event),
        "seq": event.seq,
        "created": event.created,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def event_from_row(row: Any) -> AuditEvent:
    """An :class:`AuditEvent` from an ``audit_event`` row."""
    values = dict(row._mapping)
    values.pop("id", None)
    values["created"] = _utc(values["created"])
    return AuditEvent(**values)


def events(conn: Connection, where: Iterable[Any] = ()) -> list[AuditEvent]:
    """Events in chain order, optionally filtered by SQLAlchemy conditions."""
    query = sa.select(tc.audit_event).order_by(tc.audit_event.c.seq)
    for condition in where:
        query = query.where(condition)
    return [event_from_row(r) for r in conn.execute(query)]


def log(
    ledger: Any,
    metric: str | None = None,
    entity: str | None = None,
    period: str | None = None,
) -> list[AuditEvent]:
    """The history of the ledger (``ledger``: a :class:`~esgledger.store.ledger.Ledger`),
    oldest first, optionally for one metric, entity and/or period."""
    e = tc.audit_event.c
    where = [
        column == value
        for column, value in ((e.metric, metric), (e.entity, entity), (e.period, period))
        if value is not None
    ]
    with ledger.engine.connect() as conn:
        return events(conn, where)


def head(ledger: Any) -> tuple[int, str]:
    """(sequence number, hash) of the newest event; (0, GENESIS) for an empty trail."""
    with ledger.engine.connect() as conn:
        row = conn.execute(sa.select(tc.audit_head).where(tc.audit_head.c.id == 1)).first()
    return (0, GENESIS) if row is None else (int(row.seq), str(row.hash))


def version_of(conn: Connection, entity: str, period: str, metric: str | None) -> int:
    """Optimistic-concurrency version of a figure: ``seq`` of the newest event about it."""
    e = tc.audit_event.c
    query = sa.select(sa.func.max(e.seq)).where(e.entity == entity, e.period == period)
    query = query.where(e.metric.is_(None) if metric is None else e.metric == metric)
    return int(conn.execute(query).scalar() or 0)


def verify(ledger: Any, expect: str | None = None) -> list[Problem]:
    """Problems of the trail: broken chain, and ledger rows that differ from the replayed events.

    ``expect``: a head hash recorded earlier; it must still be in the chain.
    """
    from esgledger.store.audit_verify import verify_ledger

    return verify_ledger(ledger, expect)


def adopt_existing(conn: Connection) -> int:
    """Append ``*.adopted`` events for rows written before the trail existed (migration)."""
    from esgledger.store.audit_records import adoption_events

    lock_chain(conn)  # creates the head row, so concurrent first writers queue on it
    return len(append_events(conn, adoption_events(conn)))
