"""Two features at once: an SVG scatter of (at most 1,500 of) the reference sample, coloured by the actual outcome
or by the predicted (out-of-fold) risk, with the client marked."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import numpy as np
from dash import html

from layouts.common import BLUE, FONT, INK, VERMILLION, PanelIds, separators, tr
from layouts.figure import Fig, trace
from layouts.gauge import chart

ID = PanelIds("bivariate")
# Cividis: readable with every common colour-vision deficiency, and in greyscale.
RISK_SCALE = "Cividis"


def _jitter(values: Any, categorical: bool, seed: int) -> tuple[np.ndarray, list[str] | None]:
    """Category axes become numbered positions with a little jitter, so stacked points show.

    Numpy arrays all the way: plotly then ships them as typed arrays instead of validating
    five thousand Python floats one by one (a fifth of the callback's time otherwise)."""
    if not categorical:
        return np.asarray(values, dtype=float), None
    text = np.asarray([str(v) for v in values], dtype=object)
    levels = sorted(set(text.tolist()))
    codes = np.searchsorted(np.asarray(levels, dtype=object), text).astype(float)
    rng = np.random.default_rng(seed)
    return codes + rng.uniform(-0.3, 0.3, size=codes.size), levels


def bivariate_figure(data: dict[str, Any], client_x: Any, client_y: Any, lang: str = "fr") -> Fig:
    xs, x_levels = _jitter(data["x_values"], data["x_categorical"], 1)
    ys, y_levels = _jitter(data["y_values"], data["y_categorical"], 2)
    figure = Fig()
    outcome = np.asarray(data["outcome"], dtype=int)
    if data["color_by"] == "risk" and data.get("probability") is not None:
        probability = np.asarray(data["probability"], dtype=float) * 100
        figure.add_trace(trace("scatter",
            x=xs, y=ys, mode="markers", name=tr("risk_axis", lang),
            marker={"size": 5, "color": probability, "colorscale": RISK_SCALE, "opacity": 0.7,
                    "colorbar": {"title": {"text": tr("risk_axis", lang) + " (%)"}, "thickness": 12}},
            hovertemplate="%{marker.color:.1f} %<extra></extra>",
        ))
    else:
        for label, value, colour, symbol in (("repaid", 0, BLUE, "circle"), ("defaulted", 1, VERMILLION, "x")):
            keep = outcome == value
            figure.add_trace(trace("scatter",
                x=xs[keep], y=ys[keep], mode="markers", name=tr(label, lang),
                marker={"size": 5 if value == 0 else 6, "color": colour, "symbol": symbol,
                        "opacity": 0.45 if value == 0 else 0.8},
                hoverinfo="skip",
            ))
    if client_x is not None and client_y is not None:
        cx = (x_levels.index(str(client_x)) if x_levels and str(client_x) in x_levels else client_x) \
            if data["x_categorical"] else client_x
        cy = (y_levels.index(str(client_y)) if y_levels and str(client_y) in y_levels else client_y) \
            if data["y_categorical"] else client_y
        figure.add_trace(trace("scatter",
            x=[cx], y=[cy], mode="markers+text", name=tr("this_client", lang), text=[tr("this_client", lang)],
            textposition="top center", textfont={"color": INK, "size": 14},
            marker={"size": 20, "color": "#ffd400", "symbol": "star", "line": {"color": INK, "width": 2}},
        ))
    figure.update_layout(
        height=460, margin={"l": 10, "r": 10, "t": 40, "b": 10},
        separators=separators(lang), font={"family": FONT, "color": INK, "size": 13},
        legend={"orientation": "h", "y": 1.1, "x": 0},
        plot_bgcolor="white", paper_bgcolor="white",
        xaxis={"title": {"text": data["x_title"]}, "gridcolor": "#e6e6e6", "automargin": True},
        yaxis={"title": {"text": data["y_title"]}, "gridcolor": "#e6e6e6", "automargin": True},
    )
    if x_levels:
        figure.update_xaxes(tickvals=list(range(len(x_levels))), ticktext=x_levels)
    if y_levels:
        figure.update_yaxes(tickvals=list(range(len(y_levels))), ticktext=y_levels)
    return figure


def bivariate_body(data: dict[str, Any], client_x: Any, client_y: Any, lang: str = "fr") -> html.Div:
    description = tr("bivariate_aria", lang, n=data["n_points"], x=data["x_title"], y=data["y_title"])
    children = [
        chart(ID("figure"), bivariate_figure(data, client_x, client_y, lang), description),
        html.P(tr("bivariate_note", lang, n=data["n_points"], m=data["n_missing"]),
               className="small text-muted-strong"),
    ]
    if client_x is None or client_y is None:
        children.insert(0, html.P(tr("client_missing_axis", lang), className="small"))
    return html.Div(children)


def bivariate_panel(options: list[dict[str, str]], x: str | None, y: str | None, lang: str = "fr") -> html.Section:
    return html.Section(
        [
            html.H2(tr("bivariate_title", lang), className="h4", id=ID("heading")),
            dbc.Row(
                [
                    dbc.Col([dbc.Label(tr("x_feature", lang), html_for=ID("x")),
                             dbc.Select(id=ID("x"), options=options, value=x)], md=4),
                    dbc.Col([dbc.Label(tr("y_feature", lang), html_for=ID("y")),
                             dbc.Select(id=ID("y"), options=options, value=y)], md=4),
                    dbc.Col(
                        html.Fieldset([
                            html.Legend(tr("color_by", lang), className="form-label fs-6"),
                            dbc.RadioItems(id=ID("color"), value="outcome",
                                           options=[{"label": tr("color_outcome", lang), "value": "outcome"},
                                                    {"label": tr("color_risk", lang), "value": "risk"}]),
                        ]),
                        md=4,
                    ),
                ],
                className="g-2 mb-2",
            ),
            html.Div(html.P(tr("loading", lang)), id=ID("body")),
        ],
        id="section-bivariate", className="panel", **{"aria-labelledby": ID("heading")},
    )
