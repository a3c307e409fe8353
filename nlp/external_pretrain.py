"""T5 variant (c): tokenizer and span-corruption pretraining on a larger external English corpus.

Unlike variant (b), which pretrains on each training fold's 840 product texts, (c) pretrains once
on about 6 M words of news and newsgroup text that never saw a Flipkart product, so one model
serves every fold without leakage. The budget is wall time on one core (the brief: <= 30 min),
tokenizer training included. The result can be cached in a directory and reused by later runs.
"""

from __future__ import annotations

import json
import string
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from transformers import PreTrainedTokenizerFast, T5ForConditionalGeneration

from nlp.external_corpus import DEFAULT_CORPORA, load_external_corpus
from nlp.t5_model import T5_SIZES, build_scratch_t5
from nlp.t5_tokenizer import train_t5_tokenizer
from nlp.t5_train import LOG_EVERY, TrainSettings, pretrain_span_corruption

StepCallback = Callable[[int, int], None]
# The corpora are lower-cased letters only; product texts also carry digits and punctuation,
# which must stay encodable (as single-character pieces) rather than become <unk>.
PRODUCT_ALPHABET = string.digits + string.punctuation
INFO_FILE = "pretrain_info.json"


@dataclass(frozen=True)
class ExternalPretrainPlan:
    corpora: tuple[str, ...] = DEFAULT_CORPORA
    steps: int = 3500
    # Wall-time budget of the whole preparation (tokenizer + tokenization + pretraining).
    max_seconds: float = 1800.0
    batch_size: int = 16
    learning_rate: float = 1e-3
    seq_len: int = 128
    seed: int = 42

    def key(self, size: str, vocab_size: int) -> dict[str, Any]:
        return {**asdict(self), "corpora": list(self.corpora), "size": size, "vocab_size": vocab_size}


def _load_cached(cache_dir: Path, key: dict[str, Any]):
    info_path = cache_dir / INFO_FILE
    if not info_path.exists():
        return None
    info = json.loads(info_path.read_text(encoding="utf-8"))
    if info.get("key") != key:
        return None
    tok = PreTrainedTokenizerFast.from_pretrained(cache_dir)
    model = T5ForConditionalGeneration.from_pretrained(cache_dir)
    info["loaded_from_cache"] = str(cache_dir)
    return model, tok, info


def pretrain_external(
    plan: ExternalPretrainPlan,
    size: str,
    vocab_size: int,
    label_names: Sequence[str],
    datasets_dir: Path | None = None,
    cache_dir: Path | None = None,
    on_step: StepCallback | None = None,
) -> tuple[T5ForConditionalGeneration, PreTrainedTokenizerFast, dict[str, Any]]:
    """(model, tokenizer, info); `info` records the corpus, steps done, losses and times."""
    key = plan.key(size, vocab_size)
    if cache_dir is not None:
        cached = _load_cached(Path(cache_dir), key)
        if cached is not None:
            return cached
    start = time.perf_counter()
    corpus = load_external_corpus(plan.corpora, datasets_dir)
    t_load = time.perf_counter() - start
    # Label names are the fine-tuning targets: they must be encodable, as in variants (a) and (b).
    tok = train_t5_tokenizer(corpus.texts, vocab_size, extra_texts=label_names, alphabet=PRODUCT_ALPHABET)
    t_tok = time.perf_counter() - start - t_load
    torch.manual_seed(plan.seed)
    model = build_scratch_t5(tok, T5_SIZES[size])
    settings = TrainSettings(batch_size=plan.batch_size, learning_rate=plan.learning_rate,
                             max_input_len=plan.seq_len, seed=plan.seed)
    report: dict[str, Any] = {}
    remaining = max(0.0, plan.max_seconds - (time.perf_counter() - start))
    t0 = time.perf_counter()
    losses = pretrain_span_corruption(model, tok, corpus.texts, plan.steps, settings, on_step,
                                      max_seconds=remaining, report=report)
    t_pt = time.perf_counter() - t0
    info: dict[str, Any] = {
        "key": key,
        "corpus": {"names": list(plan.corpora), "documents": len(corpus.texts), "words": corpus.n_words,
                   "sources": corpus.sources},
        "load_time_s": t_load, "tokenizer_time_s": t_tok, "pretrain_time_s": t_pt,
        "total_time_s": time.perf_counter() - start,
        "pretrain_loss_first": losses[0] if losses else None,
        "pretrain_loss_last": losses[-1] if losses else None,
        "pretrain_losses": [round(x, 4) for x in losses], "loss_log_every": LOG_EVERY,
        **report,
    }
    info["tokens_seen"] = int(info["steps_done"] * plan.batch_size * plan.seq_len)  # upper bound (padding)
    if cache_dir is not None:
        cache = Path(cache_dir)
        cache.mkdir(parents=True, exist_ok=True)
        model.save_pretrained(cache)
        tok.save_pretrained(cache)
        (cache / INFO_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return model, tok, info


def tokenizer_diagnostics(tokenizer: PreTrainedTokenizerFast, texts: Sequence[str], label_names: Sequence[str],
                          max_len: int = 128) -> dict[str, Any]:
    """How a tokenizer cuts the product texts: tokens per word (T5 input, prefix included), share
    truncated at `max_len`, <unk> rate, and the tokens of each label name."""
    from nlp.t5_train import PREFIX

    lengths = [len(tokenizer(PREFIX + t)["input_ids"]) for t in texts]
    words = sum(len(t.split()) for t in texts)
    ids = [i for t in texts for i in tokenizer(t)["input_ids"]]
    return {
        "n_texts": len(texts),
        "n_words": words,
        "tokens_per_word": sum(lengths) / max(words, 1),
        "mean_tokens": sum(lengths) / max(len(lengths), 1),
        "share_truncated": sum(n > max_len for n in lengths) / max(len(lengths), 1),
        "max_len": max_len,
        "unk_rate": sum(i == tokenizer.unk_token_id for i in ids) / max(len(ids), 1),
        "label_tokens": {name: len(tokenizer(name)["input_ids"]) for name in label_names},
    }
