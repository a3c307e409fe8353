"""Two features of the reference sample, the client highlighted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dash import Dash, Input, Output, State

from callbacks.compare import client_value
from callbacks.navigation import lang_from_search
from layouts import shell
from layouts.bivariate import ID, bivariate_body
from layouts.client_page import ID as CLIENT
from scoring.population import axis_value

if TYPE_CHECKING:
    from scoring.service import ScoringService


def register_callbacks(app: Dash, service: ScoringService) -> None:
    @app.callback(
        Output(ID("body"), "children"),
        Input(ID("x"), "value"),
        Input(ID("y"), "value"),
        Input(ID("color"), "value"),
        Input(CLIENT("data"), "data"),
        State(shell.ID("url"), "search"),
    )
    def render(x: str | None, y: str | None, color: str | None, data: dict[str, Any] | None,
               url_search: str | None) -> Any:
        if not data or not x or not y:
            return None
        lang = lang_from_search(url_search)
        score = data["score"]
        view = service.population.bivariate(x, y, color if color in ("outcome", "risk") else "outcome", lang)
        return bivariate_body(view, axis_value(x, client_value(score, x)), axis_value(y, client_value(score, y)),
                              lang, score.get("probability_of_default"))
