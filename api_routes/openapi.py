"""The OpenAPI document of /api, written for the client generators back-office teams run on it.

- `API_VERSION` is the contract's version (semantic; docs/api-changelog.md says what each one
  changed), not the model's: the model version is in every score, in `GET /api/model` and in the
  `X-Model-Version` header of every /api response.
- Each route is declared once with `Operations` (see `register_api`): an operation id that reads
  as a method name, a tag, the success model, the role it needs and the errors its own code
  raises. The statuses that every route of its kind can give (a token: 401, and 503 when the
  store is down; a role above viewer:
  403; parameters: 422; a path id: 404; a body: 400, 413, 415; an edit: 412, 428) are added here,
  so a route documents the responses it can give and no others (tests/api/test_openapi_contract.py
  proves each one with a request).
- Every error response is the one `Problem` component, as application/problem+json.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from flask_openapi3 import APIBlueprint, Info, OpenAPI, Tag
from pydantic import BaseModel

from api_routes import models
from api_routes.auth import BEARER_SCHEME, SECURITY
from api_routes.problems import PROBLEM_JSON, PROBLEM_TYPES, pydantic_problem

# Bump on every contract change and say what changed in docs/api-changelog.md: patch for a
# description, minor for anything added (route, optional field, problem type), major for anything
# removed, renamed or retyped (a generated client would break).
API_VERSION = "2.3.0"
# ASCII: generators derive the package name from the title (pret-a-depenser-scoring-api-client).
API_TITLE = "Pret a depenser scoring API"
API_DESCRIPTION = f"""API de score crédit « Prêt à dépenser » / credit-scoring API.

Chaque route sauf `/api/health` demande un jeton (`Authorization: Bearer <jeton>`), créé par
`credit-scoring tokens create --user NOM`. Les erreurs sont en `application/problem+json` (RFC 9457) :
`type` dit de quelle erreur il s'agit. L'en-tête `X-Model-Version` donne la version du modèle.

Every route but `/api/health` needs a bearer token. Errors are `application/problem+json`
(RFC 9457): branch on `type`. Each response carries the model version in `X-Model-Version`.
This document's version ({API_VERSION}) is the contract's, not the model's.

Problem types / types d'erreur:
""" + "\n".join(f"- `{p.uri}` ({p.status}): {p.when}" for p in PROBLEM_TYPES)

BODY_METHODS = frozenset({"POST", "PATCH", "PUT"})
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def problem_responses(*statuses: int) -> dict[int, dict[str, Any]]:
    """Documented error responses: the `Problem` component, with the types each status may carry."""
    responses = {}
    for status in sorted(set(statuses)):
        kinds = ", ".join(p.slug for p in PROBLEM_TYPES if p.status == status)
        description = HTTPStatus(status).phrase + (f" ({kinds})" if kinds else "")
        responses[status] = {"description": description, "content": {PROBLEM_JSON: {"schema": dict(PROBLEM_REF)}}}
    return responses


def error_statuses(method: str, rule: str, role: str | None, has_parameters: bool,
                   raises: Iterable[int] = (), if_match: bool = False) -> set[int]:
    """The error statuses a route can answer: those its own code raises, plus those of the hooks
    and validation every route of its kind goes through (auth.token_guard, the body and If-Match
    checks in register_api, flask-openapi3's parameter validation, werkzeug's int converter)."""
    statuses = set(raises)
    if role is not None:
        statuses |= {401, 503}  # the token is looked up in the store
        if role != "viewer":  # every token is at least a viewer's
            statuses.add(403)
    if has_parameters:
        statuses.add(422)
    if "<int:" in rule:  # -1 does not match the converter: no route, 404
        statuses.add(404)
    if method in BODY_METHODS:
        statuses |= {400, 413, 415}
    if method == "PATCH" or if_match:
        statuses |= {412, 428}
    return statuses


class Operations:
    """Declares the /api routes: one decorator a route, the pattern every new route follows.

        @route("POST", "/client/<int:client_id>/decision", operation_id="recordDecision",
               tag=decisions_tag, ok=models.Decision, role="advisor", raises=(409,))
        def record_decision(path: models.ClientPath, body: models.DecisionRequest) -> Response: ...

    `raises` lists only the statuses the view (or the service it calls) answers by itself."""

    def __init__(self, api: APIBlueprint) -> None:
        self.api = api
        # The role each endpoint needs (None: no token), read by auth.token_guard on each request.
        self.roles: dict[str, str | None] = {}
        self.statuses: dict[str, set[int]] = {}
        # Endpoints that act on the version the caller read: If-Match required (428 without).
        self.if_match: set[str] = set()

    def __call__(self, method: str, rule: str, *, operation_id: str, tag: Tag, ok: type[BaseModel],
                 role: str | None = "viewer", raises: Iterable[int] = (), if_match: bool = False,
                 summary: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        method = method.upper()

        def register(view: Callable[..., Any]) -> Callable[..., Any]:
            statuses = error_statuses(method, rule, role, bool(inspect.signature(view).parameters), raises,
                                      if_match)
            self.roles[view.__name__] = role
            if method == "PATCH" or if_match:
                self.if_match.add(view.__name__)
            self.statuses[operation_id] = statuses
            add = getattr(self.api, method.lower())
            return add(rule, operation_id=operation_id, tags=[tag], summary=summary,
                       security=SECURITY if role is not None else None,
                       responses={200: ok, **problem_responses(*statuses)})(view)

        return register


def finalize_spec(spec: dict[str, Any]) -> None:
    """flask-openapi3 adds a 422 of its own model to every operation that lacks one (health has no
    parameters and cannot give it): take those out, with their component, and put in `Problem`."""
    for path_item in spec.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.get("responses", {})
            for status in [s for s, r in responses.items() if "ValidationErrorModel" in json.dumps(r)]:
                del responses[status]
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("ValidationErrorModel", None)
    problem = models.Problem.model_json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    spec["components"]["schemas"] = dict(sorted(schemas.items()))


class ApiServer(OpenAPI):
    def generate_spec_json(self) -> None:
        super().generate_spec_json()
        finalize_spec(self.spec_json)


def api_server(import_name: str) -> ApiServer:
    """The Flask server the API blueprint (and the dashboard) live on, with the spec's header."""
    return ApiServer(
        import_name,
        info=Info(title=API_TITLE, version=API_VERSION, description=API_DESCRIPTION),
        security_schemes=BEARER_SCHEME,
        doc_prefix="/api/docs",
        validation_error_status=422,
        validation_error_callback=pydantic_problem,
    )
