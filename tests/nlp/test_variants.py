"""Variants of a merged method on the same folds (`merge --variant-runs`): named by what changed, tested."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.cli import main
from nlp.compare import summarise
from nlp.merge import MergeError, merge_results, protocol_changes
from nlp.stats import mcnemar_exact

pytestmark = pytest.mark.nlp

Y = [0, 1, 0, 1, 0, 1, 0, 1]
FOLD = [0, 0, 0, 0, 1, 1, 1, 1]


def _run(path: Path, preds: dict[str, list[int]], max_len: int = 128, folds: tuple[int, ...] = (0, 1),
         cpu: str = "cpu") -> Path:
    def method(p: list[int]) -> dict:
        rows = []
        for f in folds:
            idx = [i for i, x in enumerate(FOLD) if x == f]
            acc = sum(p[i] == Y[i] for i in idx) / len(idx)
            rows.append({"fold": f, "accuracy": acc, "f1_macro": acc, "train_time_s": 1.0,
                         "infer_ms_per_text": 1.0, "confusion": [[1, 0], [0, 1]]})
        oof = [p[i] if FOLD[i] in folds else None for i in range(len(Y))]
        return {"per_fold": rows, "all_folds": summarise(rows), "oof_predictions": oof,
                "params": 10, "size_on_disk_bytes": 100, "description": "d"}

    machine = {"cpu": cpu, "logical_cpus": 2, "memory_gib": 1.0, "torch": "t", "torch_threads": 1,
               "transformers": "t", "scikit_learn": "s"}
    res = {"meta": {"data": {"sha256": "x", "n_texts": len(Y)}, "quick": False, "command": f"len {max_len}",
                    "date_utc": "d", "total_time_s": 2.0, "process_cpu_time_s": 1.5, "machine": machine,
                    "load_average_start": None, "load_average_end": None},
           "protocol": {"n_splits": 2, "seed": 42, "train_seed": 0, "headline_folds": list(folds),
                        "t5_plan": {"settings": {"max_input_len": max_len, "learning_rate": 1e-3}}},
           "texts": {"ids": [str(i) for i in range(len(Y))], "fold": FOLD, "y_true": Y,
                     "near_copy_in_training_fold": [False] * len(Y)},
           "label_names": ["A", "B"], "learning_curve": {},
           "methods": {m: method(p) for m, p in preds.items()}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(res))
    return path


def test_a_variant_is_named_by_its_changed_setting_and_tested_text_by_text_against_its_method(tmp_path) -> None:
    base_pred = [0, 1, 0, 1, 0, 0, 0, 0]   # 6 of 8 right
    long_pred = [0, 1, 1, 1, 0, 1, 0, 1]   # 7 of 8 right
    base = _run(tmp_path / "t5" / "results.json", {"tfidf_linear": Y, "t5_scratch": base_pred})
    var = _run(tmp_path / "len256" / "results.json", {"t5_scratch": long_pred}, max_len=256)
    merged = merge_results([base], variant_runs=[var])
    v = merged["variants"]["variants"]["t5_scratch / len256"]
    assert v["changes"] == {"t5_plan.settings.max_input_len": [128, 256]}
    assert v["machine_changes"] == {}
    assert v["headline"]["accuracy"]["mean"] == pytest.approx(7 / 8)
    assert v["difference_accuracy"] == pytest.approx(7 / 8 - 6 / 8)
    expected = mcnemar_exact(Y, long_pred, base_pred)
    assert (v["mcnemar_vs_method"]["only_a_right"], v["mcnemar_vs_method"]["only_b_right"]) == (2, 1)
    assert v["mcnemar_vs_method"]["p_value"] == pytest.approx(expected["p_value"])
    assert v["mcnemar_vs_method"]["p_value_holm"] == pytest.approx(expected["p_value"])  # one variant
    assert v["oof_predictions"] == long_pred
    assert v["bootstrap_95"]["accuracy"]["value"] == pytest.approx(7 / 8)
    # The merged methods and their statistics are those of the merged runs alone.
    assert merged["methods"]["t5_scratch"]["oof_predictions"] == base_pred
    assert merged["statistics"] == merge_results([base])["statistics"]


def test_a_variant_on_fewer_folds_or_of_an_unmerged_method_is_refused_by_name(tmp_path) -> None:
    base = _run(tmp_path / "base.json", {"t5_scratch": Y})
    part = _run(tmp_path / "fold0.json", {"t5_scratch": Y}, folds=(0,))
    other = _run(tmp_path / "other.json", {"setfit_minilm": Y})
    with pytest.raises(MergeError, match=r"fold0\.json: t5_scratch ran on folds \[0\]"):
        merge_results([base], variant_runs=[part])
    with pytest.raises(MergeError, match=r"other\.json: setfit_minilm is not among the merged methods"):
        merge_results([base], variant_runs=[other])


def test_protocol_changes_ignore_where_a_run_ran() -> None:
    a = {"headline_folds": [0], "transformer_folds": [0], "t5_plan": {"lr_grid": []}, "train_seed": 0}
    b = {"headline_folds": [0, 1], "transformer_folds": [0, 1], "t5_plan": {"lr_grid": [3e-4, 1e-3]},
         "train_seed": 0}
    assert protocol_changes(a, b) == {"t5_plan.lr_grid": [[], [3e-4, 1e-3]]}


def test_merge_cli_writes_the_variants_table(tmp_path) -> None:
    base = _run(tmp_path / "base.json", {"t5_scratch": [0, 1, 0, 1, 0, 0, 0, 0]})
    var = _run(tmp_path / "len256" / "results.json", {"t5_scratch": Y}, max_len=256)
    out = tmp_path / "merged"
    assert main(["merge", str(base), "--out", str(out), "--variant-runs", str(var)]) == 0
    md = (out / "results.md").read_text(encoding="utf-8")
    assert "| t5_scratch / len256 | t5_plan.settings.max_input_len: 128 → 256 | 1.000 ± 0.000 |" in md
    assert main(["merge", str(base), "--out", str(out), "--variant-runs", str(tmp_path / "missing.json")]) == 2


def test_variants_of_one_method_are_tested_pairwise_so_a_baseline_on_another_machine_can_be_set_beside_them(
        tmp_path) -> None:
    base = _run(tmp_path / "t5" / "results.json", {"t5_scratch": [0, 1, 0, 1, 0, 0, 0, 0]})
    again = _run(tmp_path / "len128_other_cpu" / "results.json", {"t5_scratch": [0, 1, 0, 0, 0, 0, 0, 0]},
                 cpu="other cpu")
    long = _run(tmp_path / "len256" / "results.json", {"t5_scratch": Y}, max_len=256, cpu="other cpu")
    va = merge_results([base], variant_runs=[again, long])["variants"]
    assert va["variants"]["t5_scratch / len128_other_cpu"]["changes"] == {}
    assert va["variants"]["t5_scratch / len128_other_cpu"]["machine_changes"] == {"cpu": ["cpu", "other cpu"]}
    pair = va["pairs"]["t5_scratch / len128_other_cpu vs t5_scratch / len256"]
    assert pair["changes"] == {"t5_plan.settings.max_input_len": [256, 128]}  # b -> a
    assert (pair["only_a_right"], pair["only_b_right"]) == (0, 3)
    assert pair["difference_accuracy"] == pytest.approx(5 / 8 - 1)
    assert pair["p_value"] == pytest.approx(mcnemar_exact(Y, [0, 1, 0, 0, 0, 0, 0, 0], Y)["p_value"])
    assert pair["p_value_holm"] == pytest.approx(pair["p_value"])  # a family of one pair


def test_merged_protocol_takes_each_methods_settings_from_the_run_that_ran_it(tmp_path) -> None:
    # The second pass merged SetFit's results from a 16-step run but kept the first file's 24.
    a = _run(tmp_path / "classic" / "results.json", {"tfidf_linear": Y})
    b = _run(tmp_path / "setfit" / "results.json", {"setfit_minilm": Y})
    for path, steps in ((a, 24), (b, 16)):
        data = json.loads(path.read_text())
        data["protocol"]["setfit"] = {"max_steps": steps}
        path.write_text(json.dumps(data))
    merged = merge_results([a, b])
    assert merged["protocol"]["setfit"] == {"max_steps": 16}
    # A run from before the frozen-MiniLM length was recorded is labelled with the code's default then.
    c = _run(tmp_path / "minilm" / "results.json", {"minilm_logreg": Y})
    assert merge_results([a, c])["protocol"]["minilm_logreg"] == {"max_length": 256, "recorded_by_run": False}


def test_learning_curve_cells_are_placed_by_size_not_by_position() -> None:
    results = {"learning_curve": {
        "tfidf_linear": [{"per_class": 8, "n_train": 56, "accuracy": 0.8},
                         {"per_class": None, "n_train": 840, "accuracy": 0.967}],
        "t5_scratch": [{"per_class": None, "n_train": 840, "accuracy": 0.867}]}}
    from nlp.report import learning_curve_markdown

    lines = learning_curve_markdown(results)
    assert "| t5_scratch | — | 0.867 |" in lines
    assert "| tfidf_linear | 0.800 | 0.967 |" in lines


def test_a_partial_run_keeps_its_predictions_and_is_tested_on_the_folds_it_covered(tmp_path) -> None:
    base = _run(tmp_path / "base" / "results.json", {"minilm_finetuned": [0, 1, 0, 1, 1, 0, 1, 0],
                                                      "tfidf_linear": Y})
    part = _run(tmp_path / "meanpool" / "results.json", {"minilm_finetuned": Y}, folds=(0,))
    merged = merge_results([base], partial_runs=[part])
    entry = merged["partial_runs"]["minilm_finetuned / meanpool"]
    assert entry["folds"] == [0] and entry["n_texts"] == 4 and entry["accuracy"] == 1.0
    assert entry["oof_predictions"][4:] == [None] * 4
    # On fold 0 the merged fine-tuned method is right on 4 of 4 texts too: no discordant text.
    assert entry["mcnemar_vs_merged"]["minilm_finetuned"]["only_a_right"] == 0
    assert entry["mcnemar_vs_merged"]["tfidf_linear"]["accuracy_other"] == 1.0
