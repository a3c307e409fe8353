"""Model monitoring: are the applications scored now like the ones the model learned from?

`ModelMonitor.report()` compares the current applications in the store (current versions, not
the training clients, optionally within a time window) with the reference bins stored with the
artifact (scoring.monitoring_bins):
- PSI of the predicted probability and of every model feature, ranked by global importance,
  read as stable / watch / act against the thresholds in the settings;
- the decision mix and the mean probability per week or month, against the reference;
- data quality: missing and out-of-population shares per feature, against the reference;
- the advisors' override rates over the same window (scoring.decisions).

Speed: a current version's model features are read from its stored explanation (float64, model
order) when the serving model explained it, else computed from its JSON snapshot by the batch
feature pipeline (one polars pass); bins are counted with numpy per feature, never per client.
"""

from __future__ import annotations

import io
import itertools
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from scoring.display import format_value
from scoring.feature_labels import feature_label
from scoring.features import TARGET, application_feature_inputs
from scoring.monitoring_bins import (
    BINS_FILE,
    PROBABILITY,
    categorical_counts,
    level_counts,
    numeric_counts,
    psi,
    read_bins,
    shares,
    zone,
)
from scoring.schema import TABLES
from scoring.store.monitoring import current_applications, current_snapshots

if TYPE_CHECKING:
    from scoring.service import ScoringService

DEFAULT_WATCH = 0.10
DEFAULT_ACT = 0.25
# Under this many applications a PSI is mostly sampling noise (about (bins - 1) / n on average,
# e.g. 0.045 at 200 with 10 bins, and the largest of 170 features several times that): the
# report says so and alerts nothing.
MIN_CLIENTS = 200
TOP_FEATURES = 20
MOST_DRIFTING = 6
PERIODS = {"week": "1w", "month": "1mo"}
DECISIONS = ("granted", "to_review", "refused")
_SNAPSHOT_SCHEMA = {k: v for k, v in TABLES["application_train"].polars_schema().items()
                    if k not in (TARGET, "SK_ID_CURR")}
_ZONE_ORDER = {"unknown": 0, "stable": 1, "watch": 2, "act": 3}
_MISSING = {"fr": "manquant", "en": "missing"}
_OTHER = {"fr": "autres modalités", "en": "other levels"}


@dataclass(frozen=True)
class MonitoringOptions:
    since: datetime | None = None
    until: datetime | None = None
    period: str = "month"
    watch: float = DEFAULT_WATCH
    act: float = DEFAULT_ACT
    top: int = TOP_FEATURES
    min_clients: int = MIN_CLIENTS
    # False: compute every feature from the JSON snapshots even where an explanation holds them
    # (the path a store without stored explanations takes; benchmarks/monitoring.py times both).
    use_stored_features: bool = True

    def __post_init__(self) -> None:
        if self.period not in PERIODS:
            raise ValueError(f"period: 'week' or 'month', not {self.period!r}")
        if not 0 < self.watch < self.act:
            raise ValueError(f"PSI thresholds: 0 < watch ({self.watch}) < act ({self.act}) expected")
        if self.top < 1:
            raise ValueError("top: at least 1 feature")


def as_utc_start(day: date | datetime | None) -> datetime | None:
    """A date as the start of that day in UTC (a datetime is made UTC)."""
    if day is None:
        return None
    if isinstance(day, datetime):
        return day.replace(tzinfo=UTC) if day.tzinfo is None else day.astimezone(UTC)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


@dataclass(frozen=True)
class DriftBin:
    label: dict[str, str]
    reference: float
    current: float


