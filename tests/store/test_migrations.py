"""The Alembic revisions build exactly the schema of the models, on both backends."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from scoring.store import Store
from scoring.store.models import Base
from scoring.store.store import alembic_config


def schema_differences(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def test_upgrade_head_on_an_empty_database_gives_the_models_schema(database_url: str) -> None:
    store = Store.open(database_url)
    store.dispose()
    assert schema_differences(Store(database_url).url.render_as_string(hide_password=False)) == []


def test_open_twice_is_a_no_op_and_records_the_head_revision(database_url: str) -> None:
    Store.open(database_url).dispose()
    store = Store.open(database_url)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with store.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head
    store.dispose()


def test_downgrade_to_base_removes_every_table_and_upgrade_restores_them(database_url: str) -> None:
    store = Store.open(database_url)
    with store.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert set(inspect(store.engine).get_table_names()) <= {"alembic_version"}
    store.upgrade()
    assert {"clients", "client_versions", "users", "api_tokens", "audit_events"} <= set(
        inspect(store.engine).get_table_names()
    )
    store.dispose()


def test_sqlite_store_runs_in_wal_mode_with_foreign_keys(tmp_path: object) -> None:
    store = Store.open(f"sqlite:///{tmp_path}/nested/dir/store.db")
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    assert store.ping() is True
    store.dispose()


def test_store_as_a_context_manager_closes_its_connections(tmp_path: object) -> None:
    with Store.open(f"sqlite:///{tmp_path}/store.db") as store:
        assert store.count_clients() == 0
        assert store.engine.pool.checkedin() == 1
    assert store.engine.pool.checkedin() == 0


def test_ping_is_false_when_the_database_cannot_be_reached() -> None:
    store = Store("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert store.ping() is False
    store.dispose()


def test_postgres_urls_without_a_driver_use_psycopg() -> None:
    assert Store("postgres://u:p@host/db").url.drivername == "postgresql+psycopg"
    assert Store("postgresql://u@host/db").url.drivername == "postgresql+psycopg"


def test_a_new_sqlite_store_file_is_readable_by_its_owner_only(tmp_path: object) -> None:
    path = Path(str(tmp_path)) / "private" / "store.db"
    with Store.open(f"sqlite:///{path}") as store:
        store.add_user("alice", "viewer", "correct horse battery")  # the WAL files exist now
        for file in (path, path.with_name("store.db-wal"), path.with_name("store.db-shm")):
            if file.exists():
                assert oct(file.stat().st_mode & 0o777) == "0o600", file
