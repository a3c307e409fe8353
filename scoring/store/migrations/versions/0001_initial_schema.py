"""Initial schema: clients, client_versions, users, api_tokens, audit_events.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

Written out in full (no import of the models) so that later model changes never rewrite history.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

AUTO_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("client_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("in_training_set", sa.Boolean(), nullable=False),
        sa.Column("contract_type", sa.String(length=64), nullable=True),
        sa.Column("income_type", sa.String(length=64), nullable=True),
        sa.Column("occupation_type", sa.String(length=64), nullable=True),
        sa.Column("amt_income_total", sa.Float(), nullable=True),
        sa.Column("amt_credit", sa.Float(), nullable=True),
        sa.Column("days_birth", sa.BigInteger(), nullable=True),
        sa.Column("probability_of_default", sa.Float(), nullable=True),
        sa.Column("decision", sa.String(length=32), nullable=True),
        sa.Column("model_version", sa.String(length=128), nullable=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("updated_at", MOMENT, nullable=False),
        sa.CheckConstraint("current_version >= 1", name=op.f("ck_clients_current_version_positive")),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_clients")),
    )
    op.create_index(op.f("ix_clients_updated_at_client_id"), "clients", ["updated_at", "client_id"])

    op.create_table(
        "client_versions",
        sa.Column("client_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("changed_fields", sa.JSON(), nullable=False),
        sa.Column("author", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("probability_of_default", sa.Float(), nullable=True),
        sa.Column("decision", sa.String(length=32), nullable=True),
        sa.Column("model_version", sa.String(length=128), nullable=True),
        sa.CheckConstraint("version >= 1", name=op.f("ck_client_versions_version_positive")),
        sa.ForeignKeyConstraint(["client_id"], ["clients.client_id"],
                                name=op.f("fk_client_versions_client_id_clients")),
        sa.PrimaryKeyConstraint("client_id", "version", name=op.f("pk_client_versions")),
    )

    op.create_table(
        "users",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.CheckConstraint("role IN ('viewer', 'advisor', 'admin')", name=op.f("ck_users_role_known")),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_users")),
    )

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_name", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("revoked_at", MOMENT, nullable=True),
        sa.ForeignKeyConstraint(["user_name"], ["users.name"], name=op.f("fk_api_tokens_user_name_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_user_name"), "api_tokens", ["user_name"])

    op.create_table(
        "audit_events",
        sa.Column("id", AUTO_ID, autoincrement=True, nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("client_id", sa.BigInteger(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_client_id"), "audit_events", ["client_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_events_client_id"), table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_index(op.f("ix_api_tokens_user_name"), table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_table("users")
    op.drop_table("client_versions")
    op.drop_index(op.f("ix_clients_updated_at_client_id"), table_name="clients")
    op.drop_table("clients")
