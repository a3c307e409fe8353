"""The "Suivi du modèle" page (admin): is the population scored now like the one the model
learned from? A status in words, the PSI of the probability and of the most important features,
the features that drift most each drawn as reference vs current distribution, the decision mix
by period, data quality and the advisors' override rate. Built from the report's plain dict
(`MonitoringReport.to_dict`), no data access here."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts.common import (
    BLUE,
    DECISION_COLOURS,
    FONT,
    GREY,
    INK,
    ORANGE,
    VERMILLION,
    PanelIds,
    number,
    percent,
    separators,
)
from layouts.figure import Fig, trace
from layouts.gauge import chart

ID = PanelIds("monitoring")
PATHS = ("/suivi", "/monitoring")
ZONE_COLOURS = {"stable": BLUE, "watch": ORANGE, "act": VERMILLION, "unknown": GREY}
WINDOWS = ("all", "30", "90", "365")
DRIFT_FIGURES = 4
PSI_BARS = 20

STRINGS: dict[str, tuple[str, str]] = {
    "nav": ("Suivi du modèle", "Model monitoring"),
    "title": ("Suivi du modèle", "Model monitoring"),
    "intro": ("Les demandes actuellement en base (versions courantes, hors clients d'entraînement) comparées à la "
              "population sur laquelle le modèle a appris, à partir des classes de référence enregistrées avec lui.",
              "The applications now in the store (current versions, training clients excluded) compared with the "
              "population the model learned from, using the reference bins saved with it."),
    "window": ("Période observée", "Window"),
    "window_all": ("Tout", "All"),
    "window_days": ("{n} derniers jours", "Last {n} days"),
    "period": ("Regroupement", "Group by"),
    "week": ("Semaine", "Week"),
    "month": ("Mois", "Month"),
    "admin_only": ("Le suivi du modèle est réservé aux administrateurs.", "Model monitoring is for administrators."),
    "status_stable": ("Population stable : aucun indice de stabilité (PSI) n'atteint {watch}.",
                      "Stable population: no stability index (PSI) reaches {watch}."),
    "status_watch": ("À surveiller : {names} entre {watch} et {act}.", "Watch: {names} between {watch} and {act}."),
    "status_act": ("À traiter : {names} au-delà de {act}. La population a changé : revoir ces données, "
                   "et le modèle si le changement dure.",
                   "Act: {names} above {act}. The population has changed: check these data, and the model if the "
                   "change lasts."),
    "status_insufficient": ("Trop peu de demandes pour juger ({n} ; au moins {min} nécessaires).",
                            "Too few applications to judge ({n}; at least {min} needed)."),
    "clients": ("Demandes comparées", "Applications compared"),
    "psi_probability": ("PSI de la probabilité", "PSI of the probability"),
    "mean_probability": ("Probabilité moyenne (référence)", "Mean probability (reference)"),
    "reference": ("Référence", "Reference"),
    "overrides": ("Dérogations des conseillers", "Advisor overrides"),
    "overrides_none": ("aucune décision sur la période", "no decision in the window"),
    "psi_title": ("Stabilité des {n} variables les plus importantes (PSI)",
                  "Stability of the {n} most important features (PSI)"),
    "psi_aria": ("Indice de stabilité de la population par variable, de la plus importante à la moins importante ; "
                 "seuils {watch} (à surveiller) et {act} (à traiter). La plus élevée : {top} ({psi}).",
                 "Population stability index per feature, most important first; lines at {watch} (watch) and "
                 "{act} (act). Highest: {top} ({psi})."),
    "psi_axis": ("PSI", "PSI"),
    "drift_title": ("Les variables qui bougent le plus", "The features that drift most"),
    "drift_aria": ("{label} : part des demandes par classe, référence contre période observée ; PSI {psi} ({zone}).",
                   "{label}: share of applications per bin, reference against the window; PSI {psi} ({zone})."),
    "probability_title": ("Probabilité de défaut : référence contre période", "Probability of default: reference "
                          "against the window"),
    "reference_series": ("Référence", "Reference"),
    "current_series": ("Période observée", "Window"),
    "share_axis": ("Part des demandes", "Share of applications"),
    "mix_title": ("Décisions et probabilité moyenne par {period}", "Decisions and mean probability by {period}"),
    "mix_aria": ("Part des demandes accordées, à revoir et refusées par {period}, et la référence ; probabilité "
                 "moyenne {current} contre {reference} en référence.",
                 "Share of granted, to-review and refused applications by {period}, and the reference; mean "
                 "probability {current} against {reference} for the reference."),
    "granted": ("Accordé", "Granted"),
    "to_review": ("À revoir", "To review"),
    "refused": ("Refusé", "Refused"),
    "quality_title": ("Qualité des données", "Data quality"),
    "feature": ("Variable", "Feature"),
    "psi": ("PSI", "PSI"),
    "zone": ("Zone", "Zone"),
    "missing": ("Manquants (réf.)", "Missing (ref.)"),
    "out": ("Hors population (réf.)", "Out of population (ref.)"),
    "zone_stable": ("stable", "stable"),
    "zone_watch": ("à surveiller", "watch"),
    "zone_act": ("à traiter", "act"),
    "zone_unknown": ("—", "—"),
    # Counts stand after a colon: "0 demandes" / "1 applications" would be wrong in either language.
    "sources": ("Variables lues dans l'explication enregistrée : {stored} ; recalculées depuis le dossier : "
                "{snapshots} ; rapport calculé en {seconds} s.",
                "Features read from the stored explanation: {stored}; recomputed from the record: {snapshots}; "
                "report computed in {seconds} s."),
    "how": ("Lecture : PSI < {watch} stable, {watch}–{act} à surveiller, > {act} à traiter. Classes : déciles de la "
            "référence, une classe pour les manquants, parts nulles remplacées par 0,0001. Voir docs/monitoring.md.",
            "Reading: PSI < {watch} stable, {watch}–{act} watch, > {act} act. Bins: the reference's deciles, one bin "
            "for missing values, empty shares floored at 0.0001. See docs/monitoring.md."),
}


def t(key: str, lang: str = "fr", **values: Any) -> str:
    fr, en = STRINGS[key]
    text = en if lang == "en" else fr
    return text.format(**values) if values else text


def _psi(value: float | None, lang: str) -> str:
    return "—" if value is None else number(value, 3, lang)


def _layout(figure: Fig, lang: str, height: int, **axes: Any) -> Fig:
    figure.update_layout(height=height, separators=separators(lang), margin={"l": 10, "r": 20, "t": 10, "b": 10},
                         font={"family": FONT, "color": INK, "size": 12}, plot_bgcolor="white",
                         paper_bgcolor="white", **axes)
    # Room for the tick labels and titles, whatever their length in either language.
    figure.update_layout(xaxis={"automargin": True}, yaxis={"automargin": True})
    if "yaxis2" in axes:
        figure.update_layout(yaxis2={"automargin": True})
    return figure


def psi_figure(report: dict[str, Any], lang: str = "fr", count: int = PSI_BARS) -> Fig:
    """Horizontal PSI bars, most important feature on top, coloured by zone, the two lines drawn."""
    shown = [report["probability"], *report["features"][:count]]
    shown = list(reversed(shown))
    watch, act = report["thresholds"]["watch"], report["thresholds"]["act"]
    # The axis stops at 1 (four times the act line): one feature at PSI 8 would flatten every other
    # bar; each bar carries its value as text, so a longer one is still read right.
    top = min(max([act * 1.2] + [d["psi"] or 0.0 for d in shown]), 1.0)
    figure = Fig(trace("bar", orientation="h", y=[d["label"] for d in shown], x=[d["psi"] or 0.0 for d in shown],
                       marker={"color": [ZONE_COLOURS[d["zone"]] for d in shown]},
                       text=["" if (d["psi"] or 0.0) > top else _psi(d["psi"], lang) for d in shown],
                       textposition="outside", cliponaxis=False,
                       customdata=[t(f"zone_{d['zone']}", lang) for d in shown],
                       hovertemplate="%{y}: %{x:.3f} (%{customdata})<extra></extra>"))
    # A bar past the axis' end says its value at the end, inside it.
    figure.update_layout(annotations=[
        {"x": top, "y": d["label"], "text": f"{_psi(d['psi'], lang)} →", "xanchor": "right", "showarrow": False,
         "font": {"color": "white", "size": 12}} for d in shown if (d["psi"] or 0.0) > top])
    for line, colour in ((watch, ORANGE), (act, VERMILLION)):
        figure.update_layout(shapes=[*figure.layout.get("shapes", []), {
            "type": "line", "x0": line, "x1": line, "y0": 0, "y1": 1, "yref": "paper",
            "line": {"color": colour, "width": 2, "dash": "dash"}}])
    return _layout(figure, lang, 28 * len(shown) + 60, showlegend=False,
                   xaxis={"title": {"text": t("psi_axis", lang)}, "range": [0, top * 1.15], "gridcolor": "#e6e6e6"},
                   yaxis={"automargin": True})


def distribution_figure(drift: dict[str, Any], lang: str = "fr") -> Fig:
    """Reference against current share per bin (the missing bin last)."""
    labels = [b["label"] for b in drift["bins"]]
    figure = Fig(
        trace("bar", name=t("reference_series", lang), x=labels, y=[b["reference_share"] for b in drift["bins"]],
              marker={"color": GREY}, hovertemplate="%{x}: %{y:.1%}<extra></extra>"),
        trace("bar", name=t("current_series", lang), x=labels, y=[b["current_share"] for b in drift["bins"]],
              marker={"color": ZONE_COLOURS.get(drift["zone"], BLUE)}, hovertemplate="%{x}: %{y:.1%}<extra></extra>"),
    )
    return _layout(figure, lang, 260, barmode="group", legend={"orientation": "h", "y": 1.15},
                   xaxis={"automargin": True, "tickangle": -30},
                   yaxis={"title": {"text": t("share_axis", lang)}, "tickformat": ".0%", "gridcolor": "#e6e6e6"})


def decision_mix_figure(mix: dict[str, Any], lang: str = "fr") -> Fig:
    """Stacked shares per period, the reference first; the mean probability on a second axis."""
    periods = [t("reference_series", lang), *(p["period"] for p in mix["periods"])]
    figure = Fig()
    for decision in ("granted", "to_review", "refused"):
        values = [mix["reference"][decision], *(p[decision] for p in mix["periods"])]
        figure.add_trace(trace("bar", name=t(decision, lang), x=periods, y=values,
                               marker={"color": DECISION_COLOURS[decision]},
                               hovertemplate="%{x}: %{y:.1%}<extra>" + t(decision, lang) + "</extra>"))
    means = [mix.get("reference_mean_probability"), *(p["mean_probability"] for p in mix["periods"])]
    figure.add_trace(trace("scatter", name=t("mean_probability", lang).split(" (")[0], x=periods, y=means,
                           yaxis="y2", mode="lines+markers", line={"color": INK, "width": 2},
                           hovertemplate="%{x}: %{y:.1%}<extra></extra>"))
    return _layout(figure, lang, 300, barmode="stack", legend={"orientation": "h", "y": 1.18},
                   xaxis={"type": "category"},
                   yaxis={"title": {"text": t("share_axis", lang)}, "tickformat": ".0%", "range": [0, 1]},
                   yaxis2={"overlaying": "y", "side": "right", "tickformat": ".0%", "showgrid": False,
                           "rangemode": "tozero"})


def _status(report: dict[str, Any], lang: str) -> html.Div:
    labels = {d["name"]: d["label"] for d in [report["probability"], *report["features"]]}
    status = report["status"]
    thresholds = report["thresholds"]
    watch, act = number(thresholds["watch"], 2, lang), number(thresholds["act"], 2, lang)
    if status == "insufficient":
        text = t("status_insufficient", lang, n=report["population"]["clients"], min=thresholds["min_clients"])
    elif status == "act":
        text = t("status_act", lang, names=", ".join(labels[n] for n in report["alerts"]), act=act)
    elif status == "watch":
        text = t("status_watch", lang, names=", ".join(labels[n] for n in report["watch"]), watch=watch, act=act)
    else:
        text = t("status_stable", lang, watch=watch)
    kind = {"act": "danger", "watch": "warning", "insufficient": "secondary"}.get(status, "success")
    return html.Div(text, className=f"alert alert-{kind} mb-3", role="status", id=ID("status"))


def _summary(report: dict[str, Any], lang: str) -> html.Dl:
    mix = report["decision_mix"]
    overrides = report.get("overrides") or {}
    override_text = (f"{overrides['overrides']} / {overrides['with_recommendation']}"
                     + (f" ({percent(overrides['override_rate'], lang)})" if overrides.get("override_rate") is not None
                        else "")) if overrides.get("with_recommendation") else t("overrides_none", lang)
    current_mean = mix.get("current_mean_probability")
    reference_mean = mix.get("reference_mean_probability")
    rows = [
        (t("clients", lang), number(report["population"]["clients"], 0, lang)),
        (t("psi_probability", lang), f"{_psi(report['probability']['psi'], lang)} "
                                     f"({t('zone_' + report['probability']['zone'], lang)})"),
        (t("mean_probability", lang), f"{'—' if current_mean is None else percent(current_mean, lang)} "
                                      f"({'—' if reference_mean is None else percent(reference_mean, lang)})"),
        (t("reference", lang), str(report["reference"]["source"])),
        (t("overrides", lang), override_text),
    ]
    return html.Dl([item for label, value in rows
                    for item in (html.Dt(label, className="col-5"), html.Dd(value, className="col-7 mb-1"))],
                   className="row mb-0", id=ID("summary"))


def _quality_table(report: dict[str, Any], lang: str, count: int = PSI_BARS) -> dbc.Table:
    rows = []
    for drift in report["features"][:count]:
        rows.append(html.Tr([
            html.Th(drift["label"], scope="row"),
            html.Td(_psi(drift["psi"], lang)),
            html.Td(t("zone_" + drift["zone"], lang)),
            html.Td(f"{percent(drift['missing_share'], lang)} ({percent(drift['reference_missing_share'], lang)})"),
            html.Td(f"{percent(drift['out_of_population_share'], lang)} "
                    f"({percent(drift['reference_out_of_population_share'], lang)})"),
        ]))
    head = html.Thead(html.Tr([html.Th(t(key, lang), scope="col") for key in ("feature", "psi", "zone", "missing",
                                                                              "out")]))
    return dbc.Table([head, html.Tbody(rows)], size="sm", bordered=True, responsive=True,
                     className="small text-end mb-1", id=ID("quality"))


def _drift_chart(drift: dict[str, Any], position: int, lang: str) -> html.Section:
    description = t("drift_aria", lang, label=drift["label"], psi=_psi(drift["psi"], lang),
                    zone=t("zone_" + drift["zone"], lang))
    return html.Section([
        html.H3(f"{drift['label']} · PSI {_psi(drift['psi'], lang)}", className="h6"),
        chart(ID(f"drift-{position}"), distribution_figure(drift, lang), description, 260),
    ], className="panel")


def monitoring_content(report: dict[str, Any], lang: str = "fr") -> html.Div:
    """Everything the report says, in words first and then in figures."""
    thresholds = report["thresholds"]
    watch, act = number(thresholds["watch"], 2, lang), number(thresholds["act"], 2, lang)
    by_name = {d["name"]: d for d in report["features"]}
    drifting = [by_name[name] for name in report["most_drifting"][:DRIFT_FIGURES]]
    count = min(PSI_BARS, len(report["features"]))
    highest = max([report["probability"], *report["features"][:count]], key=lambda d: d["psi"] or 0.0)
    mix = report["decision_mix"]
    period = t(report["period"], lang).lower()
    population = report["population"]
    return html.Div([
        _status(report, lang),
        html.Section(_summary(report, lang), className="panel mb-3"),
        dbc.Row([
            dbc.Col(html.Section([
                html.H2(t("psi_title", lang, n=count), className="h6"),
                chart(ID("psi"), psi_figure(report, lang, count),
                      t("psi_aria", lang, watch=watch, act=act, top=highest["label"], psi=_psi(highest["psi"], lang))),
                html.P(t("how", lang, watch=watch, act=act), className="small text-muted-strong mb-0"),
            ], className="panel"), lg=6),
            dbc.Col([
                html.Section([
                    html.H2(t("mix_title", lang, period=period), className="h6"),
                    chart(ID("mix"), decision_mix_figure(mix, lang), t(
                        "mix_aria", lang, period=period,
                        current="—" if mix.get("current_mean_probability") is None
                        else percent(mix["current_mean_probability"], lang),
                        reference="—" if mix.get("reference_mean_probability") is None
                        else percent(mix["reference_mean_probability"], lang))),
                ], className="panel mb-3"),
                html.Section([
                    html.H2(t("probability_title", lang), className="h6"),
                    chart(ID("probability"), distribution_figure(report["probability"], lang),
                          t("drift_aria", lang, label=report["probability"]["label"],
                            psi=_psi(report["probability"]["psi"], lang),
                            zone=t("zone_" + report["probability"]["zone"], lang)), 260),
                ], className="panel"),
            ], lg=6),
        ], className="g-3 mb-3"),
        html.H2(t("drift_title", lang), className="h5"),
        dbc.Row([dbc.Col(_drift_chart(drift, i, lang), lg=6) for i, drift in enumerate(drifting)],
                className="g-3 mb-3"),
        html.Section([html.H2(t("quality_title", lang), className="h6"), _quality_table(report, lang, count)],
                     className="panel"),
        html.P(t("sources", lang, stored=number(population["from_stored_features"], 0, lang),
                 snapshots=number(population["from_snapshots"], 0, lang),
                 seconds=number(report["seconds"], 2, lang)), className="small text-muted-strong mt-2"),
    ])


def monitoring_page(lang: str = "fr") -> html.Div:
    """The page frame: the window and period controls, and the report its callback fills."""
    window_options = [{"label": t("window_all", lang) if w == "all" else t("window_days", lang, n=w), "value": w}
                      for w in WINDOWS]
    return html.Div([
        html.H1(t("title", lang), className="h3"),
        html.P(t("intro", lang), className="small"),
        html.Div([
            html.Fieldset([html.Legend(t("window", lang), className="h6 mb-1"),
                           dbc.RadioItems(id=ID("window"), options=window_options, value="all", inline=True)],
                          className="me-4"),
            html.Fieldset([html.Legend(t("period", lang), className="h6 mb-1"),
                           dbc.RadioItems(id=ID("period"), options=[{"label": t(p, lang), "value": p}
                                                                    for p in ("month", "week")],
                                          value="month", inline=True)]),
        ], className="d-flex flex-wrap mb-3 no-print"),
        dcc.Loading(html.Div(id=ID("content"), **{"aria-live": "polite"}), type="default"),
    ], id=ID("page"))


def message(text: str, kind: str = "warning") -> html.P:
    return html.P(text, className=f"alert alert-{kind}", role="alert", id=ID("message"))
