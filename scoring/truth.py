"""What the synthetic generator and training share: where the true probabilities of default go.

A synthetic data directory holds truth.csv beside the Kaggle files: each applicant's true
probability of default. It is never a feature; training only reads it to report the AUC those
true probabilities reach (the oracle AUC). Kept here so that training does not depend on the
generator.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
from sklearn.metrics import roc_auc_score

from scoring.schema import CLIENT_KEY

TRUTH_FILE = "truth.csv"
TRUTH_COLUMN = "TRUE_PROBABILITY_OF_DEFAULT"


def has_truth(data_dir: Path) -> bool:
    """A synthetic directory (the generator writes truth.csv); real data has none."""
    return (Path(data_dir) / TRUTH_FILE).is_file()


def oracle_auc(data_dir: Path, client_ids: np.ndarray, target: np.ndarray) -> float | None:
    """AUC of the true probabilities on these clients, or None without a complete truth file."""
    path = Path(data_dir) / TRUTH_FILE
    if not path.is_file():
        return None
    truth = pl.read_csv(path).select(CLIENT_KEY, TRUTH_COLUMN)
    joined = pl.DataFrame({CLIENT_KEY: client_ids, "y": target}).join(truth, on=CLIENT_KEY, how="left")
    if joined[TRUTH_COLUMN].null_count() or joined["y"].n_unique() < 2:
        return None
    return float(roc_auc_score(joined["y"].to_numpy(), joined[TRUTH_COLUMN].to_numpy()))
