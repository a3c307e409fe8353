"""API side of the penetration test's findings: control characters in free text refused the same
on SQLite and PostgreSQL (which refuses NUL outright), deep JSON answered 400, unknown paths 404
in problem+json, no body larger than the app-wide limit."""

from __future__ import annotations

import pytest

from tests.api.conftest import ApiWorld

CONTROL_REASONS = ["ok\u202egnp.exe", "nul\x00byte", "\x1b[2J\x1b[31mrouge", "bom\ufeff", "del\x7f"]


@pytest.mark.parametrize("reason", CONTROL_REASONS)
def test_edit_reasons_with_control_characters_are_refused_on_both_backends(fresh_world: ApiWorld,
                                                                            reason: str) -> None:
    client_id = fresh_world.client_ids[0]
    response = fresh_world.client.patch(f"/api/client/{client_id}",
                                        json={"changes": {"AMT_CREDIT": 200_000.0}, "reason": reason},
                                        headers=fresh_world.headers("advisor", **{"If-Match": '"v1"'}))
    assert response.status_code == 422, response.get_data(as_text=True)
    problem = response.get_json()
    assert problem["errors"][0]["field"] == "reason" and "U+" in problem["detail"]
    assert fresh_world.store.current(client_id).version == 1


def test_line_breaks_in_a_reason_are_kept_on_both_backends(fresh_world: ApiWorld) -> None:
    client_id = fresh_world.client_ids[1]
    body = {"changes": {"AMT_CREDIT": 200_000.0}, "reason": "ligne 1\r\nligne 2\tfin"}
    response = fresh_world.client.patch(f"/api/client/{client_id}", json=body,
                                        headers=fresh_world.headers("advisor", **{"If-Match": '"v1"'}))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert fresh_world.store.current(client_id).reason == "ligne 1\nligne 2\tfin"


def test_token_labels_refuse_control_characters(world: ApiWorld) -> None:
    with pytest.raises(ValueError, match="U\\+202E"):
        world.store.create_token("viewer-user", label="ops\u202e")


@pytest.mark.parametrize("body", ["[" * 100_000 + "]" * 100_000,
                                  '{"client_id": 1, "changes": ' + "{\"a\":" * 5_000 + "1" + "}" * 5_001])
def test_deeply_nested_json_gets_400_not_500(world: ApiWorld, body: str) -> None:
    response = world.client.post("/api/score", data=body, content_type="application/json",
                                 headers=world.headers("viewer"))
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/problem+json")


def test_unknown_api_path_is_a_404_problem_even_without_a_token(world: ApiWorld) -> None:
    for path in ("/api/nothing", "/api/client/1/nothing", "/api"):
        response = world.client.get(path)
        assert response.status_code == 404, path
        assert response.headers["Content-Type"].startswith("application/problem+json")


def test_a_body_over_the_limit_is_413(world: ApiWorld) -> None:
    limit = world.server.config["MAX_CONTENT_LENGTH"]
    response = world.client.post("/api/score", data="[" + " " * limit + "]", content_type="application/json",
                                 headers=world.headers("viewer"))
    assert response.status_code == 413


def test_a_search_with_control_characters_answers_on_both_backends(fresh_world: ApiWorld) -> None:
    for query in ("\x00", "Work\x00ing", "\u202e"):
        response = fresh_world.client.get("/api/clients", query_string={"q": query},
                                          headers=fresh_world.headers("viewer"))
        assert response.status_code == 200, (query, response.get_data(as_text=True))
