"""Edit and what-if: a form over the editable fields (one pattern-matching id per field), the
service's validation messages under each field, a before/after view of a simulation, and the save
controls (reason, advisor role)."""

from __future__ import annotations

import math
import re
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from layouts.common import (
    BLUE,
    DECISION_COLOURS,
    DECISION_ICONS,
    FONT,
    INK,
    TEXT_ON_WHITE,
    VERMILLION,
    PanelIds,
    decision_text,
    probability,
    separators,
    tr,
)
from layouts.figure import Fig, percent_ticks, trace
from layouts.gauge import chart
from scoring.display import format_level
from scoring.errors import FieldError, InvalidApplication
from scoring.feature_policy import is_excluded
from scoring.schema import SENTINEL_DAYS

ID = PanelIds("edit")
_NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)")
DAYS_PER_YEAR = 365.25
YES_NO_FLAGS = {"FLAG_PHONE", "FLAG_EMAIL"}


def field_id(name: str) -> dict[str, str]:
    return ID.match("field", field=name)


def feedback_id(name: str) -> dict[str, str]:
    return ID.match("feedback", field=name)


def in_years(spec: dict[str, Any]) -> bool:
    """Day counts are edited in years: nobody types "-2190" for six years in a job."""
    return spec["name"].startswith("DAYS_")


