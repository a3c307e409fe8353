"""Client vs others: one feature's distribution among repaid and defaulted reference clients,
the client's value marked with its percentile, optionally among similar clients only."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts.common import BLUE, FONT, INK, VERMILLION, PanelIds, dropdown_labels, number, separators, tr
from layouts.figure import Fig, trace
from layouts.gauge import chart
from scoring.display import format_level, format_value

ID = PanelIds("compare")


def _filters_text(applied: dict[str, Any], lang: str) -> str:
    parts = []
    if "income_type" in applied:
        parts.append(format_level(str(applied["income_type"]), lang))
    if "age_band" in applied:
        low, high = applied["age_band"]
        parts.append(tr("age_band", lang, low=low, high=min(high, 100) - 1))
    return ", ".join(parts)


def compare_sentence(view: dict[str, Any], display_value: str | None, lang: str = "fr") -> str:
    label = view["label"]
    if view.get("client_value") is None:
        return tr("missing_value_sentence", lang, label=label)
    shown = display_value or str(view["client_value"])
    if view["kind"] == "categorical":
        levels = view["levels"]
        value = view["client_value"]
        if value in levels:
            i = levels.index(value)
            rate = f"{number(view['default_rate'][i], 1, lang)}{' %' if lang == 'fr' else '%'}"
            return tr("level_sentence", lang, label=label, value=shown, rate=rate, n=view["counts"][i])
        return tr("missing_value_sentence", lang, label=label)
    pct = view.get("percentile")
    pct_text = "—" if pct is None else f"{number(pct, 0, lang)}{' %' if lang == 'fr' else '%'}"
    return tr("percentile_sentence", lang, label=label, value=shown, pct=pct_text)


def population_note(view: dict[str, Any], lang: str = "fr") -> str:
    if view["source"] == "sample":
        note = tr("sample_note", lang, filters=_filters_text(view["filter"], lang),
                  n=number(view["n_clients"], 0, lang), d=number(view["n_default"], 0, lang))
        if view.get("too_few_similar"):
            note += " " + tr("too_few", lang)
        return note
    return tr("population_note", lang, n=number(view["n_clients"], 0, lang), d=number(view["n_default"], 0, lang))


def distribution_figure(view: dict[str, Any], display_value: str | None = None, lang: str = "fr") -> Fig:
    figure = Fig()
    client = view.get("client_value")
    if view["kind"] == "categorical":
        levels = view["levels"]
        names = [format_level(str(level), lang) for level in levels]
        colours = [VERMILLION if level == client else "#8c8c8c" for level in levels]
        figure.add_trace(trace("bar",
            x=names, y=view["default_rate"], marker={"color": colours, "line": {"color": INK, "width": 0.5}},
            text=[f"n={c}" for c in view["counts"]], textposition="outside",
            hovertemplate="%{x}: %{y:.1f} %<extra></extra>", name=tr("default_rate_axis", lang),
        ))
        if client in levels:
            i = levels.index(client)
            figure.add_annotation(x=names[i], y=view["default_rate"][i], text=tr("this_client", lang) + " ▼",
                                  showarrow=False, yshift=34, font={"color": INK, "size": 13})
        figure.update_layout(yaxis={"title": {"text": tr("default_rate_axis", lang)}},
                             xaxis={"title": {"text": view["axis_title"]}, "tickangle": -30})
    else:
        figure.add_trace(trace("bar", x=view["centers"], y=view["share_repaid"], width=view["widths"],
                               name=tr("repaid", lang),
                       marker={"color": BLUE, "opacity": 0.75},
                       hovertemplate="%{x:.3g}: %{y:.1f} %<extra>" + tr("repaid", lang) + "</extra>"))
        figure.add_trace(trace("bar", x=view["centers"], y=view["share_default"], width=view["widths"],
                       name=tr("defaulted", lang),
                       marker={"color": VERMILLION, "opacity": 0.75, "pattern": {"shape": "/", "fgcolor": "white",
                                                                                   "fillmode": "overlay"}},
                       hovertemplate="%{x:.3g}: %{y:.1f} %<extra>" + tr("defaulted", lang) + "</extra>"))
        if client is not None and not isinstance(client, str):
            figure.add_vline(x=client, line={"color": INK, "width": 3, "dash": "dash"})
            # Inside the plot, under its top edge: above it the legend would collide with the label.
            figure.add_annotation(x=client, y=0.98, yref="paper", yanchor="top", showarrow=False,
                                  text=tr("client_marker", lang, value=display_value or f"{client:.3g}"),
                                  font={"color": INK, "size": 13}, bgcolor="white", bordercolor=INK,
                                  borderwidth=1, borderpad=3)
        figure.update_layout(barmode="overlay", bargap=0,
                             yaxis={"title": {"text": tr("share_axis", lang)}},
                             xaxis={"title": {"text": view["axis_title"]}})
    figure.update_layout(
        height=360, margin={"l": 10, "r": 20, "t": 40, "b": 10},
        separators=separators(lang), font={"family": FONT, "color": INK, "size": 13},
        legend={"orientation": "h", "y": 1.12, "x": 0},
        plot_bgcolor="white", paper_bgcolor="white",
    )
    figure.update_xaxes(gridcolor="#e6e6e6", automargin=True)
    figure.update_yaxes(gridcolor="#e6e6e6", automargin=True)
    return figure


def compare_body(view: dict[str, Any], raw_value: Any, lang: str = "fr") -> html.Div:
    display = None if view.get("client_value") is None else format_value(view["feature"], raw_value, lang,
                                                                          raw=raw_value)
    sentence = compare_sentence(view, display, lang)
    return html.Div(
        [
            html.P(html.Strong(sentence), id=ID("sentence"), className="mb-1"),
            chart(ID("figure"), distribution_figure(view, display, lang),
                  tr("distribution_aria", lang, label=view["label"], sentence=sentence)),
            html.P(population_note(view, lang), className="small text-muted-strong", id=ID("note")),
        ]
    )


def compare_panel(options: list[dict[str, str]], default_feature: str | None, lang: str = "fr") -> html.Section:
    return html.Section(
        [
            html.H2(tr("compare_title", lang), className="h4", id=ID("heading")),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dbc.Label(tr("compare_feature", lang), html_for=ID("feature")),
                            dcc.Dropdown(id=ID("feature"), options=options, value=default_feature,
                                         clearable=False, searchable=True,
                                         labels=dropdown_labels(lang)),
                        ],
                        md=7,
                    ),
                    dbc.Col(
                        html.Fieldset(
                            [
                                html.Legend(tr("similar_label", lang), className="form-label fs-6"),
                                dbc.Checklist(
                                    id=ID("similar"),
                                    options=[{"label": tr("similar_income", lang), "value": "income_type"},
                                             {"label": tr("similar_age", lang), "value": "age_band"}],
                                    value=[], inline=True,
                                ),
                            ]
                        ),
                        md=5,
                    ),
                ],
                className="g-2 mb-2",
            ),
            html.Div(html.P(tr("loading", lang)), id=ID("body")),
        ],
        id="section-compare", className="panel", **{"aria-labelledby": ID("heading")},
    )
