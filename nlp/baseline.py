"""Classic baselines: bag of words / TF-IDF (word + character n-grams) with a linear model.

Hyperparameters (classifier family and regularisation) are chosen by an inner stratified CV
on the training fold only, so the outer test fold never influences the choice.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC


def _tfidf_features(quick: bool) -> FeatureUnion:
    return FeatureUnion(
        [
            (
                "word",
                TfidfVectorizer(
                    lowercase=True, ngram_range=(1, 2), min_df=1, sublinear_tf=True,
                    token_pattern=r"(?u)\b\w+\b",
                ),
            ),
            (
                "char",
                TfidfVectorizer(
                    lowercase=True, analyzer="char_wb", ngram_range=(2, 4) if quick else (2, 5),
                    min_df=2, sublinear_tf=True, max_features=100_000,
                ),
            ),
        ]
    )


def tfidf_search(inner_folds: int = 3, seed: int = 0, quick: bool = False) -> GridSearchCV:
    """TF-IDF word(1-2)+char(2-5) features; LogisticRegression vs LinearSVC chosen by inner CV."""
    pipe = Pipeline([("features", _tfidf_features(quick)), ("clf", LinearSVC())])
    grid: list[dict[str, Any]] = [
        {"clf": [LinearSVC(dual="auto", max_iter=5000)], "clf__C": [0.1, 1.0] if quick else [0.1, 0.3, 1.0, 3.0]},
        {"clf": [LogisticRegression(max_iter=2000)], "clf__C": [10.0] if quick else [3.0, 10.0, 30.0]},
    ]
    return GridSearchCV(
        pipe, grid, cv=StratifiedKFold(inner_folds, shuffle=True, random_state=seed),
        scoring="f1_macro", n_jobs=1, refit=True,
    )


def bow_search(inner_folds: int = 3, seed: int = 0, quick: bool = False) -> GridSearchCV:
    """Binary bag of words (word uni+bigrams) with logistic regression, C chosen by inner CV."""
    pipe = Pipeline(
        [
            ("features", CountVectorizer(binary=True, ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b")),
            ("clf", LogisticRegression(max_iter=2000)),
        ]
    )
    grid = {"clf__C": [0.1, 1.0] if quick else [0.03, 0.1, 0.3, 1.0, 3.0]}
    return GridSearchCV(
        pipe, grid, cv=StratifiedKFold(inner_folds, shuffle=True, random_state=seed),
        scoring="f1_macro", n_jobs=1, refit=True,
    )


def describe_best(search: GridSearchCV) -> dict[str, Any]:
    """JSON-friendly view of the hyperparameters the inner CV picked."""
    out: dict[str, Any] = {}
    for key, value in search.best_params_.items():
        out[key] = type(value).__name__ if key == "clf" else value
    out["inner_cv_f1_macro"] = float(search.best_score_)
    return out


def linear_param_count(search: GridSearchCV) -> int:
    """Learned weights of the final linear model (coefficients + intercepts)."""
    clf = search.best_estimator_.named_steps["clf"]
    return int(np.asarray(clf.coef_).size + np.asarray(clf.intercept_).size)
