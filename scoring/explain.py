"""SHAP explanations from XGBoost's native exact TreeSHAP (pred_contribs)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xgboost as xgb

SIDE_TABLE_GROUPS = {
    "BUREAU_": "bureau",
    "PREV_": "previous_application",
    "POS_": "POS_CASH_balance",
    "INST_": "installments_payments",
    "CC_": "credit_card_balance",
}


@dataclass(frozen=True)
class Contributions:
    """Per-feature contributions in log-odds; base_value + values.sum(axis=1) == margin."""

    values: np.ndarray  # (n_clients, n_features)
    base_value: np.ndarray  # (n_clients,)
    feature_names: list[str]

    @property
    def margin(self) -> np.ndarray:
        return self.base_value + self.values.sum(axis=1)

    def for_client(self, row: int = 0) -> pd.Series:
        return pd.Series(self.values[row], index=self.feature_names)


def shap_contributions(booster: xgb.Booster, X: pd.DataFrame) -> Contributions:
    """Exact TreeSHAP. With native categorical splits XGBoost gives one contribution per
    categorical column (not per one-hot level), i.e. already per feature a user knows."""
    matrix = xgb.DMatrix(X, enable_categorical=True)
    raw = booster.predict(matrix, pred_contribs=True)
    return Contributions(
        values=raw[:, :-1].astype(np.float64),
        base_value=raw[:, -1].astype(np.float64),
        feature_names=list(X.columns),
    )


def margin(booster: xgb.Booster, X: pd.DataFrame) -> np.ndarray:
    return booster.predict(xgb.DMatrix(X, enable_categorical=True), output_margin=True)


def feature_group(name: str) -> str:
    """The source a feature comes from: a side table, or the application itself."""
    for prefix, group in SIDE_TABLE_GROUPS.items():
        if name.startswith(prefix):
            return group
    return "application"


def grouped_contributions(contributions: pd.Series) -> pd.Series:
    """Contributions summed by source table, for the 'which part of the file' view."""
    groups = contributions.index.map(feature_group)
    return contributions.groupby(groups).sum().sort_values(key=np.abs, ascending=False)


def global_importance(booster: xgb.Booster, X_reference: pd.DataFrame) -> pd.Series:
    """Mean |SHAP| over the reference sample, largest first."""
    contributions = shap_contributions(booster, X_reference)
    importance = np.abs(contributions.values).mean(axis=0)
    return pd.Series(importance, index=contributions.feature_names).sort_values(ascending=False)


def top_reason_positions(values: np.ndarray, count: int = 5) -> dict[str, list[int]]:
    """Positions of the features pushing the risk up most and down most (log-odds), largest
    effect first; ties keep feature order."""
    descending = np.argsort(-values, kind="stable")
    ascending = np.argsort(values, kind="stable")
    return {"raises_risk": [int(i) for i in descending[:count] if values[i] > 0],
            "lowers_risk": [int(i) for i in ascending[:count] if values[i] < 0]}

