"""PopulationViews on a real trained artifact: the numbers the comparison panels draw."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from scoring.model.artifacts import load_artifact
from scoring.population import (
    BIVARIATE_MAX_POINTS,
    DAYS_PER_YEAR,
    PopulationViews,
    UnknownFeature,
    age_band,
    axis_title,
)


@pytest.fixture(scope="module")
def views(trained_artifact: Path) -> PopulationViews:
    return PopulationViews(load_artifact(trained_artifact))


def test_feature_options_cover_every_feature_sorted_by_label_ignoring_accents(views: PopulationViews) -> None:
    options = views.feature_options("fr")
    assert {o["value"] for o in options} == set(views.feature_names)
    labels = [o["label"] for o in options]
    due = next(o["label"] for o in options if o["value"] == "BUREAU_DAYS_ENDDATE_MAX")
    assert due.startswith("Échéance")
    # "Échéance" sorts among the E's, not after "Z".
    assert labels.index(due) < len(labels) // 2
    assert all(not label.startswith(("F", "G", "H")) for label in labels[:labels.index(due)])


def test_percentile_is_the_share_of_reference_clients_below(views: PopulationViews) -> None:
    income = views.sample["AMT_INCOME_TOTAL"].to_numpy(dtype=float)
    value = float(np.median(income))
    expected = 100 * (np.sum(income < value) + 0.5 * np.sum(income == value)) / income.size
    assert views.percentile("AMT_INCOME_TOTAL", value) == pytest.approx(expected)
    assert views.percentile("AMT_INCOME_TOTAL", income.max() + 1) == pytest.approx(100.0)


def test_distribution_of_the_whole_population_comes_from_the_precomputed_histogram(
        views: PopulationViews) -> None:
    view = views.distribution("AMT_CREDIT", 500_000.0)
    histogram = views.distributions["AMT_CREDIT"]["histogram"]
    assert view["source"] == "population"
    assert view["n_clients"] == sum(histogram["count_repaid"]) + sum(histogram["count_default"])
    assert sum(view["share_repaid"]) == pytest.approx(100.0)
    assert sum(view["share_default"]) == pytest.approx(100.0)
    assert view["client_value"] == 500_000.0


def test_similar_clients_filter_keeps_only_the_same_income_type_and_age_band(views: PopulationViews) -> None:
    sample = views.sample
    level = str(sample["NAME_INCOME_TYPE"].astype(object).mode()[0])
    days_birth = -40 * DAYS_PER_YEAR
    view = views.distribution("AMT_CREDIT", 500_000.0, {"income_type": level, "age_band": days_birth})
    ages = -sample["DAYS_BIRTH"].to_numpy(dtype=float) / DAYS_PER_YEAR
    expected = ((sample["NAME_INCOME_TYPE"].astype(object) == level).to_numpy() & (ages >= 40) & (ages < 50)
                & sample["AMT_CREDIT"].notna().to_numpy())
    assert view["source"] == "sample"
    assert view["filter"] == {"income_type": level, "age_band": [40, 50]}
    assert view["n_clients"] == int(expected.sum())


def test_day_counts_are_shown_in_years(views: PopulationViews) -> None:
    view = views.distribution("DAYS_EMPLOYED", -6.5 * DAYS_PER_YEAR)
    assert view["client_value"] == pytest.approx(6.5)
    assert min(view["centers"]) >= 0 and max(view["centers"]) < 60
    assert "années" in view["axis_title"] and "jours" not in view["axis_title"]
    assert axis_title("DAYS_EMPLOYED", "en").endswith("(years)")


def test_categorical_feature_gives_levels_with_default_rates(views: PopulationViews) -> None:
    view = views.distribution("NAME_INCOME_TYPE", "Working")
    assert view["kind"] == "categorical" and view["percentile"] is None
    assert "Working" in view["levels"]
    assert all(0 <= rate <= 100 for rate in view["default_rate"])


def test_unknown_feature_and_unknown_filter_are_named_in_the_error(views: PopulationViews) -> None:
    with pytest.raises(UnknownFeature, match="NOT_A_FEATURE"):
        views.distribution("NOT_A_FEATURE", 1)
    with pytest.raises(ValueError, match="colour"):
        views.distribution("AMT_CREDIT", 1, {"colour": "blue"})
    with pytest.raises(ValueError, match="color_by"):
        views.bivariate("AMT_CREDIT", "AMT_ANNUITY", color_by="size")


def test_bivariate_returns_aligned_arrays_from_the_reference_sample(views: PopulationViews) -> None:
    data = views.bivariate("AMT_CREDIT", "DAYS_EMPLOYED", color_by="risk")
    n = data["n_points"]
    assert 0 < n <= min(BIVARIATE_MAX_POINTS, len(views.sample))
    assert len(data["x_values"]) == len(data["y_values"]) == len(data["outcome"]) == len(data["probability"]) == n
    assert set(data["outcome"]) <= {0, 1}
    assert all(0 <= y < 100 for y in data["y_values"])  # years employed
    assert n + data["n_missing"] == len(views.sample)


def test_default_axes_are_two_informative_features_of_different_families(views: PopulationViews) -> None:
    x, y = views.default_axes()
    assert x in views.numeric_features() and y in views.numeric_features()
    assert x.rsplit("_", 1)[0] != y.rsplit("_", 1)[0]


def test_model_page_uses_the_out_of_fold_performance_file(views: PopulationViews) -> None:
    page = views.model_page("fr")
    assert page["performance_source"] == "performance.json"
    assert 0.5 < page["roc"]["auc"] <= 1.0
    confusion = page["confusion_matrix"]
    total = sum(confusion[k] for k in ("true_negative", "false_positive", "false_negative", "true_positive"))
    assert total == page["train_applications"]
    assert page["cost_curve"] and page["reliability_curve"]
    assert page["threshold"] == pytest.approx(views.artifact.decision["threshold"])


def test_age_band_groups_by_decade() -> None:
    assert age_band(-25 * DAYS_PER_YEAR) == (18, 30)
    assert age_band(-45.2 * DAYS_PER_YEAR) == (40, 50)
    assert age_band(None) is None
