"""What the edit form tells an advisor who types something wrong (issue 20): the rule that was
broken in the advisor's words and number format, text that is not a number refused rather than
half-read, an implausible payment said, and the role shown before the click."""

from __future__ import annotations

import json
from typing import Any

import pytest

from layouts.edit import number_text, read_number
from tests.dashboard.conftest import Dashboard, DashRequest
from tests.dashboard.test_callbacks import FORM_OUTPUTS, edit_call, load, response_of, text_of


def feedback(body: dict[str, Any], field: str) -> str:
    return body.get(json.dumps({"field": field, "type": "edit-feedback"}, separators=(",", ":")),
                    {}).get("children") or ""


def test_a_negative_income_is_said_to_need_a_positive_value_not_to_be_missing(dashboard: Dashboard,
                                                                              advisor: DashRequest) -> None:
    data = load(advisor, dashboard.client_ids[4])
    body = response_of(edit_call(advisor, data, "simulate", {"AMT_INCOME_TOTAL": "-5000"}))
    message = feedback(body, "AMT_INCOME_TOTAL")
    assert "strictement positif" in message and "−5\u202f000" in message
    assert "manquante" not in message and "AMT_INCOME_TOTAL" not in message
    assert "edit-result" not in body


def test_text_that_is_not_a_number_is_refused_not_half_read(dashboard: Dashboard, advisor: DashRequest) -> None:
    data = load(advisor, dashboard.client_ids[4])
    body = response_of(edit_call(advisor, data, "simulate", {"AMT_CREDIT": "12abc000"}))
    assert "« 12abc000 » n'est pas un nombre" in feedback(body, "AMT_CREDIT")
    assert "edit-result" not in body  # nothing simulated


def test_numbers_typed_and_shown_in_the_advisors_format(dashboard: Dashboard, advisor: DashRequest) -> None:
    assert read_number("12\u202f000,5", "fr") == 12000.5 and read_number("12 000", "fr") == 12000
    assert read_number("12,000.5", "en") == 12000.5 and read_number("−3", "fr") == -3
    for bad in ("12abc000", "1e6", "12,000.5", "--1", "1.2.3", "12 000 €"):
        with pytest.raises(ValueError):
            read_number(bad, "fr")
    assert number_text(765000, "fr") == "765\u202f000" and number_text(22.4, "fr") == "22,4"
    assert number_text(765000, "en") == "765,000"
    data = load(advisor, dashboard.client_ids[4])
    body = response_of(edit_call(advisor, data, "simulate", {"AMT_CREDIT": "9000000000000"}))
    message = feedback(body, "AMT_CREDIT")
    assert "9\u202f000\u202f000\u202f000\u202f000" in message and "e+" not in message
    assert "(AMT_CREDIT)" not in message


def test_a_payment_above_the_annual_income_is_simulated_with_a_warning(dashboard: Dashboard,
                                                                       advisor: DashRequest) -> None:
    data = load(advisor, dashboard.client_ids[4])
    income = data["score"]["fields"]["AMT_INCOME_TOTAL"]
    credit = data["score"]["fields"]["AMT_CREDIT"]
    annuity = min(income * 1.5, credit)
    if annuity <= income:
        pytest.skip("this client's credit is below its income: no payment can exceed the income")
    body = response_of(edit_call(advisor, data, "simulate", {"AMT_ANNUITY": str(round(annuity))}))
    text = text_of(body["edit-result"]["children"])
    assert "dépasse le revenu annuel" in text
    # The API says it too, with a code a script can test.
    score = dashboard.service.what_if(int(data["client_id"]), {"AMT_ANNUITY": round(annuity)}).to_dict("en")
    assert score["warnings"][0]["code"] == "annuity_above_income"


def test_after_saving_the_result_is_said_to_be_saved_not_a_simulation(dashboard: Dashboard,
                                                                      advisor: DashRequest) -> None:
    data = load(advisor, dashboard.client_ids[7])
    body = response_of(edit_call(advisor, data, "save", {"AMT_INCOME_TOTAL": "287000"}, reason="bulletin de paie"))
    text = text_of(body["edit-result"]["children"])
    assert f"Ce que la version {data['version'] + 1} a changé" in text
    assert "rien n'est enregistré" not in text


def test_a_viewer_sees_save_disabled_with_the_reason_before_clicking(dashboard: Dashboard, advisor: DashRequest,
                                                                     viewer: DashRequest) -> None:
    data = load(viewer, dashboard.client_ids[4])
    seen = response_of(viewer.call(FORM_OUTPUTS, [("client-data", "data", data)]))
    assert seen["edit-save"]["disabled"] is True and seen["edit-reason"]["disabled"] is True
    assert "simuler mais pas d'enregistrer" in text_of(seen["edit-role-note"]["children"])
    seen = response_of(advisor.call(FORM_OUTPUTS, [("client-data", "data", data)]))
    assert seen["edit-save"]["disabled"] is False and not seen["edit-role-note"]["children"]
