"""The PSI formula and the binning it rests on, against cases worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scoring.monitoring_bins import (
    EPSILON,
    categorical_counts,
    categorical_reference,
    numeric_counts,
    numeric_cuts,
    numeric_reference,
    psi,
    reference_bins,
    zone,
)


def test_psi_matches_a_hand_computed_case_with_an_empty_reference_bin() -> None:
    # Bins: three value bins, then the missing bin, empty in the reference.
    reference = [0.5, 0.3, 0.2, 0.0]
    current = [0.4, 0.4, 0.1, 0.1]
    # By hand, each term (c - r) * ln(c / r), the empty share floored at 1e-4:
    #   (0.4 - 0.5) * ln(0.4 / 0.5)       = -0.1 * -0.2231436 = 0.0223144
    #   (0.4 - 0.3) * ln(0.4 / 0.3)       =  0.1 *  0.2876821 = 0.0287682
    #   (0.1 - 0.2) * ln(0.1 / 0.2)       = -0.1 * -0.6931472 = 0.0693147
    #   (0.1 - 0.0001) * ln(0.1 / 0.0001) = 0.0999 * 6.9077553 = 0.6900848
    assert psi(reference, current) == pytest.approx(0.8104820, abs=1e-6)
    assert EPSILON == 1e-4


def test_psi_is_zero_for_the_same_distribution_and_finite_when_both_sides_have_an_empty_bin() -> None:
    assert psi([0.25, 0.25, 0.5, 0.0], [0.25, 0.25, 0.5, 0.0]) == 0.0
    value = psi([1.0, 0.0], [0.0, 1.0])
    assert math.isfinite(value) and value == pytest.approx(2 * (1 - 1e-4) * math.log(1 / 1e-4))


def test_psi_refuses_bins_that_differ() -> None:
    with pytest.raises(ValueError, match="bins differ"):
        psi([0.5, 0.5], [0.2, 0.3, 0.5])


def test_zones_follow_the_usual_reading() -> None:
    assert [zone(v, 0.10, 0.25) for v in (0.0, 0.099, 0.10, 0.25, 0.2501, None)] == [
        "stable", "stable", "watch", "watch", "act", "unknown"]


def test_numeric_bins_are_right_closed_open_ended_with_a_missing_bin() -> None:
    values = np.array([np.nan, 0.0, 1.0, 2.0, 3.0, 5.0, np.nan, 10.0])
    # Cuts 1 and 3: (-inf, 1], (1, 3], (3, inf), missing.
    assert numeric_counts(values, [1.0, 3.0]).tolist() == [2.0, 2.0, 2.0, 2.0]


def test_quantile_cuts_come_from_the_reference_and_collapse_for_a_flag() -> None:
    rng = np.random.default_rng(0)
    income = rng.lognormal(11, 0.5, 10_000)
    cuts = numeric_cuts(income)
    assert len(cuts) == 9
    # Deciles: each bin holds a tenth of the reference, even for a skewed amount (equal-width
    # bins would put most clients in the first one).
    assert np.allclose(numeric_counts(income, cuts)[:-1] / income.size, 0.1, atol=0.002)
    flag = (rng.random(1_000) < 0.3).astype(float)
    assert numeric_cuts(flag) == [0.0]
    entry = numeric_reference(flag)
    assert entry["shares"] == pytest.approx([0.7, 0.3, 0.0], abs=0.03)


def test_rare_levels_share_one_bin_and_unseen_levels_are_listed() -> None:
    levels = ["a", "b", "c", "d"]
    codes = np.array([0.0] * 600 + [1.0] * 395 + [2.0] * 5 + [np.nan] * 0)
    entry = categorical_reference(codes, levels)
    assert entry["bin_levels"] == [["a"], ["b"], ["c", "d"]]
    assert entry["never_seen"] == ["d"]
    assert entry["shares"] == pytest.approx([0.6, 0.395, 0.005, 0.0])
    current = categorical_counts(np.array([0.0, 3.0, np.nan, 2.0]), entry["bin_of_level"])
    assert current.tolist() == [1.0, 0.0, 2.0, 1.0]


def test_reference_bins_cover_every_feature_and_the_probability() -> None:
    X = pd.DataFrame({"AMT_CREDIT": np.linspace(1e5, 1e6, 500),
                      "NAME_CONTRACT_TYPE": pd.Categorical(["Cash loans", "Revolving loans"] * 250,
                                                           categories=["Cash loans", "Revolving loans"])})
    probability = np.linspace(0.0, 0.5, 500)
    bins = reference_bins(X, probability, {"NAME_CONTRACT_TYPE": ["Cash loans", "Revolving loans"]},
                          {"review_low": 0.1, "review_high": 0.2}, source="test")
    assert set(bins["features"]) == {"AMT_CREDIT", "NAME_CONTRACT_TYPE"}
    assert bins["features"]["NAME_CONTRACT_TYPE"]["shares"] == [0.5, 0.5, 0.0]
    assert bins["decision_mix"] == pytest.approx({"granted": 0.2, "to_review": 0.2, "refused": 0.6}, abs=0.01)
    assert bins["probability"]["mean"] == pytest.approx(0.25)
