"""Population views for the dashboard: how a client compares with the reference clients, and
the model page's curves.

Everything comes from the artifact: the precomputed per-feature summaries of the whole training
population, and the capped reference sample (at most 5,000 rows) for what depends on a filter
or on two features at once. Nothing here reads a dataset, so every call is a few milliseconds
and safe inside a dashboard callback.

The faces turn these plain dicts into figures; no plotting here.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scoring.decision_bands import DecisionBands
from scoring.display import currency, display_label, is_money
from scoring.feature_labels import feature_label
from scoring.features import KEY
from scoring.level_labels import MISSING_LEVEL, level_name, other_groups_name
from scoring.model.artifacts import ScoringArtifact
from scoring.schema import SENTINEL_DAYS

TARGET = "TARGET"
PROBABILITY = "PROBABILITY_OF_DEFAULT"
DAYS_PER_YEAR = 365.25
# Age bands of ten years, as a relationship manager groups clients (18-29 is one band).
AGE_BANDS: tuple[tuple[int, int], ...] = ((18, 30), (30, 40), (40, 50), (50, 60), (60, 101))
SIMILAR_KEYS = ("income_type", "age_band")
MIN_SIMILAR_CLIENTS = 30
# A category's default rate is drawn as its own bar only from this many clients on: at a default
# rate near 8 %, 50 clients already put the rate's 95 % interval at about 2–19 %, and a group of
# one client reads as 0 % or 100 %. Smaller groups go into one "other groups" bar, except the
# client's own group, which stays, flagged as too small to conclude.
MIN_GROUP_CLIENTS = 50
# At most this many bars (the "other groups" bar included): 58 employer types do not read.
MAX_GROUPS = 12
OTHER_GROUPS = "__other__"
HISTOGRAM_BINS = 30
# A fixed random 1,500 of the ≤ 5,000 reference rows, drawn as SVG: the same shape with less
# overplotting. Measured in headless Chromium here: SVG 1,500 points 0.35–0.40 s, WebGL 1,500
# points 0.52–0.66 s and 5,000 points 1.0 s (no GPU: WebGL is emulated), and WebGL would also
# need the full 4.8 MB plotly.js instead of the 1.3 MB bundle the page loads.
BIVARIATE_MAX_POINTS = 1_500

_UNITS = {
    "years": {"fr": "années", "en": "years"},
}


class UnknownFeature(ValueError):
    """A feature name the model does not have; names the feature and where to find the list."""

    def __init__(self, feature: str) -> None:
        super().__init__(
            f"Unknown feature {feature!r}: pick one of PopulationViews.feature_options()"
        )
        self.feature = feature


def _fold(text: str) -> str:
    """Sort key that ignores case and accents, so "Âge" sorts with the A's."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def in_years(feature: str) -> bool:
    """Application day counts (negative = in the past) read better as years on an axis."""
    return feature.startswith("DAYS_")


