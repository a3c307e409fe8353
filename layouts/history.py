"""The client's versions: who changed what, why, and the score each version got."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from layouts.common import (
    DECISION_ICONS,
    FONT,
    INK,
    TEXT_ON_WHITE,
    PanelIds,
    decision_text,
    probability,
    separators,
    tr,
)
from layouts.figure import Fig, trace
from layouts.gauge import chart
from scoring.display import format_moment, format_value
from scoring.feature_labels import feature_label
from scoring.store.store import INITIAL_LOAD_REASON

ID = PanelIds("history")


def _when(created_at: str, lang: str) -> str:
    return format_moment(created_at, lang)


def changes_text(changed: dict[str, Any], lang: str) -> str:
    parts = []
    for field, change in (changed or {}).items():
        old, new = (change.get("old"), change.get("new")) if isinstance(change, dict) else (None, change)
        parts.append(f"{feature_label(field, lang)} : {format_value(field, old, lang, raw=old)} → "
                     f"{format_value(field, new, lang, raw=new)}" if lang == "fr" else
                     f"{feature_label(field, lang)}: {format_value(field, old, lang, raw=old)} → "
                     f"{format_value(field, new, lang, raw=new)}")
    return " ; ".join(parts) if lang == "fr" else "; ".join(parts)


def _reasons_text(reasons: dict[str, list[dict[str, Any]]] | None, lang: str) -> str:
    """The features that raised the risk most when that version was decided (stored with it);
    a dash when no explanation was kept for the serving model."""
    raising = (reasons or {}).get("raises_risk") or []
    return (" ; " if lang == "fr" else "; ").join(f"▲ {r['label']}" for r in raising[:2]) if raising else "—"


def _advisor_text(entry: dict[str, Any] | None, lang: str) -> str:
    """What a person decided on that version (the latest decision), who, and why."""
    if not entry:
        return "—"
    from layouts.decision import status_text

    why = f" — {entry['justification']}" if entry.get("justification") else ""
    return (f"{decision_text(entry['outcome'], lang)} ({entry['author']}, "
            f"{status_text(entry.get('status'), lang)}){why}")


def history_figure(versions: list[dict[str, Any]], threshold: float, lang: str = "fr",
                   review_band: tuple[float, float] | list[float] | None = None) -> Fig:
    scored = [v for v in versions if v.get("probability_of_default") is not None]
    figure = Fig(trace("scatter",
        x=[v["version"] for v in scored], y=[100 * v["probability_of_default"] for v in scored],
        mode="lines+markers+text", text=[probability(v["probability_of_default"], lang) for v in scored],
        textposition="top center", line={"color": INK}, marker={"size": 9, "color": INK},
        hovertemplate="v%{x}: %{y:.1f} %<extra></extra>",
    ))
    low, high = review_band or (threshold, threshold)
    figure.add_decision_band((low, high), threshold, tr("band_label", lang, low=probability(low, lang),
                                                         high=probability(high, lang)), axis="y")
    top = max([high * 100 * 1.6] + [100 * v["probability_of_default"] * 1.25 for v in scored])
    figure.update_layout(
        height=240, margin={"l": 60, "r": 10, "t": 20, "b": 45},
        separators=separators(lang), font={"family": FONT, "color": INK, "size": 12},
        # Half a version of room each side, so the first and last value labels are not cut.
        xaxis={"title": {"text": tr("history_version", lang)}, "dtick": 1, "gridcolor": "#e6e6e6",
               "range": [min([v["version"] for v in scored] or [1]) - 0.5,
                         max([v["version"] for v in scored] or [1]) + 0.5]},
        yaxis={"title": {"text": tr("probability_of_default", lang) + " (%)"}, "range": [0, top],
               "gridcolor": "#e6e6e6"},
        plot_bgcolor="white", paper_bgcolor="white", showlegend=False,
    )
    return figure


def history_table(versions: list[dict[str, Any]], lang: str = "fr") -> dbc.Table:
    header = html.Thead(html.Tr([html.Th(tr(k, lang), scope="col") for k in (
        "history_version", "history_when", "history_author", "history_reason", "history_changes",
        "history_score", "history_decision", "history_advisor", "history_reasons")]))
    rows = []
    for v in sorted(versions, key=lambda v: -v["version"]):
        decision = v.get("decision")
        rows.append(html.Tr([
            html.Td(str(v["version"])),
            html.Td(_when(v["created_at"], lang)),
            html.Td(v.get("author") or ""),
            html.Td(tr("history_loaded_reason", lang) if v.get("reason") == INITIAL_LOAD_REASON
                    else v.get("reason") or ""),
            html.Td(changes_text(v.get("changed_fields") or {}, lang) or tr("history_initial", lang)),
            html.Td(probability(v["probability_of_default"], lang) if v.get("probability_of_default") is not None
                    else "—"),
            html.Td([DECISION_ICONS[decision], " ", decision_text(decision, lang)],
                    style={"color": TEXT_ON_WHITE[decision]}) if decision else html.Td("—"),
            html.Td(_advisor_text(v.get("advisor_decision"), lang)),
            html.Td(_reasons_text(v.get("reasons"), lang)),
        ], id={"type": "history-row", "version": int(v["version"])}))
    return dbc.Table([header, html.Tbody(rows)], bordered=False, hover=True, size="sm", responsive=True,
                     className="small history-table", id=ID("table"))


def history_body(versions: list[dict[str, Any]], threshold: float, lang: str = "fr",
                 review_band: tuple[float, float] | list[float] | None = None) -> html.Div:
    scored = [v for v in versions if v.get("probability_of_default") is not None]
    # One point is not a trend: the table says it all.
    figure = [chart(ID("figure"), history_figure(versions, threshold, lang, review_band),
                    tr("history_aria", lang, n=len(scored)))] if len(scored) >= 2 else []
    return html.Div([*figure, history_table(versions, lang)])


def history_panel(lang: str = "fr") -> html.Section:
    return html.Section(
        [html.H2(tr("history_title", lang), className="h4", id=ID("heading")),
         html.Div(html.P(tr("loading", lang)), id=ID("body"))],
        id="section-history", className="panel", **{"aria-labelledby": ID("heading")},
    )
