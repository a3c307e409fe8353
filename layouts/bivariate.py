"""Two features at once: an SVG scatter of (at most 1,500 of) the reference sample, coloured by the actual outcome
or by the predicted (out-of-fold) risk, with the client marked."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
import numpy as np
from dash import html

from layouts.chart_format import PLAIN_NUMBER_AXIS, colon, hover_percent, percent_text
from layouts.common import BLUE, FONT, INK, VERMILLION, PanelIds, number, probability, separators, tr
from layouts.figure import Fig, trace
from layouts.gauge import chart

ID = PanelIds("bivariate")
# Cividis: readable with every common colour-vision deficiency, and in greyscale.
RISK_SCALE = "Cividis"
# Decision limits closer than this share of the colour bar get one label (about 20 px at 460 px).
CLOSE_TICKS = 0.06


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


def risk_colour_bar(data: dict[str, Any], lang: str) -> dict[str, Any]:
    """The predicted-risk colours from 0 to about twice the refusal limit (`risk_max`), the two
    decision limits ticked and named on the colour bar, so the band an advisor cares about spans
    the scale instead of the bottom sliver of 0–85 %."""
    top = round(100 * float(data.get("risk_max") or 1.0), 6)
    low, high = (100 * float(v) for v in data.get("review_band") or (None, None)) \
        if data.get("review_band") else (None, None)
    values, labels = [0.0], [percent_text(0, lang, 0)]
    if low is not None and high is not None and high < top:
        values += [low, high]
        if (high - low) / top < CLOSE_TICKS:
            # Two labels a few pixels apart overprint: one label, on two lines, at the top limit.
            labels += ["", tr("risk_tick_band", lang, low=percent_text(low, lang), high=percent_text(high, lang))]
        else:
            labels += [tr("risk_tick_review", lang, p=percent_text(low, lang)),
                       tr("risk_tick_refused", lang, p=percent_text(high, lang))]
    values.append(top)
    labels.append(f"≥ {percent_text(top, lang, 0)}")
    return {
        "cmin": 0.0, "cmax": top,
        "colorbar": {"title": {"text": tr("risk_axis", lang)}, "thickness": 14, "len": 1, "y": 0.5,
                     "tickmode": "array", "tickvals": values, "ticktext": labels,
                     "ticks": "outside", "ticklen": 8, "tickwidth": 2, "tickcolor": INK},
    }


def _position(value: Any, levels: list[str] | None, categorical: bool) -> Any:
    if not categorical:
        return value
    return levels.index(str(value)) if levels and str(value) in levels else value


def bivariate_figure(data: dict[str, Any], client_x: Any, client_y: Any, lang: str = "fr",
                     client_risk: float | None = None) -> Fig:
    xs, x_levels = _jitter(data["x_values"], data["x_categorical"], 1)
    ys, y_levels = _jitter(data["y_values"], data["y_categorical"], 2)
    figure = Fig()
    outcome = np.asarray(data["outcome"], dtype=int)
    if data["color_by"] == "risk" and data.get("probability") is not None:
        risk = np.asarray(data["probability"], dtype=float) * 100
        figure.add_trace(trace("scatter",
            x=xs, y=ys, mode="markers", name=tr("risk_axis", lang), showlegend=False,
            marker={"size": 6, "color": risk, "colorscale": RISK_SCALE, "opacity": 0.8,
                    **risk_colour_bar(data, lang)},
            hovertemplate=tr("risk_axis", lang) + colon(lang) + hover_percent("marker.color", lang)
            + "<extra></extra>",
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
        cx = _position(client_x, x_levels, data["x_categorical"])
        cy = _position(client_y, y_levels, data["y_categorical"])
        label = tr("this_client", lang)
        if client_risk is not None and data["color_by"] == "risk":
            label = tr("client_marker", lang, value=probability(client_risk, lang))
        # White with a thick black outline: a colour no risk or outcome shade takes, so the marker
        # never reads as a risk level; its own risk is written next to it.
        figure.add_trace(trace("scatter",
            x=[cx], y=[cy], mode="markers", name=tr("this_client", lang),
            marker={"size": 24, "color": "white", "symbol": "star", "line": {"color": INK, "width": 3}},
            hoverinfo="skip",
        ))
        figure.add_annotation(x=cx, y=cy, text=label, showarrow=True, arrowhead=0, arrowwidth=1.5,
                              arrowcolor=INK, ax=0, ay=-34, font={"color": INK, "size": 13},
                              bgcolor="white", bordercolor=INK, borderwidth=1, borderpad=3)
    figure.update_layout(
        height=460, margin={"l": 10, "r": 10, "t": 40, "b": 10},
        separators=separators(lang), font={"family": FONT, "color": INK, "size": 13},
        legend={"orientation": "h", "y": 1.1, "x": 0},
        plot_bgcolor="white", paper_bgcolor="white",
        xaxis={"title": {"text": data["x_title"]}, "gridcolor": "#e6e6e6", "automargin": True,
               **PLAIN_NUMBER_AXIS},
        yaxis={"title": {"text": data["y_title"]}, "gridcolor": "#e6e6e6", "automargin": True,
               **PLAIN_NUMBER_AXIS},
    )
    if x_levels:
        names = data.get("x_names") or {}
        figure.update_xaxes(tickvals=list(range(len(x_levels))), ticktext=[names.get(v, v) for v in x_levels])
    if y_levels:
        names = data.get("y_names") or {}
        figure.update_yaxes(tickvals=list(range(len(y_levels))), ticktext=[names.get(v, v) for v in y_levels])
    return figure


def _description(data: dict[str, Any], lang: str) -> str:
    """The text alternative: what is plotted, how the client is marked, and the colour scale."""
    text = tr("bivariate_aria", lang, n=data["n_points"], x=data["x_title"], y=data["y_title"])
    if data["color_by"] == "risk" and data.get("review_band") and data.get("risk_max"):
        low, high = data["review_band"]
        text += " " + tr("risk_scale_aria", lang, top=percent_text(100 * data["risk_max"], lang, 0),
                         low=percent_text(100 * low, lang), high=percent_text(100 * high, lang))
    return text


def bivariate_body(data: dict[str, Any], client_x: Any, client_y: Any, lang: str = "fr",
                   client_risk: float | None = None) -> html.Div:
    children = [
        chart(ID("figure"), bivariate_figure(data, client_x, client_y, lang, client_risk), _description(data, lang)),
        html.P(tr("bivariate_note", lang, n=number(data["n_points"], 0, lang), m=number(data["n_missing"], 0, lang)),
               className="small text-muted-strong"),
    ]
    if data["color_by"] == "risk" and data.get("review_band") and data.get("risk_max"):
        low, high = data["review_band"]
        children.append(html.P(tr("risk_note", lang, top=percent_text(100 * data["risk_max"], lang, 0),
                                  low=percent_text(100 * low, lang), high=percent_text(100 * high, lang)),
                               className="small text-muted-strong"))
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
