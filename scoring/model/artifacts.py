"""Versioned model artifacts: everything serving needs, and a check that it fits the code."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import xgboost as xgb

from scoring.features import FEATURE_PIPELINE_VERSION, category_levels

ARTIFACT_FORMAT_VERSION = 1
LATEST_POINTER = "LATEST"
REQUIRED_FILES = (
    "model.ubj",
    "features.json",
    "decision.json",
    "global_importance.json",
    "reference_distributions.json",
    "reference_sample.parquet",
    "side_aggregates.parquet",
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

    @property
    def version(self) -> str:
        return str(self.model_card["model_version"])


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
    for name, payload in extra_json.items():
        _write_json(directory / name, payload)
    # The card goes last: its presence marks a complete artifact.
    _write_json(directory / "model_card.json", model_card)
    (directory.parent / LATEST_POINTER).write_text(directory.name + "\n", encoding="utf-8")
    return directory


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
        raise ArtifactError(
            f"Artifact {directory}: the model expects {booster.num_features()} features but "
            f"features.json lists {len(names)}."
        )
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
    )
