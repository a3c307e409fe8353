"""A client's explanation by reason theme: contributions summed by theme, and the principal
reasons as sentences an advisor can read to the client.

Built once per model (it knows the model's feature order and the reference clients' values for
the "X % of clients" comparisons); each explained score then costs one `bincount` and a few
sentence formats.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from scoring.display import display_label, format_amount, format_percent, format_value, is_missing, is_money
from scoring.schema import SENTINEL_DAYS
from scoring.themes import LEGACY_THEME, THEMES, Theme, theme_of

PRINCIPAL_REASONS = 4
_label = functools.lru_cache(maxsize=8192)(display_label)
_formatted = functools.lru_cache(maxsize=1 << 16, typed=True)(format_value)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _percent(share: float, lang: str) -> str:
    return format_percent(share, lang, 0)


@dataclass(frozen=True)
class ThemeReason:
    """One theme of one client's explanation."""

    code: str
    theme: str  # its name, in the language asked for
    contribution: float  # log-odds, the sum of its features' contributions; > 0 raises the risk
    share: float  # of everything pushing the risk the same way (0-1)
    feature: str  # the feature whose value the sentence states
    value: Any
    display_value: str
    sentence: str
    features: tuple[dict[str, Any], ...]  # each feature inside: name, label, values, contribution

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "theme": self.theme, "label": self.theme, "contribution": self.contribution,
                "share": self.share, "feature": self.feature, "value": _plain(self.value),
                "display_value": self.display_value, "sentence": self.sentence, "features": list(self.features)}


class _Values(dict):
    """Formatted feature values for a sentence template, computed only when a template names one."""

    def __init__(self, explainer: ThemeExplainer, row: Sequence[Any], fields: Mapping[str, Any], lang: str) -> None:
        super().__init__()
        self._explainer, self._row, self._fields, self._lang = explainer, row, fields, lang

    def __missing__(self, name: str) -> str:
        position = self._explainer.position.get(name)
        value = _plain(self._row[position] if position is not None else self._fields.get(name))
        return _stated(name, value, self._lang, self._fields.get(name))


def _stated(name: str, value: Any, lang: str, raw: Any) -> str:
    """A value as a sentence states it: money with its currency."""
    if is_money(name) and not is_missing(value) and not isinstance(value, str):
        return format_amount(float(value), lang)
    return _formatted(name, value, lang, raw)


