"""Loading a client: one service call scores the current version; every panel then draws from
the stored score (a `dcc.Store`), so selecting a client costs one scoring, not one per panel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dash import Dash, Input, Output, State, html, no_update

from callbacks.navigation import lang_from_search
from layouts import shell
from layouts.client_page import ID
from layouts.common import tr
from layouts.search import remember
from scoring.errors import ScoringError, UnknownClient

if TYPE_CHECKING:
    from scoring.service import ScoringService


def client_data(service: ScoringService, client_id: int, lang: str) -> dict[str, Any]:
    """What the panels share: the score (in the page's language) and the version it scores."""
    current = service.client(client_id)
    score = service.score_client(client_id)
    return {"client_id": client_id, "version": current.version, "lang": lang, "score": score.to_dict(lang)}


def register_callbacks(app: Dash, service: ScoringService) -> None:
    @app.callback(
        Output(ID("data"), "data"),
        Output(ID("error"), "children"),
        Output(shell.ID("recent"), "data"),
        Input(ID("id"), "data"),
        State(shell.ID("url"), "search"),
        State(shell.ID("recent"), "data"),
    )
    def load_client(client_id: int, url_search: str | None, recent: list[int] | None) -> Any:
        lang = lang_from_search(url_search)
        try:
            data = client_data(service, int(client_id), lang)
        except UnknownClient:
            return None, html.P(tr("unknown_client", lang, id=client_id), className="alert alert-warning"), \
                recent or []
        except ScoringError as error:
            return None, html.P(error.message(lang), className="alert alert-danger"), recent or []
        return data, None, remember(recent, int(client_id))

    @app.callback(
        Output(ID("title"), "children"),
        Input(ID("data"), "data"),
        prevent_initial_call=True,
    )
    def title(data: dict[str, Any] | None) -> Any:
        if not data:
            return no_update
        return tr("client_version", data["lang"], id=data["client_id"], version=data["version"])

    @app.callback(
        Output(ID("summary"), "children"),
        Input(ID("data"), "data"),
        prevent_initial_call=True,
    )
    def summary(data: dict[str, Any] | None) -> Any:
        from layouts.summary import summary_card

        if not data:
            return None
        return summary_card(data["score"], data["lang"])
