"""The penetration test's findings, one test per class, through the real app: open redirect,
sessions that outlive logout, login CSRF and logout by GET, public-prefix bypass, 500s on
malformed requests, control characters in free text, missing headers, unbounded bodies."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

import pytest

from app import create_app
from scoring.settings import Settings
from tests.dashboard.conftest import PASSWORDS, SAME_SITE, Dashboard, DashRequest
from tests.dashboard.test_callbacks import edit_call, load, text_of

# Targets that look like paths but that a browser reads as another host, or that are not even
# valid header values (CR/LF). What `next` holds travels through the login form.
HOSTILE_TARGETS = [
    "//evil.example/x", "/\\evil.example", "\\\\evil.example", "https://evil.example", " //evil.example",
    "/\t/evil.example", "/\n/evil.example", "\t//evil.example", "/\r\n/evil.example",
    "/%0d%0aSet-Cookie:%20x=1", "/\r\nSet-Cookie: x=1", "http:/evil.example", "/\u3000/evil.example",
    "javascript:alert(1)", "/\x00/evil.example",
]


def browser_destination(location: str) -> str:
    """The host a browser goes to for this Location, read as WHATWG URL parsing does for http(s):
    tabs and line breaks dropped, backslashes taken for slashes (urljoin drops the former)."""
    return urlsplit(urljoin("http://localhost/login", location.replace("\\", "/"))).netloc


def login(dashboard: Dashboard, next_path: str, client=None, **headers: str):
    client = client or dashboard.server.test_client()
    response = client.post("/login", data={"name": "conseil", "password": PASSWORDS["conseil"], "next": next_path},
                           headers={**SAME_SITE, **headers})
    return client, response


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_login_redirects_only_inside_the_app_as_the_browser_reads_the_target(dashboard: Dashboard,
                                                                            target: str) -> None:
    _, response = login(dashboard, target)
    assert response.status_code == 303
    assert browser_destination(response.headers["Location"]) == "localhost"
    page = dashboard.server.test_client().get("/login", query_string={"next": target})
    assert page.status_code == 200


def test_login_keeps_a_real_path_of_the_app(dashboard: Dashboard) -> None:
    client_id = dashboard.client_ids[0]
    _, response = login(dashboard, f"/client/{client_id}?lang=en")
    assert response.headers["Location"] == f"/client/{client_id}?lang=en"


def test_a_session_cookie_replayed_after_logout_saves_nothing(dashboard: Dashboard) -> None:
    client, _ = login(dashboard, "/")
    client_id = dashboard.client_ids[7]
    data = load(DashRequest(client), client_id)
    copied = client.get_cookie("session").value
    assert client.post("/logout", headers=SAME_SITE).status_code == 200
    thief = dashboard.server.test_client()
    thief.set_cookie("session", copied)
    versions = len(dashboard.service.history(client_id))
    # The callback's shape read with a live session; the save posted with the copied cookie.
    reader, _ = login(dashboard, "/")
    replay = DashRequest(SimpleNamespace(get=reader.get, post=thief.post))
    response = edit_call(replay, data, "save", {"AMT_INCOME_TOTAL": 123_456}, reason="rejeu")
    assert response.status_code == 401
    assert thief.get("/").status_code == 302
    assert len(dashboard.service.history(client_id)) == versions


def test_a_password_change_ends_the_users_open_sessions(dashboard: Dashboard) -> None:
    dashboard.store.add_user("changeant", "viewer", "premier-mot-de-passe")
    client = dashboard.server.test_client()
    client.post("/login", data={"name": "changeant", "password": "premier-mot-de-passe"}, headers=SAME_SITE)
    assert client.get("/").status_code == 200
    dashboard.store.set_password("changeant", "second-mot-de-passe")
    assert client.get("/").status_code == 302


def test_login_from_another_site_is_refused(dashboard: Dashboard) -> None:
    client = dashboard.server.test_client()
    for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"}, {"Referer": "https://evil.example/f"},
                    {"Origin": "", "Referer": ""}):
        response = client.post("/login", data={"name": "conseil", "password": PASSWORDS["conseil"]}, headers=headers)
        assert response.status_code == 403
        assert client.get("/").status_code == 302  # no session was opened
    _, same_site_referer = login(dashboard, "/", Origin="", Referer="http://localhost/login")
    assert same_site_referer.status_code == 303


def test_logout_needs_a_post_from_this_site(dashboard: Dashboard) -> None:
    client, _ = login(dashboard, "/")
    client.get("/logout")  # a link or an image on another site
    assert client.get("/").status_code == 200
    assert client.post("/logout", headers={"Origin": "https://evil.example"}).status_code == 403
    assert client.get("/").status_code == 200
    assert client.post("/logout", headers=SAME_SITE).status_code == 200
    assert client.get("/").status_code == 302


def test_dashboard_writes_from_another_origin_are_refused(dashboard: Dashboard, advisor: DashRequest) -> None:
    response = advisor.client.post("/_dash-update-component", json={"output": "x.y", "outputs": {}, "inputs": []},
                                   headers={"Origin": "https://evil.example"})
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/login/x", "/logout/x", "/assets//x", "/assets/../client/1", "/_favicon.ico/x"])
def test_paths_under_public_routes_still_need_a_session(dashboard: Dashboard, path: str) -> None:
    response = dashboard.server.test_client().get(path)
    assert response.status_code in (302, 308, 404)
    assert "_dash-config" not in response.get_data(as_text=True)  # not the dashboard's index page


@pytest.mark.parametrize("path", ["/api", "/api/x", "/api/client/1/unknown", "/api/docs/nothing-here"])
def test_unknown_api_paths_answer_404_in_problem_json(dashboard: Dashboard, path: str) -> None:
    response = dashboard.server.test_client().get(path)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/problem+json")


def test_malformed_requests_get_a_4xx_never_a_500(dashboard: Dashboard, advisor: DashRequest) -> None:
    nested = "[" * 100_000 + "]" * 100_000
    bodies = [nested, '{"output": "a.b", "outputs": {}, "inputs": ' + nested + "}", '{"x": 1}', "[]", "not json",
              '{"output": 1, "outputs": [], "inputs": []}']
    for body in bodies:
        response = advisor.client.post("/_dash-update-component", data=body, content_type="application/json",
                                       headers=SAME_SITE)
        assert 400 <= response.status_code < 500, body[:40]
    for path in ("/_dash-component-suites/nope/x.js", "/_dash-component-suites/dash/nope.js",
                 "/_dash-component-suites/dash/../../app.py"):
        assert 400 <= advisor.client.get(path).status_code < 500, path
    _, response = login(dashboard, "/\r\n")
    assert response.status_code == 303


def test_dashboard_callback_bodies_have_the_app_wide_limit(dashboard: Dashboard, advisor: DashRequest) -> None:
    limit = dashboard.server.config["MAX_CONTENT_LENGTH"]
    body = '{"output": "a.b", "outputs": {}, "inputs": [], "padding": "' + "x" * limit + '"}'
    response = advisor.client.post("/_dash-update-component", data=body, content_type="application/json",
                                   headers=SAME_SITE)
    assert response.status_code == 413


@pytest.mark.parametrize("reason", ["ok\u202egnp.exe", "nul\x00byte", "\x1b[31mrouge\x1b[0m", "zéro\u200blargeur"])
def test_edit_reasons_with_control_or_format_characters_are_refused(dashboard: Dashboard, advisor: DashRequest,
                                                                      reason: str) -> None:
    client_id = dashboard.client_ids[8]
    data = load(advisor, client_id)
    versions = len(dashboard.service.history(client_id))
    body = edit_call(advisor, data, "save", {"AMT_INCOME_TOTAL": 210_000}, reason=reason).get_json()["response"]
    assert "U+" in text_of(body["edit-status"]["children"])
    assert len(dashboard.service.history(client_id)) == versions


def test_edit_reasons_keep_their_line_breaks(dashboard: Dashboard, advisor: DashRequest) -> None:
    client_id = dashboard.client_ids[9]
    data = load(advisor, client_id)
    edit_call(advisor, data, "save", {"AMT_INCOME_TOTAL": 211_000}, reason="justificatif\r\nreçu le 3/12")
    assert dashboard.service.history(client_id)[-1].reason == "justificatif\nreçu le 3/12"


def test_every_response_carries_the_security_headers(dashboard: Dashboard, advisor: DashRequest) -> None:
    anonymous = dashboard.server.test_client()
    for response in (advisor.client.get("/"), anonymous.get("/login"), anonymous.get("/api/health"),
                     anonymous.get("/api/docs/swagger"), anonymous.get("/api/x")):
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in headers["Content-Security-Policy"].split("script-src", 1)[1].split(";")[0]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain HTTP by default
    cookie = advisor.client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure


def test_over_https_cookies_are_secure_and_hsts_is_sent(dashboard: Dashboard, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, artifact_dir=dashboard.service.artifact.path,
                        secret_key="https-test-secret", https=True, trusted_proxies=1)
    server = create_app(settings, store=dashboard.store)
    client = server.test_client()
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.20", "Origin": "https://localhost"}
    response = client.post("/login", data={"name": "conseil", "password": PASSWORDS["conseil"]}, headers=proxied)
    assert response.status_code == 303
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith("__Host-session=") and "Secure" in set_cookie and "HttpOnly" in set_cookie
    audited = next(e for e in dashboard.store.audit_events(limit=5) if e.action == "login")
    assert audited.detail["address"] == "198.51.100.20"  # the client, not the proxy


def test_a_response_that_sets_a_security_header_keeps_its_own(dashboard: Dashboard, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, artifact_dir=dashboard.service.artifact.path, secret_key="own-header")
    server = create_app(settings, dashboard=False, store=dashboard.store)
    server.add_url_rule("/own", "own", lambda: ("ok", 200, {"referrer-policy": "no-referrer"}))
    headers = server.test_client().get("/own").headers
    assert headers.getlist("Referrer-Policy") == ["no-referrer"]
    assert headers.getlist("X-Frame-Options") == ["DENY"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
