from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from nlp.data import make_folds
from nlp.t5_model import T5_SIZES, build_scratch_t5
from nlp.t5_tokenizer import train_t5_tokenizer
from nlp.t5_train import TrainSettings, finetune_text_to_text

pytestmark = pytest.mark.nlp


@pytest.fixture(scope="module")
def fold0_model_dir(corpus, tmp_path_factory):
    """A tiny T5 fine-tuned on fold 0 of the generated corpus, saved as `compare --keep-models` does."""
    tr, _ = make_folds(corpus.labels, 5, 42)[0]
    train = corpus.subset(tr)
    tok = train_t5_tokenizer(train.texts, vocab_size=600, extra_texts=train.label_names)
    torch.manual_seed(0)
    model = build_scratch_t5(tok, T5_SIZES["tiny"])
    finetune_text_to_text(model, tok, train.texts, [train.label_names[y] for y in train.labels],
                          TrainSettings(epochs=3, batch_size=16, max_input_len=48, learning_rate=3e-3))
    path = tmp_path_factory.mktemp("models") / "scratch_fold0"
    model.save_pretrained(path)
    tok.save_pretrained(path)
    return path


def test_integrated_gradients_add_up_to_the_label_score_difference(fold0_model_dir, corpus) -> None:
    from nlp.explain import t5_word_attributions
    from nlp.t5_model import load_pretrained_t5

    model, tok = load_pretrained_t5(str(fold0_model_dir))
    attr, delta = t5_word_attributions(model, tok, corpus.texts[0], corpus.label_names[0], 48, n_steps=64)
    assert len(attr.words) == len(attr.scores) > 0
    # Completeness (captum's own check): attributions sum to score(text) - score(baseline).
    assert delta <= 0.05 * abs(attr.total) + 1e-3
    assert "classify:" not in " ".join(attr.words)


def test_tfidf_word_contributions_rebuild_the_decision_score(corpus) -> None:
    from nlp.baseline import tfidf_search
    from nlp.explain import tfidf_word_attributions

    search = tfidf_search(quick=True).fit(corpus.texts, corpus.labels)
    pipe = search.best_estimator_
    text = corpus.texts[5]
    for c in (0, 3):
        attr = tfidf_word_attributions(pipe, text, c, corpus.label_names[c])
        decision = pipe.decision_function([text])[0][c]
        assert np.isclose(sum(attr.scores) + attr.residual, decision, atol=1e-6)


def test_explain_writes_local_and_global_views(fold0_model_dir, corpus, tmp_path) -> None:
    from nlp.explain import explain

    folds = make_folds(corpus.labels, 5, 42)
    res = explain(fold0_model_dir, corpus, folds, tmp_path, max_len=48, n_steps=4, global_texts=14, quick=True)
    saved = json.loads((tmp_path / "explanations.json").read_text())
    assert saved["local"] and len(saved["global_t5"]) == 7 and len(saved["global_tfidf"]) == 7
    for case in res["local"]:
        assert (tmp_path / case["figure"]).stat().st_size > 0
    assert (tmp_path / "explain_global.png").stat().st_size > 0


def test_explain_names_a_missing_model_dir(corpus, tmp_path) -> None:
    from nlp.explain import ExplainError, explain

    with pytest.raises(ExplainError, match="no-model"):
        explain(tmp_path / "no-model", corpus, make_folds(corpus.labels, 5, 42), tmp_path / "o")
