"""Out-of-fold performance for the model page: ROC, confusion matrix, decisions, per-group view.

Every number here comes from out-of-fold probabilities: each training client scored by the fold
model that did not see it. The shipped model's own probabilities on its training clients know
their outcomes and would overstate every figure.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve

from scoring.model import calibration

ROC_MAX_POINTS = 200
DECISIONS = ("granted", "to_review", "refused")


def roc_points(y_true: np.ndarray, probability: np.ndarray,
               max_points: int = ROC_MAX_POINTS) -> dict[str, Any]:
    """ROC curve with its AUC, at most `max_points` points, both ends kept."""
    fpr, tpr, thresholds = roc_curve(y_true, probability)
    if fpr.size > max_points:
        keep = np.unique(np.linspace(0, fpr.size - 1, max_points).round().astype(int))
        fpr, tpr, thresholds = fpr[keep], tpr[keep], thresholds[keep]
    # roc_curve's first threshold is +inf ("refuse nobody"), which JSON cannot hold.
    thresholds = np.where(np.isfinite(thresholds), thresholds, 1.0)
    return {
        "auc": float(roc_auc_score(y_true, probability)),
        "fpr": fpr.tolist(),
        "tpr": tpr.tolist(),
        "thresholds": thresholds.tolist(),
    }


def confusion_at(y_true: np.ndarray, probability: np.ndarray, threshold: float) -> dict[str, Any]:
    """Refusing every probability >= threshold; 'positive' is a default."""
    y = np.asarray(y_true).astype(bool)
    refused = np.asarray(probability) >= threshold
    return {
        "threshold": float(threshold),
        "true_negative": int(np.count_nonzero(~refused & ~y)),
        "false_positive": int(np.count_nonzero(refused & ~y)),
        "false_negative": int(np.count_nonzero(~refused & y)),
        "true_positive": int(np.count_nonzero(refused & y)),
    }


def decisions(probability: np.ndarray, review_low: float, review_high: float) -> np.ndarray:
    """`threshold.decide` for a whole array."""
    p = np.asarray(probability, dtype=float)
    return np.where(p >= review_high, "refused", np.where(p >= review_low, "to_review", "granted"))


def decision_counts(y_true: np.ndarray, probability: np.ndarray, review_low: float,
                    review_high: float) -> dict[str, dict[str, Any]]:
    """Per decision: how many applications, how many of them defaulted."""
    y = np.asarray(y_true).astype(int)
    chosen = decisions(probability, review_low, review_high)
    counts = {}
    for name in DECISIONS:
        members = chosen == name
        count = int(members.sum())
        defaults = int(y[members].sum())
        counts[name] = {
            "count": count,
            "share": float(count / len(y)) if len(y) else 0.0,
            "defaults": defaults,
            "default_rate": float(defaults / count) if count else None,
        }
    return counts


def group_metrics(y_true: np.ndarray, probability: np.ndarray, review_low: float,
                  review_high: float) -> dict[str, Any]:
    """Approval rate, default rate among the approved, AUC and calibration of one group.

    Approved means 'granted' (the review band goes to a person, who decides).
    """
    y = np.asarray(y_true).astype(int)
    p = np.asarray(probability, dtype=float)
    chosen = decisions(p, review_low, review_high)
    granted = chosen == "granted"
    two_classes = 0 < y.sum() < len(y)
    return {
        "count": len(y),
        "defaults": int(y.sum()),
        "default_rate": float(y.mean()) if len(y) else None,
        "approval_rate": float(granted.mean()) if len(y) else None,
        "review_rate": float((chosen == "to_review").mean()) if len(y) else None,
        "refusal_rate": float((chosen == "refused").mean()) if len(y) else None,
        "default_rate_among_approved": float(y[granted].mean()) if granted.any() else None,
        "auc": float(roc_auc_score(y, p)) if two_classes else None,
        "mean_predicted": float(p.mean()) if len(y) else None,
        "observed_minus_predicted": float(y.mean() - p.mean()) if len(y) else None,
        "expected_calibration_error": (
            calibration.expected_calibration_error(y, p, bins=5) if len(y) >= 50 else None
        ),
    }


# Age bands for the fairness view, in years at application (upper bound excluded).
AGE_BANDS: tuple[tuple[str, float, float], ...] = (
    ("< 25", 0, 25), ("25-34", 25, 35), ("35-44", 35, 45), ("45-54", 45, 55), ("55-64", 55, 65),
    ("65+", 65, float("inf")),
)
# A group smaller than this gets its counts but no rates: a rate on a handful of people is noise.
MIN_GROUP_SIZE = 30
# The four-fifths rule (US EEOC Uniform Guidelines, used for credit by fair-lending reviews): a
# group approved at under 80 % of the most-approved group's rate shows adverse impact.
FOUR_FIFTHS = 0.8
FOUR_FIFTHS_NOTE = ("A group whose approval rate is under 0.8 x the most-approved group's is flagged "
                    "(four-fifths rule); the review band counts as not approved.")


def age_band(age_years: np.ndarray) -> np.ndarray:
    age = np.asarray(age_years, dtype=float)
    bands = np.full(age.shape, "(missing)", dtype=object)
    for name, low, high in AGE_BANDS:
        bands[(age >= low) & (age < high)] = name
    return bands


def fairness_by_group(groups: dict[str, np.ndarray], y_true: np.ndarray, probability: np.ndarray,
                      review_low: float, review_high: float) -> dict[str, Any]:
    """For each grouping (e.g. gender, age band): the metrics of every group, and how far apart
    the groups' approval rates are (ratio of the lowest to the highest, the 'four-fifths' view)."""
    y = np.asarray(y_true).astype(int)
    p = np.asarray(probability, dtype=float)
    report: dict[str, Any] = {}
    for grouping, labels in groups.items():
        labels = np.asarray(labels, dtype=object)
        per_group: dict[str, Any] = {}
        for level in sorted({str(v) for v in labels}):
            members = labels.astype(str) == level
            if members.sum() < MIN_GROUP_SIZE:
                per_group[level] = {"count": int(members.sum()), "too_small": True}
                continue
            per_group[level] = group_metrics(y[members], p[members], review_low, review_high)
        rates = {level: g["approval_rate"] for level, g in per_group.items() if not g.get("too_small")}
        best = max(rates.values()) if rates else 0.0
        report[grouping] = {
            "groups": per_group,
            "approval_rate_ratio_min_over_max": (
                float(min(rates.values()) / best) if rates and best > 0 else None
            ),
            "below_four_fifths": sorted(level for level, rate in rates.items()
                                        if best > 0 and rate < FOUR_FIFTHS * best),
            "min_group_size": MIN_GROUP_SIZE,
        }
    return report
