"""The one-page client report: decision, main reasons in plain words, what could change it,
date and model version. The same content feeds the printable page and the PDF."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts.common import DECISION_ICONS, TEXT_ON_WHITE, PanelIds, decision_text, distance_sentence, percent, tr
from layouts.recourse import recourse_items
from layouts.search import client_href
from layouts.summary import summary_rows
from layouts.why import MAX_FAVOURABLE, MAX_REASONS

ID = PanelIds("report")


def _sentence(reason: dict[str, Any], lang: str) -> str:
    if reason.get("sentence"):
        return str(reason["sentence"])
    sep = " : " if lang == "fr" else ": "
    return f"{reason['label']}{sep}{reason.get('display_value', '')} — " \
           f"{tr('raises' if reason['contribution'] > 0 else 'lowers', lang)}."


def report_content(score: dict[str, Any], recourse: dict[str, Any] | None, version: int | None,
                   lang: str = "fr", now: datetime | None = None) -> dict[str, Any]:
    """Every string of the report, already in the reader's language."""
    now = now or datetime.now(UTC)
    decision = score["decision"]
    reasons = score.get("reasons", {})
    return {
        "lang": lang,
        "title": tr("report_title", lang),
        "client": tr("client_version", lang, id=score["client_id"], version=version)
        if version is not None else tr("client_n", lang, id=score["client_id"]),
        "date": tr("report_date", lang, date=now.strftime("%d/%m/%Y" if lang == "fr" else "%Y-%m-%d")),
        "model": tr("report_model", lang, version=score["model_version"]),
        "decision": decision,
        "decision_text": f"{decision_text(decision, lang).upper()}",
        "probability": f"{tr('probability_of_default', lang)} : {percent(score['probability_of_default'], lang)}"
        if lang == "fr" else f"{tr('probability_of_default', lang)}: {percent(score['probability_of_default'], lang)}",
        "distance": distance_sentence(score["probability_of_default"], score["threshold"], score["review_band"],
                                      decision, lang),
        "summary": summary_rows(score, lang),
        "reasons_title": tr("reasons_title", lang),
        "reasons": [_sentence(r, lang) for r in (reasons.get("raises_risk") or [])[:MAX_REASONS]],
        "favourable_title": tr("favourable_title", lang),
        "favourable": [_sentence(r, lang) for r in (reasons.get("lowers_risk") or [])[:MAX_FAVOURABLE]],
        "what_changes_title": tr("report_what_changes", lang),
        "what_changes": [text for text, _ in recourse_items(recourse or {}, lang)][:4] if recourse is not None
        else [],
        "warnings": [w.get("message", "") for w in score.get("warnings") or []][:3],
        "warnings_title": tr("warnings_title", lang),
        "disclaimer": tr("report_disclaimer", lang),
        "summary_title": tr("summary_title", lang),
    }


def report_sheet(content: dict[str, Any]) -> html.Article:
    decision = content["decision"]
    lists = [
        html.H2(content["reasons_title"], className="h5 mt-3"),
        html.Ul([html.Li(s) for s in content["reasons"]]),
        html.H2(content["favourable_title"], className="h5"),
        html.Ul([html.Li(s) for s in content["favourable"]]),
    ]
    if content["what_changes"]:
        lists += [html.H2(content["what_changes_title"], className="h5"),
                  html.Ul([html.Li(s) for s in content["what_changes"]])]
    if content["warnings"]:
        lists += [html.H2(content["warnings_title"], className="h6"),
                  html.Ul([html.Li(s) for s in content["warnings"]], className="small")]
    return html.Article(
        [
            html.Header([
                html.H1(content["title"], className="h3 mb-0"),
                html.P([content["client"], html.Br(), content["date"], " · ", content["model"]],
                       className="small mb-2"),
            ]),
            html.Div(
                [html.Span(DECISION_ICONS[decision] + " ", **{"aria-hidden": "true"}),
                 html.Span(content["decision_text"])],
                className=f"decision decision-{decision}", id=ID("decision"),
                style={"color": TEXT_ON_WHITE[decision]},
            ),
            html.P(html.Strong(content["probability"]), className="mb-0"),
            html.P(content["distance"]),
            html.H2(content["summary_title"], className="h5"),
            html.Dl([item for label, value in content["summary"]
                     for item in (html.Dt(label, className="col-6 fw-normal"), html.Dd(value, className="col-6 mb-0"))],
                    className="row small"),
            *lists,
            html.P(content["disclaimer"], className="small fst-italic mt-3"),
        ],
        className="report-sheet", id=ID("sheet"),
    )


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
