"""Login throttling: increasing waits per name and address, per name and per address, checked
before any password is hashed; and a bound on concurrent password checks in a process.

Why not a lock after N failures: whoever can reach the login form could then lock any user out
by typing their name. Here failures from one address slow down that address for that name first;
the per-name and per-address limits are looser and only ever make people wait (at most
``cap``), they never lock. What is counted is the ``login_attempts`` table, shared by every
worker and kept only as long as the windows need; the audit trail keeps every attempt for good.

Why a bound on concurrent checks: one Argon2id check costs about 50 ms of CPU and 64 MiB, and
random names dodge the per-name counts, so a flood of attempts from many addresses would
otherwise take every thread and core of the process. Attempts beyond the bound are answered at
once ("busy, try again in a second") without hashing anything.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, delete, func, select

from scoring.store.errors import LoginBusy, LoginThrottled
from scoring.store.models import LoginAttempt
from scoring.store.records import as_utc

UNKNOWN_ADDRESS = "-"


@dataclass(frozen=True)
class Limit:
    """``free`` failures cost nothing; the next ones wait 1 s, 2 s, 4 s… after the last failure,
    never more than ``cap``."""

    free: int
    cap: timedelta

    def wait_s(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        # min() first: 2 ** 10,000 would overflow a float.
        return float(min(self.cap.total_seconds(), 2 ** min(failures - self.free, 40)))


@dataclass(frozen=True)
class LoginPolicy:
    """Defaults for a bank branch: a person who mistypes three times waits a second, then two...
    An outsider typing someone's name from elsewhere makes that person wait at most a minute."""

    window: timedelta = timedelta(hours=1)
    per_name_and_address: Limit = field(default_factory=lambda: Limit(3, timedelta(minutes=15)))
    per_name: Limit = field(default_factory=lambda: Limit(20, timedelta(minutes=1)))
    per_address: Limit = field(default_factory=lambda: Limit(30, timedelta(minutes=15)))
    concurrent_checks: int = 1
    queued_checks: int = 0
    queue_wait_s: float = 2.0


_ATTEMPTS = LoginAttempt.__table__.c
# Built once: a refused attempt must cost little, or a flood of them is the attack (see the
# module docstring); building these statements per call cost more than running them.
_PAIR_RECENT = (
    select(_ATTEMPTS.succeeded, _ATTEMPTS.created_at)
    .where(_ATTEMPTS.name == bindparam("name"), _ATTEMPTS.address == bindparam("address"),
           _ATTEMPTS.created_at > bindparam("since"))
    .order_by(_ATTEMPTS.created_at.desc(), _ATTEMPTS.id.desc()).limit(bindparam("rows"))
)
_FAILURES_BY = {
    column.name: select(func.count(), func.max(_ATTEMPTS.created_at))
    .where(column == bindparam("value"), _ATTEMPTS.created_at > bindparam("since"), _ATTEMPTS.succeeded.is_(False))
    for column in (_ATTEMPTS.name, _ATTEMPTS.address)
}


def check_attempts(connection: Connection, policy: LoginPolicy, name: str, address: str, now: datetime) -> None:
    """Raise :class:`LoginThrottled` when any of the three limits asks this attempt to wait."""
    since = now - policy.window
    waits: list[float] = []

    # Per name and address: failures since the last success from there (a good password resets).
    rows = connection.execute(_PAIR_RECENT, {"name": name, "address": address, "since": since,
                                             "rows": policy.per_name_and_address.free + 64}).all()
    failures = 0
    for succeeded, _created_at in rows:
        if succeeded:
            break
        failures += 1
    if failures:
        waits.append(_remaining(policy.per_name_and_address, failures, as_utc(rows[0][1]), now))

    # Per name from anywhere and per address for any name: failures only, a success resets nothing
    # (one valid account must not reset an address that guesses at others).
    for column, value, limit in (("name", name, policy.per_name), ("address", address, policy.per_address)):
        count, last = connection.execute(_FAILURES_BY[column], {"value": value, "since": since}).one()
        if count:
            waits.append(_remaining(limit, count, as_utc(_as_datetime(last)), now))

    longest = max(waits, default=0.0)
    if longest > 0:
        raise LoginThrottled(name, max(1, math.ceil(longest)))


def attempt_row(name: str, address: str, succeeded: bool, now: datetime) -> LoginAttempt:
    return LoginAttempt(name=name, address=address, succeeded=succeeded, created_at=now)


def prune_statement(policy: LoginPolicy, now: datetime) -> object:
    """Rows no window looks at any more."""
    return delete(LoginAttempt).where(LoginAttempt.created_at < now - policy.window)


def _remaining(limit: Limit, failures: int, last_failure: datetime, now: datetime) -> float:
    return limit.wait_s(failures) - (now - last_failure).total_seconds()


def _as_datetime(value: object) -> datetime:
    # max() over a column loses the column's type on SQLite: the driver returns the stored text.
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value


class CheckSlots:
    """At most ``concurrent`` password checks at a time in this process, and at most ``queued``
    more attempts admitted to wait (up to ``wait_s``) for a slot. The rest are refused at once,
    before anything else is done for them, so a flood of logins can hold only
    ``concurrent + queued`` of the process's threads and costs little beyond them."""

    def __init__(self, concurrent: int, queued: int, wait_s: float) -> None:
        self._running = threading.BoundedSemaphore(max(1, concurrent))
        self._admitted = threading.BoundedSemaphore(max(1, concurrent) + max(0, queued))
        self._wait_s = wait_s

    @contextmanager
    def admit(self, name: str) -> Iterator[None]:
        """Hold one of the admitted places while the attempt is looked at and checked."""
        if not self._admitted.acquire(blocking=False):
            raise LoginBusy(name)
        try:
            yield
        finally:
            self._admitted.release()

    @contextmanager
    def run(self, name: str) -> Iterator[None]:
        """Hold one of the running places while the password is hashed (inside ``admit``)."""
        if not self._running.acquire(timeout=self._wait_s):
            raise LoginBusy(name)
        try:
            yield
        finally:
            self._running.release()
