"""Versioned model artifacts: everything serving needs, and a check that it fits the code."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import xgboost as xgb

from scoring.features import FEATURE_PIPELINE_VERSION, KEY, TARGET, category_levels

# 2: out-of-fold reference probabilities, training_clients.parquet, performance.json.
ARTIFACT_FORMAT_VERSION = 2
LATEST_POINTER = "LATEST"
TRAINING_CLIENTS_FILE = "training_clients.parquet"
PERFORMANCE_FILE = "performance.json"
# Probability each training client got from the fold model that did not see it.
OOF_PROBABILITY = "PROBABILITY_OF_DEFAULT_OOF"
REQUIRED_FILES = (
    "model.ubj",
    "features.json",
    "decision.json",
    "global_importance.json",
    "reference_distributions.json",
    "reference_sample.parquet",
    "side_aggregates.parquet",
    TRAINING_CLIENTS_FILE,
    PERFORMANCE_FILE,
    "model_card.json",
)


class ArtifactError(RuntimeError):
    """The artifact is missing, incomplete, or was built by an incompatible version."""


@dataclass
class ScoringArtifact:
    path: Path
    booster: xgb.Booster
    feature_names: list[str]
    categories: dict[str, list[str]]
    aggregate_schema: dict[str, pl.DataType]
    decision: dict[str, Any]
    global_importance: dict[str, float]
    reference_distributions: dict[str, Any]
    reference_sample: pd.DataFrame
    model_card: dict[str, Any]
    # SK_ID_CURR, TARGET and PROBABILITY_OF_DEFAULT_OOF of every client the model was trained on.
    training_clients: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Out-of-fold ROC, confusion matrix, decisions, cost and reliability curves, fairness.
    performance: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ids = self.training_clients[KEY].to_numpy() if KEY in self.training_clients else []
        ids = np.asarray(ids, dtype=np.int64)
        order = np.argsort(ids, kind="stable")
        self._training_ids = ids[order]
        # Aligned with the sorted ids, so a lookup is a binary search, not a scan of every row.
        self._training_oof = (
            self.training_clients[OOF_PROBABILITY].to_numpy(dtype=np.float64)[order]
            if OOF_PROBABILITY in self.training_clients else np.empty(0)
        )

    @property
    def version(self) -> str:
        return str(self.model_card["model_version"])

    @property
    def training_client_ids(self) -> np.ndarray:
        """Sorted ids of the clients the model was trained on (read-only view)."""
        view = self._training_ids.view()
        view.flags.writeable = False
        return view

    def is_training_client(self, client_id: int | None) -> bool:
        """Whether this client was in the training data: its outcome shaped the model, so its
        score is not an out-of-sample prediction (binary search, O(log n))."""
        if client_id is None:
            return False
        try:
            value = int(client_id)
        except (TypeError, ValueError):
            return False
        return self._training_position(value) is not None

    def _training_position(self, client_id: int) -> int | None:
        position = int(np.searchsorted(self._training_ids, client_id))
        found = position < self._training_ids.size and int(self._training_ids[position]) == client_id
        return position if found else None

    def out_of_fold_probability(self, client_id: int) -> float | None:
        """The probability the fold model that never saw this training client gave it."""
        if client_id is None:
            return None
        position = self._training_position(int(client_id))
        return None if position is None else float(self._training_oof[position])


def _write_json(path: Path, payload: Any) -> None:
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def save_artifact(
    directory: Path,
    *,
    booster: xgb.Booster,
    feature_names: list[str],
    categories: dict[str, list[str]],
    side_aggregates: pl.DataFrame,
    decision: dict[str, Any],
    global_importance: dict[str, float],
    reference_distributions: dict[str, Any],
    reference_sample: pd.DataFrame,
    training_clients: pd.DataFrame,
    performance: dict[str, Any],
    extra_json: dict[str, Any],
    model_card: dict[str, Any],
) -> Path:
    directory.mkdir(parents=True, exist_ok=False)
    booster.save_model(directory / "model.ubj")
    _write_json(
        directory / "features.json",
        {
            "artifact_format_version": ARTIFACT_FORMAT_VERSION,
            "feature_pipeline_version": FEATURE_PIPELINE_VERSION,
            "feature_names": feature_names,
            "categories": categories,
            "aggregate_schema": {k: str(v) for k, v in side_aggregates.schema.items()},
        },
    )
    _write_json(directory / "decision.json", decision)
    _write_json(directory / "global_importance.json", global_importance)
    _write_json(directory / "reference_distributions.json", reference_distributions)
    reference_sample.to_parquet(directory / "reference_sample.parquet", index=False)
    side_aggregates.write_parquet(directory / "side_aggregates.parquet")
    training_clients[[KEY, TARGET, OOF_PROBABILITY]].to_parquet(
        directory / TRAINING_CLIENTS_FILE, index=False
    )
    _write_json(directory / PERFORMANCE_FILE, performance)
    for name, payload in extra_json.items():
        _write_json(directory / name, payload)
    # The card goes last: its presence marks a complete artifact.
    _write_json(directory / "model_card.json", model_card)
    write_latest_pointer(directory)
    return directory


def write_latest_pointer(directory: Path) -> None:
    """Point LATEST at `directory` atomically: a reader sees the old name or the new one, never
    an empty or half-written file (os.replace is atomic on one file system)."""
    pointer = directory.parent / LATEST_POINTER
    temporary = directory.parent / f".{LATEST_POINTER}.{os.getpid()}.tmp"
    temporary.write_text(directory.name + "\n", encoding="utf-8")
    os.replace(temporary, pointer)


def resolve_artifact_dir(path: Path) -> Path:
    """Accept an artifact directory, or a root holding versions and a LATEST pointer."""
    path = Path(path)
    if (path / "model_card.json").exists() or (path / "features.json").exists():
        return path
    pointer = path / LATEST_POINTER
    if pointer.exists():
        return path / pointer.read_text(encoding="utf-8").strip()
    raise ArtifactError(
        f"No model artifact in {path}: expected model_card.json or a {LATEST_POINTER} pointer. "
        "Build one with `credit-scoring demo` or `credit-scoring train --data-dir DIR`."
    )


def _dtype_from_string(text: str) -> pl.DataType:
    known = {str(t): t for t in (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16,
                                 pl.UInt32, pl.UInt64, pl.Float32, pl.Float64, pl.Boolean,
                                 pl.String)}
    if text not in known:
        raise ArtifactError(f"features.json: unsupported aggregate dtype {text!r}")
    return known[text]


def _listed(names: list[str], limit: int = 10) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _name_differences(left: str, left_names: list[str], right: str, right_names: list[str]) -> str:
    only_left = [n for n in left_names if n not in set(right_names)]
    only_right = [n for n in right_names if n not in set(left_names)]
    parts = []
    if only_left:
        parts.append(f"only in the {left}: {_listed(only_left)}")
    if only_right:
        parts.append(f"only in {right}: {_listed(only_right)}")
    if not parts and left_names:
        parts.append("same names in a different order")
    return (" (" + "; ".join(parts) + ")") if parts else ""


def _check_side_aggregates(directory: Path, stored_schema: dict[str, str]) -> None:
    """The stored side-table history must have the columns and types the artifact was built
    with: a serving process joins it to every client's application row."""
    path = directory / "side_aggregates.parquet"
    try:
        actual = {name: str(dtype) for name, dtype in pl.read_parquet_schema(path).items()}
    except (OSError, pl.exceptions.PolarsError) as error:
        raise ArtifactError(f"Artifact {directory}: side_aggregates.parquet cannot be read ({error}).") from error
    missing = [name for name in stored_schema if name not in actual]
    extra = [name for name in actual if name not in stored_schema]
    retyped = [f"{name} ({actual[name]} instead of {dtype})"
               for name, dtype in stored_schema.items() if name in actual and actual[name] != dtype]
    problems = []
    if missing:
        problems.append(f"missing {_listed(missing)}")
    if extra:
        problems.append(f"not in features.json {_listed(extra)}")
    if retyped:
        problems.append(f"different type {_listed(retyped)}")
    if problems:
        raise ArtifactError(
            f"Artifact {directory}: side_aggregates.parquet does not match the aggregate schema in "
            f"features.json: {'; '.join(problems)}. Retrain the model."
        )


