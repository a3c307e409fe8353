"""Calibration diagnostics: a probability of default must mean what it says."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import brier_score_loss


def reliability_curve(
    y_true: np.ndarray, probability_of_default: np.ndarray, bins: int = 10
) -> list[dict[str, float]]:
    """Observed default rate against mean predicted probability, by quantile bin.

    Quantile bins, because defaults are rare: equal-width bins above 0.3 would hold a handful
    of applications and make the curve noise.
    """
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(probability_of_default, dtype=float)
    edges = np.unique(np.quantile(p, np.linspace(0, 1, bins + 1)))
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, len(edges) - 2)
    curve = []
    for b in range(len(edges) - 1):
        members = which == b
        if not members.any():
            continue
        curve.append(
            {
                "bin_low": float(edges[b]),
                "bin_high": float(edges[b + 1]),
                "mean_predicted": float(p[members].mean()),
                "observed_rate": float(y[members].mean()),
                "count": int(members.sum()),
            }
        )
    return curve


def expected_calibration_error(
    y_true: np.ndarray, probability_of_default: np.ndarray, bins: int = 10
) -> float:
    """Count-weighted mean |observed - predicted| over the reliability curve's bins."""
    curve = reliability_curve(y_true, probability_of_default, bins)
    total = sum(point["count"] for point in curve)
    return float(
        sum(point["count"] * abs(point["observed_rate"] - point["mean_predicted"]) for point in curve)
        / total
    )


def brier_score(y_true: np.ndarray, probability_of_default: np.ndarray) -> float:
    return float(brier_score_loss(np.asarray(y_true), np.asarray(probability_of_default)))
