"""Login for the dashboard: a Flask form, the session cookie, and a guard that keeps client data
behind it. `/api/**` keeps its own token rules and is left alone here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import flask

from layouts.common import lang_or_default, tr
from layouts.login import login_html
from scoring.store import LoginThrottled

if TYPE_CHECKING:
    from scoring.service import ScoringService
    from scoring.store import User

SESSION_USER = "user"
# Reachable without a session: the login form, static files (no client data in them) and the API.
PUBLIC_PREFIXES = ("/login", "/logout", "/assets/", "/_dash-component-suites/", "/_favicon.ico", "/favicon.ico",
                   "/api/")
PUBLIC_PATHS = ("/api",)
DASH_DATA_PREFIX = "/_dash-"


def safe_next(path: str | None) -> str:
    """Only a path inside this app: never "//host" or "https://host" (open redirect)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


def current_user(service: ScoringService) -> User | None:
    """The logged-in user, read again from the store so a removed user is logged out at once."""
    name = flask.session.get(SESSION_USER)
    if not name:
        return None
    cached = flask.g.get("dashboard_user")
    if cached is not None and cached.name == name:
        return cached
    user = service.user(name)
    if user is None:
        flask.session.pop(SESSION_USER, None)
        return None
    flask.g.dashboard_user = user
    return user


def register_auth(server: flask.Flask, service: ScoringService) -> None:
    # The lead's settings give the key; the cookie must not travel cross-site with a form post.
    server.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    if server.config.get("SESSION_COOKIE_SAMESITE") is None:
        server.config["SESSION_COOKIE_SAMESITE"] = "Lax"

    def login() -> Any:
        lang = lang_or_default(flask.request.args.get("lang"))
        if flask.request.method == "POST":
            name = flask.request.form.get("name", "").strip()
            password = flask.request.form.get("password", "")
            next_path = safe_next(flask.request.form.get("next"))
            try:
                user = service.authenticate(name, password) if name and password else None
            except LoginThrottled as throttled:
                return flask.Response(login_html(lang, next_path=next_path, name=name,
                                                 retry_after_s=throttled.retry_after_s),
                                      status=429, mimetype="text/html",
                                      headers={"Retry-After": str(throttled.retry_after_s)})
            if user is None:
                return flask.Response(login_html(lang, error=True, next_path=next_path, name=name), status=401,
                                      mimetype="text/html")
            flask.session.clear()
            flask.session[SESSION_USER] = user.name
            if lang != "fr" and "lang=" not in next_path:
                next_path += ("&" if "?" in next_path else "?") + urlencode({"lang": lang})
            return flask.redirect(next_path, code=303)
        next_path = safe_next(flask.request.args.get("next"))
        return flask.Response(login_html(lang, next_path=next_path), mimetype="text/html")

    def logout() -> Any:
        lang = lang_or_default(flask.request.args.get("lang"))
        flask.session.clear()
        return flask.Response(login_html(lang, logged_out=True), mimetype="text/html")

    server.add_url_rule("/login", "dashboard_login", login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "dashboard_logout", logout, methods=["GET", "POST"])

    @server.before_request
    def require_login() -> Any:
        path = flask.request.path
        if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
            return None
        if current_user(service) is not None:
            return None
        lang = lang_or_default(flask.request.args.get("lang"))
        if path.startswith(DASH_DATA_PREFIX):
            # Callbacks and the layout answer 401, never data, without a session.
            return flask.jsonify({"title": tr("login_required", "en"), "detail": tr("login_required", lang),
                                  "status": 401}), 401
        target = flask.request.full_path.rstrip("?")
        query = {"next": target}
        if lang != "fr":
            query["lang"] = lang
        return flask.redirect("/login?" + urlencode(query), code=302)
