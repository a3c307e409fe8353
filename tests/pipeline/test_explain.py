import numpy as np
import pandas as pd

from scoring.explain import (
    global_importance,
    grouped_contributions,
    margin,
    shap_contributions,
    top_reason_positions,
)
from scoring.model.artifacts import load_artifact
from scoring.model.training import predict_proba


def _sample(artifact):
    return artifact.reference_sample[artifact.feature_names]


def test_contributions_plus_base_value_equal_the_model_margin(trained_artifact):
    artifact = load_artifact(trained_artifact)
    X = _sample(artifact).iloc[:300]
    contributions = shap_contributions(artifact.booster, X)
    assert contributions.values.shape == (300, len(artifact.feature_names))
    np.testing.assert_allclose(contributions.margin, margin(artifact.booster, X), atol=1e-4)
    probability = 1 / (1 + np.exp(-contributions.margin))
    np.testing.assert_allclose(probability, predict_proba(artifact.booster, X), atol=1e-5)


def test_categorical_features_get_one_contribution_each(trained_artifact):
    artifact = load_artifact(trained_artifact)
    contributions = shap_contributions(artifact.booster, _sample(artifact).iloc[:10])
    assert contributions.feature_names == artifact.feature_names
    assert "NAME_CONTRACT_TYPE" in contributions.feature_names


def test_global_importance_is_mean_absolute_shap(trained_artifact):
    artifact = load_artifact(trained_artifact)
    X = _sample(artifact)
    importance = global_importance(artifact.booster, X)
    assert (importance >= 0).all()
    assert list(importance.values) == sorted(importance.values, reverse=True)
    stored = pd.Series(artifact.global_importance)
    np.testing.assert_allclose(stored[importance.index].to_numpy(), importance.to_numpy(), rtol=1e-5)
    assert importance.index[0].startswith(("EXT_SOURCE", "INST_", "BUREAU_", "PREV_", "CC_", "POS_")), (
        "the strongest drivers of the synthetic risk model come first"
    )


def test_grouped_contributions_and_reasons_preserve_the_total(trained_artifact):
    artifact = load_artifact(trained_artifact)
    contributions = shap_contributions(artifact.booster, _sample(artifact).iloc[:1]).for_client(0)
    grouped = grouped_contributions(contributions)
    assert grouped.sum() == np.float64(contributions.sum()) or abs(grouped.sum() - contributions.sum()) < 1e-9
    assert set(grouped.index) <= {"application", "bureau", "previous_application", "POS_CASH_balance",
                                  "installments_payments", "credit_card_balance"}
    values = contributions.to_numpy()
    reasons = top_reason_positions(values, count=3)
    raising, lowering = values[reasons["raises_risk"]], values[reasons["lowers_risk"]]
    assert (raising > 0).all() and (lowering < 0).all()
    assert list(raising) == sorted(raising, reverse=True) and list(lowering) == sorted(lowering)
    assert raising[0] == values.max() and lowering[0] == values.min()
