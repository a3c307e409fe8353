"""A drifted population on purpose: the applications to score (application_test.csv) of a
generated dataset, moved on income, credit amount and the external scores.

The training applications and the side tables are left as they are, so one directory is a
complete demo: train on it, load its applications, and monitoring sees the drift
(`credit-scoring generate --out DIR --shift income=0.6 --shift credit=1.5 --shift ext=-0.15`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import polars as pl

SHIFT_FILE = "shift.json"
INCOME = ("AMT_INCOME_TOTAL",)
CREDIT = ("AMT_CREDIT",)
EXTERNAL_SCORES = ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3")
# Factors beyond these would break the application's own rules (annuity ≤ credit) or ranges.
FACTOR_RANGE = (0.2, 5.0)
EXT_RANGE = (-0.5, 0.5)


@dataclass(frozen=True)
class PopulationShift:
    """income and credit: factors on AMT_INCOME_TOTAL and AMT_CREDIT; ext: added to the three
    external scores (kept within 0–1; a missing score stays missing)."""

    income: float = 1.0
    credit: float = 1.0
    ext: float = 0.0

    def __post_init__(self) -> None:
        for name in ("income", "credit"):
            value = getattr(self, name)
            if not FACTOR_RANGE[0] <= value <= FACTOR_RANGE[1]:
                low, high = FACTOR_RANGE
                raise ValueError(f"--shift {name}={value}: a factor between {low} and {high} expected "
                                 f"/ un facteur entre {low} et {high}")
        if not EXT_RANGE[0] <= self.ext <= EXT_RANGE[1]:
            raise ValueError(f"--shift ext={self.ext}: a shift between {EXT_RANGE[0]} and {EXT_RANGE[1]} "
                             "expected / un décalage entre -0,5 et 0,5")

    @property
    def is_identity(self) -> bool:
        return self.income == 1.0 and self.credit == 1.0 and self.ext == 0.0

    @property
    def shifted_columns(self) -> tuple[str, ...]:
        return ((INCOME if self.income != 1.0 else ()) + (CREDIT if self.credit != 1.0 else ())
                + (EXTERNAL_SCORES if self.ext != 0.0 else ()))

    @classmethod
    def parse(cls, items: list[str] | None) -> PopulationShift:
        """From `KEY=VALUE` items (keys: income, credit, ext)."""
        values: dict[str, float] = {}
        for item in items or []:
            key, _, text = item.partition("=")
            key = key.strip().lower()
            if key not in ("income", "credit", "ext") or not text:
                raise ValueError(f"--shift {item!r}: expected income=FACTOR, credit=FACTOR or ext=DELTA "
                                 "/ attendu income=FACTEUR, credit=FACTEUR ou ext=DÉCALAGE")
            try:
                values[key] = float(text)
            except ValueError:
                raise ValueError(f"--shift {item!r}: {text!r} is not a number / n'est pas un nombre") from None
        return cls(**values)


def shift_applications(directory: Path, shift: PopulationShift) -> Path:
    """Rewrite DIR/application_test.csv with the shift; untouched columns keep their exact text."""
    path = Path(directory) / "application_test.csv"
    frame = pl.read_csv(path, infer_schema=False)
    changes = []
    if shift.income != 1.0:
        changes.append((pl.col("AMT_INCOME_TOTAL").cast(pl.Float64) * shift.income).round(1).alias("AMT_INCOME_TOTAL"))
    if shift.credit != 1.0:
        changes.append((pl.col("AMT_CREDIT").cast(pl.Float64) * shift.credit).round(1).alias("AMT_CREDIT"))
    if shift.ext != 0.0:
        changes += [(pl.col(c).cast(pl.Float64) + shift.ext).clip(0.0, 1.0).alias(c) for c in EXTERNAL_SCORES]
    if changes:
        frame.with_columns(changes).write_csv(path)
    (Path(directory) / SHIFT_FILE).write_text(
        json.dumps({**asdict(shift), "table": "application_test", "columns": list(shift.shifted_columns)}, indent=2)
        + "\n", encoding="utf-8")
    return path
