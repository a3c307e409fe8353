"""A T5-style SentencePiece-Unigram tokenizer trained on the training-fold texts only.

Layout follows T5: <pad>=0 (also the decoder start token), </s>=1, <unk>=2, and sentinel
tokens <extra_id_0>... used by span corruption. Every encoded sequence ends with </s>.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors, trainers
from tokenizers.models import Unigram
from transformers import PreTrainedTokenizerFast

PAD, EOS, UNK = "<pad>", "</s>", "<unk>"
N_SENTINELS = 100


def sentinel(i: int) -> str:
    return f"<extra_id_{i}>"


def train_t5_tokenizer(
    texts: Iterable[str], vocab_size: int = 8000, extra_texts: Iterable[str] = (), alphabet: Iterable[str] = ()
) -> PreTrainedTokenizerFast:
    """Train a Unigram tokenizer; `extra_texts` (e.g. the label names) must stay encodable.

    `alphabet`: characters kept as pieces even if the training texts lack them (a corpus stripped
    of digits and punctuation must still encode "500 GB" without <unk>).
    """
    special = [PAD, EOS, UNK] + [sentinel(i) for i in range(N_SENTINELS)]
    tok = Tokenizer(Unigram())
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    extra = {"initial_alphabet": sorted(set(alphabet))} if alphabet else {}
    trainer = trainers.UnigramTrainer(
        vocab_size=vocab_size, special_tokens=special, unk_token=UNK, shrinking_factor=0.75, **extra
    )
    corpus = list(texts) + list(extra_texts)
    tok.train_from_iterator(corpus, trainer=trainer)
    tok = _canonical_ids(tok, n_special=len(special))
    eos_id = tok.token_to_id(EOS)
    tok.post_processor = processors.TemplateProcessing(
        single=f"$A {EOS}", pair=f"$A {EOS} $B {EOS}", special_tokens=[(EOS, eos_id)]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        pad_token=PAD,
        eos_token=EOS,
        unk_token=UNK,
        model_max_length=1_000_000,  # callers truncate explicitly; pretraining chunks long texts
    )


def _canonical_ids(tok: Tokenizer, n_special: int) -> Tokenizer:
    """Re-number the learned pieces by (score desc, piece) after the special tokens.

    The Unigram trainer's scores differ between identical runs in the last bits (about 1e-15,
    summation order; measured even with TOKENIZERS_PARALLELISM=false), which swapped 2 to 9 of
    5,398 ids. Each id gets its own randomly initialised embedding row, so this changed the
    trained T5 from run to run; rare characters also get order-dependent scores 1e-4 apart.
    Rounding the scores to 0.001 then sorting makes the tokenizer reproducible (6 of 6 runs equal).
    """
    state = json.loads(tok.to_str())
    vocab = state["model"]["vocab"]
    head = vocab[:n_special]
    rest = [[piece, round(score, 3)] for piece, score in vocab[n_special:]]
    rest = sorted(rest, key=lambda piece_score: (-piece_score[1], piece_score[0]))
    state["model"]["vocab"] = head + rest
    return Tokenizer.from_str(json.dumps(state))


def sentinel_ids(tokenizer: PreTrainedTokenizerFast, n: int = N_SENTINELS) -> list[int]:
    """Ids of <extra_id_0>, <extra_id_1>, ... for this tokenizer (works for Hub T5 too)."""
    ids = tokenizer.convert_tokens_to_ids([sentinel(i) for i in range(n)])
    if any(i is None or i == tokenizer.unk_token_id for i in ids):
        raise ValueError("tokenizer has no <extra_id_*> sentinel tokens")
    return list(ids)
