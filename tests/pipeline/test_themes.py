"""Reason themes and the feature policy: what an advisor may say, and that it adds up."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from scoring.feature_policy import EXCLUDED, EXCLUDED_COLUMNS, application_policy, is_excluded, policy_markdown
from scoring.features import build_feature_frame, feature_names
from scoring.theme_reasons import ThemeExplainer, principal_reasons
from scoring.themes import LEGACY_THEME, THEMES, themes_holding

ROOT = Path(__file__).resolve().parents[2]
# What an advisor must never cite to a client (the examples), whatever the model learns.
NEVER_SAID = ("NAME_FAMILY_STATUS", "HOUR_APPR_PROCESS_START", "WEEKDAY_APPR_PROCESS_START",
              "REGION_POPULATION_RELATIVE", "CODE_GENDER", "DAYS_BIRTH", "AGE_YEARS")


@pytest.fixture(scope="module")
def scores(service, applications):
    from scoring.service import ScoreItem

    rows = [{k: v for k, v in r.items() if k != "TARGET"} for r in applications.head(300).iter_rows(named=True)]
    return service.score_requests([ScoreItem(application=r) for r in rows], explain=True)


def test_every_feature_the_policy_allows_has_exactly_one_theme(synthetic_tables):
    features, _ = build_feature_frame(synthetic_tables)
    allowed = [f for f in feature_names(features) if not is_excluded(f)]
    assert len(allowed) > 80
    for feature in allowed:
        holders = [t.code for t in themes_holding(feature)]
        assert len(holders) == 1, f"{feature} belongs to {holders or 'no theme'}"


def test_theme_codes_are_unique_and_every_theme_speaks_both_languages():
    codes = [t.code for t in (*THEMES, LEGACY_THEME)]
    assert len(codes) == len(set(codes))
    assert 15 <= len(THEMES) <= 30
    for theme in THEMES:
        for pair in (theme.name, theme.fact, theme.missing, theme.source):
            assert all(pair), theme.code
        assert (theme.more is None) == (theme.less is None), theme.code


def test_the_trained_model_uses_no_excluded_column_and_records_the_policy(trained_artifact):
    from scoring.model.artifacts import load_artifact

    artifact = load_artifact(trained_artifact)
    assert not [f for f in artifact.feature_names if is_excluded(f)]
    assert not set(NEVER_SAID) & set(artifact.feature_names)
    card = json.loads((trained_artifact / "model_card.json").read_text())
    measured = card["feature_policy"]["measured"]
    assert measured["cv_auc_with_policy"] == pytest.approx(card["cv_auc"]["mean"])
    assert measured["auc_cost_of_exclusions"] == pytest.approx(
        measured["cv_auc_without_exclusions"] - measured["cv_auc_with_policy"])
    assert measured["uses_age"] is False
    assert "family_status" in card["fairness"]
    assert all("below_four_fifths" in card["fairness"][g] for g in ("age_band", "gender", "family_status"))


def test_every_application_column_has_a_policy_and_the_doc_is_up_to_date():
    from scoring.schema import TABLES

    columns = [c.name for c in TABLES["application_train"].columns if c.name not in ("SK_ID_CURR", "TARGET")]
    policy = application_policy()
    assert [p.column for p in policy] == columns
    assert all(p.ground for p in policy if p.status == EXCLUDED)
    assert {"NAME_FAMILY_STATUS", "HOUR_APPR_PROCESS_START", "WEEKDAY_APPR_PROCESS_START",
            "CODE_GENDER"} <= set(EXCLUDED_COLUMNS)
    assert (ROOT / "docs" / "feature_policy.md").read_text() == policy_markdown(), \
        "regenerate it: python -m scoring.feature_policy > docs/feature_policy.md"


def test_themes_add_up_to_the_score_live_and_stored(service, scores):
    for score in scores[:50]:
        themes = score.themes("fr")
        total = score.base_value + sum(t.contribution for t in themes)
        assert 1 / (1 + np.exp(-total)) == pytest.approx(score.probability_of_default, abs=1e-6)
        stored = service._score_from_stored(score.fields, score.client_id, service.explanation_of(score))
        assert [t.contribution for t in stored.themes("fr")] == pytest.approx([t.contribution for t in themes],
                                                                             abs=1e-9)


def test_reasons_never_repeat_a_theme_nor_cite_what_must_not_be_said(scores):
    refused = [s for s in scores if s.decision != "granted"]
    assert refused
    for score in scores:
        reasons = score.reasons(lang="fr")
        for group in reasons.values():
            codes = [r.code for r in group]
            assert len(codes) == len(set(codes)) and len(codes) <= 4
            for reason in group:
                assert reason.code != LEGACY_THEME.code
                assert not {f["feature"] for f in reason.features} & set(NEVER_SAID)
        principal = principal_reasons(reasons, score.decision)
        assert all((r.contribution < 0) if score.decision == "granted" else (r.contribution > 0) for r in principal)


def test_shares_are_of_the_push_in_one_direction(scores):
    score = scores[0]
    themes = score.themes("en")
    up = [t.share for t in themes if t.contribution > 0]
    down = [t.share for t in themes if t.contribution < 0]
    assert sum(up) == pytest.approx(1.0) if up else True
    assert sum(down) == pytest.approx(1.0) if down else True


def test_a_missing_value_is_never_offered_as_a_favourable_fact(service, scores):
    # A client with no occupation (or no external score): whatever the model learned from the
    # gap, the favourable reasons only rest on values in the file.
    for score in scores:
        for reason in score.reasons(lang="fr")["lowers_risk"]:
            present = sum(f["contribution"] for f in reason.features
                          if f["value"] is not None or score.fields.get(f["feature"]) == 365243)
            assert present < 0
            assert "non renseign" not in reason.sentence


def test_sentences_state_the_key_value_and_how_the_client_compares(service, applications):
    row = {k: v for k, v in applications.row(0, named=True).items() if k != "TARGET"}
    row.update(EXT_SOURCE_1=0.05, EXT_SOURCE_2=0.05, EXT_SOURCE_3=0.05)
    score = service.score(row)
    ext = next(t for t in score.themes("fr") if t.code == "EXT_SCORES")
    assert ext.contribution > 0
    assert ext.sentence.startswith("Vos scores de crédit fournis par des organismes externes (jusqu'à trois) : 0,05")
    assert "des clients ont un score plus élevé" in ext.sentence
    assert "augmente votre risque estimé" in ext.sentence
    english = next(t for t in score.themes("en") if t.code == "EXT_SCORES")
    assert english.sentence.startswith("Your credit scores from external agencies")
    assert "of clients have a higher score" in english.sentence
    missing = service.score({**row, "EXT_SOURCE_1": None, "EXT_SOURCE_2": None, "EXT_SOURCE_3": None})
    gone = next(t for t in missing.themes("fr") if t.code == "EXT_SCORES")
    assert gone.sentence.startswith("Aucun score de crédit externe n'est disponible pour vous")


def test_an_old_model_with_excluded_columns_still_adds_up_under_a_legacy_theme():
    explainer = ThemeExplainer(["EXT_SOURCE_2", "NAME_FAMILY_STATUS", "AMT_CREDIT"])
    assert [t.code for t in explainer.themes] == ["EXT_SCORES", "LOAN_AMOUNT", LEGACY_THEME.code]
    totals = explainer.theme_contributions(np.array([0.5, 0.25, -0.125]))
    assert totals.tolist() == [0.5, -0.125, 0.25]
