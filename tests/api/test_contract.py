"""The input contract at the service's door: one test per way the first version let bad input
through (issue 6, section 1), and the rules it now enforces."""

from __future__ import annotations

import json
import math

import polars as pl
import pytest

from scoring.errors import InvalidApplication, UnknownClient
from scoring.service import ScoringService
from scoring.validation import coerce_field, validate_application, validate_changes


@pytest.fixture(scope="module")
def application(train_applications: pl.DataFrame) -> dict:
    """A real synthetic training application (its id is a known client with history)."""
    row = train_applications.row(0, named=True)
    return {k: v for k, v in row.items() if k != "TARGET"}


@pytest.fixture(scope="module")
def new_application(application: dict) -> dict:
    return {k: v for k, v in application.items() if k != "SK_ID_CURR"}


def _errors(excinfo: pytest.ExceptionInfo[InvalidApplication]) -> dict[str, str]:
    return {e.field: e.code for e in excinfo.value.errors}


def test_an_empty_application_is_refused_naming_every_mandatory_field(service: ScoringService) -> None:
    with pytest.raises(InvalidApplication) as excinfo:
        service.score({})
    codes = _errors(excinfo)
    assert codes["AMT_INCOME_TOTAL"] == "missing" and codes["AMT_CREDIT"] == "missing"
    assert all(code == "missing" for code in codes.values())


def test_a_misspelled_field_is_refused_with_a_suggestion(service: ScoringService, new_application: dict) -> None:
    wrong = dict(new_application)
    wrong["AMT_INCOME"] = wrong.pop("AMT_INCOME_TOTAL")
    with pytest.raises(InvalidApplication) as excinfo:
        service.score(wrong)
    unknown = next(e for e in excinfo.value.errors if e.field == "AMT_INCOME")
    assert unknown.code == "unknown_field"
    assert "AMT_INCOME_TOTAL" in unknown.message("en") and "AMT_INCOME_TOTAL" in unknown.message("fr")


@pytest.mark.parametrize(("field", "value"), [("AMT_INCOME_TOTAL", -50_000.0), ("AMT_CREDIT", 1e12),
                                              ("AMT_CREDIT", 0.0)])
def test_impossible_amounts_are_refused(service: ScoringService, new_application: dict, field: str,
                                        value: float) -> None:
    with pytest.raises(InvalidApplication) as excinfo:
        service.score({**new_application, field: value})
    assert _errors(excinfo) == {field: "range"}
    error = excinfo.value.errors[0]
    # The field's code is in `field`; the message names it by its label, the value as people write it.
    assert error.field == field and field not in error.message("en")
    assert f"{value:,.0f}".replace("-", "\u2212") in error.message("en")


def test_an_unknown_category_level_is_refused_with_the_accepted_levels(service: ScoringService,
                                                                        new_application: dict) -> None:
    with pytest.raises(InvalidApplication) as excinfo:
        service.score({**new_application, "NAME_INCOME_TYPE": "Astronaut"})
    error = excinfo.value.errors[0]
    assert (error.field, error.code) == ("NAME_INCOME_TYPE", "level")
    assert "Working" in error.message("en") and "Pensioner" in error.accepted["levels"]


def test_an_unknown_client_id_is_an_error_not_a_new_client(service: ScoringService, new_application: dict) -> None:
    with pytest.raises(UnknownClient) as excinfo:
        service.score({**new_application, "SK_ID_CURR": 987_654_321})
    assert "987654321" in excinfo.value.message("en")


def test_an_id_and_the_new_client_flag_together_are_refused(service: ScoringService, application: dict) -> None:
    with pytest.raises(InvalidApplication):
        service.score(application, new_client=True)


def test_nan_means_missing_as_none_does(service: ScoringService, new_application: dict) -> None:
    as_none = service.score({**new_application, "EXT_SOURCE_1": None}).probability_of_default
    as_nan = service.score({**new_application, "EXT_SOURCE_1": math.nan}).probability_of_default
    as_empty = service.score({**new_application, "EXT_SOURCE_1": ""}).probability_of_default
    assert as_nan == as_none == as_empty


@pytest.mark.parametrize(("field", "value", "code"), [
    ("AMT_INCOME_TOTAL", "150000", "type"),
    ("AMT_CREDIT", math.inf, "type"),
    ("CNT_CHILDREN", 1.5, "type"),
    ("FLAG_OWN_CAR", True, "type"),
])
def test_wrong_types_are_field_errors_not_crashes(service: ScoringService, new_application: dict, field: str,
                                                  value: object, code: str) -> None:
    with pytest.raises(InvalidApplication) as excinfo:
        service.score({**new_application, field: value})
    assert _errors(excinfo) == {field: code}


def test_a_non_numeric_id_is_a_field_error(service: ScoringService, new_application: dict) -> None:
    with pytest.raises(InvalidApplication) as excinfo:
        service.score({**new_application, "SK_ID_CURR": "abc"})
    assert _errors(excinfo) == {"SK_ID_CURR": "type"}


def test_integral_floats_become_integers() -> None:
    assert coerce_field("CNT_CHILDREN", 2.0) == (2, None)
    assert isinstance(coerce_field("CNT_CHILDREN", 2.0)[0], int)


