"""Every /api error as RFC 9457 `application/problem+json`: a typed `type` URI a client can branch
on, a title, a status, a detail that names the field; never HTML, never a stack trace.

The problem types are a small registry (`PROBLEM_TYPES`), documented in docs/api-changelog.md
and in the OpenAPI description of `Problem.type`. A client compares `type` with these URIs;
titles and details are for people."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, request
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from scoring.decisions import DecisionConflict, UnknownDecision
from scoring.errors import FieldError, Forbidden, InvalidApplication, ScoringError, StaleVersion, UnknownClient
from scoring.text_policy import escape_controls

PROBLEM_JSON = "application/problem+json"
# RFC 9457: the type is an identifier, which clients must not dereference. `.example` (RFC 2606)
# says so plainly: no public host serves these pages; docs/api-changelog.md documents each one.
PROBLEM_BASE = "https://pret-a-depenser.example/problems/"
log = logging.getLogger("pret_a_depenser.api")


@dataclass(frozen=True)
class ProblemType:
    """One kind of error: its URI, the status it goes with and when the API sends it."""

    slug: str
    status: int
    title: str
    when: str

    @property
    def uri(self) -> str:
        return PROBLEM_BASE + self.slug


BAD_REQUEST = ProblemType("bad-request", 400, "Malformed JSON", "the body is not valid JSON")
UNAUTHENTICATED = ProblemType("unauthenticated", 401, "Unauthorized",
                              "no bearer token, or an unknown or revoked one")
FORBIDDEN = ProblemType("forbidden", 403, "Forbidden", "the token's role may not do this (edits need advisor)")
NOT_FOUND = ProblemType("not-found", 404, "Not Found", "no such route under /api (or a path id that is not a number)")
UNKNOWN_CLIENT = ProblemType("unknown-client", 404, "Unknown client", "no client has this id")
UNKNOWN_DECISION = ProblemType("unknown-decision", 404, "Unknown decision",
                               "the client has no advisor decision with this id")
DECISION_CONFLICT = ProblemType("decision-conflict", 409, "Decision conflict",
                                "the decision is not waiting for approval, or its author tries to approve it")
MONITORING_REFERENCE_MISSING = ProblemType(
    "monitoring-reference-missing", 409, "Monitoring reference missing",
    "the serving model was built before monitoring and has no reference bins: the detail names the command to run")
METHOD_NOT_ALLOWED = ProblemType("method-not-allowed", 405, "Method Not Allowed", "the route exists, not this method")
STALE_VERSION = ProblemType("stale-version", 412, "Stale version",
                            "If-Match names an older version than the current one: reload, then retry")
PRECONDITION_FAILED = ProblemType("precondition-failed", 412, "Precondition failed",
                                  'If-Match cannot be read as a version ETag ("v3")')
TOO_LARGE = ProblemType("too-large", 413, "Request Entity Too Large", "the body is over PAD_MAX_REQUEST_BYTES")
UNSUPPORTED_MEDIA_TYPE = ProblemType("unsupported-media-type", 415, "Unsupported media type",
                                     "a body that is not application/json")
INVALID_REQUEST = ProblemType("invalid-request", 422, "Invalid request",
                              "a parameter or the body's shape is wrong (type, range, unknown member); "
                              "`errors` names each field")
INVALID_APPLICATION = ProblemType("invalid-application", 422, "Invalid application",
                                  "application fields the scoring contract refuses (unknown field, level, range, "
                                  "cross-field rule, not editable); `errors` names each field and what is accepted")
PRECONDITION_REQUIRED = ProblemType("precondition-required", 428, "Precondition required",
                                    "an edit (PATCH) without If-Match")
RATE_LIMITED = ProblemType("rate-limited", 429, "Too Many Requests",
                           "too many requests from this caller; retry after the Retry-After header "
                           "(reserved: no /api route sends it yet)")
INTERNAL_ERROR = ProblemType("internal-error", 500, "Internal error", "a bug; it has been logged")
UNAVAILABLE = ProblemType("unavailable", 503, "Service unavailable",
                          "the client store cannot be reached (every route that checks a token needs it)")

PROBLEM_TYPES: tuple[ProblemType, ...] = (
    BAD_REQUEST, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, UNKNOWN_CLIENT, UNKNOWN_DECISION, METHOD_NOT_ALLOWED,
    DECISION_CONFLICT, MONITORING_REFERENCE_MISSING, STALE_VERSION,
    PRECONDITION_FAILED, TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, INVALID_REQUEST, INVALID_APPLICATION,
    PRECONDITION_REQUIRED, RATE_LIMITED, INTERNAL_ERROR, UNAVAILABLE,
)
# The type a status gets when the code that answers does not name a more precise one.
_BY_STATUS: dict[int, ProblemType] = {
    p.status: p for p in PROBLEM_TYPES
    if p not in (UNKNOWN_CLIENT, UNKNOWN_DECISION, STALE_VERSION, INVALID_APPLICATION, MONITORING_REFERENCE_MISSING)
}
# Each domain error's type. A new ScoringError subclass gets its own entry here (a test checks).
SCORING_PROBLEMS: dict[type[ScoringError], ProblemType] = {
    InvalidApplication: INVALID_APPLICATION,
    UnknownClient: UNKNOWN_CLIENT,
    StaleVersion: STALE_VERSION,
    Forbidden: FORBIDDEN,
    UnknownDecision: UNKNOWN_DECISION,
    DecisionConflict: DECISION_CONFLICT,
}


def problem_type_for(status: int, kind: ProblemType | None = None) -> str:
    if kind is not None:
        return kind.uri
    found = _BY_STATUS.get(status)
    return found.uri if found is not None else "about:blank"


def scoring_problem_type(error: ScoringError) -> str:
    for cls in type(error).__mro__:
        if cls in SCORING_PROBLEMS:
            return SCORING_PROBLEMS[cls].uri
    return problem_type_for(error.status)


def request_lang() -> str:
    """?lang= first, then the Accept-Language header, French by default."""
    asked = request.args.get("lang")
    if asked in ("fr", "en"):
        return asked
    best = request.accept_languages.best_match(["fr", "en"])
    return best or "fr"


def field_error(error: FieldError, lang: str) -> dict[str, Any]:
    """The `FieldError` component: the message in the request's language, and both."""
    return {**error.to_dict(lang), "messages": {"fr": error.message_fr, "en": error.message_en}}


