"""SetFit explanations: layer IG through mean pooling and the logistic head is complete and per word."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytestmark = pytest.mark.nlp


def test_scorer_matches_setfit_and_attributions_add_up(corpus, tiny_encoder_dir, tmp_path) -> None:
    from nlp.data import make_folds
    from nlp.encoder_methods import SetFitSettings, train_setfit
    from nlp.explain_setfit import SetFitScorer, explain_setfit, setfit_word_attributions

    folds = make_folds(corpus.labels, 5, 42)
    tr, te = folds[0]
    train, test = corpus.subset(tr), corpus.subset(te)
    model = train_setfit(train, tiny_encoder_dir, SetFitSettings(max_steps=2, batch_size=4, max_length=32),
                         seed=0, quick_head=True)
    scorer = SetFitScorer(model, 32)
    # The torch re-implementation gives setfit's own probabilities (encoder, pooling, head).
    expected = model.predict_proba(test.texts[:5], as_numpy=True)
    got = np.vstack([scorer.log_proba(t).exp().numpy() for t in test.texts[:5]])
    np.testing.assert_allclose(got, expected, atol=1e-4)
    text = test.texts[0]
    attr, delta = setfit_word_attributions(scorer, text, 0, test.label_names[0], n_steps=64)
    # One score per word of the (truncated) text, summing to the score difference up to IG's error.
    assert attr.words and all(w in text for w in attr.words)
    assert abs(sum(attr.scores) - attr.total) <= delta + 1e-3

    res = explain_setfit(corpus, folds, tmp_path, tiny_encoder_dir, steps=2, max_length=32, n_steps=8,
                         global_steps=4, global_texts=14, quick=True)
    saved = json.loads((tmp_path / "setfit_explanations.json").read_text(encoding="utf-8"))
    assert saved["local"] and set(saved["global_setfit"]) == set(corpus.label_names)
    assert res["setfit_steps"] == 2
    for case in saved["local"]:
        assert (tmp_path / case["figure"].replace(".png", ".fr.png")).exists()
    assert (tmp_path / "setfit_global.fr.png").exists()
