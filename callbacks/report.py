"""The printable one-page report and its PDF download."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dash import Dash, Input, Output, State, dcc, html, no_update

from callbacks.navigation import lang_from_search
from layouts import shell
from layouts.common import tr
from layouts.report import ID, report_sheet
from scoring.client_letter import client_letter
from scoring.errors import ScoringError, UnknownClient
from scoring.report_pdf import render_pdf

if TYPE_CHECKING:
    from scoring.service import ScoringService


def build_content(service: ScoringService, client_id: int, lang: str) -> dict[str, Any]:
    return client_letter(service, client_id, lang)


def register_callbacks(app: Dash, service: ScoringService) -> None:
    @app.callback(
        Output(ID("body"), "children"),
        Input(ID("client-id"), "data"),
        State(shell.ID("url"), "search"),
    )
    def render(client_id: int, url_search: str | None) -> Any:
        lang = lang_from_search(url_search)
        try:
            return report_sheet(build_content(service, int(client_id), lang))
        except UnknownClient:
            return html.P(tr("unknown_client", lang, id=client_id), className="alert alert-warning")
        except ScoringError as error:
            return html.P(error.message(lang), className="alert alert-danger")

    @app.callback(
        Output(ID("download"), "data"),
        Input(ID("pdf"), "n_clicks"),
        State(ID("client-id"), "data"),
        State(shell.ID("url"), "search"),
        prevent_initial_call=True,
    )
    def download(n_clicks: int | None, client_id: int, url_search: str | None) -> Any:
        if not n_clicks:
            return no_update
        lang = lang_from_search(url_search)
        content = build_content(service, int(client_id), lang)
        name = f"courrier-demande-{client_id}.pdf" if lang == "fr" else f"application-letter-{client_id}.pdf"
        return dcc.send_bytes(render_pdf(content), name)

    app.clientside_callback(
        """function(n) { if (n) { window.print(); } return ""; }""",
        Output(ID("print-done"), "children"),
        Input(ID("print"), "n_clicks"),
        prevent_initial_call=True,
    )
