"""The client summary card: who the client is and what they ask for, in their units."""

from __future__ import annotations

from typing import Any

from dash import html

from layouts.common import PanelIds, tr
from scoring.display import format_value
from scoring.feature_labels import feature_label

ID = PanelIds("summary")

# Raw application fields, then engineered ratios (read from the contributions' display values).
SUMMARY_FIELDS = ("DAYS_BIRTH", "NAME_FAMILY_STATUS", "CNT_CHILDREN", "NAME_INCOME_TYPE", "DAYS_EMPLOYED",
                  "AMT_INCOME_TOTAL", "NAME_CONTRACT_TYPE", "AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE")
# Schema labels of day counts say "days before the application"; the card shows durations.
SHORT_LABELS = {"DAYS_BIRTH": "age", "DAYS_EMPLOYED": "employment_length"}
SUMMARY_RATIOS = ("CREDIT_TO_ANNUITY_RATIO", "ANNUITY_TO_INCOME_RATIO", "CREDIT_TO_INCOME_RATIO")


def summary_rows(score: dict[str, Any], lang: str = "fr") -> list[tuple[str, str]]:
    fields = score.get("fields") or {}
    displayed = {c["feature"]: c["display_value"] for c in score.get("contributions", [])}
    rows: list[tuple[str, str]] = []
    for name in SUMMARY_FIELDS:
        if name not in fields:
            continue
        label = tr(SHORT_LABELS[name], lang) if name in SHORT_LABELS else feature_label(name, lang)
        rows.append((label, format_value(name, fields[name], lang, raw=fields[name])))
    for name in SUMMARY_RATIOS:
        if name in displayed:
            rows.append((feature_label(name, lang), displayed[name]))
    return rows


def summary_card(score: dict[str, Any], lang: str = "fr") -> html.Div:
    return html.Div(
        [
            html.H2(tr("summary_title", lang), className="h6", id=ID("heading")),
            html.Dl(
                [item for label, value in summary_rows(score, lang)
                 for item in (html.Dt(label, className="col-7"), html.Dd(value, className="col-5 mb-1"))],
                className="row small mb-0 summary-list",
            ),
        ],
        id=ID("card"), className="summary-card",
    )
