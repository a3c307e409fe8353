"""Client vs others: the chosen feature's distribution, optionally among similar clients."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dash import Dash, Input, Output, State

from callbacks.navigation import lang_from_search
from layouts import shell
from layouts.client_page import ID as CLIENT
from layouts.compare import ID, compare_body
from scoring.population import PopulationViews, UnknownFeature

if TYPE_CHECKING:
    from scoring.service import ScoringService


def default_feature(score: dict[str, Any], population: PopulationViews | None = None) -> str | None:
    """The feature behind the client's first principal reason (what the advisor has just read
    out), else the single feature that weighs most."""
    if population is not None:
        reasons = score.get("principal_reasons") or []
        chosen = population.opening_feature(reasons, score.get("feature_values") or {})
        if chosen is not None:
            return chosen
    contributions = score.get("contributions") or []
    return contributions[0]["feature"] if contributions else None


def client_value(score: dict[str, Any], feature: str) -> Any:
    """The client's value as the reference population holds it (raw field, else model feature)."""
    fields = score.get("fields") or {}
    if feature in fields:
        return fields[feature]
    values = score.get("feature_values") or {}
    if feature in values:
        return values[feature]
    for contribution in score.get("contributions") or []:
        if contribution["feature"] == feature:
            return contribution["value"]
    return None


def similar_filter(score: dict[str, Any], chosen: list[str] | None) -> dict[str, Any]:
    fields = score.get("fields") or {}
    wanted = set(chosen or [])
    similar: dict[str, Any] = {}
    if "income_type" in wanted:
        similar["income_type"] = fields.get("NAME_INCOME_TYPE")
    if "age_band" in wanted:
        similar["age_band"] = fields.get("DAYS_BIRTH")
    return similar


def register_callbacks(app: Dash, service: ScoringService) -> None:
    @app.callback(
        Output(ID("body"), "children"),
        Output(ID("feature"), "value"),
        Input(ID("feature"), "value"),
        Input(ID("similar"), "value"),
        Input(CLIENT("data"), "data"),
        State(shell.ID("url"), "search"),
    )
    def render(feature: str | None, similar: list[str] | None, data: dict[str, Any] | None,
               url_search: str | None) -> Any:
        if not data:
            return None, feature
        lang = lang_from_search(url_search)
        score = data["score"]
        feature = feature or default_feature(score, service.population)
        if feature is None:
            return None, feature
        value = client_value(score, feature)
        try:
            view = service.population.distribution(feature, value, similar_filter(score, similar), lang)
        except UnknownFeature:
            feature = default_feature(score, service.population)
            value = client_value(score, feature)
            view = service.population.distribution(feature, value, similar_filter(score, similar), lang)
        return compare_body(view, value, lang), feature
