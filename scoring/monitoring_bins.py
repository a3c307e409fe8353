"""Reference bins for monitoring, stored with the model artifact, and the PSI computed from them.

The training run (or `credit-scoring monitor-reference` for an older artifact) cuts every model
feature and the predicted probability into bins on the *reference* population only, and keeps
the share of that population in each bin. Monitoring then bins the applications now in the store
on the same cuts and compares the shares: it never reads the training data again.

Binning, because this is where PSI implementations go wrong (see docs/monitoring.md):
- numeric: cut points at the reference's deciles (duplicates dropped, so a flag or a count with a
  few values gets a bin per value), bins closed on the right, the first and last open to ±inf so
  a value beyond the reference range still lands somewhere (and shows as drift);
- categorical: one bin per level the model knows (in the artifact's level order), the levels
  under 1 % of the reference pooled in one bin;
- missing values: a bin of their own, for both kinds (a feed that starts sending nulls is drift);
- empty bins: each share is floored at ``EPSILON`` before the logarithm, so an empty bin gives a
  large but finite term instead of infinity or a silently dropped bin.

PSI = Σ (current − reference) · ln(current / reference) over the bins, missing bin included.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

BINS_FILE = "monitoring_reference.json"
BINS_FORMAT_VERSION = 1
DEFAULT_BINS = 10
# Floor of a bin's share before ln(): 1e-4 is the value most PSI write-ups use; it caps an empty
# bin's term at about (share) * ln(share / 1e-4), e.g. 0.05 → 0.31 (an "act" on its own).
EPSILON = 1e-4
# Out-of-population: beyond these reference quantiles (the service's warning bounds use the same).
OUT_OF_POPULATION_QUANTILES = (0.005, 0.995)
# Levels rarer than this in the reference share one bin (see categorical_reference).
RARE_LEVEL_SHARE = 0.01
PROBABILITY = "probability_of_default"


class MissingReferenceBins(LookupError):
    """The artifact has no monitoring reference (built before monitoring existed)."""

    def __init__(self, artifact_dir: Path) -> None:
        self.artifact_dir = Path(artifact_dir)
        super().__init__(missing_bins_message(self.artifact_dir, "en"))

    def message(self, lang: str = "fr") -> str:
        return missing_bins_message(self.artifact_dir, lang)


def missing_bins_message(artifact_dir: Path, lang: str = "fr") -> str:
    command = f"credit-scoring monitor-reference {artifact_dir}"
    if lang == "fr":
        return (f"Le modèle {artifact_dir.name} n'a pas de classes de référence pour le suivi ({BINS_FILE}) : "
                f"il a été construit avant le suivi du modèle. Lancez « {command} » (les calcule à partir de "
                "l'échantillon de référence de l'artefact) ou réentraînez le modèle (credit-scoring train).")
    return (f"Model {artifact_dir.name} has no monitoring reference bins ({BINS_FILE}): it was built before "
            f"model monitoring existed. Run `{command}` (computes them from the artifact's reference "
            "sample) or retrain the model (credit-scoring train).")


# --- the formula -------------------------------------------------------------------------------


def psi(reference_shares: np.ndarray | list[float], current_shares: np.ndarray | list[float],
        epsilon: float = EPSILON) -> float:
    """Population stability index of two distributions over the same bins (shares summing to 1).

    Each share is floored at `epsilon` first: an empty bin on either side gives a finite term."""
    reference = np.maximum(np.asarray(reference_shares, dtype=np.float64), epsilon)
    current = np.maximum(np.asarray(current_shares, dtype=np.float64), epsilon)
    if reference.shape != current.shape:
        raise ValueError(f"bins differ: {reference.shape} reference, {current.shape} current")
    return float(np.sum((current - reference) * np.log(current / reference)))


def zone(value: float | None, watch: float, act: float) -> str:
    """stable (< watch), watch (watch ≤ PSI ≤ act) or act (> act); unknown without a value."""
    if value is None or not np.isfinite(value):
        return "unknown"
    if value > act:
        return "act"
    return "watch" if value >= watch else "stable"


# --- binning -----------------------------------------------------------------------------------


def numeric_cuts(values: np.ndarray, bins: int = DEFAULT_BINS) -> list[float]:
    """Interior cut points at the reference's quantiles, duplicates dropped (finite values only)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return []
    quantiles = np.quantile(finite, np.linspace(0, 1, bins + 1)[1:-1], method="linear")
    cuts = np.unique(quantiles)
    # A cut at the maximum would leave the top bin empty in the reference by construction.
    return [float(c) for c in cuts if c < finite.max()] or [float(np.median(finite))]