@dataclass(frozen=True)
class Drift:
    """One monitored quantity (a feature or the probability) against its reference."""

    name: str
    kind: str
    psi: float | None
    zone: str
    bins: list[DriftBin]
    missing_share: float
    reference_missing_share: float
    out_of_population_share: float
    reference_out_of_population_share: float
    current_mean: float | None = None
    reference_mean: float | None = None
    importance: float = 0.0
    importance_rank: int | None = None
    inputs: list[str] = field(default_factory=list)

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        return {
            "name": self.name,
            "label": feature_label(self.name, lang) if self.name != PROBABILITY else
            ("Probabilité de défaut" if lang == "fr" else "Probability of default"),
            "kind": self.kind, "psi": self.psi, "zone": self.zone,
            "importance": self.importance, "importance_rank": self.importance_rank, "inputs": self.inputs,
            "missing_share": self.missing_share, "reference_missing_share": self.reference_missing_share,
            "out_of_population_share": self.out_of_population_share,
            "reference_out_of_population_share": self.reference_out_of_population_share,
            "current_mean": self.current_mean, "reference_mean": self.reference_mean,
            "bins": [{"label": b.label[lang], "reference_share": b.reference, "current_share": b.current}
                     for b in self.bins],
        }


@dataclass(frozen=True)
class MonitoringReport:
    model_version: str
    generated_at: datetime
    options: MonitoringOptions
    clients: int
    from_stored_features: int
    from_snapshots: int
    rescored: int
    reference: dict[str, Any]
    probability: Drift
    features: list[Drift]
    decision_mix: dict[str, Any]
    overrides: dict[str, Any] | None
    seconds: float

    @property
    def status(self) -> str:
        if self.clients < self.options.min_clients:
            return "insufficient"
        worst = max((d.zone for d in [self.probability, *self.features]), key=_ZONE_ORDER.__getitem__)
        return "stable" if worst == "unknown" else worst

    @property
    def alerts(self) -> list[str]:
        """Everything in the act zone (nothing when there are too few applications to judge)."""
        if self.status == "insufficient":
            return []
        return [d.name for d in [self.probability, *self.features] if d.zone == "act"]

    @property
    def watched(self) -> list[str]:
        return [d.name for d in [self.probability, *self.features] if d.zone == "watch"]

    def most_drifting(self, count: int = MOST_DRIFTING) -> list[Drift]:
        scored = [d for d in self.features if d.psi is not None]
        return sorted(scored, key=lambda d: -(d.psi or 0.0))[:count]

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        options = self.options
        return {
            "model_version": self.model_version,
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "window": {"since": options.since.isoformat() if options.since else None,
                       "until": options.until.isoformat() if options.until else None},
            "period": options.period,
            "thresholds": {"watch": options.watch, "act": options.act, "min_clients": options.min_clients},
            "status": self.status,
            "alerts": self.alerts,
            "watch": self.watched,
            "population": {"clients": self.clients, "from_stored_features": self.from_stored_features,
                           "from_snapshots": self.from_snapshots, "rescored": self.rescored},
            "reference": self.reference,
            "probability": self.probability.to_dict(lang),
            "top_features": [d.name for d in self.features[:options.top]],
            "most_drifting": [d.name for d in self.most_drifting()],
            "features": [d.to_dict(lang) for d in self.features],
            "decision_mix": self.decision_mix,
            "overrides": self.overrides,
            "seconds": round(self.seconds, 3),
        }


def _numeric_labels(name: str, cuts: list[float], lang: str) -> list[str]:
    shown = [format_value(name, float(c), lang) if name != PROBABILITY else f"{c:.3f}" for c in cuts]
    if not cuts:
        return ["—"]
    labels = [f"≤ {shown[0]}"]
    labels += [f"{low} – {high}" for low, high in itertools.pairwise(shown)]
    return [*labels, f"> {shown[-1]}"]


def _bin_labels(name: str, entry: Mapping[str, Any]) -> list[dict[str, str]]:
    if entry["kind"] == "categorical":
        levels = [{lang: (format_value(name, group[0], lang) if len(group) == 1 else
                          f"{_OTHER[lang]} ({len(group)})") for lang in ("fr", "en")}
                  for group in entry["bin_levels"]]
    else:
        fr, en = _numeric_labels(name, entry["cuts"], "fr"), _numeric_labels(name, entry["cuts"], "en")
        levels = [{"fr": f, "en": e} for f, e in zip(fr, en, strict=True)]
    return [*levels, dict(_MISSING)]


