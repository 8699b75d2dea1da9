"""Tables of data collection: the audit trail, review state, comments, assignments, templates.

``audit_event`` is append-only and hash-chained (see :mod:`esgledger.store.audit`);
``audit_head`` holds the newest event's sequence number and hash, so that cutting events off
the end of the chain is detected too. ``submission`` is the review state of one entity's data
for a period, with a ``version`` for optimistic concurrency. ``assignment`` says which metrics
an entity (and department) owes beyond what it reported before. ``template_issue`` remembers
each template written, so an import can recognise it.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from esgledger.store.schema import metadata

audit_event = Table(
    "audit_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", Integer, nullable=False, unique=True),
    Column("name", String(60), nullable=False),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("entity", String(80), nullable=True),
    Column("period", String(40), nullable=True),
    Column("metric", String(120), nullable=True),
    Column("old", JSON, nullable=True),
    Column("new", JSON, nullable=True),
    Column("reason", Text, nullable=True),
    Column("source", String(500), nullable=True),
    Column("prev_hash", String(64), nullable=False, unique=True),
    Column("hash", String(64), nullable=False),
)
Index("ix_audit_event_key", audit_event.c.entity, audit_event.c.period, audit_event.c.metric)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

submission = Table(
    "submission",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entity", String(80), nullable=False),
    Column("period", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    Column("version", Integer, nullable=False),
    Column("actor", String(120), nullable=False),
    Column("updated", DateTime(timezone=True), nullable=False),
    UniqueConstraint("entity", "period", name="uq_submission_entity_period"),
)

comment = Table(
    "comment",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entity", String(80), nullable=False),
    Column("period", String(40), nullable=False),
    Column("metric", String(120), nullable=True),
    Column("text", Text, nullable=False),
    Column("actor", String(120), nullable=False),
    Column("created", DateTime(timezone=True), nullable=False),
)

assignment = Table(
    "assignment",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entity", String(80), nullable=False),
    Column("metric", String(120), nullable=False),
    Column("department", String(120), nullable=True),
    UniqueConstraint("entity", "metric", name="uq_assignment_entity_metric"),
)

template_issue = Table(
    "template_issue",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entity", String(80), nullable=False),
    Column("period", String(40), nullable=False),
    Column("department", String(120), nullable=True),
    Column("version", Integer, nullable=False),
    Column("layout_checksum", String(64), nullable=False),
    Column("layout", JSON, nullable=False),
    Column("actor", String(120), nullable=False),
    Column("created", DateTime(timezone=True), nullable=False),
)
