"""Every /api route through Flask's test client into the real service and store: happy paths,
tokens and roles, and each kind of bad input getting its own 4xx as problem+json."""

from __future__ import annotations

import json

import pytest

from tests.api.conftest import ApiWorld

PROBLEM = "application/problem+json"


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_health_needs_no_token_and_ready_checks_model_and_store(world: ApiWorld) -> None:
    assert world.client.get("/api/health").get_json() == {"status": "ok"}
    ready = world.client.get("/api/ready", headers=world.headers("viewer")).get_json()
    assert ready["status"] == "ready" and ready["model_version"] == world.service.artifact.version


@pytest.mark.parametrize("url", ["/api/model", "/api/clients", "/api/score/100001", "/api/client/100001"])
def test_every_other_route_needs_a_token(world: ApiWorld, url: str) -> None:
    body = _problem(world.client.get(url), 401)
    assert "Bearer" in body["detail"]
    _problem(world.client.get(url, headers={"Authorization": "Bearer pad_nope_nope"}), 401)
    _problem(world.client.get(url, headers={"Authorization": "Basic dXNlcjpwYXNz"}), 401)


def test_a_revoked_token_is_refused(world: ApiWorld) -> None:
    token_id, token = world.store.create_token("viewer-user", label="to revoke")
    headers = {"Authorization": f"Bearer {token}"}
    assert world.client.get("/api/model", headers=headers).status_code == 200
    world.store.revoke_token(token_id)
    _problem(world.client.get("/api/model", headers=headers), 401)


def test_model_lists_threshold_features_with_labels_and_editable_fields(world: ApiWorld) -> None:
    body = world.client.get("/api/model?lang=en", headers=world.headers("viewer")).get_json()
    low, high = body["review_band"]
    assert low <= body["threshold"] <= high
    labels = {f["name"]: f["label"] for f in body["features"]}
    assert labels["AMT_CREDIT"]["fr"] and labels["AMT_CREDIT"]["en"] != labels["AMT_CREDIT"]["fr"]
    assert body["global_importance"][0]["importance"] >= body["global_importance"][-1]["importance"]
    assert {f["name"] for f in body["editable_fields"]} >= {"AMT_CREDIT", "AMT_ANNUITY"}


def test_score_gives_probability_decision_contributions_and_reasons(world: ApiWorld) -> None:
    client_id = world.client_ids[0]
    body = world.client.get(f"/api/score/{client_id}?lang=en", headers=world.headers("viewer")).get_json()
    assert 0 < body["probability_of_default"] < 1
    low, high = body["review_band"]
    expected = "refused" if body["probability_of_default"] >= high else (
        "to_review" if body["probability_of_default"] >= low else "granted")
    assert body["decision"] == expected
    assert body["decision_label"] in ("Granted", "To review", "Refused")
    assert len(body["contributions"]) == len(world.service.feature_names)
    reasons = body["reasons"]["raises_risk"] + body["reasons"]["lowers_risk"]
    assert reasons and all(r["sentence"].endswith(".") for r in reasons)
    assert all(r["contribution"] > 0 for r in body["reasons"]["raises_risk"])
    stored = world.store.current(client_id).probability_of_default
    assert body["probability_of_default"] == pytest.approx(stored, abs=1e-6)


def test_score_only_skips_the_explanation(world: ApiWorld) -> None:
    body = world.client.get(f"/api/score/{world.client_ids[1]}?explain=false",
                            headers=world.headers("viewer")).get_json()
    assert "contributions" not in body and 0 < body["probability_of_default"] < 1


def test_language_follows_the_query_then_accept_language(world: ApiWorld) -> None:
    url = f"/api/score/{world.client_ids[0]}?explain=false"
    french = world.client.get(url, headers=world.headers("viewer")).get_json()
    english = world.client.get(url, headers=world.headers("viewer", **{"Accept-Language": "en-GB,en;q=0.8"}))
    assert french["decision_label"] in ("Accordé", "À revoir", "Refusé")
    assert english.get_json()["decision_label"] in ("Granted", "To review", "Refused")


