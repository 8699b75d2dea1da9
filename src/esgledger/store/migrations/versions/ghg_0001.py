"""GHG inventory (issue 3): activity batches, imported factor sets, inventory runs.

Revision ID: ghg_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "ghg_0001"
down_revision = "0001"
branch_labels = ("ghg",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activity_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("mapping", sa.Text(), nullable=True),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("rows_accepted", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("rows_file", sa.String(length=500), nullable=False),
        sa.Column("rejects_file", sa.String(length=500), nullable=True),
        sa.Column("user_name", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "ghg_factor_set",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("publisher", sa.Text(), nullable=False),
        sa.Column("year_published", sa.Integer(), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("file", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("user_name", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("set_id"),
    )
    op.create_table(
        "ghg_factor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.String(length=120), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.String(length=60), nullable=False),
        sa.Column("unit", sa.String(length=60), nullable=False),
        sa.Column("region", sa.String(length=80), nullable=False),
        sa.Column("gas", sa.String(length=40), nullable=True),
        sa.Column("valid_from", sa.Integer(), nullable=True),
        sa.Column("valid_to", sa.Integer(), nullable=True),
        sa.Column("source_table", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["set_id"], ["ghg_factor_set.set_id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "ghg_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("engine", sa.String(length=20), nullable=False),
        sa.Column("gwp_set", sa.String(length=40), nullable=False),
        sa.Column("factor_sets", sa.JSON(), nullable=False),
        sa.Column("rows_in", sa.Integer(), nullable=False),
        sa.Column("rows_computed", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.Column("rejects_file", sa.String(length=500), nullable=True),
        sa.Column("user_name", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "ghg_contribution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("activity_type", sa.String(length=120), nullable=False),
        sa.Column("scope", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("gas", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("factors", sa.JSON(), nullable=False),
        sa.Column("level", sa.String(length=120), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.String(length=60), nullable=False),
        sa.Column("t_gas", sa.String(length=60), nullable=False),
        sa.Column("tco2e", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["ghg_run.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ghg_contribution_run", "ghg_contribution", ["run_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_ghg_contribution_run", table_name="ghg_contribution")
    op.drop_table("ghg_contribution")
    op.drop_table("ghg_run")
    op.drop_table("ghg_factor")
    op.drop_table("ghg_factor_set")
    op.drop_table("activity_batch")
