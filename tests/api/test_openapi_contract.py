"""The OpenAPI document as client generators read it (issue 21): a semantic version with its
changelog, operation ids that read as method names, tags, one `Problem` component for every
error, typed problem URIs, and each operation documenting exactly the statuses it can give,
proved by sending every kind of bad request to every operation."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

import scoring.service  # noqa: F401 (imports every module that may define a ScoringError)
from api_routes.openapi import API_TITLE, API_VERSION
from api_routes.problems import PROBLEM_TYPES, SCORING_PROBLEMS
from scoring.errors import ScoringError
from scoring.monitoring_bins import BINS_FILE
from tests.api.conftest import ApiWorld

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "docs" / "openapi.json"
CHANGELOG = ROOT / "docs" / "api-changelog.md"
PROBLEM = "application/problem+json"
OPERATION_IDS = {
    ("get", "/api/health"): "getHealth",
    ("get", "/api/ready"): "getReady",
    ("get", "/api/model"): "getModel",
    ("get", "/api/clients"): "searchClients",
    ("get", "/api/client/{client_id}"): "getClient",
    ("patch", "/api/client/{client_id}"): "patchClient",
    ("get", "/api/client/{client_id}/history"): "getClientHistory",
    ("get", "/api/client/{client_id}/recourse"): "getRecourse",
    ("get", "/api/score/{client_id}"): "getScore",
    ("post", "/api/score"): "scoreWhatIf",
    ("post", "/api/score/batch"): "scoreBatch",
    ("get", "/api/client/{client_id}/decisions"): "getClientDecisions",
    ("post", "/api/client/{client_id}/decisions"): "recordDecision",
    ("post", "/api/client/{client_id}/approvals"): "approveDecision",
    ("post", "/api/client/{client_id}/contests"): "contestDecision",
    ("get", "/api/decisions/overrides"): "getOverrideRates",
    ("get", "/api/monitoring"): "getMonitoring",
}


@pytest.fixture(scope="module")
def spec(world: ApiWorld) -> dict[str, Any]:
    return world.client.get("/api/openapi.json").get_json()


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def test_the_version_is_the_contracts_and_has_a_changelog_entry(spec: dict[str, Any]) -> None:
    version = spec["info"]["version"]
    assert version == API_VERSION
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), version
    # The newest entry of the changelog is this version.
    entries = re.findall(r"^## (\d+\.\d+\.\d+)", CHANGELOG.read_text(encoding="utf-8"), re.MULTILINE)
    assert entries and entries[0] == version


def test_the_title_makes_an_ascii_package_name(spec: dict[str, Any]) -> None:
    assert spec["info"]["title"] == API_TITLE and API_TITLE.isascii()


def test_operation_ids_read_as_method_names_and_every_operation_is_tagged(spec: dict[str, Any]) -> None:
    found = {(method, path): operation["operationId"] for method, path, operation in _operations(spec)}
    assert {key: found.get(key) for key in OPERATION_IDS} == OPERATION_IDS
    ids = list(found.values())
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z]+)*", i) for i in ids), ids
    tag_names = {tag["name"] for tag in spec["tags"]}
    for _, _, operation in _operations(spec):
        assert operation["tags"] and set(operation["tags"]) <= tag_names


def test_every_error_response_is_the_one_problem_component(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert "ValidationErrorModel" not in schemas
    assert schemas["Problem"]["properties"]["errors"]["items"] == {"$ref": "#/components/schemas/FieldError"}
    assert {"field", "value", "code", "message", "messages"} <= set(schemas["FieldError"]["required"])
    assert schemas["FieldError"]["properties"]["messages"] == {"$ref": "#/components/schemas/LocalizedText"}
    for method, path, operation in _operations(spec):
        for status, response in operation["responses"].items():
            if status.startswith("2"):
                continue
            assert response["content"] == {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}, (
                method, path, status)


def test_each_domain_error_has_its_own_problem_type() -> None:
    def subclasses(cls: type) -> set[type]:
        found = set(cls.__subclasses__())
        return found | {s for c in found for s in subclasses(c)}

    assert subclasses(ScoringError) <= set(SCORING_PROBLEMS), "add the new error to problems.SCORING_PROBLEMS"
    uris = [p.uri for p in PROBLEM_TYPES]
    assert len(uris) == len(set(uris))
    documented = CHANGELOG.read_text(encoding="utf-8")
    for kind in PROBLEM_TYPES:
        assert f"`{kind.slug}`" in documented, f"{kind.slug} is not documented in {CHANGELOG.name}"


def test_the_committed_document_is_the_served_one(spec: dict[str, Any]) -> None:
    """docs/openapi.json is what clients are generated from offline and what reviewers diff."""
    served = json.dumps(spec, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("PAD_WRITE_OPENAPI") == "1":
        SNAPSHOT.write_text(served, encoding="utf-8")
    assert SNAPSHOT.read_text(encoding="utf-8") == served, (
        "The API contract changed. Bump API_VERSION in api_routes/openapi.py (minor when added, major when "
        "removed or retyped), add its entry to docs/api-changelog.md, then rewrite the committed document: "
        "PAD_WRITE_OPENAPI=1 pytest tests/api/test_openapi_contract.py -k committed")


# --- every operation documents exactly the statuses it can give ----------------------------------
@dataclass(frozen=True)
class Call:
    """One request to an operation: a sample that succeeds, then altered by a provocation."""

    method: str
    path: str
    role: str | None = "viewer"
    query: dict[str, str] = field(default_factory=dict)
    body: Any = None
    raw: tuple[bytes, str] | None = None  # a body sent as is, with its content type
    if_match: str | None = None
    store_down: bool = False
    without_bins: bool = False


def _samples(world: ApiWorld) -> dict[str, Call]:
    """A request that succeeds, for each operation. A new route adds its own here."""
    known = world.client_ids[10]
    edited = world.client_ids[11]
    # A client whose version 1 is stale, for the decision's If-Match provocations.
    decided = world.client_ids[13]
    if world.store.current(decided).version == 1:
        world.service.update_client(decided, {"AMT_INCOME_TOTAL": 170_000.0}, expected_version=1,
                                    user=world.store.get_user("advisor-user"), reason="contract test")
    # A model refusal granted by an advisor waits for a second person (here the admin).
    refused = next(c for c in world.client_ids[20:] if world.service.score_client(c, explain=False).decision
                   == "refused")
    pending = world.service.decisions.decide(
        refused, version=world.store.current(refused).version, outcome="granted",
        justification="contract test: salary slip seen", user=world.store.get_user("advisor-user"))
    return {
        "getHealth": Call("GET", "/api/health", role=None),
        "getReady": Call("GET", "/api/ready"),
        "getModel": Call("GET", "/api/model"),
        "searchClients": Call("GET", "/api/clients", query={"q": str(known)[:3]}),
        "getClient": Call("GET", f"/api/client/{known}"),
        "patchClient": Call("PATCH", f"/api/client/{edited}", role="advisor", if_match="current",
                            body={"changes": {"AMT_INCOME_TOTAL": 180_000.0}, "reason": "contract test"}),
        "getClientHistory": Call("GET", f"/api/client/{known}/history"),
        "getRecourse": Call("GET", f"/api/client/{known}/recourse"),
        "getScore": Call("GET", f"/api/score/{known}", query={"explain": "false"}),
        "scoreWhatIf": Call("POST", "/api/score", body={"client_id": known, "changes": {"AMT_INCOME_TOTAL": 200_000.0},
                                                        "explain": False}),
        "scoreBatch": Call("POST", "/api/score/batch", body={"items": [{"client_id": known}], "explain": False}),
        "getClientDecisions": Call("GET", f"/api/client/{known}/decisions"),
        "recordDecision": Call("POST", f"/api/client/{decided}/decisions", role="advisor", if_match="current",
                               body={"decision": "refused", "justification": "contract test"}),
        "approveDecision": Call("POST", f"/api/client/{refused}/approvals", role="admin",
                                body={"decision_id": pending.id, "approve": True}),
        "contestDecision": Call("POST", f"/api/client/{known}/contests", role="advisor",
                                body={"statement": "contract test", "request_review": True}),
        "getOverrideRates": Call("GET", "/api/decisions/overrides", query={"days": "30"}),
        "getMonitoring": Call("GET", "/api/monitoring", role="admin", query={"period": "week"}),
    }


def _unknown_client(call: Call) -> Call:
    path = re.sub(r"/\d+(/|$)", r"/1\1", call.path)
    body = call.body
    if isinstance(body, dict) and "client_id" in body:
        body = {**body, "client_id": 999_999_999}
    return replace(call, path=path, body=body)


# Every provocation is sent to every operation, whatever the document says: a route that can give
# a status it does not document, or documents one nothing can provoke, fails the comparison.
PROVOCATIONS: dict[str, Callable[[Call], Call]] = {
    "as sampled": lambda c: c,
    "no token": lambda c: replace(c, role=None),
    "a viewer's token": lambda c: replace(c, role="viewer") if c.role is not None else c,
    "an unknown client": _unknown_client,
    "an id the path cannot take": lambda c: replace(c, path=re.sub(r"/\d+(/|$)", r"/-1\1", c.path)),
    "a bad query parameter": lambda c: replace(c, query={**c.query, "lang": "xx"}),
    "an empty JSON object": lambda c: replace(c, body={}),
    "malformed JSON": lambda c: replace(c, raw=(b"{not json", "application/json")),
    "a form body": lambda c: replace(c, raw=(b"client_id=1", "application/x-www-form-urlencoded")),
    "a 3 MiB body": lambda c: replace(c, raw=(json.dumps({"pad": "x" * (3 << 20)}).encode(), "application/json")),
    "no If-Match": lambda c: replace(c, if_match=None),
    # The sample edit went first: version 1 is stale.
    "a stale If-Match": lambda c: replace(c, if_match='"v1"'),
    "version 0": lambda c: replace(c, if_match='"v0"'),
    "an unreadable If-Match": lambda c: replace(c, if_match="garbage"),
    "the store down": lambda c: replace(c, store_down=True),
    "a model built before monitoring": lambda c: replace(c, without_bins=True),
}


@contextmanager
def _store_down(world: ApiWorld, down: bool) -> Iterator[None]:
    """Every statement fails as a database that refuses connections would."""

    def refuse(*_: Any) -> None:
        raise OperationalError("SELECT", {}, ConnectionRefusedError("connection refused"))

    if down:
        event.listen(world.store.engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        if down:
            event.remove(world.store.engine, "before_cursor_execute", refuse)


@contextmanager
def _without_bins(world: ApiWorld, hidden: bool) -> Iterator[None]:
    """The serving model's monitoring reference bins are gone, as in an artifact built before them."""
    path = world.service.artifact.path / BINS_FILE
    if hidden:
        path.rename(path.with_suffix(".hidden"))
    try:
        yield
    finally:
        if hidden:
            path.with_suffix(".hidden").rename(path)


