"""Verifying the audit trail: the chain itself, then the ledger against the replayed events.

Run through :func:`esgledger.store.audit.verify`. Each problem names what was found altered
(``audit event 17``, ``lanzhou/2020/energy.electricity rev 2``, ``note``) and how.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from esgledger.core.problems import Problem
from esgledger.store import audit
from esgledger.store import schema as t
from esgledger.store import tables_collect as tc
from esgledger.store.audit_records import (
    comment_snapshot,
    datapoint_snapshot,
    note_snapshot,
)

RECORDED = ("datapoint.recorded", "datapoint.adopted")
STATUS_CHANGES = tuple(
    f"datapoint.{name}" for name in ("submitted", "approved", "rejected", "locked", "reopened")
)
OUTSIDE = "outside esgledger"


def _problem(location: str, message: str) -> Problem:
    return Problem(location=location, message=message, check="audit")


def verify_ledger(ledger: Any, expect: str | None = None) -> list[Problem]:
    """Every sign of tampering: a broken chain or rows that differ from the trail."""
    with ledger.engine.connect() as conn:
        chain = audit.events(conn)
        problems = check_chain(chain, audit.head(ledger), expect)
        problems += check_datapoints(conn, chain)
        problems += check_multiset(conn, chain, "note", t.note, note_snapshot)
        problems += check_multiset(conn, chain, "comment", tc.comment, comment_snapshot)
        problems += check_submissions(conn, chain)
    return problems


def check_chain(
    chain: list[audit.AuditEvent], head: tuple[int, str], expect: str | None
) -> list[Problem]:
    """Sequence numbers without gaps, each hash linking to its predecessor and its content."""
    problems = []
    previous = audit.GENESIS
    for number, event in enumerate(chain, start=1):
        where = f"audit event {event.seq}"
        if event.seq != number:
            problems.append(_problem(where, f"expected event {number} here: events were deleted"))
            number = event.seq
        if event.prev_hash != previous:
            problems.append(_problem(where, "does not link to the event before it"))
        recomputed = audit.event_hash(
            event, seq=event.seq, created=event.created, prev_hash=event.prev_hash
        )
        if recomputed != event.hash:
            problems.append(_problem(where, f"{event.name} was altered {OUTSIDE}"))
        previous = event.hash
    last = (chain[-1].seq, chain[-1].hash) if chain else (0, audit.GENESIS)
    if head != last:
        problems.append(
            _problem(
                "audit head",
                f"the trail ends at event {last[0]} but its head records event {head[0]}: "
                "events were removed from the end, or the head was altered",
            )
        )
    if expect and expect not in {e.hash for e in chain}:
        problems.append(_problem("audit head", f"the expected hash {expect} is not in the trail"))
    return problems


def replay_datapoints(chain: Iterable[audit.AuditEvent]) -> dict[tuple[Any, ...], dict[str, Any]]:
    """(entity, period, metric, kind, revision) -> the row the trail says the ledger holds."""
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for event in chain:
        if event.name in RECORDED:
            new = dict(event.new)
            rows[(event.entity, event.period, event.metric, new["kind"], new["revision"])] = new
        elif event.name in STATUS_CHANGES:
            key = (event.entity, event.period, event.metric)
            row = rows.get((*key, event.new["kind"], event.new["revision"]))
            if row is not None:
                row["status"] = event.new["status"]
    return rows


def check_datapoints(conn: Connection, chain: list[audit.AuditEvent]) -> list[Problem]:
    """Datapoint rows edited, deleted or inserted behind the application's back."""
    expected = replay_datapoints(chain)
    problems = []
    for row in conn.execute(sa.select(t.datapoint).order_by(t.datapoint.c.id)).mappings():
        key = (row["entity"], row["period"], row["metric"], row["kind"], row["revision"])
        where = f"{'/'.join(key[:3])} rev {key[4]}"
        stored = datapoint_snapshot(row)
        trail = expected.pop(key, None)
        if trail is None:
            problems.append(_problem(where, f"is not in the audit trail (written {OUTSIDE})"))
            continue
        for name, value in stored.items():
            if trail.get(name) != value:
                problems.append(
                    _problem(
                        where,
                        f"{name} is {value!r} in the ledger but {trail.get(name)!r} in the "
                        f"audit trail (changed {OUTSIDE})",
                    )
                )
    for key in expected:
        where = f"{'/'.join(map(str, key[:3]))} rev {key[4]}"
        problems.append(_problem(where, f"is in the audit trail but not in the ledger ({OUTSIDE})"))
    return problems


def check_multiset(
    conn: Connection,
    chain: list[audit.AuditEvent],
    kind: str,
    table: sa.Table,
    snapshot: Callable[[Any], dict[str, Any]],
) -> list[Problem]:
    """Notes or comments: the rows must be exactly those the trail added."""
    names = (f"{kind}.added", f"{kind}.adopted")
    trail = Counter(audit.canonical(e.new) for e in chain if e.name in names)
    stored = Counter(
        audit.canonical(snapshot(row))
        for row in conn.execute(sa.select(table).order_by(table.c.id)).mappings()
    )
    problems = [
        _problem(kind, f"not in the audit trail (written or altered {OUTSIDE}): {text}")
        for text in (stored - trail).elements()
    ]
    problems += [
        _problem(kind, f"in the audit trail but missing from the ledger ({OUTSIDE}): {text}")
        for text in (trail - stored).elements()
    ]
    return problems


def check_submissions(conn: Connection, chain: list[audit.AuditEvent]) -> list[Problem]:
    """Submission states must be the last ones the trail recorded."""
    trail = {(e.entity, e.period): e.new for e in chain if e.name.startswith("submission.")}
    problems = []
    for row in conn.execute(sa.select(tc.submission)).mappings():
        where = f"submission {row['entity']}/{row['period']}"
        state = {"status": row["status"], "version": row["version"]}
        recorded = trail.pop((row["entity"], row["period"]), None)
        if recorded != state:
            problems.append(
                _problem(where, f"is {state} in the ledger but {recorded} in the audit trail")
            )
    problems += [
        _problem(f"submission {e}/{p}", f"deleted from the ledger ({OUTSIDE})") for e, p in trail
    ]
    return problems
