"""Shared fixtures: the real Home Credit samples, a per-test loader cache, and a generated
dataset with a model trained on it (session-wide, so every test package can score against a
real artifact)."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

from scoring.data import load_tables
from scoring.data.synthetic import generate_dataset
from scoring.model.pipeline import TrainingOptions, train

# The real 1,000-row samples, vendored (see tests/fixtures/home-credit/PROVENANCE.md).
# HOME_CREDIT_SAMPLES points the tests at another copy.
SAMPLES_DIR = Path(
    os.environ.get(
        "HOME_CREDIT_SAMPLES",
        Path(__file__).resolve().parent / "fixtures" / "home-credit",
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


@pytest.fixture(scope="session")
def synthetic_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("synthetic")
    generate_dataset(directory, n_clients=3_000, seed=7, progress=False)
    return directory


@pytest.fixture(scope="session")
def synthetic_tables(
    synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, pl.LazyFrame]:
    return load_tables(synthetic_dir, cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def trained_artifact(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("artifacts")
    return train(synthetic_dir, root, TrainingOptions(n_folds=3, seed=1, reference_sample_size=800),
                 progress=False)
