"""Tables of the responsible supply chain (issue 7): supplier register, supplier declarations
(CMRT/EMRT), the smelters they name, and RMI's smelter lists.

``supplier`` is the register as last imported from the ERP (one row per supplier code).
``supplier_declaration`` keeps every conflict-minerals file imported for a period - unreadable
ones too, with their problems - so nothing a supplier sent is lost; ``declared_smelter`` holds
the normalised Smelter List rows of a declaration. ``rmi_smelter`` holds the smelter reference
list and the conformant list (``list_name``), each replaced as a whole on import.
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
    String,
    Table,
    UniqueConstraint,
)

from esgledger.store.schema import metadata

supplier = Table(
    "supplier",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(80), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    Column("category", String(120), nullable=True),
    Column("country", String(120), nullable=True),
    Column("spend", String(60), nullable=True),
    Column("currency", String(3), nullable=True),
    Column("onboarded", Date, nullable=True),
    Column("active", Boolean, nullable=False),
    Column("conflict_minerals", Boolean, nullable=False),
    Column("screening", JSON, nullable=False),
    Column("agreements", JSON, nullable=False),
    Column("last_audit", Date, nullable=True),
    Column("rating", String(60), nullable=True),
    Column("contact_email", String(200), nullable=True),
    Column("file", String(500), nullable=False),
    Column("line", Integer, nullable=False),
    Column("user_name", String(120), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

supplier_declaration = Table(
    "supplier_declaration",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("period", String(40), nullable=False),
    Column("supplier", String(80), nullable=True),
    Column("file", String(500), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("template", String(10), nullable=True),
    Column("revision", String(20), nullable=True),
    Column("company", String(300), nullable=True),
    Column("status", String(20), nullable=False),
    Column("effective_date", Date, nullable=True),
    Column("content", JSON, nullable=False),
    Column("problems", JSON, nullable=False),
    Column("user_name", String(120), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("period", "sha256", name="uq_declaration_file"),
)

declared_smelter = Table(
    "declared_smelter",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "declaration_id",
        Integer,
        ForeignKey("supplier_declaration.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("row", Integer, nullable=False),
    Column("metal", String(20), nullable=False),
    Column("smelter_id", String(20), nullable=True),
    Column("name", String(300), nullable=False),
    Column("lookup_name", String(300), nullable=False),
    Column("country", String(120), nullable=False),
    Column("recycled", String(20), nullable=False),
)
Index("ix_declared_smelter_declaration", declared_smelter.c.declaration_id)

rmi_smelter = Table(
    "rmi_smelter",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("list_name", String(20), nullable=False),
    Column("metal", String(20), nullable=False),
    Column("smelter_id", String(20), nullable=False),
    Column("name", String(300), nullable=False),
    Column("standard_name", String(300), nullable=False),
    Column("country", String(120), nullable=False),
    Column("status", String(60), nullable=False),
    Column("source", String(500), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)
Index("ix_rmi_smelter_list", rmi_smelter.c.list_name, rmi_smelter.c.metal)
