"""T5's self-supervised objective: span corruption with sentinel tokens.

Mirrors `random_spans_noise_mask` from the T5 codebase: about `noise_density` of the tokens are
dropped in spans whose mean length is `mean_span_length`; each span is replaced in the input by
one sentinel, and the target lists each sentinel followed by the tokens it hides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch


def random_spans_noise_mask(
    length: int, rng: np.random.Generator, noise_density: float = 0.15, mean_span_length: float = 3.0
) -> np.ndarray:
    """Boolean mask of `length`, True on corrupted tokens, spans alternating with kept runs."""
    if length < 2:
        return np.zeros(length, dtype=bool)
    num_noise = int(np.clip(round(length * noise_density), 1, length - 1))
    num_spans = max(1, round(num_noise / mean_span_length))
    num_keep = length - num_noise
    num_spans = min(num_spans, num_noise, num_keep)

    def segment(total: int, parts: int) -> np.ndarray:
        # Random composition of `total` into `parts` positive integers.
        cuts = np.sort(rng.choice(np.arange(1, total), size=parts - 1, replace=False)) if parts > 1 else []
        return np.diff(np.concatenate([[0], cuts, [total]])).astype(int)

    noise_lens = segment(num_noise, num_spans)
    keep_lens = segment(num_keep, num_spans)
    mask = np.zeros(length, dtype=bool)
    pos = 0
    for keep, noise in zip(keep_lens, noise_lens, strict=True):
        pos += keep
        mask[pos : pos + noise] = True
        pos += noise
    return mask


def corrupt_spans(
    tokens: Sequence[int], sentinels: Sequence[int], rng: np.random.Generator,
    noise_density: float = 0.15, mean_span_length: float = 3.0,
) -> tuple[list[int], list[int]]:
    """(input_ids, target_ids) without EOS, for one token sequence."""
    mask = random_spans_noise_mask(len(tokens), rng, noise_density, mean_span_length)
    inputs: list[int] = []
    targets: list[int] = []
    span = -1
    for i, tok in enumerate(tokens):
        if mask[i]:
            if i == 0 or not mask[i - 1]:
                span += 1
                if span >= len(sentinels):
                    raise ValueError("more noise spans than sentinel tokens; shorten the sequences")
                inputs.append(sentinels[span])
                targets.append(sentinels[span])
            targets.append(tok)
        else:
            inputs.append(tok)
    return inputs, targets


@dataclass
class SpanCorruptionCollator:
    """Builds a fresh corruption of each chunk every time it is batched (dynamic masking)."""

    sentinels: Sequence[int]
    eos_id: int
    pad_id: int
    seed: int = 0
    noise_density: float = 0.15
    mean_span_length: float = 3.0

    def __post_init__(self) -> None:
        self._rng = np.random.default_rng(self.seed)

    def __call__(self, features: list[dict]) -> dict[str, torch.Tensor]:
        pairs = [
            corrupt_spans(f["input_ids"], self.sentinels, self._rng, self.noise_density, self.mean_span_length)
            for f in features
        ]
        inputs = [p[0] + [self.eos_id] for p in pairs]
        targets = [p[1] + [self.eos_id] for p in pairs]
        in_len = max(map(len, inputs))
        tgt_len = max(map(len, targets))
        input_ids = torch.full((len(inputs), in_len), self.pad_id, dtype=torch.long)
        attention = torch.zeros((len(inputs), in_len), dtype=torch.long)
        labels = torch.full((len(targets), tgt_len), -100, dtype=torch.long)
        for row, (inp, tgt) in enumerate(zip(inputs, targets, strict=True)):
            input_ids[row, : len(inp)] = torch.tensor(inp)
            attention[row, : len(inp)] = 1
            labels[row, : len(tgt)] = torch.tensor(tgt)
        return {"input_ids": input_ids, "attention_mask": attention, "labels": labels}


def chunk_token_ids(token_lists: Sequence[Sequence[int]], chunk_len: int) -> list[list[int]]:
    """Split each document's tokens into chunks of at most `chunk_len` (drops chunks < 8 tokens)."""
    chunks: list[list[int]] = []
    for toks in token_lists:
        for start in range(0, len(toks), chunk_len):
            piece = list(toks[start : start + chunk_len])
            if len(piece) >= 8:
                chunks.append(piece)
    return chunks
