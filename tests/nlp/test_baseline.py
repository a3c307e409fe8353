from __future__ import annotations

import pytest

from nlp.data import make_folds
from nlp.methods import run_bow, run_tfidf

pytestmark = pytest.mark.nlp


@pytest.mark.parametrize("runner", [run_tfidf, run_bow])
def test_baseline_learns_the_generated_categories(corpus, runner) -> None:
    tr, te = make_folds(corpus.labels, 5, seed=0)[0]
    train, test = corpus.subset(tr), corpus.subset(te)
    res = runner(train, test, quick=True, seed=0)
    m = res.metrics(test)
    assert m["accuracy"] > 0.8
    assert len(m["confusion"]) == 7
    assert res.params > 0 and res.size_on_disk_bytes > 0
    assert res.train_time_s > 0 and res.infer_time_per_text_s > 0
    assert "inner_cv_f1_macro" in m["best_params"]
