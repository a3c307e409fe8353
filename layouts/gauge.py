"""The score panel: decision in words and icon, the gauge, the distance to the threshold and the
out-of-population warnings. Pure functions of a `ClientScore.to_dict(lang)`."""

from __future__ import annotations

import math
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts.common import (
    DECISION_COLOURS,
    DECISION_ICONS,
    FONT,
    INK,
    TEXT_ON_WHITE,
    PanelIds,
    decision_text,
    distance_sentence,
    probability,
    separators,
    tr,
)
from layouts.figure import Fig, percent_ticks, trace
from scoring.decision_bands import shown

ID = PanelIds("gauge")


def gauge_range(probability: float, review_high: float) -> float:
    """Top of the gauge: wide enough to show the band and the client, in steps of 5 points.

    Thresholds here sit near 5–10 %: a 0–100 % dial would squeeze the whole decision into its
    first tenth.
    """
    top = max(0.20, 2.5 * review_high, probability * 1.15)
    return min(1.0, math.ceil(top * 20) / 20)


def gauge_figure(score: dict[str, Any], lang: str = "fr") -> Fig:
    p = float(score["probability_of_default"])
    low, high = (float(v) for v in score["review_band"])
    threshold = float(score["threshold"])
    top = gauge_range(p, high)
    figure = Fig(
        trace("indicator",
            mode="gauge+number",
            # The shown (truncated) value, so the dial's number matches the decision's side.
            value=shown(p) * 100,
            number={"suffix": "\u202f%" if lang == "fr" else "%", "valueformat": ".1f",
                    "font": {"size": 30, "color": INK}},
            gauge={
                "shape": "angular",
                "axis": {"range": [0, top * 100], **percent_ticks(0, top, lang, scale=100, target=3), "tickcolor": INK,
                         "tickfont": {"color": INK, "size": 12}},
                "bar": {"color": INK, "thickness": 0.22},
                "bgcolor": "white",
                "borderwidth": 1,
                "bordercolor": "#767676",
                "steps": [
                    {"range": [0, low * 100], "color": "#cfe3f1"},
                    {"range": [low * 100, high * 100], "color": "#f7dca0"},
                    {"range": [high * 100, top * 100], "color": "#f3c4a6"},
                ],
                "threshold": {"line": {"color": INK, "width": 4}, "thickness": 0.9, "value": threshold * 100},
            },
            domain={"x": [0, 1], "y": [0, 1]},
        )
    )
    figure.update_layout(
        # Room each side for the end labels ("30 %" was clipped at 1440 px).
        margin={"l": 40, "r": 48, "t": 25, "b": 14},
        height=210,
        separators=separators(lang), font={"family": FONT, "color": INK},
        paper_bgcolor="white",
    )
    return figure


def zone_legend(score: dict[str, Any], lang: str = "fr") -> html.Ul:
    """The gauge's zones in words, so colour is never the only cue."""
    low, high = score["review_band"]
    items = [
        ("#cfe3f1", f"{tr('zone_granted', lang)} < {probability(low, lang)}"),
        ("#f7dca0", f"{tr('zone_review', lang)} "
                    + tr("zone_review_range", lang, low=probability(low, lang), high=probability(high, lang))),
        ("#f3c4a6", f"{tr('zone_refused', lang)} ≥ {probability(high, lang)}"),
        (INK, f"{tr('threshold_marker', lang)} : {probability(score['threshold'], lang)}" if lang == "fr"
         else f"{tr('threshold_marker', lang)}: {probability(score['threshold'], lang)}"),
    ]
    return html.Ul(
        [html.Li([html.Span(className="swatch", style={"background": colour}, **{"aria-hidden": "true"}), text])
         for colour, text in items],
        className="zone-legend", id=ID("legend"),
    )


def gauge_description(score: dict[str, Any], lang: str = "fr") -> str:
    low, high = score["review_band"]
    return tr(
        "gauge_aria", lang,
        p=probability(score["probability_of_default"], lang),
        threshold=probability(score["threshold"], lang),
        low=probability(low, lang), high=probability(high, lang),
        decision=decision_text(score["decision"], lang),
    )


def decision_block(score: dict[str, Any], lang: str = "fr") -> html.Div:
    """The decision as the advisor will say it: a word, an icon, a number and a sentence."""
    decision = score["decision"]
    p = float(score["probability_of_default"])
    children: list[Any] = [
        html.Div(
            [
                html.Span(DECISION_ICONS[decision], className="decision-icon", **{"aria-hidden": "true"}),
                html.Span(decision_text(decision, lang).upper(), className="decision-word"),
            ],
            id=ID("decision-text"),
            className=f"decision decision-{decision}",
            style={"color": TEXT_ON_WHITE[decision], "borderColor": DECISION_COLOURS[decision]},
        ),
        html.P(
            [tr("probability_of_default", lang), " : " if lang == "fr" else ": ",
             html.Strong(probability(p, lang), id=ID("probability"))],
            className="probability-line",
        ),
        html.P(distance_sentence(p, score["threshold"], score["review_band"], lang),
               id=ID("distance"), className="distance"),
    ]
    warnings = score.get("warnings") or []
    if warnings:
        children.append(
            dbc.Alert(
                [html.Strong(["⚠ ", tr("warnings_title", lang)]),
                 html.Ul([html.Li(w.get("message", w.get("field", ""))) for w in warnings[:5]])],
                color="warning", className="mt-2 mb-0 small", id=ID("warnings"),
            )
        )
    if score.get("has_history") is False:
        children.append(html.P(tr("no_history", lang), className="text-muted-strong small mb-0"))
    if score.get("in_training_set"):
        # For the advisor (how far to trust the score), never on paper for the client.
        children.append(html.P(tr("in_training_set", lang), id=ID("training-note"),
                               className="text-muted-strong small mb-0 advisor-only"))
    return html.Div(children)


def chart(graph_id: str, figure: Fig, description: str, height: int | None = None,
          class_name: str = "") -> html.Figure:
    """A chart with its text alternative: the figure is labelled for screen readers and the
    same sentence is kept as a (visually hidden) caption."""
    # No style=None: dcc.Graph reads style.height and a null style crashes the whole page.
    style = {"height": f"{height or figure['layout'].get('height') or 400}px"}
    return html.Figure(
        [
            dcc.Graph(id=graph_id, figure=figure, config={"displayModeBar": False, "responsive": True},
                      style=style),
            html.Figcaption(description, className="visually-hidden"),
        ],
        className=f"chart m-0 {class_name}".strip(),
        role="img",
        **{"aria-label": description},
    )


def gauge_chart(score: dict[str, Any], lang: str = "fr") -> list[Any]:
    return [chart(ID("figure"), gauge_figure(score, lang), gauge_description(score, lang), 210),
            zone_legend(score, lang)]


def gauge_panel(lang: str = "fr", score: dict[str, Any] | None = None) -> html.Section:
    """The decision in words comes with the page (it needs no chart library); the gauge follows
    from its callback."""
    return html.Section(
        [
            html.H2(tr("decision_title", lang), className="visually-hidden", id=ID("heading")),
            dbc.Row(
                [
                    dbc.Col(html.Div(decision_block(score, lang) if score else html.P(tr("loading", lang)),
                                     id=ID("decision"), **{"aria-live": "polite"}), md=6),
                    dbc.Col(html.Div(id=ID("chart")), md=6),
                ],
                className="g-2 align-items-center",
            ),
        ],
        id="section-decision",
        className="panel",
        **{"aria-labelledby": ID("heading")},
    )