def drift_of(name: str, entry: Mapping[str, Any], values: np.ndarray, watch: float, act: float,
             epsilon: float, labels: list[dict[str, str]] | None = None) -> Drift:
    """One feature's (or the probability's) drift from its reference entry."""
    if entry["kind"] == "categorical":
        counts = categorical_counts(values, entry["bin_of_level"])
        by_level = level_counts(values, len(entry["levels"]))
        never_seen = [entry["levels"].index(level) for level in entry["never_seen"]]
        out = float(by_level[never_seen].sum()) if never_seen else 0.0
        mean = None
    else:
        counts = numeric_counts(values, entry["cuts"])
        finite = values[np.isfinite(values)]
        out = 0.0
        if entry.get("low") is not None and finite.size:
            out = float(((finite < entry["low"]) | (finite > entry["high"])).sum())
        mean = float(finite.mean()) if finite.size else None
    n = float(counts.sum())
    current = shares(counts)
    value = psi(entry["shares"], current, epsilon) if n else None
    labels = labels if labels is not None else _bin_labels(name, entry)
    return Drift(
        name=name, kind=entry["kind"], psi=value, zone=zone(value, watch, act),
        bins=[DriftBin(label, float(r), float(c))
              for label, r, c in zip(labels, entry["shares"], current, strict=True)],
        missing_share=float(current[-1]) if n else 0.0,
        reference_missing_share=float(entry["missing_share"]),
        out_of_population_share=out / n if n else 0.0,
        reference_out_of_population_share=float(entry.get("out_of_population_share", 0.0)),
        current_mean=mean, reference_mean=entry.get("mean"),
    )


