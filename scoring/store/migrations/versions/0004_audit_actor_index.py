"""An index to count a user name's recent login attempts without scanning the audit trail.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f("ix_audit_events_actor_action_created_at"), "audit_events",
                    ["actor", "action", "created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_events_actor_action_created_at"), table_name="audit_events")
