"""The advisor's decision panel: the record drawn from the service, and the three acts (decide,
answer a pending decision, record a contest) through the same service functions as the API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, ctx, no_update

from callbacks.auth import current_user
from callbacks.navigation import lang_from_search
from layouts import shell
from layouts.client_page import ID as CLIENT
from layouts.common import tr
from layouts.decision import ID, overrides_body, pending_decision, state_body
from scoring.decisions import window
from scoring.errors import ScoringError

if TYPE_CHECKING:
    from scoring.service import ScoringService


def _alert(text: str, colour: str) -> dbc.Alert:
    return dbc.Alert(text, color=colour, className="mb-0 py-2")


def register_callbacks(app: Dash, service: ScoringService) -> None:
    @app.callback(
        Output(ID("body"), "children"), Output(ID("pending"), "data"), Output(ID("approval"), "hidden"),
        Output(ID("pending-text"), "children"), Output(ID("decide"), "disabled"),
        Output(ID("contest"), "disabled"), Output(ID("role-note"), "children"),
        Input(CLIENT("data"), "data"), Input(ID("refresh"), "data"),
    )
    def render(data: dict[str, Any] | None, _refresh: int | None) -> Any:
        if not data:
            return None, None, True, None, True, True, None
        lang = data["lang"]
        state = service.decisions.state(int(data["client_id"])).to_dict(lang)
        user = current_user(service)
        can_act = user is not None and user.can("advisor")
        pending = pending_decision(state, user.name if user else None) if can_act else None
        pending_text = tr("advisor_pending_text", lang, id=pending["id"], who=pending["author"],
                          justification=pending.get("justification") or "—") if pending else None
        note = None if can_act else tr("advisor_read_only", lang)
        return (state_body(state, lang), pending["id"] if pending else None, pending is None, pending_text,
                not can_act, not can_act, note)

    @app.callback(Output(ID("overrides"), "children"), Input(ID("window"), "value"),
                  State(shell.ID("url"), "search"))
    def overrides(days: str | None, url_search: str | None) -> Any:
        lang = lang_from_search(url_search)
        chosen = None if days in (None, "all") else int(days) if str(days).isdigit() else 90
        return overrides_body(service.decisions.override_report(*window(chosen)), lang)

    @app.callback(
        Output(ID("status"), "children"), Output(ID("refresh"), "data"),
        Input(ID("decide"), "n_clicks"), Input(ID("approve"), "n_clicks"), Input(ID("reject"), "n_clicks"),
        Input(ID("contest"), "n_clicks"),
        State(ID("outcome"), "value"), State(ID("justification"), "value"),
        State(ID("approval-justification"), "value"), State(ID("statement"), "value"), State(ID("review"), "value"),
        State(ID("pending"), "data"), State(CLIENT("data"), "data"), State(ID("refresh"), "data"),
        prevent_initial_call=True,
    )
    def act(_decide: int | None, _approve: int | None, _reject: int | None, _contest: int | None,
            outcome: str | None, justification: str | None, approval_justification: str | None,
            statement: str | None, review: bool | None, pending: int | None, data: dict[str, Any] | None,
            refresh: int | None) -> Any:
        if not data:
            return no_update, no_update
        lang = data["lang"]
        client_id = int(data["client_id"])
        user = current_user(service)
        if user is None or not user.can("advisor"):
            return _alert(tr("advisor_read_only", lang), "warning"), no_update
        trigger = ctx.triggered_id
        try:
            if trigger == ID("decide"):
                if outcome is None:
                    return _alert(tr("advisor_choose", lang), "warning"), no_update
                entry = service.decisions.decide(client_id, version=int(data["version"]), outcome=outcome,
                                                 justification=justification or "", user=user)
                message = tr("advisor_saved", lang, id=entry.id)
            elif trigger in (ID("approve"), ID("reject")):
                if pending is None:
                    return _alert(tr("advisor_nothing_pending", lang), "secondary"), no_update
                service.decisions.answer(client_id, int(pending), approve=trigger == ID("approve"),
                                         justification=approval_justification or "", user=user)
                message = tr("advisor_answered", lang, id=pending)
            else:
                service.decisions.contest(client_id, statement=statement or "", request_review=bool(review),
                                          user=user)
                message = tr("advisor_contest_saved", lang)
        except ScoringError as error:
            # Nothing is cleared: the advisor's text stays in the form.
            return _alert(error.message(lang), "danger"), no_update
        return _alert(message, "success"), (refresh or 0) + 1
