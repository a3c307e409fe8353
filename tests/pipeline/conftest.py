"""Real resources for the pipeline tests: a generated dataset and a model trained on it."""

from pathlib import Path

import pytest

from scoring.data import load_tables
from scoring.data.synthetic import generate_dataset
from scoring.model.pipeline import TrainingOptions, train


@pytest.fixture(scope="session")
def synthetic_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("synthetic")
    generate_dataset(directory, n_clients=3_000, seed=7, progress=False)
    return directory


@pytest.fixture(scope="session")
def synthetic_tables(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    return load_tables(synthetic_dir, cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def trained_artifact(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("artifacts")
    return train(synthetic_dir, root, TrainingOptions(n_folds=3, seed=1, reference_sample_size=800),
                 progress=False)
