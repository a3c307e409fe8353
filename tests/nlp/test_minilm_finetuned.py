"""Fine-tuned MiniLM: mean pooling as the sentence encoder was trained, validation split, early stopping."""

from __future__ import annotations

import pytest
import torch

pytestmark = pytest.mark.nlp


def test_mean_pooling_ignores_padding_and_training_keeps_the_best_validation_epoch(corpus, tiny_encoder_dir) -> None:
    from transformers import AutoModel, AutoTokenizer

    from nlp.data import make_folds
    from nlp.encoder_methods import FineTuneSettings, MeanPoolClassifier, _transformer_dir, run_minilm_finetuned

    path = _transformer_dir(tiny_encoder_dir)
    tok = AutoTokenizer.from_pretrained(str(path))
    model = MeanPoolClassifier(AutoModel.from_pretrained(str(path)), 7).eval()
    short = tok(["baby soft"], return_tensors="pt")
    padded = tok(["baby soft"], return_tensors="pt", padding="max_length", max_length=12)
    with torch.no_grad():
        torch.testing.assert_close(model(short["input_ids"], short["attention_mask"]),
                                   model(padded["input_ids"], padded["attention_mask"]))

    tr, te = make_folds(corpus.labels, 5, 42)[0]
    train, test = corpus.subset(tr), corpus.subset(te)
    res = run_minilm_finetuned(train, test, tiny_encoder_dir,
                               FineTuneSettings(epochs=3, batch_size=16, max_length=32, patience=1), seed=0)
    assert res.extra["pooling"] == "mean"
    # 10 % of each class of the training fold held out: 168 texts, 24 per class -> 2 or 3 per class.
    assert 14 <= res.extra["n_validation"] <= 21
    losses = res.extra["val_losses"]
    assert 1 <= len(losses) <= 3 and res.extra["best_epoch"] == 1 + losses.index(min(losses))
    assert len(res.y_pred) == len(test)
