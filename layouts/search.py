"""Find a client: a server-side search box (the browser never holds the client table), its
results a page at a time, and the clients viewed recently."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts.common import TEXT_ON_WHITE, PanelIds, decision_text, number, probability, tr
from scoring.display import format_level, format_money
from scoring.schema import label

ID = PanelIds("search")
PAGE_SIZE = 8
RECENT_MAX = 6
TEXT_FIELDS = ("NAME_INCOME_TYPE", "OCCUPATION_TYPE", "NAME_CONTRACT_TYPE")
# The contract type's column label explains the codes ("(espèces ou renouvelable)"); a hit needs less.
_FIELD_NAMES = {"NAME_CONTRACT_TYPE": ("Type de prêt", "Loan type")}

# This panel's own words (kept here rather than in the shared table: see layouts.common.STRINGS).
STRINGS: dict[str, tuple[str, str]] = {
    "search_count_one": ("1 client", "1 client"),
    "search_count_all": ("{total} clients", "{total} clients"),
    "search_count_page": ("Résultats {first}–{last} sur {total}", "Results {first}–{last} of {total}"),
    "search_previous": ("‹ Précédents", "‹ Previous"),
    "search_next": ("Suivants ›", "Next ›"),
    "search_previous_aria": ("{n} résultats précédents", "Previous {n} results"),
    "search_next_aria": ("{n} résultats suivants", "Next {n} results"),
    "search_pager": ("Pages de résultats", "Result pages"),
    "home_intro": ("Cherchez un client dans la colonne de recherche {where} : par son identifiant, ou par "
                   "son type de revenu, sa profession ou son type de prêt, en français ou en anglais "
                   "(« retraité », « ouvrier », « crédit renouvelable »). La liste des clients s'affiche "
                   "sous le champ ; choisissez-en un.",
                   "Search a client in the search column {where}: by id, or by income type, occupation "
                   "or loan type, in French or in English (“pensioner”, “laborers”, “revolving”). The list "
                   "of clients shows under the field; pick one."),
    # Where the column is: left of the page from Bootstrap's lg breakpoint (992 px), above below it.
    "where_left": ("à gauche", "on the left"),
    "where_above": ("en haut de la page", "at the top of the page"),
}


def _t(key: str, lang: str, **values: Any) -> str:
    fr, en = STRINGS[key]
    text = en if lang == "en" else fr
    return text.format(**values) if values else text


def client_href(client_id: int, lang: str, suffix: str = "") -> str:
    path = f"/client/{client_id}{suffix}"
    return f"{path}?{urlencode({'lang': lang})}" if lang != "fr" else path


def search_panel(lang: str = "fr") -> html.Div:
    button = "btn btn-outline-dark btn-sm px-1 text-nowrap"
    return html.Div(
        [
            html.H2(tr("search_title", lang), className="h6", id=ID("heading")),
            dbc.Label(tr("search_label", lang), html_for=ID("query"), className="small"),
            dcc.Input(id=ID("query"), type="search", debounce=0.3, placeholder=tr("search_placeholder", lang),
                      className="form-control", autoComplete="off", value=""),
            # The count and the page buttons sit above the hits: in a narrow column eight hits
            # fill the screen, and the keyboard reaches the buttons without crossing them.
            html.P(id=ID("count"), className="small mt-2 mb-1", **{"aria-live": "polite"}),
            html.Div(
                [
                    html.Button(_t("search_previous", lang), id=ID("previous"), type="button", className=button,
                                n_clicks=0, disabled=True, **{"aria-controls": ID("results"),
                                                              "aria-label": _t("search_previous_aria", lang,
                                                                               n=PAGE_SIZE)}),
                    html.Button(_t("search_next", lang), id=ID("next"), type="button", className=button,
                                n_clicks=0, disabled=True, **{"aria-controls": ID("results"),
                                                              "aria-label": _t("search_next_aria", lang,
                                                                               n=PAGE_SIZE)}),
                ],
                id=ID("pager"), hidden=True, role="group", className="d-flex justify-content-between gap-2 mb-1",
                **{"aria-label": _t("search_pager", lang)},
            ),
            html.Div(id=ID("results")),
            dcc.Store(id=ID("offset"), data=0),
            html.H2(tr("recent_title", lang), className="h6 mt-3"),
            html.Div(id=ID("recent"), children=html.P(tr("recent_none", lang), className="small")),
        ],
        role="search", **{"aria-labelledby": ID("heading")},
    )


def home_intro(lang: str = "fr") -> html.P:
    """The home page's pointer to the search column, wherever the layout puts it."""
    where = [html.Span(_t("where_left", lang), className="d-none d-lg-inline"),
             html.Span(_t("where_above", lang), className="d-lg-none")]
    before, after = _t("home_intro", lang, where="{where}").split("{where}")
    return html.P([before, *where, after], id=ID("home-intro"))


def _field_name(field: str, lang: str) -> str:
    names = _FIELD_NAMES.get(field)
    if names:
        return names[1] if lang == "en" else names[0]
    return label(field, lang)


def _summary_line(hit: dict[str, Any], lang: str) -> list[Any]:
    """What the hit shows beside its id: the fields the query matched (their name and value, the
    value marked), else the income type; then the credit amount."""
    summary = hit.get("summary") or {}
    matched = [field for field in hit.get("matched_fields") or () if field in TEXT_FIELDS and summary.get(field)]
    parts: list[list[Any]] = []
    for field in matched:
        colon = "\u00a0: " if lang == "fr" else ": "  # no line starts with the colon
        parts.append([f"{_field_name(field, lang)}{colon}",
                      html.Mark(format_level(str(summary[field]), lang), className="p-0 search-match")])
    if not matched and summary.get("NAME_INCOME_TYPE"):
        parts.append([format_level(str(summary["NAME_INCOME_TYPE"]), lang)])
    if summary.get("AMT_CREDIT") is not None:
        parts.append([("crédit\u00a0" if lang == "fr" else "credit\u00a0") + format_money(summary["AMT_CREDIT"], lang)])
    line: list[Any] = []
    for index, part in enumerate(parts):
        line += ([" · "] if index else []) + part
    return line


def count_text(total: int, offset: int, shown: int, lang: str) -> str:
    """"Aucun client ne correspond.", "1 client", "5 clients" or, past a page, "Résultats 9–16 sur 2 460"."""
    if not total or not shown:
        return tr("search_none", lang)
    if total == 1:
        return _t("search_count_one", lang)
    if shown >= total:
        return _t("search_count_all", lang, total=number(total, 0, lang))
    return _t("search_count_page", lang, first=number(offset + 1, 0, lang),
              last=number(offset + shown, 0, lang), total=number(total, 0, lang))


def result_list(hits: list[dict[str, Any]], lang: str = "fr") -> html.Ul | None:
    """One page of search hits as links; each shows what matched and the stored decision in words."""
    if not hits:
        return None
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
    return html.Ul(items, className="list-group p-0 m-0")


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
