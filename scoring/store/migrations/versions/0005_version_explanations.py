"""Stored explanations: each version's TreeSHAP contributions and feature values per model.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25

Written out in full (no import of the models), like 0001.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "version_explanations",
        sa.Column("client_id", sa.BigInteger(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.String(length=128), nullable=False),
        sa.Column("base_value", sa.Float(), nullable=False),
        sa.Column("contributions", sa.LargeBinary(), nullable=False),
        sa.Column("feature_values", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["client_id", "version"], ["client_versions.client_id", "client_versions.version"],
                                name=op.f("fk_version_explanations_client_id_client_versions")),
        sa.PrimaryKeyConstraint("client_id", "version", "model_version", name=op.f("pk_version_explanations")),
    )


def downgrade() -> None:
    op.drop_table("version_explanations")
