"""Importing activity records: validate every row in one set of queries, store, report rejects.

A file that cannot be read, lacks a required column or was imported before is refused whole
(:class:`~esgledger.errors.ImportFailed`; nothing changes). Otherwise each row is checked -
known entity and activity type, a date, a non-negative number, a unit of the activity type's
dimension (converted here, through :mod:`esgledger.core.units`, exactly once), a gas for
refrigerants, instruments only on scope 2 rows, no duplicates within the file - and the rows
that fail go to a rejects file (line and reason) beside the activity store. Accepted rows are
written as one Parquet file of the store and the batch is recorded in the ledger, so rows in =
rows accepted + rows rejected, always.
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping as MappingType
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from esgledger.calculate.ghg_backends import ACTIVITY_SCHEMA
from esgledger.collect.activity_files import Mapping, read_activity_file
from esgledger.collect.activity_sql import VALIDATE_SQL, conversions
from esgledger.collect.activity_store import activity_store
from esgledger.collect.datapoints import sha256_of
from esgledger.core.ghg_activity import ActivityType, default_activity_types
from esgledger.core.problems import Problem
from esgledger.errors import ImportFailed
from esgledger.store import ghg as ghg_store
from esgledger.store.ledger import Ledger


@dataclass(frozen=True, kw_only=True)
class ActivityImport:
    """What importing one file did.

    Attributes:
        file: the file name.
        batch_id: the import batch recorded in the ledger.
        rows_read: data rows in the file.
        rows_accepted: rows stored in the activity store.
        rows_rejected: rows written to the rejects file instead.
        rejects_file: the rejects file (None when no row was rejected).
    """

    file: str
    batch_id: int
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    rejects_file: Path | None


def validate_rows(
    raw: pa.Table,
    entities: list[str],
    types: MappingType[str, ActivityType],
    date_format: str | None = None,
) -> tuple[pa.Table, pa.Table]:
    """(accepted rows in the activity schema without ``batch_id``, rejects with reasons)."""
    units, instrument_units = conversions(raw, types)
    con = duckdb.connect()
    try:
        con.register("raw", raw)
        con.register("known_entities", pa.table({"code": pa.array(entities, pa.string())}))
        con.register("types", _types_table(types))
        con.register("units", units)
        con.register("instrument_units", instrument_units)
        con.execute(VALIDATE_SQL.replace("{date}", _date_sql(date_format)))
        accepted = con.sql("SELECT * FROM accepted ORDER BY line").to_arrow_table()
        rejects = con.sql("SELECT * FROM rejects ORDER BY line").to_arrow_table()
    finally:
        con.close()
    return accepted, rejects


def _date_sql(date_format: str | None) -> str:
    if not date_format:
        return "TRY_CAST(trim(p.date) AS DATE)"
    quoted = date_format.replace("'", "''")
    return f"TRY_STRPTIME(trim(p.date), '{quoted}')::DATE"


def _types_table(types: MappingType[str, ActivityType]) -> pa.Table:
    return pa.table(
        {
            "activity_type": [t.id for t in types.values()],
            "canon_unit": [t.unit for t in types.values()],
            "scope": [t.scope for t in types.values()],
            "gas_from_row": [t.gas_from_row for t in types.values()],
        }
    )


def import_activity_file(
    ledger: Ledger,
    path: Path,
    *,
    mapping: Mapping | None = None,
    user: str | None = None,
    store: Path | None = None,
    types: MappingType[str, ActivityType] | None = None,
) -> ActivityImport:
    """Import one activity file into the ledger's activity store (see the module docstring)."""
    sha = sha256_of(path)
    earlier = ghg_store.batch_with_hash(ledger, sha)
    if earlier is not None:
        message = f"this file was imported before (batch {earlier['id']}, {earlier['file']})"
        raise ImportFailed([Problem(location=path.name, message=message)])
    raw, _sheet = read_activity_file(path, mapping)
    entities = [e.code for e in ledger.entities()]
    accepted, rejects = validate_rows(
        raw, entities, types or default_activity_types(), mapping.date_format if mapping else None
    )
    folder = store or activity_store(ledger)
    for sub in ("rows", "rejects"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    with ledger.transaction() as conn:
        batch_id = ghg_store.next_batch_id(conn)
        rows_file = Path("rows") / f"batch-{batch_id:06d}.parquet"
        rejects_file = Path("rejects") / f"batch-{batch_id:06d}-{path.stem}.csv"
        temporary = folder / rows_file.with_suffix(".tmp")
        batch = accepted.add_column(
            0, "batch_id", pa.array([batch_id] * accepted.num_rows, pa.int64())
        )
        pq.write_table(batch.select(ACTIVITY_SCHEMA.names).cast(ACTIVITY_SCHEMA), temporary)
        if rejects.num_rows:
            pacsv.write_csv(rejects, folder / rejects_file)
        try:
            ghg_store.add_batch(
                conn, file=path.name, sha256=sha, mapping=mapping.source if mapping else None,
                rows_read=raw.num_rows, rows_accepted=accepted.num_rows,
                rows_rejected=rejects.num_rows, rows_file=str(rows_file),
                rejects_file=str(rejects_file) if rejects.num_rows else None,
                user_name=user or getpass.getuser(),
            )  # fmt: skip
        except Exception:
            temporary.unlink(missing_ok=True)
            (folder / rejects_file).unlink(missing_ok=True)
            raise
    temporary.rename(folder / rows_file)
    return ActivityImport(
        file=path.name,
        batch_id=batch_id,
        rows_read=raw.num_rows,
        rows_accepted=accepted.num_rows,
        rows_rejected=rejects.num_rows,
        rejects_file=folder / rejects_file if rejects.num_rows else None,
    )