def numeric_counts(values: np.ndarray, cuts: list[float] | np.ndarray) -> np.ndarray:
    """Counts per bin: len(cuts) + 1 value bins (right-closed), then the missing bin."""
    values = np.asarray(values, dtype=np.float64)
    # NaN sorts after every cut, so it lands in the last value bin: counted, then moved out.
    index = np.searchsorted(np.asarray(cuts, dtype=np.float64), values, side="left")
    counts = np.bincount(index, minlength=len(cuts) + 1).astype(np.float64)
    missing = float(np.isnan(values).sum())
    counts[-1] -= missing
    return np.append(counts, missing)


def level_counts(codes: np.ndarray, n_levels: int) -> np.ndarray:
    """Counts per level code (0..n_levels-1), then the missing bin (NaN or a code out of range)."""
    codes = np.asarray(codes, dtype=np.float64)
    present = np.isfinite(codes) & (codes >= 0) & (codes < n_levels)
    counts = np.bincount(codes[present].astype(np.int64), minlength=n_levels).astype(np.float64)
    return np.append(counts, float((~present).sum()))


def categorical_counts(codes: np.ndarray, bin_of_level: list[int]) -> np.ndarray:
    """Counts per bin (a level's bin from `bin_of_level`), then the missing bin."""
    by_level = level_counts(codes, len(bin_of_level))
    n_bins = max(bin_of_level) + 1 if bin_of_level else 0
    counts = np.bincount(np.asarray(bin_of_level, dtype=np.int64), weights=by_level[:-1], minlength=n_bins)
    return np.append(counts, by_level[-1])


def shares(counts: np.ndarray) -> np.ndarray:
    total = counts.sum()
    return counts / total if total else np.zeros_like(counts)


def numeric_reference(values: np.ndarray, bins: int = DEFAULT_BINS) -> dict[str, Any]:
    values = np.asarray(values, dtype=np.float64)
    cuts = numeric_cuts(values, bins)
    counts = numeric_counts(values, cuts)
    finite = values[np.isfinite(values)]
    entry: dict[str, Any] = {"kind": "numeric", "cuts": cuts, "shares": shares(counts).tolist(),
                             "missing_share": float(counts[-1] / max(counts.sum(), 1.0)),
                             "low": None, "high": None, "out_of_population_share": 0.0, "mean": None}
    if finite.size:
        low, high = np.quantile(finite, OUT_OF_POPULATION_QUANTILES)
        entry.update(low=float(low), high=float(high), mean=float(finite.mean()),
                     out_of_population_share=float(((finite < low) | (finite > high)).sum() / values.size))
    return entry


def categorical_reference(codes: np.ndarray, levels: list[str]) -> dict[str, Any]:
    """A bin per level holding at least RARE_LEVEL_SHARE of the reference, the rarer ones pooled
    in one "other levels" bin (a 58-level column over 500 applications would otherwise show a
    PSI of about 0.1 from sampling noise alone), then the missing bin."""
    by_level = shares(level_counts(codes, len(levels)))
    own = [i for i in range(len(levels)) if by_level[i] >= RARE_LEVEL_SHARE]
    rare = [i for i in range(len(levels)) if by_level[i] < RARE_LEVEL_SHARE]
    bin_of_level = [0] * len(levels)
    for position, level in enumerate(own):
        bin_of_level[level] = position
    for level in rare:
        bin_of_level[level] = len(own)
    counts = categorical_counts(codes, bin_of_level)
    share = shares(counts)
    return {"kind": "categorical", "levels": list(levels), "bin_of_level": bin_of_level,
            "bin_levels": [[levels[i]] for i in own] + ([[levels[i] for i in rare]] if rare else []),
            "never_seen": [levels[i] for i in range(len(levels)) if by_level[i] == 0.0],
            "shares": share.tolist(), "missing_share": float(share[-1]), "out_of_population_share": 0.0}


