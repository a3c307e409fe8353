"""The one offer model (amount, term, payment) and the recourse built on it."""

from __future__ import annotations

import pytest

from scoring.history_levers import LEVERS
from scoring.offers import OfferPolicy, current_terms, offer_changes, payment, term_for
from scoring.service import ScoringService


def test_payment_and_term_are_inverse_at_any_rate():
    for rate in (0.0, 0.01, 0.02):
        for months in (6, 24, 60):
            assert term_for(100_000, payment(100_000, months, rate), rate) == pytest.approx(months)
    assert payment(120_000, 12, 0.0) == 10_000
    # 1 % a month on 100 000 over 12 months: the textbook 8 884,88.
    assert payment(100_000, 12, 0.01) == pytest.approx(8884.88, abs=0.01)


def test_the_current_term_is_the_one_the_stored_payment_implies_and_a_payment_below_interest_is_said():
    policy = OfferPolicy(annual_rate=0.12)
    terms = current_terms({"AMT_CREDIT": 100_000, "AMT_ANNUITY": payment(100_000, 36, 0.01),
                           "AMT_GOODS_PRICE": 90_000}, policy)
    assert terms.term_months == pytest.approx(36) and terms.rate_applies
    assert "12,0" in terms.rate_note("fr")
    cheap = current_terms({"AMT_CREDIT": 100_000, "AMT_ANNUITY": 900}, policy)  # below 1 000 of interest
    assert not cheap.rate_applies and cheap.term_months == pytest.approx(100_000 / 900)
    assert "sans intérêts" in cheap.rate_note("fr") and "without interest" in cheap.rate_note("en")
    assert current_terms({"AMT_CREDIT": 100_000, "AMT_ANNUITY": None}, policy) is None


def test_an_offer_states_every_field_it_changes_with_the_payment_recomputed():
    policy = OfferPolicy(annual_rate=0.12)
    terms = current_terms({"AMT_CREDIT": 100_000, "AMT_ANNUITY": payment(100_000, 24, 0.01),
                           "AMT_GOODS_PRICE": 100_000}, policy)
    smaller = offer_changes(terms, amount=80_000)
    # The same term: a smaller loan means a smaller payment, never a shorter term.
    assert smaller == {"AMT_CREDIT": 80_000.0, "AMT_ANNUITY": round(payment(80_000, terms.term_months, 0.01), 1)}
    longer = offer_changes(terms, term_months=36)
    assert set(longer) == {"AMT_ANNUITY"} and longer["AMT_ANNUITY"] < terms.monthly_payment
    assert offer_changes(terms) == {}
    cheaper = offer_changes(terms, amount=70_000, goods_price=70_000)
    assert cheaper["AMT_GOODS_PRICE"] == 70_000


def test_bank_bounds_come_from_the_environment_and_a_bad_one_is_named():
    policy = OfferPolicy.from_env({"PAD_LOAN_ANNUAL_RATE": "0.08", "PAD_RECOURSE_MAX_TERM_MONTHS": "48"})
    assert policy.annual_rate == 0.08 and policy.max_term_months == 48
    with pytest.raises(ValueError, match="PAD_LOAN_ANNUAL_RATE"):
        OfferPolicy.from_env({"PAD_LOAN_ANNUAL_RATE": "douze"})
    with pytest.raises(ValueError, match="PAD_RECOURSE_MIN_AMOUNT_SHARE"):
        OfferPolicy(min_amount_share=0)