def to_form_value(spec: dict[str, Any], value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if in_years(spec):
        if value == SENTINEL_DAYS:
            return None
        return round(-float(value) / DAYS_PER_YEAR, 1)
    return value


def number_text(value: Any, lang: str) -> str:
    """A number in a text field as the advisor writes it: "765 000" and "22,4" in French."""
    if value is None or isinstance(value, str):
        return value or ""
    number = float(value)
    decimals = 0 if number.is_integer() else 2
    text = f"{number:,.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{number:,.0f}"
    return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text


_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")


def read_number(text: Any, lang: str) -> float | None:
    """What the advisor typed, read as they write numbers ("12 000", "12\u202f000,5" in French;
    "12,000.5" in English). Anything else is refused, never half-read: "12abc000" is not 12 000."""
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        return float(text)
    cleaned = str(text).translate(_SPACES).replace("\u2212", "-")
    if cleaned == "":
        return None
    if lang == "fr":
        if "," in cleaned and "." in cleaned:
            raise ValueError(text)
        cleaned = cleaned.replace(",", ".")
    else:
        cleaned = cleaned.replace(",", "")
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(text)
    return float(cleaned)


def not_a_number(field: str, text: Any) -> FieldError:
    return FieldError(
        field, text, "type",
        f"« {text} » n'est pas un nombre : tapez seulement des chiffres, par exemple 12 000 ou 12 000,50.",
        f"'{text}' is not a number: type digits only, for example 12,000 or 12,000.50.",
    )


def from_form_value(spec: dict[str, Any], value: Any, original: Any, lang: str = "fr") -> Any:
    """The form's value in the data's unit; the original when the advisor left it as shown.
    Raises ValueError for text that is not a number."""
    if spec.get("levels") is not None or spec.get("type") == "string":
        return None if value == "" else value
    if name_is_flag(spec) and isinstance(value, str):
        return None if value == "" else int(value)
    number = read_number(value, lang)
    if in_years(spec):
        if number is None:
            return original
        if to_form_value(spec, original) == number:
            return original
        return -round(number * DAYS_PER_YEAR)
    if number is None:
        return None
    return int(number) if spec.get("type") == "integer" and number.is_integer() else number


def name_is_flag(spec: dict[str, Any]) -> bool:
    return spec["name"] in YES_NO_FLAGS


def changes_from_form(specs: list[dict[str, Any]], ids: list[dict[str, str]], values: list[Any],
                      fields: dict[str, Any], lang: str = "fr") -> dict[str, Any]:
    """Only the fields whose value differs from the stored one. Raises InvalidApplication, one
    error per field, when typed text is not a number."""
    by_name = {spec["name"]: spec for spec in specs}
    changes: dict[str, Any] = {}
    unreadable: list[FieldError] = []
    for component_id, value in zip(ids, values, strict=True):
        name = component_id["field"]
        if name == TERM_FIELD:
            try:
                read_number(value, lang)
            except ValueError:
                unreadable.append(not_a_number(name, value))
            continue
        spec = by_name.get(name)
        if spec is None:
            continue
        original = fields.get(name)
        try:
            new = from_form_value(spec, value, original, lang)
        except ValueError:
            unreadable.append(not_a_number(name, value))
            continue
        if new is None and original is None:
            continue
        if isinstance(new, int | float) and isinstance(original, int | float) and not isinstance(new, bool):
            if float(new) == float(original):
                continue
        elif new == original:
            continue
        changes[name] = new
    if unreadable:
        raise InvalidApplication(unreadable)
    return changes


def _input(spec: dict[str, Any], value: Any, lang: str, raw: Any = None) -> Any:
    name = spec["name"]
    # Native <select>: keyboard and screen readers know it; values travel as text.
    if spec.get("levels") is not None:
        options = [{"label": format_level(level, lang, name), "value": level} for level in spec["levels"]]
        if spec.get("nullable"):
            options.insert(0, {"label": "—", "value": ""})
        return dbc.Select(id=field_id(name), options=options, value="" if value is None else value)
    if name in YES_NO_FLAGS:
        options = [{"label": "non" if lang == "fr" else "no", "value": "0"},
                   {"label": "oui" if lang == "fr" else "yes", "value": "1"}]
        return dbc.Select(id=field_id(name), options=options, value=None if value is None else str(int(value)))
    # Text fields with a decimal keypad, not <input type=number>: a number field silently drops
    # what is not a digit ("12abc000" became 12 000) and turns -5000 into "missing".
    if in_years(spec):
        hint = tr("edit_pensioner_hint", lang) if raw == SENTINEL_DAYS else tr("edit_years_hint", lang)
        return dbc.Input(id=field_id(name), type="text", inputMode="decimal", value=number_text(value, lang),
                         debounce=True, placeholder=hint, autoComplete="off")
    return dbc.Input(id=field_id(name), type="text", inputMode="decimal", value=number_text(value, lang),
                     debounce=True, autoComplete="off")


TERM_FIELD = "TERM_MONTHS"  # not an application column: the offer model's term (scoring.offers)


def term_input(terms: dict[str, Any] | None, lang: str) -> Any:
    """The loan's term in months: changing it (or the amount) recomputes the payment."""
    if not terms:
        return None
    return dbc.Col(html.Div([
        dbc.Label(tr("edit_term", lang), html_for=_html_id(TERM_FIELD), className="small mb-0"),
        dbc.Input(id=field_id(TERM_FIELD), type="text", inputMode="decimal",
                  value=number_text(round(float(terms["term_months"]), 1), lang), debounce=True, autoComplete="off"),
        html.Div(terms.get("rate_note") or "", className="small text-muted-strong"),
        html.Div(id=feedback_id(TERM_FIELD), className="field-error small", role="alert"),
    ], className="mb-2"), md=6, xl=4)


def form_term(ids: list[dict[str, str]], values: list[Any], lang: str = "fr") -> float | None:
    """The term typed in the form, if any (changes_from_form has refused unreadable text)."""
    for component_id, value in zip(ids, values, strict=True):
        if component_id.get("field") == TERM_FIELD:
            try:
                term = read_number(value, lang)
            except ValueError:
                return None
            return term if term is not None and term > 0 else None
    return None


def edit_form(specs: list[dict[str, Any]], fields: dict[str, Any], lang: str = "fr",
              terms: dict[str, Any] | None = None) -> html.Div:
    columns = []
    for spec in specs:
        label = spec["label"]
        if in_years(spec):
            label = f"{label.split('(')[0].strip()} ({tr('edit_years_hint', lang)})"
        if is_excluded(spec["name"]):
            # Kept in the client's record (and editable), but the feature policy keeps it out of
            # the score: say so, or an advisor would simulate a change that cannot matter.
            label = f"{label} — {tr('edit_not_scored', lang)}"
        columns.append(dbc.Col(
            html.Div([
                dbc.Label(label, html_for=_html_id(spec["name"]), className="small mb-0"),
                _input(spec, to_form_value(spec, fields.get(spec["name"])), lang, fields.get(spec["name"])),
                html.Div(id=feedback_id(spec["name"]), className="field-error small", role="alert"),
            ], className="mb-2"),
            md=6, xl=4,
        ))
        if spec["name"] == "AMT_ANNUITY":
            columns.append(term_input(terms, lang))
    return html.Div(dbc.Row([c for c in columns if c is not None], className="g-2"))


def _html_id(name: str) -> str:
    # Dash serialises a dict id to this JSON string in the DOM; labels point at it.
    return '{"field":"' + name + '","type":"' + ID.match("field")["type"] + '"}'


def before_after_figure(before: dict[str, Any], after: dict[str, Any], lang: str = "fr") -> Fig:
    labels = [tr("before", lang), tr("after", lang)]
    values = [100 * before["probability_of_default"], 100 * after["probability_of_default"]]
    decisions = [before["decision"], after["decision"]]
    figure = Fig(trace("bar",
        x=values, y=labels, orientation="h",
        marker={"color": [DECISION_COLOURS[d] for d in decisions], "line": {"color": INK, "width": 1}},
        text=[f"{probability(v / 100, lang)} · {DECISION_ICONS[d]} {decision_text(d, lang)}"
              for v, d in zip(values, decisions, strict=True)],
        # Inside the bar when it fits: a probability just under the threshold put its label
        # across the threshold line.
        textposition="auto", cliponaxis=False, hoverinfo="skip",
    ))
    low, high = after["review_band"]
    figure.add_decision_band((low, high), float(after["threshold"]), tr("band_label", lang, low=probability(low, lang),
                                                                         high=probability(high, lang)))
    right = max([*values, 100 * float(high)]) * 1.5
    figure.update_layout(
        height=190, margin={"l": 10, "r": 40, "t": 30, "b": 30},
        separators=separators(lang), font={"family": FONT, "color": INK, "size": 13},
        # Ticks say "%" themselves: a "%" axis title sat on the middle tick.
        xaxis={"range": [0, right], **percent_ticks(0, right / 100, lang, scale=100, target=5),
               "gridcolor": "#e6e6e6"},
        yaxis={"autorange": "reversed", "automargin": True},
        plot_bgcolor="white", paper_bgcolor="white", showlegend=False,
    )
    return figure


def contribution_changes(before: dict[str, Any], after: dict[str, Any], count: int = 5) -> list[dict[str, Any]]:
    old = {c["feature"]: c for c in before["contributions"]}
    rows = []
    for c in after["contributions"]:
        previous = old.get(c["feature"])
        if previous is None:
            continue
        delta = float(c["contribution"]) - float(previous["contribution"])
        if abs(delta) > 1e-6:
            rows.append({"feature": c["feature"], "label": c["label"], "before": previous["display_value"],
                         "after": c["display_value"], "delta": delta})
    # Factors whose value changed first (what the advisor typed and the ratios built on it); an
    # unchanged value whose effect moved (trees interact) would read as a contradiction.
    moved = [r for r in rows if r["before"] != r["after"]] or rows
    return sorted(moved, key=lambda r: -abs(r["delta"]))[:count]


def _change_item(change: dict[str, Any], lang: str) -> html.Li:
    up = change["delta"] > 0
    sep = " : " if lang == "fr" else ": "
    effect = tr("raises" if up else "lowers", lang)
    return html.Li([
        html.Span("▲ " if up else "▼ ", style={"color": VERMILLION if up else BLUE}, **{"aria-hidden": "true"}),
        f"{change['label']}{sep}{change['before']} → {change['after']} ({effect})",
    ])


def simulation_result(before: dict[str, Any], after: dict[str, Any], lang: str = "fr",
                      recomputed_payment: str | None = None, saved_version: int | None = None) -> html.Div:
    """Before and after a change: a simulation (nothing saved) or, once saved, what the new
    version changed."""
    description = tr("before_after_aria", lang,
                     before=f"{probability(before['probability_of_default'], lang)} "
                            f"({decision_text(before['decision'], lang)})",
                     after=f"{probability(after['probability_of_default'], lang)} "
                           f"({decision_text(after['decision'], lang)})")
    changes = contribution_changes(before, after)
    return html.Div([
        html.H3(tr("simulated", lang) if saved_version is None else tr("saved_change", lang, version=saved_version),
                className="h6"),
        html.P(tr("payment_recomputed", lang, payment=recomputed_payment), id=ID("payment"), className="small")
        if recomputed_payment else None,
        html.P(description, id=ID("result-text"), className="fw-bold",
               style={"color": TEXT_ON_WHITE[after["decision"]]}),
        *[dbc.Alert("⚠ " + w["message"], color="warning", className="py-2 small", id=ID("implausible"))
          for w in after.get("warnings") or [] if w.get("code") == "annuity_above_income"][:1],
        chart(ID("before-after"), before_after_figure(before, after, lang), description),
        html.H4(tr("changed_contributions", lang), className="h6 mt-2"),
        html.Ul([_change_item(r, lang) for r in changes], className="small list-unstyled"),
    ])


def edit_panel(lang: str = "fr") -> html.Section:
    return html.Section(
        [
            html.H2(tr("edit_title", lang), className="h4", id=ID("heading")),
            html.P(tr("edit_intro", lang), className="small"),
            html.Div(html.P(tr("loading", lang)), id=ID("form")),
            dbc.Row([
                dbc.Col([
                    dbc.Label(tr("reason", lang), html_for=ID("reason"), className="small mb-0"),
                    dbc.Input(id=ID("reason"), type="text", maxLength=500, value=""),
                ], md=6),
                dbc.Col(html.Div([
                    dbc.Button(tr("simulate", lang), id=ID("simulate"), color="primary", className="me-2"),
                    dbc.Button(tr("save", lang), id=ID("save"), color="dark", className="me-2"),
                    dbc.Button(tr("reset_form", lang), id=ID("reset"), color="secondary", outline=True),
                ], className="d-flex flex-wrap gap-1 align-items-end h-100"), md=6),
            ], className="g-2 mt-1"),
            html.P(id=ID("role-note"), className="small text-muted-strong mt-1 mb-0"),
            html.Div(id=ID("status"), className="mt-2", role="status", **{"aria-live": "polite"}),
            html.Div(id=ID("result"), className="mt-2"),
        ],
        id="section-edit", className="panel", **{"aria-labelledby": ID("heading")},
    )