class ThemeExplainer:
    def __init__(self, feature_names: Sequence[str], reference_sample: pd.DataFrame | None = None) -> None:
        self.feature_names = list(feature_names)
        self.position = {name: i for i, name in enumerate(self.feature_names)}
        placed = [theme_of(name) for name in self.feature_names]
        used = {t.code for t in placed}
        # Catalogue order (stable), the legacy theme last and only when an old model needs it.
        self.themes: list[Theme] = [t for t in (*THEMES, LEGACY_THEME) if t.code in used]
        index = {t.code: i for i, t in enumerate(self.themes)}
        self.theme_index = np.array([index[t.code] for t in placed], dtype=np.intp)
        self.members = [np.flatnonzero(self.theme_index == i) for i in range(len(self.themes))]
        self.key_position: list[int | None] = [
            next((self.position[k] for k in theme.key if k in self.position), None) for theme in self.themes
        ]
        self._reference: dict[int, np.ndarray] = {}
        for position in self.key_position:
            if position is None or reference_sample is None:
                continue
            name = self.feature_names[position]
            if name not in reference_sample.columns:
                continue
            values = pd.to_numeric(reference_sample[name], errors="coerce").dropna().to_numpy(dtype=float)
            if values.size:
                self._reference[position] = np.sort(self._comparable(name, values))

    @staticmethod
    def _comparable(name: str, values: np.ndarray) -> np.ndarray:
        # Day counts are negative ("days before the application"): compare durations.
        return np.abs(values) if name.startswith("DAYS_") else values

    def theme_contributions(self, contribution_values: np.ndarray) -> np.ndarray:
        """Per theme (in `self.themes` order), the exact sum of its features' contributions."""
        return np.bincount(self.theme_index, weights=contribution_values, minlength=len(self.themes))

    def _comparison(self, theme: Theme, position: int, value: Any, lang: str) -> str:
        reference = self._reference.get(position)
        if reference is None or theme.more is None or theme.less is None or is_missing(value) \
                or isinstance(value, str):
            return ""
        point = float(self._comparable(self.feature_names[position], np.array([float(value)]))[0])
        n = reference.size
        above = (n - np.searchsorted(reference, point, side="right")) / n
        below = np.searchsorted(reference, point, side="left") / n
        if max(above, below) < 0.005:
            return ""
        template, share = (theme.text("more", lang), above) if above >= below else (theme.text("less", lang), below)
        return template.format(pct=_percent(share, lang))

    def _reason(self, i: int, total: float, values: np.ndarray, row: Sequence[Any],
                fields: Mapping[str, Any], lang: str) -> ThemeReason:
        theme, contribution = self.themes[i], float(total)
        position = self.key_position[i]
        name = self.feature_names[position] if position is not None else None
        # Without a key feature in this model the reason still names one: its largest member.
        named_feature = name or self.feature_names[int(self.members[i][np.argmax(np.abs(values[self.members[i]]))])]
        value = _plain(row[position]) if position is not None else None
        raw = fields.get(name) if name else None
        shown = _stated(name, value, lang, raw) if name else ""
        pensioner = name == "DAYS_EMPLOYED" and raw == SENTINEL_DAYS
        comparison = self._comparison(theme, position, value, lang) if position is not None else ""
        if name is None or (is_missing(value) and not pensioner):
            fact = theme.text("missing", lang)
        elif theme.zero is not None and not isinstance(value, str) and value == 0:
            comparison = ""
            # "No overdue amount" cannot be read out as what raises the risk: the rest of the
            # theme does (analyst detail shows which features); say the theme and its source.
            fact = theme.text("zero", lang) if total <= 0 else self._generic(theme, lang)
        else:
            named = _Values(self, row, fields, lang)
            named["value"] = shown
            fact = theme.text("fact", lang).format_map(named)
        members = self.members[i]
        features = tuple(
            {"feature": self.feature_names[p], "label": _label(self.feature_names[p], lang),
             "value": (v := _plain(row[p])),
             "display_value": _formatted(self.feature_names[p], v, lang, fields.get(self.feature_names[p])),
             "contribution": float(values[p])}
            for p in members[np.argsort(-np.abs(values[members]), kind="stable")]
        )
        return ThemeReason(theme.code, theme.text("name", lang), contribution, 0.0, named_feature, value, shown,
                           fact if not comparison else f"{fact}{' ; ' if lang == 'fr' else '; '}{comparison}",
                           features)

    @staticmethod
    def _generic(theme: Theme, lang: str) -> str:
        name, source = theme.text("name", lang), theme.text("source", lang)
        if lang == "fr":
            return f"{name} : les informations de votre dossier sur ce point (source : {source})"
        return f"{name}: the information in your file on this point (source: {source})"

    def explain(self, contribution_values: np.ndarray, feature_row: Sequence[Any], fields: Mapping[str, Any],
                lang: str = "fr") -> list[ThemeReason]:
        """Every theme, the largest effect first, each with its sentence and its share."""
        totals = self.theme_contributions(contribution_values)
        raising, lowering = float(totals[totals > 0].sum()), float(-totals[totals < 0].sum())
        order = np.argsort(-np.abs(totals), kind="stable")
        reasons = []
        for i in order:
            reason = self._reason(int(i), totals[i], contribution_values, feature_row, fields, lang)
            pool = raising if reason.contribution > 0 else lowering
            share = abs(reason.contribution) / pool if pool > 0 else 0.0
            reasons.append(replace(reason, share=share,
                                   sentence=self._with_effect(reason.sentence, reason.contribution, share, lang)))
        return reasons

    @staticmethod
    def _with_effect(fact: str, contribution: float, share: float, lang: str) -> str:
        if contribution == 0:
            return f"{fact}."
        if lang == "fr":
            way = "augmente" if contribution > 0 else "diminue"
            return (f"{fact}. Ce facteur compte pour {_percent(share, lang)} de ce qui {way} votre risque "
                    "estimé par rapport au client moyen.")
        way = "raises" if contribution > 0 else "lowers"
        return (f"{fact}. This factor accounts for {_percent(share, lang)} of what {way} your estimated risk "
                "compared with the average client.")

    def reasons(self, contribution_values: np.ndarray, feature_row: Sequence[Any], fields: Mapping[str, Any],
                lang: str = "fr", count: int = PRINCIPAL_REASONS) -> dict[str, list[ThemeReason]]:
        """Up to `count` themes raising the risk most and lowering it most."""
        return self.reasons_from(self.explain(contribution_values, feature_row, fields, lang), fields, count)

    @staticmethod
    def reasons_from(themes: Sequence[ThemeReason], fields: Mapping[str, Any],
                     count: int = PRINCIPAL_REASONS) -> dict[str, list[ThemeReason]]:
        """The principal reasons among explained themes (largest first): never two from one theme.
        A theme lowers the risk as a reason only through values that are in the file: a
        favourable effect that comes from missing information is not a fact the client chose, so
        it is not offered as one (it stays in the theme totals)."""
        raising = [r for r in themes if r.contribution > 0][:count]
        lowering: list[ThemeReason] = []
        for reason in themes:
            if reason.contribution >= 0 or len(lowering) == count:
                continue
            present = sum(f["contribution"] for f in reason.features
                          if not is_missing(f["value"]) or fields.get(f["feature"]) == SENTINEL_DAYS)
            if present < 0:
                lowering.append(reason)
        return {"raises_risk": raising, "lowers_risk": lowering}


def principal_reasons(reasons: Mapping[str, list[Any]], decision: str,
                      count: int = PRINCIPAL_REASONS) -> list[Any]:
    """What the advisor reads first: for a refusal or a review, what raises the risk; for a
    grant, what lowers it."""
    first = "lowers_risk" if decision == "granted" else "raises_risk"
    return list(reasons.get(first) or [])[:count]
