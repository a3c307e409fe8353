"""The model page: what the model is, how well it ranks and how honest its probabilities are,
where the threshold comes from, what it looks at, and (when measured) how it treats groups."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from layouts.common import BLUE, FONT, INK, VERMILLION, PanelIds, number, percent, separators, tr
from layouts.decision import overrides_panel
from layouts.figure import Fig, percent_ticks, trace
from layouts.gauge import chart
from layouts.why import importance_figure
from scoring.display import format_level, format_points
from scoring.feature_labels import feature_label

ID = PanelIds("model")


def _layout(figure: Fig, lang: str, height: int = 320, **axes: Any) -> Fig:
    figure.update_layout(height=height, separators=separators(lang), margin={"l": 10, "r": 20, "t": 20, "b": 10},
                         font={"family": FONT, "color": INK, "size": 12}, plot_bgcolor="white",
                         paper_bgcolor="white", showlegend=False, **axes)
    figure.update_xaxes(gridcolor="#e6e6e6", automargin=True)
    figure.update_yaxes(gridcolor="#e6e6e6", automargin=True)
    return figure


def roc_figure(roc: dict[str, Any], lang: str = "fr") -> Fig:
    figure = Fig()
    figure.add_trace(trace("scatter", x=[0, 1], y=[0, 1], mode="lines", line={"color": "#8c8c8c", "dash": "dot"},
                       hoverinfo="skip"))
    figure.add_trace(trace("scatter", x=roc["fpr"], y=roc["tpr"], mode="lines", line={"color": BLUE, "width": 3},
                       hovertemplate="%{x:.2f}, %{y:.2f}<extra></extra>"))
    return _layout(figure, lang, xaxis={"title": {"text": tr("roc_x", lang)}, "range": [0, 1]},
                   yaxis={"title": {"text": tr("roc_y", lang)}, "range": [0, 1]})


def calibration_figure(curve: list[dict[str, Any]], lang: str = "fr") -> Fig:
    top = max([0.05] + [max(r["mean_predicted"], r["observed_rate"]) for r in curve]) * 1.1
    figure = Fig()
    figure.add_trace(trace("scatter", x=[0, top], y=[0, top], mode="lines", line={"color": "#8c8c8c", "dash": "dot"},
                       name=tr("perfect", lang), hoverinfo="skip"))
    figure.add_trace(trace("scatter", x=[r["mean_predicted"] for r in curve], y=[r["observed_rate"] for r in curve],
                       mode="lines+markers", line={"color": VERMILLION, "width": 2}, marker={"size": 8},
                       hovertemplate="%{x:.1%} → %{y:.1%}<extra></extra>"))
    return _layout(figure, lang, xaxis={"title": {"text": tr("calibration_x", lang)}, "range": [0, top],
                                        **percent_ticks(0, top, lang)},
                   yaxis={"title": {"text": tr("calibration_y", lang)}, "range": [0, top],
                          **percent_ticks(0, top, lang)})


def cost_figure(curve: list[dict[str, Any]], threshold: float, lang: str = "fr",
                review_band: tuple[float, float] | list[float] | None = None) -> Fig:
    shown = [r for r in curve if r["threshold"] <= 0.5] or curve
    figure = Fig(trace("scatter", x=[r["threshold"] for r in shown], y=[r["cost"] for r in shown], mode="lines",
                                  line={"color": INK, "width": 2}, hovertemplate="%{x:.1%}: %{y:,.0f}<extra></extra>"))
    if review_band:
        low, high = review_band
        figure.add_decision_band((low, high), threshold, "", scale=1.0)
    figure.add_vline(x=threshold, line={"color": VERMILLION, "width": 3, "dash": "dash"},
                     annotation_text=tr("chosen_threshold", lang, t=percent(threshold, lang)))
    right = max(r["threshold"] for r in shown) if shown else 0.5
    return _layout(figure, lang, xaxis={"title": {"text": tr("cost_x", lang)}, **percent_ticks(0, right, lang)},
                   yaxis={"title": {"text": tr("cost_y", lang)}, "tickformat": ",.0f"})


def confusion_table(confusion: dict[str, Any], lang: str = "fr") -> dbc.Table:
    tn, fp = confusion["true_negative"], confusion["false_positive"]
    fn, tp = confusion["false_negative"], confusion["true_positive"]
    head = html.Thead(html.Tr([html.Th(f"{tr('confusion_actual', lang)} \\ {tr('confusion_predicted', lang)}",
                                       scope="col"),
                               html.Th(tr("pred_granted", lang), scope="col"),
                               html.Th(tr("pred_refused", lang), scope="col")]))
    body = html.Tbody([
        html.Tr([html.Th(tr("actual_repaid", lang), scope="row"), html.Td(f"{tn:,}".replace(",", "\u202f")),
                 html.Td(f"{fp:,}".replace(",", "\u202f"))]),
        html.Tr([html.Th(tr("actual_default", lang), scope="row"), html.Td(f"{fn:,}".replace(",", "\u202f")),
                 html.Td(f"{tp:,}".replace(",", "\u202f"))]),
    ])
    return dbc.Table([head, body], bordered=True, size="sm", className="confusion-table text-end",
                     id=ID("confusion"))


def _card_rows(data: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    source = data.get("data_source")
    source_text = tr("source_synthetic", lang) if source == "synthetic" else (
        tr("source_kaggle", lang) if source == "kaggle" else str(source))
    cv = data.get("cv_auc") or {}
    rows = [
        (tr("model_version", lang), str(data["model_version"])),
        (tr("data_source", lang), source_text),
        (tr("train_clients", lang), number(data.get("train_applications") or 0, 0, lang)),
        (tr("default_rate", lang), percent(data.get("default_rate") or 0, lang)),
        (tr("auc", lang), f"{number(cv.get('mean', float('nan')), 3, lang)} ± {number(cv.get('std', 0), 3, lang)}"),
        (tr("threshold_label", lang), percent(data["threshold"], lang)),
        (tr("review_band", lang), tr("zone_review_range", lang, low=percent(data["review_band"][0], lang),
                                     high=percent(data["review_band"][1], lang))),
    ]
    if data.get("calibration", {}).get("brier_score") is not None:
        rows.append((tr("brier", lang), number(data["calibration"]["brier_score"], 4, lang)))
    return rows


FAIRNESS_COLUMNS = (("count", "fair_count"), ("approval_rate", "fair_approval"),
                    ("default_rate", "fair_default"), ("default_rate_among_approved", "fair_default_approved"),
                    ("auc", "fair_auc"))


def _grouping_title(grouping: str, lang: str) -> str:
    known = {"gender": "group_gender", "age_band": "group_age_band", "CODE_GENDER": "group_gender",
             "family_status": "group_family_status"}
    if grouping in known:
        return tr(known[grouping], lang)
    try:
        return feature_label(grouping, lang)
    except (KeyError, ValueError):
        return grouping.replace("_", " ")


def _group_order(level: str) -> tuple[float, str]:
    """Age bands in age order ("< 25" first, "65+" last); other groups by name."""
    digits = "".join(c if c.isdigit() else " " for c in level).split()
    if not digits:
        return (float("inf"), level)
    return (float(digits[0]) - (0.5 if level.strip().startswith("<") else 0), level)


def below_four_fifths(report: dict[str, Any]) -> list[str]:
    """The groups approved at under 0.8 x the most-approved group's rate (computed again for an
    artifact older than the flag)."""
    if isinstance(report.get("below_four_fifths"), list):
        return [str(g) for g in report["below_four_fifths"]]
    rates = {str(level): m.get("approval_rate") for level, m in report.get("groups", {}).items()
             if isinstance(m, dict) and not m.get("too_small") and m.get("approval_rate") is not None}
    best = max(rates.values(), default=0.0)
    return sorted(level for level, rate in rates.items() if best > 0 and rate < 0.8 * best)


def policy_block(policy: Any, lang: str) -> Any:
    """Which application columns the model may not use, and what leaving them out costs."""
    if not isinstance(policy, dict):
        return html.P(tr("policy_none", lang), className="small")
    by_ground = policy.get("excluded_by_ground") or {}
    grounds = policy.get("grounds") or {}
    items = [html.Li(f"{(grounds.get(g) or {}).get(lang, g)} : {len(cols)}" if lang == "fr"
                     else f"{(grounds.get(g) or {}).get(lang, g)}: {len(cols)}")
             for g, cols in by_ground.items() if cols]
    measured = policy.get("measured") or {}
    lines = [html.P(tr("policy_intro", lang, n=len(policy.get("excluded_columns") or [])), className="small mb-1"),
             html.Ul(items, className="small mb-1")]
    if measured:
        lines.append(html.P(tr("policy_cost", lang,
                               cost=format_points(100 * measured["auc_cost_of_exclusions"], 2, lang),
                               without=number(measured["cv_auc_without_exclusions"], 3, lang),
                               with_=number(measured["cv_auc_with_policy"], 3, lang),
                               age=format_points(100 * measured["auc_contribution_of_age"], 2, lang)),
                            className="small mb-0"))
    return html.Div(lines)


def fairness_block(fairness: Any, lang: str) -> Any:
    """Per grouping (gender, age band…): each group's approval and default rates, out of fold."""
    if not fairness or not isinstance(fairness, dict):
        return html.P(tr("fairness_none", lang), className="small")
    blocks = []
    for grouping, report in fairness.items():
        if not isinstance(report, dict) or not isinstance(report.get("groups"), dict):
            continue
        rows = []
        for level, metrics in sorted(report["groups"].items(), key=lambda item: _group_order(str(item[0]))):
            cells = [html.Th(format_level(str(level), lang), scope="row")]
            for key, _ in FAIRNESS_COLUMNS:
                value = metrics.get(key)
                if metrics.get("too_small") and key != "count":
                    cells.append(html.Td("—"))
                elif key == "count":
                    cells.append(html.Td(number(value or 0, 0, lang)))
                elif key == "auc":
                    cells.append(html.Td("—" if value is None else number(value, 3, lang)))
                else:
                    cells.append(html.Td("—" if value is None else percent(value, lang)))
            rows.append(html.Tr(cells))
        ratio = report.get("approval_rate_ratio_min_over_max")
        flagged = below_four_fifths(report)
        blocks.append(html.Div([
            html.H3(_grouping_title(grouping, lang), className="h6 mt-2"),
            dbc.Table([html.Thead(html.Tr([html.Th("", scope="col")] +
                                          [html.Th(tr(key, lang), scope="col") for _, key in FAIRNESS_COLUMNS])),
                       html.Tbody(rows)], size="sm", bordered=True, className="small text-end mb-1"),
            html.P(tr("fair_ratio", lang, ratio=number(ratio, 2, lang)), className="small")
            if ratio is not None else None,
            html.P([html.Span("⚠ ", **{"aria-hidden": "true"}),
                    tr("fair_flag", lang, groups=", ".join(f"« {format_level(g, lang)} »" if lang == "fr"
                                                           else f"“{format_level(g, lang)}”" for g in flagged))],
                   className="small fairness-flag", role="note") if flagged else None,
        ]))
    return html.Div(blocks) if blocks else html.P(tr("fairness_none", lang), className="small")


