"""Tables of the materiality assessment (Alembic branch ``materiality``).

Survey waves and their responses, stakeholder group weights and zone thresholds per period,
the management validation record, the stakeholder engagement log and the impacts, risks and
opportunities of the double materiality assessment. Scores and weights are exact decimals
stored as text, as in the core tables. The register of stakeholder groups and the issue
catalog are the core tables ``stakeholder_group`` and ``material_issue``.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from esgledger.store.schema import metadata

survey_wave = Table(
    "survey_wave",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(120), nullable=False, unique=True),
    Column("period", String(40), ForeignKey("period.code"), nullable=False),
    Column("audience", String(20), nullable=False),
    Column("scale_low", Integer, nullable=False),
    Column("scale_high", Integer, nullable=False),
    Column("scale_labels", JSON, nullable=False),
    Column("title", Text, nullable=False),
    Column("file", String(500), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("illustrative", Boolean, nullable=False),
    Column("user_name", String(120), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

survey_response = Table(
    "survey_response",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("wave_id", Integer, ForeignKey("survey_wave.id"), nullable=False),
    Column("respondent", String(200), nullable=False),
    Column("stakeholder_group", String(200), nullable=False),
    Column("issue", Integer, nullable=False),
    Column("score", String(20), nullable=False),
    Column("location", String(600), nullable=False),
    UniqueConstraint("wave_id", "respondent", "issue", name="uq_survey_response"),
)

materiality_weight = Table(
    "materiality_weight",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("period", String(40), ForeignKey("period.code"), nullable=False),
    Column("stakeholder_group", String(200), nullable=False),
    Column("weight", String(40), nullable=False),
    UniqueConstraint("period", "stakeholder_group", name="uq_materiality_weight"),
)

materiality_threshold = Table(
    "materiality_threshold",
    metadata,
    Column("period", String(40), ForeignKey("period.code"), primary_key=True),
    Column("high", String(40), nullable=False),
    Column("moderate", String(40), nullable=False),
    Column("material_zones", JSON, nullable=False),
)

materiality_validation = Table(
    "materiality_validation",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("period", String(40), ForeignKey("period.code"), nullable=False),
    Column("validated_by", String(300), nullable=False),
    Column("validated_on", Date, nullable=False),
    Column("changes", JSON, nullable=False),
    Column("comment", Text, nullable=False),
    Column("result_hash", String(64), nullable=False),
    Column("user_name", String(120), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

engagement_event = Table(
    "engagement_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("date", Date, nullable=False),
    Column("stakeholder_group", String(200), nullable=False),
    Column("channel", String(300), nullable=False),
    Column("topic", Text, nullable=False),
    Column("outcome", Text, nullable=False),
    Column("user_name", String(120), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

materiality_iro = Table(
    "materiality_iro",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("period", String(40), ForeignKey("period.code"), nullable=False),
    Column("code", String(80), nullable=False),
    Column("issue", Integer, nullable=False),
    Column("kind", String(30), nullable=False),
    Column("description", Text, nullable=False),
    Column("potential", Boolean, nullable=False),
    Column("human_rights", Boolean, nullable=False),
    Column("scores", JSON, nullable=False),
    Column("location", String(600), nullable=False),
    Column("user_name", String(120), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("period", "code", name="uq_materiality_iro"),
)
