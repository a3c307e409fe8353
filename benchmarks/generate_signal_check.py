"""How much of the synthetic risk a model can recover, with and without the side tables.

Generates a dataset, builds the project's features (scoring.features), and fits XGBoost on a
stratified 75/25 split: (a) application features only, (b) all features. Prints both AUCs and
the oracle AUC (true probabilities) on the same held-out applicants.

    .venv/bin/python benchmarks/generate_signal_check.py --applicants 100000
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
import xgboost as xgb
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from scoring.data import load_tables
from scoring.data.synthetic import TRUTH_COLUMN, TRUTH_FILE, generate_dataset
from scoring.features import (
    KEY,
    TARGET,
    application_features,
    build_feature_frame,
    feature_names,
    model_matrix,
)


def fit_auc(X, y, train_idx, test_idx, threads: int) -> float:
    params = {"objective": "binary:logistic", "eval_metric": "auc", "tree_method": "hist",
              "max_depth": 5, "eta": 0.05, "subsample": 0.8, "colsample_bytree": 0.6,
              "min_child_weight": 20, "nthread": threads}
    dtrain = xgb.DMatrix(X.iloc[train_idx], y[train_idx], enable_categorical=True)
    dtest = xgb.DMatrix(X.iloc[test_idx], y[test_idx], enable_categorical=True)
    booster = xgb.train(params, dtrain, 3000, evals=[(dtest, "test")],
                        early_stopping_rounds=100, verbose_eval=False)
    prediction = booster.predict(dtest, iteration_range=(0, booster.best_iteration + 1))
    return float(roc_auc_score(y[test_idx], prediction))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applicants", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--results", type=Path, default=None,
                        help="also write the figures to this JSON file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        data_dir = args.data_dir or Path(scratch) / "data"
        started = time.perf_counter()
        if args.data_dir is None:
            summary = generate_dataset(data_dir, n_clients=args.applicants, seed=args.seed,
                                       progress=False)
            print(summary)
        tables = load_tables(data_dir, cache_dir=Path(scratch) / "cache")
        features, _ = build_feature_frame(tables)
        print(f"features {features.shape} in {time.perf_counter() - started:.0f} s")
        names = feature_names(features)
        app_columns = set(application_features(tables["application_train"]).collect_schema().names())
        app_names = [c for c in names if c in app_columns]
        X = model_matrix(features, names)
        y = features[TARGET].to_numpy().astype(int)
        truth = pl.read_csv(Path(data_dir) / TRUTH_FILE)
        oracle = features.select(KEY).join(truth, on=KEY, how="left")[TRUTH_COLUMN].to_numpy()
        train_idx, test_idx = train_test_split(np.arange(y.size), test_size=0.25,
                                               stratify=y, random_state=0)
        auc_app = fit_auc(X[app_names], y, train_idx, test_idx, args.threads)
        auc_all = fit_auc(X, y, train_idx, test_idx, args.threads)
        auc_oracle = roc_auc_score(y[test_idx], oracle[test_idx])
        print(f"held-out AUC: application only {auc_app:.4f}, all tables {auc_all:.4f}, "
              f"oracle {auc_oracle:.4f} (n_test={test_idx.size}, "
              f"{len(app_names)} / {len(names)} features)")
        if args.results is not None:
            args.results.write_text(json.dumps({
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} CPUs",
                "command": " ".join(["python", *sys.argv]),
                "train_applicants": int(y.size),
                "held_out_applicants": int(test_idx.size),
                "auc_application_only": round(auc_app, 4),
                "auc_all_tables": round(auc_all, 4),
                "auc_oracle": round(float(auc_oracle), 4),
                "features_application_only": len(app_names),
                "features_all": len(names),
            }, indent=2) + "\n")


if __name__ == "__main__":
    main()
