"""The driver and writer: chunks of applicants to the eight Kaggle CSV files and truth.csv."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import polars as pl
from scipy.special import expit
from sklearn.metrics import roc_auc_score

from scoring.data.synthetic.applicants import Applicants, draw_applicants
from scoring.data.synthetic.risk import true_logit
from scoring.data.synthetic.side_tables import (
    bureau_tables,
    credit_card_tables,
    instalment_and_pos_tables,
    instalment_summaries,
    previous_tables,
)
from scoring.data.synthetic.sizes import (
    CHUNK_SIZE,
    FIRST_BUREAU_ID,
    FIRST_CLIENT_ID,
    FIRST_PREVIOUS_ID,
    FULL_SCALE_TEST,
    FULL_SCALE_TRAIN,
    REAL_ROW_COUNTS,
)
from scoring.progress import ProgressBars
from scoring.schema import TABLES
from scoring.truth import TRUTH_COLUMN, TRUTH_FILE


def _frame(table: str, columns: dict[str, np.ndarray]) -> pl.DataFrame:
    """Polars frame in schema order and dtypes; categorical codes become their level text and
    code -1 / NaN become missing."""
    series: list[pl.Series] = []
    for spec in TABLES[table].columns:
        values = columns[spec.name]
        if spec.levels is not None:
            levels = pl.Series(spec.name, list(spec.levels), dtype=pl.String)
            codes = np.asarray(values, dtype=np.int64)
            missing = codes < 0
            text = levels.gather(np.where(missing, 0, codes))
            if missing.any():
                text = pl.select(
                    pl.when(pl.Series(missing)).then(None).otherwise(text).alias(spec.name)
                ).to_series()
            series.append(text.alias(spec.name))
        elif spec.dtype == "int":
            series.append(pl.Series(spec.name, np.asarray(values, dtype=np.int64)))
        else:
            series.append(pl.Series(spec.name, np.asarray(values, dtype=np.float64),
                                    nan_to_null=True))
    return pl.DataFrame(series)


class _CsvSink:
    """Appends chunk frames to one CSV file, header first."""

    def __init__(self, path: Path, header: list[str]) -> None:
        self.path = path
        self._names = header
        self.rows = 0
        self._handle: IO[bytes] = path.open("wb")
        self._header = True

    def write(self, frame: pl.DataFrame) -> None:
        frame.write_csv(self._handle, include_header=self._header)
        self._header = False
        self.rows += frame.height

    def close(self) -> None:
        if self._header:  # no chunk had a row: still write the header
            self._handle.write((",".join(self._names) + "\n").encode())
        self._handle.close()


@dataclass
class GenerationSummary:
    """What a generation run wrote, and how the data behaves."""

    out_dir: Path
    seed: int
    n_train: int
    n_test: int
    rows: dict[str, int]
    files: dict[str, Path]
    truth_file: Path
    default_rate: float
    oracle_auc: float
    seconds: float

    def __str__(self) -> str:
        rows = ", ".join(f"{name} {count:,}" for name, count in self.rows.items())
        return (
            f"{self.n_train:,} train + {self.n_test:,} test applicants in {self.out_dir} "
            f"({self.seconds:.1f} s): {rows}; default rate {self.default_rate:.2%}, "
            f"oracle AUC {self.oracle_auc:.4f}"
        )


def n_test_applicants(n_clients: int) -> int:
    """Test applicants for ``n_clients`` train applicants, in the real train/test proportion."""
    return round(n_clients * FULL_SCALE_TEST / FULL_SCALE_TRAIN)


def generate_chunk(seed: int, chunk_index: int, ids: np.ndarray, is_test: np.ndarray,
                   next_bureau_id: int, next_previous_id: int) -> dict[str, Any]:
    """All tables for one chunk of applicants (numpy columns), plus truth and summaries."""
    rng = np.random.default_rng([seed, chunk_index])
    applicants = draw_applicants(rng, ids, is_test)
    bureau, balance, bureau_summary = bureau_tables(rng, applicants, next_bureau_id)
    previous, loans, previous_summary = previous_tables(rng, applicants, next_previous_id)
    instalments, pos, instalment_summary = instalment_and_pos_tables(rng, applicants, loans)
    cards, card_instalments, card_summary = credit_card_tables(rng, applicants, loans)

    merged_instalments = {name: np.concatenate([instalments[name], card_instalments[name]])
                          for name in instalments}
    n = applicants.n
    instalment_summary.update(instalment_summaries(merged_instalments, n))
    summaries = {**bureau_summary, **previous_summary, **instalment_summary, **card_summary}
    logit = true_logit(applicants, summaries)
    probability = expit(logit)
    target = (rng.random(n) < probability).astype(np.int64)
    applicants.columns["TARGET"] = target
    applicants.columns["SK_ID_CURR"] = ids
    return {
        "applicants": applicants,
        "probability": probability,
        "target": target,
        "summaries": summaries,
        "tables": {
            "bureau": bureau,
            "bureau_balance": balance,
            "previous_application": previous,
            "POS_CASH_balance": pos,
            "installments_payments": merged_instalments,
            "credit_card_balance": cards,
        },
    }


def _subset(columns: dict[str, np.ndarray], mask: np.ndarray) -> dict[str, np.ndarray]:
    return {name: values[mask] for name, values in columns.items()}


def generate_dataset(
    out_dir: str | Path,
    *,
    n_clients: int = 10_000,
    seed: int = 0,
    full_scale: bool = False,
    progress: bool = True,
) -> GenerationSummary:
    """Write the eight Home Credit CSVs (Kaggle names and column order) and truth.csv.

    ``n_clients`` train applicants and round(n_clients × 48,744 / 307,511) test applicants, or
    the real 307,511 + 48,744 with ``full_scale``. The same seed gives the same files.
    """
    started = time.perf_counter()
    if full_scale:
        n_train, n_test = FULL_SCALE_TRAIN, FULL_SCALE_TEST
    else:
        if n_clients < 1:
            raise ValueError(f"n_clients must be at least 1, got {n_clients}")
        n_train, n_test = n_clients, n_test_applicants(n_clients)
    total = n_train + n_test
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    split_rng = np.random.default_rng([seed, 0x5EED])
    is_test_all = np.zeros(total, dtype=bool)
    is_test_all[split_rng.choice(total, n_test, replace=False)] = True
    ids_all = FIRST_CLIENT_ID + np.arange(total, dtype=np.int64)

    sinks = {name: _CsvSink(out / table.file_name, table.column_names)
             for name, table in TABLES.items()}
    truth_sink = out / TRUTH_FILE
    truth_parts: list[pl.DataFrame] = []
    train_probability: list[np.ndarray] = []
    train_target: list[np.ndarray] = []
    n_chunks = math.ceil(total / CHUNK_SIZE)
    next_bureau_id, next_previous_id = FIRST_BUREAU_ID, FIRST_PREVIOUS_ID

    scale = total / (FULL_SCALE_TRAIN + FULL_SCALE_TEST)
    reporter = ProgressBars(enabled=progress)
    try:
        with reporter:
            reporter.add("chunks", "chunks", n_chunks)
            for name, count in REAL_ROW_COUNTS.items():
                # Expected rows at this scale; the bar's total becomes the real count at the end.
                reporter.add(name, name, max(1, round(count * scale)))
            for chunk_index in range(n_chunks):
                lo, hi = chunk_index * CHUNK_SIZE, min(total, (chunk_index + 1) * CHUNK_SIZE)
                chunk = generate_chunk(seed, chunk_index, ids_all[lo:hi], is_test_all[lo:hi],
                                       next_bureau_id, next_previous_id)
                applicants: Applicants = chunk["applicants"]
                train = ~applicants.is_test
                sinks["application_train"].write(
                    _frame("application_train", _subset(applicants.columns, train)))
                test_columns = _subset(applicants.columns, applicants.is_test)
                sinks["application_test"].write(_frame("application_test", test_columns))
                reporter.advance("application_train", int(train.sum()))
                reporter.advance("application_test", int((~train).sum()))
                for name, columns in chunk["tables"].items():
                    frame = _frame(name, columns)
                    sinks[name].write(frame)
                    reporter.advance(name, frame.height)
                next_bureau_id += chunk["tables"]["bureau"]["SK_ID_BUREAU"].size
                next_previous_id += chunk["tables"]["previous_application"]["SK_ID_PREV"].size
                truth_parts.append(pl.DataFrame({
                    "SK_ID_CURR": applicants.ids,
                    TRUTH_COLUMN: chunk["probability"],
                }))
                train_probability.append(chunk["probability"][train])
                train_target.append(chunk["target"][train])
                reporter.advance("chunks")
    finally:
        for sink in sinks.values():
            sink.close()
    pl.concat(truth_parts).write_csv(truth_sink)

    probability = np.concatenate(train_probability)
    target = np.concatenate(train_target)
    summary = GenerationSummary(
        out_dir=out,
        seed=seed,
        n_train=n_train,
        n_test=n_test,
        rows={name: sink.rows for name, sink in sinks.items()},
        files={name: sink.path for name, sink in sinks.items()},
        truth_file=truth_sink,
        default_rate=float(target.mean()),
        # Both classes occur in any realistic run; a tiny one without defaults has no AUC.
        oracle_auc=(float(roc_auc_score(target, probability)) if 0 < target.sum() < target.size
                    else float("nan")),
        seconds=time.perf_counter() - started,
    )
    return summary
