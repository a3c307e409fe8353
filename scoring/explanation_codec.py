"""A score's explanation as the store keeps it: two little-endian arrays in model feature order.

Contributions are float32, which is what XGBoost's TreeSHAP returns, so nothing is lost.
Feature values are float64 (exact for every integer and float the pipeline makes), with a
category as the code of its level in the artifact and a missing value as NaN; each column's
kind, taken from the feature pipeline's schema, turns them back into the very Python values the
live path gives (int, float, level or None), so a stored explanation reads out identical.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl

from scoring.store.records import StoredExplanation

_FLOAT32 = np.dtype("<f4")
_FLOAT64 = np.dtype("<f8")
INT, FLOAT, LEVEL = "int", "float", "level"


def column_kind(name: str, dtype: pl.DataType, categories: Mapping[str, Sequence[str]]) -> str:
    if dtype.is_integer():
        return INT
    if dtype.is_float():
        return FLOAT
    if dtype == pl.String and name in categories:
        return LEVEL
    raise ValueError(f"feature {name}: type {dtype} cannot be stored in an explanation")


class ExplanationCodec:
    """Encodes and decodes one model's explanations (``model_version`` names the model)."""

    def __init__(self, feature_names: Sequence[str], schema: Mapping[str, pl.DataType],
                 categories: Mapping[str, Sequence[str]], model_version: str) -> None:
        self.model_version = model_version
        self.kinds = [column_kind(name, schema[name], categories) for name in feature_names]
        self._levels = [list(categories[name]) if kind == LEVEL else None
                        for name, kind in zip(feature_names, self.kinds, strict=True)]
        self._codes = [{level: float(code) for code, level in enumerate(levels)} if levels is not None else None
                       for levels in self._levels]
        self._int_positions = [i for i, kind in enumerate(self.kinds) if kind == INT]
        self._level_positions = [(i, levels) for i, levels in enumerate(self._levels) if levels is not None]

    def encode(self, base_value: float, contributions: np.ndarray,
               feature_row: Sequence[Any]) -> StoredExplanation | None:
        """The stored form, or None when a value cannot be kept exactly (a level the model
        does not know): that version is then explained live."""
        if len(contributions) != len(self.kinds) or len(feature_row) != len(self.kinds):
            raise ValueError(f"{len(self.kinds)} features expected, got {len(contributions)} contributions "
                             f"and {len(feature_row)} values")
        values = []
        for value, codes in zip(feature_row, self._codes, strict=True):
            if value is None:
                values.append(math.nan)
            elif codes is None:
                values.append(float(value))
            else:
                code = codes.get(value)
                if code is None:
                    return None
                values.append(code)
        return StoredExplanation(
            model_version=self.model_version,
            base_value=float(base_value),
            contributions=np.asarray(contributions, dtype=_FLOAT32).tobytes(),
            feature_values=np.asarray(values, dtype=_FLOAT64).tobytes(),
        )

    def decode(self, stored: StoredExplanation) -> tuple[float, np.ndarray, list[Any]]:
        """(base value, float64 contributions, feature values as the live path gives them)."""
        if stored.model_version != self.model_version:
            raise ValueError(f"explanation of model {stored.model_version}, not {self.model_version}")
        contributions = np.frombuffer(stored.contributions, dtype=_FLOAT32).astype(np.float64)
        numbers = np.frombuffer(stored.feature_values, dtype=_FLOAT64).tolist()
        if len(contributions) != len(self.kinds) or len(numbers) != len(self.kinds):
            raise ValueError("stored explanation does not match the model's features")
        # A read decodes 178 values per request: touch only the integer and level columns, then
        # the missing ones.
        row: list[Any] = numbers
        missing = np.flatnonzero(np.isnan(np.frombuffer(stored.feature_values, dtype=_FLOAT64))).tolist()
        for i in self._int_positions:
            number = row[i]
            if number == number:
                row[i] = int(number)
        for i, levels in self._level_positions:
            number = row[i]
            if number == number:
                row[i] = levels[int(number)]
        for i in missing:
            row[i] = None
        return float(stored.base_value), contributions, row
