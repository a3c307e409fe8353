"""The client page: the panels in the order the advisor's questions come (decision, why, compare,
what could change it), each filled by its own callback once the client's score is loaded."""

from __future__ import annotations

from dash import dcc, html

from layouts.bivariate import bivariate_panel
from layouts.common import PanelIds, tr
from layouts.compare import compare_panel
from layouts.decision import decision_panel
from layouts.edit import edit_panel
from layouts.gauge import gauge_panel
from layouts.history import history_panel
from layouts.recourse import recourse_panel
from layouts.search import client_href, home_intro
from layouts.summary import summary_card
from layouts.why import why_panel

ID = PanelIds("client")
SECTIONS = (("decision", "nav_decision"), ("why", "nav_why"), ("compare", "nav_compare"),
            ("bivariate", "nav_bivariate"), ("edit", "nav_edit"), ("recourse", "nav_recourse"),
            ("advisor", "nav_advisor"), ("history", "nav_history"))


def client_page(client_id: int, lang: str, feature_options: list[dict[str, str]], default_x: str | None,
                default_y: str | None, data: dict | None = None) -> html.Div:
    """`data` is the client's score and version (callbacks.client.client_data), sent with the page
    so every panel draws at once; the decision, its reasons and the summary are drawn with the page
    (text needs no chart library), the charts by their callbacks."""
    score = data["score"] if data else None
    title = tr("client_version", lang, id=client_id, version=data["version"]) if data else \
        tr("client_n", lang, id=client_id)
    return html.Div(
        [
            dcc.Store(id=ID("data"), data=data),
            html.Div(
                [
                    html.H1(title, className="h3 mb-0", id=ID("title")),
                    dcc.Link(tr("nav_report", lang), href=client_href(client_id, lang, "/rapport"),
                             className="btn btn-outline-dark btn-sm ms-auto no-print", id=ID("report-link")),
                ],
                className="d-flex align-items-center gap-2 mb-2",
            ),
            html.Nav(
                html.Ul([html.Li(html.A(tr(key, lang), href=f"#section-{name}")) for name, key in SECTIONS],
                        className="section-nav"),
                **{"aria-label": tr("sections", lang)}, className="no-print",
            ),
            html.Div(
                [
                    html.Div(gauge_panel(lang, score), className="top-decision"),
                    html.Div(html.Div(summary_card(score, lang) if score else html.P(tr("loading", lang)),
                                      id=ID("summary")), className="panel top-summary"),
                ],
                className="top-row",
            ),
            why_panel(lang, score),
            compare_panel(feature_options, None, lang),
            bivariate_panel(feature_options, default_x, default_y, lang),
            edit_panel(lang),
            recourse_panel(lang),
            decision_panel(lang),
            history_panel(lang),
        ],
        className="client-page",
    )


def home_page(lang: str) -> html.Div:
    return html.Div([
        html.H1(tr("search_title", lang), className="h3"),
        home_intro(lang),
    ])


def not_found(lang: str) -> html.Div:
    return html.Div(html.P(tr("not_found", lang)), className="p-3")
