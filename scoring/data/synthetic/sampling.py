"""Small vectorised sampling and grouping helpers shared by the generator's tables."""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from scoring.schema import TABLES


def draw_codes(rng: np.random.Generator, n: int, probabilities: np.ndarray | list[float]) -> np.ndarray:
    """Category codes drawn with the given (not necessarily normalised) probabilities."""
    weights = np.asarray(probabilities, dtype=float)
    cumulative = np.cumsum(weights / weights.sum())
    cumulative[-1] = 1.0
    return np.searchsorted(cumulative, rng.random(n), side="right").astype(np.int32)


def quantile_map(
    scores: np.ndarray,
    knots: list[tuple[float, float]],
    lo: float,
    hi: float,
    *,
    log: bool = False,
) -> np.ndarray:
    """Map standard-normal scores to values whose quantiles are the given (probability, value)
    knots, interpolating in normal-score space and extrapolating the end slopes into the tails.

    Used so that every amount and day column hits its published quartiles while staying
    correlated with the latent traits through the scores.
    """
    probabilities = np.array([p for p, _ in knots])
    values = np.array([v for _, v in knots], dtype=float)
    x = ndtri(probabilities)
    y = np.log(values) if log else values
    out = np.interp(scores, x, y)
    left, right = scores < x[0], scores > x[-1]
    out[left] = y[0] + (scores[left] - x[0]) * (y[1] - y[0]) / (x[1] - x[0])
    out[right] = y[-1] + (scores[right] - x[-1]) * (y[-1] - y[-2]) / (x[-1] - x[-2])
    if log:
        out = np.exp(out)
    return np.clip(out, lo, hi)


def segments_of(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For groups of the given sizes: each row's group index and its position in the group."""
    counts = counts.astype(np.int64)
    owner = np.repeat(np.arange(counts.size), counts)
    starts = np.cumsum(counts) - counts
    position = np.arange(counts.sum()) - np.repeat(starts, counts)
    return owner, position


def draw_negative_binomial(rng: np.random.Generator, mean: np.ndarray | float, dispersion: float,
                       size: int) -> np.ndarray:
    mean = np.broadcast_to(np.asarray(mean, dtype=float), (size,))
    return rng.negative_binomial(dispersion, dispersion / (dispersion + mean))


def group_mean(owner: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Mean of ``values`` per owner ignoring NaN; NaN for owners without a value."""
    valid = ~np.isnan(values)
    total = np.bincount(owner[valid], weights=values[valid], minlength=n)
    count = np.bincount(owner[valid], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def group_max(owner: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Max per owner ignoring NaN; NaN for owners without a value."""
    out = np.full(n, -np.inf)
    valid = ~np.isnan(values)
    np.maximum.at(out, owner[valid], values[valid])
    out[np.isinf(out)] = np.nan
    return out


def schema_levels(table: str, column: str) -> tuple[str, ...]:
    levels = TABLES[table].column(column).levels
    assert levels is not None
    return levels


def codes_for(table: str, column: str, names: list[str]) -> np.ndarray:
    levels = schema_levels(table, column)
    return np.array([levels.index(name) for name in names], dtype=np.int32)


def probabilities_by_level(table: str, column: str, shares: dict[str, float]) -> np.ndarray:
    """Probability vector in schema level order (levels not listed get probability 0)."""
    levels = schema_levels(table, column)
    unknown = set(shares) - set(levels)
    if unknown:
        raise ValueError(f"{column}: shares for unknown levels {unknown}")
    return np.array([shares.get(level, 0.0) for level in levels], dtype=float)
