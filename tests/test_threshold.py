import numpy as np
import pytest

from scoring.model.threshold import business_cost, choose_threshold, cost_curve, downsample_curve


def test_hand_computed_case_picks_the_cheapest_threshold():
    y = np.array([1, 0, 0, 1, 0])
    p = np.array([0.9, 0.8, 0.3, 0.2, 0.1])
    # Refusing p >= 0.2 catches both defaults and wrongly refuses two good clients: cost 2.
    choice = choose_threshold(y, p)
    assert choice.threshold == pytest.approx(0.2)
    assert choice.cost == 2.0
    assert business_cost(y, p, 0.2) == 2.0
    assert business_cost(y, p, 0.95) == 20.0  # everyone granted: two missed defaults


def test_cost_curve_matches_brute_force_with_ties():
    rng = np.random.default_rng(3)
    p = np.round(rng.uniform(size=500), 2)  # many ties
    y = rng.uniform(size=500) < p
    thresholds, costs = cost_curve(y, p)
    brute = np.array([business_cost(y, p, t) for t in thresholds])
    np.testing.assert_array_equal(costs, brute)
    candidates = np.r_[np.unique(p), 2.0]
    assert costs.min() == min(business_cost(y, p, t) for t in candidates)


def test_calibrated_probabilities_give_the_bayes_threshold_one_over_eleven():
    rng = np.random.default_rng(0)
    p = rng.uniform(0, 0.3, size=400_000)
    y = rng.uniform(size=p.size) < p
    choice = choose_threshold(y, p)
    # Refuse when 10·p > 1·(1 − p), i.e. p > 1/11.
    assert choice.threshold == pytest.approx(1 / 11, abs=0.006)
    assert choice.review_low <= choice.threshold <= choice.review_high
    assert choice.review_low < 1 / 11 < choice.review_high


def test_decision_uses_the_review_band():
    y = np.array([1, 0, 0, 1, 0] * 20)
    p = np.linspace(0.01, 0.99, 100)
    choice = choose_threshold(y, p)
    assert choice.decision(choice.review_high) == "refused"
    assert choice.decision(0.0) == "granted"
    if choice.review_low < choice.review_high:
        assert choice.decision(choice.review_low) == "to_review"


def test_downsampled_curve_reads_exact_costs():
    y = np.array([1, 0, 0, 1, 0])
    p = np.array([0.9, 0.8, 0.3, 0.2, 0.1])
    choice = choose_threshold(y, p)
    curve = {round(point["threshold"], 3): point["cost"]
             for point in downsample_curve(choice.thresholds, choice.costs, points=101)}
    assert curve[0.0] == business_cost(y, p, 0.0)
    assert curve[0.25] == business_cost(y, p, 0.25)
    assert curve[1.0] == 20.0


def test_mismatched_inputs_are_rejected():
    with pytest.raises(ValueError, match="equal length"):
        cost_curve(np.array([0, 1]), np.array([0.5]))
