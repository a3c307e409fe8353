"""Shared fixtures: the real Home Credit samples and a per-test loader cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The real 1,000-row samples (read-only). Override with HOME_CREDIT_SAMPLES on another machine.
SAMPLES_DIR = Path(
    os.environ.get(
        "HOME_CREDIT_SAMPLES",
        Path(__file__).resolve().parents[2] / "shared" / "data" / "home-credit",
    )
)


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    if not (SAMPLES_DIR / "application_train.csv").is_file():
        pytest.skip(f"real Home Credit samples not found in {SAMPLES_DIR}")
    return SAMPLES_DIR


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    """A private Parquet cache so tests never read a cache left by another run."""
    path = tmp_path / "cache"
    path.mkdir()
    return path
