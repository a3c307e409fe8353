"""One language and one number format at a time (issue 20): every string of a page in its
language, numbers as its readers write them, times in the bank's time zone, labels an advisor can
read, and notes meant for the advisor kept off the client's paper."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from layouts.gauge import decision_block
from layouts.history import history_table
from layouts.model_page import policy_block
from scoring.display import format_moment, format_points
from scoring.feature_labels import feature_label
from scoring.store.store import INITIAL_LOAD_REASON
from tests.dashboard.conftest import Dashboard, text_of
from tests.dashboard.test_browser import TIMEOUT_MS, log_in

# What a French page must not show: a decimal point, a percent sign without its (narrow) no-break
# space, "k"/"M" number suffixes, English words; and what an English page must not show.
_NOT_FRENCH = [r"\d\.\d", r"\d ?%", r"\d+(?:[.,]\d+)?[kM]\b", r"\binitial load\b", r"\bthreshold\b",
               r"\bPensioner\b", r"\bWorking\b", r"\bLaborers\b"]
_NOT_ENGLISH = [r"\d[ \u00a0\u202f]%", r"\d,\d\b(?!\d)", r"\bchargement\b", r"\bseuil\b", r"\bAccordé\b",
                r"\bRetraité\b", r"\bdes clients\b"]


def _offences(text: str, patterns: list[str]) -> list[str]:
    found = []
    for pattern in patterns:
        for match in re.finditer(pattern, text):
            found.append(text[max(0, match.start() - 25):match.end() + 10])
    return found


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_speaks_one_language_in_its_number_format(browser: Browser, live_url: str,
                                                            dashboard: Dashboard, lang: str) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = log_in(context, live_url, "conseil")
    suffix = "" if lang == "fr" else "?lang=en"
    offences: dict[str, list[str]] = {}
    for path in (f"/client/{dashboard.client_ids[1]}", f"/client/{dashboard.training_ids[0]}", "/modele"):
        page.goto(f"{live_url}{path}{suffix}")
        if path.startswith("/client"):
            expect(page.locator("#history-table")).to_be_visible(timeout=TIMEOUT_MS)
            expect(page.locator("#compare-figure .main-svg").first).to_be_visible(timeout=TIMEOUT_MS)
        else:
            expect(page.locator("#model-cost .main-svg").first).to_be_visible(timeout=TIMEOUT_MS)
        page.wait_for_timeout(800)
        text = page.inner_text("body") + " " + " ".join(
            page.locator("svg text").evaluate_all("els => els.map(e => e.textContent || '')"))
        found = _offences(text, _NOT_FRENCH if lang == "fr" else _NOT_ENGLISH)
        if found:
            offences[path] = found[:8]
    context.close()
    assert offences == {}


def test_times_are_shown_in_the_banks_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAD_TIME_ZONE", raising=False)
    assert format_moment("2026-12-03T16:30:00+00:00", "fr") == "03/12/2026 17:30"  # Paris, winter
    assert format_moment("2026-07-01T16:30:00", "en") == "2026-07-01 18:30"  # naive = UTC; summer
    monkeypatch.setenv("PAD_TIME_ZONE", "America/New_York")
    assert format_moment("2026-12-03T16:30:00+00:00", "fr") == "03/12/2026 11:30"
    monkeypatch.setenv("PAD_TIME_ZONE", "Mars/Olympus")
    with pytest.raises(ValueError, match="PAD_TIME_ZONE"):
        format_moment("2026-12-03T16:30:00+00:00", "fr")


def test_the_history_says_the_bulk_load_in_the_pages_language_and_the_local_time() -> None:
    version = {"version": 1, "created_at": "2026-12-03T23:30:00+00:00", "author": "load-clients",
               "reason": INITIAL_LOAD_REASON, "changed_fields": {}, "probability_of_default": 0.05,
               "decision": "granted"}
    french, english = text_of(history_table([version], "fr")), text_of(history_table([version], "en"))
    assert "import du dossier d'origine" in french and "initial load" not in french
    assert "04/12/2026 00:30" in french and "UTC" not in french
    assert "import of the original file" in english and "chargement" not in english


def test_labels_an_advisor_can_read() -> None:
    for lang in ("fr", "en"):
        labels = {feature_label(name, lang) for name in ("FLAG_PHONE", "FLAG_WORK_PHONE", "FLAG_EMP_PHONE")}
        assert len(labels) == 3
        assert not any("(bis)" in label or "second field" in label for label in labels)


def test_the_training_client_note_is_for_the_advisor_never_on_paper() -> None:
    block = decision_block({"probability_of_default": 0.05, "decision": "granted", "threshold": 0.08,
                            "review_band": [0.07, 0.09], "warnings": [], "in_training_set": True}, "fr")
    note = next(c for c in block.children if getattr(c, "id", None) == "gauge-training-note")
    assert "apprentissage" in text_of(note) and "advisor-only" in note.className
    css = (Path(__file__).resolve().parents[2] / "assets" / "dashboard.css").read_text()
    print_rules = css.split("@media print", 1)[1]
    assert ".advisor-only" in print_rules.split("display: none", 1)[0]


def test_every_level_the_form_and_the_reasons_show_is_in_the_pages_language() -> None:
    from layouts.edit import _input
    from scoring.display import format_value
    from scoring.schema import TABLES

    spec = next(c for c in TABLES["application_train"].columns if c.name == "ORGANIZATION_TYPE")
    select = _input({"name": spec.name, "levels": list(spec.levels), "nullable": True}, "Security", "fr")
    labels = {o["label"] for o in select.options}
    assert "Sécurité" in labels and "Entreprise (type 3)" in labels and "Security" not in labels
    assert format_value("ORGANIZATION_TYPE", "XNA", "fr") == "Sans employeur"
    assert format_value("WEEKDAY_APPR_PROCESS_START", "MONDAY", "fr") == "lundi"
    assert format_value("WEEKDAY_APPR_PROCESS_START", "MONDAY", "en") == "Monday"


def test_points_are_said_with_their_unit_and_a_real_minus_sign() -> None:
    assert format_points(-0.01, 2, "fr") == "\u22120,01 point"
    assert format_points(0.35, 2, "en") == "0.35 points"
    assert format_points(2.5, 1, "fr") == "2,5 points"
    assert format_points(1, 0, "en") == "1 point"
    policy = {"excluded_columns": ["CODE_GENDER"], "excluded_by_ground": {"protected": ["CODE_GENDER"]},
              "grounds": {"protected": {"fr": "Critère protégé", "en": "Protected ground"}},
              "measured": {"auc_cost_of_exclusions": 0.0035, "cv_auc_without_exclusions": 0.761,
                           "cv_auc_with_policy": 0.7575, "auc_contribution_of_age": -0.0001}}
    for lang, cost, age in (("fr", "0,35 point d'AUC", "\u22120,01 point."), ("en", "0.35 points of AUC",
                                                                         "\u22120.01 points.")):
        text = text_of(policy_block(policy, lang))
        assert cost in text and text.endswith(age) and "(s)" not in text, text
