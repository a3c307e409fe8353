from __future__ import annotations

import numpy as np
import pytest
import torch

from nlp.data import make_folds
from nlp.metrics import fold_metrics
from nlp.t5_model import T5_SIZES, build_scratch_t5, count_parameters
from nlp.t5_predict import generate_labels, rank_label_scores
from nlp.t5_tokenizer import sentinel_ids, train_t5_tokenizer
from nlp.t5_train import TrainSettings, finetune_text_to_text, pretrain_span_corruption

pytestmark = pytest.mark.nlp

SETTINGS = TrainSettings(epochs=1, batch_size=16, max_input_len=48, learning_rate=3e-3)


@pytest.fixture(scope="module")
def split(corpus):
    tr, te = make_folds(corpus.labels, 5, seed=0)[0]
    return corpus.subset(tr), corpus.subset(te)


@pytest.fixture(scope="module")
def tokenizer(split):
    train, _ = split
    return train_t5_tokenizer(train.texts, vocab_size=600, extra_texts=train.label_names)


def test_tokenizer_layout(tokenizer) -> None:
    assert tokenizer.pad_token_id == 0
    assert tokenizer("watches").input_ids[-1] == tokenizer.eos_token_id
    assert len(sentinel_ids(tokenizer)) == 100


def test_training_step_updates_weights_and_predictions_are_valid(split, tokenizer) -> None:
    train, test = split
    torch.manual_seed(0)
    model = build_scratch_t5(tokenizer, T5_SIZES["tiny"])
    assert count_parameters(model) > 0
    before = model.shared.weight.detach().clone()
    targets = [train.label_names[i] for i in train.labels]
    losses = finetune_text_to_text(model, tokenizer, train.texts, targets, SETTINGS)
    assert not torch.equal(before, model.shared.weight)
    assert all(np.isfinite(losses))

    scores = rank_label_scores(model, tokenizer, test.texts, test.label_names, SETTINGS.max_input_len)
    assert scores.shape == (len(test), 7)
    assert np.all(np.isfinite(scores)) and np.all(scores <= 0)
    pred = scores.argmax(axis=1)
    assert set(pred.tolist()) <= set(range(7))  # ranking can only return one of the 7 labels

    raw, gen_ids = generate_labels(model, tokenizer, test.texts, test.label_names, SETTINGS.max_input_len)
    assert len(raw) == len(test)
    assert set(gen_ids.tolist()) <= set(range(-1, 7))

    m = fold_metrics(test.labels, pred, 7)
    assert 0.0 <= m["accuracy"] <= 1.0 and 0.0 <= m["f1_macro"] <= 1.0
    assert np.asarray(m["confusion"]).sum() == len(test)


def test_span_corruption_pretraining_lowers_loss(split, tokenizer) -> None:
    train, _ = split
    torch.manual_seed(0)
    model = build_scratch_t5(tokenizer, T5_SIZES["tiny"])
    settings = TrainSettings(epochs=1, batch_size=16, max_input_len=32, learning_rate=1e-2)

    losses = pretrain_span_corruption(model, tokenizer, train.texts * 3, steps=30, settings=settings)
    assert losses and losses[-1] < np.log(len(tokenizer))  # below the uniform-guess loss


def test_rank_scoring_prefers_the_trained_label(tokenizer) -> None:
    # A model trained to always answer "Watches" must rank it first for any input.
    torch.manual_seed(0)
    model = build_scratch_t5(tokenizer, T5_SIZES["tiny"])
    texts = ["some product text"] * 32
    settings = TrainSettings(epochs=10, batch_size=16, max_input_len=16, learning_rate=1e-2)
    finetune_text_to_text(model, tokenizer, texts, ["Watches"] * 32, settings)
    names = ["Baby Care", "Computers", "Watches"]
    scores = rank_label_scores(model, tokenizer, ["another text"], names, 16)
    assert scores.argmax() == 2


def test_pretrained_checkpoint_from_a_local_directory(split, tokenizer, tmp_path) -> None:
    # Same code path as `--model t5-small`, fed a directory written by save_pretrained.
    from nlp.methods import T5Plan, T5Runner
    from nlp.t5_model import load_pretrained_t5

    train, test = split
    build_scratch_t5(tokenizer, T5_SIZES["tiny"]).save_pretrained(tmp_path)
    tokenizer.save_pretrained(tmp_path)
    _model, tok = load_pretrained_t5(str(tmp_path))
    assert tok.pad_token_id == tokenizer.pad_token_id
    plan = T5Plan(pretrained_settings=TrainSettings(epochs=1, max_input_len=32))
    res = T5Runner(plan).run_pretrained(str(tmp_path), train, test)
    assert set(res.y_pred.tolist()) <= set(range(7))
    assert 0.0 <= res.extra["invalid_generation_rate"] <= 1.0


def test_missing_pretrained_model_names_it(tmp_path) -> None:
    from nlp.t5_model import ModelLoadError, load_pretrained_t5

    with pytest.raises(ModelLoadError, match="no-such-t5"):
        load_pretrained_t5(str(tmp_path / "no-such-t5"))


def test_early_stopping_restores_the_best_validation_epoch(split, tokenizer) -> None:
    import math

    from transformers import DataCollatorForSeq2Seq

    from nlp.t5_train import _text_to_text_dataset

    train, test = split
    torch.manual_seed(0)
    model = build_scratch_t5(tokenizer, T5_SIZES["tiny"])
    settings = TrainSettings(epochs=6, batch_size=16, max_input_len=48, learning_rate=3e-3, patience=2)
    targets = [train.label_names[i] for i in train.labels]
    val_targets = [test.label_names[i] for i in test.labels]
    report: dict = {}
    finetune_text_to_text(model, tokenizer, train.texts, targets, settings,
                          eval_texts=test.texts, eval_targets=val_targets, report=report)
    assert report["best_val_loss"] == min(report["val_losses"]) or math.isclose(
        report["best_val_loss"], min(report["val_losses"]), abs_tol=1e-4)
    # The weights kept are those of the best epoch: their validation loss is the best one logged.
    ds = _text_to_text_dataset(tokenizer, test.texts, val_targets, 48)
    batch = DataCollatorForSeq2Seq(tokenizer, model=model, label_pad_token_id=-100)(list(ds))
    model.eval()
    with torch.no_grad():
        loss = float(model(**batch).loss)
    assert math.isclose(loss, report["best_val_loss"], rel_tol=1e-3)
