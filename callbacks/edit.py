"""Edit and what-if: one callback for the whole form (pattern-matching ids), through the same
service functions as the API (`what_if`, `update_client`), with their validation and roles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, html, no_update

from callbacks.auth import current_user
from callbacks.client import client_data
from callbacks.navigation import lang_from_search
from layouts import shell
from layouts.client_page import ID as CLIENT
from layouts.common import tr
from layouts.edit import ID, changes_from_form, edit_form, form_term, simulation_result
from scoring.display import format_amount
from scoring.errors import Forbidden, InvalidApplication, ScoringError, StaleVersion
from scoring.offers import current_terms, form_changes

if TYPE_CHECKING:
    from scoring.service import ScoringService


def _alert(text: str, colour: str) -> dbc.Alert:
    return dbc.Alert(text, color=colour, className="mb-0 py-2")


def field_messages(ids: list[dict[str, str]], error: InvalidApplication | None, lang: str) -> list[Any]:
    """One message slot per form field, in the order of the pattern-matching outputs."""
    by_field: dict[str, list[str]] = {}
    for field_error in (error.errors if error else []):
        by_field.setdefault(field_error.field, []).append(field_error.message(lang))
    return [" ".join(by_field.get(component["field"], [])) or None for component in ids]


def unplaced_messages(ids: list[dict[str, str]], error: InvalidApplication, lang: str) -> list[str]:
    """Errors on fields without a slot in the form (e.g. the reason, or a cross-field rule)."""
    shown = {component["field"] for component in ids}
    return [e.message(lang) for e in error.errors if e.field not in shown]


def register_callbacks(app: Dash, service: ScoringService) -> None:
    def form_of(data: dict[str, Any]) -> Any:
        lang = data["lang"]
        terms = current_terms(data["score"].get("fields") or {}, service.offer_policy)
        shown = None if terms is None else {"term_months": terms.term_months, "rate_note": terms.rate_note(lang)}
        return edit_form(service.editable_fields(lang), data["score"].get("fields") or {}, lang, shown)

    @app.callback(
        Output(ID("form"), "children"),
        Output(ID("save"), "disabled"),
        Output(ID("reason"), "disabled"),
        Output(ID("role-note"), "children"),
        Input(CLIENT("data"), "data"),
    )
    def build_form(data: dict[str, Any] | None) -> Any:
        if not data:
            return None, True, True, None
        # The role is shown before the click (the service still refuses a viewer's save).
        user = current_user(service)
        can_save = user is not None and user.can("advisor")
        note = None if can_save else tr("viewer_cannot_save", data["lang"])
        return form_of(data), not can_save, not can_save, note

    @app.callback(
        Output(ID("form"), "children", allow_duplicate=True),
        Output(ID("result"), "children", allow_duplicate=True),
        Output(ID("status"), "children", allow_duplicate=True),
        Input(ID("reset"), "n_clicks"),
        State(CLIENT("data"), "data"),
        prevent_initial_call=True,
    )
    def reset_form(clicks: int | None, data: dict[str, Any] | None) -> Any:
        """Back to the stored values: the form is drawn again and the simulation goes."""
        if not clicks or not data:
            return no_update, no_update, no_update
        return form_of(data), None, None

    @app.callback(
        Output(ID("result"), "children"),
        Output(ID("status"), "children"),
        Output(ID.match("feedback", field=ALL), "children"),
        Output(CLIENT("data"), "data", allow_duplicate=True),
        Input(ID("simulate"), "n_clicks"),
        Input(ID("save"), "n_clicks"),
        State(ID.match("field", field=ALL), "value"),
        State(ID.match("field", field=ALL), "id"),
        State(ID("reason"), "value"),
        State(CLIENT("data"), "data"),
        State(shell.ID("url"), "search"),
        prevent_initial_call=True,
    )
    def act(simulate: int | None, save: int | None, values: list[Any], ids: list[dict[str, str]],
            reason: str | None, data: dict[str, Any] | None, url_search: str | None) -> Any:
        lang = lang_from_search(url_search)
        clear = [None] * len(ids)
        if not data:
            return no_update, no_update, clear, no_update
        client_id = int(data["client_id"])
        fields = data["score"].get("fields") or {}
        # The one offer model: a new amount or term comes with its recomputed payment, as in
        # the recourse options (a typed payment is kept as typed).
        try:
            typed = changes_from_form(service.editable_fields(lang), ids, values, fields, lang)
        except InvalidApplication as error:
            return no_update, _alert(tr("invalid", lang), "danger"), field_messages(ids, error, lang), no_update
        changes, recomputed = form_changes(current_terms(fields, service.offer_policy), typed,
                                           form_term(ids, values, lang))
        payment = format_amount(changes["AMT_ANNUITY"], lang) if recomputed else None
        saving = ctx.triggered_id == ID("save")
        if not changes:
            return no_update, _alert(tr("no_change", lang), "secondary"), clear, no_update
        try:
            if not saving:
                # Both sides in full (the page's store only holds the largest contributions).
                before = service.score_client(client_id).to_dict(lang)
                after = service.what_if(client_id, changes).to_dict(lang)
                return simulation_result(before, after, lang, payment), None, clear, no_update
            user = current_user(service)
            if user is None or not user.can("advisor"):
                return no_update, _alert(tr("viewer_cannot_save", lang), "warning"), clear, no_update
            if not (reason or "").strip():
                return no_update, _alert(tr("reason_required", lang), "warning"), clear, no_update
            before = service.score_client(client_id).to_dict(lang)
            version, after_score = service.update_client(client_id, changes, expected_version=int(data["version"]),
                                                         user=user, reason=reason.strip())
        except InvalidApplication as error:
            extra = unplaced_messages(ids, error, lang)
            status = _alert(" ".join([tr("invalid", lang), *extra]), "danger")
            return no_update, status, field_messages(ids, error, lang), no_update
        except StaleVersion as error:
            # Nothing is re-rendered: the advisor's input stays in the form.
            return no_update, _alert(error.message(lang), "danger"), clear, no_update
        except Forbidden as error:
            return no_update, _alert(error.message(lang), "warning"), clear, no_update
        except ScoringError as error:
            return no_update, _alert(error.message(lang), "danger"), clear, no_update
        after = after_score.to_dict(lang)
        result = html.Div([_alert(tr("saved", lang, version=version.version), "success"),
                           simulation_result(before, after, lang, payment, saved_version=version.version)])
        return result, None, clear, client_data(service, client_id, lang)
