"""Backup and restore of a whole ledger as JSON lines, exactly.

A backup is one header line (format, version, the schema revisions, the table list) and one
line per row: ``{"table": ..., "row": {...}}``; dates and times are ISO text (times in UTC),
JSON columns are kept as they are, every other value as the database gives it. Restoring
needs an empty ledger (opened and migrated), inserts tables parents first and resets
PostgreSQL's id sequences; the audit trail is restored with everything else, so
``esgledger audit verify`` proves the restored ledger is the one backed up. :func:`dump` is the
canonical content of a ledger, used to compare before and after.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from esgledger.errors import StoreError
from esgledger.store.schema import metadata

FORMAT = "esgledger-backup"
VERSION = 1


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _decode(column: sa.Column, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, sa.DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(column.type, sa.Date):
        return dt.date.fromisoformat(value)
    return value


def _rows(conn: Connection, table: sa.Table) -> Iterator[dict[str, Any]]:
    order = list(table.primary_key.columns) or list(table.columns)
    for row in conn.execute(sa.select(table).order_by(*order)).mappings():
        yield {key: _encode(value) for key, value in row.items()}


def _revisions(conn: Connection) -> list[str]:
    rows = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
    return sorted(r[0] for r in rows)


def backup(ledger: Any, target: Path) -> int:
    """Write every table of ``ledger`` to ``target``; returns the number of rows."""
    count = 0
    with ledger.engine.connect() as conn, target.open("w", encoding="utf-8") as out:
        header = {"format": FORMAT, "version": VERSION, "revisions": _revisions(conn)}
        header["tables"] = [t.name for t in metadata.sorted_tables]
        out.write(json.dumps(header) + "\n")
        for table in metadata.sorted_tables:
            for row in _rows(conn, table):
                out.write(json.dumps({"table": table.name, "row": row}, ensure_ascii=False) + "\n")
                count += 1
    return count


def dump(ledger: Any) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, in primary-key order, with portable values."""
    with ledger.engine.connect() as conn:
        return {t.name: list(_rows(conn, t)) for t in metadata.sorted_tables}


def _read_header(handle: IO[str], source: Path) -> dict[str, Any]:
    try:
        header = json.loads(handle.readline())
    except json.JSONDecodeError:
        header = {}
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise StoreError(f"{source}: not an esgledger backup")
    if header.get("version") != VERSION:
        raise StoreError(f"{source}: backup format version {header.get('version')} is unknown")
    return header


def restore(ledger: Any, source: Path) -> int:
    """Load a backup into an empty ledger in one transaction; returns the number of rows."""
    tables = {t.name: t for t in metadata.sorted_tables}
    count = 0
    with source.open(encoding="utf-8") as handle, ledger.transaction() as conn:
        header = _read_header(handle, source)
        unknown = sorted(set(header.get("revisions", [])) - set(_revisions(conn)))
        if unknown:
            raise StoreError(f"{source}: made by a newer esgledger (schema {', '.join(unknown)})")
        for name in tables:
            empty = name == "audit_head" or not conn.execute(
                sa.select(sa.func.count()).select_from(tables[name])
            ).scalar()
            if not empty:
                raise StoreError(f"restore needs an empty ledger; table {name} holds rows")
        conn.execute(sa.delete(tables["audit_head"]))  # the backup brings its own head
        for number, line in enumerate(handle, start=2):
            record = json.loads(line)
            table = tables.get(record.get("table"))
            if table is None:
                raise StoreError(f"{source}:{number}: unknown table {record.get('table')!r}")
            values = {k: _decode(table.c[k], v) for k, v in record["row"].items()}
            conn.execute(sa.insert(table).values(**values))
            count += 1
        _reset_sequences(conn)
    return count


def _reset_sequences(conn: Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    for table in metadata.sorted_tables:
        keys = [c for c in table.primary_key.columns if isinstance(c.type, sa.Integer)]
        if len(keys) == 1 and keys[0].autoincrement in (True, "auto"):
            column = keys[0].name
            conn.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column}'), "
                    f"COALESCE((SELECT MAX({column}) FROM {table.name}), 0) + 1, false)"
                )
            )
