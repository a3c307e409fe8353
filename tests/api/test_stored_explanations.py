"""Stored explanations: a version explained when it is written (or by `explain-clients`) reads out
exactly what the live TreeSHAP path gives, on SQLite and PostgreSQL; a new model or a missing
row falls back to the live path, never to a stale answer."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from scoring.explanation_codec import ExplanationCodec
from scoring.service import ScoringService
from scoring.store import Store
from scoring.store_cli import application_clients
from scoring.store_cli import main as store_main
from tests.postgres import postgres_database_url, postgres_server  # noqa: F401 (fixtures)

CLIENTS = 60


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("postgres_database_url"))


@pytest.fixture
def scored_store(database_url: str, service: ScoringService, test_applications: pl.DataFrame,
                 train_applications: pl.DataFrame) -> Iterator[tuple[Store, ScoringService]]:
    store = Store.open(database_url)
    applications = test_applications.head(CLIENTS)
    store.bulk_load(application_clients(applications, service.score_frame(applications), in_training_set=False,
                                        model_version=service.artifact.version), progress=False)
    store.bulk_load(application_clients(train_applications.head(10).drop("TARGET"), None, in_training_set=True,
                                        model_version=None), progress=False)
    yield store, ScoringService(service.artifact, store)
    store.dispose()


def all_ids(store: Store) -> list[int]:
    return sorted(s.client_id for s in store.search("", limit=100)[1])


# 7 rows: the row path and one thread; 1,000: polars' columnar path and every core.
@pytest.mark.parametrize("batch_size", [7, 1000])
def test_stored_explanations_read_out_exactly_as_the_live_path(scored_store, batch_size: int) -> None:
    store, service = scored_store
    ids = all_ids(store)
    live = {i: (service.score_client(i).to_dict("fr"), service.score_client(i).to_dict("en")) for i in ids}
    assert all(store.explanation(i, 1, service.artifact.version) is None for i in ids)

    explained, left_live = service.explain_stored_clients(batch_size=batch_size)

    assert (explained, left_live) == (len(ids), 0)
    assert all(store.explanation(i, 1, service.artifact.version) is not None for i in ids)
    for i in ids:
        assert (service.score_client(i).to_dict("fr"), service.score_client(i).to_dict("en")) == live[i]


def test_explaining_again_does_only_what_is_missing(scored_store) -> None:
    store, service = scored_store
    assert service.explain_stored_clients()[0] == len(all_ids(store))
    assert service.explain_stored_clients() == (0, 0)


def test_an_edit_stores_the_explanation_of_its_new_version(scored_store) -> None:
    store, service = scored_store
    client_id = all_ids(store)[0]
    advisor = store.add_user("ana", "advisor", "correct horse battery")
    current = store.current(client_id)
    version, score = service.update_client(client_id, {"AMT_CREDIT": current.fields["AMT_CREDIT"] * 0.8},
                                           expected_version=current.version, user=advisor, reason="apport")
    stored = store.explanation(client_id, version.version, service.artifact.version)
    assert stored is not None
    base_value, contributions, _ = service._codec.decode(stored)
    assert base_value == score.base_value
    np.testing.assert_array_equal(contributions, score.contribution_values)
    assert service.score_client(client_id).to_dict("en") == score.to_dict("en")


def test_a_new_model_does_not_read_the_old_models_explanations(scored_store, service: ScoringService) -> None:
    store, current_model = scored_store
    current_model.explain_stored_clients()
    client_id = all_ids(store)[0]
    card = {**service.artifact.model_card, "model_version": service.artifact.version + "-retrained"}
    retrained = dataclasses.replace(service.artifact, model_card=card)
    other = ScoringService(retrained, store)
    _, found = store.current_explained(client_id, retrained.version)
    assert found is None
    # Same weights under another name: the live path must give the same numbers.
    assert other.score_client(client_id).probability_of_default == current_model.score_client(
        client_id).probability_of_default


def test_a_level_the_model_never_saw_is_not_stored(service: ScoringService) -> None:
    names = ["NAME_CONTRACT_TYPE", "AMT_CREDIT", "CNT_CHILDREN"]
    codec = ExplanationCodec(names, {"NAME_CONTRACT_TYPE": pl.String, "AMT_CREDIT": pl.Float64,
                                     "CNT_CHILDREN": pl.Int64},
                             {"NAME_CONTRACT_TYPE": ["Cash loans", "Revolving loans"]}, "m1")
    contributions = np.array([0.5, -0.25, 0.0], dtype=np.float32)
    assert codec.encode(0.1, contributions, ["Leasing", 1.0, 2]) is None
    stored = codec.encode(0.1, contributions, ["Revolving loans", None, 2])
    assert codec.decode(stored)[2] == ["Revolving loans", None, 2]
    assert isinstance(codec.decode(stored)[2][2], int)
    with pytest.raises(ValueError, match="m2"):
        ExplanationCodec(names, {"NAME_CONTRACT_TYPE": pl.String, "AMT_CREDIT": pl.Float64,
                                 "CNT_CHILDREN": pl.Int64},
                         {"NAME_CONTRACT_TYPE": ["Cash loans"]}, "m2").decode(stored)


def test_explain_clients_command_fills_the_store(database_url: str, trained_artifact: Path,
                                                 scored_store, capsys: pytest.CaptureFixture[str]) -> None:
    store, service = scored_store
    assert store_main(["explain-clients", "--database-url", database_url, "--artifact", str(trained_artifact),
                       "--no-progress"]) == 0
    assert f"{len(all_ids(store))}" in capsys.readouterr().err
    assert service.explain_stored_clients() == (0, 0)


def test_a_batch_reads_stored_explanations_and_gives_the_live_answers(scored_store) -> None:
    from scoring.service import ScoreItem

    store, service = scored_store
    ids = all_ids(store)
    edited = ids[0]
    credit = store.current(edited).fields["AMT_CREDIT"]
    items = [ScoreItem(client_id=i) for i in ids] + [ScoreItem(client_id=edited, changes={"AMT_CREDIT": credit * 0.8})]
    live = [s.to_dict("en", top=10) for s in service.score_requests(items)]
    service.explain_stored_clients()
    # Stored clients now cost no TreeSHAP; the what-if item is still computed.
    assert [s.to_dict("en", top=10) for s in service.score_requests(items)] == live
    assert live[-1] != live[0]
