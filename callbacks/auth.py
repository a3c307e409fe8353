"""Login for the dashboard: a Flask form, a revocable server-side session, and a guard that keeps
client data behind it. `/api/**` keeps its own token rules and is left alone here.

The cookie (signed by Flask) carries only a random session id; the store says whether that session
is still live (scoring.store.sessions), so logout, a password change or a user's removal end it
for good, as do the idle and absolute limits. The forms that change who is logged in (login,
logout) are POSTs accepted only from this site's own pages (Origin, else Referer): a cross-site
form cannot log a victim in as someone else, nor a cross-site link log them out."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

import flask

from layouts.common import lang_or_default, tr
from layouts.login import login_html
from scoring.store import LoginBusy, LoginThrottled

if TYPE_CHECKING:
    from scoring.service import ScoringService
    from scoring.store import User

SESSION_ID = "sid"
# Reachable without a session, by route (not by path prefix: "/login/x" or "/assets//x" fall
# through to Dash's catch-all route, which serves the app's index page): the login form, static
# files (no client data in them) and the favicon. Everything under /api/ has its own rules.
PUBLIC_RULES = frozenset({
    "/login", "/logout", "/assets/<path:filename>", "/_favicon.ico",
    "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>",
})
API_PREFIX = "/api"
DASH_DATA_PREFIX = "/_dash-"
# What a `next` target may hold: a path and a query of plain URL characters. No backslash, no
# tab or line break, no space or control character: browsers drop tabs and line breaks and read
# "\" as "/", so "/\t/evil.example" is "//evil.example" to them, another host.
_SAFE_TARGET = re.compile(r"/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*(?:\?[A-Za-z0-9\-._~!$&'()*+,;=:@/%?]*)?")


def safe_next(target: str | None) -> str:
    """`target` when it is a path of this app as a browser will read it, else "/" (open redirect)."""
    if not isinstance(target, str) or len(target) > 2000 or not _SAFE_TARGET.fullmatch(target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return "/"
    return target


def from_this_site(request: flask.Request) -> bool:
    """True when the browser says the request comes from one of this site's pages: Origin (every
    current browser sends it with a form POST), else Referer. Neither: refused."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source or source == "null":
        return False
    return urlsplit(source).netloc.lower() == request.host.lower()


def current_user(service: ScoringService) -> User | None:
    """The logged-in user of a live session, read again from the store on every request, so a
    logout, a password change, a removal or an expiry takes effect at once."""
    session_id = flask.session.get(SESSION_ID)
    if not session_id:
        return None
    if "dashboard_user" in flask.g:
        return flask.g.dashboard_user
    user = service.session_user(session_id)
    if user is None:
        flask.session.clear()
    flask.g.dashboard_user = user
    return user


def _html(body: str, status: int = 200, headers: dict[str, str] | None = None) -> flask.Response:
    return flask.Response(body, status=status, mimetype="text/html", headers=headers)


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
            if not from_this_site(flask.request):
                return _html(login_html(lang, next_path=next_path, cross_site=True), 403)
            try:
                user = (service.authenticate(name, password, flask.request.remote_addr or "-")
                        if name and password else None)
            except LoginBusy:
                return _html(login_html(lang, next_path=next_path, name=name, busy=True), 503,
                             {"Retry-After": "1"})
            except LoginThrottled as throttled:
                return _html(login_html(lang, next_path=next_path, name=name, retry_after_s=throttled.retry_after_s),
                             429, {"Retry-After": str(throttled.retry_after_s)})
            if user is None:
                return _html(login_html(lang, error=True, next_path=next_path, name=name), 401)
            previous = flask.session.get(SESSION_ID)
            if previous:
                service.end_session(previous)
            flask.session.clear()
            flask.session[SESSION_ID] = service.open_session(user.name)
            if lang != "fr" and "lang=" not in next_path:
                next_path += ("&" if "?" in next_path else "?") + urlencode({"lang": lang})
            return flask.redirect(next_path, code=303)
        next_path = safe_next(flask.request.args.get("next"))
        return _html(login_html(lang, next_path=next_path))

    def logout() -> Any:
        lang = lang_or_default(flask.request.args.get("lang"))
        if not from_this_site(flask.request):
            return _html(login_html(lang, cross_site=True), 403)
        session_id = flask.session.get(SESSION_ID)
        if session_id:
            service.end_session(session_id)
        flask.session.clear()
        return _html(login_html(lang, logged_out=True))

    server.add_url_rule("/login", "dashboard_login", login, methods=["GET", "POST"])
    # POST only: a link or an image on another site must not log anyone out.
    server.add_url_rule("/logout", "dashboard_logout", logout, methods=["POST"])

    @server.before_request
    def require_login() -> Any:
        path = flask.request.path
        rule = flask.request.url_rule
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            # The API's routes check tokens; a path under /api/ that only Dash's catch-all matched
            # is not an API route: 404 (problem+json, see api_routes.problems), not the index page.
            if rule is None and flask.request.routing_exception is not None:
                return None  # routing's own 404 or 405, answered as problem+json
            if rule is None or not rule.rule.startswith(API_PREFIX + "/"):
                flask.abort(404)
            return None
        if rule is not None and rule.rule in PUBLIC_RULES:
            return None
        if current_user(service) is not None:
            return None
        lang = lang_or_default(flask.request.args.get("lang"))
        if path.startswith(DASH_DATA_PREFIX):
            # Callbacks and the layout answer 401, never data, without a session.
            return flask.jsonify({"title": tr("login_required", "en"), "detail": tr("login_required", lang),
                                  "status": 401}), 401
        query = {"next": safe_next(flask.request.full_path.rstrip("?"))}
        if lang != "fr":
            query["lang"] = lang
        return flask.redirect("/login?" + urlencode(query), code=302)
