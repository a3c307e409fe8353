"""What would change the decision: the service's recourse options, each rescored, in words."""

from __future__ import annotations

from typing import Any

from dash import html

from layouts.common import DECISION_ICONS, TEXT_ON_WHITE, PanelIds, decision_text, probability, tr
from scoring.display import format_amount, format_value
from scoring.feature_labels import feature_label

ID = PanelIds("recourse")


def option_changes_text(option: dict[str, Any], lang: str) -> str:
    """An option's changes as "Label: old → new", whatever words the service already gives."""
    if option.get("description"):
        description = option["description"]
        if isinstance(description, dict):
            return str(description.get(lang) or next(iter(description.values())))
        return str(description)
    changes = option.get("changes") or {}
    parts = []
    for field, change in changes.items():
        if isinstance(change, dict):
            old, new = change.get("old", change.get("from")), change.get("new", change.get("to"))
        else:
            old, new = None, change
        label = feature_label(field, lang)
        sep = " : " if lang == "fr" else ": "
        new_text = format_value(field, new, lang, raw=new)
        parts.append(f"{label}{sep}{format_value(field, old, lang, raw=old)} → {new_text}" if old is not None
                     else f"{label}{sep}{new_text}")
    return " ; ".join(parts) if lang == "fr" else "; ".join(parts)


def recourse_items(recourse: dict[str, Any], lang: str = "fr") -> list[tuple[str, str | None]]:
    """(sentence, decision) per option, or a single explanatory sentence."""
    options = recourse.get("options") or []
    if recourse.get("decision") == "granted" or recourse.get("already_granted"):
        return [(tr("recourse_granted", lang), None)]
    if not options:
        message = recourse.get("message")
        if isinstance(message, dict):
            message = message.get(lang)
        return [(str(message) if message else tr("recourse_none", lang), None)]
    items = []
    for option in options:
        p = option.get("probability_of_default")
        decision = option.get("decision")
        when = tr("recourse_over_time", lang) if option.get("kind") == "over_time" else ""
        if p is None or decision is None:
            items.append((when + option_changes_text(option, lang), decision))
            continue
        items.append((when + tr("recourse_option", lang, change=option_changes_text(option, lang),
                                p=probability(p, lang), decision=decision_text(decision, lang)), decision))
    return items


def recourse_context(recourse: dict[str, Any], lang: str = "fr") -> list[str]:
    """The loan as requested (with the rate its payments are computed at) and the bank's limits."""
    lines = []
    terms = recourse.get("terms")
    if terms and recourse.get("options"):
        lines.append(tr("recourse_terms", lang, amount=format_amount(terms["amount"], lang),
                        term=round(terms["term_months"]), payment=format_amount(terms["monthly_payment"], lang),
                        rate=terms["rate_note"]))
        message = recourse.get("message")
        if message:
            lines.append(str(message))
    return lines


def recourse_body(recourse: dict[str, Any], lang: str = "fr") -> html.Div:
    return html.Div([
        html.Ul(
            [html.Li([html.Span(DECISION_ICONS[d] + " ", **{"aria-hidden": "true"}) if d else "", text],
                     style={"color": TEXT_ON_WHITE[d]} if d else None)
             for text, d in recourse_items(recourse, lang)],
            className="recourse list-unstyled mb-0", id=ID("list"),
        ),
        *(html.P(line, className="small text-muted-strong mb-0 mt-1") for line in recourse_context(recourse, lang)),
    ])


def recourse_panel(lang: str = "fr") -> html.Section:
    return html.Section(
        [html.H2(tr("recourse_title", lang), className="h4", id=ID("heading")),
         html.Div(html.P(tr("loading", lang)), id=ID("body"))],
        id="section-recourse", className="panel", **{"aria-labelledby": ID("heading")},
    )
