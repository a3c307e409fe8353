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
    contract = artifact.reference_distributions["NAME_CONTRACT_TYPE"]
    assert contract["kind"] == "categorical"
    assert {"Cash loans", "Revolving loans"} <= {lvl["level"] for lvl in contract["levels"]}
    curve = json.loads((trained_artifact / "cost_curve.json").read_text())
    assert len(curve) == 201
    costs = np.array([point["cost"] for point in curve])
    card = json.loads((trained_artifact / "model_card.json").read_text())
    assert costs.min() >= card["threshold"]["business_cost_oof"]


@pytest.mark.parametrize("broken", ["pipeline_version", "missing_file", "feature_count", "category_levels",
                                    "aggregate_missing", "aggregate_type"])
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
        dropped = features["feature_names"][-1]
        features["feature_names"] = features["feature_names"][:-1]
        features_path.write_text(json.dumps(features))
        message = f"expects .*only in the model: {dropped}"
    elif broken in ("aggregate_missing", "aggregate_type"):
        import polars as pl

        aggregates = pl.read_parquet(copy / "side_aggregates.parquet")
        if broken == "aggregate_missing":
            aggregates = aggregates.drop("INST_LATE_SHARE")
            message = "side_aggregates.parquet .*missing INST_LATE_SHARE"
        else:
            aggregates = aggregates.with_columns(pl.col("BUREAU_CREDIT_COUNT").cast(pl.Float64))
            message = "side_aggregates.parquet .*BUREAU_CREDIT_COUNT \\(Float64 instead of"
        aggregates.write_parquet(copy / "side_aggregates.parquet")
    else:
        features["categories"]["NAME_CONTRACT_TYPE"] = list(
            reversed(features["categories"]["NAME_CONTRACT_TYPE"]))
        features_path.write_text(json.dumps(features))
        message = "NAME_CONTRACT_TYPE"
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
    batch = predict_proba(artifact.booster, sample[artifact.feature_names])
    applications = (
        synthetic_tables["application_train"].filter(pl.col(KEY).is_in(sample[KEY].tolist())).collect()
    )
    for client, expected in zip(sample[KEY], batch, strict=True):
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


def test_reference_probabilities_are_the_out_of_fold_ones(trained_artifact):
    artifact = load_artifact(trained_artifact)
    clients = artifact.training_clients
    assert list(clients.columns) == ["SK_ID_CURR", "TARGET", "PROBABILITY_OF_DEFAULT_OOF"]
    assert len(clients) == 3_000 and clients["PROBABILITY_OF_DEFAULT_OOF"].between(0, 1).all()
    sample = artifact.reference_sample
    oof = clients.set_index("SK_ID_CURR").loc[sample["SK_ID_CURR"], "PROBABILITY_OF_DEFAULT_OOF"]
    np.testing.assert_array_equal(sample["PROBABILITY_OF_DEFAULT"].to_numpy(), oof.to_numpy())
    from scoring.model.training import predict_proba

    in_sample = predict_proba(artifact.booster, sample[artifact.feature_names])
    assert np.abs(in_sample - sample["PROBABILITY_OF_DEFAULT"].to_numpy()).max() > 1e-3, (
        "the final model's own probabilities are not what the reference sample shows"
    )
    card = json.loads((trained_artifact / "model_card.json").read_text())
    assert "out-of-fold" in card["calibration"]["measured_on"]
    assert str(card["final_model"]["boosting_rounds"]) in card["final_model"]["refit"]


def test_training_clients_are_recognised(trained_artifact, synthetic_tables):
    import polars as pl

    artifact = load_artifact(trained_artifact)
    trained = artifact.training_clients["SK_ID_CURR"]
    assert artifact.is_training_client(int(trained.iloc[0]))
    assert artifact.is_training_client(int(trained.iloc[-1]))
    new_client = synthetic_tables["application_test"].select(pl.col("SK_ID_CURR")).collect().item(0, 0)
    assert not artifact.is_training_client(new_client)
    assert not artifact.is_training_client(None)
    assert not artifact.is_training_client(10**12)
    assert artifact.training_client_ids.size == 3_000
    assert np.all(np.diff(artifact.training_client_ids) > 0)
    first = int(trained.iloc[0])
    assert artifact.out_of_fold_probability(first) == pytest.approx(
        float(artifact.training_clients["PROBABILITY_OF_DEFAULT_OOF"].iloc[0]))
    assert artifact.out_of_fold_probability(new_client) is None


def test_performance_file_holds_the_out_of_fold_model_page(trained_artifact):
    from sklearn.metrics import roc_auc_score

    artifact = load_artifact(trained_artifact)
    performance = json.loads((trained_artifact / "performance.json").read_text())
    assert performance == artifact.performance
    clients = artifact.training_clients
    y, p = clients["TARGET"].to_numpy(), clients["PROBABILITY_OF_DEFAULT_OOF"].to_numpy()
    roc = performance["roc"]
    assert roc["auc"] == pytest.approx(roc_auc_score(y, p), abs=1e-12)
    assert 2 <= len(roc["fpr"]) == len(roc["tpr"]) <= 200
    assert (roc["fpr"][0], roc["tpr"][0]) == (0.0, 0.0) and (roc["fpr"][-1], roc["tpr"][-1]) == (1.0, 1.0)
    assert all(np.diff(roc["fpr"]) >= 0) and all(np.diff(roc["tpr"]) >= 0)
    confusion = performance["confusion_matrix"]
    assert confusion["threshold"] == artifact.decision["threshold"]
    refused = p >= confusion["threshold"]
    assert confusion["true_positive"] == int((refused & (y == 1)).sum())
    assert confusion["false_negative"] == int((~refused & (y == 1)).sum())
    assert sum(confusion[k] for k in ("true_negative", "false_positive", "false_negative",
                                      "true_positive")) == len(y)
    decisions = performance["decisions"]
    assert sum(d["count"] for d in decisions.values()) == len(y)
    assert sum(d["defaults"] for d in decisions.values()) == int(y.sum())
    assert decisions["refused"]["count"] == int((p >= artifact.decision["review_high"]).sum())
    assert performance["cost_curve"] == json.loads((trained_artifact / "cost_curve.json").read_text())
    assert performance["reliability_curve"]