def _send(world: ApiWorld, call: Call) -> Any:
    headers = world.headers(call.role) if call.role else {}
    if call.if_match == "current":
        current = world.client.get(call.path, headers=world.headers("viewer"))
        headers["If-Match"] = current.headers.get("ETag", '"v1"')
    elif call.if_match is not None:
        headers["If-Match"] = call.if_match
    kwargs: dict[str, Any] = {"headers": headers, "query_string": call.query}
    if call.raw is not None:
        kwargs["data"], kwargs["content_type"] = call.raw
    elif call.body is not None:
        kwargs["json"] = call.body
    with _store_down(world, call.store_down), _without_bins(world, call.without_bins):
        return world.client.open(call.path, method=call.method, **kwargs)


def test_every_operation_documents_exactly_the_statuses_it_can_give(world: ApiWorld, spec: dict[str, Any]) -> None:
    samples = _samples(world)
    types_by_status: dict[int, set[str]] = {}
    for kind in PROBLEM_TYPES:
        types_by_status.setdefault(kind.status, set()).add(kind.uri)
    mismatches = {}
    for method, path, operation in _operations(spec):
        op_id = operation["operationId"]
        assert op_id in samples, f"{op_id}: add a request that succeeds to _samples"
        assert (samples[op_id].method.lower(), path) == (method, re.sub(r"/(-?\d+)(/|$)", r"/{client_id}\2",
                                                                           samples[op_id].path))
        observed: dict[int, str] = {}
        for name, provoke in PROVOCATIONS.items():
            response = _send(world, provoke(samples[op_id]))
            if name == "as sampled":
                assert response.status_code == 200, (op_id, response.get_data(as_text=True)[:300])
            observed.setdefault(response.status_code, name)
            if response.status_code >= 400:
                assert response.mimetype == PROBLEM, (op_id, name, response.get_data(as_text=True)[:200])
                body = response.get_json()
                assert body["status"] == response.status_code
                assert body["type"] in types_by_status[response.status_code], (op_id, name, body)
        documented = {int(status) for status in operation["responses"]}
        if set(observed) != documented:
            mismatches[op_id] = {"documented, never provoked": sorted(documented - set(observed)),
                                 "given, not documented": {s: observed[s] for s in set(observed) - documented}}
    assert not mismatches, json.dumps(mismatches, indent=1)


