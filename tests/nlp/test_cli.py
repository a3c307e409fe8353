from __future__ import annotations

import json
import os

import pytest

from nlp.cli import main

from .conftest import write_corpus

pytestmark = [pytest.mark.nlp, pytest.mark.slow]


@pytest.fixture(autouse=True)
def _restore_environ():
    # main() sets offline and thread-count variables for its own process; keep them out of the
    # environment that later tests (and their subprocesses) see.
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def test_compare_quick_writes_every_report(corpus_csv, tiny_encoder_dir, tmp_path) -> None:
    out = tmp_path / "reports"
    keep = tmp_path / "models"
    assert main(["compare", "--data", str(corpus_csv), "--out", str(out), "--quick",
                 "--encoder-dir", str(tiny_encoder_dir), "--keep-models", str(keep),
                 "--methods", "bow_logreg,tfidf_linear,minilm_logreg,t5_scratch,t5_span_pretrained,"
                              "setfit_minilm,minilm_finetuned"]) == 0
    results = json.loads((out / "results.json").read_text())
    methods = results["methods"]
    assert set(methods) == {"bow_logreg", "tfidf_linear", "minilm_logreg", "t5_scratch", "t5_span_pretrained",
                            "setfit_minilm", "minilm_finetuned"}
    texts = results["texts"]
    head = results["protocol"]["headline_folds"]
    in_head = [f in head for f in texts["fold"]]
    for m in methods.values():
        h = m["headline"]
        assert h["folds"] == head
        assert 0.0 <= h["accuracy"]["mean"] <= 1.0 and 0.0 <= h["f1_macro"]["mean"] <= 1.0
        assert m["params"] > 0 and m["size_on_disk_bytes"] > 0
        # Every text of a fold the method ran on has its out-of-fold prediction, the others none.
        oof = m["oof_predictions"]
        assert all((p is not None) == inside for p, inside in zip(oof, in_head, strict=True))
        assert all(0 <= p < 7 for p in oof if p is not None)
    assert "invalid_generation_rate" in methods["t5_scratch"]["headline"]
    assert "rank_length_normalised_accuracy" in methods["t5_scratch"]["headline"]
    stats = results["statistics"]
    assert set(stats["bootstrap_95"]) == set(methods)
    best = stats["mcnemar_vs_best"]["best"]
    assert set(stats["mcnemar_vs_best"]["tests"]) == set(methods) - {best}
    assert [r["per_class"] for r in results["learning_curve"]["setfit_minilm"]] == [8, None]
    assert (keep / "scratch_fold0" / "config.json").exists()  # the model `explain` reads
    assert (out / "intervals.png").stat().st_size > 0
    assert (out / "results.md").read_text().startswith("# NLP comparison")
    assert (out / "learning_curve.png").stat().st_size > 0
    assert (out / "confusion_tfidf_linear.png").stat().st_size > 0
    assert not (out / "results.partial.json").exists()  # only kept while a run is in progress

    (out / "results.md").unlink()
    assert main(["report", "--results", str(out / "results.json")]) == 0
    assert (out / "results.md").read_text().startswith("# NLP comparison")


def test_report_on_a_missing_results_file(tmp_path, capsys) -> None:
    assert main(["report", "--results", str(tmp_path / "results.json")]) == 2
    assert "results.json: file not found" in capsys.readouterr().err


def test_bad_learning_curve_counts_are_rejected(corpus_csv, tmp_path) -> None:
    with pytest.raises(SystemExit, match="lc-per-class"):
        main(["compare", "--data", str(corpus_csv), "--out", str(tmp_path), "--lc-per-class", "8,abc"])
    with pytest.raises(SystemExit, match="lc-per-class"):
        main(["compare", "--data", str(corpus_csv), "--out", str(tmp_path), "--lc-per-class", "0"])


def test_bad_learning_rate_grid_is_rejected(corpus_csv, tmp_path) -> None:
    with pytest.raises(SystemExit, match="t5-lr-grid"):
        main(["compare", "--data", str(corpus_csv), "--out", str(tmp_path), "--t5-lr-grid", "1e-3,x"])


def test_missing_column_gives_a_clear_error(tmp_path, capsys) -> None:
    bad = write_corpus(tmp_path / "bad.csv", per_class=6, drop="product_category_tree")
    code = main(["compare", "--data", str(bad), "--out", str(tmp_path / "o"), "--quick"])
    assert code == 2
    assert "missing column(s) product_category_tree" in capsys.readouterr().err


def test_missing_file_gives_a_clear_error(tmp_path, capsys) -> None:
    code = main(["compare", "--data", str(tmp_path / "absent.csv"), "--out", str(tmp_path / "o"), "--quick"])
    assert code == 2
    assert "absent.csv: file not found" in capsys.readouterr().err


def test_unreachable_pretrained_model_fails_fast(corpus_csv, tmp_path, capsys) -> None:
    code = main(["compare", "--data", str(corpus_csv), "--out", str(tmp_path / "o"), "--quick",
                 "--model", "t5-small"])
    assert code == 2
    assert "t5-small" in capsys.readouterr().err


def test_few_shot_points_skip_t5_by_default_and_lc_methods_must_be_run(corpus_csv, tmp_path) -> None:
    from nlp.cli import _config, build_parser
    from nlp.compare import Comparison

    argv = ["compare", "--data", str(corpus_csv), "--out", str(tmp_path), "--quick"]
    cfg = _config(build_parser().parse_args(argv), argv)
    lc = Comparison(cfg).learning_curve_methods()
    assert "tfidf_linear" in lc and "setfit_minilm" in lc
    assert not any(m.startswith("t5_") for m in lc)
    argv2 = [*argv, "--lc-methods", "t5_scratch,tfidf_linear"]
    assert Comparison(_config(build_parser().parse_args(argv2), argv2)).learning_curve_methods() == [
        "tfidf_linear", "t5_scratch"]
    with pytest.raises(SystemExit, match="lc-methods: minilm_finetuned not among the methods run"):
        main([*argv, "--lc-methods", "minilm_finetuned"])


def test_finetune_epochs_sets_the_ceiling_of_the_fine_tuned_minilm(corpus_csv, tmp_path) -> None:
    from nlp.cli import _config, build_parser

    argv = ["compare", "--data", str(corpus_csv), "--out", str(tmp_path), "--methods", "minilm_finetuned"]
    assert _config(build_parser().parse_args(argv), argv).finetune.epochs == 10
    argv3 = [*argv, "--finetune-epochs", "3"]
    cfg = _config(build_parser().parse_args(argv3), argv3)
    assert cfg.finetune.epochs == 3 and cfg.finetune.patience == 1
    with pytest.raises(SystemExit, match="finetune-epochs must be >= 1"):
        main([*argv, "--finetune-epochs", "0"])
