"""The model recommends, a person decides: decisions, second-person approval, contests, override
rates, through the API into the real store (SQLite, and PostgreSQL for the append-only record)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import ApiWorld


def _with_recommendation(world: ApiWorld, decision: str, skip: int = 0) -> int:
    found = [c for c in world.client_ids if world.service.score_client(c, explain=False).decision == decision]
    assert len(found) > skip, f"no {decision} client in the sample"
    return found[skip]


def _state(world: ApiWorld, client_id: int) -> tuple[dict[str, Any], str]:
    response = world.client.get(f"/api/client/{client_id}/decisions?lang=en", headers=world.headers("viewer"))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json(), response.headers["ETag"]


def _decide(world: ApiWorld, client_id: int, decision: str, justification: str = "", etag: str | None = None,
            role: str = "advisor") -> Any:
    if etag is None:
        etag = _state(world, client_id)[1]
    return world.client.post(f"/api/client/{client_id}/decisions", json={"decision": decision,
                                                                         "justification": justification},
                             headers=world.headers(role, **{"If-Match": etag}))


def test_following_the_model_needs_no_justification_and_is_on_record(fresh_world: ApiWorld) -> None:
    world = fresh_world
    client_id = _with_recommendation(world, "granted")
    state, etag = _state(world, client_id)
    assert state["recommendation"] == "granted" and state["current_decision"] is None
    response = _decide(world, client_id, "granted", etag=etag)
    assert response.status_code == 200, response.get_data(as_text=True)
    entry = response.get_json()
    assert entry["follows_model"] is True and entry["status"] == "final" and entry["author"] == "advisor-user"
    assert entry["model_version"] == world.service.artifact.version
    state, _ = _state(world, client_id)
    assert state["current_decision"]["id"] == entry["id"]
    events = world.store.audit_events(client_id=client_id)
    assert any(e.action == "advisor_decision" for e in events)


def test_departing_from_the_model_needs_a_justification(fresh_world: ApiWorld) -> None:
    world = fresh_world
    client_id = _with_recommendation(world, "granted")
    refused = _decide(world, client_id, "refused", "  ")
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "justification"
    assert _state(world, client_id)[0]["entries"] == []  # nothing written
    ok = _decide(world, client_id, "refused", "income not proven")
    assert ok.status_code == 200 and ok.get_json()["follows_model"] is False


def test_a_refusal_turned_into_a_grant_waits_for_a_second_person(fresh_world: ApiWorld) -> None:
    world = fresh_world
    client_id = _with_recommendation(world, "refused")
    entry = _decide(world, client_id, "granted", "guarantor provided").get_json()
    assert entry["status"] == "pending_second_approval"
    url = f"/api/client/{client_id}/approvals"
    own = world.client.post(url, json={"decision_id": entry["id"], "approve": True}, headers=world.headers("advisor"))
    assert own.status_code == 409 and own.get_json()["type"].endswith("/decision-conflict")
    viewer = world.client.post(url, json={"decision_id": entry["id"], "approve": True},
                               headers=world.headers("viewer"))
    assert viewer.status_code == 403
    unknown = world.client.post(url, json={"decision_id": 999_999, "approve": True}, headers=world.headers("admin"))
    assert unknown.status_code == 404 and unknown.get_json()["type"].endswith("/unknown-decision")
    reject_bare = world.client.post(url, json={"decision_id": entry["id"], "approve": False},
                                    headers=world.headers("admin"))
    assert reject_bare.status_code == 422
    approved = world.client.post(url, json={"decision_id": entry["id"], "approve": True},
                                 headers=world.headers("admin"))
    assert approved.status_code == 200 and approved.get_json()["outcome"] == "approved"
    again = world.client.post(url, json={"decision_id": entry["id"], "approve": True}, headers=world.headers("admin"))
    assert again.status_code == 409
    state, _ = _state(world, client_id)
    assert state["current_decision"]["status"] == "approved"


def test_a_decision_on_a_version_that_changed_is_refused(fresh_world: ApiWorld) -> None:
    world = fresh_world
    client_id = world.client_ids[3]
    _, etag = _state(world, client_id)
    edit = world.client.patch(f"/api/client/{client_id}", json={"changes": {"AMT_INCOME_TOTAL": 190_000.0},
                                                                "reason": "new payslip"},
                              headers=world.headers("advisor", **{"If-Match": etag}))
    assert edit.status_code == 200
    stale = _decide(world, client_id, "refused", "late", etag=etag)
    assert stale.status_code == 412 and stale.get_json()["type"].endswith("/stale-version")
    missing = world.client.post(f"/api/client/{client_id}/decisions", json={"decision": "refused"},
                                headers=world.headers("advisor"))
    assert missing.status_code == 428


def test_the_client_can_contest_and_the_next_advisor_sees_it(fresh_world: ApiWorld) -> None:
    world = fresh_world
    client_id = _with_recommendation(world, "refused")
    assert _decide(world, client_id, "refused").status_code == 200
    contest = world.client.post(f"/api/client/{client_id}/contests",
                                json={"statement": "My overdue was paid last week.", "request_review": True},
                                headers=world.headers("advisor"))
    assert contest.status_code == 200
    state, _ = _state(world, client_id)
    assert state["open_contest"]["client_statement"] == "My overdue was paid last week."
    control = world.client.post(f"/api/client/{client_id}/contests",
                                json={"statement": "ok\u202egnp.exe", "request_review": False},
                                headers=world.headers("advisor"))
    assert control.status_code == 422
    # A new decision answers the review.
    assert _decide(world, client_id, "refused").status_code == 200
    assert _state(world, client_id)[0]["open_contest"] is None


def test_override_rates_overall_by_direction_and_by_advisor(fresh_world: ApiWorld) -> None:
    world = fresh_world
    granted = [c for c in world.client_ids if world.service.score_client(c, explain=False).decision == "granted"][:3]
    for client_id in granted[:2]:
        assert _decide(world, client_id, "granted").status_code == 200
    assert _decide(world, granted[2], "refused", "debts not declared", role="admin").status_code == 200
    report = world.client.get("/api/decisions/overrides?days=30", headers=world.headers("viewer")).get_json()
    assert report["with_recommendation"] == 3 and report["overrides"] == 1
    assert report["override_rate"] == pytest.approx(1 / 3)
    assert report["by_direction"]["granted_to_refused"] == {"count": 1, "rate": pytest.approx(1 / 3)}
    by_advisor = {row["advisor"]: row for row in report["by_advisor"]}
    assert by_advisor["admin-user"]["override_rate"] == 1.0 and by_advisor["advisor-user"]["overrides"] == 0
