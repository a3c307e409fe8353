"""Client vs others: one feature's distribution among repaid and defaulted reference clients,
the client's value marked with its percentile, optionally among similar clients only."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts.chart_format import (
    PLAIN_NUMBER_AXIS,
    colon,
    count_text,
    hover_number,
    hover_percent,
    percent_sign,
    percent_text,
)
from layouts.common import BLUE, FONT, INK, VERMILLION, PanelIds, dropdown_labels, number, separators, tr
from layouts.figure import Fig, trace
from layouts.gauge import chart
from scoring.display import format_level, format_value
from scoring.level_labels import level_name

ID = PanelIds("compare")


def _filters_text(applied: dict[str, Any], lang: str) -> str:
    parts = []
    if "income_type" in applied:
        parts.append(format_level(str(applied["income_type"]), lang))
    if "age_band" in applied:
        low, high = applied["age_band"]
        parts.append(tr("age_band", lang, low=low, high=min(high, 100) - 1))
    return ", ".join(parts)


def _group_text(view: dict[str, Any], lang: str) -> str:
    """Whom the sentence speaks of: the reference clients, or the similar clients it was computed on."""
    if view.get("source") == "sample" and view.get("filter"):
        return tr("group_similar", lang, filters=_filters_text(view["filter"], lang))
    return tr("group_reference", lang)


def compare_sentence(view: dict[str, Any], display_value: str | None, lang: str = "fr") -> str:
    """The headline: the client's value and where it stands among the clients the chart shows
    (the similar clients when that filter is on)."""
    label = view["label"]
    if view.get("client_value") is None:
        return tr("missing_value_sentence", lang, label=label)
    shown = display_value or str(view["client_value"])
    group = _group_text(view, lang)
    if view.get("too_few_similar"):
        return tr("too_few_sentence", lang, label=label, value=shown, group=group,
                  n=number(view["n_clients"], 0, lang))
    if view["kind"] == "categorical":
        levels = view["levels"]
        value = view["client_value"]
        if value in levels:
            i = levels.index(value)
            n = number(view["counts"][i], 0, lang)
            if view.get("small", [False] * len(levels))[i]:
                return tr("level_small_sentence", lang, label=label, value=shown, n=n, group=group,
                          min=number(view.get("min_group", 0), 0, lang))
            return tr("level_sentence", lang, label=label, value=shown, group=group,
                      rate=percent_text(view["default_rate"][i], lang), n=n)
        return tr("missing_value_sentence", lang, label=label)
    pct = view.get("percentile")
    pct_text = "—" if pct is None else percent_text(pct, lang, 0)
    return tr("percentile_sentence", lang, label=label, value=shown, pct=pct_text, group=group)


def population_note(view: dict[str, Any], lang: str = "fr") -> str:
    if view["source"] == "sample":
        note = tr("sample_note", lang, filters=_filters_text(view["filter"], lang),
                  n=number(view["n_clients"], 0, lang), d=number(view["n_default"], 0, lang))
        if view.get("too_few_similar"):
            note += " " + tr("too_few", lang)
    else:
        note = tr("population_note", lang, n=number(view["n_clients"], 0, lang),
                  d=number(view["n_default"], 0, lang))
    if view["kind"] == "categorical":
        note += " " + tr("groups_note", lang, min=number(view.get("min_group", 0), 0, lang),
                         top=view.get("max_groups", 0) - 1)
    return note


def _chart_description(view: dict[str, Any], sentence: str, lang: str) -> str:
    """The chart's text alternative: what is drawn, how to tell the groups apart, and the headline."""
    if view["kind"] == "categorical":
        return tr("rates_aria", lang, label=view["label"], k=len(view["levels"]),
                  min=number(view.get("min_group", 0), 0, lang), sentence=sentence)
    return tr("distribution_aria", lang, label=view["label"], sentence=sentence)


