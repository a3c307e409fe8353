import numpy as np
import polars as pl
import pytest

from scoring.features import KEY
from scoring.model.threshold import decide
from scoring.service import ScoringService


@pytest.fixture(scope="module")
def service(trained_artifact):
    return ScoringService.from_artifact(trained_artifact)


@pytest.fixture(scope="module")
def applications(synthetic_tables):
    return synthetic_tables["application_train"].collect()


def test_service_gives_the_batch_probability_and_a_consistent_decision(service, applications):
    sample = service.artifact.reference_sample.head(15)
    rows = {r[KEY]: r for r in applications.filter(pl.col(KEY).is_in(sample[KEY].tolist())).to_dicts()}
    for client, expected in zip(sample[KEY], sample["PROBABILITY_OF_DEFAULT"], strict=True):
        score = service.score(rows[client])
        assert score.probability_of_default == pytest.approx(expected, abs=1e-6)
        assert score.decision == decide(score.probability_of_default, *score.review_band)
        margin = score.base_value + score.contributions.sum()
        assert 1 / (1 + np.exp(-margin)) == pytest.approx(score.probability_of_default, abs=1e-6)


def test_reasons_are_labelled_and_signed(service, applications):
    score = service.score(applications.row(0, named=True))
    reasons = score.reasons(count=3, lang="fr")
    assert all(r.contribution > 0 for r in reasons["raises_risk"])
    assert all(r.contribution < 0 for r in reasons["lowers_risk"])
    assert all(r.label != r.feature for group in reasons.values() for r in group)
    english = score.reasons(count=3, lang="en")
    assert [r.feature for r in english["raises_risk"]] == [r.feature for r in reasons["raises_risk"]]
    assert score.by_source().sum() == pytest.approx(score.contributions.sum())


def test_lower_external_scores_raise_the_score(service, applications):
    client = applications.row(0, named=True)
    base = service.score(client).probability_of_default
    worse = dict(client, EXT_SOURCE_1=0.05, EXT_SOURCE_2=0.05, EXT_SOURCE_3=0.05)
    assert service.score(worse).probability_of_default > base


def test_a_new_client_without_history_is_scored(service, applications):
    client = dict(applications.row(0, named=True), SK_ID_CURR=None)
    score = service.score(client)
    assert 0 < score.probability_of_default < 1
    assert score.decision in {"granted", "to_review", "refused"}