def axis_value(feature: str, value: Any) -> float | str | None:
    """A feature value on the scale the charts use: years for day counts, else unchanged."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        return value
    number = float(value)
    if in_years(feature):
        if number == SENTINEL_DAYS:
            return None
        return -number / DAYS_PER_YEAR
    return number


def axis_title(feature: str, lang: str = "fr") -> str:
    """The axis title, with the unit: years for day counts, the currency (named once, on the
    axis, so tick labels stay plain numbers) for amounts."""
    label = feature_label(feature, lang)
    if in_years(feature):
        # The schema's label says "(days before the application)"; the axis is in years.
        return f"{label.split(' (')[0]} ({_UNITS['years'][lang]})"
    if is_money(feature):
        return f"{label} ({currency()})"
    return label


def age_band(days_birth: float | None) -> tuple[int, int] | None:
    if days_birth is None or (isinstance(days_birth, float) and math.isnan(days_birth)):
        return None
    age = -float(days_birth) / DAYS_PER_YEAR
    for low, high in AGE_BANDS:
        if low <= age < high:
            return (low, high)
    return None


def _read_optional_json(path: Path) -> Any:
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


class PopulationViews:
    """What the dashboard shows about the reference population, built once per process."""

    def __init__(self, artifact: ScoringArtifact) -> None:
        self.artifact = artifact
        self.distributions: dict[str, Any] = artifact.reference_distributions
        self.sample: pd.DataFrame = artifact.reference_sample
        self.feature_names: list[str] = list(artifact.feature_names)
        self._features = set(self.feature_names)
        self._categorical = {
            name for name, summary in self.distributions.items() if summary.get("kind") == "categorical"
        }
        # Precomputed once: the sample's columns on the chart scale, and its filter keys.
        self._axis_columns: dict[str, np.ndarray] = {}
        if "DAYS_BIRTH" in self.sample:
            ages = -self.sample["DAYS_BIRTH"].to_numpy(dtype=float, na_value=np.nan) / DAYS_PER_YEAR
            self._sample_age_band = np.full(len(self.sample), -1)
            for index, (low, high) in enumerate(AGE_BANDS):
                self._sample_age_band[(ages >= low) & (ages < high)] = index
        else:
            self._sample_age_band = None
        self._options: dict[str, list[dict[str, str]]] = {}

    # ----------------------------------------------------------------------------- features
    def _check(self, feature: str) -> None:
        if feature not in self._features:
            raise UnknownFeature(feature)

    def is_categorical(self, feature: str) -> bool:
        return feature in self._categorical

    def feature_options(self, lang: str = "fr") -> list[dict[str, str]]:
        """Every model feature as a dropdown option, sorted by its label in that language."""
        if lang not in self._options:
            options = [{"label": feature_label(name, lang), "value": name} for name in self.feature_names]
            self._options[lang] = sorted(options, key=lambda option: _fold(option["label"]))
        return self._options[lang]

    def numeric_features(self) -> list[str]:
        return [name for name in self.feature_names if name not in self._categorical]

    def top_features(self, count: int = 10, numeric_only: bool = False) -> list[str]:
        ranked = sorted(self.artifact.global_importance.items(), key=lambda item: -item[1])
        names = [name for name, _ in ranked if name in self._features]
        if numeric_only:
            names = [name for name in names if name not in self._categorical]
        return names[:count]

    def default_axes(self) -> tuple[str | None, str | None]:
        """Two informative features for the scatter: the most important numeric one, and the most
        important one of another family (two external scores together show little)."""
        top = self.top_features(20, numeric_only=True)
        if not top:
            return None, None
        family = top[0].rsplit("_", 1)[0]
        other = next((name for name in top[1:] if name.rsplit("_", 1)[0] != family), top[-1])
        return top[0], other

    def global_importance(self, lang: str = "fr", count: int = 15) -> list[dict[str, Any]]:
        """Mean |SHAP| per feature over the reference sample, largest first."""
        ranked = sorted(self.artifact.global_importance.items(), key=lambda item: -item[1])[:count]
        return [{"feature": name, "label": display_label(name, lang), "importance": float(value)}
                for name, value in ranked]

    # ----------------------------------------------------------------------------- filters
    def _sample_column(self, feature: str) -> np.ndarray:
        if feature not in self._axis_columns:
            column = self.sample[feature]
            if isinstance(column.dtype, pd.CategoricalDtype) or column.dtype == object:
                values = column.astype(object).where(column.notna(), None).to_numpy()
            else:
                values = column.to_numpy(dtype=float, na_value=np.nan)
                if in_years(feature):
                    values = np.where(values == SENTINEL_DAYS, np.nan, -values / DAYS_PER_YEAR)
            self._axis_columns[feature] = values
        return self._axis_columns[feature]

    def similar_mask(self, similar: Mapping[str, Any] | None) -> tuple[np.ndarray, dict[str, Any]]:
        """Rows of the sample sharing the client's income type and/or age band.

        `similar` maps "income_type" to a NAME_INCOME_TYPE level and "age_band" to the client's
        DAYS_BIRTH; a key left out is not filtered on.
        """
        mask = np.ones(len(self.sample), dtype=bool)
        applied: dict[str, Any] = {}
        for key, value in (similar or {}).items():
            if key not in SIMILAR_KEYS:
                raise ValueError(f"similar filter {key!r} is unknown; accepted: {', '.join(SIMILAR_KEYS)}")
            if value is None:
                continue
            if key == "income_type" and "NAME_INCOME_TYPE" in self.sample:
                mask &= (self.sample["NAME_INCOME_TYPE"].astype(object) == value).to_numpy()
                applied[key] = value
            elif key == "age_band" and self._sample_age_band is not None:
                band = age_band(value)
                if band is None:
                    continue
                mask &= self._sample_age_band == AGE_BANDS.index(band)
                applied[key] = list(band)
        return mask, applied

    # ----------------------------------------------------------------------------- one feature
    def percentile(self, feature: str, client_value: Any, mask: np.ndarray | None = None) -> float | None:
        """Share of reference clients (in %) whose value is below the client's; ties count half."""
        value = axis_value(feature, client_value)
        if value is None or isinstance(value, str) or self.is_categorical(feature):
            return None
        column = self._sample_column(feature)
        if mask is not None:
            column = column[mask]
        column = column[~np.isnan(column)]
        if column.size == 0:
            return None
        below = np.count_nonzero(column < value)
        equal = np.count_nonzero(column == value)
        return float(100.0 * (below + 0.5 * equal) / column.size)

    def distribution(
        self,
        feature: str,
        client_value: Any = None,
        similar: Mapping[str, Any] | None = None,
        lang: str = "fr",
    ) -> dict[str, Any]:
        """The reference clients' distribution of one feature, split by outcome, with the client.

        Without a filter the histogram is the whole training population's (precomputed); with a
        "similar clients" filter it is recomputed on the matching rows of the reference sample.
        Shares are within each outcome, so the rarer defaulted clients stay visible.
        """
        self._check(feature)
        mask, applied = self.similar_mask(similar)
        use_sample = bool(applied)
        n_sample = int(mask.sum())
        view: dict[str, Any] = {
            "feature": feature,
            "label": feature_label(feature, lang),
            "axis_title": axis_title(feature, lang),
            "client_value": axis_value(feature, client_value),
            "filter": applied,
            "source": "sample" if use_sample else "population",
            "too_few_similar": use_sample and n_sample < MIN_SIMILAR_CLIENTS,
        }
        if self.is_categorical(feature):
            level = None if client_value is None else str(client_value)
            view.update(self._categorical_view(feature, mask if use_sample else None, level, lang))
            view["percentile"] = None
        else:
            view.update(self._numeric_view(feature, mask if use_sample else None))
            view["percentile"] = self.percentile(feature, client_value, mask if use_sample else None)
        return view

    def _numeric_view(self, feature: str, mask: np.ndarray | None) -> dict[str, Any]:
        summary = self.distributions.get(feature, {})
        histogram = summary.get("histogram")
        if mask is None and histogram is not None:
            edges = np.asarray(histogram["edges"], dtype=float)
            repaid = np.asarray(histogram["count_repaid"], dtype=float)
            default = np.asarray(histogram["count_default"], dtype=float)
            n_clients = int(repaid.sum() + default.sum())
        else:
            values = self._sample_column(feature)
            target = self.sample[TARGET].to_numpy()
            keep = ~np.isnan(values) if mask is None else (mask & ~np.isnan(values))
            values, target = values[keep], target[keep]
            n_clients = int(values.size)
            if values.size == 0:
                return {"kind": "numeric", "centers": [], "widths": [], "share_repaid": [],
                        "share_default": [], "n_clients": 0, "n_default": 0}
            low, high = np.quantile(values, [0.01, 0.99])
            if low == high:
                low, high = float(values.min()), float(values.max()) + 1e-9
            edges = np.linspace(low, high, HISTOGRAM_BINS + 1)
            clipped = np.clip(values, low, high)
            repaid = np.histogram(clipped[target == 0], edges)[0].astype(float)
            default = np.histogram(clipped[target == 1], edges)[0].astype(float)
        if mask is None and histogram is not None and in_years(feature):
            # The stored histogram counts days; the sample columns are already in years.
            edges = -edges / DAYS_PER_YEAR
        centers = (edges[:-1] + edges[1:]) / 2
        widths = np.abs(np.diff(edges))
        return {
            "kind": "numeric",
            "centers": centers.tolist(),
            "widths": widths.tolist(),
            "share_repaid": (100 * repaid / max(repaid.sum(), 1)).tolist(),
            "share_default": (100 * default / max(default.sum(), 1)).tolist(),
            "n_clients": n_clients,
            "n_default": int(default.sum()),
        }

    def _categorical_view(self, feature: str, mask: np.ndarray | None, client_level: str | None = None,
                          lang: str = "fr") -> dict[str, Any]:
        """Default rate per level, the largest groups first; groups under MIN_GROUP_CLIENTS and
        beyond MAX_GROUPS merged into one "other groups" bar (never the client's own group)."""
        if mask is None:
            levels = self.distributions[feature]["levels"]
            rows = [(str(lv["level"]), int(lv["count"]), float(lv["default_rate"])) for lv in levels]
        else:
            frame = pd.DataFrame({
                "level": self.sample[feature].astype(object).fillna(MISSING_LEVEL).to_numpy()[mask],
                "target": self.sample[TARGET].to_numpy()[mask],
            })
            counts = frame.groupby("level")["target"].agg(["count", "mean"])
            rows = [(str(level), int(row["count"]), float(row["mean"])) for level, row in counts.iterrows()]
        rows.sort(key=lambda row: (-row[1], row[0]))
        total = sum(count for _, count, _ in rows)
        defaults = sum(count * rate for _, count, rate in rows)
        slots = MAX_GROUPS - 1  # one bar stays for the other groups
        kept = [row for row in rows if row[1] >= MIN_GROUP_CLIENTS][:slots]
        own = next((row for row in rows if row[0] == client_level), None)
        if own is not None and own not in kept:
            kept = [*kept[:slots - 1], own] if len(kept) == slots else [*kept, own]
        merged = [row for row in rows if row not in kept]
        if len(merged) == 1:  # a single group is drawn as itself (flagged if small), not as "others"
            kept, merged = [*kept, merged[0]], []
        kept.sort(key=lambda row: (-row[1], row[0]))
        bars = [(level, count, rate, level_name(feature, level, lang)) for level, count, rate in kept]
        if merged:
            count = sum(c for _, c, _ in merged)
            rate = sum(c * r for _, c, r in merged) / count if count else 0.0
            bars.append((OTHER_GROUPS, count, rate, other_groups_name(len(merged), lang)))
        return {
            "kind": "categorical",
            "levels": [level for level, _, _, _ in bars],
            "names": [name for _, _, _, name in bars],
            "counts": [count for _, count, _, _ in bars],
            "default_rate": [100 * rate for _, _, rate, _ in bars],
            "small": [count < MIN_GROUP_CLIENTS for _, count, _, _ in bars],
            "merged_levels": len(merged),
            "min_group": MIN_GROUP_CLIENTS,
            "max_groups": MAX_GROUPS,
            "n_clients": int(total),
            "n_default": round(defaults),
        }

    def has_reference(self, feature: str) -> bool:
        """Whether the reference population can be compared on this feature."""
        return feature in self._features and (feature in self.distributions or feature in self.sample.columns)

    def opening_feature(self, reasons: Sequence[Mapping[str, Any]], values: Mapping[str, Any]) -> str | None:
        """The feature the comparison opens on: the one behind the client's first principal reason.

        That reason theme's key feature (the one its sentence states) when the client has a value
        for it, else the theme's feature that weighs most and has a value, else the key feature;
        only features the reference population holds. `values` maps features to the client's values.
        """
        if not reasons:
            return None
        reason = reasons[0]
        members = [f["feature"] for f in reason.get("features") or []]  # largest |contribution| first
        key = reason.get("feature")
        candidates = [name for name in ([key] if key else []) + members if self.has_reference(name)]
        with_value = [name for name in candidates
                      if values.get(name) is not None and not (isinstance(values[name], float)
                                                               and math.isnan(values[name]))]
        return (with_value or candidates or [None])[0]

    def _level_names(self, feature: str, lang: str) -> dict[str, str] | None:
        """A categorical axis's levels in the page's language (positions keep the raw levels)."""
        if not self.is_categorical(feature):
            return None
        levels = {str(level) for level in self._sample_column(feature).tolist() if level is not None}
        return {level: level_name(feature, level, lang) for level in levels}

    def risk_scale(self) -> dict[str, Any]:
        """Where the predicted-risk colours should run: from 0 to about twice the refusal limit
        (the review band's top), so the decision band sits mid-scale. The few clients above it
        take the top colour; their value still shows in the hover."""
        bands = DecisionBands.from_decision(self.artifact.decision)
        low, high = bands.band
        top = min(1.0, math.ceil(round(200 * high, 6)) / 100)  # two limits, rounded up to a whole point
        return {"threshold": bands.threshold, "review_band": [low, high], "risk_max": top}

    # ----------------------------------------------------------------------------- two features
    def bivariate(
        self,
        x: str,
        y: str,
        color_by: str = "outcome",
        lang: str = "fr",
        similar: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Two features of the reference sample, with the outcome and the out-of-fold risk."""
        self._check(x)
        self._check(y)
        if color_by not in ("outcome", "risk"):
            raise ValueError(f"color_by must be 'outcome' or 'risk', got {color_by!r}")
        mask, applied = self.similar_mask(similar)
        xs, ys = self._sample_column(x), self._sample_column(y)

        def present(values: np.ndarray) -> np.ndarray:
            if values.dtype == object:
                return np.array([v is not None for v in values], dtype=bool)
            return ~np.isnan(values)

        keep = mask & present(xs) & present(ys)
        idx = np.nonzero(keep)[0]
        if idx.size > BIVARIATE_MAX_POINTS:
            # A fixed random subset: the same points for every client, so charts compare.
            idx = np.sort(np.random.default_rng(0).choice(idx, BIVARIATE_MAX_POINTS, replace=False))
        return {
            "x": x,
            "y": y,
            "x_title": axis_title(x, lang),
            "y_title": axis_title(y, lang),
            "x_categorical": self.is_categorical(x),
            "y_categorical": self.is_categorical(y),
            "x_values": xs[idx].tolist(),
            "y_values": ys[idx].tolist(),
            "outcome": self.sample[TARGET].to_numpy()[idx].astype(int).tolist(),
            "probability": self.sample[PROBABILITY].to_numpy(dtype=float)[idx].tolist()
            if PROBABILITY in self.sample else None,
            "client_ids": self.sample[KEY].to_numpy()[idx].astype(int).tolist() if KEY in self.sample else None,
            "x_names": self._level_names(x, lang),
            "y_names": self._level_names(y, lang),
            "color_by": color_by,
            **self.risk_scale(),
            "n_points": int(idx.size),
            "n_missing": int(mask.sum() - keep.sum()),
            "filter": applied,
        }

    # ----------------------------------------------------------------------------- model page
    def model_page(self, lang: str = "fr") -> dict[str, Any]:
        """What the model page shows: performance curves, calibration, cost, importance, card.

        ROC and confusion matrix come from performance.json when the artifact has it (out-of-fold
        predictions of the whole training set); otherwise from the reference sample.
        """
        path = self.artifact.path
        card = self.artifact.model_card
        decision = self.artifact.decision
        bands = DecisionBands.from_decision(decision)
        performance = getattr(self.artifact, "performance", None) or _read_optional_json(path / "performance.json")
        roc, confusion, fairness, performance_source = None, None, None, None
        if performance:
            roc = performance.get("roc")
            confusion = performance.get("confusion_matrix") or performance.get("confusion")
            fairness = performance.get("fairness")
            performance_source = "performance.json"
        if roc is None or confusion is None:
            sample_roc, sample_confusion = self._sample_performance(float(decision["threshold"]))
            roc = roc or sample_roc
            confusion = confusion or sample_confusion
            performance_source = performance_source or "reference_sample"
        return {
            "model_version": self.artifact.version,
            "created_at": card.get("created_at"),
            "data_source": card.get("data", {}).get("source"),
            "train_applications": card.get("data", {}).get("train_applications"),
            "default_rate": card.get("data", {}).get("default_rate"),
            "cv_auc": card.get("cv_auc", {}),
            "oracle_auc": card.get("oracle_auc"),
            "baselines_auc": card.get("baselines_auc", {}),
            "calibration": card.get("calibration", {}),
            "threshold": bands.threshold,
            "review_band": list(bands.band),
            "costs": {"false_negative": decision.get("false_negative_cost"),
                      "false_positive": decision.get("false_positive_cost")},
            "cost_curve": _read_optional_json(path / "cost_curve.json") or [],
            "reliability_curve": _read_optional_json(path / "reliability_curve.json") or [],
            "roc": roc,
            "confusion_matrix": confusion,
            "performance_source": performance_source,
            "fairness": fairness,
            "feature_policy": card.get("feature_policy"),
            "global_importance": self.global_importance(lang),
            "n_features": len(self.feature_names),
            "reference_sample_size": len(self.sample),
        }

    def _sample_performance(self, threshold: float) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        if PROBABILITY not in self.sample or TARGET not in self.sample:
            return None, None
        from sklearn.metrics import roc_auc_score, roc_curve

        y = self.sample[TARGET].to_numpy().astype(int)
        p = self.sample[PROBABILITY].to_numpy(dtype=float)
        if len(np.unique(y)) < 2:
            return None, None
        fpr, tpr, _ = roc_curve(y, p)
        # A few hundred points draw the same curve as five thousand.
        step = max(1, len(fpr) // 300)
        roc = {"fpr": [*fpr[::step].tolist(), 1.0], "tpr": [*tpr[::step].tolist(), 1.0],
               "auc": float(roc_auc_score(y, p))}
        refused = p >= threshold
        confusion = {
            "threshold": threshold,
            "true_negative": int(np.count_nonzero(~refused & (y == 0))),
            "false_positive": int(np.count_nonzero(refused & (y == 0))),
            "false_negative": int(np.count_nonzero(~refused & (y == 1))),
            "true_positive": int(np.count_nonzero(refused & (y == 1))),
        }
        return roc, confusion
