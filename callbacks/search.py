"""Search (server-side, paginated) and the recent clients list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dash import Dash, Input, Output, State

from callbacks.navigation import lang_from_search
from layouts import shell
from layouts.search import ID, PAGE_SIZE, recent_list, result_list

if TYPE_CHECKING:
    from scoring.service import ScoringService

MAX_QUERY_CHARS = 100


def search_results(service: ScoringService, query: str | None, lang: str) -> Any:
    total, hits = service.search((query or "").strip()[:MAX_QUERY_CHARS], PAGE_SIZE, 0)
    return result_list(total, [hit.to_dict() for hit in hits], lang)


def register_callbacks(app: Dash, service: ScoringService) -> None:
    @app.callback(
        Output(ID("results"), "children"),
        Input(ID("query"), "value"),
        State(shell.ID("url"), "search"),
    )
    def search(query: str | None, url_search: str | None) -> Any:
        return search_results(service, query, lang_from_search(url_search))

    @app.callback(
        Output(ID("recent"), "children"),
        Input(shell.ID("recent"), "data"),
        State(shell.ID("url"), "search"),
    )
    def recent(client_ids: list[int] | None, url_search: str | None) -> Any:
        return recent_list([int(c) for c in (client_ids or [])], lang_from_search(url_search))
