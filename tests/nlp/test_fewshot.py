"""Few-shot test: every fold, several draws, same subsample for every method, pooled McNemar."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nlp.data import stratified_per_class
from nlp.encoder_methods import SetFitSettings
from nlp.fewshot import FewShotConfig, FewShotStudy, combine, paper_setfit_steps

pytestmark = pytest.mark.nlp


def test_paper_budget_is_140_steps_at_8_per_class_for_7_classes() -> None:
    assert paper_setfit_steps(56, SetFitSettings()) == 140
    assert paper_setfit_steps(112, SetFitSettings()) == 280


def test_study_pools_every_fold_and_draw_and_tests_setfit(corpus, tiny_encoder_dir, tmp_path) -> None:
    cfg = FewShotConfig(per_class=[3], draws=2, n_splits=3, methods=["tfidf_linear", "setfit_minilm"],
                        setfit=SetFitSettings(max_steps=1, batch_size=4, max_length=16),
                        setfit_steps={3: 1}, encoder_dir=tiny_encoder_dir, quick=True)
    res = FewShotStudy(corpus, cfg, log=lambda _m: None).run(tmp_path)
    saved = json.loads((tmp_path / "fewshot.json").read_text(encoding="utf-8"))
    assert saved["meta"]["complete"] and not (tmp_path / "fewshot.partial.json").exists()
    block = combine([res])["per_class"]["3"]
    y = np.asarray(corpus.labels)
    for m, info in block["methods"].items():
        # One out-of-fold prediction per text of the corpus in every draw.
        draws = res["predictions"]["3"][m]
        assert [len(p) for p in draws] == [len(corpus)] * 2 and all(p is not None for d in draws for p in d)
        assert info["complete_draws"] == [0, 1]
        assert info["accuracy_per_complete_draw"] == [float(np.mean(np.asarray(d) == y)) for d in draws]
    test = block["mcnemar"]["tfidf_linear vs setfit_minilm"]
    assert test["n_pairs"] == 2 * len(corpus)
    assert {"only_a_right", "only_b_right", "p_value", "p_value_holm"} <= set(test)
    fits = res["fits"]
    assert {r["n_train"] for r in fits} == {21}  # 3 per class x 7 classes, the same texts for every method
    assert len(fits) == 2 * 3 * 2
    assert {r["setfit_steps"] for r in fits if r["method"] == "setfit_minilm"} == {1}


@pytest.mark.parametrize("bf16", [False, True])
def test_setfit_bf16_covers_the_contrastive_phase_only(corpus, tiny_encoder_dir, monkeypatch, bf16) -> None:
    import torch
    from setfit import Trainer

    from nlp.encoder_methods import train_setfit

    seen: list[bool] = []
    original = Trainer.train_embeddings

    def recording(self, *args, **kwargs):
        seen.append(torch.is_autocast_enabled("cpu"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Trainer, "train_embeddings", recording)
    train = corpus.subset(stratified_per_class(corpus.labels, 3, 0))
    model = train_setfit(train, tiny_encoder_dir, SetFitSettings(max_steps=1, batch_size=4, max_length=16, bf16=bf16),
                         quick_head=True)
    assert seen == [bf16]
    assert not torch.is_autocast_enabled("cpu")
    # Autocast computes in bfloat16 but keeps the weights in float32: the saved model is unchanged in kind.
    assert {p.dtype for p in model.model_body.parameters()} == {torch.float32}


def test_a_partial_run_is_tested_only_on_the_texts_both_methods_covered() -> None:
    y = [0, 1, 0, 1]
    def run(m, draws):
        return {"meta": {"command": m, "total_time_s": 1.0, "load_average_start": None, "load_average_end": None},
                "protocol": {"seed": 42, "n_splits": 2}, "label_names": ["A", "B"],
                "texts": {"ids": ["a", "b", "c", "d"], "y_true": y}, "fits": [], "predictions": {"8": {m: draws}}}
    full = run("tfidf_linear", [[0, 1, 0, 0], [0, 1, 1, 1]])
    part = run("setfit_minilm", [[0, 1, None, None], [None, None, None, None]])
    block = combine([full, part])["per_class"]["8"]
    assert block["methods"]["setfit_minilm"]["complete_draws"] == []
    assert block["methods"]["setfit_minilm"]["n_predictions"] == 2
    assert block["methods"]["tfidf_linear"]["accuracy_per_complete_draw"] == [0.75, 0.75]
    assert block["mcnemar"]["tfidf_linear vs setfit_minilm"]["n_pairs"] == 2
