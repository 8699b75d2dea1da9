"""Responsible supply chain (issue 7): supplier register, declarations, smelters, RMI lists.

Revision ID: supply_chain_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "supply_chain_0001"
down_revision = "0001"
branch_labels = ("supply_chain",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supplier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=120), nullable=True),
        sa.Column("country", sa.String(length=120), nullable=True),
        sa.Column("spend", sa.String(length=60), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("onboarded", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("conflict_minerals", sa.Boolean(), nullable=False),
        sa.Column("screening", sa.JSON(), nullable=False),
        sa.Column("agreements", sa.JSON(), nullable=False),
        sa.Column("last_audit", sa.Date(), nullable=True),
        sa.Column("rating", sa.String(length=60), nullable=True),
        sa.Column("contact_email", sa.String(length=200), nullable=True),
        sa.Column("file", sa.String(length=500), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "supplier_declaration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("supplier", sa.String(length=80), nullable=True),
        sa.Column("file", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("template", sa.String(length=10), nullable=True),
        sa.Column("revision", sa.String(length=20), nullable=True),
        sa.Column("company", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("user_name", sa.String(length=120), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period", "sha256", name="uq_declaration_file"),
    )
    op.create_table(
        "declared_smelter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("metal", sa.String(length=20), nullable=False),
        sa.Column("smelter_id", sa.String(length=20), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("lookup_name", sa.String(length=300), nullable=False),
        sa.Column("country", sa.String(length=120), nullable=False),
        sa.Column("recycled", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["declaration_id"], ["supplier_declaration.id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_declared_smelter_declaration", "declared_smelter", ["declaration_id"], unique=False
    )
    op.create_table(
        "rmi_smelter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_name", sa.String(length=20), nullable=False),
        sa.Column("metal", sa.String(length=20), nullable=False),
        sa.Column("smelter_id", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("standard_name", sa.String(length=300), nullable=False),
        sa.Column("country", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=60), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rmi_smelter_list", "rmi_smelter", ["list_name", "metal"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_rmi_smelter_list", table_name="rmi_smelter")
    op.drop_table("rmi_smelter")
    op.drop_index("ix_declared_smelter_declaration", table_name="declared_smelter")
    op.drop_table("declared_smelter")
    op.drop_table("supplier_declaration")
    op.drop_table("supplier")
