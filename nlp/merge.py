"""Merge results.json files of runs on the same data and folds (methods run in separate processes).

On 2 shared cores the methods were run one process at a time; merging checks that every run used
the same data file, folds and texts, then recomputes the headline folds, the pooled confusion
matrices and the statistics over the union of methods. Each run's command, time and load stay in
`meta.runs`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np

from nlp.compare import statistics, summarise


class MergeError(ValueError):
    """Runs that cannot be merged; the message names the file and the difference."""


def _check_same(base: dict[str, Any], other: dict[str, Any], path: Path) -> None:
    checks = {
        "data sha256": (base["meta"]["data"]["sha256"], other["meta"]["data"]["sha256"]),
        "number of texts": (base["meta"]["data"]["n_texts"], other["meta"]["data"]["n_texts"]),
        "folds (n_splits, seed)": ((base["protocol"]["n_splits"], base["protocol"]["seed"]),
                                   (other["protocol"]["n_splits"], other["protocol"]["seed"])),
        "text ids": (base["texts"]["ids"], other["texts"]["ids"]),
        "fold of each text": (base["texts"]["fold"], other["texts"]["fold"]),
        "quick mode": (base["meta"]["quick"], other["meta"]["quick"]),
    }
    for what, (a, b) in checks.items():
        if a != b:
            raise MergeError(f"{path}: {what} differs from the first run; these runs cannot be merged")


def merge_results(paths: list[Path]) -> dict[str, Any]:
    runs = []
    for p in paths:
        try:
            r = json.loads(Path(p).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise MergeError(f"{p}: file not found") from None
        except json.JSONDecodeError as exc:
            raise MergeError(f"{p}: not valid JSON ({exc})") from None
        if "texts" not in r or "methods" not in r:
            raise MergeError(f"{p}: not a results.json with out-of-fold predictions (written by this version)")
        runs.append((Path(p), r))
    base = runs[0][1]
    for p, r in runs[1:]:
        _check_same(base, r, p)
    methods: dict[str, Any] = {}
    curve: dict[str, Any] = {}
    for _, r in runs:  # a later run of the same method replaces an earlier one
        methods.update(r["methods"])
        curve.update(r["learning_curve"])
    headline = sorted(set.intersection(*(set(m["all_folds"]["folds"]) for m in methods.values())))
    k = len(base["label_names"])
    for m in methods.values():
        rows = [r for r in m["per_fold"] if r["fold"] in headline]
        m["headline"] = summarise(rows)
        pooled = np.zeros((k, k), dtype=int)
        for r in rows:
            pooled += np.asarray(r["confusion"])
        m["confusion_headline_pooled"] = pooled.tolist()
    meta = dict(base["meta"])
    meta["runs"] = [
        {"file": str(p), "command": r["meta"]["command"], "date_utc": r["meta"]["date_utc"],
         "total_time_s": r["meta"]["total_time_s"], "process_cpu_time_s": r["meta"].get("process_cpu_time_s"),
         "load_average_start": r["meta"]["load_average_start"], "load_average_end": r["meta"]["load_average_end"],
         "methods": list(r["methods"]), "complete": r["meta"].get("complete", True)}
        for p, r in runs
    ]
    meta["total_time_s"] = float(sum(run["total_time_s"] for run in meta["runs"]))
    meta["process_cpu_time_s"] = float(sum(run["process_cpu_time_s"] or 0.0 for run in meta["runs"]))
    meta["command"] = "python -m nlp merge " + " ".join(str(p) for p, _ in runs)
    meta["date_utc"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    meta["complete"] = all(run["complete"] for run in meta["runs"])
    protocol = dict(base["protocol"])
    protocol["headline_folds"] = headline
    merged = {**base, "meta": meta, "protocol": protocol, "methods": methods, "learning_curve": curve}
    merged["statistics"] = statistics(merged)
    return merged
