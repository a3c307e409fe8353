"""The dashboard's wiring, through Flask's test client: login, the guard, and the callbacks as the
browser calls them (POST /_dash-update-component), into the real service and store."""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.dashboard.conftest import PASSWORDS, SAME_SITE, Dashboard, DashRequest


def response_of(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.data[:500]
    return response.get_json()["response"]


def find(component: Any, component_id: str) -> dict[str, Any] | None:
    """The serialised component with this id, anywhere in a layout tree."""
    if isinstance(component, list):
        for child in component:
            if (found := find(child, component_id)) is not None:
                return found
    elif isinstance(component, dict):
        props = component.get("props", {})
        if props.get("id") == component_id:
            return component
        return find(props.get("children"), component_id)
    return None


def open_page(request: DashRequest, path: str, lang: str = "fr", recent: list[int] | None = None) -> dict[str, Any]:
    """What the browser gets when it navigates: the page (shell + route) and the recent list."""
    return response_of(request.call(
        [("shell-page", "children"), ("shell-recent", "data")],
        [("shell-url", "pathname", path), ("shell-url", "search", "" if lang == "fr" else f"?lang={lang}")],
        [("shell-recent", "data", recent or [])],
    ))


def load(request: DashRequest, client_id: int, lang: str = "fr") -> dict[str, Any]:
    """The client data the page carries to its panels."""
    page = open_page(request, f"/client/{client_id}", lang)
    store = find(page["shell-page"]["children"], "client-data")
    assert store is not None, "no client-data store on the client page"
    return store["props"]["data"]


def text_of(component: Any) -> str:
    """All the text in a serialised component tree."""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list):
        return " ".join(text_of(c) for c in component)
    if isinstance(component, dict):
        props = component.get("props", component)
        parts = [text_of(props.get("children"))] if "children" in props else []
        return " ".join(p for p in parts if p)
    return ""


# --- login and guard ---------------------------------------------------------------------------