def test_search_is_paginated_and_never_returns_everything(world: ApiWorld) -> None:
    headers = world.headers("viewer")
    first = world.client.get("/api/clients?limit=5", headers=headers).get_json()
    assert first["total"] == len(world.client_ids) + len(world.training_ids)
    assert len(first["results"]) == 5
    second = world.client.get("/api/clients?limit=5&offset=5", headers=headers).get_json()
    assert not {r["client_id"] for r in first["results"]} & {r["client_id"] for r in second["results"]}
    prefix = str(world.client_ids[3])[:-1]
    hits = world.client.get(f"/api/clients?q={prefix}", headers=headers).get_json()
    assert hits["results"] and all(str(r["client_id"]).startswith(prefix) for r in hits["results"])
    _problem(world.client.get("/api/clients?limit=100000", headers=headers), 422)


def test_search_matches_french_and_english_level_names_and_says_which_field_matched(world: ApiWorld) -> None:
    headers = world.headers("viewer")
    pensioners = {hit.client_id for hit in world.store.search("Pensioner", limit=100)[1]}
    assert pensioners, "the test store has pensioners"
    for q in ("retraité", "RETRAITE", "pensioner"):
        body = world.client.get("/api/clients", query_string={"q": q, "limit": 100}, headers=headers).get_json()
        assert {r["client_id"] for r in body["results"]} == pensioners
        assert {tuple(r["matched_fields"]) for r in body["results"]} == {("NAME_INCOME_TYPE",)}
    body = world.client.get("/api/clients", query_string={"q": "ouvrier", "limit": 100}, headers=headers).get_json()
    assert body["total"] > 0
    assert {r["summary"]["OCCUPATION_TYPE"] for r in body["results"]} <= {"Laborers", "Low-skill Laborers"}
    assert {tuple(r["matched_fields"]) for r in body["results"]} == {("OCCUPATION_TYPE",)}
    by_id = world.client.get(f"/api/clients?q={world.client_ids[0]}", headers=headers).get_json()
    assert by_id["results"][0]["matched_fields"] == ["SK_ID_CURR"]


def test_client_record_has_labels_version_and_etag(world: ApiWorld) -> None:
    response = world.client.get(f"/api/client/{world.client_ids[2]}", headers=world.headers("viewer"))
    body = response.get_json()
    assert response.headers["ETag"] == f'"v{body["version"]}"'
    fields = {f["name"]: f for f in body["fields"]}
    assert fields["AMT_CREDIT"]["editable"] and not fields["EXT_SOURCE_2"]["editable"]
    assert fields["AMT_CREDIT"]["label"] != "AMT_CREDIT"


def test_patch_needs_if_match_the_advisor_role_and_a_reason(world: ApiWorld) -> None:
    client_id = world.client_ids[4]
    url = f"/api/client/{client_id}"
    body = {"changes": {"AMT_CREDIT": 200_000.0}, "reason": "le client réduit sa demande"}
    _problem(world.client.patch(url, json=body, headers=world.headers("advisor")), 428)
    _problem(world.client.patch(url, json=body, headers=world.headers("viewer", **{"If-Match": '"v1"'})), 403)
    no_reason = _problem(world.client.patch(url, json={**body, "reason": "  "},
                                            headers=world.headers("advisor", **{"If-Match": '"v1"'})), 422)
    assert no_reason["errors"][0]["field"] == "reason"
    _problem(world.client.patch(url, json=body, headers=world.headers("advisor", **{"If-Match": "garbage"})), 412)
    assert world.store.current(client_id).version == 1


def test_an_edit_creates_a_version_with_its_score_and_history(world: ApiWorld) -> None:
    client_id = world.client_ids[5]
    url = f"/api/client/{client_id}"
    before = world.client.get(url, headers=world.headers("advisor"))
    old_credit = next(f["value"] for f in before.get_json()["fields"] if f["name"] == "AMT_CREDIT")
    response = world.client.patch(url, json={"changes": {"AMT_CREDIT": old_credit * 0.5},
                                             "reason": "apport plus important"},
                                  headers=world.headers("advisor", **{"If-Match": before.headers["ETag"]}))
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["version"] == 2 and response.headers["ETag"] == '"v2"'
    assert body["changed_fields"] == {"AMT_CREDIT": {"old": old_credit, "new": old_credit * 0.5}}
    stale = world.client.patch(url, json={"changes": {"AMT_CREDIT": old_credit * 0.9}, "reason": "x"},
                               headers=world.headers("advisor", **{"If-Match": before.headers["ETag"]}))
    assert "version 2" in _problem(stale, 412)["detail"]
    history = world.client.get(f"{url}/history", headers=world.headers("viewer")).get_json()["versions"]
    assert [v["version"] for v in history] == [1, 2]
    assert history[1]["author"] == "advisor-user" and history[1]["reason"] == "apport plus important"
    assert history[1]["probability_of_default"] == pytest.approx(body["score"]["probability_of_default"])
    # The edit's explanation was stored with it: the history keeps the reasons the advisor saw.
    # Version 1 was loaded without one.
    assert history[1]["reasons"] == body["score"]["reasons"] and history[0]["reasons"] is None
    english = world.client.get(f"{url}/history?lang=en", headers=world.headers("viewer")).get_json()["versions"]
    sentences = [r["sentence"] for group in english[1]["reasons"].values() for r in group]
    assert sentences and all(s.endswith("estimated risk compared with the average client.") for s in sentences)
    rescored = world.client.get(f"/api/score/{client_id}?explain=false", headers=world.headers("viewer"))
    assert rescored.get_json()["probability_of_default"] == pytest.approx(history[1]["probability_of_default"])


