"""Tables of the GHG inventory (issue 3): activity import batches, users' factor sets, runs.

Activity rows themselves live in the activity store beside the ledger (Parquet files, one per
import batch; see :mod:`esgledger.collect.activity_store`): the engine scans them in place.
The ledger keeps what identifies and explains them: each batch with its file hash, user, time
and row counts; imported factor sets with every value; each inventory run with its settings,
row counts and contributions (per activity type, gas, factors and fallback level). The figures
themselves are recorded as computed datapoints, so their history shows every recalculation.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text

from esgledger.store.schema import metadata

activity_batch = Table(
    "activity_batch",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("file", String(500), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("mapping", Text, nullable=True),
    Column("rows_read", Integer, nullable=False),
    Column("rows_accepted", Integer, nullable=False),
    Column("rows_rejected", Integer, nullable=False),
    Column("rows_file", String(500), nullable=False),
    Column("rejects_file", String(500), nullable=True),
    Column("user_name", String(120), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

ghg_factor_set = Table(
    "ghg_factor_set",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("set_id", String(120), nullable=False, unique=True),
    Column("title", String(300), nullable=False),
    Column("document", Text, nullable=False),
    Column("publisher", Text, nullable=False),
    Column("year_published", Integer, nullable=True),
    Column("url", Text, nullable=False),
    Column("file", String(500), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("user_name", String(120), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

ghg_factor = Table(
    "ghg_factor",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("set_id", String(120), ForeignKey("ghg_factor_set.set_id"), nullable=False),
    Column("key", String(200), nullable=False),
    Column("value", String(60), nullable=False),
    Column("unit", String(60), nullable=False),
    Column("region", String(80), nullable=False),
    Column("gas", String(40), nullable=True),
    Column("valid_from", Integer, nullable=True),
    Column("valid_to", Integer, nullable=True),
    Column("source_table", Text, nullable=True),
    Column("note", Text, nullable=True),
)

ghg_run = Table(
    "ghg_run",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("period", String(40), nullable=False),
    Column("engine", String(20), nullable=False),
    Column("gwp_set", String(40), nullable=False),
    Column("factor_sets", JSON, nullable=False),
    Column("rows_in", Integer, nullable=False),
    Column("rows_computed", Integer, nullable=False),
    Column("rows_rejected", Integer, nullable=False),
    Column("rejects_file", String(500), nullable=True),
    Column("user_name", String(120), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

ghg_contribution = Table(
    "ghg_contribution",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("ghg_run.id"), nullable=False),
    Column("activity_type", String(120), nullable=False),
    Column("scope", Integer, nullable=False),
    Column("category", String(40), nullable=False),
    Column("method", String(20), nullable=False),
    Column("gas", String(40), nullable=False),
    Column("year", Integer, nullable=False),
    Column("factors", JSON, nullable=False),
    Column("level", String(120), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("quantity", String(60), nullable=False),
    Column("t_gas", String(60), nullable=False),
    Column("tco2e", String(60), nullable=False),
)
Index("ix_ghg_contribution_run", ghg_contribution.c.run_id)
