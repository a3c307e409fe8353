"""ScoringService gives exactly what the batch pipeline gives, one client at a time or many."""

import numpy as np
import polars as pl
import pytest
import xgboost as xgb

from scoring.features import KEY, TARGET, build_feature_frame, model_matrix
from scoring.model.threshold import decide
from scoring.service import ScoreItem


@pytest.fixture(scope="module")
def batch_probabilities(service, synthetic_tables):
    """The final model's probabilities through the training path (pandas matrix, DMatrix)."""
    features, _ = build_feature_frame(synthetic_tables)
    X = model_matrix(features, service.feature_names)
    probabilities = service.booster.predict(xgb.DMatrix(X, enable_categorical=True))
    return dict(zip(features[KEY].to_list(), probabilities.tolist(), strict=True))


def _application(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != TARGET}


def test_one_client_at_a_time_gives_the_batch_probability(service, applications, batch_probabilities):
    for row in applications.head(40).iter_rows(named=True):
        score = service.score(_application(row))
        assert score.probability_of_default == pytest.approx(batch_probabilities[row[KEY]], abs=1e-6)
        assert score.decision == decide(score.probability_of_default, *score.review_band)
        margin = score.base_value + score.contributions.sum()
        assert 1 / (1 + np.exp(-margin)) == pytest.approx(score.probability_of_default, abs=1e-6)


def test_many_at_once_and_score_frame_agree_with_one_at_a_time(service, applications, batch_probabilities):
    rows = applications.head(60)
    items = [ScoreItem(application=_application(r)) for r in rows.iter_rows(named=True)]
    scored = service.score_requests(items, explain=False)
    framed = service.score_frame(rows.drop(TARGET))
    expected = [batch_probabilities[i] for i in rows[KEY].to_list()]
    assert [s.probability_of_default for s in scored] == pytest.approx(expected, abs=1e-6)
    assert framed["probability_of_default"].to_list() == pytest.approx(expected, abs=1e-6)
    assert framed["decision"].to_list() == [s.decision for s in scored]


def test_reasons_are_labelled_and_signed(service, applications):
    score = service.score(_application(applications.row(0, named=True)))
    reasons = score.reasons(count=3, lang="fr")
    assert all(r.contribution > 0 for r in reasons["raises_risk"])
    assert all(r.contribution < 0 for r in reasons["lowers_risk"])
    assert all(r.theme and r.code and r.sentence for group in reasons.values() for r in group)
    english = score.reasons(count=3, lang="en")
    assert [r.code for r in english["raises_risk"]] == [r.code for r in reasons["raises_risk"]]
    assert score.by_source().sum() == pytest.approx(score.contributions.sum())


def test_lower_external_scores_raise_the_score(service, applications):
    client = _application(applications.row(0, named=True))
    base = service.score(client).probability_of_default
    worse = dict(client, EXT_SOURCE_1=0.05, EXT_SOURCE_2=0.05, EXT_SOURCE_3=0.05)
    assert service.score(worse).probability_of_default > base


def test_a_new_client_is_scored_without_history(service, applications):
    with_history = next(r for r in applications.iter_rows(named=True) if service.has_history(r[KEY]))
    client = {k: v for k, v in _application(with_history).items() if k != KEY}
    new = service.score(client)
    known = service.score(_application(with_history))
    assert not new.has_history and known.has_history
    assert 0 < new.probability_of_default < 1
    assert new.probability_of_default != known.probability_of_default


def test_training_clients_are_flagged(service, applications, synthetic_tables):
    train_id = applications[KEY][0]
    assert service.score(_application(applications.row(0, named=True))).in_training_set
    test_ids = synthetic_tables["application_test"].select(KEY).collect()[KEY].to_list()
    assert not any(service.in_training_set(i) for i in test_ids[:50])
    assert service.in_training_set(train_id)
    assert pl.Series(test_ids).is_in(applications[KEY].to_list()).sum() == 0


def test_row_path_builds_the_same_float32_matrix_as_the_columnar_path(service, applications):
    """Small requests build the model matrix in Python; it must be polars' matrix, bit for bit."""
    rows = [_application(r) for r in applications.head(120).iter_rows(named=True)]
    rows[0] = {**rows[0], "NAME_TYPE_SUITE": None, "OCCUPATION_TYPE": None, "EXT_SOURCE_1": None}
    rows[1] = {**rows[1], "DAYS_EMPLOYED": 365243}
    features = service.feature_frame(rows, [None] * 60 + [r[KEY] for r in rows[60:]])
    columnar = service.model_matrix(features)
    by_rows = service.rows_matrix(service.row_values(features))
    assert by_rows.dtype == columnar.dtype == np.float32
    assert np.array_equal(by_rows, columnar, equal_nan=True)
    assert np.isnan(by_rows[0, service.feature_names.index("OCCUPATION_TYPE")])


def test_scores_below_and_above_the_row_path_limit_agree(service, applications):
    from scoring.service import ROWS_WITHOUT_POLARS

    rows = applications.head(ROWS_WITHOUT_POLARS + 10)
    items = [ScoreItem(application=_application(r)) for r in rows.iter_rows(named=True)]
    together = service.score_requests(items)
    alone = service.score_requests(items[:ROWS_WITHOUT_POLARS])
    for big, small in zip(together, alone, strict=False):
        assert big.probability_of_default == small.probability_of_default
        assert np.array_equal(big.contributions.to_numpy(), small.contributions.to_numpy())
