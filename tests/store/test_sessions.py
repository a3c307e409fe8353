"""Dashboard sessions live in the store: they end at logout, at a password change, when the user
is removed, after an idle time and after an absolute time; only a digest of the id is stored."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from scoring.store import SessionPolicy, Store, UnknownUser
from scoring.store.models import DashboardSession

PASSWORD = "correct horse battery"


@pytest.fixture
def session_store(database_url: str):
    store = Store.open(database_url, session_policy=SessionPolicy(
        idle=timedelta(seconds=1.5), absolute=timedelta(seconds=3), touch_every=timedelta(0)))
    store.add_user("alice", "advisor", PASSWORD)
    yield store
    store.dispose()


def test_a_session_resolves_to_its_user_until_it_ends(session_store: Store) -> None:
    session_id = session_store.open_session("alice")
    assert session_store.session_user(session_id).name == "alice"
    with session_store.engine.connect() as connection:
        stored = connection.execute(select(DashboardSession.id_hash)).scalars().all()
    assert session_id not in stored and len(stored) == 1  # a digest, not the id itself
    session_store.end_session(session_id)
    assert session_store.session_user(session_id) is None
    assert session_store.session_user("made-up") is None


def test_a_password_change_or_a_removal_ends_every_session_of_the_user(session_store: Store) -> None:
    first, second = session_store.open_session("alice"), session_store.open_session("alice")
    session_store.set_password("alice", "another long password")
    assert session_store.session_user(first) is None and session_store.session_user(second) is None
    assert session_store.authenticate("alice", "another long password") is not None
    third = session_store.open_session("alice")
    session_store.create_token("alice")
    session_store.remove_user("alice", actor="admin")
    assert session_store.session_user(third) is None
    assert session_store.authenticate("alice", "another long password") is None
    with pytest.raises(UnknownUser):
        session_store.remove_user("alice")
    actions = [event.action for event in session_store.audit_events(limit=20)]
    assert "password_change" in actions and "user_remove" in actions


def test_an_idle_session_ends_and_activity_keeps_one_alive_until_the_absolute_limit(session_store: Store) -> None:
    idle = session_store.open_session("alice")
    active = session_store.open_session("alice")
    for _ in range(2):
        time.sleep(0.9)
        assert session_store.session_user(active) is not None  # each request counts as activity
    assert session_store.session_user(idle) is None  # 1.8 s without a request
    time.sleep(0.9)
    assert session_store.session_user(active) is not None
    time.sleep(0.6)
    assert session_store.session_user(active) is None  # 3.3 s after login, however active
