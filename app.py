"""Composition root: settings → store → one ScoringService → Flask server (OpenAPI) with the /api
blueprint and the Dash dashboard on the same port.

    gunicorn app:server                 # production (gunicorn.conf.py beside this file)
    credit-scoring serve                # local: builds the demo model and clients when missing

`create_app(settings)` builds a new, independent app each call (tests build many); `server` is the
one app a WSGI server imports, built on first access from the environment.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import flask
from dash.exceptions import DependencyException
from flask_openapi3 import OpenAPI
from werkzeug.middleware.proxy_fix import ProxyFix

from api_routes import register_api
from api_routes.openapi import api_server
from scoring.credentials import ensure_first_admin
from scoring.service import ScoringService
from scoring.settings import Settings
from scoring.store import Store

log = logging.getLogger("pret_a_depenser")


def create_app(settings: Settings | None = None, *, dashboard: bool = True,
               store: Store | None = None) -> OpenAPI:
    """A new server: the store (migrated), the service, the API and, unless told not to, the
    dashboard. The first start on an empty store creates an admin and logs where its password is."""
    settings = settings or Settings.from_env()
    store = store or Store.open(settings.resolved_database_url, **settings.store_options())
    created = ensure_first_admin(store, settings)
    if created is not None:
        print(created, flush=True)
    service = ScoringService.from_artifact(settings.artifact_dir, store=store)

    server = api_server(__name__)
    server.secret_key = settings.resolved_secret_key()
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Over HTTPS the cookie is Secure, and its __Host- name keeps it from being set by a
        # sibling subdomain or over plain HTTP.
        SESSION_COOKIE_SECURE=settings.https,
        SESSION_COOKIE_NAME="__Host-session" if settings.https else "session",
        # One body limit for the whole app (API and dashboard callbacks): 413 above it.
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        JSON_SORT_KEYS=False,
    )
    if settings.trusted_proxies:
        # Behind a TLS-terminating proxy: the client's address (login throttling), scheme and
        # host come from the proxies' X-Forwarded-* headers, and only from that many of them.
        n = settings.trusted_proxies
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    server.extensions["scoring_service"] = service
    server.extensions["settings"] = settings
    register_api(server, service, settings)
    # The spec at /api/openapi.json, where API users look first (also at /api/docs/openapi.json).
    server.add_url_rule("/api/openapi.json", "openapi_spec", lambda: server.api_doc)
    script_hashes: list[str] = []
    if dashboard:
        from callbacks import create_dashboard

        dash_app = create_dashboard(server, service, settings)
        # Dash's own inline scripts (the renderer's start, clientside callbacks), by hash.
        script_hashes += dash_app.csp_hashes()
        server.before_request(_dash_request_shape)
        # An unknown /_dash-component-suites/ file is a missing file (404), not a server error.
        server.register_error_handler(DependencyException, lambda _error: ("Not found", 404))
    install_security(server, settings, script_hashes)
    return server


# --- security: headers, cross-site posts, malformed requests ------------------------------------

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)


def content_security_policy(script_hashes: Iterable[str]) -> str:
    """Scripts only from this origin or inline ones known at start-up (by hash); styles may be
    inline (Dash and plotly.js set them); nothing may frame the pages."""
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' " + " ".join(sorted(set(script_hashes))),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def inline_script_hashes(html: str) -> list[str]:
    return [f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
            for script in _INLINE_SCRIPT.findall(html) if script.strip()]


def install_security(server: OpenAPI, settings: Settings, script_hashes: list[str]) -> None:
    """Headers on every response, cross-site posts refused, and a 4xx for malformed requests."""
    # Swagger UI starts from an inline script: hash the one the app renders, once, here.
    with server.test_request_context("/api/docs/swagger"):
        swagger = server.view_functions.get("swagger.swagger")
        if swagger is not None:
            script_hashes = [*script_hashes, *inline_script_hashes(str(swagger()))]
    policy = content_security_policy(script_hashes)
    security_headers = [
        ("Content-Security-Policy", policy),
        ("X-Frame-Options", "DENY"),  # browsers without frame-ancestors
        ("X-Content-Type-Options", "nosniff"),
        # The path of the page (client ids) stays on this site; the Origin check still has it.
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if settings.https:
        security_headers.append(("Strict-Transport-Security", "max-age=31536000"))
    # Built once, lower-cased for the check: a response that set one of these keeps its own, and
    # one pass over the response's headers instead of one per header (every response pays this).
    defaults = tuple((name.lower(), name, value) for name, value in security_headers)

    @server.before_request
    def _refuse_cross_site_writes() -> Any:
        # The dashboard's writes (callbacks, login, logout) come from its own pages. A browser
        # names the page's origin on every non-GET request; another site's origin is refused.
        # The API authenticates by bearer token, which another site cannot send, so it is exempt.
        request = flask.request
        if request.method in SAFE_METHODS or request.path == "/api" or request.path.startswith("/api/"):
            return None
        origin = request.headers.get("Origin")
        if origin and (origin == "null" or urlsplit(origin).netloc.lower() != request.host.lower()):
            return flask.jsonify({"title": "Forbidden", "status": 403,
                                  "detail": "Requête d'un autre site refusée / cross-site request refused."}), 403
        return None

    @server.after_request
    def _security_headers(response: flask.Response) -> flask.Response:
        headers = response.headers
        present = {name.lower() for name, _ in headers}
        for lowered, name, value in defaults:
            if lowered not in present:
                headers.add(name, value)
        return response


_DASH_UPDATE = "/_dash-update-component"


def _dash_request_shape() -> Any:
    """A Dash callback request Dash itself could not read would end in a 500 (KeyError, deep
    JSON's RecursionError): answer 400 before Dash sees it."""
    request = flask.request
    if request.path != _DASH_UPDATE or request.method != "POST":
        return None
    try:
        body = request.get_json(silent=True, cache=True)
    except RecursionError:
        body = None
    if (not isinstance(body, dict) or not isinstance(body.get("output"), str)
            or not isinstance(body.get("outputs"), dict | list) or not isinstance(body.get("inputs"), list)
            or not isinstance(body.get("state", []), list) or not isinstance(body.get("changedPropIds", []), list)):
        return flask.jsonify({"title": "Bad request", "status": 400,
                              "detail": "Requête de mise à jour illisible / unreadable update request."}), 400
    return None


_default: OpenAPI | None = None


def __getattr__(name: str) -> Any:
    # `gunicorn app:server` reads this attribute; building it lazily keeps `import app` free of
    # side effects for tests and scripts.
    global _default
    if name == "server":
        if _default is None:
            _default = create_app()
        return _default
    raise AttributeError(name)
