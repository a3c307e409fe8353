"""Layouts and figures as plain functions of the service's plain data (ClientScore.to_dict)."""

from __future__ import annotations

import math
from typing import Any

import plotly.graph_objects as go
import pytest

from layouts.common import distance_sentence, percent
from layouts.compare import compare_sentence
from layouts.edit import changes_from_form, contribution_changes
from layouts.gauge import decision_block, gauge_figure, gauge_range
from layouts.recourse import recourse_items
from layouts.search import RECENT_MAX, remember
from layouts.why import importance_figure, waterfall_data, waterfall_figure
from tests.dashboard.conftest import text_of


@pytest.fixture(scope="module")
def trained_artifact_views(trained_artifact: Any) -> Any:
    from scoring.model.artifacts import load_artifact
    from scoring.population import PopulationViews

    return PopulationViews(load_artifact(trained_artifact))


def contribution(feature: str, value: float, label: str | None = None) -> dict[str, Any]:
    return {"feature": feature, "label": label or feature.title(), "value": 1.0, "display_value": "1",
            "contribution": value}


def make_score(probability: float = 0.12, decision: str = "refused", n_features: int = 15) -> dict[str, Any]:
    contributions = [contribution(f"F{i}", (-1) ** i * (1.0 / (i + 1))) for i in range(n_features)]
    base = math.log(probability / (1 - probability)) - sum(c["contribution"] for c in contributions)
    return {
        "client_id": 100042, "model_version": "synthetic-test", "probability_of_default": probability,
        "decision": decision, "threshold": 0.08, "review_band": [0.07, 0.09], "base_value": base,
        "contributions": contributions,
        "reasons": {"raises_risk": [{**contributions[0], "sentence": "F0 : 1 — augmente le risque estimé."}],
                    "lowers_risk": [{**contributions[1], "sentence": "F1 : 1 — diminue le risque estimé."}]},
        "warnings": [], "has_history": True, "in_training_set": False,
        "fields": {"DAYS_BIRTH": -12000, "AMT_INCOME_TOTAL": 150000.0, "AMT_CREDIT": 500000.0,
                   "AMT_ANNUITY": 25000.0, "NAME_INCOME_TYPE": "Working", "DAYS_EMPLOYED": 365243},
    }


def test_gauge_range_shows_the_review_band_and_the_client() -> None:
    assert gauge_range(0.02, 0.09) >= 0.225
    assert gauge_range(0.6, 0.09) >= 0.6 * 1.15
    assert gauge_range(0.99, 0.09) == 1.0


def test_gauge_marks_threshold_and_the_three_zones() -> None:
    figure = go.Figure(gauge_figure(make_score(), "fr"))  # also checks the dict against plotly's schema
    gauge = figure.data[0].gauge
    assert gauge.threshold.value == pytest.approx(8.0)
    bounds = [bound for step in gauge.steps for bound in step.range]
    assert bounds == pytest.approx([0, 7.0, 7.0, 9.0, 9.0, gauge.axis.range[1]])
    assert figure.layout.separators == ", "  # French decimals


@pytest.mark.parametrize(("decision", "word", "icon"), [("granted", "ACCORDÉ", "✓"), ("to_review", "À REVOIR", "?"),
                                                        ("refused", "REFUSÉ", "✗")])
def test_decision_is_a_word_and_an_icon_not_only_a_colour(decision: str, word: str, icon: str) -> None:
    text = text_of(decision_block(make_score(decision=decision), "fr"))
    assert word in text and icon in text


def test_distance_to_threshold_in_plain_words() -> None:
    assert "1,0 point au-dessus de la limite de 9,0" in distance_sentence(0.10, 0.08, [0.07, 0.09], "fr")
    assert "nettement dans la zone d'accord" in distance_sentence(0.02, 0.08, [0.07, 0.09], "fr")
    assert "An analyst decides" in distance_sentence(0.08, 0.08, [0.07, 0.09], "en")
    assert percent(0.0672, "en") == "6.7%"


def test_out_of_population_warnings_are_shown_with_the_score() -> None:
    score = make_score()
    score["warnings"] = [{"field": "AMT_INCOME_TOTAL", "message": "Revenu annuel : 1e8 sort de la population"}]
    assert "sort de la population" in text_of(decision_block(score, "fr"))


def test_waterfall_goes_from_the_average_client_to_this_client_and_groups_the_rest() -> None:
    score = make_score(n_features=15)
    data = waterfall_data(score, top=10)
    assert len(data["head"]) == 10 and data["n_rest"] == 5
    end = 1 / (1 + math.exp(-data["end"]))
    assert end == pytest.approx(score["probability_of_default"])
    figure = go.Figure(waterfall_figure(score, "fr", top=10))
    bars = figure.data[0]
    assert list(bars.measure) == ["absolute"] + ["relative"] * 11 + ["total"]
    assert bars.y[-2] == "5 autres facteurs"
    # The axis reads in probabilities, not log-odds.
    assert all(text.endswith("%") for text in figure.layout.xaxis.ticktext)


