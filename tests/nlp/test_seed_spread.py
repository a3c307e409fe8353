"""Seed spread of the neural methods across runs on the same folds (`merge --seed-runs`)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nlp.cli import main
from nlp.merge import MergeError, merge_results

pytestmark = pytest.mark.nlp

N_FOLDS = 2
Y = [0, 1, 0, 1]
FOLD = [0, 0, 1, 1]


def _method(per_fold_acc: list[float]) -> dict:
    rows = [{"fold": f, "accuracy": a, "f1_macro": a - 0.01, "train_time_s": 1.0, "infer_ms_per_text": 1.0,
             "confusion": [[1, 0], [0, 1]]} for f, a in enumerate(per_fold_acc)]
    return {"per_fold": rows, "all_folds": {"folds": [r["fold"] for r in rows]},
            "oof_predictions": list(Y)}


def _run(path: Path, train_seed: int, methods: dict[str, list[float]]) -> Path:
    res = {"meta": {"data": {"sha256": "x", "n_texts": 4}, "quick": False, "command": f"seed {train_seed}",
                    "date_utc": "d", "total_time_s": 1.0, "process_cpu_time_s": 1.0,
                    "load_average_start": None, "load_average_end": None},
           "protocol": {"n_splits": N_FOLDS, "seed": 42, "train_seed": train_seed, "headline_folds": [0, 1]},
           "texts": {"ids": ["a", "b", "c", "d"], "fold": FOLD, "y_true": Y,
                     "near_copy_in_training_fold": [False] * 4},
           "label_names": ["A", "B"], "learning_curve": {},
           "methods": {m: _method(accs) for m, accs in methods.items()}}
    path.write_text(json.dumps(res))
    return path


def test_seed_spread_summarises_each_seeds_fold_mean_of_the_neural_methods_only(tmp_path) -> None:
    base = _run(tmp_path / "s0.json", 0, {"tfidf_linear": [0.9, 0.8], "t5_scratch": [0.8, 0.6],
                                          "t5_span_pretrained": [0.7, 0.7]})
    s1 = _run(tmp_path / "s1.json", 1, {"tfidf_linear": [0.9, 0.8], "t5_scratch": [0.9, 0.9],
                                        "t5_span_pretrained": [0.6, 0.6]})
    s2 = _run(tmp_path / "s2.json", 2, {"t5_scratch": [0.5, 0.7], "t5_span_pretrained": [0.8, 0.8]})
    merged = merge_results([base], seed_runs=[s1, s2])
    spread = merged["seed_spread"]
    assert "tfidf_linear" not in spread["methods"]  # deterministic: no training seed to vary
    t5 = spread["methods"]["t5_scratch"]
    assert [e["train_seed"] for e in t5["seeds"]] == [0, 1, 2]
    means = [0.7, 0.9, 0.6]
    assert [e["accuracy"] for e in t5["seeds"]] == pytest.approx(means)
    assert t5["accuracy"]["mean"] == pytest.approx(np.mean(means))
    assert t5["accuracy"]["std"] == pytest.approx(np.std(means, ddof=1))
    assert (t5["accuracy"]["min"], t5["accuracy"]["max"]) == pytest.approx((0.6, 0.9))
    # Fold 0 moves by 0.4 across seeds (0.8, 0.9, 0.5), fold 1 by 0.3 (0.6, 0.9, 0.7).
    assert t5["per_fold_seed_range"] == pytest.approx({"mean": 0.35, "max": 0.4})
    pair = spread["t5_pairs"]["t5_span_pretrained vs t5_scratch"]
    assert pair["differences"] == pytest.approx([0.0, -0.3, 0.2])
    assert pair["same_sign_every_seed"] is False
    # The headline methods and their statistics stay those of the merged (first-seed) runs.
    assert merged["methods"]["t5_scratch"]["headline"]["accuracy"]["mean"] == pytest.approx(0.7)


def test_a_seed_run_on_fewer_folds_is_refused_by_name(tmp_path) -> None:
    base = _run(tmp_path / "s0.json", 0, {"t5_scratch": [0.8, 0.6]})
    part = _run(tmp_path / "fold0.json", 1, {"t5_scratch": [0.8]})
    with pytest.raises(MergeError, match=r"fold0\.json: t5_scratch ran on folds \[0\]"):
        merge_results([base], seed_runs=[part])


def test_the_same_seed_given_twice_is_refused(tmp_path) -> None:
    base = _run(tmp_path / "s0.json", 0, {"t5_scratch": [0.8, 0.6]})
    again = _run(tmp_path / "again.json", 0, {"t5_scratch": [0.7, 0.6]})
    with pytest.raises(MergeError, match="train seed 0 is given twice"):
        merge_results([base], seed_runs=[again])


def test_seed_table_lists_every_seed_and_a_missing_seed_file_is_a_clear_error(tmp_path, capsys) -> None:
    from nlp.report import seed_spread_markdown

    base = _run(tmp_path / "s0.json", 0, {"t5_scratch": [0.8, 0.6]})
    s1 = _run(tmp_path / "s1.json", 1, {"t5_scratch": [0.9, 0.9]})
    table = "\n".join(seed_spread_markdown(merge_results([base], seed_runs=[s1])))
    assert "| t5_scratch | 2 | 0: 0.700, 1: 0.900 | 0.800 ± 0.141 | 0.700–0.900 |" in table
    out = tmp_path / "merged"
    assert main(["merge", str(base), "--out", str(out), "--seed-runs", str(tmp_path / "missing.json")]) == 2
    assert "missing.json: file not found" in capsys.readouterr().err
