from __future__ import annotations

import numpy as np
import pytest

from nlp.span_corruption import SpanCorruptionCollator, corrupt_spans, random_spans_noise_mask

pytestmark = pytest.mark.nlp

SENTINELS = list(range(1000, 1100))


def test_noise_density_and_span_length() -> None:
    rng = np.random.default_rng(0)
    mask = random_spans_noise_mask(200, rng)
    assert mask.sum() == 30  # 15 % of 200
    starts = np.flatnonzero(mask & ~np.concatenate([[False], mask[:-1]]))
    assert len(starts) == 10  # 30 noise tokens / mean span 3


def test_inputs_and_targets_reconstruct_the_text() -> None:
    rng = np.random.default_rng(1)
    tokens = list(range(10, 110))
    inputs, targets = corrupt_spans(tokens, SENTINELS, rng)
    rebuilt: list[int] = []
    spans: dict[int, list[int]] = {}
    current = None
    for t in targets:
        if t in SENTINELS:
            current = t
            spans[t] = []
        else:
            spans[current].append(t)
    for t in inputs:
        rebuilt.extend(spans[t] if t in SENTINELS else [t])
    assert rebuilt == tokens
    assert inputs.count(SENTINELS[0]) == 1 and targets[0] == SENTINELS[0]


def test_collator_pads_and_masks_labels() -> None:
    coll = SpanCorruptionCollator(sentinels=SENTINELS, eos_id=1, pad_id=0, seed=0)
    batch = coll([{"input_ids": list(range(10, 40))}, {"input_ids": list(range(10, 20))}])
    assert batch["input_ids"].shape[0] == 2
    assert (batch["labels"] == -100).any()
    assert batch["attention_mask"][1].sum() < batch["attention_mask"][0].sum()
