from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import f1_score

from nlp.stats import (
    accuracy_split,
    bootstrap_ci,
    compare_to_best,
    holm,
    macro_f1,
    mcnemar_exact,
    near_duplicate_mask,
    paired_tests,
)

pytestmark = pytest.mark.nlp


def test_macro_f1_matches_scikit_learn_including_invalid_predictions() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 7, 300)
    p = np.where(rng.random(300) < 0.7, y, rng.integers(-1, 7, 300))
    expected = f1_score(y, p, labels=list(range(7)), average="macro", zero_division=0)
    assert macro_f1(y, p, 7) == pytest.approx(expected)


def test_bootstrap_interval_brackets_the_observed_accuracy_and_narrows_with_more_texts() -> None:
    rng = np.random.default_rng(1)
    small_y = rng.integers(0, 7, 100)
    big_y = rng.integers(0, 7, 2000)

    def noisy(y):
        return np.where(rng.random(len(y)) < 0.9, y, (y + 1) % 7)

    small = bootstrap_ci(small_y, noisy(small_y), 7, n_boot=500)
    big = bootstrap_ci(big_y, noisy(big_y), 7, n_boot=500)
    for ci in (small, big):
        assert ci["accuracy"]["low"] <= ci["accuracy"]["value"] <= ci["accuracy"]["high"]
        assert ci["f1_macro"]["low"] <= ci["f1_macro"]["value"] <= ci["f1_macro"]["high"]
    width = lambda ci: ci["accuracy"]["high"] - ci["accuracy"]["low"]  # noqa: E731
    assert width(big) < width(small)


def test_mcnemar_counts_discordant_texts_and_gives_the_exact_binomial_p_value() -> None:
    y = np.zeros(30, dtype=int)
    a = np.zeros(30, dtype=int)  # always right
    b = np.zeros(30, dtype=int)
    b[:10] = 1  # wrong on 10 texts where a is right
    t = mcnemar_exact(y, a, b)
    assert (t["only_a_right"], t["only_b_right"]) == (10, 0)
    assert t["p_value"] == pytest.approx(2 * 0.5**10)
    assert mcnemar_exact(y, a, a)["p_value"] == 1.0


def test_holm_adjustment_is_monotone_and_capped() -> None:
    adj = holm({"a": 0.01, "b": 0.04, "c": 0.5})
    assert adj["a"] == pytest.approx(0.03) and adj["b"] == pytest.approx(0.08) and adj["c"] == 1.0 * 0.5


def test_compare_to_best_tests_every_other_method() -> None:
    y = np.arange(70) % 7
    preds = {"good": y.copy(), "bad": (y + 1) % 7, "mid": np.where(np.arange(70) < 35, y, (y + 1) % 7)}
    res = compare_to_best(y, preds)
    assert res["best"] == "good"
    assert set(res["tests"]) == {"bad", "mid"}
    assert res["tests"]["bad"]["significant_at_0_05_holm"]


def test_paired_tests_skip_absent_methods_and_adjust_within_the_family() -> None:
    y = np.arange(70) % 7
    preds = {"a": y.copy(), "b": np.where(np.arange(70) < 20, (y + 1) % 7, y), "c": (y + 1) % 7}
    res = paired_tests(y, preds, [("a", "b"), ("a", "c"), ("a", "missing")])
    assert set(res["tests"]) == {"a vs b", "a vs c"}
    ab = res["tests"]["a vs b"]
    assert (ab["only_a_right"], ab["only_b_right"]) == (20, 0)
    raw = {k: t["p_value"] for k, t in res["tests"].items()}
    assert {k: t["p_value_holm"] for k, t in res["tests"].items()} == holm(raw)
    # Holm over 2 tests: the smaller p-value is doubled, the larger one kept.
    ac = res["tests"]["a vs c"]
    assert ac["p_value_holm"] == pytest.approx(2 * ac["p_value"]) and ab["p_value_holm"] == ab["p_value"]


def test_near_copy_is_found_only_across_train_and_test() -> None:
    shared = "red cotton bedsheet double size floral pillow covers machine washable soft fabric king"
    texts = [shared, shared + " print",
             "analog watch for men steel strap", "usb pen drive 16 gb metal"]
    folds = [(np.array([0, 2]), np.array([1, 3])), (np.array([1, 3]), np.array([0, 2]))]
    mask, cosine = near_duplicate_mask(texts, folds, threshold=0.9)
    assert cosine[2] < 0.9 and cosine[0] > 0.9
    assert mask.tolist() == [True, True, False, False]
    split = accuracy_split(np.array([0, 0, 1, 2]), np.array([0, 0, 1, 0]), mask)
    assert split["with_near_copy"] == 1.0 and split["without_near_copy"] == 0.5


def test_merge_refuses_runs_on_other_folds(tmp_path) -> None:
    from nlp.merge import MergeError, merge_results

    base = {"meta": {"data": {"sha256": "x", "n_texts": 2}, "quick": False, "command": "c", "date_utc": "d",
                     "total_time_s": 1.0, "load_average_start": None, "load_average_end": None},
            "protocol": {"n_splits": 2, "seed": 42, "headline_folds": [0, 1]},
            "texts": {"ids": ["a", "b"], "fold": [0, 1], "y_true": [0, 1]}, "methods": {}, "learning_curve": {},
            "label_names": ["A", "B"]}
    other = json.loads(json.dumps(base))
    other["protocol"]["seed"] = 7
    (tmp_path / "a.json").write_text(json.dumps(base))
    (tmp_path / "b.json").write_text(json.dumps(other))
    with pytest.raises(MergeError, match=r"b\.json: folds"):
        merge_results([tmp_path / "a.json", tmp_path / "b.json"])
