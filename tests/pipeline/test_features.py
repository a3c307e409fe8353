import math

import polars as pl
import pytest

from scoring.data import load_tables
from scoring.features import (
    KEY,
    TARGET,
    application_features,
    build_feature_frame,
    client_feature_row,
    feature_names,
    model_matrix,
    side_table_aggregates,
)
from scoring.schema import SENTINEL_DAYS


@pytest.fixture(scope="module")
def batch(synthetic_tables):
    return build_feature_frame(synthetic_tables)


def _rows_equal(left: dict, right: dict) -> list[str]:
    different = []
    for name, value in left.items():
        other = right[name]
        both_nan = isinstance(value, float) and isinstance(other, float) and math.isnan(value) and math.isnan(other)
        if not (value == other or (value is None and other is None) or both_nan):
            different.append(f"{name}: batch={value!r} single={other!r}")
    return different


def test_single_client_path_gives_exactly_the_batch_row(batch, synthetic_tables):
    features, aggregates = batch
    applications = synthetic_tables["application_train"].collect()
    with_history = set(aggregates[KEY].to_list())
    ids = applications[KEY].to_list()
    chosen = [i for i in ids if i in with_history][:20] + [i for i in ids if i not in with_history][:5]
    assert len(chosen) >= 20
    aggregate_rows = {row[KEY]: row for row in aggregates.filter(pl.col(KEY).is_in(chosen)).to_dicts()}
    batch_rows = {row[KEY]: row for row in features.filter(pl.col(KEY).is_in(chosen)).to_dicts()}
    for client in chosen:
        application = applications.filter(pl.col(KEY) == client).to_dicts()[0]
        single = client_feature_row(application, aggregate_rows.get(client), aggregates.schema)
        expected = {k: v for k, v in batch_rows[client].items() if k != TARGET}
        assert single.columns == list(expected), "same columns in the same order"
        assert _rows_equal(expected, single.to_dicts()[0]) == []
        assert single.schema == features.drop(TARGET).schema


def test_sentinel_becomes_missing_and_ratios_are_computed():
    frame = pl.DataFrame(
        {
            "AMT_CREDIT": [500_000.0, 300_000.0],
            "AMT_ANNUITY": [25_000.0, 0.0],
            "AMT_INCOME_TOTAL": [100_000.0, 50_000.0],
            "AMT_GOODS_PRICE": [450_000.0, None],
            "DAYS_EMPLOYED": [-1_000, SENTINEL_DAYS],
            "DAYS_BIRTH": [-10_000, -20_000],
            "CNT_FAM_MEMBERS": [2.0, 1.0],
            "EXT_SOURCE_1": [None, 0.2],
            "EXT_SOURCE_2": [0.5, 0.4],
            "EXT_SOURCE_3": [0.7, None],
        }
    )
    out = application_features(frame).to_dicts()
    first, second = out
    assert first["CREDIT_TO_ANNUITY_RATIO"] == 20.0
    assert first["CREDIT_TO_INCOME_RATIO"] == 5.0
    assert first["EMPLOYED_TO_AGE_RATIO"] == pytest.approx(0.1)
    assert second["DAYS_EMPLOYED"] is None, "365243 means 'not employed', never a real duration"
    assert second["EMPLOYED_TO_AGE_RATIO"] is None
    assert second["CREDIT_TO_ANNUITY_RATIO"] is None, "no division by a zero annuity"
    assert first["EXT_SOURCE_MEAN"] == pytest.approx(0.6)
    assert first["EXT_SOURCE_MISSING_COUNT"] == 1
    assert first["EXT_SOURCE_PRODUCT"] is None


def test_installment_aggregates_measure_lateness_and_underpayment(synthetic_tables):
    installments = pl.DataFrame(
        {
            "SK_ID_PREV": [1, 1, 1, 2],
            "SK_ID_CURR": [10, 10, 10, 10],
            "NUM_INSTALMENT_VERSION": [1.0, 1.0, 1.0, 1.0],
            "NUM_INSTALMENT_NUMBER": [1, 2, 3, 1],
            "DAYS_INSTALMENT": [-100.0, -70.0, -40.0, -500.0],
            "DAYS_ENTRY_PAYMENT": [-105.0, -60.0, -40.0, -480.0],
            "AMT_INSTALMENT": [1000.0, 1000.0, 1000.0, 500.0],
            "AMT_PAYMENT": [1000.0, 500.0, 1000.0, 500.0],
        }
    )
    tables = dict(synthetic_tables)
    tables["installments_payments"] = installments.lazy()
    aggregates = side_table_aggregates(tables).collect()
    row = aggregates.filter(pl.col(KEY) == 10).to_dicts()[0]
    assert row["INST_PAYMENT_COUNT"] == 4
    assert row["INST_LATE_SHARE"] == 0.5  # 10 and 20 days late
    assert row["INST_DAYS_LATE_MAX"] == 20
    assert row["INST_DAYS_LATE_MEAN"] == pytest.approx((0 + 10 + 0 + 20) / 4)
    assert row["INST_UNDERPAID_SHARE"] == 0.25
    assert row["INST_AMT_UNDERPAID_SUM"] == 500.0
    assert row["INST_LATE_SHARE_RECENT"] == pytest.approx(1 / 3)


def test_real_kaggle_samples_go_through_loader_and_features(samples_dir, tmp_path):
    tables = load_tables(samples_dir, cache_dir=tmp_path)
    features, aggregates = build_feature_frame(tables)
    assert features.height == 1000
    assert features[KEY].n_unique() == 1000
    assert aggregates.height > 0
    names = feature_names(features)
    matrix = model_matrix(features, names)
    assert list(matrix.columns) == names
    assert matrix["CODE_GENDER"].dtype.name == "category"
    assert not matrix["CODE_GENDER"].isna().any(), "every real level is a known category"
    assert (features["DAYS_EMPLOYED"] == SENTINEL_DAYS).sum() == 0


def test_every_model_feature_has_a_french_and_an_english_label(batch):
    from scoring.feature_labels import feature_label

    features, _ = batch
    for name in feature_names(features):
        french, english = feature_label(name, "fr"), feature_label(name, "en")
        assert french != name and english != name, f"{name} has no label"
        assert french != english or name.startswith("FLAG_DOCUMENT"), f"{name}: French label not translated"
