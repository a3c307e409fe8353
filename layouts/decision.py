"""The advisor's decision: the model's recommendation, the decision a person records (with its
justification), a second person's approval, the client's contest, and the record of all of it."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts.common import DECISION_ICONS, TEXT_ON_WHITE, PanelIds, decision_text, percent, probability, tr
from scoring.display import format_moment

ID = PanelIds("advisor")
PENDING = "pending_second_approval"


def _when(created_at: str, lang: str) -> str:
    return format_moment(created_at, lang)


def _quote(text: str, lang: str) -> str:
    return f"« {text} »" if lang == "fr" else f"“{text}”"


def status_text(status: str | None, lang: str) -> str:
    return tr(f"advisor_status_{status}", lang) if status in ("final", PENDING, "approved", "rejected") else ""


def entry_text(entry: dict[str, Any], lang: str) -> str:
    """One line of the record, as the next advisor reads it."""
    if entry["kind"] == "contest":
        text = tr("advisor_contest_entry", lang, statement=_quote(entry.get("client_statement") or "", lang))
        return text + (" " + tr("advisor_review_requested", lang) if entry.get("review_requested") else "")
    if entry["kind"] == "approval":
        verdict = tr("advisor_approved" if entry.get("outcome") == "approved" else "advisor_rejected", lang)
        why = f" {_quote(entry['justification'], lang)}" if entry.get("justification") else ""
        return tr("advisor_approval_entry", lang, verdict=verdict, id=entry.get("refers_to")) + why
    recommendation = decision_text(entry["recommendation"], lang) if entry.get("recommendation") else "—"
    follows = {True: tr("advisor_follows", lang), False: tr("advisor_overrides", lang)}.get(
        entry.get("follows_model"), tr("advisor_no_recommendation", lang))
    why = f" {_quote(entry['justification'], lang)}" if entry.get("justification") else ""
    status = status_text(entry.get("status"), lang)
    return (tr("advisor_decision_entry", lang, id=entry["id"], decision=decision_text(entry["outcome"], lang),
               recommendation=recommendation, follows=follows) + why + (f" — {status}" if status else ""))


def record_table(entries: list[dict[str, Any]], lang: str) -> Any:
    if not entries:
        return html.P(tr("advisor_none", lang), className="small mb-0")
    header = html.Thead(html.Tr([html.Th(tr(key, lang), scope="col") for key in
                                 ("advisor_when", "history_version", "advisor_who", "advisor_what")]))
    rows = [html.Tr([html.Td(_when(e["created_at"], lang)), html.Td(str(e["version"])), html.Td(e["author"]),
                     html.Td(entry_text(e, lang))]) for e in reversed(entries)]
    return dbc.Table([header, html.Tbody(rows)], size="sm", bordered=True, className="small mb-0",
                     id=ID("record"))


def state_body(state: dict[str, Any], lang: str) -> html.Div:
    recommendation = state["recommendation"]
    parts: list[Any] = [
        html.P([html.Span(DECISION_ICONS[recommendation] + " ", **{"aria-hidden": "true"}),
                tr("advisor_recommendation", lang, decision=decision_text(recommendation, lang),
                   p=probability(state["probability_of_default"], lang))],
               className="fw-bold mb-1", style={"color": TEXT_ON_WHITE[recommendation]}, id=ID("recommendation")),
        html.P(tr("advisor_you_decide", lang), className="small"),
    ]
    contest = state.get("open_contest")
    if contest:
        parts.append(dbc.Alert(tr("advisor_open_contest", lang, when=_when(contest["created_at"], lang),
                                  statement=_quote(contest.get("client_statement") or "", lang)),
                               color="warning", className="py-2", id=ID("contest-alert")))
    current = state.get("current_decision")
    if current:
        parts.append(html.P(tr("advisor_current", lang, version=state["current_version"],
                               decision=decision_text(current["outcome"], lang), who=current["author"],
                               status=status_text(current.get("status"), lang)),
                            className="mb-2", id=ID("current")))
    parts.append(html.H3(tr("advisor_record_title", lang), className="h6 mt-2"))
    parts.append(record_table(state.get("entries") or [], lang))
    return html.Div(parts)


def pending_decision(state: dict[str, Any], user_name: str | None) -> dict[str, Any] | None:
    """The decision on the current version waiting for a second person (not its author)."""
    current = state.get("current_decision")
    if current and current.get("status") == PENDING and current.get("author") != user_name:
        return current
    return None


def decision_panel(lang: str = "fr") -> html.Section:
    return html.Section(
        [
            html.H2(tr("advisor_title", lang), className="h4", id=ID("heading")),
            html.Div(html.P(tr("loading", lang)), id=ID("body")),
            dcc.Store(id=ID("refresh"), data=0),
            dcc.Store(id=ID("pending"), data=None),
            html.Div([
                html.H3(tr("advisor_decide_title", lang), className="h6 mt-3"),
                dbc.RadioItems(id=ID("outcome"), inline=True, value=None, options=[
                    {"label": tr("advisor_grant", lang), "value": "granted"},
                    {"label": tr("advisor_refuse", lang), "value": "refused"}]),
                dbc.Label(tr("advisor_justification", lang), html_for=ID("justification"), className="small mb-0"),
                dbc.Textarea(id=ID("justification"), maxLength=2000, rows=2, value=""),
                dbc.Button(tr("advisor_record", lang), id=ID("decide"), color="dark", className="mt-2"),
            ], className="no-print"),
            html.Div([
                html.H3(tr("advisor_approval_title", lang), className="h6 mt-3"),
                html.P(id=ID("pending-text"), className="small mb-1"),
                dbc.Input(id=ID("approval-justification"), type="text", maxLength=2000, value="",
                          placeholder=tr("advisor_approval_placeholder", lang)),
                dbc.Button(tr("advisor_approve", lang), id=ID("approve"), color="success", className="mt-2 me-2"),
                dbc.Button(tr("advisor_reject", lang), id=ID("reject"), color="danger", className="mt-2"),
            ], id=ID("approval"), className="no-print", hidden=True),
            html.Div([
                html.H3(tr("advisor_contest_title", lang), className="h6 mt-3"),
                dbc.Label(tr("advisor_statement", lang), html_for=ID("statement"), className="small mb-0"),
                dbc.Textarea(id=ID("statement"), maxLength=2000, rows=2, value=""),
                dbc.Checkbox(id=ID("review"), label=tr("advisor_review_checkbox", lang), value=True,
                             className="small mt-1"),
                dbc.Button(tr("advisor_record_contest", lang), id=ID("contest"), color="secondary",
                           className="mt-2"),
            ], className="no-print"),
            html.P(id=ID("role-note"), className="small text-muted-strong mt-2 mb-0"),
            html.Div(id=ID("status"), className="mt-2", role="status", **{"aria-live": "polite"}),
        ],
        id="section-advisor", className="panel", **{"aria-labelledby": ID("heading")},
    )


WINDOWS = (30, 90, 365)


def overrides_panel(lang: str = "fr") -> html.Section:
    """On the model page: how often advisors depart from the model, over a chosen window."""
    options = [{"label": tr("advisor_window_days", lang, n=n), "value": str(n)} for n in WINDOWS]
    options.append({"label": tr("advisor_window_all", lang), "value": "all"})
    return html.Section([
        html.H2(tr("advisor_overrides_title", lang), className="h6", id=ID("overrides-heading")),
        dbc.Label(tr("advisor_window", lang), html_for=ID("window"), className="small mb-0"),
        dbc.Select(id=ID("window"), options=options, value="90", className="mb-2"),
        html.Div(id=ID("overrides")),
    ], className="panel", **{"aria-labelledby": ID("overrides-heading")})


def _rate(value: float | None, lang: str) -> str:
    return "—" if value is None else percent(value, lang)


def overrides_body(report: dict[str, Any], lang: str) -> html.Div:
    if not report["decisions"]:
        return html.P(tr("advisor_no_decisions", lang), className="small mb-0")
    directions = report["by_direction"]
    lines = [
        html.P(tr("advisor_override_summary", lang, n=report["decisions"], k=report["with_recommendation"],
                  overrides=report["overrides"], rate=_rate(report["override_rate"], lang),
                  up=directions["refused_to_granted"]["count"],
                  up_rate=_rate(directions["refused_to_granted"]["rate"], lang),
                  down=directions["granted_to_refused"]["count"],
                  down_rate=_rate(directions["granted_to_refused"]["rate"], lang)),
               className="small"),
    ]
    header = html.Thead(html.Tr([html.Th(tr(k, lang), scope="col")
                                 for k in ("advisor_who", "advisor_decisions", "advisor_override_count",
                                           "advisor_override_rate")]))
    rows = [html.Tr([html.Td(row["advisor"]), html.Td(str(row["decisions"])), html.Td(str(row["overrides"])),
                     html.Td(_rate(row["override_rate"], lang))]) for row in report["by_advisor"]]
    lines.append(dbc.Table([header, html.Tbody(rows)], size="sm", bordered=True, className="small text-end mb-0",
                           id=ID("overrides-table")))
    return html.Div(lines)
