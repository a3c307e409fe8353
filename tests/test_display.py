"""Values as an advisor reads them, in French and English."""

import pytest

from scoring.display import decision_label, display_label, format_probability, format_value, reason_sentence


@pytest.mark.parametrize(("feature", "value", "lang", "shown"), [
    ("AMT_CREDIT", 1252810.0, "fr", "1\u202f252\u202f810"),
    ("AMT_CREDIT", 1252810.0, "en", "1,252,810"),
    ("DAYS_BIRTH", -14_610, "fr", "40,0 ans"),
    ("DAYS_BIRTH", -14_610, "en", "40.0 years"),
    ("DAYS_EMPLOYED", -250, "fr", "8 mois"),
    ("DAYS_EMPLOYED", 365243, "fr", "sans emploi salarié (retraité)"),
    ("DAYS_EMPLOYED", 365243, "en", "no salaried job (pensioner)"),
    ("BUREAU_DAYS_CREDIT_LAST", -400, "fr", "il y a 13 mois"),
    ("BUREAU_DAYS_ENDDATE_MAX", 900, "en", "in 2.5 years"),
    ("INST_DAYS_LATE_MEAN", 2.5, "en", "2.5 days"),
    ("POS_DPD_MAX", 3.0, "fr", "3 jours"),
    ("FLAG_OWN_CAR", "Y", "fr", "oui"),
    ("FLAG_PHONE", 1, "en", "yes"),
    ("NAME_INCOME_TYPE", "Pensioner", "fr", "Retraité"),
    ("NAME_INCOME_TYPE", "Pensioner", "en", "Pensioner"),
    ("OCCUPATION_TYPE", "Core staff", "fr", "Employé"),
    ("NAME_TYPE_SUITE", "Family", "fr", "Famille"),
    ("CODE_GENDER", "F", "en", "Female"),
    ("ANNUITY_TO_INCOME_RATIO", 0.16, "fr", "16,0\u202f%"),
    ("PREV_REFUSED_SHARE", 0.25, "en", "25.0%"),
    ("INST_LATE_SHARE_RECENT", 0.0, "fr", "0,0\u202f%"),
    ("EXT_SOURCE_2", 0.6543, "en", "0.65"),
    ("EXT_SOURCE_2", None, "fr", "non renseigné"),
    ("EXT_SOURCE_2", float("nan"), "en", "not provided"),
])
def test_values_are_shown_in_their_unit(feature, value, lang, shown):
    assert format_value(feature, value, lang) == shown


def test_a_pensioner_is_told_from_a_missing_value_by_the_raw_field():
    assert format_value("DAYS_EMPLOYED", None, "fr", raw=365243) == "sans emploi salarié (retraité)"
    assert format_value("DAYS_EMPLOYED", None, "fr", raw=None) == "non renseigné"


def test_labels_lose_the_day_unit_their_values_no_longer_have():
    assert display_label("DAYS_EMPLOYED", "fr") == "Ancienneté dans l'emploi"
    assert display_label("DAYS_BIRTH", "en") == "Age"
    assert display_label("INST_DAYS_LATE_MEAN", "fr") == "Retard moyen de paiement"
    assert display_label("AMT_CREDIT", "fr") == display_label("AMT_CREDIT", "fr").strip()


def test_decisions_probabilities_and_sentences_in_both_languages():
    assert (decision_label("to_review", "fr"), decision_label("to_review", "en")) == ("À revoir", "To review")
    assert format_probability(0.1034, "fr") == "10,3\u202f%"
    assert reason_sentence("Âge", "40 ans", 0.2, "fr").endswith("augmente le risque estimé.")
    assert reason_sentence("Age", "40 years", -0.2, "en").endswith("lowers the estimated risk.")
    with pytest.raises(ValueError, match="lang"):
        format_value("AMT_CREDIT", 1.0, "de")
