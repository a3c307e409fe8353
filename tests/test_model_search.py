"""The regularisation search: sized to the data, honest about what it chose, never silently
below a baseline."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from scoring.model import training
from scoring.model.pipeline import select_shipped_model


def test_fast_auc_equals_sklearn_with_ties():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 500)
    scores = np.round(rng.random((4, 500)) + labels * 0.3, 1)  # rounding makes many ties
    expected = [roc_auc_score(labels, row) for row in scores]
    np.testing.assert_allclose(training.rowwise_auc(labels, scores), expected, atol=1e-12)


def test_the_search_shrinks_as_the_data_grows():
    small, medium, large = (training.search_space(n) for n in (4_000, 50_000, 307_511))
    assert len(small) > len(large) == 1
    assert large == ["default"], "full scale keeps the setting measured within 0.01 of the oracle"
    assert "stumps" in small and "stumps" not in medium
    assert all(name in training.CANDIDATES for name in small + medium + large)


def _fabricated_cv(rng: np.random.Generator, n: int, signal: float, y: np.ndarray):
    folds = training.stratified_folds(y, 3, 0)
    out_of_fold = 1 / (1 + np.exp(-(signal * (y - 0.5) + rng.normal(size=n))))
    fold_auc = [float(roc_auc_score(y[v], out_of_fold[v])) for _, v in folds]
    return training.CrossValidationResult(out_of_fold=out_of_fold, fold_auc=fold_auc, best_rounds=[10] * 3)


def test_the_application_only_model_is_shipped_when_the_history_does_not_help():
    rng = np.random.default_rng(1)
    y = (rng.random(3_000) < 0.1).astype(int)
    weak, strong = _fabricated_cv(rng, 3_000, 0.2, y), _fabricated_cv(rng, 3_000, 2.0, y)
    baselines = {"dummy_prior": {"auc_mean": 0.5}, "logistic_application": {"auc_mean": 0.55}}
    selection = select_shipped_model(weak, strong, baselines)
    assert selection["shipped"] == "xgboost_application"
    assert "application" in selection["fallback"] and not selection["below_best_baseline"]
    kept = select_shipped_model(strong, weak, baselines)
    assert kept["shipped"] == "xgboost_all_tables" and kept["fallback"] is None


def test_a_baseline_better_than_every_tree_model_is_said_in_the_card():
    rng = np.random.default_rng(2)
    y = (rng.random(3_000) < 0.1).astype(int)
    cv = _fabricated_cv(rng, 3_000, 0.5, y)
    baselines = {"dummy_prior": {"auc_mean": 0.5}, "logistic_application": {"auc_mean": 0.99}}
    selection = select_shipped_model(cv, cv, baselines)
    assert selection["below_best_baseline"] is True
    assert selection["best_baseline"] == "logistic_application"
    assert "logistic_application" in selection["warning"]


def test_a_folds_choice_ignores_its_own_validation_rows():
    # Two candidates, one fold each, 8 stopping rows: candidate "a" ranks rows 0-3 perfectly,
    # "b" ranks rows 4-7 perfectly. Leaving rows 0-3 out must pick "b".
    y = np.array([0, 1, 0, 1, 0, 1, 0, 1])
    perfect = y.astype(float)
    inverted = 1 - perfect
    rows = np.arange(8)
    a = training._Fit(None, np.array([0.5]), rows, np.array([np.r_[perfect[:4], inverted[4:]]]))
    b = training._Fit(None, np.array([0.5]), rows, np.array([np.r_[inverted[:4], perfect[4:]]]))
    grids = {"a": np.array([10]), "b": np.array([20])}
    chosen, rounds, _ = training._pooled_choice({"a": [a], "b": [b]}, grids, y, excluded=np.arange(4))
    assert (chosen, rounds) == ("b", 20)
    chosen, _, _ = training._pooled_choice({"a": [a], "b": [b]}, grids, y, excluded=np.arange(4, 8))
    assert chosen == "a"


@pytest.mark.parametrize("rounds", [1, 90, 200])
def test_refits_scale_the_chosen_rounds_to_the_larger_training_set(rounds):
    assert training.scaled_rounds(rounds) == max(1, round(rounds / (1 - training.EARLY_STOPPING_SHARE)))
    assert training.scaled_rounds(rounds) >= rounds
