"""Store fixtures: every store test runs on SQLite and on PostgreSQL, each on a fresh database."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from scoring.store import Store

try:
    from tests.postgres import postgres_database_url, postgres_server
except ModuleNotFoundError:  # a bare `pytest` does not put the repository root on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.postgres import postgres_database_url, postgres_server  # noqa: F401 (fixtures)

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of an empty database: a SQLite file, or a new database on the test PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("postgres_database_url"))


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    opened = Store.open(database_url, max_overflow=60)
    yield opened
    opened.dispose()


def application(**overrides: object) -> dict[str, object]:
    """A small application snapshot; the store keeps whatever fields it is given."""
    fields: dict[str, object] = {
        "NAME_CONTRACT_TYPE": "Cash loans",
        "CODE_GENDER": "F",
        "AMT_INCOME_TOTAL": 135000.0,
        "AMT_CREDIT": 568800.0,
        "AMT_ANNUITY": 20560.5,
        "NAME_INCOME_TYPE": "Working",
        "DAYS_BIRTH": -19241,
        "OCCUPATION_TYPE": "Laborers",
        "EXT_SOURCE_1": None,
    }
    fields.update(overrides)
    return fields
