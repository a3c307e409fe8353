"""The client store: append-only client versions, users, API tokens and an audit trail.

One ``Store`` per process, shared by threads (the engine pools connections). SQLite (WAL, a busy
timeout, foreign keys on) is the default; PostgreSQL through psycopg 3 when the URL says so.

Concurrency: a new version is written only if the caller still holds the current one. The
``clients`` row carries ``current_version``; one transaction updates it from N to N+1 under that
condition and inserts version N+1. A writer that loses the race updates no row and raises
:class:`StaleVersion`; the primary key (client_id, version) would reject a duplicate anyway. On
SQLite, write transactions start with ``BEGIN IMMEDIATE`` so two writers queue on the database
lock instead of failing when one tries to upgrade a read lock.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import math
import operator
import os
import re
import secrets
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import (
    BigInteger,
    Engine,
    and_,
    any_,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    select,
    text,
    update,
)
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from scoring.store import sessions
from scoring.store.errors import (
    DuplicateClient,
    StaleVersion,
    UnknownClient,
    UnknownUser,
    UserExists,
)
from scoring.store.login_throttle import UNKNOWN_ADDRESS, CheckSlots, LoginPolicy, attempt_row, check_attempts
from scoring.store.login_throttle import prune_statement as prune_attempts
from scoring.store.models import ApiToken, AuditEvent, Client, ClientVersionRow, UserRow, VersionExplanation
from scoring.store.records import (
    ROLES,
    ClientSummary,
    ClientVersion,
    NewClient,
    StoredExplanation,
    User,
    as_utc,
    json_safe,
)
from scoring.store.search import SEARCH_LIMIT_MAX, search_clients
from scoring.store.sessions import SessionPolicy
from scoring.text_policy import escape_controls, refused_character

# The reason bulk-loaded first versions carry (a record in both languages; pages show their own).
INITIAL_LOAD_REASON = "chargement initial / initial load"

NEW_CLIENT_ID_FLOOR = 10_000_000
"""Ids the store allocates start above this, far from the Kaggle SK_ID_CURR range (100002–456255)."""

MAX_CLIENT_ID = 2**63 - 1
MIN_PASSWORD_LENGTH = 8
TOKEN_PREFIX = "pad"
# Migrations of concurrent processes (gunicorn workers without preload) queue on this lock.
_PG_MIGRATION_LOCK = 738_105_112
_MIGRATIONS = Path(__file__).parent / "migrations"
_USER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


def normalize_database_url(database_url: str) -> URL:
    """The URL with the psycopg 3 driver for PostgreSQL (``postgres://`` is what PaaS give)."""
    url = make_url(database_url)
    if url.drivername in ("postgres", "postgresql"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Any:
    """An Alembic Config for this package's migrations (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@dataclass(frozen=True)
class AuditEntry:
    created_at: datetime
    actor: str
    action: str
    client_id: int | None
    detail: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "created_at": self.created_at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "client_id": self.client_id,
            "detail": self.detail,
        }



# Statements of the hot reads, built once (Core: see Store._query).
_CLIENTS = Client.__table__
_VERSIONS_TABLE = ClientVersionRow.__table__
_VERSIONS = select(*_VERSIONS_TABLE.c, _CLIENTS.c.in_training_set).join_from(
    _VERSIONS_TABLE, _CLIENTS, _CLIENTS.c.client_id == _VERSIONS_TABLE.c.client_id)
_CURRENT_VERSIONS = select(*_VERSIONS_TABLE.c, _CLIENTS.c.in_training_set).join_from(
    _VERSIONS_TABLE, _CLIENTS, and_(_CLIENTS.c.client_id == _VERSIONS_TABLE.c.client_id,
                                    _CLIENTS.c.current_version == _VERSIONS_TABLE.c.version))
_CURRENT_VERSION = _CURRENT_VERSIONS.where(_CLIENTS.c.client_id == bindparam("client_id"))
_EXPLANATIONS = VersionExplanation.__table__
# The current version and, in the same read, its explanation under one model (if stored).
_CURRENT_EXPLAINED_ALL = (
    select(*_VERSIONS_TABLE.c, _CLIENTS.c.in_training_set,
           _EXPLANATIONS.c.base_value.label("explanation_base_value"),
           _EXPLANATIONS.c.contributions.label("explanation_contributions"),
           _EXPLANATIONS.c.feature_values.label("explanation_feature_values"))
    .join_from(_VERSIONS_TABLE, _CLIENTS, and_(_CLIENTS.c.client_id == _VERSIONS_TABLE.c.client_id,
                                               _CLIENTS.c.current_version == _VERSIONS_TABLE.c.version))
    .outerjoin(_EXPLANATIONS, and_(_EXPLANATIONS.c.client_id == _VERSIONS_TABLE.c.client_id,
                                   _EXPLANATIONS.c.version == _VERSIONS_TABLE.c.version,
                                   _EXPLANATIONS.c.model_version == bindparam("model_version")))
)
_CURRENT_EXPLAINED = _CURRENT_EXPLAINED_ALL.where(_CLIENTS.c.client_id == bindparam("client_id"))
_CLIENT_EXISTS = select(_CLIENTS.c.client_id).where(_CLIENTS.c.client_id == bindparam("client_id"))
_TOKENS = ApiToken.__table__
_USERS = UserRow.__table__
_TOKEN_USER = (
    select(_TOKENS.c.token_hash, _TOKENS.c.revoked_at, _USERS.c.name, _USERS.c.role, _USERS.c.created_at)
    .join_from(_TOKENS, _USERS, _USERS.c.name == _TOKENS.c.user_name)
    .where(_TOKENS.c.id == bindparam("token_id"))
)


class Store:
    """Clients (append-only versions), users, tokens and audit events in one database."""

    def __init__(
        self,
        database_url: str,
        *,
        pool_size: int = 5,
        max_overflow: int = 20,
        busy_timeout_s: float = 30.0,
        login_policy: LoginPolicy | None = None,
        session_policy: SessionPolicy | None = None,
    ) -> None:
        self.url = normalize_database_url(database_url)
        self.login_policy = login_policy or LoginPolicy()
        self.session_policy = session_policy or SessionPolicy()
        self._check_slots = CheckSlots(self.login_policy.concurrent_checks, self.login_policy.queued_checks,
                                       self.login_policy.queue_wait_s)
        self.dialect = self.url.get_backend_name()
        options: dict[str, Any] = {}
        if self.dialect == "sqlite":
            database = self.url.database or ""
            if database and database != ":memory:" and not database.startswith("file:"):
                _create_private_file(Path(database).expanduser())
            options["connect_args"] = {"check_same_thread": False, "timeout": busy_timeout_s}
        else:
            options["pool_pre_ping"] = True
        if not (self.dialect == "sqlite" and self.url.database in (None, "", ":memory:")):
            options.update(pool_size=pool_size, max_overflow=max_overflow)
        # Compact JSON (7 % fewer bytes for a 120-field snapshot); allow_nan=False makes a NaN that
        # slipped past json_safe an error instead of invalid JSON in the database.
        options["json_serializer"] = functools.partial(json.dumps, separators=(",", ":"), allow_nan=False)
        # Every score request reads a snapshot: orjson parses it in a fraction of json.loads' time,
        # into the same Python values (what is written never holds NaN, see above).
        options["json_deserializer"] = orjson.loads
        self._engine: Engine = create_engine(self.url, **options)
        if self.dialect == "sqlite":
            _configure_sqlite(self._engine, busy_timeout_ms=int(busy_timeout_s * 1000))
        # Write transactions: BEGIN IMMEDIATE on SQLite (see the module docstring).
        self._writer = self._engine.execution_options(sqlite_begin="IMMEDIATE")
        self._hasher = PasswordHasher()
        # gunicorn --preload forks workers after the app (and this store) is built: a child must
        # not reuse its parent's pooled connections, so it starts with an empty pool.
        engine_ref = weakref.ref(self._engine)
        os.register_at_fork(after_in_child=lambda: _forget_pool(engine_ref))

    @classmethod
    def open(cls, database_url: str, **options: Any) -> Store:
        """Connect and bring the schema to the newest revision (``alembic upgrade head``)."""
        store = cls(database_url, **options)
        try:
            store.upgrade()
        except BaseException:
            store.dispose()
            raise
        return store

    def upgrade(self, revision: str = "head") -> None:
        from alembic import command

        with self._writer.begin() as connection:
            if self.dialect == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
            command.upgrade(alembic_config(connection), revision)

    @functools.cached_property
    def _dummy_hash(self) -> str:
        # Verified against when the user does not exist, so both cases cost one Argon2 run.
        return self._hasher.hash(secrets.token_urlsafe(16))

    @property
    def engine(self) -> Engine:
        return self._engine

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self._engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    def dispose(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.dispose()

    def __repr__(self) -> str:
        return f"Store({self.url.render_as_string(hide_password=True)!r})"

    @contextmanager
    def _write(self) -> Iterator[Session]:
        with Session(self._writer, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self._engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def _query(self, *, one_statement: bool = False) -> Iterator[Connection]:
        # Hot reads (a score, a token check, a search) go through Core: an ORM session costs
        # about 0.7 ms more per request and these reads need no identity map. A read of one
        # statement needs no BEGIN/COMMIT on SQLite: one statement sees one snapshot anyway, and
        # the two round trips cost about a tenth of a millisecond per query.
        with self._engine.connect() as connection:
            if one_statement:
                connection.execution_options(sqlite_single_statement=True)
            with connection.begin():
                yield connection

    # --- clients ---------------------------------------------------------------------------------

    def create_client(
        self,
        client_id: int | None,
        fields: Mapping[str, Any],
        *,
        author: str,
        reason: str,
        probability_of_default: float | None,
        decision: str | None,
        model_version: str | None,
        in_training_set: bool = False,
        explanation: StoredExplanation | None = None,
    ) -> ClientVersion:
        """Store version 1 of a new client; ``client_id=None`` allocates a fresh id. An
        ``explanation`` of that score is stored with it, in the same transaction."""
        if client_id is not None:
            client_id = _check_client_id(client_id)
        snapshot = _snapshot(fields)
        author = _check_text("author", author, max_length=128)
        reason = _check_text("reason", reason, required=False)
        probability = _check_probability(probability_of_default)
        attempts = 1 if client_id is not None else 5
        for attempt in range(attempts):
            now = _now()
            try:
                with self._write() as session:
                    new_id = client_id if client_id is not None else self._next_client_id(session)
                    if session.get(Client, new_id) is not None:
                        raise DuplicateClient(new_id)
                    session.add(Client(
                        client_id=new_id, current_version=1, in_training_set=bool(in_training_set),
                        probability_of_default=probability, decision=decision, model_version=model_version,
                        created_at=now, updated_at=now, **_summary_columns(snapshot),
                    ))
                    session.flush()
                    session.add(ClientVersionRow(
                        client_id=new_id, version=1, fields=snapshot, changed_fields={}, author=author,
                        reason=reason, created_at=now, probability_of_default=probability,
                        decision=decision, model_version=model_version,
                    ))
                    if explanation is not None:
                        session.flush()
                        session.add(VersionExplanation(**_explanation_row(new_id, 1, explanation, now)))
                    session.add(_audit(author, "client_create", new_id, {"version": 1, "reason": reason}, now))
            except IntegrityError:
                # Another writer took this id between our check and our insert.
                if client_id is not None:
                    raise DuplicateClient(client_id) from None
                if attempt == attempts - 1:
                    raise
                continue
            return ClientVersion(
                client_id=new_id, version=1, fields=snapshot, changed_fields={}, author=author,
                reason=reason, created_at=now, probability_of_default=probability, decision=decision,
                model_version=model_version, in_training_set=bool(in_training_set),
            )
        raise AssertionError("unreachable")

    def _next_client_id(self, session: Session) -> int:
        highest = session.execute(select(func.max(Client.client_id))).scalar_one_or_none()
        return max(highest or 0, NEW_CLIENT_ID_FLOOR) + 1

    def exists(self, client_id: int) -> bool:
        client_id = _check_client_id(client_id)
        with self._query(one_statement=True) as connection:
            return connection.execute(_CLIENT_EXISTS, {"client_id": client_id}).first() is not None

    def current(self, client_id: int) -> ClientVersion:
        """The client's current version; :class:`UnknownClient` if there is none."""
        client_id = _check_client_id(client_id)
        with self._query(one_statement=True) as connection:
            found = connection.execute(_CURRENT_VERSION, {"client_id": client_id}).one_or_none()
        if found is None:
            raise UnknownClient(client_id)
        return _version_record(found)

    def current_explained(self, client_id: int, model_version: str) -> tuple[ClientVersion, StoredExplanation | None]:
        """The current version and its stored explanation under ``model_version`` (None if there
        is none), in one read; :class:`UnknownClient` if the client is not stored."""
        client_id = _check_client_id(client_id)
        with self._query(one_statement=True) as connection:
            found = connection.execute(
                _CURRENT_EXPLAINED, {"client_id": client_id, "model_version": model_version}).one_or_none()
        if found is None:
            raise UnknownClient(client_id)
        return _version_record(found), _joined_explanation(found, model_version)

    def current_explained_many(
        self, client_ids: Iterable[int], model_version: str
    ) -> dict[int, tuple[ClientVersion, StoredExplanation | None]]:
        """`current_explained` for many clients in a few queries (unknown ids are absent)."""
        wanted = sorted({_check_client_id(c) for c in client_ids})
        found: dict[int, tuple[ClientVersion, StoredExplanation | None]] = {}
        with self._query() as connection:
            for start in range(0, len(wanted), 900):  # under SQLite's bound-parameter limit
                statement = _CURRENT_EXPLAINED_ALL.where(_CLIENTS.c.client_id.in_(wanted[start:start + 900]))
                for row in connection.execute(statement, {"model_version": model_version}):
                    found[row.client_id] = (_version_record(row), _joined_explanation(row, model_version))
        return found

    def explanation(self, client_id: int, version: int, model_version: str) -> StoredExplanation | None:
        """One version's stored explanation under ``model_version``, or None."""
        statement = select(_EXPLANATIONS).where(
            _EXPLANATIONS.c.client_id == _check_client_id(client_id), _EXPLANATIONS.c.version == int(version),
            _EXPLANATIONS.c.model_version == model_version)
        with self._query(one_statement=True) as connection:
            row = connection.execute(statement).one_or_none()
        return None if row is None else _explanation_record(row)

    def explanations(self, client_id: int, model_version: str) -> dict[int, StoredExplanation]:
        """Every stored explanation of the client's versions under ``model_version``, by version."""
        statement = select(_EXPLANATIONS).where(_EXPLANATIONS.c.client_id == _check_client_id(client_id),
                                                _EXPLANATIONS.c.model_version == model_version)
        with self._query(one_statement=True) as connection:
            return {row.version: _explanation_record(row) for row in connection.execute(statement)}

    def save_explanations(self, explanations: Iterable[tuple[int, int, StoredExplanation]]) -> int:
        """Store (client_id, version, explanation) triples; one already stored for the same
        version and model is kept. Returns how many were new."""
        rows = [_explanation_row(client_id, version, explanation, _now())
                for client_id, version, explanation in explanations]
        if not rows:
            return 0
        insert_ = _dialect_insert(self.dialect)
        with self._writer.begin() as connection:
            result = connection.execute(
                insert_(_EXPLANATIONS).on_conflict_do_nothing(
                    index_elements=[_EXPLANATIONS.c.client_id, _EXPLANATIONS.c.version,
                                    _EXPLANATIONS.c.model_version]),
                rows)
        # Drivers that cannot count an executemany say -1: then every row is taken as new.
        return result.rowcount if result.rowcount is not None and result.rowcount >= 0 else len(rows)

    def unexplained_current(self, model_version: str, *, after: int = 0, limit: int = 1000) -> list[ClientVersion]:
        """Current versions without an explanation under ``model_version``, by client id from
        ``after`` (exclusive): the work list of ``explain-clients``, read a page at a time."""
        statement = (
            _CURRENT_VERSIONS
            .outerjoin(_EXPLANATIONS, and_(_EXPLANATIONS.c.client_id == _VERSIONS_TABLE.c.client_id,
                                           _EXPLANATIONS.c.version == _VERSIONS_TABLE.c.version,
                                           _EXPLANATIONS.c.model_version == model_version))
            .where(_EXPLANATIONS.c.client_id.is_(None), _CLIENTS.c.client_id > int(after))
            .order_by(_CLIENTS.c.client_id).limit(int(limit))
        )
        with self._query(one_statement=True) as connection:
            return [_version_record(row) for row in connection.execute(statement)]

    def count_unexplained_current(self, model_version: str) -> int:
        """How many current versions have no explanation under ``model_version``."""
        statement = (
            select(func.count()).select_from(_VERSIONS_TABLE)
            .join(_CLIENTS, and_(_CLIENTS.c.client_id == _VERSIONS_TABLE.c.client_id,
                                 _CLIENTS.c.current_version == _VERSIONS_TABLE.c.version))
            .outerjoin(_EXPLANATIONS, and_(_EXPLANATIONS.c.client_id == _VERSIONS_TABLE.c.client_id,
                                           _EXPLANATIONS.c.version == _VERSIONS_TABLE.c.version,
                                           _EXPLANATIONS.c.model_version == model_version))
            .where(_EXPLANATIONS.c.client_id.is_(None))
        )
        with self._query(one_statement=True) as connection:
            return int(connection.execute(statement).scalar_one())

    def current_many(self, client_ids: Iterable[int]) -> dict[int, ClientVersion]:
        """Current versions of many clients in a few queries (unknown ids are simply absent)."""
        wanted = sorted({_check_client_id(c) for c in client_ids})
        found: dict[int, ClientVersion] = {}
        with self._query() as connection:
            # Chunks stay under SQLite's bound-parameter limit.
            for start in range(0, len(wanted), 900):
                statement = _CURRENT_VERSIONS.where(_CLIENTS.c.client_id.in_(wanted[start:start + 900]))
                for row in connection.execute(statement):
                    found[row.client_id] = _version_record(row)
        return found

    def version(self, client_id: int, version: int) -> ClientVersion:
        """One stored version of a client."""
        client_id = _check_client_id(client_id)
        statement = _VERSIONS.where(_VERSIONS_TABLE.c.client_id == client_id,
                                    _VERSIONS_TABLE.c.version == int(version))
        with self._query(one_statement=True) as connection:
            found = connection.execute(statement).one_or_none()
        if found is None:
            raise UnknownClient(client_id)
        return _version_record(found)

    def history(self, client_id: int) -> list[ClientVersion]:
        """Every version of the client, oldest first."""
        client_id = _check_client_id(client_id)
        statement = _VERSIONS.where(_VERSIONS_TABLE.c.client_id == client_id).order_by(_VERSIONS_TABLE.c.version)
        with self._query(one_statement=True) as connection:
            rows = connection.execute(statement).all()
        if not rows:
            raise UnknownClient(client_id)
        return [_version_record(row) for row in rows]

    def append_version(
        self,
        client_id: int,
        *,
        expected_version: int,
        fields: Mapping[str, Any],
        author: str,
        reason: str,
        probability_of_default: float | None,
        decision: str | None,
        model_version: str | None,
        explanation: StoredExplanation | None = None,
    ) -> ClientVersion:
        """Write version ``expected_version + 1`` with the full snapshot ``fields``.

        Only if ``expected_version`` is still the current version, atomically: otherwise
        :class:`StaleVersion` and nothing is written. ``changed_fields`` is computed against the
        snapshot of ``expected_version``. An ``explanation`` of the new version's score is
        written in the same transaction.
        """
        client_id = _check_client_id(client_id)
        if isinstance(expected_version, bool) or not isinstance(expected_version, int) or expected_version < 1:
            raise ValueError(
                f"expected_version : entier ≥ 1 attendu, reçu {expected_version!r} / "
                f"expected_version: an integer ≥ 1 is expected, got {expected_version!r}"
            )
        snapshot = _snapshot(fields)
        author = _check_text("author", author, max_length=128)
        reason = _check_text("reason", reason)
        probability = _check_probability(probability_of_default)
        new_version = expected_version + 1
        try:
            with self._write() as session:
                previous = session.execute(
                    select(ClientVersionRow.fields).where(
                        ClientVersionRow.client_id == client_id, ClientVersionRow.version == expected_version
                    )
                ).scalar_one_or_none()
                if previous is None:
                    raise self._stale_or_unknown(session, client_id, expected_version)
                changed = changed_fields(previous, snapshot)
                now = _now()
                claimed = session.execute(
                    update(Client)
                    .where(Client.client_id == client_id, Client.current_version == expected_version)
                    .values(current_version=new_version, updated_at=now,
                            probability_of_default=probability, decision=decision,
                            model_version=model_version, **_summary_columns(snapshot))
                    .returning(Client.in_training_set)
                    .execution_options(synchronize_session=False)
                ).scalar_one_or_none()
                if claimed is None:
                    raise self._stale_or_unknown(session, client_id, expected_version)
                session.add(ClientVersionRow(
                    client_id=client_id, version=new_version, fields=snapshot, changed_fields=changed,
                    author=author, reason=reason, created_at=now, probability_of_default=probability,
                    decision=decision, model_version=model_version,
                ))
                if explanation is not None:
                    session.flush()
                    session.add(VersionExplanation(**_explanation_row(client_id, new_version, explanation, now)))
                session.add(_audit(author, "client_update", client_id, {
                    "version": new_version, "reason": reason, "changed": sorted(changed),
                }, now))
        except IntegrityError:
            # Only reachable if something bypassed the conditional update; still never a partial row.
            with self._read() as session:
                raise self._stale_or_unknown(session, client_id, expected_version) from None
        return ClientVersion(
            client_id=client_id, version=new_version, fields=snapshot, changed_fields=changed,
            author=author, reason=reason, created_at=now, probability_of_default=probability,
            decision=decision, model_version=model_version, in_training_set=bool(claimed),
        )

    def _stale_or_unknown(self, session: Session, client_id: int, expected: int) -> Exception:
        current = session.execute(
            select(Client.current_version).where(Client.client_id == client_id)
        ).scalar_one_or_none()
        if current is None:
            return UnknownClient(client_id)
        return StaleVersion(client_id, expected, current)

    def count_clients(self) -> int:
        with self._read() as session:
            return int(session.execute(select(func.count()).select_from(Client)).scalar_one())

    def search(self, query: str = "", *, limit: int = 20, offset: int = 0) -> tuple[int, list[ClientSummary]]:
        """(number of matches, one page of them), computed in the database.

        ``""``: most recently updated first. Digits: clients whose id starts with them, by id (the
        exact id first). Other text: every word must be part of the income type, occupation or
        contract type, by its code or its French or English name, accents and case ignored; most
        recently updated first. ``limit`` is clamped to 1..100. See scoring.store.search.
        """
        limit = min(max(_as_int("limit", limit), 1), SEARCH_LIMIT_MAX)
        offset = max(_as_int("offset", offset), 0)
        with self._query() as connection:
            return search_clients(connection, query, limit, offset)

    def bulk_load(
        self,
        clients: Iterable[NewClient],
        *,
        author: str = "load-clients",
        batch_size: int = 5000,
        progress: bool = True,
        total: int | None = None,
        description: str = "Chargement des clients / loading clients",
    ) -> tuple[int, int]:
        """Insert clients as version 1, skipping ids already stored: (inserted, skipped_existing).

        Idempotent: a second run inserts nothing. Each batch skips the ids already stored, then
        writes the clients rows, their version 1 and one audit event in one transaction, so an
        interrupted load can simply be run again.
        """
        author = _check_text("author", author, max_length=128)
        if batch_size < 1:
            raise ValueError("batch_size ≥ 1")
        if total is None and isinstance(clients, Sequence):
            total = len(clients)
        inserted = skipped = 0
        with progress_bar(progress, total, description) as advance:
            for batch in _batches(clients, batch_size):
                batch_inserted = self._load_batch(batch, author)
                inserted += batch_inserted
                skipped += len(batch) - batch_inserted
                advance(len(batch))
        if inserted:
            self._refresh_statistics()
        return inserted, skipped

    def _refresh_statistics(self) -> None:
        # Fresh planner statistics after a bulk load, so searches pick the right index.
        with self._writer.begin() as connection:
            connection.exec_driver_sql("ANALYZE clients")  # same statement on both backends

    def stored_ids(self, client_ids: Iterable[int]) -> set[int]:
        """The ids among ``client_ids`` that are stored (queried 5,000 at a time)."""
        ids = [_check_client_id(client_id) for client_id in client_ids]
        found: set[int] = set()
        with self._engine.connect() as connection:
            for start in range(0, len(ids), 5000):
                chunk = ids[start:start + 5000]
                if self.dialect == "postgresql":
                    # One array parameter: an IN list of 5,000 parameters is slow to parse and plan.
                    from sqlalchemy.dialects.postgresql import ARRAY

                    among = Client.client_id == any_(bindparam("ids", chunk, type_=ARRAY(BigInteger())))
                else:
                    among = Client.client_id.in_(chunk)
                found.update(connection.execute(select(Client.client_id).where(among)).scalars())
        return found

    def _load_batch(self, batch: list[NewClient], author: str) -> int:
        dialect_insert = _dialect_insert(self.dialect)
        ids = [_check_client_id(client.client_id) for client in batch]
        # Skip stored clients before building their rows: a rerun then costs one query a batch.
        stored = self.stored_ids(ids)
        now = _now()
        client_rows: dict[int, dict[str, Any]] = {}
        version_rows: dict[int, dict[str, Any]] = {}
        for client, client_id in zip(batch, ids, strict=True):
            if client_id in client_rows or client_id in stored:
                continue
            snapshot = _snapshot(client.fields)
            probability = _check_probability(client.probability_of_default)
            common = {"probability_of_default": probability, "decision": client.decision,
                      "model_version": client.model_version}
            client_rows[client_id] = {
                "client_id": client_id, "current_version": 1, "in_training_set": bool(client.in_training_set),
                "created_at": now, "updated_at": now, **common, **_summary_columns(snapshot),
            }
            version_rows[client_id] = {
                "client_id": client_id, "version": 1, "fields": snapshot, "changed_fields": {},
                "author": author, "reason": INITIAL_LOAD_REASON, "created_at": now, **common,
            }
        if not client_rows:
            return 0
        clients_table, versions_table = Client.__table__, ClientVersionRow.__table__
        # Plain executemany (psycopg pipelines it): a RETURNING clause here made PostgreSQL
        # inserts six times slower. ON CONFLICT DO NOTHING on both tables covers a concurrent
        # loader inserting the same ids after the check above; each client row and its
        # version 1 are written in one transaction either way.
        with self._writer.begin() as connection:
            connection.execute(
                dialect_insert(clients_table).on_conflict_do_nothing(index_elements=[clients_table.c.client_id]),
                list(client_rows.values()),
            )
            connection.execute(
                dialect_insert(versions_table).on_conflict_do_nothing(
                    index_elements=[versions_table.c.client_id, versions_table.c.version]),
                list(version_rows.values()),
            )
            connection.execute(AuditEvent.__table__.insert(), [{
                "created_at": now, "actor": author, "action": "client_bulk_load", "client_id": None,
                "detail": {"inserted": len(client_rows), "first_id": min(client_rows),
                           "last_id": max(client_rows)},
            }])
        return len(client_rows)

    # --- users and tokens ------------------------------------------------------------------------

    def add_user(self, name: str, role: str, password: str, *, actor: str = "system") -> User:
        """Create a user with an Argon2id password hash."""
        name = _check_user_name(name)
        if role not in ROLES:
            raise ValueError(
                f"rôle {role!r} inconnu, attendu l'un de {', '.join(ROLES)} / unknown role "
                f"{role!r}, expected one of {', '.join(ROLES)}"
            )
        _check_password(password)
        password_hash = self._hasher.hash(password)
        now = _now()
        try:
            with self._write() as session:
                if session.get(UserRow, name) is not None:
                    raise UserExists(name)
                session.add(UserRow(name=name, role=role, password_hash=password_hash, created_at=now))
                session.add(_audit(actor, "user_add", None, {"user": name, "role": role}, now))
        except IntegrityError:
            raise UserExists(name) from None
        return User(name=name, role=role, created_at=now)

    def authenticate(self, name: str, password: str, address: str = UNKNOWN_ADDRESS) -> User | None:
        """The user if ``password`` is theirs, else None (same work whether the name exists or not).

        Before any hashing, :class:`LoginThrottled` is raised while the login policy asks this
        name, this address, or this name from this address to wait (increasing waits, never a
        lock; see scoring.store.login_throttle), and :class:`LoginBusy` while this process already
        runs as many password checks as it allows. Every checked attempt goes to the audit trail
        (``login`` / ``login_failed``, with the address) and to the throttling counts."""
        if not isinstance(name, str) or not isinstance(password, str):
            return None
        # Recorded printable: a name or an address is whatever was typed or sent (a NUL would
        # also be refused by PostgreSQL), and no user name holds such characters anyway.
        actor = escape_controls(name)[:128]
        address = escape_controls(address or UNKNOWN_ADDRESS)[:64]
        if actor != name:
            name = ""  # no such user: the dummy hash is checked, as for any unknown name
        with self._check_slots.admit(actor):
            with self._query() as connection:
                check_attempts(connection, self.login_policy, actor, address, _now())
            with self._read() as session:
                row = session.get(UserRow, name)
                stored = row.password_hash if row is not None else self._dummy_hash
                user = _user_record(row) if row is not None else None
            with self._check_slots.run(actor):
                try:
                    self._hasher.verify(stored, password)
                    matched = user is not None
                except (VerifyMismatchError, VerificationError, InvalidHashError):
                    matched = False
            self._record_login(actor, address, succeeded=matched)
        if not matched:
            return None
        if self._hasher.check_needs_rehash(stored):
            with self._write() as session:
                session.execute(update(UserRow).where(UserRow.name == name)
                                .values(password_hash=self._hasher.hash(password)))
        return user

    def password_matches(self, name: str, password: str) -> bool:
        """Whether ``password`` is this user's, for the operator's own tools (no throttling, no
        audit line: `credit-scoring serve` checks the demo credentials file it wrote)."""
        with self._read() as session:
            row = session.get(UserRow, name) if isinstance(name, str) else None
            if row is None or not isinstance(password, str):
                return False
            stored = row.password_hash
        try:
            return bool(self._hasher.verify(stored, password))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def _record_login(self, actor: str, address: str, *, succeeded: bool) -> None:
        now = _now()
        with self._write() as session:
            session.add(_audit(actor, "login" if succeeded else "login_failed", None, {"address": address}, now))
            session.add(attempt_row(actor, address, succeeded, now))
            # Now and then, drop attempts no window looks at any more (about one login in 100).
            if secrets.randbelow(100) == 0:
                session.execute(prune_attempts(self.login_policy, now))

    def set_password(self, name: str, password: str, *, actor: str = "system") -> None:
        """A new password for ``name``; every dashboard session of theirs ends."""
        _check_password(password)
        password_hash = self._hasher.hash(password)
        now = _now()
        with self._write() as session:
            changed = session.execute(update(UserRow).where(UserRow.name == name)
                                      .values(password_hash=password_hash)).rowcount
            if not changed:
                raise UnknownUser(str(name))
            session.execute(sessions.end_user_statement(name))
            session.add(_audit(actor, "password_change", None, {"user": name}, now))

    def remove_user(self, name: str, *, actor: str = "system") -> None:
        """Remove ``name``: their sessions end and their API tokens go (the audit trail keeps
        who they were and what they did)."""
        now = _now()
        with self._write() as session:
            if session.get(UserRow, name) is None:
                raise UnknownUser(str(name))
            session.execute(sessions.end_user_statement(name))
            session.execute(delete(ApiToken).where(ApiToken.user_name == name))
            session.execute(delete(UserRow).where(UserRow.name == name))
            session.add(_audit(actor, "user_remove", None, {"user": name}, now))

    # --- dashboard sessions ----------------------------------------------------------------------

    def open_session(self, user_name: str) -> str:
        """A new dashboard session for ``user_name``: the id to put in the cookie."""
        session_id, digest = sessions.new_session_id()
        now = _now()
        with self._write() as session:
            session.add(sessions.session_row(digest, user_name, now))
            # Now and then, drop sessions nobody can use any more (about one login in 20).
            if secrets.randbelow(20) == 0:
                session.execute(sessions.prune_statement(self.session_policy, now))
        return session_id

    def session_user(self, session_id: str) -> User | None:
        """The user of a live session, else None (unknown, ended, idle or too old)."""
        if not isinstance(session_id, str) or not session_id:
            return None
        digest = sessions.session_digest(session_id)
        now = _now()
        with self._query(one_statement=True) as connection:
            user, state = sessions.live_session_user(connection, self.session_policy, digest, now)
        if state == "touch":
            with self._write() as session:
                session.execute(sessions.touch_statement(digest, now))
        elif state == "expired":
            with self._write() as session:
                session.execute(sessions.end_statement(digest))
        return user

    def end_session(self, session_id: str) -> None:
        if isinstance(session_id, str) and session_id:
            with self._write() as session:
                session.execute(sessions.end_statement(sessions.session_digest(session_id)))

    def get_user(self, name: str) -> User:
        with self._read() as session:
            row = session.get(UserRow, name) if isinstance(name, str) else None
            if row is None:
                raise UnknownUser(str(name))
            return _user_record(row)

    def list_users(self) -> list[User]:
        with self._read() as session:
            return [_user_record(row) for row in session.scalars(select(UserRow).order_by(UserRow.name))]

    def create_token(self, user_name: str, *, label: str = "", actor: str | None = None) -> tuple[str, str]:
        """A new API token for the user: (token id, token). Only its SHA-256 is stored."""
        label = _check_text("label", label, required=False, max_length=200)
        token_id = secrets.token_hex(8)
        token = f"{TOKEN_PREFIX}_{token_id}_{secrets.token_urlsafe(32)}"
        now = _now()
        with self._write() as session:
            if session.get(UserRow, user_name) is None:
                raise UnknownUser(user_name)
            session.add(ApiToken(id=token_id, user_name=user_name, token_hash=_token_digest(token),
                                 label=label, created_at=now, revoked_at=None))
            session.add(_audit(actor or user_name, "token_create", None,
                               {"token_id": token_id, "user": user_name, "label": label}, now))
        return token_id, token

    def user_for_token(self, token: str) -> User | None:
        """The user a live token belongs to, or None (unknown, malformed or revoked)."""
        token_id = _token_id(token)
        if token_id is None:
            return None
        with self._query(one_statement=True) as connection:
            found = connection.execute(_TOKEN_USER, {"token_id": token_id}).one_or_none()
        user = _user_record(found) if found is not None else None
        digest = _token_digest(token)
        if found is None:
            hmac.compare_digest(digest, digest)  # same work as a real comparison
            return None
        if not hmac.compare_digest(found[0], digest) or found[1] is not None:
            return None
        return user

    def revoke_token(self, token_or_id: str, *, actor: str = "system") -> bool:
        """Revoke by full token or by token id; False if unknown or already revoked."""
        if not isinstance(token_or_id, str):
            return False
        token_id = _token_id(token_or_id)
        condition = [ApiToken.revoked_at.is_(None)]
        if token_id is not None:
            condition += [ApiToken.id == token_id, ApiToken.token_hash == _token_digest(token_or_id)]
        else:
            condition.append(ApiToken.id == token_or_id.strip())
        now = _now()
        with self._write() as session:
            revoked = session.execute(
                update(ApiToken).where(*condition).values(revoked_at=now).returning(ApiToken.id)
                .execution_options(synchronize_session=False)
            ).scalar_one_or_none()
            if revoked is not None:
                session.add(_audit(actor, "token_revoke", None, {"token_id": revoked}, now))
        return revoked is not None

    def list_tokens(self, user_name: str | None = None) -> list[dict[str, Any]]:
        """Tokens without their hashes: id, user, label, created_at, revoked_at."""
        statement = select(ApiToken).order_by(ApiToken.created_at)
        if user_name is not None:
            statement = statement.where(ApiToken.user_name == user_name)
        with self._read() as session:
            return [{
                "id": row.id, "user": row.user_name, "label": row.label,
                "created_at": row.created_at.isoformat(),
                "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
            } for row in session.scalars(statement)]

    def ensure_admin(self, password: str | None = None) -> tuple[str, str] | None:
        """On an empty user table, create "admin" with ``password`` (random when None) and return
        its name and password, once. The caller decides where the password goes (never a log:
        see scoring.credentials)."""
        with self._read() as session:
            if session.execute(select(func.count()).select_from(UserRow)).scalar_one() > 0:
                return None
        password = password or secrets.token_urlsafe(15)
        try:
            self.add_user("admin", "admin", password, actor="system")
        except UserExists:
            return None
        return "admin", password

    # --- audit -----------------------------------------------------------------------------------

    def audit_events(self, *, client_id: int | None = None, limit: int = 100) -> list[AuditEntry]:
        """Most recent audit events first, optionally for one client."""
        statement = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(min(max(int(limit), 1), 1000))
        if client_id is not None:
            statement = statement.where(AuditEvent.client_id == int(client_id))
        with self._read() as session:
            return [AuditEntry(row.created_at, row.actor, row.action, row.client_id, dict(row.detail))
                    for row in session.scalars(statement)]


# --- helpers -------------------------------------------------------------------------------------


def _configure_sqlite(engine: Engine, *, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver must not open transactions itself: the "begin" hook below does it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        options = connection.get_execution_options()
        if options.get("sqlite_single_statement"):
            return
        mode = options.get("sqlite_begin", "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())


def _forget_pool(engine_ref: weakref.ref[Engine]) -> None:
    engine = engine_ref()
    if engine is not None:
        engine.dispose(close=False)  # leave the parent's connections open, for the parent


def _now() -> datetime:
    return datetime.now(UTC)


def _audit(actor: str, action: str, client_id: int | None, detail: dict[str, Any], now: datetime) -> AuditEvent:
    return AuditEvent(created_at=now, actor=actor, action=action, client_id=client_id, detail=json_safe(detail))


def _check_client_id(client_id: Any) -> int:
    try:
        # operator.index accepts Python and numpy integers, and refuses floats and text.
        value = None if isinstance(client_id, bool) else operator.index(client_id)
    except TypeError:
        value = None
    if value is None or not 0 <= value <= MAX_CLIENT_ID:
        raise ValueError(
            f"client_id : entier positif attendu, reçu {client_id!r} / client_id: a non-negative "
            f"integer is expected, got {client_id!r}"
        )
    return int(value)


def _check_text(name: str, value: Any, *, required: bool = True, max_length: int | None = None) -> str:
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValueError(f"{name} : texte non vide attendu / {name}: a non-empty text is expected")
    if max_length is not None and len(value) > max_length:
        raise ValueError(
            f"{name} : {max_length} caractères au plus / {name}: at most {max_length} characters"
        )
    if (refused := refused_character(value)) is not None:
        raise ValueError(f"{name} : caractère de contrôle ou de mise en forme {refused} refusé / {name}: "
                         f"control or format character {refused} refused")
    return value


def _check_password(password: Any) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(
            f"mot de passe trop court : au moins {MIN_PASSWORD_LENGTH} caractères / password "
            f"too short: at least {MIN_PASSWORD_LENGTH} characters"
        )


def _create_private_file(path: Path) -> None:
    """Create a new SQLite file readable by its owner only (SQLite would create it 644 and gives
    its -wal and -shm files the database file's mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _check_user_name(name: Any) -> str:
    if not isinstance(name, str) or not _USER_NAME.fullmatch(name):
        raise ValueError(
            f"nom d'utilisateur {name!r} invalide : 1 à 64 caractères parmi lettres, chiffres, . _ @ - "
            f"/ invalid user name {name!r}: 1 to 64 letters, digits or . _ @ -"
        )
    return name


def _check_probability(value: Any) -> float | None:
    value = json_safe(value)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise ValueError(
            f"probability_of_default : nombre entre 0 et 1 attendu, reçu {value!r} / "
            f"probability_of_default: a number between 0 and 1 is expected, got {value!r}"
        )
    return float(value)


def _as_int(name: str, value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} : entier attendu / {name}: an integer is expected") from None


def _snapshot(fields: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(fields, Mapping):
        raise ValueError("fields : dictionnaire attendu / fields: a mapping is expected")
    # Flat snapshots of plain values are the common case (bulk loads: 120 fields x 48,744
    # clients); check them inline and leave the rest to json_safe.
    snapshot: dict[str, Any] = {}
    for name, value in fields.items():
        kind = type(value)
        if kind is float:
            snapshot[str(name)] = value if value - value == 0.0 else None  # NaN and ±inf fail this
        elif value is None or kind is str or kind is int or kind is bool:
            snapshot[str(name)] = value
        else:
            snapshot[str(name)] = json_safe(value)
    return snapshot


def changed_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """{field: {"old": …, "new": …}} for every field whose value differs (absent counts as None)."""
    changes: dict[str, dict[str, Any]] = {}
    for name in [*new, *(key for key in old if key not in new)]:
        before, after = old.get(name), new.get(name)
        # 1 == True in Python, but a flag turned into a number is a change worth showing.
        if before != after or isinstance(before, bool) != isinstance(after, bool):
            changes[name] = {"old": before, "new": after}
    return changes


def _summary_columns(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "contract_type": _as_text(snapshot.get("NAME_CONTRACT_TYPE")),
        "income_type": _as_text(snapshot.get("NAME_INCOME_TYPE")),
        "occupation_type": _as_text(snapshot.get("OCCUPATION_TYPE")),
        "amt_income_total": _as_float(snapshot.get("AMT_INCOME_TOTAL")),
        "amt_credit": _as_float(snapshot.get("AMT_CREDIT")),
        "days_birth": _as_whole(snapshot.get("DAYS_BIRTH")),
    }


def _as_text(value: Any) -> str | None:
    return value[:64] if isinstance(value, str) else None


def _as_float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _as_whole(value: Any) -> int | None:
    number = _as_float(value)
    if number is None or not number.is_integer() or abs(number) > MAX_CLIENT_ID:
        return None
    return int(number)


def _dialect_insert(dialect: str) -> Any:
    """The dialect's INSERT (both have ON CONFLICT DO NOTHING)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _explanation_row(client_id: int, version: int, explanation: StoredExplanation, now: datetime) -> dict[str, Any]:
    if not isinstance(explanation, StoredExplanation):
        raise TypeError(f"StoredExplanation attendu / expected, got {type(explanation).__name__}")
    return {"client_id": _check_client_id(client_id), "version": int(version),
            "model_version": _check_text("model_version", explanation.model_version, max_length=128),
            "base_value": float(explanation.base_value), "contributions": explanation.contributions,
            "feature_values": explanation.feature_values, "created_at": now}


def _joined_explanation(row: Any, model_version: str) -> StoredExplanation | None:
    """The explanation columns of a `_CURRENT_EXPLAINED` row (None when the outer join found none)."""
    if row.explanation_contributions is None:
        return None
    return StoredExplanation(model_version=model_version, base_value=row.explanation_base_value,
                             contributions=bytes(row.explanation_contributions),
                             feature_values=bytes(row.explanation_feature_values))


def _explanation_record(row: Any) -> StoredExplanation:
    return StoredExplanation(model_version=row.model_version, base_value=row.base_value,
                             contributions=bytes(row.contributions), feature_values=bytes(row.feature_values))


def _version_record(row: Any) -> ClientVersion:
    """A version from a Core row of `_VERSIONS` (client_versions columns plus in_training_set)."""
    return ClientVersion(
        client_id=row.client_id, version=row.version, fields=dict(row.fields),
        changed_fields=dict(row.changed_fields), author=row.author, reason=row.reason,
        created_at=as_utc(row.created_at), probability_of_default=row.probability_of_default,
        decision=row.decision, model_version=row.model_version, in_training_set=bool(row.in_training_set),
    )


def _user_record(row: Any) -> User:
    return User(name=row.name, role=row.role, created_at=as_utc(row.created_at))


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _token_id(token: Any) -> str | None:
    if not isinstance(token, str):
        return None
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not re.fullmatch(r"[0-9a-f]{16}", parts[1]) or not parts[2]:
        return None
    return parts[1]


def _batches(items: Iterable[NewClient], size: int) -> Iterator[list[NewClient]]:
    batch: list[NewClient] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@contextmanager
def progress_bar(enabled: bool, total: int | None, description: str) -> Iterator[Any]:
    """A rich progress bar on stderr, as a context giving ``advance(amount)`` (a no-op when off)."""
    if not enabled:
        yield lambda _amount: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), TimeRemainingColumn(), console=Console(stderr=True),
    ) as bar:
        task = bar.add_task(description, total=total)
        yield lambda amount: bar.advance(task, amount)
