"""Restatements: changing a published figure of an earlier period (GRI 102-48 / GRI 2-4).

A value is *published* when it is ``locked``, or ``approved`` in a period before the ledger's
latest one. Changing it needs a reason and appends a restatement note automatically, in the
same transaction; the report prints that note in its restatements block, and ``check``
flags a report that claims there were no restatements.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from esgledger.core.model import Datapoint, Note, NoteKind, Status, utcnow
from esgledger.errors import WorkflowError
from esgledger.store import schema as t


def latest_period(conn: Connection) -> str | None:
    """Code of the ledger's newest period (by end date), or None."""
    row = conn.execute(
        sa.select(t.period.c.code).order_by(t.period.c.end_date.desc()).limit(1)
    ).first()
    return None if row is None else str(row.code)


def is_published(dp: Datapoint, latest: str | None) -> bool:
    """Whether changing ``dp`` is a restatement."""
    if dp.status is Status.LOCKED:
        return True
    return dp.status is Status.APPROVED and latest is not None and dp.period != latest


def restatement_note(old: Datapoint, new: Datapoint) -> Note:
    """The note explaining one restated figure."""
    return Note(
        kind=NoteKind.RESTATEMENT,
        period=old.period,
        entity=old.entity,
        metrics=(old.metric,),
        text=f"The {old.period} figure of {old.metric} for {old.entity} was restated from "
        f"{old.quantity} to {new.quantity}: {new.reason}",
    )


def add_restatement_notes(
    conn: Connection, revisions: Sequence[tuple[Datapoint, Datapoint]]
) -> list[Note]:
    """Append a restatement note for each revision of a published value (audited)."""
    if not revisions:
        return []
    from esgledger.store.audit_records import record_notes

    latest = latest_period(conn)
    restated = [(old, new) for old, new in revisions if is_published(old, latest)]
    for old, new in restated:
        if not (new.reason or "").strip():
            raise WorkflowError(
                f"{old.entity}/{old.period}/{old.metric}: the value {old.quantity} is "
                f"{old.status}; changing it to {new.quantity} is a restatement and needs a reason"
            )
    notes = [restatement_note(old, new) for old, new in restated]
    rows = [
        {
            "kind": str(n.kind),
            "period": n.period,
            "entity": n.entity,
            "metrics": list(n.metrics),
            "text": n.text,
            "user_name": new.provenance.user,
            "recorded_at": utcnow(),
        }
        for n, (_, new) in zip(notes, restated, strict=True)
    ]
    if rows:
        conn.execute(sa.insert(t.note), rows)
        record_notes(conn, rows)
    return notes
