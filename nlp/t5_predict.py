"""T5 inference: rank the closed set of category strings by sequence likelihood, or generate freely."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from transformers import PreTrainedTokenizerBase, T5ForConditionalGeneration

from nlp.t5_train import encode_inputs


def _batches(n: int, size: int):
    for start in range(0, n, size):
        yield slice(start, min(n, start + size))


@torch.no_grad()
def rank_label_scores(
    model: T5ForConditionalGeneration,
    tokenizer: PreTrainedTokenizerBase,
    texts: Sequence[str],
    label_names: Sequence[str],
    max_input_len: int,
    batch_size: int = 32,
) -> np.ndarray:
    """(n_texts, n_labels) log P(label string + </s> | input), summed over the label's tokens."""
    model.eval()
    enc = encode_inputs(tokenizer, texts, max_input_len)
    lab = tokenizer(list(label_names), padding=True, return_tensors="pt")
    cand = lab["input_ids"].masked_fill(lab["attention_mask"] == 0, -100)  # (K, T)
    n_labels = cand.shape[0]
    scores = np.zeros((len(texts), n_labels), dtype=np.float64)
    for sl in _batches(len(texts), batch_size):
        batch = tokenizer.pad(
            {"input_ids": enc["input_ids"][sl], "attention_mask": enc["attention_mask"][sl]},
            return_tensors="pt",
        )
        # Encode each text once, then score all K candidates against the shared encoder states.
        hidden = model.get_encoder()(
            input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]
        ).last_hidden_state
        b = hidden.shape[0]
        hidden_k = hidden.repeat_interleave(n_labels, dim=0)
        mask_k = batch["attention_mask"].repeat_interleave(n_labels, dim=0)
        labels_k = cand.repeat(b, 1)
        out = model(encoder_outputs=(hidden_k,), attention_mask=mask_k, labels=labels_k)
        logp = torch.log_softmax(out.logits.float(), dim=-1)
        valid = labels_k != -100
        tok_logp = logp.gather(-1, labels_k.clamp(min=0).unsqueeze(-1)).squeeze(-1) * valid
        scores[sl] = tok_logp.sum(-1).view(b, n_labels).numpy()
    return scores


def label_token_counts(tokenizer: PreTrainedTokenizerBase, label_names: Sequence[str]) -> np.ndarray:
    """Tokens scored per label (including </s>): the divisor of length-normalised ranking."""
    return np.array([len(ids) for ids in tokenizer(list(label_names))["input_ids"]], dtype=np.float64)


def length_normalised(scores: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Mean log-probability per label token, so long labels are not penalised for their length."""
    return scores / counts[None, :]


def normalise_label(text: str) -> str:
    # Our trained tokenizer lowercases, so validity is judged case- and whitespace-insensitively.
    return " ".join(text.lower().split())


@torch.no_grad()
def generate_labels(
    model: T5ForConditionalGeneration,
    tokenizer: PreTrainedTokenizerBase,
    texts: Sequence[str],
    label_names: Sequence[str],
    max_input_len: int,
    batch_size: int = 32,
) -> tuple[list[str], np.ndarray]:
    """Greedy free generation; returns raw strings and label ids (-1 where not a valid label)."""
    model.eval()
    enc = encode_inputs(tokenizer, texts, max_input_len)
    lookup = {normalise_label(name): i for i, name in enumerate(label_names)}
    max_new = max(len(x) for x in tokenizer(list(label_names))["input_ids"]) + 4
    outputs: list[str] = []
    for sl in _batches(len(texts), batch_size):
        batch = tokenizer.pad(
            {"input_ids": enc["input_ids"][sl], "attention_mask": enc["attention_mask"][sl]},
            return_tensors="pt",
        )
        gen = model.generate(**batch, max_new_tokens=max_new, num_beams=1, do_sample=False)
        outputs.extend(tokenizer.batch_decode(gen, skip_special_tokens=True))
    ids = np.array([lookup.get(normalise_label(o), -1) for o in outputs], dtype=np.int64)
    return outputs, ids
