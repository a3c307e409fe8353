import json
import shutil

import numpy as np
import pytest

from scoring.features import FEATURE_PIPELINE_VERSION
from scoring.model.artifacts import REQUIRED_FILES, ArtifactError, load_artifact, resolve_artifact_dir


def test_end_to_end_training_writes_a_complete_model_card(trained_artifact):
    card = json.loads((trained_artifact / "model_card.json").read_text())
    assert card["data"]["source"] == "synthetic"
    assert card["data"]["train_applications"] == 3_000
    assert len(card["data"]["sha256"]) == 64
    assert card["cv_auc"]["n_folds"] == 3 and len(card["cv_auc"]["per_fold"]) == 3
    assert 0.6 < card["cv_auc"]["mean"] <= 1.0
    assert card["oracle_auc"] is not None and card["oracle_auc"] > card["baselines_auc"]["dummy_prior"]["auc_mean"]
    assert card["baselines_auc"]["dummy_prior"]["auc_mean"] == pytest.approx(0.5)
    assert card["baselines_auc"]["logistic_application"]["auc_mean"] > 0.55
    assert card["baselines_auc"]["xgboost_application"]["auc_mean"] > 0.55
    threshold = card["threshold"]
    assert 0 < threshold["value"] < 1
    assert threshold["review_band"][0] <= threshold["value"] <= threshold["review_band"][1]
    assert threshold["business_cost_oof"] <= threshold["cost_if_all_granted"]
    assert 0 < card["calibration"]["brier_score"] < 0.2
    assert 0 <= card["calibration"]["expected_calibration_error"] < 0.1
    assert card["model"]["n_features"] > 100
    for library in ("xgboost", "polars", "scikit-learn"):
        assert card["library_versions"][library]


def test_artifact_loads_with_reference_population(trained_artifact):
    artifact = load_artifact(trained_artifact.parent)  # via the LATEST pointer
    assert artifact.path == trained_artifact
    assert len(artifact.reference_sample) == 800
    assert artifact.reference_sample["TARGET"].mean() == pytest.approx(
        json.loads((trained_artifact / "model_card.json").read_text())["data"]["default_rate"], abs=0.01
    )
    amount = artifact.reference_distributions["AMT_CREDIT"]
    assert amount["kind"] == "numeric"
    histogram = amount["histogram"]
    assert sum(histogram["count_repaid"]) + sum(histogram["count_default"]) == 3_000
    gender = artifact.reference_distributions["CODE_GENDER"]
    assert gender["kind"] == "categorical" and {"F", "M"} <= {lvl["level"] for lvl in gender["levels"]}
    curve = json.loads((trained_artifact / "cost_curve.json").read_text())
    assert len(curve) == 201
    costs = np.array([point["cost"] for point in curve])
    card = json.loads((trained_artifact / "model_card.json").read_text())
    assert costs.min() >= card["threshold"]["business_cost_oof"]


@pytest.mark.parametrize("broken", ["pipeline_version", "missing_file", "feature_count", "category_levels"])
def test_artifact_that_does_not_fit_the_code_is_refused(trained_artifact, tmp_path, broken):
    copy = tmp_path / "artifact"
    shutil.copytree(trained_artifact, copy)
    features_path = copy / "features.json"
    features = json.loads(features_path.read_text())
    if broken == "pipeline_version":
        features["feature_pipeline_version"] = FEATURE_PIPELINE_VERSION + 1
        features_path.write_text(json.dumps(features))
        message = "feature pipeline version"
    elif broken == "missing_file":
        (copy / REQUIRED_FILES[0]).unlink()
        message = "incomplete"
    elif broken == "feature_count":
        features["feature_names"] = features["feature_names"][:-1]
        features_path.write_text(json.dumps(features))
        message = "expects"
    else:
        features["categories"]["CODE_GENDER"] = list(reversed(features["categories"]["CODE_GENDER"]))
        features_path.write_text(json.dumps(features))
        message = "CODE_GENDER"
    with pytest.raises(ArtifactError, match=message):
        load_artifact(copy)


def test_directory_without_artifact_names_the_fix(tmp_path):
    with pytest.raises(ArtifactError, match="credit-scoring demo"):
        resolve_artifact_dir(tmp_path)


def test_a_client_rescored_alone_from_the_artifact_gets_its_batch_probability(trained_artifact, synthetic_tables):
    import polars as pl

    from scoring.features import KEY, client_feature_row, model_matrix
    from scoring.model.training import predict_proba

    artifact = load_artifact(trained_artifact)
    aggregates = pl.read_parquet(trained_artifact / "side_aggregates.parquet")
    sample = artifact.reference_sample.head(25)
    applications = (
        synthetic_tables["application_train"].filter(pl.col(KEY).is_in(sample[KEY].tolist())).collect()
    )
    for client, expected in zip(sample[KEY], sample["PROBABILITY_OF_DEFAULT"], strict=True):
        application = applications.filter(pl.col(KEY) == client).to_dicts()[0]
        stored = aggregates.filter(pl.col(KEY) == client).to_dicts()
        row = client_feature_row(application, stored[0] if stored else None, artifact.aggregate_schema)
        probability = predict_proba(artifact.booster, model_matrix(row, artifact.feature_names))[0]
        assert probability == pytest.approx(expected, abs=1e-7)


def test_training_runs_on_the_real_kaggle_samples(samples_dir, tmp_path):
    from scoring.model.pipeline import TrainingOptions, train

    directory = train(samples_dir, tmp_path / "artifacts", TrainingOptions(n_folds=3), progress=False)
    card = json.loads((directory / "model_card.json").read_text())
    assert card["data"]["source"] == "kaggle"
    assert card["oracle_auc"] is None, "real data has no known true probability"
    assert card["data"]["rows"]["application_train"] == 1_000
    assert card["data"]["rows"]["application_test"] == 1_000
    assert card["data"]["default_rate"] == pytest.approx(0.06)
    assert load_artifact(directory).version.startswith("kaggle-")


def test_the_same_data_and_seed_rebuild_the_same_model(trained_artifact, synthetic_dir, tmp_path):
    from scoring.model.pipeline import TrainingOptions, train

    again = train(synthetic_dir, tmp_path / "again",
                  TrainingOptions(n_folds=3, seed=1, reference_sample_size=800), progress=False)
    first = json.loads((trained_artifact / "model_card.json").read_text())
    second = json.loads((again / "model_card.json").read_text())
    assert second["cv_auc"]["per_fold"] == pytest.approx(first["cv_auc"]["per_fold"], abs=1e-9)
    assert second["cv_auc"]["mean"] == pytest.approx(first["cv_auc"]["mean"], abs=1e-9)
    assert second["threshold"]["value"] == first["threshold"]["value"]
    assert second["threshold"]["review_band"] == first["threshold"]["review_band"]
    reference_first = load_artifact(trained_artifact).reference_sample
    reference_second = load_artifact(again).reference_sample
    assert reference_second["SK_ID_CURR"].tolist() == reference_first["SK_ID_CURR"].tolist()
    np.testing.assert_allclose(reference_second["PROBABILITY_OF_DEFAULT"],
                               reference_first["PROBABILITY_OF_DEFAULT"], rtol=0, atol=1e-9)
    reproducibility = second["reproducibility"]
    assert reproducibility["data_sha256"] == first["data"]["sha256"]
    assert reproducibility["seed"] == 1
    assert reproducibility["code_version"]["git_commit"] or reproducibility["code_version"]["package_version"]
    assert reproducibility["library_versions"]["xgboost"]
