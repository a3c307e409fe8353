"""Reference population summaries, so the dashboard compares a client without loading the data."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

HISTOGRAM_BINS = 30
QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
SAMPLE_SIZE = 5_000


def _numeric_summary(values: pd.Series, target: np.ndarray) -> dict[str, Any]:
    present = values.notna().to_numpy()
    data = values.to_numpy(dtype=float, na_value=np.nan)
    finite = data[present]
    summary: dict[str, Any] = {
        "kind": "numeric",
        "missing_share": float(1 - present.mean()),
        "quantiles": {},
        "histogram": None,
    }
    if finite.size == 0:
        return summary
    summary["quantiles"] = {str(q): float(v) for q, v in zip(QUANTILES, np.quantile(finite, QUANTILES), strict=True)}
    summary["mean"] = float(finite.mean())
    # Bins span the 1st–99th percentiles so one extreme income does not squash the picture;
    # the outer bins collect the tails.
    low, high = np.quantile(finite, [0.01, 0.99])
    if low == high:
        low, high = float(finite.min()), float(finite.max()) + 1e-9
    edges = np.linspace(low, high, HISTOGRAM_BINS + 1)
    clipped = np.clip(finite, low, high)
    target_present = target[present]
    summary["histogram"] = {
        "edges": edges.tolist(),
        "count_repaid": np.histogram(clipped[target_present == 0], edges)[0].tolist(),
        "count_default": np.histogram(clipped[target_present == 1], edges)[0].tolist(),
    }
    return summary


def _categorical_summary(values: pd.Series, target: np.ndarray) -> dict[str, Any]:
    frame = pd.DataFrame({"level": values.astype(object).fillna("(missing)"), "target": target})
    counts = frame.groupby("level")["target"].agg(["count", "sum"]).sort_values("count", ascending=False)
    return {
        "kind": "categorical",
        "missing_share": float(values.isna().mean()),
        "levels": [
            {
                "level": str(level),
                "count": int(row["count"]),
                "default_rate": float(row["sum"] / row["count"]),
            }
            for level, row in counts.iterrows()
        ],
    }


def feature_distributions(X: pd.DataFrame, y: np.ndarray) -> dict[str, dict[str, Any]]:
    """Per feature: quantiles, missing share and histogram (or level table) by outcome."""
    distributions = {}
    for column in X.columns:
        if isinstance(X[column].dtype, pd.CategoricalDtype):
            distributions[column] = _categorical_summary(X[column], y)
        else:
            distributions[column] = _numeric_summary(X[column], y)
    return distributions


def reference_sample_indices(y: np.ndarray, size: int = SAMPLE_SIZE, seed: int = 0) -> np.ndarray:
    """A stratified random sample (same default rate as the population), capped at `size`."""
    rng = np.random.default_rng(seed)
    if len(y) <= size:
        return np.arange(len(y))
    chosen = []
    for label in (0, 1):
        members = np.nonzero(y == label)[0]
        take = round(size * len(members) / len(y))
        chosen.append(rng.choice(members, size=take, replace=False))
    return np.sort(np.concatenate(chosen))
