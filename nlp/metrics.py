"""Metrics shared by every method (computed with scikit-learn, no Hub-hosted metric scripts)."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import joblib
import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score


def fold_metrics(y_true: np.ndarray, y_pred: np.ndarray, n_labels: int) -> dict:
    """Accuracy, macro-F1 and confusion matrix; y_pred may hold -1 (invalid), counted as wrong."""
    labels = list(range(n_labels))
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "f1_macro": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }


def mean_std(values: Sequence[float]) -> dict[str, float]:
    arr = np.asarray(values, dtype=float)
    return {"mean": float(arr.mean()), "std": float(arr.std(ddof=1)) if arr.size > 1 else 0.0, "n": int(arr.size)}


def pickled_size(obj: object) -> int:
    """Bytes on disk of a joblib dump (how a scikit-learn model would be shipped)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.joblib"
        joblib.dump(obj, path)
        return path.stat().st_size


def saved_pretrained_size(model, tokenizer) -> int:
    """Bytes of save_pretrained(model) + save_pretrained(tokenizer) (safetensors)."""
    with tempfile.TemporaryDirectory() as tmp:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        return int(sum(f.stat().st_size for f in Path(tmp).rglob("*") if f.is_file()))
