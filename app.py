"""Composition root: settings → store → one ScoringService → Flask server (OpenAPI) with the /api
blueprint and the Dash dashboard on the same port.

    gunicorn app:server                 # production (gunicorn.conf.py beside this file)
    credit-scoring serve                # local: builds the demo model and clients when missing

`create_app(settings)` builds a new, independent app each call (tests build many); `server` is the
one app a WSGI server imports, built on first access from the environment.
"""

from __future__ import annotations

import logging
from typing import Any

from flask_openapi3 import OpenAPI

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
    store = store or Store.open(settings.resolved_database_url)
    created = ensure_first_admin(store, settings)
    if created is not None:
        print(created, flush=True)
    service = ScoringService.from_artifact(settings.artifact_dir, store=store)

    server = api_server(__name__)
    server.secret_key = settings.resolved_secret_key()
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        JSON_SORT_KEYS=False,
    )
    server.extensions["scoring_service"] = service
    server.extensions["settings"] = settings
    register_api(server, service, settings)
    # The spec at /api/openapi.json, where API users look first (also at /api/docs/openapi.json).
    server.add_url_rule("/api/openapi.json", "openapi_spec", lambda: server.api_doc)
    if dashboard:
        from callbacks import create_dashboard

        create_dashboard(server, service, settings)
    return server


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