def test_a_score_serialises_to_plain_json_with_its_flags(service: ScoringService, application: dict,
                                                         new_application: dict) -> None:
    known = service.score(application)
    payload = json.loads(json.dumps(known.to_dict("en"), allow_nan=False))
    assert payload["client_id"] == application["SK_ID_CURR"]
    assert payload["has_history"] is service.has_history(application["SK_ID_CURR"])
    assert payload["in_training_set"] is True
    assert 0 < payload["out_of_fold_probability"] < 1
    assert payload["decision"] in ("granted", "to_review", "refused")
    assert len(payload["reasons"]["raises_risk"]) <= 4 and len(payload["reasons"]["lowers_risk"]) <= 4
    assert abs(payload["base_value"] + sum(c["contribution"] for c in payload["contributions"])
               - math.log(known.probability_of_default / (1 - known.probability_of_default))) < 1e-4
    new = service.score(new_application).to_dict("fr")
    assert new["client_id"] is None and new["has_history"] is False and new["in_training_set"] is False
    assert new["out_of_fold_probability"] is None


@pytest.mark.parametrize(("changes", "field"), [
    ({"AMT_ANNUITY": 2e6, "AMT_CREDIT": 1e6}, "AMT_ANNUITY"),
    ({"DAYS_EMPLOYED": -40_000}, "DAYS_EMPLOYED"),
    ({"CNT_CHILDREN": 5, "CNT_FAM_MEMBERS": 2.0}, "CNT_FAM_MEMBERS"),
])
def test_cross_field_rules(new_application: dict, changes: dict, field: str) -> None:
    with pytest.raises(InvalidApplication) as excinfo:
        validate_application({**new_application, **changes}, changed=changes)
    assert _errors(excinfo) == {field: "rule"}


@pytest.mark.parametrize(("children", "members", "fr", "en"), [
    (1, 1.0, "le foyer (1 personne) doit compter au moins le client et son enfant.",
     "the household (1 person) must count at least the client and their child."),
    (5, 2.0, "le foyer (2 personnes) doit compter au moins le client et ses 5 enfants.",
     "the household (2 people) must count at least the client and their 5 children."),
])
def test_the_household_rule_is_said_without_plural_brackets(new_application: dict, children: int, members: float,
                                                            fr: str, en: str) -> None:
    changes = {"CNT_CHILDREN": children, "CNT_FAM_MEMBERS": members}
    with pytest.raises(InvalidApplication) as excinfo:
        validate_application({**new_application, **changes}, changed=changes)
    (error,) = excinfo.value.errors
    assert error.message_fr.endswith(": " + fr) and error.message_en.endswith(": " + en)
    assert "(1 erreur :" in excinfo.value.message_fr and "(1 error:" in excinfo.value.message_en


def test_an_age_outside_18_to_100_is_refused(new_application: dict) -> None:
    with pytest.raises(InvalidApplication) as excinfo:
        validate_application({**new_application, "DAYS_BIRTH": -16 * 365, "DAYS_EMPLOYED": -100})
    assert "DAYS_BIRTH" in _errors(excinfo)


def test_a_pensioner_sentinel_is_accepted(service: ScoringService, new_application: dict) -> None:
    score = service.score({**new_application, "DAYS_EMPLOYED": 365243, "NAME_INCOME_TYPE": "Pensioner"})
    assert 0 < score.probability_of_default < 1


def test_field_name_errors_say_what_is_accepted_only_in_the_documented_shape() -> None:
    """`accepted` is an AcceptedValues object in the OpenAPI spec: a list of editable fields or a
    suggested name there broke the contract (found by schemathesis)."""
    from api_routes.models import FieldError as FieldErrorModel
    from api_routes.problems import field_error

    with pytest.raises(InvalidApplication) as excinfo:
        validate_changes({"TOTALAREA_MODE": 1.0, "AMT_CREDT": 5.0})
    assert _errors(excinfo) == {"TOTALAREA_MODE": "not_editable", "AMT_CREDT": "unknown_field"}
    for error in excinfo.value.errors:
        FieldErrorModel.model_validate(field_error(error, "en"))
    assert "AMT_CREDIT" in excinfo.value.errors[1].message_en


def test_edits_only_touch_editable_fields() -> None:
    with pytest.raises(InvalidApplication) as excinfo:
        validate_changes({"EXT_SOURCE_2": 0.9, "AMT_CREDIT": 1000.0})
    assert _errors(excinfo) == {"EXT_SOURCE_2": "not_editable"}
    with pytest.raises(InvalidApplication):
        validate_changes({})


def test_values_outside_the_training_population_are_flagged_not_refused(service: ScoringService,
                                                                       new_application: dict) -> None:
    rich = {**new_application, "AMT_INCOME_TOTAL": 5e8}
    score = service.score(rich)
    flagged = {w.field for w in score.warnings}
    assert "AMT_INCOME_TOTAL" in flagged
    message = score.to_dict("fr")["warnings"][0]["message"]
    assert "population" in message
    assert not {w.field for w in service.score(new_application).warnings} & {"AMT_INCOME_TOTAL"}


def test_errors_speak_french_and_english(service: ScoringService, new_application: dict) -> None:
    with pytest.raises(InvalidApplication) as excinfo:
        service.score({**new_application, "AMT_CREDIT": -1.0})
    error = excinfo.value.errors[0]
    assert "Montant du crédit" in error.message("fr") or "crédit" in error.message("fr").lower()
    assert "credit" in error.message("en").lower()
    assert error.message("fr") != error.message("en")
