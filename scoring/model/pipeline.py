"""The batch training run: data → features → cross-validation → threshold → final model → artifact."""

from __future__ import annotations

import contextlib
import hashlib
import platform
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from scoring import explain, monitoring_bins, reference
from scoring.data import load_tables
from scoring.feature_policy import EXCLUDED_COLUMNS, is_excluded, policy_summary
from scoring.features import (
    FEATURE_PIPELINE_VERSION,
    KEY,
    TARGET,
    application_categoricals,
    application_features,
    build_feature_frame,
    category_levels,
    feature_names,
    model_matrix,
)
from scoring.model import calibration, performance, threshold, training
from scoring.model.artifacts import OOF_PROBABILITY, TRAINING_CLIENTS_FILE, save_artifact
from scoring.progress import StepReporter
from scoring.schema import TABLES
from scoring.truth import TRUTH_FILE, has_truth, oracle_auc

OUT_OF_FOLD_NOTE = (
    "Measured on out-of-fold predictions: each training application scored by the fold model "
    "that did not see it (the shipped model is refit on all of them afterwards)."
)


# Sex is never a model input, even in the comparison run that measures what the feature policy
# costs (EU Directive 2004/113/EC); the policy's other exclusions are measured against it.
ALWAYS_EXCLUDED: tuple[str, ...] = ("CODE_GENDER",)
# Age and what is derived from it: every card measures what they add to the policy's features.
AGE_FEATURES: tuple[str, ...] = ("DAYS_BIRTH", "AGE_YEARS", "EMPLOYED_TO_AGE_RATIO")


@dataclass(frozen=True)
class TrainingOptions:
    n_folds: int = 5
    seed: int = 0
    threads: int | None = None
    reference_sample_size: int = reference.SAMPLE_SIZE
    # Application columns left out of the model (scoring/feature_policy.py; the fairness report
    # still groups by some of them).
    excluded_columns: tuple[str, ...] = EXCLUDED_COLUMNS
    # Also cross-validate without the policy's exclusions and without age, to put their cost
    # and contribution in the model card.
    measure_policy: bool = True


def model_feature_names(features: pl.DataFrame, excluded_columns: tuple[str, ...]) -> list[str]:
    """Every feature except the key, the target and the excluded columns."""
    application = {c.name for c in TABLES["application_train"].columns}
    unknown = [c for c in excluded_columns if c not in application and c not in features.columns]
    if unknown:
        raise ValueError(
            f"excluded_columns: {', '.join(unknown)} is not an application column "
            f"(n'est pas une colonne de la demande)"
        )
    return [c for c in feature_names(features) if not is_excluded(c, excluded_columns)]


def policy_measures(X_all: pd.DataFrame, policy_names: list[str], y: np.ndarray, folds: Any,
                    params: dict[str, Any], candidate: str, policy_auc: float) -> dict[str, Any]:
    """What the feature policy costs and what age would add, on the same folds and setting:
    the CV AUC with every column but sex, and with the policy's features plus or minus age."""
    without_exclusions = training.cross_validate(X_all, y, folds, params, candidates=[candidate])
    age = [c for c in AGE_FEATURES if c in X_all.columns]
    uses_age = any(c in policy_names for c in age)
    other = ([c for c in policy_names if c not in age] if uses_age
             else [*policy_names, *(c for c in age if c not in policy_names)])
    counterpart = training.cross_validate(X_all[other], y, folds, params, candidates=[candidate]).auc_mean
    with_age, without_age = (policy_auc, counterpart) if uses_age else (counterpart, policy_auc)
    return {
        "cv_auc_with_policy": policy_auc,
        "cv_auc_without_exclusions": without_exclusions.auc_mean,
        "auc_cost_of_exclusions": without_exclusions.auc_mean - policy_auc,
        "uses_age": uses_age,
        "cv_auc_with_age": with_age,
        "cv_auc_without_age": without_age,
        "auc_contribution_of_age": with_age - without_age,
        "age_features": age,
        "how": ("Same folds and setting as the shipped model: 'without exclusions' uses every "
                "application column except sex; the age figures add the age features to the "
                "policy's set (or drop them when the policy uses age)."),
    }


