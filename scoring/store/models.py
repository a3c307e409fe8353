"""SQLAlchemy models of the client store; the Alembic revisions create exactly this schema.

``client_versions`` is append-only: rows are inserted, never updated or deleted. ``clients`` holds
one row per client with the number of its current version, which is what the optimistic
concurrency check updates, and a few denormalised columns for search and listing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both backends (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use datetime.now(UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Plain JSON on both backends: JSONB would reorder the snapshot's keys (schema order is kept).
JSONDocument = JSON()
# SQLite only auto-increments an INTEGER PRIMARY KEY.
AutoId = BigInteger().with_variant(Integer(), "sqlite")

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSONDocument}  # noqa: RUF012 (SQLAlchemy API)


class Client(Base):
    __tablename__ = "clients"

    client_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    current_version: Mapped[int] = mapped_column(Integer)
    in_training_set: Mapped[bool] = mapped_column(Boolean, default=False)
    contract_type: Mapped[str | None] = mapped_column(String(64))
    income_type: Mapped[str | None] = mapped_column(String(64))
    occupation_type: Mapped[str | None] = mapped_column(String(64))
    amt_income_total: Mapped[float | None] = mapped_column(Float)
    amt_credit: Mapped[float | None] = mapped_column(Float)
    days_birth: Mapped[int | None] = mapped_column(BigInteger)
    probability_of_default: Mapped[float | None] = mapped_column(Float)
    decision: Mapped[str | None] = mapped_column(String(32))
    model_version: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    __table_args__ = (
        Index(None, "updated_at", "client_id"),
        # Text search turns words into equality tests on these and returns the most recently
        # updated first: the index gives both (see Store.search and migration 0003).
        Index(None, "income_type", "updated_at", "client_id"),
        Index(None, "occupation_type", "updated_at", "client_id"),
        Index(None, "contract_type", "updated_at", "client_id"),
        CheckConstraint("current_version >= 1", name="current_version_positive"),
    )


class ClientVersionRow(Base):
    __tablename__ = "client_versions"

    client_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("clients.client_id"), primary_key=True, autoincrement=False
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    fields: Mapped[dict[str, Any]]
    changed_fields: Mapped[dict[str, Any]]
    author: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    probability_of_default: Mapped[float | None] = mapped_column(Float)
    decision: Mapped[str | None] = mapped_column(String(32))
    model_version: Mapped[str | None] = mapped_column(String(128))

    __table_args__ = (CheckConstraint("version >= 1", name="version_positive"),)


class VersionExplanation(Base):
    """A version's TreeSHAP explanation under one model, kept so reading it costs a lookup.

    Derived data, not part of the append-only record: it can be recomputed from the version's
    snapshot and the model, and a new model gets its own rows. Written with the version when the
    service scores it, or afterwards by ``credit-scoring explain-clients``.
    """

    __tablename__ = "version_explanations"

    client_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    model_version: Mapped[str] = mapped_column(String(128), primary_key=True)
    base_value: Mapped[float] = mapped_column(Float)
    # Little-endian arrays in model feature order: float32 contributions (what TreeSHAP gives)
    # and float64 feature values (categories as level codes, missing as NaN).
    contributions: Mapped[bytes] = mapped_column(LargeBinary)
    feature_values: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]

    __table_args__ = (
        ForeignKeyConstraint(["client_id", "version"], ["client_versions.client_id", "client_versions.version"]),
    )


class UserRow(Base):
    __tablename__ = "users"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]

    __table_args__ = (CheckConstraint("role IN ('viewer', 'advisor', 'admin')", name="role_known"),)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_name: Mapped[str] = mapped_column(String(64), ForeignKey("users.name"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    client_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    detail: Mapped[dict[str, Any]]

    # Login throttling counts a name's recent attempts (see Store.authenticate; migration 0004).
    __table_args__ = (Index(None, "actor", "action", "created_at"),)


class AdvisorDecisionRow(Base):
    """What a person decided about a client version, append-only like the versions.

    kind "decision": the advisor's final decision (granted / refused) beside the model's
    recommendation, with the justification (mandatory when it departs from the recommendation);
    a refusal turned into a grant may wait for a second person (status "pending_second_approval").
    kind "approval": that second person's answer (approved / rejected) to the decision in
    ``refers_to``. kind "contest": the client's statement, and whether a human review is asked.
    """

    __tablename__ = "advisor_decisions"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    client_id: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    recommendation: Mapped[str | None] = mapped_column(String(32))
    probability_of_default: Mapped[float | None] = mapped_column(Float)
    model_version: Mapped[str | None] = mapped_column(String(128))
    outcome: Mapped[str | None] = mapped_column(String(32))
    follows_model: Mapped[bool | None] = mapped_column(Boolean)
    status: Mapped[str | None] = mapped_column(String(32))
    refers_to: Mapped[int | None] = mapped_column(BigInteger)
    justification: Mapped[str] = mapped_column(Text, default="")
    client_statement: Mapped[str | None] = mapped_column(Text)
    review_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    author: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]

    __table_args__ = (
        ForeignKeyConstraint(["client_id", "version"], ["client_versions.client_id", "client_versions.version"]),
        Index(None, "client_id", "id"),
        # Override rates over a window read the decisions by time.
        Index(None, "kind", "created_at"),
        CheckConstraint("kind IN ('decision', 'approval', 'contest')", name="kind_known"),
    )


class DashboardSession(Base):
    """A dashboard login: the cookie carries a random id, only its SHA-256 is stored, so a session
    ends for good when its row goes (logout, password change, user removal, expiry)."""

    __tablename__ = "dashboard_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_name: Mapped[str] = mapped_column(String(64), ForeignKey("users.name", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class LoginAttempt(Base):
    """Password checks, kept for the throttling windows only (the audit trail keeps them for good):
    counted per name and address, per name and per address (see scoring.store.login_throttle)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128))
    address: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime]

    __table_args__ = (Index(None, "name", "created_at"), Index(None, "address", "created_at"))
