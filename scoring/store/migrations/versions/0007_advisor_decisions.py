"""The advisor's decisions, the second person's approvals and the client's contests.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-03

Written out in full (no import of the models), like 0001.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "advisor_decisions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("client_id", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("recommendation", sa.String(length=32), nullable=True),
        sa.Column("probability_of_default", sa.Float(), nullable=True),
        sa.Column("model_version", sa.String(length=128), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("follows_model", sa.Boolean(), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=True),
        sa.Column("refers_to", sa.BigInteger(), nullable=True),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("client_statement", sa.Text(), nullable=True),
        sa.Column("review_requested", sa.Boolean(), nullable=False),
        sa.Column("author", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('decision', 'approval', 'contest')",
                           name=op.f("ck_advisor_decisions_kind_known")),
        sa.ForeignKeyConstraint(["client_id", "version"], ["client_versions.client_id", "client_versions.version"],
                                name=op.f("fk_advisor_decisions_client_id_client_versions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advisor_decisions")),
    )
    op.create_index(op.f("ix_advisor_decisions_client_id_id"), "advisor_decisions", ["client_id", "id"])
    op.create_index(op.f("ix_advisor_decisions_kind_created_at"), "advisor_decisions", ["kind", "created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_advisor_decisions_kind_created_at"), table_name="advisor_decisions")
    op.drop_index(op.f("ix_advisor_decisions_client_id_id"), table_name="advisor_decisions")
    op.drop_table("advisor_decisions")
