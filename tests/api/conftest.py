"""A real app for the API tests: the session's trained artifact, a fresh store (SQLite file, or
PostgreSQL where a test asks for it) loaded with the synthetic clients, users of every role and
their tokens. No mocks: requests go through Flask's test client into the real service."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
from flask.testing import FlaskClient

from app import create_app
from scoring.service import ScoringService
from scoring.settings import Settings
from scoring.store import Store
from scoring.store_cli import application_clients
from tests.postgres import postgres_database_url, postgres_server  # noqa: F401 (fixtures)

CLIENTS_LOADED = 400


@pytest.fixture(scope="session")
def service(trained_artifact: Path) -> ScoringService:
    return ScoringService.from_artifact(trained_artifact)


@pytest.fixture(scope="session")
def test_applications(synthetic_tables: dict[str, pl.LazyFrame]) -> pl.DataFrame:
    return synthetic_tables["application_test"].head(CLIENTS_LOADED).collect()


@pytest.fixture(scope="session")
def train_applications(synthetic_tables: dict[str, pl.LazyFrame]) -> pl.DataFrame:
    return synthetic_tables["application_train"].head(100).collect()


@dataclass
class ApiWorld:
    server: object
    client: FlaskClient
    store: Store
    service: ScoringService
    tokens: dict[str, str]
    client_ids: list[int]
    training_ids: list[int]

    def headers(self, role: str = "advisor", **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}", **extra}


def build_world(database_url: str, data_dir: Path, trained_artifact: Path, service: ScoringService,
                test_applications: pl.DataFrame, train_applications: pl.DataFrame) -> ApiWorld:
    store = Store.open(database_url, max_overflow=60)
    scores = service.score_frame(test_applications)
    store.bulk_load(application_clients(test_applications, scores, in_training_set=False,
                                        model_version=service.artifact.version), progress=False)
    store.bulk_load(application_clients(train_applications.drop("TARGET"), None, in_training_set=True,
                                        model_version=None), progress=False)
    settings = Settings(data_dir=data_dir, artifact_dir=trained_artifact, secret_key="test-secret")
    server = create_app(settings, dashboard=False, store=store)
    tokens = {}
    for role in ("viewer", "advisor", "admin"):
        name = f"{role}-user"
        if role != "admin":
            store.add_user(name, role, "correct horse battery")
        else:
            store.add_user(name, "admin", "correct horse battery")
        tokens[role] = store.create_token(name)[1]
    return ApiWorld(server, server.test_client(), store, server.extensions["scoring_service"], tokens,
                    test_applications["SK_ID_CURR"].to_list(), train_applications["SK_ID_CURR"].to_list())


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, trained_artifact: Path, service: ScoringService,
          test_applications: pl.DataFrame, train_applications: pl.DataFrame) -> Iterator[ApiWorld]:
    directory = tmp_path_factory.mktemp("api")
    built = build_world(f"sqlite:///{directory / 'store.db'}", directory, trained_artifact, service,
                        test_applications, train_applications)
    yield built
    built.store.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_world(request: pytest.FixtureRequest, tmp_path: Path, trained_artifact: Path, service: ScoringService,
                test_applications: pl.DataFrame, train_applications: pl.DataFrame) -> Iterator[ApiWorld]:
    """A world of its own per test, on each backend (for the concurrency tests)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = str(request.getfixturevalue("postgres_database_url"))
    built = build_world(url, tmp_path, trained_artifact, service, test_applications.head(20),
                        train_applications.head(5))
    yield built
    built.store.dispose()
