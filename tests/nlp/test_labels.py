from __future__ import annotations

import json
from pathlib import Path

import pytest

from nlp.compare import ALL_METHODS
from nlp.labels import LANGS, TEXT, method_name, text
from nlp.report import write_reports

pytestmark = pytest.mark.nlp

RESULTS = Path(__file__).resolve().parents[2] / "reports" / "nlp" / "results.json"


def test_every_method_has_a_readable_name_in_both_languages() -> None:
    for method in ALL_METHODS:
        for lang in LANGS:
            assert method_name(method, lang) != method, f"{method} has no {lang} name"


def test_every_figure_text_exists_in_both_languages() -> None:
    assert all(set(v) == set(LANGS) for v in TEXT.values())
    assert text("confusion_title", "fr", method="m", folds=[0], acc="0,949").endswith("(exactitude 0,949)")


def test_unknown_language_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="lang must be one of fr, en, got 'de'"):
        text("accuracy", "de")


def test_unknown_method_id_is_shown_as_is() -> None:
    assert method_name("t5_finetuned:flan-t5-small", "fr") == "t5_finetuned:flan-t5-small"


def test_reports_write_each_figure_in_english_and_in_french(tmp_path) -> None:
    results = json.loads(RESULTS.read_text(encoding="utf-8"))
    written = {p.name for p in write_reports(results, tmp_path)}
    for stem in ["intervals", "learning_curve", *(f"confusion_{m}" for m in results["methods"])]:
        assert {f"{stem}.png", f"{stem}.fr.png"} <= written


def test_figures_command_draws_each_slide_figure_in_both_languages(corpus_csv, tmp_path) -> None:
    from nlp.cli import main

    info = tmp_path / "pretrain_info.json"
    info.write_text(json.dumps({"pretrain_losses": [9.0, 6.5, 5.1], "loss_log_every": 25}), encoding="utf-8")
    out = tmp_path / "figs"
    assert main(["figures", "--data", str(corpus_csv), "--out", str(out), "--results", str(RESULTS),
                 "--pretrain-info", str(info)]) == 0
    for stem in ("t5_text_to_text", "span_corruption", "setfit", "t5_pretraining"):
        assert (out / f"{stem}.png").stat().st_size > 0 and (out / f"{stem}.fr.png").stat().st_size > 0


def test_figures_command_needs_both_results_and_pretrain_info(corpus_csv, tmp_path) -> None:
    from nlp.cli import main

    with pytest.raises(SystemExit, match="--results and --pretrain-info go together"):
        main(["figures", "--data", str(corpus_csv), "--out", str(tmp_path), "--results", str(RESULTS)])
    bad = tmp_path / "info.json"
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(SystemExit, match="no pretrain_losses"):
        main(["figures", "--data", str(corpus_csv), "--out", str(tmp_path), "--results", str(RESULTS),
              "--pretrain-info", str(bad)])


def test_french_ticks_use_a_decimal_comma_without_rounding_away_the_tick() -> None:
    from nlp.labels import decimal_tick

    assert [decimal_tick(v) for v in (0.725, 0.75, 5.0, 0.0)] == ["0,725", "0,75", "5", "0"]
