"""Statistics on out-of-fold predictions: bootstrap intervals, exact McNemar tests, near-duplicates.

Every function works on the pooled out-of-fold predictions (one prediction per text, made by the
model whose training fold did not contain that text), so all methods are compared text by text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy.stats import binomtest
from sklearn.feature_extraction.text import TfidfVectorizer


def _macro_f1(y_true: np.ndarray, y_pred: np.ndarray, n_labels: int) -> float:
    # Confusion counts by bincount: the bootstrap calls this thousands of times, and it equals
    # sklearn's f1_score(average="macro", zero_division=0) (checked in the tests).
    valid = (y_pred >= 0) & (y_pred < n_labels)
    tp = np.bincount(y_true[valid & (y_true == y_pred)], minlength=n_labels).astype(float)
    pred_count = np.bincount(y_pred[valid], minlength=n_labels).astype(float)
    true_count = np.bincount(y_true, minlength=n_labels).astype(float)
    denom = pred_count + true_count
    f1 = np.divide(2 * tp, denom, out=np.zeros(n_labels), where=denom > 0)
    return float(f1.mean())


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray, n_labels: int) -> float:
    """Macro-F1 over `n_labels` classes; predictions outside 0..n_labels-1 count as wrong."""
    return _macro_f1(np.asarray(y_true), np.asarray(y_pred), n_labels)


def bootstrap_ci(
    y_true: np.ndarray, y_pred: np.ndarray, n_labels: int, n_boot: int = 2000, seed: int = 0, level: float = 0.95
) -> dict[str, dict[str, float]]:
    """Percentile bootstrap over texts for accuracy and macro-F1.

    Resampling texts measures the uncertainty due to the finite test set; it does not include the
    variation due to retraining (seeds, folds), which is reported separately.
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    rng = np.random.default_rng(seed)
    n = len(y_true)
    accs = np.empty(n_boot)
    f1s = np.empty(n_boot)
    for b in range(n_boot):
        idx = rng.integers(0, n, n)
        accs[b] = np.mean(y_true[idx] == y_pred[idx])
        f1s[b] = _macro_f1(y_true[idx], y_pred[idx], n_labels)
    lo, hi = (1 - level) / 2 * 100, (1 + level) / 2 * 100
    return {
        "accuracy": {"value": float(np.mean(y_true == y_pred)),
                     "low": float(np.percentile(accs, lo)), "high": float(np.percentile(accs, hi))},
        "f1_macro": {"value": _macro_f1(y_true, y_pred, n_labels),
                     "low": float(np.percentile(f1s, lo)), "high": float(np.percentile(f1s, hi))},
        "n_texts": int(n), "n_boot": int(n_boot), "level": level,
    }


def mcnemar_exact(y_true: np.ndarray, pred_a: np.ndarray, pred_b: np.ndarray) -> dict[str, Any]:
    """Exact (binomial) McNemar test on the texts where exactly one of the two methods is right."""
    right_a = np.asarray(pred_a) == np.asarray(y_true)
    right_b = np.asarray(pred_b) == np.asarray(y_true)
    only_a = int(np.sum(right_a & ~right_b))
    only_b = int(np.sum(~right_a & right_b))
    discordant = only_a + only_b
    p = 1.0 if discordant == 0 else float(binomtest(only_a, discordant, 0.5).pvalue)
    return {"only_a_right": only_a, "only_b_right": only_b, "both_wrong": int(np.sum(~right_a & ~right_b)),
            "p_value": p}


def holm(p_values: Mapping[str, float]) -> dict[str, float]:
    """Holm-Bonferroni adjusted p-values (family-wise error control over the comparisons)."""
    items = sorted(p_values.items(), key=lambda kv: kv[1])
    m = len(items)
    adjusted: dict[str, float] = {}
    running = 0.0
    for rank, (name, p) in enumerate(items):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[name] = running
    return adjusted


def compare_to_best(
    y_true: np.ndarray, predictions: Mapping[str, np.ndarray], alpha: float = 0.05
) -> dict[str, Any]:
    """Best method by accuracy, then an exact McNemar test of it against each other method."""
    accs = {m: float(np.mean(np.asarray(p) == y_true)) for m, p in predictions.items()}
    best = max(accs, key=lambda m: accs[m])
    tests = {m: mcnemar_exact(y_true, predictions[best], p) for m, p in predictions.items() if m != best}
    adjusted = holm({m: t["p_value"] for m, t in tests.items()})
    for m, t in tests.items():
        t["p_value_holm"] = adjusted[m]
        t["significant_at_0_05_holm"] = bool(adjusted[m] < alpha)
    return {"best": best, "accuracy": accs, "tests": tests, "alpha": alpha,
            "test": "exact McNemar (two-sided binomial on discordant texts), Holm-adjusted"}


def paired_tests(
    y_true: np.ndarray, predictions: Mapping[str, np.ndarray], pairs: Sequence[tuple[str, str]],
    alpha: float = 0.05,
) -> dict[str, Any]:
    """Exact McNemar test for each (a, b) pair whose two methods are present, Holm over that family."""
    tests = {f"{a} vs {b}": {"a": a, "b": b, **mcnemar_exact(y_true, predictions[a], predictions[b])}
             for a, b in pairs if a in predictions and b in predictions}
    adjusted = holm({k: t["p_value"] for k, t in tests.items()})
    for k, t in tests.items():
        t["p_value_holm"] = adjusted[k]
        t["significant_at_0_05_holm"] = bool(adjusted[k] < alpha)
    return {"tests": tests, "alpha": alpha,
            "test": "exact McNemar (two-sided binomial on discordant texts), Holm-adjusted within this family"}


def near_duplicate_mask(
    texts: Sequence[str], folds: Sequence[tuple[np.ndarray, np.ndarray]], threshold: float = 0.9
) -> tuple[np.ndarray, np.ndarray]:
    """For each text: does its training fold hold a near copy (TF-IDF cosine > threshold)?

    The vectoriser is fitted on the whole corpus: this is a property of the data split, not a
    model, so no label is used. Returns (mask, max cosine to the training fold).
    """
    vec = TfidfVectorizer(lowercase=True, ngram_range=(1, 1), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b")
    x = vec.fit_transform(list(texts))
    best = np.zeros(len(texts))
    for train_idx, test_idx in folds:
        sims = (x[test_idx] @ x[train_idx].T).toarray()
        best[test_idx] = sims.max(axis=1)
    return best > threshold, best


def accuracy_split(y_true: np.ndarray, y_pred: np.ndarray, mask: np.ndarray) -> dict[str, Any]:
    """Accuracy on all texts, on the masked texts and on the others."""
    right = np.asarray(y_pred) == np.asarray(y_true)
    mask = np.asarray(mask, dtype=bool)
    return {
        "all": float(right.mean()),
        "with_near_copy": float(right[mask].mean()) if mask.any() else None,
        "without_near_copy": float(right[~mask].mean()) if (~mask).any() else None,
        "n_with": int(mask.sum()), "n_without": int((~mask).sum()),
    }
