"""Every /api error as RFC 9457 `application/problem+json`: a title, a status, a detail that names
the field; never HTML, never a stack trace."""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask, Response, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from scoring.errors import FieldError, InvalidApplication, ScoringError

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("pret_a_depenser.api")


def request_lang() -> str:
    """?lang= first, then the Accept-Language header, French by default."""
    asked = request.args.get("lang")
    if asked in ("fr", "en"):
        return asked
    best = request.accept_languages.best_match(["fr", "en"])
    return best or "fr"


def problem(status: int, title: str, detail: str, errors: list[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def scoring_problem(error: ScoringError) -> Response:
    lang = request_lang()
    errors = [e.to_dict(lang) for e in error.errors] if isinstance(error, InvalidApplication) else None
    return problem(error.status, error.title_en, error.message(lang), errors)


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
                   [e.to_dict(lang) for e in field_errors])


def register_problem_handlers(server: Flask, prefix: str = "/api") -> None:
    """Error handlers that answer problem+json under `prefix` and leave the dashboard's pages alone."""

    def under_api() -> bool:
        return request.path == prefix or request.path.startswith(prefix + "/")

    @server.errorhandler(ScoringError)
    def _scoring_error(error: ScoringError) -> Response:
        return scoring_problem(error)

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
        log.exception("unexpected error on %s %s", request.method, request.path)
        if not under_api():
            raise error
        return problem(500, "Internal error",
                       "Erreur interne ; elle a été journalisée." if request_lang() == "fr"
                       else "Internal error; it has been logged.")