def _cell(value: Any, lang: str) -> str:
    if isinstance(value, float):
        return number(value, 3, lang)
    return "" if value is None else str(value)


def model_page(data: dict[str, Any], lang: str = "fr") -> html.Div:
    confusion = data.get("confusion_matrix")
    roc = data.get("roc")
    importance = data.get("global_importance") or []
    source_note = tr("performance_source_file", lang) if data.get("performance_source") == "performance.json" \
        else tr("performance_source_sample", lang, n=data.get("reference_sample_size"))
    fn_cost = data.get("costs", {}).get("false_negative") or 10
    cards = [
        dbc.Col(html.Section([
            html.H2(tr("roc_title", lang) + (f" · AUC {number(roc['auc'], 3, lang)}" if roc and roc.get("auc") else ""),
                    className="h6"),
            chart(ID("roc"), roc_figure(roc, lang), tr("roc_aria", lang, auc=number(roc.get("auc") or 0, 3, lang))),
        ], className="panel"), lg=6) if roc else None,
        dbc.Col(html.Section([
            html.H2(tr("calibration_title", lang), className="h6"),
            chart(ID("calibration"), calibration_figure(data["reliability_curve"], lang),
                  tr("calibration_aria", lang, n=len(data["reliability_curve"]))),
        ], className="panel"), lg=6) if data.get("reliability_curve") else None,
        dbc.Col(html.Section([
            html.H2(tr("cost_title", lang, fn=number(fn_cost, 0, lang)), className="h6"),
            chart(ID("cost"), cost_figure(data["cost_curve"], data["threshold"], lang, data["review_band"]),
                  tr("cost_aria", lang, t=percent(data["threshold"], lang))),
        ], className="panel"), lg=6) if data.get("cost_curve") else None,
        dbc.Col(html.Section([
            html.H2(tr("confusion_title", lang, t=percent(confusion.get("threshold", data["threshold"]), lang)),
                    className="h6"),
            confusion_table(confusion, lang),
            html.P(tr("confusion_aria", lang, tn=confusion["true_negative"], fp=confusion["false_positive"],
                      fn=confusion["false_negative"], tp=confusion["true_positive"]), className="small"),
            html.P(source_note, className="small text-muted-strong"),
        ], className="panel"), lg=6) if confusion else None,
        dbc.Col(html.Section([
            html.H2(tr("importance_title", lang), className="h6"),
            chart(ID("importance"), importance_figure(importance, set(), lang, count=15),
                  tr("importance_aria", lang, top=importance[0]["label"] if importance else "—")),
        ], className="panel"), lg=6),
        dbc.Col(html.Section([
            html.H2(tr("fairness_title", lang), className="h6"),
            fairness_block(data.get("fairness"), lang),
        ], className="panel"), lg=6),
        dbc.Col(overrides_panel(lang), lg=6),
        dbc.Col(html.Section([
            html.H2(tr("policy_title", lang), className="h6"),
            policy_block(data.get("feature_policy"), lang),
        ], className="panel", id=ID("policy")), lg=6),
    ]
    return html.Div([
        html.H1(tr("model_title", lang), className="h3"),
        html.Section(html.Dl([item for label, value in _card_rows(data, lang)
                              for item in (html.Dt(label, className="col-5"), html.Dd(value, className="col-7 mb-1"))],
                             className="row mb-0", id=ID("card")), className="panel"),
        dbc.Row([c for c in cards if c is not None], className="g-3"),
    ])