def test_an_invalid_edit_names_the_field_and_saves_nothing(world: ApiWorld) -> None:
    client_id = world.client_ids[6]
    response = world.client.patch(f"/api/client/{client_id}",
                                  json={"changes": {"AMT_INCOME_TOTAL": -1, "EXT_SOURCE_1": 0.9}, "reason": "r"},
                                  headers=world.headers("advisor", **{"If-Match": '"v1"'}))
    body = _problem(response, 422)
    assert {e["field"] for e in body["errors"]} == {"AMT_INCOME_TOTAL", "EXT_SOURCE_1"}
    assert world.store.current(client_id).version == 1


def test_what_if_scores_changes_without_saving(world: ApiWorld) -> None:
    client_id = world.client_ids[7]
    base = world.client.get(f"/api/score/{client_id}?explain=false", headers=world.headers("viewer")).get_json()
    body = world.client.post("/api/score", json={"client_id": client_id, "changes": {"EXT_SOURCE_3": None},
                                                 "explain": False}, headers=world.headers("viewer"))
    _problem(body, 422)  # an external score is not the advisor's to change
    income = world.store.current(client_id).fields["AMT_INCOME_TOTAL"]
    what_if = world.client.post("/api/score", json={"client_id": client_id,
                                                    "changes": {"AMT_INCOME_TOTAL": income * 3}},
                                headers=world.headers("viewer")).get_json()
    assert what_if["probability_of_default"] != base["probability_of_default"]
    assert world.store.current(client_id).version == 1


def test_a_new_application_is_scored_without_history(world: ApiWorld) -> None:
    fields = dict(world.store.current(world.client_ids[8]).fields)
    body = world.client.post("/api/score", json={"application": fields, "new_client": True},
                             headers=world.headers("viewer")).get_json()
    assert body["client_id"] is None and body["has_history"] is False
    _problem(world.client.post("/api/score", json={"application": {**fields, "SK_ID_CURR": 5},
                                                   "new_client": True}, headers=world.headers("viewer")), 422)
    unknown = world.client.post("/api/score", json={"application": {**fields, "SK_ID_CURR": 999_999_999}},
                                headers=world.headers("viewer"))
    _problem(unknown, 404)
    _problem(world.client.post("/api/score", json={}, headers=world.headers("viewer")), 422)


def test_batch_scores_many_and_reports_each_bad_item(world: ApiWorld) -> None:
    items = [{"client_id": c} for c in world.client_ids[:50]] + [{"client_id": 1}, {"client_id": world.client_ids[0],
                                                                                    "changes": {"AMT_CREDIT": "x"}}]
    body = world.client.post("/api/score/batch", json={"items": items, "explain": False},
                             headers=world.headers("viewer")).get_json()
    assert body["count"] == 52 and body["errors"] == 2
    assert body["results"][50]["error"]["status"] == 404
    assert body["results"][51]["error"]["errors"][0]["field"] == "AMT_CREDIT"
    single = world.client.get(f"/api/score/{world.client_ids[3]}?explain=false", headers=world.headers("viewer"))
    assert body["results"][3]["score"]["probability_of_default"] == pytest.approx(
        single.get_json()["probability_of_default"], abs=1e-9)
    too_many = {"items": [{"client_id": world.client_ids[0]}] * 1001}
    assert _problem(world.client.post("/api/score/batch", json=too_many, headers=world.headers("viewer")),
                    422)["errors"][0]["field"] == "items"


