"""Business-cost decision threshold: a missed default costs 10 wrongly refused good clients."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring.decision_bands import on_grid

FALSE_NEGATIVE_COST = 10.0
FALSE_POSITIVE_COST = 1.0
# Thresholds whose cost is within this share of the minimum are economically equivalent: the
# applications whose probability falls between them go to a human for review.
REVIEW_COST_TOLERANCE = 0.02


@dataclass(frozen=True)
class ThresholdChoice:
    threshold: float
    cost: float
    cost_per_application: float
    review_low: float
    review_high: float
    thresholds: np.ndarray
    costs: np.ndarray

    def decision(self, probability_of_default: float) -> str:
        return decide(probability_of_default, self.review_low, self.review_high)


def decide(probability_of_default: float, review_low: float, review_high: float) -> str:
    """'refused' at or above the review band, 'to_review' inside it, else 'granted'."""
    if probability_of_default >= review_high:
        return "refused"
    if probability_of_default >= review_low:
        return "to_review"
    return "granted"


def business_cost(
    y_true: np.ndarray,
    probability_of_default: np.ndarray,
    threshold: float,
    fn_cost: float = FALSE_NEGATIVE_COST,
    fp_cost: float = FALSE_POSITIVE_COST,
) -> float:
    """Cost of refusing every application whose probability is >= threshold."""
    y = np.asarray(y_true).astype(bool)
    refused = np.asarray(probability_of_default) >= threshold
    false_negatives = np.sum(y & ~refused)
    false_positives = np.sum(~y & refused)
    return float(fn_cost * false_negatives + fp_cost * false_positives)


def cost_curve(
    y_true: np.ndarray,
    probability_of_default: np.ndarray,
    fn_cost: float = FALSE_NEGATIVE_COST,
    fp_cost: float = FALSE_POSITIVE_COST,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact cost at every distinct candidate threshold, in O(n log n).

    Candidates are the distinct predicted probabilities (refuse when p >= t) plus one value
    above the maximum (grant everyone), so the minimum found is the true minimum.
    """
    y = np.asarray(y_true).astype(bool)
    p = np.asarray(probability_of_default, dtype=float)
    if y.shape != p.shape or y.ndim != 1 or y.size == 0:
        raise ValueError("y_true and probability_of_default must be 1-D arrays of equal length")
    order = np.argsort(-p, kind="mergesort")
    p_sorted, y_sorted = p[order], y[order]
    # Refusing the k highest-risk applications: TP and FP among them, FN among the rest.
    tp = np.concatenate([[0], np.cumsum(y_sorted)])
    fp = np.concatenate([[0], np.cumsum(~y_sorted)])
    fn = y.sum() - tp
    costs_by_k = fn_cost * fn + fp_cost * fp
    # A threshold t refuses every p >= t, so only the last index of each tied run is reachable.
    last_of_run = np.r_[p_sorted[1:] != p_sorted[:-1], True]
    ks = np.nonzero(last_of_run)[0] + 1
    thresholds = np.r_[np.nextafter(p_sorted[0], np.inf), p_sorted[ks - 1]]
    costs = np.r_[costs_by_k[0], costs_by_k[ks]]
    ascending = np.argsort(thresholds)
    return thresholds[ascending], costs[ascending].astype(float)


def choose_threshold(
    y_true: np.ndarray,
    probability_of_default: np.ndarray,
    fn_cost: float = FALSE_NEGATIVE_COST,
    fp_cost: float = FALSE_POSITIVE_COST,
    review_tolerance: float = REVIEW_COST_TOLERANCE,
) -> ThresholdChoice:
    """Threshold minimising the business cost, with the review band of near-optimal thresholds."""
    thresholds, costs = cost_curve(y_true, probability_of_default, fn_cost, fp_cost)
    best = int(np.argmin(costs))
    near_optimal = costs <= costs[best] * (1 + review_tolerance)
    # The band is the contiguous run of near-optimal thresholds that contains the optimum.
    low = high = best
    while low - 1 >= 0 and near_optimal[low - 1]:
        low -= 1
    while high + 1 < len(costs) and near_optimal[high + 1]:
        high += 1
    # The limits go on the tenth-of-a-point grid every face shows them on (scoring.decision_bands),
    # so the rule the model card states is the rule applied; the cost is the one of that rule.
    threshold = on_grid(thresholds[best])
    cost = business_cost(y_true, probability_of_default, threshold, fn_cost, fp_cost)
    return ThresholdChoice(
        threshold=threshold,
        cost=cost,
        cost_per_application=float(cost / len(np.asarray(y_true))),
        review_low=min(on_grid(thresholds[low]), threshold),
        review_high=max(on_grid(thresholds[high]), threshold),
        thresholds=thresholds,
        costs=costs,
    )


def downsample_curve(
    thresholds: np.ndarray, costs: np.ndarray, points: int = 201
) -> list[dict[str, float]]:
    """The cost curve on a regular grid of thresholds, small enough to store and plot."""
    grid = np.linspace(0.0, 1.0, points)
    # Cost at grid value g = cost of the smallest candidate threshold >= g.
    idx = np.clip(np.searchsorted(thresholds, grid, side="left"), 0, len(thresholds) - 1)
    return [{"threshold": float(g), "cost": float(costs[i])} for g, i in zip(grid, idx, strict=True)]