def load_artifact(path: Path) -> ScoringArtifact:
    directory = resolve_artifact_dir(path)
    missing = [name for name in REQUIRED_FILES if not (directory / name).exists()]
    if missing:
        raise ArtifactError(f"Artifact {directory} is incomplete: missing {', '.join(missing)}")
    features = json.loads((directory / "features.json").read_text(encoding="utf-8"))
    if features.get("artifact_format_version") != ARTIFACT_FORMAT_VERSION:
        raise ArtifactError(
            f"Artifact {directory} has format version {features.get('artifact_format_version')}, "
            f"this code reads version {ARTIFACT_FORMAT_VERSION}: retrain the model."
        )
    if features.get("feature_pipeline_version") != FEATURE_PIPELINE_VERSION:
        raise ArtifactError(
            f"Artifact {directory} was built with feature pipeline version "
            f"{features.get('feature_pipeline_version')}, the code computes version "
            f"{FEATURE_PIPELINE_VERSION}: its scores would be wrong. Retrain the model."
        )
    booster = xgb.Booster()
    booster.load_model(directory / "model.ubj")
    names = list(features["feature_names"])
    if booster.num_features() != len(names) or (
        booster.feature_names is not None and list(booster.feature_names) != names
    ):
        model_names = list(booster.feature_names or [])
        raise ArtifactError(
            f"Artifact {directory}: the model expects {booster.num_features()} features but "
            f"features.json lists {len(names)}"
            + _name_differences("model", model_names, "features.json", names) + "."
        )
    _check_side_aggregates(directory, features["aggregate_schema"])
    for column, levels in features["categories"].items():
        # XGBoost sees category codes, not names: a reordered or extended level list in the
        # schema would silently remap every client's category.
        if list(levels) != category_levels(column):
            raise ArtifactError(
                f"Artifact {directory}: the levels of {column} differ from the schema's; retrain the model."
            )
    return ScoringArtifact(
        path=directory,
        booster=booster,
        feature_names=names,
        categories={k: list(v) for k, v in features["categories"].items()},
        aggregate_schema={k: _dtype_from_string(v) for k, v in features["aggregate_schema"].items()},
        decision=json.loads((directory / "decision.json").read_text(encoding="utf-8")),
        global_importance=json.loads((directory / "global_importance.json").read_text(encoding="utf-8")),
        reference_distributions=json.loads(
            (directory / "reference_distributions.json").read_text(encoding="utf-8")
        ),
        reference_sample=pd.read_parquet(directory / "reference_sample.parquet"),
        model_card=json.loads((directory / "model_card.json").read_text(encoding="utf-8")),
        training_clients=pd.read_parquet(directory / TRAINING_CLIENTS_FILE),
        performance=json.loads((directory / PERFORMANCE_FILE).read_text(encoding="utf-8")),
    )
