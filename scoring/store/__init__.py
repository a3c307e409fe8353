"""Client store: append-only client versions, users, API tokens and audit events (SQLAlchemy).

``Store.open(url)`` connects to SQLite (default) or PostgreSQL and upgrades the schema with the
Alembic migrations shipped in ``scoring/store/migrations``.
"""

from scoring.store.errors import (
    DuplicateClient,
    LoginBusy,
    LoginThrottled,
    StaleVersion,
    StoreError,
    UnknownClient,
    UnknownUser,
    UserExists,
)
from scoring.store.login_throttle import Limit, LoginPolicy
from scoring.store.records import ROLES, ClientSummary, ClientVersion, NewClient, StoredExplanation, User, json_safe
from scoring.store.sessions import SessionPolicy
from scoring.store.store import (
    NEW_CLIENT_ID_FLOOR,
    AuditEntry,
    Store,
    changed_fields,
    normalize_database_url,
)

DEFAULT_DATABASE_URL = "sqlite:///data/store.db"

__all__ = [
    "DEFAULT_DATABASE_URL",
    "NEW_CLIENT_ID_FLOOR",
    "ROLES",
    "AuditEntry",
    "ClientSummary",
    "ClientVersion",
    "DuplicateClient",
    "Limit",
    "LoginBusy",
    "LoginPolicy",
    "LoginThrottled",
    "NewClient",
    "SessionPolicy",
    "StaleVersion",
    "Store",
    "StoreError",
    "StoredExplanation",
    "UnknownClient",
    "UnknownUser",
    "User",
    "UserExists",
    "changed_fields",
    "json_safe",
    "normalize_database_url",
]
