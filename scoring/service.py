"""ScoringService: the only door into scoring for the API and the dashboard.

Built once per process from an artifact (and, when serving, a client store); no full dataset is
read. A client's side-table history comes from the aggregates stored with the artifact, so a
rescored client gets exactly the number the batch pipeline gave. Every input goes through
`scoring.validation` first; what comes out is plain data with a `to_dict()`.

Speed: features are computed by the one feature pipeline (polars, row-wise expressions), then
turned into a float32 matrix with category codes, which XGBoost reads without pandas. Score-only
calls use `inplace_predict`; explanations use exact TreeSHAP (`pred_contribs`).
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import polars as pl
import xgboost as xgb

from scoring.decision_bands import DecisionBands
from scoring.display import decision_label, display_label, format_value
from scoring.errors import Forbidden, ScoringError, UnknownClient
from scoring.errors import StaleVersion as DomainStaleVersion
from scoring.explain import grouped_contributions
from scoring.explanation_codec import ExplanationCodec
from scoring.feature_labels import feature_label
from scoring.features import TARGET, application_features, complete_features, count_columns
from scoring.model.artifacts import ScoringArtifact, load_artifact
from scoring.offers import LoanTerms, OfferPolicy, current_terms
from scoring.population import PopulationViews
from scoring.schema import TABLES
from scoring.text_policy import escape_controls, normalize_line_breaks, refused_character
from scoring.theme_reasons import PRINCIPAL_REASONS, ThemeExplainer, ThemeReason, principal_reasons
from scoring.validation import (
    APPLICATION_COLUMNS,
    EDITABLE_FIELDS,
    KEY,
    field_specs,
    parse_client_id,
    raise_field_error,
    validate_application,
    validate_changes,
)

if TYPE_CHECKING:
    from scoring.decisions import AdvisorDecisions
    from scoring.monitoring import ModelMonitor
    from scoring.recourse import Recourse
    from scoring.store import ClientSummary, ClientVersion, Store, StoredExplanation, User

BATCH_THREADS_FROM = 64
# Up to this many rows, the model matrix is built in Python from row values: a polars query's
# fixed cost would dominate. Beyond, polars' columnar path is faster.
ROWS_WITHOUT_POLARS = 64
_label = functools.lru_cache(maxsize=8192)(display_label)
# Many feature values recur (counts, flags, levels, missing): a request formats 178 of them.
_formatted = functools.lru_cache(maxsize=1 << 16, typed=True)(format_value)
# Out-of-population warnings: beyond these quantiles of the reference clients.
WARNING_QUANTILES = (0.005, 0.995)
_NO_CONTRIBUTIONS = np.empty(0)  # what a score-only result holds
_APPLICATION_SCHEMA = {k: v for k, v in TABLES["application_train"].polars_schema().items() if k != TARGET}


_ALREADY_PLAIN = frozenset({str, int, bool, type(None)})


def _plain(value: Any) -> Any:
    """A JSON-safe Python value (numpy scalars, NaN → None)."""
    cls = value.__class__
    if cls in _ALREADY_PLAIN:  # most values: a full explanation converts about 300 of them
        return value
    if cls is not float and isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@dataclass(frozen=True)
class ScoreItem:
    """One score request: a stored client (with optional changes) or a full new application."""

    client_id: int | None = None
    changes: Mapping[str, Any] | None = None
    application: Mapping[str, Any] | None = None
    new_client: bool = False


@dataclass(frozen=True)
class OutOfPopulation:
    field: str
    value: float
    low: float
    high: float

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        label = feature_label(self.field, lang)
        shown = format_value(self.field, self.value, lang)
        if lang == "fr":
            message = (f"{label} : {shown} sort de la population d'apprentissage (99\u202f% des clients entre "
                       f"{format_value(self.field, self.low, lang)} et {format_value(self.field, self.high, lang)})"
                       " ; le score y est moins sûr.")
        else:
            message = (f"{label}: {shown} is outside the training population (99% of clients between "
                       f"{format_value(self.field, self.low, lang)} and {format_value(self.field, self.high, lang)});"
                       " the score is less certain there.")
        return {"field": self.field, "label": label, "value": self.value, "low": self.low,
                "high": self.high, "message": message, "code": "out_of_population"}


@dataclass(frozen=True)
class AnnuityAboveIncome:
    """A payment larger than the whole annual income: scored (real files hold such rows), but
    said, so nobody simulates or saves it without noticing."""

    value: float
    income: float
    field: str = "AMT_ANNUITY"

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        label = feature_label(self.field, lang)
        annuity = format_value(self.field, self.value, lang)
        income = format_value("AMT_INCOME_TOTAL", self.income, lang)
        if lang == "fr":
            message = (f"{label} : {annuity} dépasse le revenu annuel ({income}) ; "
                       "vérifiez les montants avant de vous fier au score.")
        else:
            message = (f"{label}: {annuity} is more than the annual income ({income}); "
                       "check the amounts before relying on the score.")
        return {"field": self.field, "label": label, "value": self.value, "low": 0.0, "high": self.income,
                "message": message, "code": "annuity_above_income"}


@dataclass(frozen=True)
class ClientScore:
    probability_of_default: float
    decision: str  # granted | to_review | refused
    threshold: float
    review_band: tuple[float, float]
    base_value: float
    # Per feature, in model order (both empty when the score was not explained): log-odds
    # contributions and the feature values they were computed from.
    contribution_values: np.ndarray
    feature_row: Sequence[Any]
    feature_index: pd.Index
    model_version: str
    client_id: int | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)  # the validated application
    warnings: tuple[OutOfPopulation | AnnuityAboveIncome, ...] = ()
    has_history: bool = False
    in_training_set: bool = False
    # For a training client, what the fold model that never saw it said: the honest estimate.
    out_of_fold_probability: float | None = None
    # The model's theme catalogue: reasons are said by theme (scoring.themes).
    explainer: ThemeExplainer | None = field(default=None, compare=False, repr=False)

    # Series on demand: a batch of 1,000 scores would otherwise build 2,000 of them for nothing.
    @functools.cached_property
    def contributions(self) -> pd.Series:
        return pd.Series(self.contribution_values, index=self.feature_index[:len(self.contribution_values)])

    @functools.cached_property
    def feature_values(self) -> pd.Series:
        return pd.Series(list(self.feature_row), index=self.feature_index[:len(self.feature_row)], dtype=object)

    def feature_value_map(self) -> dict[str, Any]:
        """Every model feature's value as plain JSON data (empty when the score was not explained)."""
        return {name: _plain(value) for name, value in zip(self.feature_index, self.feature_row, strict=False)}

    def themes(self, lang: str = "fr") -> list[ThemeReason]:
        """Every reason theme with its contribution (they add up to the score), largest first."""
        return self._explainer().explain(self.contribution_values, self.feature_row, self.fields, lang)

    def reasons(self, count: int = PRINCIPAL_REASONS, lang: str = "fr") -> dict[str, list[ThemeReason]]:
        """The themes that raise the risk most and those that lower it most (one reason per theme)."""
        return self._explainer().reasons(self.contribution_values, self.feature_row, self.fields, lang, count)

    def _explainer(self) -> ThemeExplainer:
        if self.explainer is None:
            raise RuntimeError("a score without its model's theme catalogue cannot give reasons")
        if len(self.contribution_values) == 0:
            raise RuntimeError("a score-only result has no reasons: score it with explain=True")
        return self.explainer

    def by_source(self) -> pd.Series:
        return grouped_contributions(self.contributions)

    @property
    def bands(self) -> DecisionBands:
        return DecisionBands(self.review_band[0], self.review_band[1], self.threshold)

    def distance_to_threshold(self, lang: str = "fr") -> str:
        """The distance to the limit whose crossing would change the decision, in words (the
        field keeps its 1.x name; the threshold itself decides nothing, the band's limits do)."""
        return self.bands.sentence(self.probability_of_default, lang)

    def to_dict(self, lang: str = "fr", *, explain: bool = True, top: int | None = None) -> dict[str, Any]:
        """Plain JSON types. `top` keeps the largest contributions only (their rest summed in
        `other_contribution`), for batches where 178 contributions per client weigh too much."""
        payload: dict[str, Any] = {
            "client_id": self.client_id,
            "model_version": self.model_version,
            "probability_of_default": self.probability_of_default,
            "decision": self.decision,
            "decision_label": decision_label(self.decision, lang),
            "threshold": self.threshold,
            "review_band": list(self.review_band),
            "distance_to_threshold": self.distance_to_threshold(lang),
            "decision_boundary": self.bands.nearest_boundary(self.probability_of_default).to_dict(),
            "has_history": self.has_history,
            "in_training_set": self.in_training_set,
            "out_of_fold_probability": self.out_of_fold_probability,
            "warnings": [w.to_dict(lang) for w in self.warnings],
        }
        if explain:
            values = self.contribution_values
            names = self.feature_index.tolist()
            order = np.argsort(-np.abs(values), kind="stable")
            kept = (order if top is None else order[:top]).tolist()
            contributions = values.tolist()
            shown = self.feature_row
            fields = self.fields
            payload["base_value"] = self.base_value
            payload["contributions"] = [
                {
                    "feature": names[i],
                    "label": _label(names[i], lang),
                    "value": (value := _plain(shown[i])),
                    "display_value": _formatted(names[i], value, lang, fields.get(names[i])),
                    "contribution": contributions[i],
                }
                for i in kept
            ]
            if top is not None:
                payload["other_contribution"] = float(values[order[top:]].sum())
            themes = self.themes(lang)
            payload["themes"] = [{"code": t.code, "theme": t.theme, "contribution": t.contribution,
                                  "share": t.share, "display_value": t.display_value} for t in themes]
            reasons = self._explainer().reasons_from(themes, self.fields)
            payload["reasons"] = {group: [r.to_dict() for r in items] for group, items in reasons.items()}
            payload["principal_reasons"] = [r.to_dict() for r in principal_reasons(reasons, self.decision)]
            payload["fields"] = {k: _plain(v) for k, v in self.fields.items()}
        return payload


