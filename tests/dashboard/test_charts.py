"""The comparison charts an advisor reads with a client ("Comparer", "Croiser"): what they open on,
groups large enough to mean something, forms that stay apart for colour-blind readers, a risk
scale with the decision band on it, and numbers written as the page's readers write them.

Figures are built from PopulationViews on the session's trained artifact and loaded into
plotly's `go.Figure`, which rejects any property plotly does not know."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import pytest

from callbacks.compare import default_feature
from layouts.bivariate import bivariate_body, bivariate_figure
from layouts.compare import compare_body, compare_sentence, distribution_figure
from scoring.decision_bands import DecisionBands
from scoring.model.artifacts import load_artifact
from scoring.population import MAX_GROUPS, MIN_GROUP_CLIENTS, OTHER_GROUPS, PopulationViews
from tests.dashboard.conftest import Dashboard, DashRequest
from tests.dashboard.test_callbacks import load, response_of, text_of

FRENCH_PERCENT = re.compile(r"\d[\u202f\u00a0]%")


@pytest.fixture(scope="module")
def views(trained_artifact: Path) -> PopulationViews:
    return PopulationViews(load_artifact(trained_artifact))


def reason(key: str, *members: str) -> dict[str, Any]:
    return {"code": "T", "feature": key,
            "features": [{"feature": name, "contribution": 1.0 / (i + 1)} for i, name in enumerate(members)]}


def small_level(views: PopulationViews, feature: str) -> str:
    levels = views.distributions[feature]["levels"]
    return next(lv["level"] for lv in sorted(levels, key=lambda lv: lv["count"]) if lv["count"] < MIN_GROUP_CLIENTS)


# --- what the comparison opens on -----------------------------------------------------------------
def test_comparison_opens_on_the_feature_behind_the_first_reason_not_the_largest_contribution(
        views: PopulationViews) -> None:
    score = {
        "contributions": [{"feature": "ORGANIZATION_TYPE", "contribution": 0.9}],
        "principal_reasons": [reason("EXT_SOURCE_MEAN", "EXT_SOURCE_3", "EXT_SOURCE_MEAN"),
                              reason("AMT_CREDIT", "AMT_CREDIT")],
        "feature_values": {"EXT_SOURCE_MEAN": 0.41, "EXT_SOURCE_3": 0.3, "ORGANIZATION_TYPE": "Bank"},
    }
    assert default_feature(score, views) == "EXT_SOURCE_MEAN"
    # The key feature not in the file: the theme's heaviest feature the client has a value for.
    score["feature_values"] = {"EXT_SOURCE_MEAN": None, "EXT_SOURCE_3": 0.3}
    assert default_feature(score, views) == "EXT_SOURCE_3"
    # Nothing the reference population holds: the largest contribution, as before.
    score["principal_reasons"] = [reason("NOT_A_FEATURE", "NOR_THIS")]
    assert default_feature(score, views) == "ORGANIZATION_TYPE"


def test_compare_panel_opens_on_the_first_reason_of_a_real_client(dashboard: Dashboard,
                                                                  advisor: DashRequest) -> None:
    population = dashboard.service.population
    # A client whose largest single contribution is not its first reason's feature: the old
    # opening (largest contribution) and the new one differ there.
    for client_id in dashboard.client_ids[:20]:
        data = load(advisor, client_id)
        score = data["score"]
        expected = population.opening_feature(score["principal_reasons"], score["feature_values"])
        if expected and expected != score["contributions"][0]["feature"]:
            break
    else:
        pytest.fail("no client among the first 20 whose first reason is not its largest contribution")
    first = response_of(advisor.call(
        [("compare-body", "children"), ("compare-feature", "value")],
        [("compare-feature", "value", None), ("compare-similar", "value", []), ("client-data", "data", data)],
        [("shell-url", "search", "")], changed=["client-data.data"]))
    chosen = first["compare-feature"]["value"]
    assert chosen == expected
    theme = score["principal_reasons"][0]
    assert chosen in {theme["feature"], *(f["feature"] for f in theme["features"])}


# --- categories: translated, few, large enough ----------------------------------------------------
def test_employer_types_are_translated_and_small_groups_merged(views: PopulationViews) -> None:
    view = views.distribution("ORGANIZATION_TYPE", "Business Entity Type 3", None, "fr")
    assert len(view["levels"]) <= MAX_GROUPS
    assert view["levels"][-1] == OTHER_GROUPS and view["names"][-1].startswith("Autres groupes")
    for level, count in zip(view["levels"], view["counts"], strict=True):
        assert count >= MIN_GROUP_CLIENTS or level in (OTHER_GROUPS, "Business Entity Type 3"), level
    assert "Entreprise (type 3)" in view["names"]
    assert not any("Business Entity" in name or "Type" in name for name in view["names"])
    # The merged bar holds exactly the clients of the groups it merges.
    assert sum(view["counts"]) == view["n_clients"]


def test_the_clients_own_small_group_stays_flagged_and_the_sentence_does_not_conclude(
        views: PopulationViews) -> None:
    level = small_level(views, "ORGANIZATION_TYPE")
    view = views.distribution("ORGANIZATION_TYPE", level, None, "fr")
    i = view["levels"].index(level)
    assert view["small"][i] and view["counts"][i] < MIN_GROUP_CLIENTS
    sentence = compare_sentence(view, view["names"][i], "fr")
    assert "trop petit pour conclure" in sentence and "Taux de défaut" not in sentence
    figure = go.Figure(distribution_figure(view, view["names"][i], "fr"))
    bars = figure.data[0]
    assert bars.orientation == "h"  # long names read across, not at -30°
    assert bars.marker.pattern.shape[i] == "/" and "trop peu" in bars.text[i]
    assert "ce client" in figure.layout.yaxis.ticktext[i]


def test_group_sizes_and_rates_are_written_in_the_pages_format(views: PopulationViews) -> None:
    view = views.distribution("NAME_CONTRACT_TYPE", "Cash loans", None, "fr")
    figure = go.Figure(distribution_figure(view, None, "fr"))
    largest = view["counts"][0]
    assert largest >= 1000
    assert figure.data[0].text[0] == f"n = {largest // 1000}\u202f{largest % 1000:03d}"
    assert figure.layout.xaxis.ticksuffix == "\u202f%"
    english = go.Figure(distribution_figure(views.distribution("NAME_CONTRACT_TYPE", None, None, "en"), None, "en"))
    assert english.data[0].text[0] == f"n = {largest:,}" and english.layout.xaxis.ticksuffix == "%"


# --- the headline follows the "similar clients" filter ----------------------------------------------
def test_headline_names_the_similar_clients_it_was_computed_on(views: PopulationViews) -> None:
    everyone = views.distribution("AMT_CREDIT", 300000.0, None, "fr")
    similar = views.distribution("AMT_CREDIT", 300000.0, {"income_type": "Working"}, "fr")
    assert "des clients de référence" in compare_sentence(everyone, "300 000", "fr")
    sentence = compare_sentence(similar, "300 000", "fr")
    assert "des clients semblables (Salarié)" in sentence
    assert FRENCH_PERCENT.search(sentence)
    english = compare_sentence(views.distribution("AMT_CREDIT", 300000.0, {"income_type": "Working"}, "en"),
                               "300,000", "en")
    assert "of similar clients (Working)" in english and re.search(r"\d%", english)
    level = views.distribution("NAME_INCOME_TYPE", "Working", {"income_type": "Working"}, "fr")
    assert "parmi les clients semblables (Salarié)" in compare_sentence(level, "Salarié", "fr")


def test_headline_says_when_too_few_similar_clients_to_place_the_client() -> None:
    view = {"feature": "AMT_CREDIT", "label": "Montant du crédit", "kind": "numeric", "client_value": 3e5,
            "percentile": 12.0, "source": "sample", "filter": {"income_type": "Student"},
            "too_few_similar": True, "n_clients": 4}
    sentence = compare_sentence(view, "300 000", "fr")
    assert "Seulement 4 clients semblables (Étudiant)" in sentence and "12" not in sentence


def test_compare_callback_headline_follows_the_filter(dashboard: Dashboard, advisor: DashRequest) -> None:
    data = load(advisor, dashboard.client_ids[2])
    outputs = [("compare-body", "children"), ("compare-feature", "value")]

    def headline(similar: list[str]) -> str:
        body = response_of(advisor.call(outputs, [("compare-feature", "value", "AMT_CREDIT"),
                                                  ("compare-similar", "value", similar),
                                                  ("client-data", "data", data)], [("shell-url", "search", "")]))
        return text_of(body["compare-body"]["children"]).split(".")[1]

    assert "clients de référence" in headline([])
    assert "clients semblables" in headline(["income_type"])


# --- histograms readable without colour ---------------------------------------------------------------
def test_repaid_and_defaulted_histograms_never_blend_into_a_third_colour(views: PopulationViews) -> None:
    for lang in ("fr", "en"):
        figure = go.Figure(distribution_figure(views.distribution("AMT_CREDIT", 300000.0, None, lang), "x", lang))
        filled = [t for t in figure.data if t.type == "bar" or (t.fill not in (None, "none"))]
        assert len(filled) == 1, "two filled histograms overlap (blue over vermillion reads brown)"
        outline = next(t for t in figure.data if t.type == "scatter")
        assert outline.mode == "lines" and outline.line.width >= 2
        # One opaque fill under one line: nothing is see-through.
        assert filled[0].marker.opacity in (None, 1)
        names = {t.name for t in figure.data}
        assert names == ({"Ont remboursé", "En défaut"} if lang == "fr" else {"Repaid", "Defaulted"})


def test_chart_text_alternatives_say_what_is_drawn(views: PopulationViews) -> None:
    numeric = views.distribution("AMT_CREDIT", 300000.0, None, "fr")
    label = compare_body(numeric, 300000.0, "fr").children[1].__getattribute__("aria-label")
    assert "barres bleues pleines" in label and "contour vermillon" in label
    categorical = views.distribution("NAME_INCOME_TYPE", "Working", None, "fr")
    label = compare_body(categorical, "Working", "fr").children[1].__getattribute__("aria-label")
    assert label.startswith("Barres horizontales : taux de défaut") and "Histogramme" not in label


# --- numbers as French readers write them ----------------------------------------------------------
def test_amount_axes_write_whole_numbers_not_si_suffixes(views: PopulationViews) -> None:
    for lang in ("fr", "en"):
        compare = go.Figure(distribution_figure(views.distribution("AMT_CREDIT", 300000.0, None, lang), "x", lang))
        scatter = go.Figure(bivariate_figure(views.bivariate("AMT_CREDIT", "AMT_INCOME_TOTAL", "outcome", lang),
                                             300000.0, 150000.0, lang))
        for axis in (compare.layout.xaxis, scatter.layout.xaxis, scatter.layout.yaxis):
            assert axis.exponentformat == "none" and axis.separatethousands
        assert compare.layout.separators == (", " if lang == "fr" else ".,")
        hover = compare.data[0].hovertemplate
        assert ".3g" not in hover  # "2e+05"
        assert ("\u202f%" in hover) == (lang == "fr") and "} %" not in hover
        # The currency named once, on the axis.
        assert compare.layout.xaxis.title.text.endswith("(€)")


# --- "Croiser": a risk scale with the decision band, a client marker no risk colour can take -------------
def test_risk_colours_span_zero_to_twice_the_refusal_limit_with_the_band_ticked(views: PopulationViews) -> None:
    data = views.bivariate("AMT_CREDIT", "EXT_SOURCE_MEAN", "risk", "fr")
    low, high = DecisionBands.from_decision(views.artifact.decision).band
    figure = go.Figure(bivariate_figure(data, 300000.0, 0.5, "fr", client_risk=0.0732))
    marker = figure.data[0].marker
    assert marker.cmin == 0 and 2 * high * 100 <= marker.cmax <= 2 * high * 100 + 1
    assert max(data["probability"]) * 100 > marker.cmax  # clipped, not stretched to the riskiest dot
    ticks = list(marker.colorbar.tickvals)
    assert ticks[1] == pytest.approx(100 * low) and ticks[2] == pytest.approx(100 * high)
    # Named at the limits (in one label when they are too close to label apart).
    named = " ".join(marker.colorbar.ticktext[1:3])
    assert "à revoir" in named and "refusé" in named
    assert FRENCH_PERCENT.search(marker.colorbar.ticktext[2])


def test_decision_limits_far_apart_are_labelled_each_and_close_ones_once() -> None:
    from layouts.bivariate import risk_colour_bar

    wide = risk_colour_bar({"risk_max": 0.18, "review_band": [0.066, 0.089]}, "fr")["colorbar"]["ticktext"]
    assert wide[1] == "6,6\u202f% à revoir" and wide[2] == "8,9\u202f% refusé"
    close = risk_colour_bar({"risk_max": 0.17, "review_band": [0.080, 0.082]}, "en")["colorbar"]["ticktext"]
    assert close[1] == "" and close[2] == "8.0%–8.2% to review<br>above: refused"


def test_client_marker_is_outside_the_risk_colours_and_states_its_risk(views: PopulationViews) -> None:
    data = views.bivariate("AMT_CREDIT", "EXT_SOURCE_MEAN", "risk", "fr")
    figure = go.Figure(bivariate_figure(data, 300000.0, 0.5, "fr", client_risk=0.0732))
    client = figure.data[-1]
    assert client.name == "Ce client"
    # Cividis runs from navy to yellow: white with a black outline is none of its colours.
    assert client.marker.color == "white" and client.marker.line.color == "#1a1a1a"
    assert client.marker.line.width >= 2 and client.marker.size >= 20
    assert any(a.text == "Ce client : 7,3\u202f%" for a in figure.layout.annotations)
    body = bivariate_body(data, 300000.0, 0.5, "fr", 0.0732)
    label = body.children[0].__getattribute__("aria-label")
    assert "étoile blanche cerclée de noir" in label and "à revoir" in label


def test_categorical_scatter_axes_are_translated(views: PopulationViews) -> None:
    figure = go.Figure(bivariate_figure(views.bivariate("AMT_CREDIT", "NAME_INCOME_TYPE", "outcome", "fr"),
                                        300000.0, "Working", "fr"))
    assert "Salarié" in figure.layout.yaxis.ticktext and "Working" not in figure.layout.yaxis.ticktext


def test_bivariate_callback_colours_by_risk_within_the_decision_range(dashboard: Dashboard,
                                                                      advisor: DashRequest) -> None:
    data = load(advisor, dashboard.client_ids[2])
    body = response_of(advisor.call(
        [("bivariate-body", "children")],
        [("bivariate-x", "value", "AMT_CREDIT"), ("bivariate-y", "value", "EXT_SOURCE_MEAN"),
         ("bivariate-color", "value", "risk"), ("client-data", "data", data)],
        [("shell-url", "search", "")]))
    serialised = json.dumps(body, ensure_ascii=False)
    high = DecisionBands.from_decision(dashboard.service.artifact.decision).review_high
    cmax = float(re.search(r'"cmax": ([0-9.]+)', serialised).group(1))
    assert 2 * high * 100 <= cmax <= 2 * high * 100 + 1
    assert "Ce client : " in serialised and "bande « à revoir »" in serialised
