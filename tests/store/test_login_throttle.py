"""Login throttling: waits that grow per name and address, never a lock an outsider controls;
per-name and per-address limits checked before any hashing; a bound on concurrent checks."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest

from scoring.store import Limit, LoginBusy, LoginPolicy, LoginThrottled, Store

PASSWORD = "correct horse battery"


class WatchedHasher:
    """Argon2 as the store uses it, counting checks and able to hold one open (a real hasher
    inside: only the watching is added)."""

    def __init__(self, hasher: Any) -> None:
        self.hasher = hasher
        self.verified = 0
        self.entered = threading.Event()
        self.release = threading.Event()
        self.release.set()

    def verify(self, stored: str, password: str) -> bool:
        self.verified += 1
        self.entered.set()
        self.release.wait(5)
        return self.hasher.verify(stored, password)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.hasher, name)


def fast_policy(**overrides: object) -> LoginPolicy:
    """Waits of a second or two, so a test can see them end."""
    values: dict[str, object] = {
        "per_name_and_address": Limit(2, timedelta(seconds=2)),
        "per_name": Limit(6, timedelta(seconds=2)),
        "per_address": Limit(8, timedelta(seconds=2)),
    }
    values.update(overrides)
    return LoginPolicy(**values)


@pytest.fixture
def throttled_store(database_url: str):
    store = Store.open(database_url, login_policy=fast_policy())
    store.add_user("alice", "advisor", PASSWORD)
    yield store
    store.dispose()


def test_wrong_passwords_from_one_address_make_that_address_wait_longer_each_time(throttled_store: Store) -> None:
    store = throttled_store
    assert store.authenticate("alice", "guess 1", "198.51.100.7") is None
    assert store.authenticate("alice", "guess 2", "198.51.100.7") is None
    with pytest.raises(LoginThrottled) as first:
        store.authenticate("alice", PASSWORD, "198.51.100.7")  # not even the right password is checked
    assert first.value.retry_after_s == 1
    assert "réessayez" in str(first.value) and "try again" in str(first.value)
    time.sleep(1.05)
    assert store.authenticate("alice", "guess 3", "198.51.100.7") is None
    with pytest.raises(LoginThrottled) as second:
        store.authenticate("alice", PASSWORD, "198.51.100.7")
    assert second.value.retry_after_s == 2  # doubled, and capped at the policy's 2 s
    time.sleep(2.05)
    assert store.authenticate("alice", PASSWORD, "198.51.100.7") is not None


def test_an_outsider_cannot_lock_a_user_out_from_another_address(throttled_store: Store) -> None:
    store = throttled_store
    for attempt in range(2):
        assert store.authenticate("alice", f"guess {attempt}", "203.0.113.66") is None
    with pytest.raises(LoginThrottled):
        store.authenticate("alice", "guess", "203.0.113.66")
    # Alice, at her branch, is not affected: the hard lock on the name is gone.
    assert store.authenticate("alice", PASSWORD, "198.51.100.7") is not None


def test_a_good_password_resets_the_count_for_that_address(throttled_store: Store) -> None:
    store = throttled_store
    for _ in range(3):
        assert store.authenticate("alice", "typo", "198.51.100.7") is None
        assert store.authenticate("alice", PASSWORD, "198.51.100.7") is not None


def test_guesses_spread_over_addresses_still_slow_down_the_name(database_url: str) -> None:
    store = Store.open(database_url, login_policy=fast_policy())
    try:
        store.add_user("alice", "advisor", PASSWORD)
        for attempt in range(6):
            assert store.authenticate("alice", "guess", f"203.0.113.{attempt}") is None
        with pytest.raises(LoginThrottled) as raised:
            store.authenticate("alice", PASSWORD, "198.51.100.7")
        assert raised.value.retry_after_s <= 2  # a wait bounded by the policy's cap, not a lock
    finally:
        store.dispose()


def test_random_names_from_one_address_are_refused_before_any_hashing(database_url: str) -> None:
    store = Store.open(database_url, login_policy=fast_policy())
    try:
        for attempt in range(8):
            assert store.authenticate(f"nobody-{attempt}", "guess", "203.0.113.9") is None
        watched = store._hasher = WatchedHasher(store._hasher)
        for attempt in range(5):
            with pytest.raises(LoginThrottled):
                store.authenticate(f"someone-{attempt}", "guess", "203.0.113.9")
        assert watched.verified == 0
        # Unknown names and known ones are throttled alike: no oracle for which names exist.
        assert store.authenticate("fresh-name", "guess", "198.51.100.7") is None
    finally:
        store.dispose()


def test_every_checked_attempt_is_audited_with_its_address(throttled_store: Store) -> None:
    store = throttled_store
    store.authenticate("alice", "guess", "198.51.100.7")
    store.authenticate("alice", PASSWORD, "198.51.100.8")
    events = [(e.action, e.detail.get("address")) for e in store.audit_events(limit=10) if e.actor == "alice"]
    assert ("login_failed", "198.51.100.7") in events and ("login", "198.51.100.8") in events


def test_password_checks_beyond_the_bound_are_refused_at_once(database_url: str) -> None:
    store = Store.open(database_url, login_policy=fast_policy(concurrent_checks=1, queued_checks=0))
    try:
        store.add_user("alice", "advisor", PASSWORD)
        watched = store._hasher = WatchedHasher(store._hasher)
        watched.release.clear()
        worker = threading.Thread(target=store.authenticate, args=("alice", PASSWORD, "198.51.100.1"))
        worker.start()
        assert watched.entered.wait(5)
        started = time.perf_counter()
        with pytest.raises(LoginBusy) as busy:
            store.authenticate("alice", PASSWORD, "198.51.100.2")
        assert time.perf_counter() - started < 1.0 and busy.value.retry_after_s == 1
        watched.release.set()
        worker.join(5)
        assert store.authenticate("alice", PASSWORD, "198.51.100.2") is not None
    finally:
        store.dispose()


def test_waits_grow_by_doubling_up_to_the_cap() -> None:
    limit = Limit(3, timedelta(minutes=15))
    assert [limit.wait_s(n) for n in range(3)] == [0, 0, 0]
    assert [limit.wait_s(n) for n in (3, 4, 5, 6)] == [1, 2, 4, 8]
    assert limit.wait_s(10_000) == 900


def test_a_name_with_control_characters_is_a_failed_attempt_on_both_backends(throttled_store: Store) -> None:
    # PostgreSQL refuses NUL in text: the attempt must still be answered and recorded.
    assert throttled_store.authenticate("ali\x00ce", PASSWORD, "198.51.100.7\x1b") is None
    event = throttled_store.audit_events(limit=1)[0]
    assert (event.actor, event.action, event.detail["address"]) == ("ali\\x00ce", "login_failed", "198.51.100.7\\x1b")
