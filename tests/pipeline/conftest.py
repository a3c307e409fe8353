"""Fixtures shared by the pipeline tests: a service on the session's trained artifact (no store)
and the synthetic training applications."""

from __future__ import annotations

import polars as pl
import pytest

from scoring.service import ScoringService


@pytest.fixture(scope="module")
def service(trained_artifact) -> ScoringService:
    return ScoringService.from_artifact(trained_artifact)


@pytest.fixture(scope="module")
def applications(synthetic_tables) -> pl.DataFrame:
    return synthetic_tables["application_train"].collect()
