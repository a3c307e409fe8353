"""Find a client: a server-side search box (the browser never holds the client table) and the
clients viewed recently."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts.common import TEXT_ON_WHITE, PanelIds, decision_text, probability, tr
from scoring.display import format_level, format_money

ID = PanelIds("search")
PAGE_SIZE = 8
RECENT_MAX = 6


def client_href(client_id: int, lang: str, suffix: str = "") -> str:
    path = f"/client/{client_id}{suffix}"
    return f"{path}?{urlencode({'lang': lang})}" if lang != "fr" else path


def search_panel(lang: str = "fr") -> html.Div:
    return html.Div(
        [
            html.H2(tr("search_title", lang), className="h6", id=ID("heading")),
            dbc.Label(tr("search_label", lang), html_for=ID("query"), className="small"),
            dcc.Input(id=ID("query"), type="search", debounce=0.3, placeholder=tr("search_placeholder", lang),
                      className="form-control", autoComplete="off", value=""),
            html.Div(id=ID("results"), className="mt-2", **{"aria-live": "polite"}),
            html.H2(tr("recent_title", lang), className="h6 mt-3"),
            html.Div(id=ID("recent"), children=html.P(tr("recent_none", lang), className="small")),
        ],
        role="search", **{"aria-labelledby": ID("heading")},
    )


def _summary_line(hit: dict[str, Any], lang: str) -> str:
    summary = hit.get("summary") or {}
    parts = []
    if summary.get("NAME_INCOME_TYPE"):
        parts.append(format_level(str(summary["NAME_INCOME_TYPE"]), lang))
    if summary.get("AMT_CREDIT") is not None:
        parts.append(("crédit " if lang == "fr" else "credit ") + format_money(summary["AMT_CREDIT"], lang))
    return " · ".join(parts)


def result_list(total: int, hits: list[dict[str, Any]], lang: str = "fr") -> html.Div:
    """Search hits as links; each shows the stored decision in words."""
    if not hits:
        return html.Div(html.P(tr("search_none", lang), className="small"))
    items = []
    for hit in hits:
        decision = hit.get("decision")
        badge = []
        if decision:
            text = decision_text(decision, lang)
            if hit.get("probability_of_default") is not None:
                text += f" · {probability(hit['probability_of_default'], lang)}"
            badge = [html.Br(), html.Span(text, className="small", style={"color": TEXT_ON_WHITE[decision]})]
        items.append(
            html.Li(
                dcc.Link(
                    [html.Strong(str(hit["client_id"])), " ",
                     html.Span(_summary_line(hit, lang), className="small"), *badge],
                    href=client_href(hit["client_id"], lang),
                    className="list-group-item list-group-item-action search-hit",
                    id={"type": "search-hit", "client": int(hit["client_id"])},
                ),
                className="list-unstyled",
            )
        )
    footer = [html.P(tr("search_count", lang, total=total, shown=len(hits)), className="small mt-1 mb-0")]
    if total > len(hits):
        footer.append(html.P(tr("search_more", lang), className="small mb-0"))
    return html.Div([html.Ul(items, className="list-group p-0 m-0"), *footer])


def recent_list(client_ids: list[int], lang: str = "fr") -> Any:
    if not client_ids:
        return html.P(tr("recent_none", lang), className="small")
    return html.Ul(
        [html.Li(dcc.Link(tr("client_n", lang, id=cid), href=client_href(cid, lang))) for cid in client_ids],
        className="small ps-3",
    )


def remember(recent: list[int] | None, client_id: int) -> list[int]:
    """Most recent first, no duplicates, at most RECENT_MAX."""
    ids = [client_id] + [c for c in (recent or []) if c != client_id]
    return ids[:RECENT_MAX]
