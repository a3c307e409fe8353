"""Revocable dashboard sessions and the login attempts the throttling counts.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

Written out in full (no import of the models), like 0001.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dashboard_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("user_name", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_name"], ["users.name"], ondelete="CASCADE",
                                name=op.f("fk_dashboard_sessions_user_name_users")),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_dashboard_sessions")),
    )
    op.create_index(op.f("ix_dashboard_sessions_user_name"), "dashboard_sessions", ["user_name"])
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    op.create_index(op.f("ix_login_attempts_name_created_at"), "login_attempts", ["name", "created_at"])
    op.create_index(op.f("ix_login_attempts_address_created_at"), "login_attempts", ["address", "created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_login_attempts_address_created_at"), table_name="login_attempts")
    op.drop_index(op.f("ix_login_attempts_name_created_at"), table_name="login_attempts")
    op.drop_table("login_attempts")
    op.drop_index(op.f("ix_dashboard_sessions_user_name"), table_name="dashboard_sessions")
    op.drop_table("dashboard_sessions")