def test_every_recourse_option_applied_through_the_what_if_path_gives_what_it_claims(world: ApiWorld) -> None:
    refused = [c for c in world.client_ids
               if world.store.current(c).decision in ("refused", "to_review")][:40]
    assert refused, "the synthetic sample has refused clients"
    rank = {"refused": 0, "to_review": 1, "granted": 2}
    found = {"now": 0, "over_time": 0}
    for client_id in refused:
        body = world.client.get(f"/api/client/{client_id}/recourse?lang=en", headers=world.headers("viewer"))
        body = body.get_json()
        assert body["message"] and body["bounds"]["min_amount_share"] > 0
        for option in body["options"]:
            found[option["kind"]] += 1
            assert rank[option["decision"]] > rank[body["decision"]]
            if option["kind"] == "over_time":
                assert option["history_changes"]  # rescored through the history it assumes
                continue
            # Every field the option changes is stated: the payment is never changed silently.
            if "AMT_CREDIT" in option["changes"] or "term" in option["levers"]:
                assert "AMT_ANNUITY" in option["changes"]
                assert "monthly payment" in option["description"]
            what_if = world.client.post("/api/score", json={"client_id": client_id, "changes": option["changes"],
                                                            "explain": False}, headers=world.headers("viewer"))
            assert what_if.get_json()["probability_of_default"] == option["probability_of_default"]
            assert what_if.get_json()["decision"] == option["decision"]
    assert found["now"] > 0
    granted = next(c for c in world.client_ids if world.store.current(c).decision == "granted")
    body = world.client.get(f"/api/client/{granted}/recourse", headers=world.headers("viewer")).get_json()
    assert body["options"] == [] and body["decision"] == "granted"


@pytest.mark.parametrize("payload", ["{not json", "[1, 2", "\xff\xfe"])
def test_malformed_json_is_a_400(world: ApiWorld, payload: str) -> None:
    response = world.client.post("/api/score", data=payload, content_type="application/json",
                                 headers=world.headers("viewer"))
    _problem(response, 400)


def test_a_body_that_is_not_json_is_a_415(world: ApiWorld) -> None:
    _problem(world.client.post("/api/score", data="client_id=1", content_type="application/x-www-form-urlencoded",
                               headers=world.headers("viewer")), 415)


def test_a_huge_body_is_a_413(world: ApiWorld) -> None:
    huge = json.dumps({"client_id": 1, "changes": {"AMT_CREDIT": 1.0}, "pad": "x" * (2 << 20)})
    _problem(world.client.post("/api/score", data=huge, content_type="application/json",
                               headers=world.headers("viewer")), 413)


@pytest.mark.parametrize("text", ["' OR 1=1 --", "'; DROP TABLE clients; --", "%", "_", "<script>alert(1)</script>",
                                  "\\", "😀"])
def test_injection_like_search_strings_are_just_text(world: ApiWorld, text: str) -> None:
    response = world.client.get("/api/clients", query_string={"q": text}, headers=world.headers("viewer"))
    assert response.status_code == 200
    assert response.get_json()["total"] <= len(world.client_ids) + len(world.training_ids)
    assert world.store.count_clients() == len(world.client_ids) + len(world.training_ids)


def test_unknown_ids_and_routes_are_404_problems(world: ApiWorld) -> None:
    for url in ("/api/score/1", "/api/client/1", "/api/client/1/history", "/api/client/1/recourse", "/api/nothing"):
        _problem(world.client.get(url, headers=world.headers("viewer")), 404)
    _problem(world.client.get("/api/score/abc", headers=world.headers("viewer")), 404)
    _problem(world.client.delete(f"/api/client/{world.client_ids[0]}", headers=world.headers("admin")), 405)


def test_the_openapi_document_describes_every_route(world: ApiWorld) -> None:
    spec = world.client.get("/api/openapi.json").get_json()
    paths = set(spec["paths"])
    assert {"/api/health", "/api/ready", "/api/model", "/api/clients", "/api/client/{client_id}",
            "/api/client/{client_id}/history", "/api/client/{client_id}/recourse", "/api/score/{client_id}",
            "/api/score", "/api/score/batch"} <= paths
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert world.client.get("/api/docs/swagger").status_code == 200