def test_a_year_on_time_dilutes_past_lateness_and_empties_the_recent_window():
    history = {"INST_PAYMENT_COUNT": 12, "INST_LATE_SHARE": 0.5, "INST_LATE_SHARE_RECENT": 0.25,
               "INST_DAYS_LATE_MEAN": 4.0, "INST_PAYMENT_RATIO_MEAN": 0.9, "POS_INSTALMENT_FUTURE_MEAN": 6.0,
               "POS_MONTH_COUNT": 12, "POS_LATE_MONTH_SHARE": 0.5, "POS_DPD_RECENT_MAX": 10,
               "BUREAU_DAYS_CREDIT_LAST": -100, "BUREAU_RECENT_COUNT": 2, "BUREAU_AMT_OVERDUE_SUM": 0.0}
    lever = next(lever for lever in LEVERS if lever.code == "on_time_12_months")
    assert lever.applies(history)
    changes = lever.changes(history)
    assert changes["INST_PAYMENT_COUNT"] == 24 and changes["INST_LATE_SHARE"] == pytest.approx(0.25)
    assert changes["INST_LATE_SHARE_RECENT"] == 0 and changes["INST_DAYS_LATE_MEAN"] == pytest.approx(2.0)
    assert changes["INST_PAYMENT_RATIO_MEAN"] == pytest.approx(0.95)
    assert changes["POS_LATE_MONTH_SHARE"] == pytest.approx(0.25) and changes["POS_DPD_RECENT_MAX"] == 0
    assert changes["BUREAU_DAYS_CREDIT_LAST"] == -100 - 365 and changes["BUREAU_RECENT_COUNT"] == 0
    clear = next(lever for lever in LEVERS if lever.code == "clear_overdue")
    assert not clear.applies(history)  # nothing overdue: no lever to offer


@pytest.fixture(scope="module")
def stored_service(trained_artifact, synthetic_tables, tmp_path_factory):
    from scoring.store import Store

    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('offers') / 'store.db'}")
    service = ScoringService.from_artifact(trained_artifact, store)
    applications = synthetic_tables["application_train"].collect().head(400)
    from scoring.store import NewClient

    rows = [{k: v for k, v in r.items() if k != "TARGET"} for r in applications.iter_rows(named=True)]
    scores = service.score_frame(applications.drop("TARGET"))
    store.bulk_load([NewClient(client_id=int(r["SK_ID_CURR"]), fields=r, in_training_set=True,
                               probability_of_default=float(p),
                               decision=d, model_version=service.artifact.version)
                     for r, p, d in zip(rows, scores["probability_of_default"], scores["decision"], strict=True)],
                    author="test", progress=False)
    return service


def test_recourse_only_moves_what_the_client_controls(stored_service):
    service = stored_service
    refused = [c.client_id for c in service.search("", limit=400)[1] if c.decision == "refused"][:40]
    assert refused
    offered = 0
    for client_id in refused:
        for option in service.recourse(client_id).options:
            offered += 1
            assert set(option.changes) <= {"AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE"}
            assert not any(name.startswith(("EXT_SOURCE", "DAYS_BIRTH")) for name in option.history_changes)
            if option.kind == "over_time":
                rescored = service._score_records([option.score.fields], [client_id], explain=False,
                                                  history_changes=[option.history_changes])[0]
                assert rescored.probability_of_default == option.score.probability_of_default
    assert offered


def test_revalidating_a_few_changed_fields_agrees_with_validating_the_whole_application(synthetic_tables):
    from scoring.errors import InvalidApplication
    from scoring.validation import revalidate, validate_application

    row = {k: v for k, v in synthetic_tables["application_train"].head(1).collect().row(0, named=True).items()
           if k != "TARGET"}
    record = validate_application(row)
    for changes in ({"AMT_CREDIT": 200_000.0, "AMT_ANNUITY": 12_000.5}, {"AMT_GOODS_PRICE": 150_000}):
        assert revalidate(record, changes) == validate_application({**record, **changes}, changed=changes)
    for bad in ({"AMT_ANNUITY": record["AMT_CREDIT"] * 2}, {"AMT_CREDIT": -1.0}, {"NOT_A_FIELD": 1}):
        with pytest.raises(InvalidApplication) as revalidated:
            revalidate(record, bad)
        with pytest.raises(InvalidApplication) as validated:
            validate_application({**record, **bad}, changed=bad)
        assert [e.field for e in revalidated.value.errors] == [e.field for e in validated.value.errors]