def decision_shares(probability: np.ndarray, review_low: float, review_high: float) -> dict[str, float]:
    probability = np.asarray(probability, dtype=np.float64)
    total = max(probability.size, 1)
    refused = probability >= review_high
    review = (probability >= review_low) & ~refused
    return {"granted": float((~refused & ~review).sum() / total), "to_review": float(review.sum() / total),
            "refused": float(refused.sum() / total)}


def reference_bins(X: pd.DataFrame, probability: np.ndarray, categories: Mapping[str, list[str]],
                   decision: Mapping[str, Any], *, source: str, bins: int = DEFAULT_BINS) -> dict[str, Any]:
    """The monitoring reference of a model: bins of every feature of `X` (the model matrix, in
    model order; categories as pandas categoricals) and of `probability`, the shipped model's
    scores of those clients (its decision mix and mean probability too)."""
    features: dict[str, Any] = {}
    for name in X.columns:
        column = X[name]
        if name in categories:
            levels = list(categories[name])
            if isinstance(column.dtype, pd.CategoricalDtype):
                codes = pd.Categorical(column, categories=levels).codes.astype(np.float64)
            else:
                codes = column.to_numpy(dtype=np.float64, na_value=np.nan)
            features[name] = categorical_reference(np.where(codes < 0, np.nan, codes), levels)
        else:
            features[name] = numeric_reference(column.to_numpy(dtype=np.float64, na_value=np.nan), bins)
    probability = np.asarray(probability, dtype=np.float64)
    review_low, review_high = float(decision["review_low"]), float(decision["review_high"])
    return {
        "format_version": BINS_FORMAT_VERSION,
        "source": source,
        "n_reference": len(X),
        "bins": bins,
        "epsilon": EPSILON,
        "out_of_population_quantiles": list(OUT_OF_POPULATION_QUANTILES),
        "probability": numeric_reference(probability, bins) | {"mean": float(probability.mean())},
        "decision_mix": decision_shares(probability, review_low, review_high),
        "features": features,
    }


def write_bins(artifact_dir: Path, bins: Mapping[str, Any]) -> Path:
    path = Path(artifact_dir) / BINS_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(bins, ensure_ascii=False) + "\n", encoding="utf-8")
    temporary.replace(path)
    return path


def read_bins(artifact_dir: Path) -> dict[str, Any]:
    path = Path(artifact_dir) / BINS_FILE
    if not path.exists():
        raise MissingReferenceBins(Path(artifact_dir))
    bins = json.loads(path.read_text(encoding="utf-8"))
    if bins.get("format_version") != BINS_FORMAT_VERSION:
        raise MissingReferenceBins(Path(artifact_dir))
    return bins


def bins_from_reference_sample(artifact: Any) -> dict[str, Any]:
    """Bins for an artifact built before monitoring, from the reference sample it holds (a
    stratified sample of the training clients with every model feature) scored by its model:
    coarser than bins from the whole training population, and still no training data read."""
    from scoring.model.training import predict_proba

    sample = artifact.reference_sample
    X = sample[list(artifact.feature_names)].copy()
    for name, levels in artifact.categories.items():
        X[name] = pd.Categorical(X[name].astype(object), categories=levels)
    return reference_bins(X, predict_proba(artifact.booster, X), artifact.categories, artifact.decision,
                          source=f"reference sample ({len(sample):,} clients)")
