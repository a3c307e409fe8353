"""Indexes for text search on the clients' income type, occupation and contract type.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COLUMNS = ("income_type", "occupation_type", "contract_type")


def upgrade() -> None:
    for column in COLUMNS:
        op.create_index(op.f(f"ix_clients_{column}"), "clients", [column])


def downgrade() -> None:
    for column in COLUMNS:
        op.drop_index(op.f(f"ix_clients_{column}"), table_name="clients")
