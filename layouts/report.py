"""The one-page letter for the client (scoring.client_letter): the printable page; the same
content feeds the PDF."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts.common import DECISION_ICONS, TEXT_ON_WHITE, PanelIds, tr
from layouts.search import client_href

ID = PanelIds("report")


def report_sheet(content: dict[str, Any]) -> html.Article:
    """The client's letter (scoring.client_letter), as the browser shows and prints it."""
    decision = content.get("decision")
    body: list[Any] = [
        html.Header([
            html.P(content["bank"], className="fw-bold mb-0 text-muted-strong"),
            html.H1(content["title"], className="h3 mb-0"),
            html.P(f"{content['reference']} · {content['date']}", className="small mb-2"),
        ]),
    ]
    if decision:
        body.append(html.Div([html.Span(DECISION_ICONS[decision] + " ", **{"aria-hidden": "true"}),
                              html.Span(content["decision_text"])],
                             className=f"decision decision-{decision}", id=ID("decision"),
                             style={"color": TEXT_ON_WHITE[decision]}))
    else:  # no one has decided yet: said as such, in neutral ink
        body.append(html.Div(content["decision_text"], className="decision decision-pending", id=ID("decision")))
    body += [html.P(content[key]) for key in ("request", "decided", "recommendation") if content.get(key)]
    if content.get("contest"):
        body.append(html.P(html.Strong(content["contest"])))
    body += [html.H2(content["reasons_title"], className="h5"), html.Ul([html.Li(s) for s in content["reasons"]])]
    if content.get("changes_title"):
        body.append(html.H2(content["changes_title"], className="h5"))
        body.append(html.Ul([html.Li(s) for s in content["changes"]]) if content["changes"]
                    else html.P(content["changes_none"]))
    body += [html.H2(content["rights_title"], className="h5"), html.P(content["rights"], className="small")]
    return html.Article(body, className="report-sheet", id=ID("sheet"), lang=content.get("lang", "fr"))


def report_page(client_id: int, lang: str = "fr") -> html.Div:
    return html.Div(
        [
            html.Div([
                dcc.Link(["← ", tr("report_back", lang)], href=client_href(client_id, lang),
                         className="btn btn-outline-dark btn-sm me-2"),
                dbc.Button(tr("report_print", lang), id=ID("print"), color="dark", size="sm", className="me-2"),
                dbc.Button(tr("report_pdf", lang), id=ID("pdf"), color="primary", size="sm"),
                dcc.Download(id=ID("download")),
            ], className="no-print mb-3"),
            dcc.Store(id=ID("client-id"), data=client_id),
            html.Div(html.P(tr("loading", lang)), id=ID("body")),
            html.Div(id=ID("print-done"), hidden=True),
        ]
    )