def problem_body(status: int, title: str, detail: str, errors: list[dict[str, Any]] | None = None,
                 *, kind: ProblemType | None = None, type_uri: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"type": type_uri or problem_type_for(status, kind), "title": title, "status": status,
                            "detail": detail}
    if errors:
        body["errors"] = errors
    return body


def problem(status: int, title: str, detail: str, errors: list[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None, *, kind: ProblemType | None = None) -> Response:
    """A problem+json response; `kind` when the status alone does not say which problem it is."""
    body = problem_body(status, title, detail, errors, kind=kind)
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def scoring_problem_body(error: ScoringError, lang: str) -> dict[str, Any]:
    errors = [field_error(e, lang) for e in error.errors] if isinstance(error, InvalidApplication) else None
    return problem_body(error.status, error.title_en, error.message(lang), errors,
                        type_uri=scoring_problem_type(error))


def scoring_problem(error: ScoringError) -> Response:
    body = scoring_problem_body(error, request_lang())
    return Response(json.dumps(body, ensure_ascii=False), status=error.status, mimetype=PROBLEM_JSON)


def _location(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "body"


def pydantic_problem(error: ValidationError) -> Response:
    """Request models' errors (query, path, body shape) with the field named, as 422."""
    lang = request_lang()
    field_errors = []
    for item in error.errors(include_url=False):
        field = _location(item.get("loc", ()))
        value = item.get("input")
        message_en = f"{field}: {item.get('msg', 'invalid value')}"
        field_errors.append(FieldError(field, value if isinstance(value, str | int | float | bool | None)
                                       else repr(value)[:80], item.get("type", "invalid"),
                                       f"{field} : {item.get('msg', 'valeur invalide')}", message_en))
    detail_fr = "Requête invalide : " + " ; ".join(e.message_fr for e in field_errors[:5])
    detail_en = "Invalid request: " + "; ".join(e.message_en for e in field_errors[:5])
    return problem(422, "Invalid request", detail_fr if lang == "fr" else detail_en,
                   [field_error(e, lang) for e in field_errors], kind=INVALID_REQUEST)


def register_problem_handlers(server: Flask, prefix: str = "/api") -> None:
    """Error handlers that answer problem+json under `prefix` and leave the dashboard's pages alone."""

    def under_api() -> bool:
        return request.path == prefix or request.path.startswith(prefix + "/")

    @server.errorhandler(ScoringError)
    def _scoring_error(error: ScoringError) -> Response:
        return scoring_problem(error)

    @server.errorhandler(OperationalError)
    def _store_unreachable(error: OperationalError) -> Any:
        # The database is down or refuses connections: the caller may retry, it is not a bug.
        log.warning("store unreachable on %s %s: %s", request.method, request.path, type(error.orig).__name__)
        if not under_api():
            raise error
        return problem(503, "Service unavailable", "Base de clients injoignable ; réessayez." if request_lang() == "fr"
                       else "Client store unreachable; retry later.", headers={"Retry-After": "5"}, kind=UNAVAILABLE)

    @server.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Any:
        if not under_api():
            return error
        if error.response is not None and error.response.mimetype in (PROBLEM_JSON, "application/json"):
            # flask-openapi3's validation callback answers through abort(response).
            return error.response
        lang = request_lang()
        detail = error.description or error.name
        if error.code == 413:
            detail = ("Corps de requête trop volumineux." if lang == "fr" else "Request body too large.")
        elif error.code == 404:
            detail = (f"Aucune route {request.path}." if lang == "fr" else f"No route {request.path}.")
        elif error.code == 405:
            detail = (f"Méthode {request.method} non permise sur {request.path}." if lang == "fr"
                      else f"Method {request.method} not allowed on {request.path}.")
        return problem(error.code or 500, error.name, detail)

    @server.errorhandler(Exception)
    def _unexpected(error: Exception) -> Any:
        if isinstance(error, HTTPException):
            return _http_error(error)
        # No request body or client data in the log: the path and the error type only.
        # Escaped: a decoded %0A in the path would otherwise start a forged log line.
        log.exception("unexpected error on %s %s", request.method, escape_controls(request.path))
        if not under_api():
            raise error
        return problem(500, "Internal error",
                       "Erreur interne ; elle a été journalisée." if request_lang() == "fr"
                       else "Internal error; it has been logged.")
