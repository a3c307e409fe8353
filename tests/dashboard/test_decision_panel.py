"""The advisor's decision panel, through Dash's own callback endpoint: the record, the acts and
the roles, with the same service (and store) as the API."""

from __future__ import annotations

from typing import Any

from tests.dashboard.conftest import Dashboard, DashRequest
from tests.dashboard.test_callbacks import load, response_of, text_of

RENDER_OUTPUTS = [("advisor-body", "children"), ("advisor-pending", "data"), ("advisor-approval", "hidden"),
                  ("advisor-pending-text", "children"), ("advisor-decide", "disabled"),
                  ("advisor-contest", "disabled"), ("advisor-role-note", "children")]


def render(request: DashRequest, data: dict[str, Any], refresh: int = 0) -> dict[str, Any]:
    inputs = [("client-data", "data", data), ("advisor-refresh", "data", refresh)]
    return response_of(request.call(RENDER_OUTPUTS, inputs))


def act(request: DashRequest, data: dict[str, Any], button: str, *, outcome: str | None = None,
        justification: str = "", statement: str = "", review: bool = True, pending: int | None = None) -> Any:
    buttons = ("decide", "approve", "reject", "contest")
    return response_of(request.call(
        [("advisor-status", "children"), ("advisor-refresh", "data")],
        [(f"advisor-{b}", "n_clicks", 1 if b == button else None) for b in buttons],
        [("advisor-outcome", "value", outcome), ("advisor-justification", "value", justification),
         ("advisor-approval-justification", "value", ""), ("advisor-statement", "value", statement),
         ("advisor-review", "value", review), ("advisor-pending", "data", pending), ("client-data", "data", data),
         ("advisor-refresh", "data", 0)],
        changed=[f"advisor-{button}.n_clicks"]))


def _refused(dashboard: Dashboard) -> int:
    return next(c for c in dashboard.client_ids
                if dashboard.service.score_client(c, explain=False).decision == "refused"
                and not dashboard.service.decisions.state(c).entries)


def test_the_panel_shows_the_recommendation_and_a_decision_goes_on_record(dashboard: Dashboard,
                                                                          advisor: DashRequest) -> None:
    client_id = _refused(dashboard)
    data = load(advisor, client_id)
    body = render(advisor, data)
    assert "Recommandation du modèle : Refusé" in text_of(body["advisor-body"]["children"])
    assert body["advisor-decide"]["disabled"] is False
    # Departing from the model without a reason: the service's message, nothing written.
    refused = act(advisor, data, "decide", outcome="granted")
    assert "justification obligatoire" in text_of(refused["advisor-status"]["children"])
    assert not dashboard.service.decisions.state(client_id).entries
    saved = act(advisor, data, "decide", outcome="granted", justification="garant présenté")
    assert "enregistrée" in text_of(saved["advisor-status"]["children"])
    text = text_of(render(advisor, data, saved["advisor-refresh"]["data"])["advisor-body"]["children"])
    assert "s'écarte du modèle" in text and "en attente d'une seconde validation" in text


def test_a_viewer_sees_the_record_with_the_actions_disabled_and_the_reason(dashboard: Dashboard,
                                                                           viewer: DashRequest) -> None:
    client_id = dashboard.client_ids[7]
    data = load(viewer, client_id)
    body = render(viewer, data)
    assert body["advisor-decide"]["disabled"] is True and body["advisor-contest"]["disabled"] is True
    assert "rôle conseiller" in body["advisor-role-note"]["children"]
    # The server refuses all the same.
    refused = act(viewer, data, "decide", outcome="refused", justification="x")
    assert "rôle conseiller" in text_of(refused["advisor-status"]["children"])
    assert not dashboard.service.decisions.state(client_id).entries


def test_a_contest_is_recorded_and_shown_to_the_next_advisor(dashboard: Dashboard, advisor: DashRequest) -> None:
    client_id = dashboard.client_ids[8]
    data = load(advisor, client_id)
    saved = act(advisor, data, "contest", statement="Mes retards sont réglés.", review=True)
    assert "prochain conseiller" in text_of(saved["advisor-status"]["children"])
    text = text_of(render(advisor, data, 1)["advisor-body"]["children"])
    assert "Mes retards sont réglés." in text and "examen humain" in text


def test_the_model_page_shows_override_rates_over_a_window(dashboard: Dashboard, advisor: DashRequest) -> None:
    client_id = next(c for c in dashboard.client_ids
                     if dashboard.service.score_client(c, explain=False).decision == "granted")
    data = load(advisor, client_id)
    act(advisor, data, "decide", outcome="refused", justification="dettes non déclarées")
    body = response_of(advisor.call([("advisor-overrides", "children")], [("advisor-window", "value", "30")],
                                    [("shell-url", "search", "")]))
    text = text_of(body["advisor-overrides"]["children"])
    assert "s'en écartent" in text and "conseil" in text
