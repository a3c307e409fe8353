"""Bearer tokens for /api: every route but health needs one; roles gate what it may do.

The check runs before the request is parsed, so a caller without a valid token learns nothing
about the request's shape."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Response, g, request

from api_routes.problems import problem, request_lang
from scoring.service import ScoringService

BEARER_SCHEME = {"bearer": {"type": "http", "scheme": "bearer",
                            "description": "`credit-scoring tokens create --user NAME` prints a token"}}
SECURITY = [{"bearer": []}]


def token_guard(service: ScoringService, roles: Mapping[str, str | None],
                default_role: str = "viewer") -> Callable[[], Response | None]:
    """A before_request hook: `roles` maps an endpoint name to the role it needs (None: open)."""

    def guard() -> Response | None:
        endpoint = (request.endpoint or "").rsplit(".", 1)[-1]
        role = roles.get(endpoint, default_role)
        if role is None:
            return None
        lang = request_lang()
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return problem(401, "Unauthorized",
                           "Jeton manquant : en-tête « Authorization: Bearer <jeton> » attendu."
                           if lang == "fr" else "Missing token: 'Authorization: Bearer <token>' expected.",
                           headers={"WWW-Authenticate": 'Bearer realm="api"'})
        user = service.user_for_token(token.strip())
        if user is None:
            return problem(401, "Unauthorized",
                           "Jeton inconnu ou révoqué." if lang == "fr" else "Unknown or revoked token.",
                           headers={"WWW-Authenticate": 'Bearer realm="api", error="invalid_token"'})
        if not user.can(role):
            return problem(403, "Forbidden",
                           f"Action réservée au rôle « {role} » ou supérieur (votre rôle : {user.role})."
                           if lang == "fr" else
                           f"This action needs the '{role}' role or higher (your role: {user.role}).")
        g.api_user = user
        return None

    return guard