def _categorical_figure(figure: Fig, view: dict[str, Any], lang: str) -> None:
    """Default rate per group as horizontal bars (long, translated names stay readable), largest
    group on top; groups too small to conclude hatched and labelled so."""
    client = view.get("client_value")
    levels, rates, counts = view["levels"], view["default_rate"], view["counts"]
    small = view.get("small") or [False] * len(levels)
    names = view.get("names") or [format_level(str(level), lang) for level in levels]
    # The client's group is named on its axis label; the y positions stay the plain names.
    ticks = [f"<b>{name} ◀ {tr('this_client', lang).lower()}</b>" if level == client else name
             for level, name in zip(levels, names, strict=True)]
    colours = [INK if level == client else "#8c8c8c" for level in levels]
    labels = [count_text(count, lang) + (f" · {tr('too_small', lang)}" if is_small else "")
              for count, is_small in zip(counts, small, strict=True)]
    figure.add_trace(trace(
        "bar", orientation="h", y=names, x=rates, text=labels, textposition="outside", cliponaxis=False,
        # Plotly 4 draws a pattern's stripes in the marker colour on `bgcolor`.
        marker={"color": colours, "line": {"color": colours, "width": 1.5},
                "pattern": {"shape": ["/" if s else "" for s in small], "bgcolor": "white", "size": 6,
                            "solidity": 0.3}},
        hovertemplate="%{y}" + colon(lang) + hover_percent("x", lang) + " (%{text})<extra></extra>",
        name=tr("default_rate_axis", lang), showlegend=False,
    ))
    overall = 100 * view["n_default"] / view["n_clients"] if view.get("n_clients") else None
    if overall is not None:
        figure.add_vline(x=overall, line={"color": BLUE, "width": 2, "dash": "dot"},
                         annotation_text=tr("overall_rate", lang, rate=percent_text(overall, lang)))
    top = max([*rates, overall or 0.0])
    figure.update_layout(
        height=max(300, 90 + 30 * len(levels)),
        yaxis={"autorange": "reversed", "tickvals": names, "ticktext": ticks, "automargin": True},
        # Room on the right for the "n = …" labels outside the bars.
        xaxis={"title": {"text": tr("default_rate_axis", lang)}, "range": [0, top * 1.35 + 0.5],
               "ticksuffix": percent_sign(lang), **PLAIN_NUMBER_AXIS},
    )


def _numeric_figure(figure: Fig, view: dict[str, Any], display_value: str | None, lang: str) -> None:
    """Repaid clients as filled bars, defaulted clients as an outline over them: two forms that
    never blend into a third colour (translucent blue over vermillion read as brown) and stay
    apart in greyscale and for every colour-vision deficiency."""
    client = view.get("client_value")
    centers, widths = view["centers"], view["widths"]
    repaid, default = view["share_repaid"], view["share_default"]
    figure.add_trace(trace(
        "bar", x=centers, y=repaid, width=widths, name=tr("repaid", lang),
        marker={"color": "#9cc7e4", "line": {"color": BLUE, "width": 1}},
        customdata=default,
        hovertemplate=(hover_number("x") + "<br>" + tr("repaid", lang) + colon(lang) + hover_percent("y", lang)
                       + "<br>" + tr("defaulted", lang) + colon(lang) + hover_percent("customdata", lang)
                       + "<extra></extra>"),
    ))
    # The defaulted clients' histogram as a staircase: each bin's top, joined by vertical edges.
    xs: list[float | None] = []
    ys: list[float | None] = []
    for center, width, share in zip(centers, widths, default, strict=True):
        xs += [center - width / 2, center + width / 2]
        ys += [share, share]
    if xs:
        xs = [xs[0], *xs, xs[-1]]
        ys = [0.0, *ys, 0.0]
    figure.add_trace(trace(
        "scatter", x=xs, y=ys, mode="lines", name=tr("defaulted", lang),
        line={"color": VERMILLION, "width": 3}, fill="none", hoverinfo="skip",
    ))
    if client is not None and not isinstance(client, str):
        figure.add_vline(x=client, line={"color": INK, "width": 3, "dash": "dash"})
        # Inside the plot, under its top edge: above it the legend would collide with the label.
        figure.add_annotation(x=client, y=0.98, yref="paper", yanchor="top", showarrow=False,
                              text=tr("client_marker", lang, value=display_value or f"{client:.3g}"),
                              font={"color": INK, "size": 13}, bgcolor="white", bordercolor=INK,
                              borderwidth=1, borderpad=3)
    figure.update_layout(bargap=0, height=360,
                         yaxis={"title": {"text": tr("share_axis", lang)}, "ticksuffix": percent_sign(lang)},
                         xaxis={"title": {"text": view["axis_title"]}, **PLAIN_NUMBER_AXIS})


def distribution_figure(view: dict[str, Any], display_value: str | None = None, lang: str = "fr") -> Fig:
    figure = Fig()
    if view["kind"] == "categorical":
        _categorical_figure(figure, view, lang)
    else:
        _numeric_figure(figure, view, display_value, lang)
    figure.update_layout(
        margin={"l": 10, "r": 20, "t": 40, "b": 10},
        separators=separators(lang), font={"family": FONT, "color": INK, "size": 13},
        legend={"orientation": "h", "y": 1.12, "x": 0},
        plot_bgcolor="white", paper_bgcolor="white",
    )
    figure.update_xaxes(gridcolor="#e6e6e6", automargin=True)
    figure.update_yaxes(gridcolor="#e6e6e6", automargin=True)
    return figure


def compare_body(view: dict[str, Any], raw_value: Any, lang: str = "fr") -> html.Div:
    if view.get("client_value") is None:
        display = None
    elif view["kind"] == "categorical":
        display = level_name(view["feature"], str(raw_value), lang)
    else:
        display = format_value(view["feature"], raw_value, lang, raw=raw_value)
    sentence = compare_sentence(view, display, lang)
    return html.Div(
        [
            html.P(html.Strong(sentence), id=ID("sentence"), className="mb-1"),
            chart(ID("figure"), distribution_figure(view, display, lang), _chart_description(view, sentence, lang)),
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
