"""Search (server-side, a page of PAGE_SIZE hits at a time) and the recent clients list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dash import Dash, Input, Output, State, ctx

from callbacks.navigation import lang_from_search
from layouts import shell
from layouts.search import ID, PAGE_SIZE, count_text, recent_list, result_list

if TYPE_CHECKING:
    from scoring.service import ScoringService

MAX_QUERY_CHARS = 100


Panel = tuple[Any, str, int, bool, bool, bool]


def search_page(service: ScoringService, query: str | None, offset: int, lang: str) -> Panel:
    """(the hits, the count, the offset shown, pager hidden, previous disabled, next disabled)."""
    text = (query or "").strip()[:MAX_QUERY_CHARS]
    offset = max(int(offset or 0), 0)
    total, hits = service.search(text, PAGE_SIZE, offset)
    if not hits and total:
        # The matches shrank under the page (clients changed since): show the last page.
        offset = (total - 1) // PAGE_SIZE * PAGE_SIZE
        total, hits = service.search(text, PAGE_SIZE, offset)
    return (result_list([hit.to_dict() for hit in hits], lang), count_text(total, offset, len(hits), lang),
            offset, total <= PAGE_SIZE, offset == 0, offset + len(hits) >= total)


def register_callbacks(app: Dash, service: ScoringService) -> None:
    @app.callback(
        Output(ID("results"), "children"),
        Output(ID("count"), "children"),
        Output(ID("offset"), "data"),
        Output(ID("pager"), "hidden"),
        Output(ID("previous"), "disabled"),
        Output(ID("next"), "disabled"),
        Input(ID("query"), "value"),
        Input(ID("previous"), "n_clicks"),
        Input(ID("next"), "n_clicks"),
        State(ID("offset"), "data"),
        State(shell.ID("url"), "search"),
    )
    def search(query: str | None, _previous: int | None, _next: int | None, offset: int | None,
               url_search: str | None) -> Panel:
        # A new query starts at its first page; the buttons move one page from the one shown.
        step = {ID("previous"): -PAGE_SIZE, ID("next"): PAGE_SIZE}.get(ctx.triggered_id)
        start = 0 if step is None else max(int(offset or 0) + step, 0)
        return search_page(service, query, start, lang_from_search(url_search))

    @app.callback(
        Output(ID("recent"), "children"),
        Input(shell.ID("recent"), "data"),
        State(shell.ID("url"), "search"),
    )
    def recent(client_ids: list[int] | None, url_search: str | None) -> Any:
        return recent_list([int(c) for c in (client_ids or [])], lang_from_search(url_search))
