"""A client is an append-only chain of full snapshots with optimistic concurrency."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime

import numpy as np
import pytest
from sqlalchemy import select

from scoring.store import (
    NEW_CLIENT_ID_FLOOR,
    DuplicateClient,
    StaleVersion,
    Store,
    UnknownClient,
)
from scoring.store.models import AuditEvent, ClientVersionRow

from .conftest import application

SCORE = {"probability_of_default": 0.12, "decision": "granted", "model_version": "m-1"}


def test_create_then_two_edits_form_a_gapless_chain_of_full_snapshots(store: Store) -> None:
    first = store.create_client(100002, application(), author="alice", reason="nouveau", **SCORE)
    second = store.append_version(100002, expected_version=1, fields=application(AMT_CREDIT=400000.0),
                                  author="bob", reason="montant revu", probability_of_default=0.2,
                                  decision="to review", model_version="m-1")
    third = store.append_version(100002, expected_version=2, fields=application(AMT_CREDIT=300000.0,
                                 OCCUPATION_TYPE="Drivers"), author="carol", reason="autre",
                                 probability_of_default=0.05, decision="granted", model_version="m-2")

    history = store.history(100002)
    assert [version.version for version in history] == [1, 2, 3]
    assert history == [first, second, third]
    assert history[0].fields == application()
    assert history[1].fields == application(AMT_CREDIT=400000.0)
    assert history[2].fields["OCCUPATION_TYPE"] == "Drivers"
    assert [version.author for version in history] == ["alice", "bob", "carol"]
    assert [version.model_version for version in history] == ["m-1", "m-1", "m-2"]
    assert store.current(100002) == third
    assert store.version(100002, 2) == second


def test_snapshot_keeps_field_order_and_types_on_read_back(store: Store) -> None:
    fields = {"Z_LAST": 1, "A_FIRST": 2.5, "FLAG": True, "TEXT": "é", "NOTHING": None}
    store.create_client(7, fields, author="a", reason="r", **SCORE)
    read = store.current(7).fields
    assert list(read) == list(fields)
    assert read == fields
    assert type(read["Z_LAST"]) is int and type(read["FLAG"]) is bool


def test_changed_fields_list_old_and_new_values_only_for_fields_that_changed(store: Store) -> None:
    store.create_client(1, application(), author="a", reason="r", **SCORE)
    edited = application(AMT_CREDIT=1.0, EXT_SOURCE_1=0.5)
    edited.pop("OCCUPATION_TYPE")
    version = store.append_version(1, expected_version=1, fields=edited, author="a", reason="r", **SCORE)
    assert version.changed_fields == {
        "AMT_CREDIT": {"old": 568800.0, "new": 1.0},
        "EXT_SOURCE_1": {"old": None, "new": 0.5},
        "OCCUPATION_TYPE": {"old": "Laborers", "new": None},
    }
    assert store.history(1)[0].changed_fields == {}
    assert store.history(1)[1].changed_fields == version.changed_fields


def test_integral_float_equal_to_int_is_not_a_change(store: Store) -> None:
    store.create_client(1, {"DAYS_BIRTH": -10000}, author="a", reason="r", **SCORE)
    version = store.append_version(1, expected_version=1, fields={"DAYS_BIRTH": -10000.0}, author="a",
                                   reason="r", **SCORE)
    assert version.changed_fields == {}


def test_append_from_an_old_version_raises_stale_and_writes_nothing(store: Store) -> None:
    store.create_client(5, application(), author="a", reason="r", **SCORE)
    store.append_version(5, expected_version=1, fields=application(AMT_CREDIT=2.0), author="a", reason="r", **SCORE)
    with pytest.raises(StaleVersion) as raised:
        store.append_version(5, expected_version=1, fields=application(AMT_CREDIT=3.0), author="b",
                             reason="r", **SCORE)
    assert (raised.value.client_id, raised.value.expected, raised.value.current) == (5, 1, 2)
    assert "version 1" in str(raised.value) and "(2)" in str(raised.value)
    assert [version.fields["AMT_CREDIT"] for version in store.history(5)] == [568800.0, 2.0]


def test_append_from_a_future_version_raises_stale(store: Store) -> None:
    store.create_client(5, application(), author="a", reason="r", **SCORE)
    with pytest.raises(StaleVersion) as raised:
        store.append_version(5, expected_version=9, fields=application(), author="a", reason="r", **SCORE)
    assert raised.value.current == 1


def test_unknown_client_raises_unknown_client_naming_the_id(store: Store) -> None:
    for call in (lambda: store.current(424242), lambda: store.history(424242),
                 lambda: store.append_version(424242, expected_version=1, fields={}, author="a", reason="r",
                                              **SCORE)):
        with pytest.raises(UnknownClient) as raised:
            call()
        assert raised.value.client_id == 424242
        assert "424242" in str(raised.value)
    assert store.exists(424242) is False


def test_creating_an_existing_id_raises_duplicate_and_keeps_the_original(store: Store) -> None:
    store.create_client(3, application(), author="a", reason="r", **SCORE)
    with pytest.raises(DuplicateClient) as raised:
        store.create_client(3, application(AMT_CREDIT=1.0), author="b", reason="r", **SCORE)
    assert raised.value.client_id == 3
    assert store.current(3).fields["AMT_CREDIT"] == 568800.0
    assert len(store.history(3)) == 1


def test_new_clients_get_ids_above_every_existing_one_and_above_the_kaggle_range(store: Store) -> None:
    first = store.create_client(None, application(), author="a", reason="r", **SCORE)
    assert first.client_id == NEW_CLIENT_ID_FLOOR + 1
    store.create_client(NEW_CLIENT_ID_FLOOR + 500, application(), author="a", reason="r", **SCORE)
    after = store.create_client(None, application(), author="a", reason="r", **SCORE)
    assert after.client_id == NEW_CLIENT_ID_FLOOR + 501
    assert store.exists(after.client_id)


def test_nan_and_numpy_values_are_stored_as_plain_json(store: Store) -> None:
    fields = {"EXT_SOURCE_1": float("nan"), "AMT_CREDIT": np.float64(10.5), "CNT_CHILDREN": np.int64(2),
              "EXT_SOURCE_2": float("inf"), "NESTED": {"x": [np.float32("nan")]}}
    version = store.create_client(9, fields, author="a", reason="r", probability_of_default=float("nan"),
                                  decision=None, model_version=None)
    stored = store.current(9)
    assert stored.fields == {"EXT_SOURCE_1": None, "AMT_CREDIT": 10.5, "CNT_CHILDREN": 2,
                             "EXT_SOURCE_2": None, "NESTED": {"x": [None]}}
    assert stored.probability_of_default is None
    assert version == stored
    text = json.dumps(stored.to_dict(), allow_nan=False)
    assert json.loads(text)["created_at"] == stored.created_at.isoformat()


def test_created_at_is_utc_and_aware(store: Store) -> None:
    before = datetime.now(UTC)
    store.create_client(2, application(), author="a", reason="r", **SCORE)
    created = store.current(2).created_at
    assert created.tzinfo is not None and created.utcoffset().total_seconds() == 0
    assert before <= created <= datetime.now(UTC)


def test_in_training_set_flag_is_kept_on_every_version(store: Store) -> None:
    store.create_client(11, application(), author="a", reason="r", in_training_set=True, **SCORE)
    store.append_version(11, expected_version=1, fields=application(AMT_CREDIT=5.0), author="a", reason="r", **SCORE)
    assert [version.in_training_set for version in store.history(11)] == [True, True]


@pytest.mark.parametrize("bad", [0, -1, True, "2", 1.0, None])
def test_expected_version_must_be_a_positive_integer(store: Store, bad: object) -> None:
    store.create_client(1, application(), author="a", reason="r", **SCORE)
    with pytest.raises(ValueError, match="expected_version"):
        store.append_version(1, expected_version=bad, fields=application(), author="a", reason="r",  # type: ignore[arg-type]
                             **SCORE)


@pytest.mark.parametrize(("argument", "value"), [("author", ""), ("reason", "  "), ("probability_of_default", 1.5)])
def test_edit_without_author_or_reason_or_with_a_bad_probability_is_refused(
    store: Store, argument: str, value: object
) -> None:
    store.create_client(1, application(), author="a", reason="r", **SCORE)
    arguments: dict[str, object] = {"author": "a", "reason": "r", **SCORE, argument: value}
    with pytest.raises(ValueError, match=argument):
        store.append_version(1, expected_version=1, fields=application(), **arguments)  # type: ignore[arg-type]
    assert len(store.history(1)) == 1


@pytest.mark.parametrize("bad", [-5, "12", 1.5, 2**63])
def test_client_ids_must_be_non_negative_64_bit_integers(store: Store, bad: object) -> None:
    with pytest.raises(ValueError, match="client_id"):
        store.create_client(bad, application(), author="a", reason="r", **SCORE)  # type: ignore[arg-type]


def test_every_create_and_edit_leaves_an_audit_event_in_the_same_transaction(store: Store) -> None:
    store.create_client(21, application(), author="alice", reason="nouveau", **SCORE)
    store.append_version(21, expected_version=1, fields=application(AMT_CREDIT=1.0), author="bob",
                         reason="baisse", **SCORE)
    events = store.audit_events(client_id=21)
    assert [(event.action, event.actor) for event in events] == [("client_update", "bob"),
                                                                ("client_create", "alice")]
    assert events[0].detail == {"version": 2, "reason": "baisse", "changed": ["AMT_CREDIT"]}
    with store.engine.connect() as connection:
        audited = connection.execute(select(AuditEvent.client_id).where(AuditEvent.client_id == 21)).all()
        versions = connection.execute(select(ClientVersionRow.version).where(ClientVersionRow.client_id == 21)).all()
    assert len(audited) == len(versions) == 2


def test_to_dict_is_json_safe(store: Store) -> None:
    version = store.create_client(4, application(), author="a", reason="r", **SCORE)
    payload = version.to_dict()
    assert json.loads(json.dumps(payload, allow_nan=False)) == payload
    assert payload["fields"]["EXT_SOURCE_1"] is None
    assert not any(isinstance(value, float) and math.isnan(value) for value in payload["fields"].values())
