"""The "why" panel: the client's reasons in sentences, a SHAP waterfall of the top features
(the rest grouped), and the model's global importance beside it."""

from __future__ import annotations

import math
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from layouts.common import BLUE, FONT, INK, VERMILLION, PanelIds, percent, probability, separators, tr
from layouts.figure import Fig, trace
from layouts.gauge import chart

ID = PanelIds("why")
TOP_FEATURES = 10
MAX_REASONS = 4
MAX_FAVOURABLE = 3
LABEL_CHARS = 40


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _items(score: dict[str, Any], by: str) -> tuple[list[dict[str, Any]], float, int]:
    """The bars to draw (label, display value, contribution), what the payload left out as one
    sum, and how many items that sum holds."""
    if by == "theme" and score.get("themes"):
        return ([{"feature": t["code"], "label": t["theme"], "display_value": t.get("display_value") or "",
                  "contribution": t["contribution"]} for t in score["themes"]], 0.0, 0)
    # A score sent with its largest contributions only carries the rest as one sum.
    return (list(score["contributions"]), float(score.get("other_contribution") or 0.0),
            int(score.get("other_count") or 0))


def waterfall_data(score: dict[str, Any], top: int = TOP_FEATURES, by: str = "feature") -> dict[str, Any]:
    """Top contributions by size (by reason theme or by model feature) plus one bar for the rest,
    from the base value to the client."""
    items, others, other_count = _items(score, by)
    contributions = sorted(items, key=lambda c: -abs(c["contribution"]))
    head, tail = contributions[:top], contributions[top:]
    rest = float(sum(c["contribution"] for c in tail)) + others
    return {"head": head, "rest": rest, "n_rest": len(tail) + other_count,
            "base": float(score["base_value"]),
            "end": float(score["base_value"]) + sum(c["contribution"] for c in contributions) + others}


def waterfall_figure(score: dict[str, Any], lang: str = "fr", top: int = TOP_FEATURES, by: str = "feature") -> Fig:
    """Horizontal waterfall in log-odds, read on a probability axis.

    SHAP values add up in log-odds; an axis in log-odds would mean nothing to a client, so the
    ticks are placed at log-odds positions but labelled with the probabilities they stand for.
    """
    data = waterfall_data(score, top, by)
    # The axis spans every running total, with room for the text outside the bars.
    running = [data["base"]]
    for item in data["head"]:
        running.append(running[-1] + float(item["contribution"]))
    running.append(running[-1] + data["rest"])
    span = max(running) - min(running)
    low = min(running) - max(0.15, 0.08 * span)
    high = max(running) + max(0.35, 0.2 * span)
    # Read top to bottom: the average client, the largest effects first, the rest, this client.
    labels = [tr("waterfall_start", lang)]
    measures = ["absolute"]
    # Bars start at the left edge of the axis (base=low), not at log-odds 0 (= 50 %).
    values = [data["base"] - low]
    texts = [percent(_sigmoid(data["base"]), lang)]
    for item in data["head"]:
        labels.append(f"{_short(item['label'])} = {item['display_value']}" if item["display_value"]
                      else _short(item["label"]))
        measures.append("relative")
        values.append(float(item["contribution"]))
        texts.append("▶" if item["contribution"] > 0 else "◀")
    if data["n_rest"]:
        labels.append(tr("waterfall_others" if by == "feature" else "waterfall_other_themes", lang, n=data["n_rest"]))
        measures.append("relative")
        values.append(data["rest"])
        texts.append("▶" if data["rest"] > 0 else "◀")
    labels.append(tr("waterfall_end", lang))
    measures.append("total")
    values.append(0.0)
    texts.append(probability(float(score["probability_of_default"]), lang))
    figure = Fig(
        trace("waterfall",
            orientation="h",
            measure=measures,
            y=labels,
            x=values,
            base=low,
            text=texts,
            textposition="outside",
            increasing={"marker": {"color": VERMILLION}},
            decreasing={"marker": {"color": BLUE}},
            totals={"marker": {"color": INK}},
            connector={"line": {"color": "#8c8c8c", "width": 1}},
            hovertemplate="%{y}<extra></extra>",
            cliponaxis=False,
        )
    )
    candidates = (0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.12, 0.15,
                  0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97, 0.99)
    ticks = [p for p in candidates if low <= _logit(p) <= high]
    # At most five labelled ticks (thinned evenly): more get rotated on a 1280 px screen.
    step = max(1, math.ceil(len(ticks) / 5))
    ticks = ticks[::step]
    figure.update_layout(
        height=90 + 34 * (len(labels)),
        margin={"l": 10, "r": 20, "t": 10, "b": 50},
        separators=separators(lang), font={"family": FONT, "color": INK, "size": 13},
        xaxis={"tickvals": [_logit(p) for p in ticks], "tickangle": 0,
               "ticktext": [percent(p, lang, 0 if p >= 0.02 else 1) for p in ticks],
               "range": [low, high], "gridcolor": "#e6e6e6", "zeroline": False},
        yaxis={"autorange": "reversed", "automargin": True},
        plot_bgcolor="white",
        paper_bgcolor="white",
        showlegend=False,
    )
    return axis_note(figure, tr("waterfall_axis", lang))


def axis_note(figure: Fig, text: str) -> Fig:
    """The x axis's title, right-aligned under the plot: plotly centres an axis title on the plot
    area, and long labels on the left leave it too narrow for the title on a 1280 px screen."""
    return figure.add_annotation(text=text, xref="paper", yref="paper", x=1, y=0, xanchor="right",
                                 yanchor="top", yshift=-24, showarrow=False)