def test_latest_pointer_is_replaced_whole_and_leaves_no_temporary_file(tmp_path):
    from scoring.model.artifacts import write_latest_pointer

    for name in ("v1", "v2"):
        (tmp_path / name).mkdir()
        write_latest_pointer(tmp_path / name)
        assert (tmp_path / "LATEST").read_text() == f"{name}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["LATEST", "v1", "v2"]


def test_gender_is_kept_in_the_application_but_never_reaches_the_model(trained_artifact, synthetic_tables):
    from scoring.features import client_feature_row, model_matrix
    from scoring.model.training import predict_proba

    artifact = load_artifact(trained_artifact)
    assert "CODE_GENDER" not in artifact.feature_names
    assert "CODE_GENDER" not in artifact.categories
    card = json.loads((trained_artifact / "model_card.json").read_text())
    assert "CODE_GENDER" in card["model"]["excluded_columns"]
    application = synthetic_tables["application_train"].head(1).collect().to_dicts()[0]
    probabilities = []
    for gender in ("F", "M"):
        row = client_feature_row(dict(application, CODE_GENDER=gender), None, artifact.aggregate_schema)
        assert row["CODE_GENDER"].item() == gender
        probabilities.append(predict_proba(artifact.booster, model_matrix(row, artifact.feature_names))[0])
    assert probabilities[0] == probabilities[1]


def test_excluded_columns_are_a_setting_and_an_unknown_one_is_named():
    import polars as pl

    from scoring.feature_policy import EXCLUDED_COLUMNS
    from scoring.model.pipeline import TrainingOptions, model_feature_names

    assert TrainingOptions().excluded_columns == EXCLUDED_COLUMNS
    frame = pl.DataFrame({"SK_ID_CURR": [1], "TARGET": [0], "CODE_GENDER": ["F"], "AGE_YEARS": [40.0],
                          "AMT_CREDIT": [1.0]})
    assert model_feature_names(frame, ("CODE_GENDER",)) == ["AGE_YEARS", "AMT_CREDIT"]
    assert model_feature_names(frame, ()) == ["CODE_GENDER", "AGE_YEARS", "AMT_CREDIT"]
    assert model_feature_names(frame, ("CODE_GENDER", "AGE_YEARS")) == ["AMT_CREDIT"]
    # An engineered feature follows the column it is computed from.
    assert model_feature_names(frame, ("CODE_GENDER", "DAYS_BIRTH")) == ["AMT_CREDIT"]
    with pytest.raises(ValueError, match="RELIGION"):
        model_feature_names(frame, ("RELIGION",))


def test_fairness_section_compares_genders_and_age_bands_out_of_fold(trained_artifact, synthetic_tables):
    artifact = load_artifact(trained_artifact)
    card = json.loads((trained_artifact / "model_card.json").read_text())
    fairness = artifact.performance["fairness"]
    assert card["fairness"]["gender"] == fairness["gender"]
    assert "out-of-fold" in card["fairness"]["measured_on"]
    genders = fairness["gender"]["groups"]
    assert {"F", "M"} <= set(genders)
    assert sum(g["count"] for g in genders.values()) == 3_000
    applications = synthetic_tables["application_train"].select("SK_ID_CURR", "CODE_GENDER").collect()
    clients = artifact.training_clients.merge(applications.to_pandas(), on="SK_ID_CURR")
    women = clients[clients["CODE_GENDER"] == "F"]
    granted = women["PROBABILITY_OF_DEFAULT_OOF"] < artifact.decision["review_low"]
    assert genders["F"]["count"] == len(women)
    assert genders["F"]["approval_rate"] == pytest.approx(granted.mean())
    assert genders["F"]["default_rate_among_approved"] == pytest.approx(women.loc[granted, "TARGET"].mean())
    for group in genders.values():
        if not group.get("too_small"):
            assert 0.5 < group["auc"] <= 1 and 0 <= group["expected_calibration_error"] < 0.2
    bands = fairness["age_band"]["groups"]
    assert sum(g["count"] for g in bands.values()) == 3_000
    assert set(bands) <= {"< 25", "25-34", "35-44", "45-54", "55-64", "65+", "(missing)"}
    ratio = fairness["age_band"]["approval_rate_ratio_min_over_max"]
    assert 0 < ratio <= 1


def test_the_card_names_the_chosen_regularisation_and_how_it_was_chosen(trained_artifact):
    from scoring.model import training

    card = json.loads((trained_artifact / "model_card.json").read_text())
    selection = card["model_selection"]
    assert selection["candidates_tried"] == training.search_space(3_000)
    assert selection["chosen_candidate"] in selection["candidates_tried"]
    assert set(selection["pooled_stopping_auc"]) == set(selection["candidates_tried"])
    chosen = training.CANDIDATES[selection["chosen_candidate"]]
    assert all(card["model"]["params"][key] == value for key, value in chosen.items())
    assert len(selection["fold_choices"]) == 3
    assert selection["shipped"] in {"xgboost_all_tables", "xgboost_application"}
    assert isinstance(selection["below_best_baseline"], bool)
    shipped_auc = card["cv_auc"]["mean"]
    if selection["shipped"] == "xgboost_all_tables":
        assert shipped_auc >= card["baselines_auc"]["xgboost_application"]["auc_mean"]
