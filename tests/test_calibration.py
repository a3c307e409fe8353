import numpy as np
import pytest

from scoring.model.calibration import brier_score, expected_calibration_error, reliability_curve


def test_calibrated_probabilities_have_small_ece_and_inflated_ones_do_not():
    rng = np.random.default_rng(1)
    p = rng.beta(1, 10, size=200_000)
    y = (rng.uniform(size=p.size) < p).astype(int)
    assert expected_calibration_error(y, p) < 0.003
    # Oversampling defaults 1:1 roughly multiplies odds by 10: the error it causes is visible.
    inflated = 10 * p / (1 - p + 10 * p)
    assert expected_calibration_error(y, inflated) > 0.15


def test_reliability_curve_bins_cover_everyone():
    rng = np.random.default_rng(2)
    p = rng.uniform(size=1000)
    y = (rng.uniform(size=1000) < p).astype(int)
    curve = reliability_curve(y, p, bins=10)
    assert sum(point["count"] for point in curve) == 1000
    assert all(point["bin_low"] <= point["mean_predicted"] <= point["bin_high"] for point in curve)


def test_brier_score_of_perfect_predictions_is_zero():
    assert brier_score(np.array([0, 1]), np.array([0.0, 1.0])) == pytest.approx(0.0)
