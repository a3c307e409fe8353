"""Routing: the URL (path and ?lang=) decides the page; the page's `lang` attribute follows."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from dash import Dash, Input, Output, State, html

from callbacks.auth import current_user
from layouts import shell
from layouts.client_page import client_page, home_page, not_found
from layouts.common import lang_or_default, tr
from layouts.model_page import model_page
from layouts.monitoring import PATHS as MONITORING_PATHS
from layouts.report import report_page
from layouts.search import remember
from scoring.errors import ScoringError, UnknownClient

if TYPE_CHECKING:
    from scoring.service import ScoringService

CLIENT_PATH = re.compile(r"^/client/(\d{1,12})/?$")
REPORT_PATH = re.compile(r"^/client/(\d{1,12})/rapport/?$")
MODEL_PATHS = ("/modele", "/model")


def lang_from_search(search: str | None) -> str:
    values = parse_qs((search or "").lstrip("?")).get("lang")
    return lang_or_default(values[0] if values else None)


def main_content(service: ScoringService, pathname: str | None, lang: str) -> tuple[Any, int | None]:
    """The route's content, and the client it shows (for the recent list) if any."""
    path = pathname or "/"
    population = service.population
    if path in ("/", ""):
        return home_page(lang), None
    if match := CLIENT_PATH.match(path):
        from callbacks.client import client_data

        client_id = int(match.group(1))
        try:
            data = client_data(service, client_id, lang)
        except UnknownClient:
            return html.P(tr("unknown_client", lang, id=client_id), className="alert alert-warning",
                          role="alert"), None
        except ScoringError as error:
            return html.P(error.message(lang), className="alert alert-danger", role="alert"), None
        x, y = population.default_axes()
        return client_page(client_id, lang, population.feature_options(lang), x, y, data), client_id
    if match := REPORT_PATH.match(path):
        return report_page(int(match.group(1)), lang), None
    if path.rstrip("/") in MODEL_PATHS:
        return model_page(population.model_page(lang), lang), None
    if path.rstrip("/") in MONITORING_PATHS:
        from callbacks.monitoring import monitoring_route

        return monitoring_route(service, lang), None
    return not_found(lang), None


def register_callbacks(app: Dash, service: ScoringService) -> None:
    @app.callback(
        Output(shell.ID("page"), "children"),
        Output(shell.ID("recent"), "data"),
        Input(shell.ID("url"), "pathname"),
        Input(shell.ID("url"), "search"),
        State(shell.ID("recent"), "data"),
    )
    def render_page(pathname: str | None, search: str | None, recent: list[int] | None) -> Any:
        lang = lang_from_search(search)
        user = current_user(service)
        main, client_id = main_content(service, pathname, lang)
        page = shell.page(lang, pathname or "/", user.name if user else None, user.role if user else None, main)
        return page, remember(recent, client_id) if client_id is not None else (recent or [])

    # The page's language for screen readers and spell-checkers, after a client-side navigation.
    app.clientside_callback(
        """function(search) {
            const match = /[?&]lang=(en|fr)/.exec(search || "");
            const lang = match ? match[1] : "fr";
            document.documentElement.lang = lang;
            return lang;
        }""",
        Output(shell.ID("lang-sync"), "children"),
        Input(shell.ID("url"), "search"),
    )
