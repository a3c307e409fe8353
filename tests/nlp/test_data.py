from __future__ import annotations

import numpy as np
import pytest

from nlp.data import DataError, clean_text, load_flipkart, make_folds, stratified_fraction, top_level_category

from .conftest import write_corpus

pytestmark = pytest.mark.nlp


def test_top_level_category_parses_tree() -> None:
    assert top_level_category('["Baby Care >> Baby Bath & Skin >> Towels"]') == "Baby Care"
    assert top_level_category("Watches >> Wrist Watches") == "Watches"


def test_clean_text_collapses_whitespace_and_boilerplate() -> None:
    out = clean_text("Nice  mug &amp; cup\r\n Only Genuine Products. 30 Day Replacement Guarantee.")
    assert out == "Nice mug & cup"


def test_load_builds_labels_and_texts(corpus) -> None:
    assert len(corpus) == 210
    assert len(corpus.label_names) == 7
    assert np.bincount(corpus.labels).tolist() == [30] * 7
    assert all(t for t in corpus.texts)


def test_folds_are_stratified_disjoint_and_fixed(corpus) -> None:
    folds = make_folds(corpus.labels, 5, seed=1)
    again = make_folds(corpus.labels, 5, seed=1)
    test_union = np.concatenate([te for _, te in folds])
    assert sorted(test_union.tolist()) == list(range(len(corpus)))
    for (tr, te), (tr2, te2) in zip(folds, again, strict=True):
        assert not set(tr) & set(te)
        assert np.array_equal(te, te2) and np.array_equal(tr, tr2)
        assert np.bincount(corpus.labels[te]).tolist() == [6] * 7


def test_stratified_fraction_keeps_every_class(corpus) -> None:
    idx = stratified_fraction(corpus.labels, 0.1, seed=0)
    assert np.bincount(corpus.labels[idx]).tolist() == [3] * 7


def test_missing_file_is_named(tmp_path) -> None:
    with pytest.raises(DataError, match=r"nope\.csv: file not found"):
        load_flipkart(tmp_path / "nope.csv")


def test_missing_column_is_named(tmp_path) -> None:
    path = write_corpus(tmp_path / "bad.csv", per_class=5, drop="description")
    with pytest.raises(DataError, match=r"missing column.*description"):
        load_flipkart(path)