class ScoringService:
    def __init__(self, artifact: ScoringArtifact, store: Store | None = None,
                 offer_policy: OfferPolicy | None = None) -> None:
        self.artifact = artifact
        self.store = store
        self.offer_policy = offer_policy or OfferPolicy.from_env()
        self.feature_names = list(artifact.feature_names)
        # A plain object index: pandas' default Arrow-backed string index makes per-label access
        # (reasons, to_dict) an order of magnitude slower.
        self._feature_index = pd.Index(self.feature_names, dtype=object)
        self.booster = artifact.booster
        # One request is one thread: OpenMP workers on 2 cores only spin (see scoring/__init__).
        self.booster.set_param({"nthread": 1})
        self._feature_types = list(self.booster.feature_types or [])
        self._batch_booster = self.booster.copy()
        self._batch_booster.set_param({"nthread": os.cpu_count() or 1})
        # One Python dict per client would cost gigabytes at full scale: keep the columnar frame
        # and an index from client id to row.
        self._aggregates = pl.read_parquet(artifact.path / "side_aggregates.parquet")
        self._aggregate_schema = {k: v for k, v in artifact.aggregate_schema.items() if k != KEY}
        # Completed (absent counts → 0) once here rather than on every request; application
        # features hold no counts, so completing the joined row would change nothing more.
        if count_columns(application_features(pl.DataFrame(schema=_APPLICATION_SCHEMA)).columns):
            raise RuntimeError("application features must not end in _COUNT/_MONTHS (see complete_features)")
        self._history = complete_features(
            self._aggregates.select(list(self._aggregate_schema)).cast(self._aggregate_schema))
        self._no_history = complete_features(
            pl.DataFrame({k: [None] for k in self._aggregate_schema}, schema=self._aggregate_schema))
        self._row_of_client = {
            client: row for row, client in enumerate(self._aggregates[KEY].to_list())
        }
        # Per model column: the category codes of the artifact's levels, or None for a number.
        self._positions: dict[tuple[str, ...], list[int]] = {}
        self._column_codes: list[dict[Any, float] | None] = [
            {level: float(code) for code, level in enumerate(artifact.categories[name])}
            if name in artifact.categories else None
            for name in self.feature_names
        ]
        self._matrix_exprs = [
            (
                pl.col(name).replace_strict(
                    {level: float(code) for code, level in enumerate(artifact.categories[name])},
                    default=None, return_dtype=pl.Float32,
                )
                if name in artifact.categories
                else pl.col(name).cast(pl.Float32)
            ).alias(name)
            for name in self.feature_names
        ]
        self._warning_bounds = self._out_of_population_bounds(artifact.reference_sample)
        decision = artifact.decision
        self.bands = DecisionBands.from_decision(decision)
        self.threshold = self.bands.threshold
        self.review_band = self.bands.band
        self.population = PopulationViews(artifact)
        self.explainer = ThemeExplainer(self.feature_names, artifact.reference_sample)
        self._codec = ExplanationCodec(self.feature_names, self.feature_frame([{}], [None]).schema,
                                       artifact.categories, artifact.version)

    @classmethod
    def from_artifact(cls, path: Path, store: Store | None = None) -> ScoringService:
        return cls(load_artifact(path), store)

    # --- features -----------------------------------------------------------------------------
    def _out_of_population_bounds(self, sample: pd.DataFrame) -> dict[str, tuple[float, float]]:
        bounds = {}
        for name, spec in APPLICATION_COLUMNS.items():
            if spec.dtype == "str" or name not in sample.columns or name.startswith("FLAG_"):
                continue
            values = pd.to_numeric(sample[name], errors="coerce").dropna().to_numpy(dtype=float)
            if values.size >= 100:
                low, high = np.quantile(values, WARNING_QUANTILES)
                if low < high:
                    bounds[name] = (float(low), float(high))
        return bounds

    def side_aggregates(self, client_id: int | None) -> Mapping[str, Any] | None:
        """The stored side-table history of a known client (None for a new one)."""
        row = None if client_id is None else self._row_of_client.get(int(client_id))
        return None if row is None else self._aggregates.row(row, named=True)

    def has_history(self, client_id: int | None) -> bool:
        return client_id is not None and int(client_id) in self._row_of_client

    def in_training_set(self, client_id: int | None) -> bool:
        if client_id is None:
            return False
        return bool(self.artifact.is_training_client(int(client_id)))

    def feature_frame(self, records: Sequence[Mapping[str, Any]], client_ids: Sequence[int | None],
                      history_changes: Sequence[Mapping[str, Any] | None] | None = None) -> pl.DataFrame:
        """Feature rows for validated applications, each joined with its client's stored history
        (or none): the batch pipeline's functions, applied to a few rows. `history_changes`, one
        per row, replaces some side-table aggregates (what the history would be after a change
        over time; scoring.recourse)."""
        applications = pl.DataFrame(
            [{name: record.get(name) for name in _APPLICATION_SCHEMA} for record in records],
            schema=_APPLICATION_SCHEMA, orient="row",
        )
        rows = [None if c is None else self._row_of_client.get(int(c)) for c in client_ids]
        if len(rows) == 1:
            # A zero-copy one-row slice; a row of nulls for a new client.
            history = self._no_history if rows[0] is None else self._history.slice(rows[0], 1)
        else:
            # A null index gathers a row of nulls: a client without side-table history, whose
            # counts are then completed to 0 like the batch join's.
            history = complete_features(self._history.select(pl.all().gather(pl.Series(rows, dtype=pl.UInt32))))
        if history_changes is not None and any(history_changes):
            history = self._changed_history(history, history_changes)
        return pl.concat([application_features(applications), history], how="horizontal")

    def _changed_history(self, history: pl.DataFrame, changes: Sequence[Mapping[str, Any] | None]) -> pl.DataFrame:
        unknown = {name for change in changes if change for name in change} - set(history.columns)
        if unknown:
            raise ValueError(f"history_changes: unknown side-table aggregates {sorted(unknown)}")
        rows = history.to_dicts()
        for row, change in zip(rows, changes, strict=True):
            row.update(change or {})
        return pl.DataFrame(rows, schema=history.schema, orient="row")

    def model_matrix(self, features: pl.DataFrame) -> np.ndarray:
        """float32 matrix in model order, categories as the codes of the artifact's levels."""
        return features.select(self._matrix_exprs).to_numpy().astype(np.float32, copy=False)

    def row_values(self, features: pl.DataFrame) -> list[list[Any]]:
        """Each row's feature values as plain Python values, in model order."""
        columns = tuple(features.columns)
        positions = self._positions.get(columns)
        if positions is None:
            index = {name: i for i, name in enumerate(columns)}
            positions = self._positions[columns] = [index[name] for name in self.feature_names]
        return [[row[p] for p in positions] for row in features.iter_rows()]

    def rows_matrix(self, rows: Sequence[Sequence[Any]]) -> np.ndarray:
        """`model_matrix` from row values: the same float32 numbers, without a polars query
        (whose fixed cost of about 3 ms dominates a single client's score)."""
        nan = math.nan
        codes = self._column_codes
        matrix = np.array(
            [[nan if v is None else (float(v) if c is None else c.get(v, nan)) for v, c in zip(row, codes, strict=True)]
             for row in rows],
            dtype=np.float64,
        )
        return matrix.reshape(len(rows), len(codes)).astype(np.float32)

    def _probabilities(self, matrix: np.ndarray) -> np.ndarray:
        return self.booster.inplace_predict(matrix, validate_features=False).astype(np.float64)

    def _contributions(self, matrix: np.ndarray) -> np.ndarray:
        # Columns are in model order by construction: naming them again costs more than the
        # TreeSHAP of a small model.
        dmatrix = xgb.DMatrix(matrix, feature_types=self._feature_types or None, enable_categorical=True, nthread=1)
        # TreeSHAP is the cost of a batch (milliseconds per client at full scale): a large batch
        # gets every core, through its own booster copy so single requests keep theirs.
        booster = self._batch_booster if len(matrix) >= BATCH_THREADS_FROM else self.booster
        return booster.predict(dmatrix, pred_contribs=True, validate_features=False).astype(np.float64)

    def _decide(self, probability: float) -> str:
        return self.bands.decide(probability)

    def _warnings(self, record: Mapping[str, Any]) -> tuple[OutOfPopulation | AnnuityAboveIncome, ...]:
        found = []
        for name, (low, high) in self._warning_bounds.items():
            value = record.get(name)
            if value is None or (name == "DAYS_EMPLOYED" and value == 365243):
                continue
            if value < low or value > high:
                found.append(OutOfPopulation(name, float(value), low, high))
        annuity, income = record.get("AMT_ANNUITY"), record.get("AMT_INCOME_TOTAL")
        if annuity is not None and income is not None and annuity > income:
            found.insert(0, AnnuityAboveIncome(float(annuity), float(income)))
        return tuple(found)

    # --- scoring ------------------------------------------------------------------------------
    def _known(self, client_id: int) -> bool:
        return (
            client_id in self._row_of_client
            or (self.store is not None and self.store.exists(client_id))
            or self.in_training_set(client_id)
        )

    def _score_records(self, records: Sequence[Mapping[str, Any]], client_ids: Sequence[int | None],
                       explain: bool,
                       history_changes: Sequence[Mapping[str, Any] | None] | None = None) -> list[ClientScore]:
        features = self.feature_frame(records, client_ids, history_changes)
        values = self.row_values(features) if explain or len(records) <= ROWS_WITHOUT_POLARS else None
        matrix = self.rows_matrix(values) if len(records) <= ROWS_WITHOUT_POLARS else self.model_matrix(features)
        if explain:
            raw = self._contributions(matrix)
            margins = raw.sum(axis=1)
            probabilities = 1.0 / (1.0 + np.exp(-margins))
        else:
            probabilities = self._probabilities(matrix)
        return [
            self._client_score(float(probabilities[i]), record, client_id,
                               raw[i] if explain else None, values[i] if explain else ())
            for i, (record, client_id) in enumerate(zip(records, client_ids, strict=True))
        ]

    def _client_score(self, probability: float, record: Mapping[str, Any], client_id: int | None,
                      raw: np.ndarray | None, feature_row: Sequence[Any]) -> ClientScore:
        """A ClientScore from its probability and, when explained, its TreeSHAP row (the
        contributions then the base value) and feature values."""
        in_training_set = self.in_training_set(client_id)
        return ClientScore(
            probability_of_default=probability,
            decision=self._decide(probability),
            threshold=self.threshold,
            review_band=self.review_band,
            base_value=float(raw[-1]) if raw is not None else float("nan"),
            contribution_values=raw[:-1] if raw is not None else _NO_CONTRIBUTIONS,
            feature_row=feature_row,
            feature_index=self._feature_index,
            model_version=self.artifact.version,
            client_id=client_id,
            fields=dict(record),
            warnings=self._warnings(record),
            has_history=self.has_history(client_id),
            in_training_set=in_training_set,
            out_of_fold_probability=self.artifact.out_of_fold_probability(client_id) if in_training_set else None,
            explainer=self.explainer,
        )

    def score(self, application: Mapping[str, Any], *, explain: bool = True,
              new_client: bool = False) -> ClientScore:
        """Score an application. With an SK_ID_CURR it is that known client (its stored history is
        joined; an unknown id is an error, never taken for a new client); without one, or with
        `new_client=True`, it is a new client without history."""
        record, client_id = self._resolve(ScoreItem(application=application, new_client=new_client))
        return self._score_records([record], [client_id], explain)[0]

    def _resolve(self, request: ScoreItem,
                 prefetched: Mapping[int, ClientVersion] | None = None) -> tuple[dict[str, Any], int | None]:
        """A validated record and its client id for one score request (nothing is saved)."""
        if request.application is not None:
            if request.client_id is not None or request.changes:
                raise_field_error("application", None, "rule",
                                  "donnez soit une demande complète (application), soit un client_id avec "
                                  "des changements (changes), pas les deux.",
                                  "give either a full application, or a client_id with changes, not both.")
            application = request.application
            client_id = application.get(KEY)
            if request.new_client and client_id is not None:
                raise_field_error(KEY, client_id, "rule",
                                  "un nouveau client ne peut pas avoir d'identifiant : retirez SK_ID_CURR "
                                  "ou new_client.",
                                  "a new client cannot have an id: drop SK_ID_CURR or new_client.")
            if client_id is not None:
                client_id = parse_client_id(client_id)
                if not self._known(client_id):
                    raise UnknownClient(client_id)
            return validate_application(application), client_id
        if request.client_id is None:
            raise_field_error("client_id", None, "missing",
                              "client_id (client enregistré) ou application (nouveau client) attendu.",
                              "client_id (a stored client) or application (a new client) expected.")
        current = (prefetched or {}).get(request.client_id) or self.client(request.client_id)
        if not request.changes:
            return validate_application(current.fields, changed=()), current.client_id
        clean = validate_changes(request.changes)
        return validate_application({**current.fields, **clean}, changed=clean), current.client_id

    def score_requests(
        self, requests: Sequence[ScoreItem], *, explain: bool = True
    ) -> list[ClientScore | ScoringError]:
        """Many score requests in one matrix (one XGBoost call); each bad one gets its own error."""
        outcomes: list[ClientScore | ScoringError | None] = []
        records, ids, positions = [], [], []
        stored_ids = [r.client_id for r in requests if r.client_id is not None and r.application is None]
        prefetched: dict[int, ClientVersion] | None = None
        explanations: dict[int, StoredExplanation | None] = {}
        if stored_ids and len(requests) > 1:
            store = self._require_store()
            if explain:
                # Unchanged stored clients whose explanation is stored are read, not recomputed.
                both = store.current_explained_many(stored_ids, self.artifact.version)
                prefetched = {client_id: version for client_id, (version, _) in both.items()}
                explanations = {client_id: explanation for client_id, (_, explanation) in both.items()}
            else:
                prefetched = store.current_many(stored_ids)
        for position, request in enumerate(requests):
            try:
                record, client_id = self._resolve(request, prefetched)
            except ScoringError as error:
                outcomes.append(error)
                continue
            stored = explanations.get(client_id) if request.application is None and not request.changes else None
            if stored is not None:
                outcomes.append(self._score_from_stored(record, client_id, stored))
                continue
            outcomes.append(None)
            records.append(record)
            ids.append(client_id)
            positions.append(position)
        if records:
            for position, score in zip(positions, self._score_records(records, ids, explain), strict=True):
                outcomes[position] = score
        return [o for o in outcomes if o is not None]

    def batch_features(self, applications: pl.DataFrame) -> pl.DataFrame:
        """Feature rows of many validated applications (with SK_ID_CURR), each joined with its
        client's stored history: the batch pipeline's columnar path."""
        frame = applications.select(
            [KEY, *(pl.col(c) for c in _APPLICATION_SCHEMA if c != KEY and c in applications.columns)]
        )
        return complete_features(application_features(frame).join(self._aggregates, on=KEY, how="left"))

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        """Probabilities of a float32 model matrix (model order, category codes), on every core."""
        if len(matrix) == 0:
            return np.empty(0)
        booster = self._batch_booster if len(matrix) >= BATCH_THREADS_FROM else self.booster
        return booster.inplace_predict(matrix, validate_features=False).astype(np.float64)

    def score_frame(self, applications: pl.DataFrame) -> pl.DataFrame:
        """Batch probabilities for validated application rows (the loader's frames), with each
        client's stored history: SK_ID_CURR, probability_of_default, decision."""
        features = self.batch_features(applications)
        probabilities = self._probabilities(self.model_matrix(features))
        review_low, review_high = self.review_band
        return pl.DataFrame({KEY: features[KEY], "probability_of_default": probabilities}).with_columns(
            pl.when(pl.col("probability_of_default") >= review_high).then(pl.lit("refused"))
            .when(pl.col("probability_of_default") >= review_low).then(pl.lit("to_review"))
            .otherwise(pl.lit("granted")).alias("decision")
        )

    # --- clients in the store -----------------------------------------------------------------
    def _require_store(self) -> Store:
        if self.store is None:
            raise RuntimeError("this ScoringService was built without a client store")
        return self.store

    def client(self, client_id: int) -> ClientVersion:
        from scoring.store import UnknownClient as StoreUnknownClient

        try:
            return self._require_store().current(int(client_id))
        except StoreUnknownClient:
            raise UnknownClient(client_id) from None

    def history(self, client_id: int) -> list[ClientVersion]:
        from scoring.store import UnknownClient as StoreUnknownClient

        try:
            return self._require_store().history(int(client_id))
        except StoreUnknownClient:
            raise UnknownClient(client_id) from None

    def version_reasons(self, versions: Sequence[ClientVersion],
                        lang: str = "fr") -> dict[int, dict[str, list[ThemeReason]] | None]:
        """For each version of one client, the principal reasons given for its decision when it
        was scored by the serving model and its explanation is stored (else None): what the
        advisor was shown, kept for audit and never recomputed here."""
        if not versions:
            return {}
        stored = self._require_store().explanations(versions[0].client_id, self.artifact.version)
        reasons: dict[int, dict[str, list[ThemeReason]] | None] = {}
        for version in versions:
            explanation = stored.get(version.version) if version.model_version == self.artifact.version else None
            if explanation is None:
                reasons[version.version] = None
                continue
            score = self._score_from_stored(validate_application(version.fields, changed=()), version.client_id,
                                            explanation)
            reasons[version.version] = score.reasons(lang=lang)
        return reasons

    def search(self, query: str = "", limit: int = 20, offset: int = 0) -> tuple[int, list[ClientSummary]]:
        return self._require_store().search(query, limit=limit, offset=offset)

    def score_client(self, client_id: int, *, explain: bool = True) -> ClientScore:
        """A stored client's current version, scored (the stored record predates no rule check:
        only what changes is checked again). What the store already holds for this model is
        read, not recomputed: the version's score, and its explanation when one was stored."""
        from scoring.store import UnknownClient as StoreUnknownClient

        if not explain:
            current = self.client(client_id)
            if current.model_version == self.artifact.version and current.probability_of_default is not None:
                return self._stored_score(current)
            stored = None
        else:
            try:
                current, stored = self._require_store().current_explained(int(client_id), self.artifact.version)
            except StoreUnknownClient:
                raise UnknownClient(client_id) from None
        record, stored_id = self._resolve(ScoreItem(client_id=client_id), {current.client_id: current})
        if stored is not None:
            return self._score_from_stored(record, stored_id, stored)
        return self._score_records([record], [stored_id], explain)[0]

    def _score_from_stored(self, record: Mapping[str, Any], client_id: int | None,
                           stored: StoredExplanation) -> ClientScore:
        base_value, contributions, feature_row = self._codec.decode(stored)
        # The live path's arithmetic on the same float32 numbers: the same probability, bit for bit.
        raw = np.append(contributions, base_value)
        probability = float(1.0 / (1.0 + np.exp(-raw[None, :].sum(axis=1)))[0])
        return self._client_score(probability, record, client_id, raw, feature_row)

    def _stored_score(self, current: ClientVersion) -> ClientScore:
        probability = float(current.probability_of_default)
        return self._client_score(probability, current.fields, current.client_id, None, ())

    def explanation_of(self, score: ClientScore) -> StoredExplanation | None:
        """What the store keeps of an explained score (None for a score-only one, or one holding
        a level the model does not know)."""
        if len(score.contribution_values) == 0 or score.model_version != self.artifact.version:
            return None
        return self._codec.encode(score.base_value, score.contribution_values, score.feature_row)

    def explain_stored_clients(self, *, batch_size: int = 1000,
                               progress: Callable[[int], None] | None = None) -> tuple[int, int]:
        """Compute and store the explanation of every current version that has none under this
        model, a batch at a time (TreeSHAP on every core): (explained, left live). Run again,
        it only does what is missing, so it can be interrupted."""
        store = self._require_store()
        explained = skipped = 0
        after = 0
        while True:
            versions = store.unexplained_current(self.artifact.version, after=after, limit=batch_size)
            if not versions:
                return explained, skipped
            after = versions[-1].client_id
            records, kept = [], []
            for version in versions:
                try:
                    records.append(validate_application(version.fields, changed=()))
                except ScoringError:
                    skipped += 1  # stored before a rule existed: explained live when asked
                    continue
                kept.append(version)
            scores = self._score_records(records, [v.client_id for v in kept], explain=True) if records else []
            triples = []
            for version, score in zip(kept, scores, strict=True):
                encoded = self.explanation_of(score)
                if encoded is None:
                    skipped += 1
                else:
                    triples.append((version.client_id, version.version, encoded))
            explained += store.save_explanations(triples)
            if progress is not None:
                progress(len(versions))

    def what_if(self, client_id: int, changes: Mapping[str, Any], *, explain: bool = True) -> ClientScore:
        """The client's current version with some fields changed, scored; nothing is saved."""
        record, stored_id = self._resolve(ScoreItem(client_id=client_id, changes=changes or None))
        return self._score_records([record], [stored_id], explain)[0]

    def update_client(self, client_id: int, changes: Mapping[str, Any], *, expected_version: int,
                      user: User, reason: str) -> tuple[ClientVersion, ClientScore]:
        """Save an edit as a new version, if the caller holds the current one (else StaleVersion),
        with its score; the same function serves PATCH /api/client/{id} and the dashboard."""
        from scoring.store import StaleVersion as StoreStale
        from scoring.store import UnknownClient as StoreUnknownClient

        if not user.can("advisor"):
            raise Forbidden("advisor", user.role)
        if not isinstance(reason, str) or not reason.strip():
            raise_field_error("reason", reason, "missing",
                              "motif de la modification obligatoire (il entre dans l'historique).",
                              "a reason for the change is required (it goes into the history).")
        if len(reason) > 500:
            raise_field_error("reason", reason[:40] + "…", "range", "motif trop long (500 caractères au plus).",
                              "reason too long (500 characters at most).")
        reason = normalize_line_breaks(reason)
        if (refused := refused_character(reason)) is not None:
            raise_field_error("reason", escape_controls(reason[:40]), "character",
                              f"caractère de contrôle ou de mise en forme {refused} refusé (retours à la ligne "
                              "acceptés).",
                              f"control or format character {refused} refused (line breaks are accepted).")
        validate_changes(changes)  # an empty edit is an error here, not a plain rescore
        score = self.what_if(client_id, changes)
        store = self._require_store()
        try:
            version = store.append_version(
                int(client_id), expected_version=int(expected_version), fields=dict(score.fields),
                author=user.name, reason=reason.strip(), probability_of_default=score.probability_of_default,
                decision=score.decision, model_version=score.model_version, explanation=self.explanation_of(score),
            )
        except StoreStale as stale:
            raise DomainStaleVersion(stale.client_id, stale.expected, stale.current) from None
        except StoreUnknownClient:
            raise UnknownClient(client_id) from None
        return version, score

    def store_reachable(self) -> bool:
        return self.store is not None and self.store.ping()

    def authenticate(self, name: str, password: str, address: str = "-") -> User | None:
        return self._require_store().authenticate(name, password, address)

    def open_session(self, user_name: str) -> str:
        """A new revocable dashboard session: the id the cookie carries."""
        return self._require_store().open_session(user_name)

    def session_user(self, session_id: str) -> User | None:
        """The user of a live dashboard session (None once it ended, idled or aged out)."""
        return self._require_store().session_user(session_id)

    def end_session(self, session_id: str) -> None:
        self._require_store().end_session(session_id)

    def user(self, name: str) -> User | None:
        """The user behind a dashboard session (None if it was removed meanwhile)."""
        from scoring.store import UnknownUser

        try:
            return self._require_store().get_user(name)
        except UnknownUser:
            return None

    def user_for_token(self, token: str) -> User | None:
        return self._require_store().user_for_token(token)

    # --- what the faces show beside a score ---------------------------------------------------
    def editable_fields(self, lang: str = "fr") -> list[dict[str, Any]]:
        return field_specs(lang, EDITABLE_FIELDS)

    def model_overview(self, lang: str = "fr") -> dict[str, Any]:
        card = self.artifact.model_card
        importance = self.artifact.global_importance
        return {
            "model_version": self.artifact.version,
            "data_source": card.get("data", {}).get("source"),
            "threshold": self.threshold,
            "review_band": list(self.review_band),
            "decision_rule": self.artifact.decision.get("rule"),
            "cv_auc": card.get("cv_auc"),
            "model_card": card,
            "features": [
                {"name": n, "label": {"fr": feature_label(n, "fr"), "en": feature_label(n, "en")},
                 "importance": float(importance.get(n, 0.0))}
                for n in self.feature_names
            ],
            "global_importance": [
                {"feature": n, "label": _label(n, lang), "importance": float(v)}
                for n, v in sorted(importance.items(), key=lambda kv: -kv[1])
            ],
        }

    def recourse(self, client_id: int) -> Recourse:
        from scoring.recourse import find_recourse

        return find_recourse(self, client_id, self.offer_policy)

    @functools.cached_property
    def decisions(self) -> AdvisorDecisions:
        """The advisors' decisions, approvals and the clients' contests (scoring.decisions)."""
        from scoring.decisions import AdvisorDecisions

        return AdvisorDecisions(self)

    @functools.cached_property
    def monitor(self) -> ModelMonitor:
        """Population drift, decision mix and data quality of the stored applications (scoring.monitoring)."""
        from scoring.monitoring import ModelMonitor

        return ModelMonitor(self)

    def offer_terms(self, client_id: int) -> LoanTerms | None:
        """The client's current loan terms under the offer model (the term the payment implies)."""
        return current_terms(self.client(client_id).fields, self.offer_policy)

