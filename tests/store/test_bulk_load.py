"""Bulk loading is idempotent and keeps the training flag and scores."""

from __future__ import annotations

import pytest

from scoring.store import NewClient, Store

from .conftest import application


def clients(ids: range, *, training: bool = False) -> list[NewClient]:
    return [NewClient(client_id, application(AMT_CREDIT=float(client_id)), in_training_set=training,
                      probability_of_default=0.25, decision="to review", model_version="m-1")
            for client_id in ids]


def test_second_load_of_the_same_clients_inserts_nothing(store: Store) -> None:
    assert store.bulk_load(clients(range(1, 1201)), batch_size=500, progress=False) == (1200, 0)
    assert store.bulk_load(clients(range(1, 1201)), batch_size=500, progress=False) == (0, 1200)
    assert store.count_clients() == 1200
    assert all(len(store.history(client_id)) == 1 for client_id in (1, 600, 1200))


def test_partial_overlap_inserts_only_the_new_ids_and_keeps_edited_clients(store: Store) -> None:
    store.bulk_load(clients(range(1, 101)), progress=False)
    store.append_version(50, expected_version=1, fields=application(AMT_CREDIT=-1.0), author="a", reason="r",
                         probability_of_default=None, decision=None, model_version=None)
    inserted, skipped = store.bulk_load(clients(range(51, 151)), batch_size=30, progress=False)
    assert (inserted, skipped) == (50, 50)
    assert store.count_clients() == 150
    assert store.current(50).version == 2 and store.current(50).fields["AMT_CREDIT"] == -1.0


def test_loaded_clients_are_version_one_with_their_score_and_flag(store: Store) -> None:
    store.bulk_load(clients(range(10, 13), training=True), author="loader", progress=False)
    version = store.current(11)
    assert (version.version, version.author, version.in_training_set) == (1, "loader", True)
    assert (version.probability_of_default, version.decision, version.model_version) == (0.25, "to review", "m-1")
    assert version.fields == application(AMT_CREDIT=11.0)
    assert version.changed_fields == {}


def test_duplicate_ids_inside_one_load_are_stored_once(store: Store) -> None:
    doubled = clients(range(1, 4)) + clients(range(1, 4))
    inserted, skipped = store.bulk_load(iter(doubled), batch_size=100, progress=False)
    assert (inserted, skipped) == (3, 3)
    assert store.count_clients() == 3


def test_bulk_load_accepts_a_generator_and_reports_progress_on_stderr(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    inserted, _ = store.bulk_load((client for client in clients(range(1, 21))), batch_size=7, progress=True)
    assert inserted == 20
    assert store.search("2")[0] == 2  # 2 and 20
    captured = capsys.readouterr()
    assert "loading clients" in captured.err and captured.out == ""


def test_bulk_load_writes_one_audit_event_per_batch(store: Store) -> None:
    store.bulk_load(clients(range(1, 26)), batch_size=10, progress=False)
    events = [event for event in store.audit_events() if event.action == "client_bulk_load"]
    assert sorted(event.detail["inserted"] for event in events) == [5, 10, 10]


def test_stored_ids_reports_which_ids_exist_across_chunks(store: Store) -> None:
    store.bulk_load(clients(range(1, 12_001, 2)), progress=False)  # odd ids only
    asked = list(range(1, 12_001))
    assert store.stored_ids(asked) == set(range(1, 12_001, 2))
    assert store.stored_ids([]) == set()
