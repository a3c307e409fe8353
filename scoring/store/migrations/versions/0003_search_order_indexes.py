"""Text-search indexes that also give the result order: (column, updated_at, client_id).

A search for one level ("Sales staff") read every matching row and sorted them to return the 20
most recently updated (18 ms over 48,744 clients, SQLite); with the order in the index it reads 20
rows (0.1 ms). They replace the single-column indexes of 0002, which they cover.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = ("income_type", "occupation_type", "contract_type")


def upgrade() -> None:
    for column in COLUMNS:
        op.drop_index(op.f(f"ix_clients_{column}"), table_name="clients")
        op.create_index(op.f(f"ix_clients_{column}_updated_at_client_id"), "clients",
                        [column, "updated_at", "client_id"])


def downgrade() -> None:
    for column in COLUMNS:
        op.drop_index(op.f(f"ix_clients_{column}_updated_at_client_id"), table_name="clients")
        op.create_index(op.f(f"ix_clients_{column}"), "clients", [column])