class ModelMonitor:
    """Monitoring of one serving model over one store (built by ScoringService.monitor)."""

    def __init__(self, service: ScoringService) -> None:
        self.service = service
        self._bins: dict[str, Any] | None = None
        self._bins_stamp: int | None = None
        names = service.feature_names
        categories = service.artifact.categories
        # float64 features in model order, categories as the artifact's level codes: the very
        # numbers a stored explanation holds (scoring.explanation_codec).
        self._matrix_exprs = [
            (pl.col(name).replace_strict({level: float(code) for code, level in enumerate(categories[name])},
                                         default=None, return_dtype=pl.Float64)
             if name in categories else pl.col(name).cast(pl.Float64)).alias(name)
            for name in names
        ]
        inputs = application_feature_inputs()
        self._inputs = {name: inputs.get(name, []) for name in names}
        self._labels: dict[str, list[dict[str, str]]] = {}

    def _labels_of(self, name: str, entry: Mapping[str, Any]) -> list[dict[str, str]]:
        # The bins' labels depend on the reference only: formatted once per process.
        if name not in self._labels:
            self._labels[name] = _bin_labels(name, entry)
        return self._labels[name]

    @property
    def bins(self) -> dict[str, Any]:
        """The artifact's reference bins (MissingReferenceBins for an artifact built before them),
        read again when the file changes (`credit-scoring monitor-reference` on a served model)."""
        path = self.service.artifact.path / BINS_FILE
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            stamp = None
        if self._bins is None or stamp != self._bins_stamp:
            self._bins, self._bins_stamp, self._labels = read_bins(self.service.artifact.path), stamp, {}
        return self._bins

    def _population(self, since: datetime | None, until: datetime | None,
                    use_stored_features: bool = True) -> tuple[pl.DataFrame, np.ndarray, dict[str, int]]:
        store = self.service._require_store()
        version = self.service.artifact.version
        # A model version no explanation row carries (versions are "<source>-<time>-<hash>"):
        # every feature then comes from a snapshot.
        explained_by = version if use_stored_features else "-"
        found = current_applications(store.engine, explained_by, since, until)
        frame = found.frame
        n, width = frame.height, len(self.service.feature_names)
        # One row per feature (the transpose of the model matrix): each feature is then one
        # contiguous array for its binning.
        columns = np.empty((width, n), dtype=np.float64)
        stored = np.array([v is not None for v in found.feature_values], dtype=bool)
        if stored.any():
            blob = b"".join(v for v in found.feature_values if v is not None)
            from_explanations = np.frombuffer(blob, dtype="<f8").reshape(-1, width).T
            if stored.all():
                columns[:] = from_explanations
            else:
                columns[:, stored] = from_explanations
        from_snapshots = int(n - stored.sum())
        if from_snapshots:
            ids, texts = current_snapshots(store.engine, explained_by, since, until)
            features = self._snapshot_features(ids, texts)
            # Both reads are ordered by client id: the missing rows line up with `~stored`.
            columns[:, ~stored] = features.select(self._matrix_exprs).to_numpy().T
        probability = frame["probability_of_default"].to_numpy().astype(np.float64, copy=True)
        rescore = ~((frame["model_version"] == version).fill_null(False).to_numpy()) | ~np.isfinite(probability)
        if rescore.any():
            probability[rescore] = self.service.probabilities(columns[:, rescore].T.astype(np.float32))
        low, high = self.service.review_band
        decision = np.where(probability >= high, "refused", np.where(probability >= low, "to_review", "granted"))
        frame = frame.with_columns(pl.Series(PROBABILITY, probability), pl.Series("decision", decision))
        return frame, columns, {"stored": int(stored.sum()), "snapshots": from_snapshots,
                               "rescored": int(rescore.sum())}

    def _snapshot_features(self, ids: list[int], texts: list[str]) -> pl.DataFrame:
        applications = pl.read_ndjson(io.BytesIO("\n".join(texts).encode()), schema=_SNAPSHOT_SCHEMA)
        applications = applications.with_columns(pl.Series("SK_ID_CURR", ids, dtype=pl.Int64))
        return self.service.batch_features(applications)

    def _decision_mix(self, frame: pl.DataFrame, period: str) -> dict[str, Any]:
        reference = self.bins
        by_period = (
            frame.with_columns(pl.col("created_at").dt.truncate(PERIODS[period]).alias("period"))
            .group_by("period").agg(
                pl.len().alias("clients"),
                pl.col(PROBABILITY).mean().alias("mean_probability"),
                *((pl.col("decision") == d).mean().alias(d) for d in DECISIONS),
            ).sort("period")
        )
        current = {d: float((frame["decision"] == d).mean()) if frame.height else 0.0 for d in DECISIONS}
        return {
            "reference": dict(reference["decision_mix"]),
            "reference_mean_probability": reference["probability"].get("mean"),
            "current": current,
            "current_mean_probability": float(frame[PROBABILITY].mean()) if frame.height else None,
            "periods": [{**row, "period": row["period"].date().isoformat()} for row in by_period.to_dicts()],
        }

    def report(self, options: MonitoringOptions | None = None) -> MonitoringReport:
        options = options or MonitoringOptions()
        started = time.perf_counter()
        bins = self.bins
        frame, columns, sources = self._population(options.since, options.until, options.use_stored_features)
        epsilon = float(bins.get("epsilon", 1e-4))
        importance = self.service.artifact.global_importance
        ranked = sorted(self.service.feature_names, key=lambda name: -float(importance.get(name, 0.0)))
        position = {name: i for i, name in enumerate(self.service.feature_names)}
        features = []
        for rank, name in enumerate(ranked, start=1):
            entry = bins["features"].get(name)
            if entry is None:
                continue
            drift = drift_of(name, entry, columns[position[name]], options.watch, options.act, epsilon,
                             self._labels_of(name, entry))
            features.append(replace(drift, importance=float(importance.get(name, 0.0)), importance_rank=rank,
                                    inputs=self._inputs.get(name, [])))
        probability = drift_of(PROBABILITY, bins["probability"], frame[PROBABILITY].to_numpy(),
                               options.watch, options.act, epsilon, self._labels_of(PROBABILITY, bins["probability"]))
        overrides = None
        if self.service.store is not None:
            overrides = self.service.decisions.override_report(options.since, options.until)
        return MonitoringReport(
            model_version=self.service.artifact.version,
            generated_at=datetime.now(UTC),
            options=options,
            clients=frame.height,
            from_stored_features=sources["stored"],
            from_snapshots=sources["snapshots"],
            rescored=sources["rescored"],
            reference={k: bins.get(k) for k in ("source", "n_reference", "bins", "epsilon")},
            probability=probability,
            features=features,
            decision_mix=self._decision_mix(frame, options.period),
            overrides=overrides,
            seconds=time.perf_counter() - started,
        )