def waterfall_description(score: dict[str, Any], lang: str = "fr", by: str = "feature") -> str:
    data = waterfall_data(score, 1, by)
    top = data["head"][0] if data["head"] else None
    top_text = (f"{top['label']} = {top['display_value']} "
                f"({tr('raises' if top['contribution'] > 0 else 'lowers', lang)})") if top else "—"
    return tr("waterfall_aria", lang, base=percent(_sigmoid(data["base"]), lang),
              p=probability(float(score["probability_of_default"]), lang), top=top_text)


def importance_figure(importance: list[dict[str, Any]], client_features: set[str], lang: str = "fr",
                      count: int = 10) -> Fig:
    """The model's global importance; the features that are also this client's reasons in bold."""
    rows = list(reversed(importance[:count]))
    labels = [(f"<b>{_short(r['label'], 40)}</b>" if r["feature"] in client_features else _short(r["label"], 40))
              for r in rows]
    figure = Fig(
        trace("bar",
            x=[r["importance"] for r in rows], y=labels, orientation="h",
            marker={"color": ["#3d3d3d" if r["feature"] in client_features else "#a6a6a6" for r in rows]},
            hovertemplate="%{y}: %{x:.3f}<extra></extra>",
        )
    )
    figure.update_layout(
        height=60 + 26 * len(rows),
        margin={"l": 10, "r": 20, "t": 10, "b": 45},
        separators=separators(lang), font={"family": FONT, "color": INK, "size": 12},
        xaxis={"gridcolor": "#e6e6e6", "tickangle": 0},
        yaxis={"automargin": True},
        plot_bgcolor="white", paper_bgcolor="white", showlegend=False,
    )
    return axis_note(figure, tr("importance_axis", lang))


def reasons_block(score: dict[str, Any], lang: str = "fr") -> html.Div:
    reasons = score.get("reasons", {})
    raising = (reasons.get("raises_risk") or [])[:MAX_REASONS]
    lowering = (reasons.get("lowers_risk") or [])[:MAX_FAVOURABLE]

    def sentence(reason: dict[str, Any]) -> str:
        if reason.get("sentence"):
            return str(reason["sentence"])
        effect = tr("raises" if reason["contribution"] > 0 else "lowers", lang)
        sep = " : " if lang == "fr" else ": "
        return f"{reason['label']}{sep}{reason.get('display_value', '')} — {effect}."

    columns = [
            dbc.Col([
                html.H3(tr("reasons_title", lang), className="h6"),
                html.Ul([html.Li([html.Span("▲ ", className="icon-up", **{"aria-hidden": "true"}), sentence(r)])
                         for r in raising], id=ID("reasons"), className="reasons list-unstyled mb-0")
                if raising else html.P(tr("no_reasons", lang)),
            ], md=6),
            dbc.Col([
                html.H3(tr("favourable_title", lang), className="h6"),
                html.Ul([html.Li([html.Span("▼ ", className="icon-down", **{"aria-hidden": "true"}), sentence(r)])
                         for r in lowering], id=ID("favourable"), className="reasons list-unstyled mb-0")
                if lowering else html.P(tr("no_reasons", lang)),
            ], md=6),
    ]
    # A grant is explained by what speaks for the client first.
    if score.get("decision") == "granted":
        columns.reverse()
    return dbc.Row(columns, className="g-3 reasons-row")


def why_charts(score: dict[str, Any], importance: list[dict[str, Any]], lang: str = "fr",
               analyst: bool = False) -> dbc.Row:
    """The waterfall by reason theme (what the advisor says), or by model feature for an analyst."""
    by = "feature" if analyst or not score.get("themes") else "theme"
    # Bold in the global ranking: this client's five strongest features, whichever their direction.
    client_features = {c["feature"] for c in waterfall_data(score, 5)["head"]}
    top_global = importance[0]["label"] if importance else "—"
    return dbc.Row(
        [
            dbc.Col(
                [
                    html.H3(tr("waterfall_title" if by == "feature" else "waterfall_title_themes", lang),
                            className="h6"),
                    chart(ID("waterfall"), waterfall_figure(score, lang, by=by),
                          waterfall_description(score, lang, by)),
                ],
                xl=7,
            ),
            dbc.Col(
                [
                    html.H3(tr("importance_title", lang), className="h6"),
                    chart(ID("importance"), importance_figure(importance, client_features, lang),
                          tr("importance_aria", lang, top=top_global)),
                    html.P(tr("importance_note", lang), className="small text-muted-strong"),
                ],
                xl=5,
            ),
        ],
        className="g-3 mt-1",
    )


def why_panel(lang: str = "fr", score: dict[str, Any] | None = None) -> html.Section:
    """The reasons in sentences come with the page; the charts follow from the callback."""
    return html.Section(
        [
            html.H2(tr("why_title", lang), className="h4", id=ID("heading")),
            html.Div(reasons_block(score, lang) if score else html.P(tr("loading", lang)), id=ID("reasons-body")),
            dbc.Switch(id=ID("analyst"), label=tr("analyst_detail", lang), value=False,
                       className="small mt-2 mb-0"),
            html.Div(id=ID("charts")),
        ],
        id="section-why", className="panel", **{"aria-labelledby": ID("heading")},
    )
