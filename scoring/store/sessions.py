"""Dashboard sessions kept in the store, so that a session can end for good.

A signed cookie alone stays valid until it expires, whatever happens on the server: a copied
cookie replayed after logout still worked. Here the cookie carries a random id; the store keeps
its SHA-256, the user and two times. A session ends when its row is deleted (logout, password
change, user removal) or when it has been idle for ``idle`` or open for ``absolute``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, select, update

from scoring.store.models import DashboardSession, UserRow
from scoring.store.records import User, as_utc


@dataclass(frozen=True)
class SessionPolicy:
    """Defaults for a bank branch: a session left alone for 30 minutes ends (a desk left while
    the client is at the counter); none lasts more than a working day."""

    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=10)
    # last_seen_at is written at most this often: Dash fires several requests per click, and one
    # write each would queue them on SQLite's single writer for nothing.
    touch_every: timedelta = timedelta(seconds=60)


def new_session_id() -> tuple[str, str]:
    """(the id for the cookie, its digest for the store)."""
    session_id = secrets.token_urlsafe(32)
    return session_id, session_digest(session_id)


def session_digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def session_row(digest: str, user_name: str, now: datetime) -> DashboardSession:
    return DashboardSession(id_hash=digest, user_name=user_name, created_at=now, last_seen_at=now)


_SESSION_USER = (
    select(DashboardSession.created_at, DashboardSession.last_seen_at, UserRow.name, UserRow.role,
           UserRow.created_at.label("user_created_at"))
    .join(UserRow, UserRow.name == DashboardSession.user_name)
)


def live_session_user(connection: Connection, policy: SessionPolicy, digest: str,
                      now: datetime) -> tuple[User | None, str]:
    """The session's user and what to do next: "ok", "touch" (write last_seen_at), "expired"
    (delete the row) or "unknown"."""
    found = connection.execute(_SESSION_USER.where(DashboardSession.id_hash == digest)).one_or_none()
    if found is None:
        return None, "unknown"
    created_at, last_seen_at = as_utc(found.created_at), as_utc(found.last_seen_at)
    if now - created_at >= policy.absolute or now - last_seen_at >= policy.idle:
        return None, "expired"
    user = User(name=found.name, role=found.role, created_at=as_utc(found.user_created_at))
    return user, "touch" if now - last_seen_at >= policy.touch_every else "ok"


def touch_statement(digest: str, now: datetime) -> object:
    return update(DashboardSession).where(DashboardSession.id_hash == digest).values(last_seen_at=now)


def end_statement(digest: str) -> object:
    return delete(DashboardSession).where(DashboardSession.id_hash == digest)


def end_user_statement(user_name: str) -> object:
    return delete(DashboardSession).where(DashboardSession.user_name == user_name)


def prune_statement(policy: SessionPolicy, now: datetime) -> object:
    """Sessions that can no longer be used, whoever forgot to log out."""
    return delete(DashboardSession).where(
        (DashboardSession.last_seen_at < now - policy.idle) | (DashboardSession.created_at < now - policy.absolute))
