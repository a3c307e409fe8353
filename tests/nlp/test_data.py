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


def test_shop_boilerplate_forms_are_removed_and_the_product_kept() -> None:
    from nlp.data import boilerplate_counts

    raw = [
        "Borse N16 Vanity Case. Buy Borse N16 Vanity Case for Rs.680 online. Borse N16 Vanity Case at best "
        "prices with & . Also keeps brushes.",
        "Camerii WM64 Analog Watch - For Men - Buy Camerii WM64 Analog Watch - For Men WM64 Online at Rs.449 in "
        "India Only at Flipkart.com. - Great Discounts, Only Genuine Products, 30 Day Replacement Guarantee, "
        "Free Shipping.",
        "Flipkart.com: Buy Svayam Manicure Duo for Rs. 645 from Flipkart.com. - Lowest Prices, Only Genuine "
        "Products, 30 Day Replacement Guarantee, Free Shipping. Cash On Delivery!",
    ]
    cleaned = [clean_text(t) for t in raw]
    assert cleaned[0] == "Borse N16 Vanity Case. Also keeps brushes."
    assert cleaned[1].startswith("Camerii WM64 Analog Watch - For Men")
    assert all(n == 0 for n in boilerplate_counts(cleaned).values())
    assert boilerplate_counts(raw)["for_rs_dot"] == 2


def test_tokenizer_ids_are_identical_between_runs(corpus) -> None:
    from nlp.t5_tokenizer import train_t5_tokenizer

    vocabs = [train_t5_tokenizer(corpus.texts, vocab_size=600).get_vocab() for _ in range(3)]
    assert vocabs[0] == vocabs[1] == vocabs[2]