def select_shipped_model(full_cv: training.CrossValidationResult,
                         application_cv: training.CrossValidationResult,
                         baselines: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Ship the all-tables model unless the application-only one cross-validates better; never
    ship silently below a baseline: the card says so."""
    shipped, shipped_cv = "xgboost_all_tables", full_cv
    fallback = None
    if application_cv.auc_mean > full_cv.auc_mean:
        shipped, shipped_cv = "xgboost_application", application_cv
        fallback = (f"The all-tables model (CV AUC {full_cv.auc_mean:.4f}) is below XGBoost on the "
                    f"application alone ({application_cv.auc_mean:.4f}): the application-only "
                    "model is shipped.")
    best_baseline = max(baselines, key=lambda name: baselines[name]["auc_mean"])
    below = shipped_cv.auc_mean < baselines[best_baseline]["auc_mean"]
    warning = None
    if below:
        # Only tree models reach the scoring service (TreeSHAP explanations); a linear baseline
        # that beats them is reported, not shipped.
        warning = (f"The shipped model's CV AUC {shipped_cv.auc_mean:.4f} is below the "
                   f"{best_baseline} baseline's {baselines[best_baseline]['auc_mean']:.4f}; "
                   "collect more data or review the features before relying on it.")
    return {
        "shipped": shipped,
        "all_tables_cv_auc": full_cv.auc_mean,
        "application_only_cv_auc": application_cv.auc_mean,
        "fallback": fallback,
        "best_baseline": best_baseline,
        "best_baseline_auc": baselines[best_baseline]["auc_mean"],
        "below_best_baseline": below,
        "warning": warning,
    }


def fairness_groups(features: pl.DataFrame) -> dict[str, np.ndarray]:
    """The groupings the fairness report compares: gender, age band and marital status (the
    protected ones are measured, never used)."""
    groups = {"age_band": performance.age_band(features["AGE_YEARS"].to_numpy())}
    if "CODE_GENDER" in features.columns:
        groups = {"gender": features["CODE_GENDER"].fill_null("(missing)").to_numpy()} | groups
    if "NAME_FAMILY_STATUS" in features.columns:
        groups["family_status"] = features["NAME_FAMILY_STATUS"].fill_null("(missing)").to_numpy()
    return groups


def data_fingerprint(data_dir: Path) -> str:
    """sha256 over the CSV files (name and bytes), so a model card names its exact data."""
    digest = hashlib.sha256()
    for path in sorted(Path(data_dir).glob("*.csv")):
        if path.name == TRUTH_FILE:
            continue
        digest.update(path.name.encode())
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 22), b""):
                digest.update(block)
    return digest.hexdigest()


def _library_versions() -> dict[str, str]:
    names = ("xgboost", "scikit-learn", "polars", "pandas", "numpy")
    return {name: metadata.version(name) for name in names} | {"python": platform.python_version()}


PACKAGE_NAME = "pret-a-depenser-scoring"


def code_version() -> dict[str, Any]:
    """The code that built a model: the git commit when run from a checkout (and whether the
    scoring package had uncommitted changes), else the installed package version."""
    version: dict[str, Any] = {"git_commit": None, "git_dirty": None, "package_version": None}
    with contextlib.suppress(metadata.PackageNotFoundError):
        version["package_version"] = metadata.version(PACKAGE_NAME)
    package_dir = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=package_dir, capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", str(package_dir)],
                               cwd=package_dir, capture_output=True, text=True, timeout=10,
                               check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return version
    version["git_commit"] = commit or None
    version["git_dirty"] = bool(dirty)
    return version


def train(data_dir: Path, artifact_root: Path, options: TrainingOptions | None = None,
          progress: bool = True) -> Path:
    """Run the whole batch pipeline and write artifacts/<version>/; returns its directory."""
    options = options or TrainingOptions()
    steps = StepReporter(enabled=progress)
    started = time.perf_counter()
    data_dir = Path(data_dir)

    with steps.step("Chargement et validation des tables / loading and validating tables"):
        tables = load_tables(data_dir)
    with steps.step("Construction des variables / building features"):
        features, aggregates = build_feature_frame(tables)
    names = model_feature_names(features, options.excluded_columns)
    X = model_matrix(features, names)
    y = features[TARGET].to_numpy().astype(int)
    train_ids = features[KEY].to_numpy()
    folds = training.stratified_folds(y, options.n_folds, options.seed)
    params = training.xgboost_params(options.seed, options.threads, n_rows=len(y))
    candidates = training.search_space(len(y))

    with steps.step(f"Validation croisée XGBoost, {len(candidates)} réglage(s) / XGBoost "
                    f"cross-validation, {len(candidates)} setting(s)",
                    total=options.n_folds * len(candidates)) as handle:
        full_cv = training.cross_validate(X, y, folds, params, candidates=candidates,
                                          on_fold_done=lambda *_: handle.advance())

    application_columns = application_features(tables["application_train"]).collect_schema().names()
    app_names = [c for c in names if c in application_columns]
    with steps.step("Modèles de référence / baselines", total=None):
        baselines = training.baseline_auc(X[app_names], y, folds, options.seed)
    # The same model without the six side tables: what the client's history adds, and the
    # model shipped instead if the history does not help.
    with steps.step("XGBoost sans historique / XGBoost on the application only",
                    total=options.n_folds) as handle:
        application_cv = training.cross_validate(
            X[app_names], y, folds, params, candidates=[full_cv.candidate],
            on_fold_done=lambda *_: handle.advance(),
        )
    baselines["xgboost_application"] = {"auc_mean": application_cv.auc_mean, "auc_std": application_cv.auc_std}
    selection = select_shipped_model(full_cv, application_cv, baselines)
    if selection["shipped"] == "xgboost_application":
        cv, names, X = application_cv, app_names, X[app_names]
    else:
        cv = full_cv
    choice = threshold.choose_threshold(y, cv.out_of_fold)
    measures = None
    if options.measure_policy:
        with steps.step("Coût de la politique des variables / cost of the feature policy",
                        total=None):
            all_names = model_feature_names(features, ALWAYS_EXCLUDED)
            if selection["shipped"] == "xgboost_application":
                all_names = [c for c in all_names if c in application_columns]
            measures = policy_measures(model_matrix(features, all_names), list(names), y, folds,
                                       params, cv.candidate, cv.auc_mean)

    with steps.step("Modèle final / final model"):
        rounds = training.final_rounds(cv)
        booster = training.fit_final_model(X, y, cv.params, rounds)

    with steps.step("Explications SHAP et population de référence / SHAP and reference population"):
        sample_idx = reference.reference_sample_indices(
            y, options.reference_sample_size, options.seed
        )
        X_sample = X.iloc[sample_idx]
        importance = explain.global_importance(booster, X_sample)
        distributions = reference.feature_distributions(X, y)
        # Monitoring compares the scored applications with these bins, never with the data. The
        # probability's reference is the shipped model's own scores: the fold models, trained on
        # less, spread theirs less (PSI 0.20 against an unshifted population, measured).
        categories = {c: category_levels(c) for c in application_categoricals() if c in names}
        bins = monitoring_bins.reference_bins(
            X, training.predict_proba(booster, X), categories,
            {"review_low": choice.review_low, "review_high": choice.review_high},
            source=f"training ({len(y):,} clients)")
        sample = X_sample.copy()
        sample.insert(0, KEY, train_ids[sample_idx])
        sample[TARGET] = y[sample_idx]
        # Out of fold: the final model has seen these clients' outcomes, and its own
        # probabilities for them would make every "clients like this one" view look prescient.
        sample["PROBABILITY_OF_DEFAULT"] = cv.out_of_fold[sample_idx]
        # The date of birth is no model input, but the dashboard's "similar clients" filter
        # compares a client with others of the same age band.
        if "DAYS_BIRTH" not in sample.columns and "DAYS_BIRTH" in features.columns:
            sample["DAYS_BIRTH"] = features["DAYS_BIRTH"].to_numpy()[sample_idx]
    training_clients = pd.DataFrame(
        {KEY: train_ids, TARGET: y, OOF_PROBABILITY: cv.out_of_fold}
    )

    with steps.step("Empreinte des données / data fingerprint"):
        data_hash = data_fingerprint(data_dir)
    oracle = oracle_auc(data_dir, train_ids, y)
    source = "synthetic" if has_truth(data_dir) else "kaggle"
    created = datetime.now(UTC)
    version = f"{source}-{created:%Y%m%dT%H%M%S}-{data_hash[:8]}"

    decision = {
        "threshold": choice.threshold,
        "review_low": choice.review_low,
        "review_high": choice.review_high,
        "review_cost_tolerance": threshold.REVIEW_COST_TOLERANCE,
        "false_negative_cost": threshold.FALSE_NEGATIVE_COST,
        "false_positive_cost": threshold.FALSE_POSITIVE_COST,
        "rule": "refused if p >= review_high; to_review if review_low <= p < review_high; else granted",
    }
    reliability = calibration.reliability_curve(y, cv.out_of_fold)
    cost_curve = threshold.downsample_curve(choice.thresholds, choice.costs)
    performance_report: dict[str, Any] = {
        "source": "out_of_fold",
        "note": OUT_OF_FOLD_NOTE,
        "n_applications": len(y),
        "n_defaults": int(y.sum()),
        "roc": performance.roc_points(y, cv.out_of_fold),
        "confusion_matrix": performance.confusion_at(y, cv.out_of_fold, choice.threshold),
        "decisions": performance.decision_counts(y, cv.out_of_fold, choice.review_low,
                                                 choice.review_high),
        "cost_curve": cost_curve,
        "reliability_curve": reliability,
        "fairness": performance.fairness_by_group(
            fairness_groups(features), y, cv.out_of_fold, choice.review_low, choice.review_high
        ),
    }
    card: dict[str, Any] = {
        "model_version": version,
        "created_at": created.isoformat(),
        "data": {
            "source": source,
            "directory": str(data_dir),
            "sha256": data_hash,
            "rows": {name: int(frame.select(pl.len()).collect().item())
                     for name, frame in tables.items()},
            "train_applications": len(y),
            "default_rate": float(y.mean()),
        },
        "model": {
            "algorithm": "xgboost",
            "params": {k: v for k, v in cv.params.items() if k != "nthread"},
            "boosting_rounds": rounds,
            "features": "all tables" if selection["shipped"] == "xgboost_all_tables"
            else "application only",
            "n_features": len(names),
            "excluded_columns": [c for c in options.excluded_columns if c in features.columns],
        },
        "feature_policy": {**policy_summary(), "measured": measures},
        "fairness": {
            "measured_on": OUT_OF_FOLD_NOTE,
            "approved_means": "granted (the review band goes to a person)",
            "excluded_columns": [c for c in options.excluded_columns if c in features.columns],
            "four_fifths_rule": performance.FOUR_FIFTHS_NOTE,
            **performance_report["fairness"],
        },
        "cv_auc": {
            "mean": cv.auc_mean,
            "std": cv.auc_std,
            "per_fold": cv.fold_auc,
            "n_folds": options.n_folds,
            "best_rounds_per_fold": cv.best_rounds,
        },
        "model_selection": {
            **selection,
            "candidates_tried": candidates,
            "candidate_settings": {name: training.CANDIDATES[name] for name in candidates},
            "chosen_candidate": cv.candidate,
            "pooled_stopping_auc": full_cv.search,
            "fold_choices": cv.fold_choices,
            "how": ("Each candidate is fitted in every fold on 90 % of the training part and "
                    "followed on the other 10 % (stopping set). The candidate and round count "
                    "with the best AUC averaged over the folds' stopping sets are chosen; each "
                    "fold's out-of-fold predictions use a choice made without its validation "
                    "rows, so the CV AUC is not inflated by the search. The search shrinks as "
                    "the data grows (see training.search_space)."),
        },
        "oracle_auc": oracle,
        "baselines_auc": baselines,
        "threshold": {
            "value": choice.threshold,
            "review_band": [choice.review_low, choice.review_high],
            "business_cost_oof": choice.cost,
            "business_cost_per_application": choice.cost_per_application,
            "cost_if_all_granted": threshold.business_cost(y, cv.out_of_fold, 1.1),
        },
        "calibration": {
            "brier_score": calibration.brier_score(y, cv.out_of_fold),
            "expected_calibration_error": calibration.expected_calibration_error(y, cv.out_of_fold),
            "mean_predicted": float(cv.out_of_fold.mean()),
            "measured_on": OUT_OF_FOLD_NOTE,
        },
        "final_model": {
            "refit": (f"Refit on all {len(y):,} training applications with the chosen "
                      f"setting ({cv.candidate}) and {rounds} boosting rounds: the {cv.rounds} "
                      "rounds chosen on the pooled stopping sets, scaled by "
                      f"1/(1 - {training.EARLY_STOPPING_SHARE}) for the larger training set. "
                      "No metric in this card uses its predictions on its own training clients."),
            "boosting_rounds": rounds,
        },
        "reference_population": {
            "sample_size": len(sample_idx),
            "probability": "out of fold (PROBABILITY_OF_DEFAULT = the fold model's probability)",
            "training_clients_file": TRAINING_CLIENTS_FILE,
        },
        "reproducibility": {
            "data_sha256": data_hash,
            "seed": options.seed,
            "n_folds": options.n_folds,
            "excluded_columns": list(options.excluded_columns),
            # XGBoost's histogram sums depend on the thread count: same threads, same model.
            "threads": params["nthread"],
            "code_version": code_version(),
            "feature_pipeline_version": FEATURE_PIPELINE_VERSION,
            "library_versions": _library_versions(),
            "rebuild_command": (f"credit-scoring train --data-dir {data_dir} "
                                f"--folds {options.n_folds} --seed {options.seed}"),
            "note": "Clients are sorted by SK_ID_CURR and folds drawn from that order; the same "
                    "data, code, seed, thread count and library versions rebuild the same model.",
        },
        "training_seconds": round(time.perf_counter() - started, 1),
        "step_seconds": {k: round(v, 1) for k, v in steps.durations.items()},
        "library_versions": _library_versions(),
        "machine": {"platform": platform.platform(), "processor": platform.machine()},
    }
    directory = Path(artifact_root) / version
    save_artifact(
        directory,
        booster=booster,
        feature_names=names,
        categories=categories,
        side_aggregates=aggregates,
        decision=decision,
        global_importance={k: float(v) for k, v in importance.items()},
        reference_distributions=distributions,
        reference_sample=sample.reset_index(drop=True),
        training_clients=training_clients,
        performance=performance_report,
        extra_json={
            "cost_curve.json": cost_curve,
            "reliability_curve.json": reliability,
            monitoring_bins.BINS_FILE: bins,
        },
        model_card=card,
    )
    return directory

