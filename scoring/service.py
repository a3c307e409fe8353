"""ScoringService: score and explain one client from a model artifact, as API and UI will.

Built once per process from an artifact; no full dataset is read. A client's side-table
history comes from the aggregates stored with the artifact, so a rescored client gets exactly
the number the batch pipeline gave.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from scoring.explain import grouped_contributions, shap_contributions
from scoring.feature_labels import feature_label
from scoring.features import KEY, client_feature_row, model_matrix
from scoring.model.artifacts import ScoringArtifact, load_artifact
from scoring.model.threshold import decide


@dataclass(frozen=True)
class Reason:
    feature: str
    label: str
    value: Any
    contribution: float  # log-odds; positive raises the risk


@dataclass(frozen=True)
class ClientScore:
    probability_of_default: float
    decision: str  # granted | to_review | refused
    threshold: float
    review_band: tuple[float, float]
    base_value: float
    contributions: pd.Series  # log-odds per feature, model order
    feature_values: pd.Series
    model_version: str

    def reasons(self, count: int = 5, lang: str = "fr") -> dict[str, list[Reason]]:
        """The features that raise the risk most and those that lower it most."""
        ordered = self.contributions.sort_values()

        def reason(name: str) -> Reason:
            value = self.feature_values[name]
            return Reason(name, feature_label(name, lang), None if pd.isna(value) else value,
                          float(self.contributions[name]))

        return {
            "raises_risk": [reason(n) for n in ordered.index[::-1] if ordered[n] > 0][:count],
            "lowers_risk": [reason(n) for n in ordered.index if ordered[n] < 0][:count],
        }

    def by_source(self) -> pd.Series:
        return grouped_contributions(self.contributions)


class ScoringService:
    def __init__(self, artifact: ScoringArtifact) -> None:
        self.artifact = artifact
        # One Python dict per client would cost gigabytes at full scale: keep the columnar frame
        # and an index from client id to row.
        self._aggregates = pl.read_parquet(artifact.path / "side_aggregates.parquet")
        self._row_of_client = {
            client: row for row, client in enumerate(self._aggregates[KEY].to_list())
        }

    @classmethod
    def from_artifact(cls, path: Path) -> ScoringService:
        return cls(load_artifact(path))

    def side_aggregates(self, client_id: int | None) -> Mapping[str, Any] | None:
        """The stored side-table history of a known client (None for a new one)."""
        row = None if client_id is None else self._row_of_client.get(int(client_id))
        return None if row is None else self._aggregates.row(row, named=True)

    def score(self, application: Mapping[str, Any]) -> ClientScore:
        """Score an application (raw application_train fields, SK_ID_CURR for history)."""
        row = client_feature_row(
            application, self.side_aggregates(application.get(KEY)), self.artifact.aggregate_schema
        )
        X = model_matrix(row, self.artifact.feature_names)
        contributions = shap_contributions(self.artifact.booster, X)
        margin = float(contributions.margin[0])
        probability = float(1.0 / (1.0 + np.exp(-margin)))
        decision = self.artifact.decision
        return ClientScore(
            probability_of_default=probability,
            decision=decide(probability, decision["review_low"], decision["review_high"]),
            threshold=float(decision["threshold"]),
            review_band=(float(decision["review_low"]), float(decision["review_high"])),
            base_value=float(contributions.base_value[0]),
            contributions=contributions.for_client(0),
            feature_values=X.iloc[0],
            model_version=self.artifact.version,
        )
