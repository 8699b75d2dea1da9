"""Materiality assessment (issue 6): survey waves and responses, weights, thresholds,
validation record, stakeholder engagement log, double materiality IROs.

Revision ID: materiality_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "materiality_0001"
down_revision = "0001"
branch_labels = ("materiality",)
depends_on = None


def _recorded() -> list[sa.Column]:
    return [
        sa.Column("user_name", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "survey_wave",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=120), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("audience", sa.String(length=20), nullable=False),
        sa.Column("scale_low", sa.Integer(), nullable=False),
        sa.Column("scale_high", sa.Integer(), nullable=False),
        sa.Column("scale_labels", sa.JSON(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("file", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        *_recorded(),
        sa.ForeignKeyConstraint(["period"], ["period.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "survey_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("respondent", sa.String(length=200), nullable=False),
        sa.Column("stakeholder_group", sa.String(length=200), nullable=False),
        sa.Column("issue", sa.Integer(), nullable=False),
        sa.Column("score", sa.String(length=20), nullable=False),
        sa.Column("location", sa.String(length=600), nullable=False),
        sa.ForeignKeyConstraint(["wave_id"], ["survey_wave.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("wave_id", "respondent", "issue", name="uq_survey_response"),
    )
    op.create_table(
        "materiality_weight",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("stakeholder_group", sa.String(length=200), nullable=False),
        sa.Column("weight", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["period"], ["period.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period", "stakeholder_group", name="uq_materiality_weight"),
    )
    op.create_table(
        "materiality_threshold",
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("high", sa.String(length=40), nullable=False),
        sa.Column("moderate", sa.String(length=40), nullable=False),
        sa.Column("material_zones", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["period"], ["period.code"]),
        sa.PrimaryKeyConstraint("period"),
    )
    op.create_table(
        "materiality_validation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("validated_by", sa.String(length=300), nullable=False),
        sa.Column("validated_on", sa.Date(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("result_hash", sa.String(length=64), nullable=False),
        *_recorded(),
        sa.ForeignKeyConstraint(["period"], ["period.code"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "engagement_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("stakeholder_group", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=300), nullable=False),
        sa.Column("topic", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        *_recorded(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "materiality_iro",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("issue", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("potential", sa.Boolean(), nullable=False),
        sa.Column("human_rights", sa.Boolean(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("location", sa.String(length=600), nullable=False),
        *_recorded(),
        sa.ForeignKeyConstraint(["period"], ["period.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period", "code", name="uq_materiality_iro"),
    )


def downgrade() -> None:
    for table in (
        "materiality_iro",
        "engagement_event",
        "materiality_validation",
        "materiality_threshold",
        "materiality_weight",
        "survey_response",
        "survey_wave",
    ):
        op.drop_table(table)