def test_dashboard_pages_redirect_to_login_without_a_session(dashboard: Dashboard) -> None:
    client = dashboard.server.test_client()
    response = client.get(f"/client/{dashboard.client_ids[0]}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_callbacks_answer_401_and_no_client_data_without_a_session(dashboard: Dashboard) -> None:
    request = DashRequest(dashboard.server.test_client())
    response = request.call([("shell-page", "children"), ("shell-recent", "data")],
                            [("shell-url", "pathname", f"/client/{dashboard.client_ids[0]}"),
                             ("shell-url", "search", "")], [("shell-recent", "data", [])])
    assert response.status_code == 401
    assert "probability_of_default" not in response.get_data(as_text=True)
    assert dashboard.server.test_client().get("/_dash-layout").status_code == 401


def test_wrong_password_is_refused_with_a_message_in_french(dashboard: Dashboard) -> None:
    response = dashboard.server.test_client().post("/login", data={"name": "conseil", "password": "faux"},
                                                   headers=SAME_SITE)
    assert response.status_code == 401
    assert "Identifiant ou mot de passe incorrect" in response.get_data(as_text=True)


def test_repeated_wrong_passwords_get_429_and_a_wait_even_with_the_right_one(dashboard: Dashboard) -> None:
    dashboard.store.add_user("cible", "viewer", "le-bon-mot-de-passe")
    # An address of its own: the session-wide dashboard's other tests log in from 127.0.0.1.
    client = dashboard.server.test_client()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    for _ in range(dashboard.store.login_policy.per_name_and_address.free):
        assert client.post("/login", data={"name": "cible", "password": "essai"}, headers=SAME_SITE).status_code == 401
    response = client.post("/login?lang=en", data={"name": "cible", "password": "le-bon-mot-de-passe"},
                           headers=SAME_SITE)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 2
    assert "Too many password attempts" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # no session was opened


def test_login_form_exists_in_english_with_the_page_language(dashboard: Dashboard) -> None:
    page = dashboard.server.test_client().get("/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page and "Log in" in page and 'for="login-password"' in page


def test_viewer_sees_their_role_in_the_header(dashboard: Dashboard, viewer: DashRequest) -> None:
    page = open_page(viewer, "/")
    assert "consultation" in text_of(find(page["shell-page"]["children"], "shell-user")["props"]["children"])


def test_login_never_redirects_outside_the_app(dashboard: Dashboard) -> None:
    client = dashboard.server.test_client()
    response = client.post("/login", data={"name": "conseil", "password": PASSWORDS["conseil"],
                                           "next": "//evil.example/steal"}, headers=SAME_SITE)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_logout_ends_the_session(dashboard: Dashboard) -> None:
    client = dashboard.login("conseil")
    assert client.get("/").status_code == 200
    assert client.post("/logout", headers=SAME_SITE).status_code == 200
    assert client.get("/").status_code == 302


def test_api_keeps_its_own_token_rules(dashboard: Dashboard) -> None:
    response = dashboard.server.test_client().get(f"/api/client/{dashboard.client_ids[0]}")
    assert response.status_code == 401
    assert response.headers["Content-Type"].startswith("application/problem+json")


def test_page_language_follows_the_query(dashboard: Dashboard) -> None:
    client = dashboard.login("conseil")
    assert '<html lang="fr">' in client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in client.get("/?lang=en").get_data(as_text=True)


# --- callbacks -------------------------------------------------------------------------------

def test_selecting_a_client_sends_its_score_once_with_the_page(dashboard: Dashboard,
                                                               advisor: DashRequest) -> None:
    client_id = dashboard.client_ids[0]
    page = open_page(advisor, f"/client/{client_id}", recent=[dashboard.client_ids[1]])
    data = find(page["shell-page"]["children"], "client-data")["props"]["data"]
    expected = dashboard.service.score_client(client_id)
    assert data["client_id"] == client_id
    assert data["score"]["decision"] == expected.decision
    assert abs(data["score"]["probability_of_default"] - expected.probability_of_default) < 1e-12
    assert page["shell-recent"]["data"] == [client_id, dashboard.client_ids[1]]


def test_decision_and_reasons_come_with_the_page_before_any_chart(dashboard: Dashboard,
                                                                   advisor: DashRequest) -> None:
    page = open_page(advisor, f"/client/{dashboard.client_ids[3]}")["shell-page"]["children"]
    decision = text_of(find(page, "gauge-decision")["props"]["children"])
    assert any(word in decision for word in ("ACCORDÉ", "À REVOIR", "REFUSÉ"))
    assert "augmente votre risque estimé" in text_of(find(page, "why-reasons-body")["props"]["children"])
    assert find(page, "gauge-figure") is None  # the chart follows from its callback


def test_unknown_client_gets_a_message_not_an_error(advisor: DashRequest) -> None:
    page = open_page(advisor, "/client/999999999")
    assert find(page["shell-page"]["children"], "client-data") is None
    assert "999999999" in text_of(page["shell-page"]["children"])


def test_model_page_renders_for_a_logged_in_user(advisor: DashRequest) -> None:
    page = open_page(advisor, "/modele", "en")
    assert find(page["shell-page"]["children"], "model-roc") is not None
    assert "The scoring model" in json.dumps(page)


def test_gauge_panel_states_the_decision_in_words(dashboard: Dashboard, advisor: DashRequest) -> None:
    data = load(advisor, dashboard.client_ids[1])
    body = response_of(advisor.call([("gauge-decision", "children"), ("gauge-chart", "children")],
                                    [("client-data", "data", data)]))
    text = text_of(body["gauge-decision"]["children"]) + text_of(body["gauge-chart"]["children"])
    word = {"granted": "ACCORDÉ", "to_review": "À REVOIR", "refused": "REFUSÉ"}[data["score"]["decision"]]
    assert word in text
    assert "limite" in text or "zone « à revoir »" in text
    # The page and the API say the same distance.
    assert data["score"]["distance_to_threshold"] in text


def test_english_page_gets_english_panels(dashboard: Dashboard, advisor: DashRequest) -> None:
    data = load(advisor, dashboard.client_ids[1], "en")
    body = response_of(advisor.call([("gauge-decision", "children"), ("gauge-chart", "children")],
                                    [("client-data", "data", data)]))
    text = text_of(body["gauge-decision"]["children"])
    assert {"granted": "GRANTED", "to_review": "TO REVIEW", "refused": "REFUSED"}[data["score"]["decision"]] in text
    assert "limit" in text or "band" in text


def test_compare_panel_opens_on_the_first_reason_and_follows_the_dropdown(
        dashboard: Dashboard, advisor: DashRequest) -> None:
    data = load(advisor, dashboard.client_ids[2])
    score = data["score"]
    outputs = [("compare-body", "children"), ("compare-feature", "value")]
    first = response_of(advisor.call(outputs, [("compare-feature", "value", None), ("compare-similar", "value", []),
                                               ("client-data", "data", data)], [("shell-url", "search", "")],
                                     changed=["client-data.data"]))
    assert first["compare-feature"]["value"] == dashboard.service.population.opening_feature(
        score["principal_reasons"], score["feature_values"])
    chosen = response_of(advisor.call(outputs, [("compare-feature", "value", "AMT_INCOME_TOTAL"),
                                                ("compare-similar", "value", ["income_type"]),
                                                ("client-data", "data", data)], [("shell-url", "search", "")]))
    text = text_of(chosen["compare-body"]["children"])
    assert "Revenu" in text and "clients semblables" in text and "ont une valeur inférieure" in text
    assert "Clients semblables" in text


def test_bivariate_panel_draws_the_chosen_axes(dashboard: Dashboard, advisor: DashRequest) -> None:
    data = load(advisor, dashboard.client_ids[2])
    body = response_of(advisor.call(
        [("bivariate-body", "children")],
        [("bivariate-x", "value", "AMT_CREDIT"), ("bivariate-y", "value", "DAYS_EMPLOYED"),
         ("bivariate-color", "value", "risk"), ("client-data", "data", data)],
        [("shell-url", "search", "")]))
    serialised = json.dumps(body, ensure_ascii=False)
    assert "Montant du crédit" in serialised
    assert "(années)" in serialised  # days employed drawn as years, not negative days
    assert "\"scatter\"" in serialised


# --- edit and what-if ------------------------------------------------------------------------

EDIT_OUTPUTS = [("edit-result", "children"), ("edit-status", "children")]
FORM_OUTPUTS = [("edit-form", "children"), ("edit-save", "disabled"), ("edit-reason", "disabled"),
                ("edit-role-note", "children")]


def edit_call(request: DashRequest, data: dict[str, Any], button: str, changes: dict[str, Any],
              reason: str = "") -> Any:
    fields = data["score"]["fields"]
    names = ["AMT_CREDIT", "AMT_ANNUITY", "AMT_INCOME_TOTAL", *(["TERM_MONTHS"] if "TERM_MONTHS" in changes else [])]
    values = [changes.get(name, fields.get(name)) for name in names]
    ids = [{"type": "edit-field", "field": name} for name in names]
    feedback = [{"id": {"type": "edit-feedback", "field": name}, "property": "children"} for name in names]
    body = {
        "output": "..edit-result.children...edit-status.children...{\"field\":[\"ALL\"],\"type\":"
                  "\"edit-feedback\"}.children...client-data.data@" + _duplicate_hash(request) + "..",
        "outputs": [{"id": "edit-result", "property": "children"}, {"id": "edit-status", "property": "children"},
                    feedback, {"id": "client-data", "property": "data@" + _duplicate_hash(request)}],
        "inputs": [{"id": "edit-simulate", "property": "n_clicks", "value": 1 if button == "simulate" else None},
                   {"id": "edit-save", "property": "n_clicks", "value": 1 if button == "save" else None}],
        "state": [
            [{"id": cid, "property": "value", "value": v} for cid, v in zip(ids, values, strict=True)],
            [{"id": cid, "property": "id", "value": cid} for cid in ids],
            {"id": "edit-reason", "property": "value", "value": reason},
            {"id": "client-data", "property": "data", "value": data},
            {"id": "shell-url", "property": "search", "value": ""},
        ],
        "changedPropIds": [f"edit-{button}.n_clicks"],
    }
    return request.client.post("/_dash-update-component", json=body)


def _duplicate_hash(request: DashRequest) -> str:
    """The suffix Dash gives an `allow_duplicate` output, read from the app's callback list."""
    dependencies = request.client.get("/_dash-dependencies").get_json()
    for dependency in dependencies:
        if "edit-result.children" in dependency["output"] and "client-data.data@" in dependency["output"]:
            return dependency["output"].split("client-data.data@", 1)[1].split(".", 1)[0]
    raise AssertionError("edit callback not registered")


def test_simulate_shows_before_and_after_and_saves_nothing(dashboard: Dashboard, advisor: DashRequest) -> None:
    client_id = dashboard.client_ids[4]
    data = load(advisor, client_id)
    before_versions = len(dashboard.service.history(client_id))
    credit = data["score"]["fields"]["AMT_CREDIT"]
    response = edit_call(advisor, data, "simulate", {"AMT_CREDIT": credit * 2})
    body = response_of(response)
    text = text_of(body["edit-result"]["children"])
    assert "Avant" in text and "Après" in text
    assert len(dashboard.service.history(client_id)) == before_versions


def test_typing_a_recourse_option_into_the_simulator_gives_the_same_score(dashboard: Dashboard,
                                                                          advisor: DashRequest) -> None:
    from layouts.common import probability as percent
    from scoring.display import format_money

    checked = 0
    for client_id in dashboard.client_ids:
        if dashboard.service.client(client_id).decision == "granted":
            continue
        recourse = dashboard.service.recourse(client_id)
        for option in recourse.options:
            if option.kind != "now":
                continue
            typed = {"AMT_CREDIT": option.changes.get("AMT_CREDIT", recourse.terms.amount)}
            if "term" in option.levers:
                typed["TERM_MONTHS"] = round(option.term_months, 1)
            if "AMT_GOODS_PRICE" in option.changes:
                continue  # the test form has no goods price field
            data = load(advisor, client_id)
            body = response_of(edit_call(advisor, data, "simulate", typed))
            assert "edit-result" in body, (typed, option.changes, body)
            text = text_of(body["edit-result"]["children"])
            # The payment the option states, recomputed the same way, and the same probability.
            assert format_money(option.changes["AMT_ANNUITY"], "fr") in text
            assert f"Après : {percent(option.score.probability_of_default, 'fr')}" in text or \
                percent(option.score.probability_of_default, "fr") in text.split("Après", 1)[1]
            checked += 1
        if checked >= 3:
            break
    assert checked, "no refused client with an option in the test store"


def test_invalid_value_gets_the_services_message_under_the_field(dashboard: Dashboard,
                                                                  advisor: DashRequest) -> None:
    data = load(advisor, dashboard.client_ids[4])
    body = response_of(edit_call(advisor, data, "simulate", {"AMT_CREDIT": "-5"}))
    def feedback(field: str) -> Any:
        return body.get(json.dumps({"field": field, "type": "edit-feedback"}, separators=(",", ":")),
                        {}).get("children")

    assert "Montant du crédit" in feedback("AMT_CREDIT")
    assert not feedback("AMT_ANNUITY")


def test_viewer_can_simulate_but_not_save(dashboard: Dashboard, viewer: DashRequest) -> None:
    client_id = dashboard.client_ids[5]
    data = load(viewer, client_id)
    versions = len(dashboard.service.history(client_id))
    body = response_of(edit_call(viewer, data, "save", {"AMT_INCOME_TOTAL": 250_000}, reason="revenu"))
    assert "simuler mais pas d'enregistrer" in text_of(body["edit-status"]["children"])
    assert len(dashboard.service.history(client_id)) == versions


def test_save_needs_a_reason(dashboard: Dashboard, advisor: DashRequest) -> None:
    data = load(advisor, dashboard.client_ids[5])
    body = response_of(edit_call(advisor, data, "save", {"AMT_INCOME_TOTAL": 250_000}, reason="  "))
    assert "motif" in text_of(body["edit-status"]["children"])


def test_save_creates_a_version_and_a_stale_edit_is_refused(dashboard: Dashboard, advisor: DashRequest) -> None:
    client_id = dashboard.client_ids[6]
    data = load(advisor, client_id)
    version = data["version"]
    body = response_of(edit_call(advisor, data, "save", {"AMT_INCOME_TOTAL": 321_000}, reason="justificatif"))
    duplicate_key = next(k for k in body if k.startswith("client-data"))
    assert body[duplicate_key]["data"]["version"] == version + 1
    history = dashboard.service.history(client_id)
    assert history[-1].fields["AMT_INCOME_TOTAL"] == 321_000
    assert history[-1].author == "conseil" and history[-1].reason == "justificatif"
    # The same version chain the API shows.
    token = dashboard.store.create_token("conseil")[1]
    api = dashboard.server.test_client().get(f"/api/client/{client_id}/history",
                                             headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200
    assert "justificatif" in api.get_data(as_text=True)
    # The same (now stale) page saves again: refused, nothing written.
    stale = response_of(edit_call(advisor, data, "save", {"AMT_INCOME_TOTAL": 400_000}, reason="second"))
    assert "modifié entre-temps" in text_of(stale["edit-status"]["children"])
    assert len(dashboard.service.history(client_id)) == len(history)


def test_history_panel_lists_every_version(dashboard: Dashboard, advisor: DashRequest) -> None:
    client_id = dashboard.client_ids[6]
    data = load(advisor, client_id)
    body = response_of(advisor.call([("history-body", "children")], [("client-data", "data", data),
                                                                  ("advisor-refresh", "data", 0)]))
    serialised = json.dumps(body)
    for version in dashboard.service.history(client_id):
        assert json.dumps({"type": "history-row", "version": version.version})[1:-1].replace(" ", "") in \
            serialised.replace(" ", "")


def test_report_pdf_download_is_a_pdf(dashboard: Dashboard, advisor: DashRequest) -> None:
    body = response_of(advisor.call([("report-download", "data")], [("report-pdf", "n_clicks", 1)],
                                    [("report-client-id", "data", dashboard.client_ids[0]),
                                     ("shell-url", "search", "")]))
    download = body["report-download"]["data"]
    assert download["filename"].endswith(".pdf")
    assert base64.b64decode(download["content"]).startswith(b"%PDF")


def test_fields_the_feature_policy_keeps_out_of_the_score_are_labelled_so(dashboard: Dashboard,
                                                                          advisor: DashRequest) -> None:
    data = load(advisor, dashboard.client_ids[4])
    body = response_of(advisor.call(FORM_OUTPUTS, [("client-data", "data", data)]))
    text = text_of(body["edit-form"]["children"])
    assert "Situation familiale — hors du score" in text
    assert "Montant du crédit — hors du score" not in text and "Montant du crédit" in text