def test_global_importance_bolds_this_clients_own_factors() -> None:
    importance = [{"feature": "A", "label": "Alpha", "importance": 0.3},
                  {"feature": "B", "label": "Beta", "importance": 0.2}]
    figure = go.Figure(importance_figure(importance, {"B"}, "fr"))
    assert "<b>Beta</b>" in figure.data[0].y and "Alpha" in figure.data[0].y


def test_compare_sentence_states_the_percentile() -> None:
    view = {"feature": "AMT_INCOME_TOTAL", "label": "Revenu annuel", "kind": "numeric", "client_value": 150000.0,
            "percentile": 62.4}
    assert compare_sentence(view, "150 000", "fr") == \
        "Revenu annuel : 150 000. 62\u202f% des clients de référence ont une valeur inférieure."


def test_edit_form_sends_only_changed_fields_in_the_datas_units() -> None:
    specs = [{"name": "AMT_CREDIT", "type": "number"}, {"name": "DAYS_EMPLOYED", "type": "integer"},
             {"name": "FLAG_PHONE", "type": "integer"}, {"name": "OCCUPATION_TYPE", "type": "string",
                                                           "nullable": True}]
    fields = {"AMT_CREDIT": 500000.0, "DAYS_EMPLOYED": -2000, "FLAG_PHONE": 1, "OCCUPATION_TYPE": None}
    ids = [{"type": "edit-field", "field": name} for name in fields]
    unchanged = changes_from_form(specs, ids, [500000, round(2000 / 365.25, 1), "1", ""], fields)
    assert unchanged == {}
    changed = changes_from_form(specs, ids, [450000, 10, "0", "Managers"], fields)
    assert changed == {"AMT_CREDIT": 450000, "DAYS_EMPLOYED": -3652, "FLAG_PHONE": 0, "OCCUPATION_TYPE": "Managers"}


def test_simulation_lists_the_factors_whose_effect_changes_most() -> None:
    before, after = make_score(), make_score(0.05, "granted")
    after["contributions"] = [{**c, "contribution": c["contribution"] * (3 if c["feature"] == "F4" else 1)}
                              for c in after["contributions"]]
    changes = contribution_changes(before, after)
    assert changes[0]["feature"] == "F4"


def test_recourse_options_are_sentences_with_their_new_decision() -> None:
    recourse = {"decision": "refused", "message": "", "options": [
        {"kind": "amount", "changes": {"AMT_CREDIT": 300000}, "description": "Emprunter 300 000 au lieu de 500 000",
         "probability_of_default": 0.05, "decision": "granted"}]}
    (text, decision), = recourse_items(recourse, "fr")
    assert text.startswith("Emprunter 300 000") and "Accordé" in text and decision == "granted"
    assert recourse_items({"decision": "refused", "options": [], "message": "Rien ne suffit."}, "fr") == \
        [("Rien ne suffit.", None)]


def test_every_panel_figure_is_valid_plotly(trained_artifact_views: Any) -> None:
    """The hand-built dicts follow plotly's schema (go.Figure raises on any unknown property)."""
    from layouts.bivariate import bivariate_figure
    from layouts.compare import distribution_figure
    from layouts.edit import before_after_figure
    from layouts.history import history_figure
    from layouts.model_page import calibration_figure, cost_figure, roc_figure

    views = trained_artifact_views
    for lang in ("fr", "en"):
        go.Figure(distribution_figure(views.distribution("AMT_CREDIT", 300000.0, None, lang), "300 000", lang))
        go.Figure(distribution_figure(views.distribution("NAME_INCOME_TYPE", "Working", None, lang), None, lang))
        go.Figure(bivariate_figure(views.bivariate("AMT_CREDIT", "NAME_INCOME_TYPE", "outcome", lang),
                                   300000.0, "Working", lang))
        go.Figure(bivariate_figure(views.bivariate("AMT_CREDIT", "DAYS_EMPLOYED", "risk", lang), 1.0, 4.0, lang))
        go.Figure(before_after_figure(make_score(), make_score(0.03, "granted"), lang))
        versions = [{"version": v, "probability_of_default": p, "created_at": "2026-11-25T07:00:00+00:00"}
                    for v, p in ((1, 0.1), (2, 0.05))]
        go.Figure(history_figure(versions, 0.08, lang))
        page = views.model_page(lang)
        go.Figure(roc_figure(page["roc"], lang))
        go.Figure(calibration_figure(page["reliability_curve"], lang))
        go.Figure(cost_figure(page["cost_curve"], page["threshold"], lang))


def test_recent_clients_keep_the_latest_first_without_duplicates() -> None:
    recent: list[int] = []
    for client in (1, 2, 3, 2, *range(10, 20)):
        recent = remember(recent, client)
    assert recent[0] == 19 and len(recent) == RECENT_MAX and len(set(recent)) == RECENT_MAX
