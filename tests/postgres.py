"""A throwaway PostgreSQL server for the tests, and a fresh database per test.

Shared by every test package that needs PostgreSQL (import from here; do not copy):

    from tests.postgres import postgres_server, postgres_database_url  # noqa: F401 (fixtures)

- ``TEST_DATABASE_URL_PG`` set (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``):
  the tests use that server; each test gets its own ``test_<uuid>`` database on it.
- Otherwise a cluster is created in a temporary directory with Debian's binaries
  (``/usr/lib/postgresql/*/bin``), on 127.0.0.1 and a free port, with trust authentication, and
  removed when the test process ends. ``initdb`` refuses to run as root, so as root the server
  runs as the ``postgres`` user (``runuser``); the tests themselves stay root.
- No binaries: the PostgreSQL tests are skipped with the reason, except when ``CI`` is set, where
  they fail: CI must exercise both backends.

One cluster per test process, whichever conftest asks first (module-level cache).
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.net import free_port

ENV_URL = "TEST_DATABASE_URL_PG"
ENV_BIN_DIR = "TEST_POSTGRES_BIN_DIR"
SERVER_USER = "postgres"


class PostgresUnavailable(RuntimeError):
    """No server given and none can be started here."""


def postgres_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's bin directory (Debian layout), or PATH's initdb.

    ``TEST_POSTGRES_BIN_DIR`` names another directory (None if it holds no initdb)."""
    explicit = os.environ.get(ENV_BIN_DIR)
    if explicit is not None:
        return Path(explicit) if (Path(explicit) / "initdb").is_file() else None
    def major(initdb: str) -> int:
        name = Path(initdb).parent.parent.name
        return int(name) if name.isdigit() else 0

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=major)
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


@dataclass
class PostgresServer:
    """Where to reach a server: a SQLAlchemy URL to its maintenance database."""

    admin_url: str
    directory: Path | None = None
    bin_dir: Path | None = None
    as_user: str | None = None
    _version: int | None = None

    def database_url(self, name: str) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def create_database(self) -> str:
        """Create an empty ``test_<uuid>`` database and return its URL."""
        name = f"test_{uuid.uuid4().hex}"
        # FILE_COPY (PostgreSQL 15+) is faster than the default WAL_LOG copy for a tiny template.
        strategy = " STRATEGY FILE_COPY" if self._server_version() >= 150000 else ""
        self._execute(f'CREATE DATABASE "{name}"{strategy}')
        return self.database_url(name)

    def drop_database(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        name = make_url(url).database
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _server_version(self) -> int:
        if self._version is None:
            with self._connect() as connection:
                self._version = int(connection.info.server_version)
        return self._version

    def _execute(self, statement: str) -> None:
        with self._connect() as connection:
            connection.execute(statement)

    def _connect(self) -> Any:
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(self.admin_url)
        return psycopg.connect(
            host=url.host, port=url.port, user=url.username, password=url.password,
            dbname=url.database or "postgres", autocommit=True,
        )

    def stop(self) -> None:
        if self.directory is None or self.bin_dir is None:
            return
        command = [str(self.bin_dir / "pg_ctl"), "-D", str(self.directory), "-m", "immediate", "-w", "stop"]
        subprocess.run(_as_server_user(command, self.as_user), capture_output=True, check=False)
        # The cluster lives in DIR/data beside DIR/server.log and the socket: remove DIR.
        shutil.rmtree(self.directory.parent, ignore_errors=True)
        self.directory = None


def _as_server_user(command: list[str], user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--", *command] if user else command


def start_postgres() -> PostgresServer:
    """Start a private cluster (about 1.5 s); raises PostgresUnavailable with the reason."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        raise PostgresUnavailable(
            "PostgreSQL n'est pas installé (initdb introuvable dans /usr/lib/postgresql/*/bin) / "
            "PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin): "
            "`apt-get install -y postgresql`, or set TEST_DATABASE_URL_PG"
        )
    as_user = None
    directory = Path(tempfile.mkdtemp(prefix="pg-test-"))
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam(SERVER_USER)
        except KeyError:
            raise PostgresUnavailable(
                f"running as root and there is no {SERVER_USER!r} user to run the server"
            ) from None
        os.chown(directory, account.pw_uid, account.pw_gid)
        as_user = SERVER_USER
    data = directory / "data"
    initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "--no-sync",
              "--encoding=UTF8", "--locale=C"]
    done = subprocess.run(_as_server_user(initdb, as_user), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        shutil.rmtree(directory, ignore_errors=True)
        raise PostgresUnavailable(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")
    port = free_port()
    # -F: no fsync (throwaway data); the socket lives in the private directory, not /var/run.
    options = f"-p {port} -k {directory} -h 127.0.0.1 -F -c max_connections=200"
    start = [str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-t", "60", "-l", str(directory / "server.log"),
             "-o", options, "start"]
    done = subprocess.run(_as_server_user(start, as_user), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        log = (directory / "server.log").read_text(errors="replace") if (directory / "server.log").exists() else ""
        shutil.rmtree(directory, ignore_errors=True)
        raise PostgresUnavailable(f"pg_ctl start failed: {done.stderr.strip()} {log[-2000:]}")
    return PostgresServer(
        admin_url=f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres",
        directory=data, bin_dir=bin_dir, as_user=as_user,
    )


_lock = threading.Lock()
_server: PostgresServer | None = None
_failure: str | None = None


def shared_postgres() -> PostgresServer:
    """The process-wide server: TEST_DATABASE_URL_PG's, or a cluster started on first use."""
    global _server, _failure
    with _lock:
        if _server is not None:
            return _server
        if _failure is not None:
            raise PostgresUnavailable(_failure)
        given = os.environ.get(ENV_URL)
        if given:
            from scoring.store import normalize_database_url

            _server = PostgresServer(admin_url=normalize_database_url(given).render_as_string(hide_password=False))
            return _server
        try:
            _server = start_postgres()
        except PostgresUnavailable as error:
            _failure = str(error)
            raise
        atexit.register(_server.stop)
        return _server


@pytest.fixture(scope="session")
def postgres_server() -> PostgresServer:
    """The PostgreSQL server of this test run; skips (fails under CI) when there is none."""
    try:
        return shared_postgres()
    except PostgresUnavailable as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so PostgreSQL tests must run: {error}")
        pytest.skip(str(error))


@pytest.fixture
def postgres_database_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A new, empty database for one test, dropped afterwards."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)
