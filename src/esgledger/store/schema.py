"""Tables of the ledger database (SQLAlchemy Core).

Exact decimals are stored as text (``'173318.8'``) so that SQLite and PostgreSQL give back
the very value that was entered. The ``datapoint`` table is append-only: a change is a new row
with the next ``revision`` and a ``reason``. ``computed_value`` holds the figures of the latest
calculation run with their lineage as JSON; they can always be recomputed from the inputs.
Alembic migrations in ``migrations/versions`` create these tables; a test keeps the two equal.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

organization = Table(
    "organization",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False),
    Column("short_name", String(100), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("consolidation", String(40), nullable=False),
    Column("details", JSON, nullable=False),
)

entity = Table(
    "entity",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(80), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    Column("parent", String(80), ForeignKey("entity.code"), nullable=True),
    Column("kind", String(40), nullable=False),
    Column("country", String(2), nullable=True),
    Column("grid_region", String(40), nullable=True),
    Column("ownership", String(40), nullable=False),
    Column("controlled", Boolean, nullable=False),
)

period = Table(
    "period",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("locked", Boolean, nullable=False),
)

import_batch = Table(
    "import_batch",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("file", String(500), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("user_name", String(120), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

datapoint = Table(
    "datapoint",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entity", String(80), ForeignKey("entity.code"), nullable=False),
    Column("period", String(40), ForeignKey("period.code"), nullable=False),
    Column("metric", String(120), nullable=False),
    Column("value", String(60), nullable=False),
    Column("unit", String(60), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("reason", Text, nullable=True),
    Column("comment", Text, nullable=True),
    Column("source", String(40), nullable=False),
    Column("file", String(500), nullable=True),
    Column("sheet", String(120), nullable=True),
    Column("cell", String(20), nullable=True),
    Column("line", Integer, nullable=True),
    Column("field", String(120), nullable=True),
    Column("user_name", String(120), nullable=False),
    Column("reference", Text, nullable=True),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("batch_id", Integer, ForeignKey("import_batch.id"), nullable=True),
    UniqueConstraint("entity", "period", "metric", "kind", "revision", name="uq_datapoint_rev"),
)
Index("ix_datapoint_period_metric", datapoint.c.period, datapoint.c.metric)

note = Table(
    "note",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("period", String(40), ForeignKey("period.code"), nullable=False),
    Column("entity", String(80), ForeignKey("entity.code"), nullable=True),
    Column("metrics", JSON, nullable=False),
    Column("text", Text, nullable=False),
    Column("user_name", String(120), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

calculation_run = Table(
    "calculation_run",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("period", String(40), nullable=False),
    Column("input_revision", Integer, nullable=False),
    Column("settings", JSON, nullable=False),
    Column("user_name", String(120), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

computed_value = Table(
    "computed_value",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("calculation_run.id"), nullable=False),
    Column("entity", String(80), nullable=False),
    Column("period", String(40), nullable=False),
    Column("metric", String(120), nullable=False),
    Column("value", String(60), nullable=False),
    Column("unit", String(60), nullable=False),
    Column("lineage", JSON, nullable=False),
)
Index("ix_computed_run", computed_value.c.run_id, computed_value.c.metric)

stakeholder_group = Table(
    "stakeholder_group",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("issues", JSON, nullable=False),
    Column("channels", JSON, nullable=False),
    Column("frequency", String(120), nullable=False),
)

material_issue = Table(
    "material_issue",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("number", Integer, nullable=False, unique=True),
    Column("category", String(120), nullable=False),
    Column("name", String(300), nullable=False),
    Column("gri_topics", JSON, nullable=False),
    Column("esrs", JSON, nullable=False),
)

setting = Table(
    "setting",
    metadata,
    Column("key", String(120), primary_key=True),
    Column("value", JSON, nullable=False),
)
from esgledger.store import tables_collect as _tables_collect  # noqa: E402,F401  (issue 4)
from esgledger.store import tables_ghg as _tables_ghg  # noqa: E402,F401  (issue 3)
from esgledger.store import tables_materiality as _tables_materiality  # noqa: E402,F401  (issue 6)
from esgledger.store import tables_supply_chain as _tables_supply_chain  # noqa: E402,F401  (issue 7)
from esgledger.store import tables_web as _tables_web  # noqa: E402,F401  (issue 5)