def test_problem_types_name_the_class_of_error(world: ApiWorld) -> None:
    def problem_type(response: Any) -> str:
        return response.get_json()["type"].rsplit("/", 1)[-1]

    viewer = world.headers("viewer")
    assert problem_type(world.client.get("/api/score/1", headers=viewer)) == "unknown-client"
    assert problem_type(world.client.get("/api/nothing", headers=viewer)) == "not-found"
    assert problem_type(world.client.get("/api/clients?limit=0", headers=viewer)) == "invalid-request"
    assert problem_type(world.client.post("/api/score", json={"application": {"AMT_CREDIT": -1.0}, "new_client": True},
                                          headers=viewer)) == "invalid-application"
    url = f"/api/client/{world.client_ids[12]}"
    body = {"changes": {"AMT_CREDIT": 100_000.0}, "reason": "r"}
    assert problem_type(world.client.patch(url, json=body, headers=world.headers("advisor"))) == "precondition-required"
    edit = world.client.patch(url, json=body, headers=world.headers("advisor", **{"If-Match": '"v1"'}))
    assert edit.status_code == 200, edit.get_data(as_text=True)
    stale = world.client.patch(url, json=body, headers=world.headers("advisor", **{"If-Match": '"v1"'}))
    assert problem_type(stale) == "stale-version"
    garbage = world.client.patch(url, json=body, headers=world.headers("advisor", **{"If-Match": "x"}))
    assert problem_type(garbage) == "precondition-failed"
    assert problem_type(world.client.patch(url, json=body, headers=world.headers("viewer", **{"If-Match": '"v2"'}))
                        ) == "forbidden"
    assert problem_type(world.client.patch(url, json=body, headers=world.headers("advisor", **{"If-Match": '"v0"'}))
                        ) == "precondition-failed"
    assert problem_type(world.client.get("/api/model")) == "unauthenticated"
    batch = world.client.post("/api/score/batch", json={"items": [{"client_id": 1}]}, headers=viewer).get_json()
    assert batch["results"][0]["error"]["type"].endswith("/unknown-client")


def test_each_response_names_the_model_that_answered(world: ApiWorld) -> None:
    for response in (world.client.get("/api/health"), world.client.get("/api/score/1", headers=world.headers())):
        assert response.headers["X-Model-Version"] == world.service.artifact.version
