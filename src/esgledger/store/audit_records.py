"""How ledger rows become audit events, and back: one snapshot shape per table.

A datapoint event's ``new`` is the full stored row (value, unit, status, provenance), so
:mod:`esgledger.store.audit_verify` can compare every column the ledger holds with the trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from esgledger.store import schema as t
from esgledger.store import tables_collect as tc
from esgledger.store.audit import NewEvent, append_events

DATAPOINT_FIELDS = (
    "kind",
    "revision",
    "value",
    "unit",
    "status",
    "reason",
    "comment",
    "source",
    "file",
    "sheet",
    "cell",
    "line",
    "field",
    "user_name",
    "reference",
    "batch_id",
)
NOTE_FIELDS = ("kind", "period", "entity", "metrics", "text", "user_name")
COMMENT_FIELDS = ("entity", "period", "metric", "text", "actor")


def iso(moment: dt.datetime) -> str:
    """A UTC timestamp as ISO text with microseconds (naive values are UTC)."""
    moment = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def datapoint_snapshot(row: Any) -> dict[str, Any]:
    """The audited content of a ``datapoint`` row."""
    snapshot = {name: row[name] for name in DATAPOINT_FIELDS}
    snapshot["recorded_at"] = iso(row["recorded_at"])
    return snapshot


def note_snapshot(row: Any) -> dict[str, Any]:
    """The audited content of a ``note`` row."""
    snapshot = {name: row[name] for name in NOTE_FIELDS}
    snapshot["metrics"] = list(snapshot["metrics"])
    return snapshot


def comment_snapshot(row: Any) -> dict[str, Any]:
    """The audited content of a ``comment`` row."""
    return {name: row[name] for name in COMMENT_FIELDS}


def where_from(row: Mapping[str, Any]) -> str:
    """A datapoint row's place of origin: ``file!Sheet!C7``, ``file:12`` or its source."""
    if row.get("file") and row.get("sheet"):
        return f"{row['file']}!{row['sheet']}!{row.get('cell') or ''}".rstrip("!")
    if row.get("file") and row.get("line"):
        return f"{row['file']}:{row['line']}"
    return str(row.get("file") or row.get("source") or "")


def datapoint_event(
    row: Any, old: dict[str, Any] | None, name: str = "datapoint.recorded"
) -> NewEvent:
    """The event of one appended datapoint row (``old``: the revision it replaces)."""
    return NewEvent(
        name=name,
        actor=str(row["user_name"]),
        entity=row["entity"],
        period=row["period"],
        metric=row["metric"],
        old=old,
        new=datapoint_snapshot(row),
        reason=row.get("reason"),
        source=where_from(row),
    )


def record_datapoints(
    conn: Connection, rows: Sequence[Mapping[str, Any]], olds: Sequence[dict[str, Any] | None]
) -> None:
    """Audit datapoint rows just inserted by :meth:`Ledger.record`."""
    append_events(conn, [datapoint_event(row, old) for row, old in zip(rows, olds, strict=True)])


def record_notes(
    conn: Connection, rows: Sequence[Mapping[str, Any]], name: str = "note.added"
) -> None:
    """Audit note rows just inserted by :meth:`Ledger.add_notes`."""
    append_events(
        conn,
        [
            NewEvent(
                name=name,
                actor=str(row["user_name"]),
                entity=row["entity"],
                period=row["period"],
                new=note_snapshot(row),
            )
            for row in rows
        ],
    )


def adoption_events(conn: Connection) -> list[NewEvent]:
    """Events for datapoints, notes and comments already in the ledger, marked ``adopted``."""
    found: list[NewEvent] = []
    for row in conn.execute(sa.select(t.datapoint).order_by(t.datapoint.c.id)).mappings():
        found.append(datapoint_event(row, None, name="datapoint.adopted"))
    for row in conn.execute(sa.select(t.note).order_by(t.note.c.id)).mappings():
        found.append(
            NewEvent(
                name="note.adopted",
                actor=str(row["user_name"]),
                entity=row["entity"],
                period=row["period"],
                new=note_snapshot(row),
            )
        )
    for row in conn.execute(sa.select(tc.comment).order_by(tc.comment.c.id)).mappings():
        found.append(
            NewEvent(
                name="comment.adopted",
                actor=str(row["actor"]),
                entity=row["entity"],
                period=row["period"],
                metric=row["metric"],
                new=comment_snapshot(row),
            )
        )
    return found


def audited_state(dp: Any) -> dict[str, Any]:
    """The ``old`` side of an event about a :class:`~esgledger.core.model.Datapoint`."""
    return {
        "kind": str(dp.kind),
        "revision": dp.revision,
        "value": str(dp.quantity.value),
        "unit": dp.quantity.unit,
        "status": str(dp.status),
    }
