"""The six side tables of one chunk, driven by each applicant's repayment behaviour, and the
per-applicant summaries the true risk reads."""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from scoring.data.synthetic.applicants import Applicants
from scoring.data.synthetic.marginals import WEEKDAY_SHARES
from scoring.data.synthetic.sampling import (
    codes_for,
    draw_codes,
    draw_negative_binomial,
    group_max,
    group_mean,
    schema_levels,
    segments_of,
)
from scoring.data.synthetic.sizes import DAYS_PER_MONTH
from scoring.schema import SENTINEL_DAYS

BUREAU = "bureau"
PREV = "previous_application"


def bureau_tables(rng: np.random.Generator, applicants: Applicants, next_id: int
            ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray]]:
    n = applicants.n
    b = applicants.behaviour
    age_days = -applicants.columns["DAYS_BIRTH"]
    has = rng.random(n) < 0.858
    counts = np.where(has, 1 + draw_negative_binomial(rng, 4.62, 1.3, n), 0)
    owner, _ = segments_of(counts)
    rows = owner.size
    ob = b[owner]

    days_credit = -np.round(2922 * rng.random(rows) ** 1.566).astype(np.int64)
    days_credit = np.maximum(days_credit, -(age_days[owner] - 18 * 365))
    type_names = list(schema_levels(BUREAU, "CREDIT_TYPE"))
    credit_type = draw_codes(rng, rows, [
        1_251_615, 402_195, 27_690, 18_391, 12_413, 1_975, 1_017, 555, 469, 56, 27, 19, 4, 1, 1
    ])
    is_card = credit_type == type_names.index("Credit card")
    is_mortgage = credit_type == type_names.index("Mortgage")
    is_car = credit_type == type_names.index("Car loan")
    planned = np.exp(np.log(400.0) + 0.8 * rng.standard_normal(rows))
    planned = np.where(is_card, np.exp(np.log(1000.0) + 0.9 * rng.standard_normal(rows)), planned)
    planned = np.where(is_car, np.exp(np.log(1400.0) + 0.4 * rng.standard_normal(rows)), planned)
    planned = np.where(is_mortgage, np.exp(np.log(5000.0) + 0.5 * rng.standard_normal(rows)),
                       planned)
    end_planned = np.round(days_credit + planned)
    # Many credits are repaid early; a credit is closed once its actual end date has passed.
    end_actual = np.round(days_credit + planned * np.where(rng.random(rows) < 0.35,
                                                           rng.uniform(0.5, 1.0, rows), 1.0))
    closed = end_actual < 0
    status_names = list(schema_levels(BUREAU, "CREDIT_ACTIVE"))
    active_code, closed_code = status_names.index("Active"), status_names.index("Closed")
    status = np.where(closed, closed_code, active_code).astype(np.int32)
    risk_factor = np.exp(0.9 * ob - 0.405)
    sold = rng.random(rows) < 0.0038 * risk_factor
    status[sold] = status_names.index("Sold")
    bad = rng.random(rows) < 1.2e-5 * risk_factor
    status[bad] = status_names.index("Bad debt")

    credit_sum = np.exp(np.log(110_000.0) + 1.0 * rng.standard_normal(rows))
    credit_sum = np.where(is_card, np.exp(np.log(135_000.0) + 0.7 * rng.standard_normal(rows)),
                          credit_sum)
    credit_sum = np.where(is_car, np.exp(np.log(600_000.0) + 0.6 * rng.standard_normal(rows)),
                          credit_sum)
    credit_sum = np.where(is_mortgage,
                          np.exp(np.log(2_500_000.0) + 0.7 * rng.standard_normal(rows)),
                          credit_sum)
    credit_sum = np.round(np.clip(credit_sum, 0, 5e8), 1)
    elapsed = np.clip(-days_credit / np.maximum(planned, 1), 0, 1)
    active = status == active_code
    utilisation = np.clip(expit(-0.8 + 0.9 * ob + 0.8 * rng.standard_normal(rows)), 0, 1)
    debt = np.where(active, np.where(is_card, credit_sum * utilisation, credit_sum * (1 - elapsed)),
                    0.0)
    debt = np.round(debt, 3)

    ever_late = rng.random(rows) < expit(-2.4 + 1.1 * ob)
    currently_late = active & ever_late & (rng.random(rows) < expit(-3.4 + 0.9 * ob))
    day_overdue = np.where(currently_late, np.ceil(rng.exponential(25.0, rows) * np.exp(0.4 * ob)),
                           0).astype(np.int64)
    day_overdue = np.minimum(day_overdue, -days_credit)
    sum_overdue = np.where(day_overdue > 0,
                           np.round(np.maximum(debt, 1000) * np.minimum(1.0, day_overdue / 200.0)
                                    * rng.uniform(0.05, 0.6, rows), 3), 0.0)
    max_overdue = np.where(ever_late, np.round(np.exp(np.log(4000.0) + 1.3 * rng.standard_normal(rows)
                                                     + 0.4 * ob), 3), 0.0)
    max_overdue = np.maximum(max_overdue, sum_overdue)
    max_overdue[rng.random(rows) < 0.655] = np.nan
    limit = np.where(is_card, np.where(active, credit_sum - debt, 0.0), 0.0)

    columns: dict[str, np.ndarray] = {
        "SK_ID_CURR": applicants.ids[owner],
        "SK_ID_BUREAU": next_id + np.arange(rows, dtype=np.int64),
        "CREDIT_ACTIVE": status,
        "CREDIT_CURRENCY": draw_codes(rng, rows, [0.99918, 0.00072, 0.00008, 0.00002]),
        "DAYS_CREDIT": days_credit,
        "CREDIT_DAY_OVERDUE": day_overdue,
        "DAYS_CREDIT_ENDDATE": np.where(rng.random(rows) < 0.0615, np.nan,
                                        np.clip(end_planned, -42_000, 31_199)),
        "DAYS_ENDDATE_FACT": np.where(closed & (status != active_code),
                                      np.clip(end_actual, days_credit, 0), np.nan).astype(float),
        "AMT_CREDIT_MAX_OVERDUE": max_overdue,
        "CNT_CREDIT_PROLONG": np.where(rng.random(rows) < 0.0053, 1 + rng.poisson(0.1, rows),
                                       0).astype(np.int64),
        "AMT_CREDIT_SUM": credit_sum,
        "AMT_CREDIT_SUM_DEBT": np.where(rng.random(rows) < 0.15, np.nan, debt),
        "AMT_CREDIT_SUM_LIMIT": np.where(rng.random(rows) < 0.345, np.nan, np.round(limit, 3)),
        "AMT_CREDIT_SUM_OVERDUE": sum_overdue,
        "CREDIT_TYPE": credit_type,
        "DAYS_CREDIT_UPDATE": np.where(
            active, -np.round(rng.exponential(20.0, rows)),
            np.minimum(0, np.clip(end_actual, days_credit, 0) + np.round(rng.exponential(30.0, rows))),
        ).astype(np.int64),
        "AMT_ANNUITY": np.where(
            rng.random(rows) < 0.715, np.nan,
            np.where(rng.random(rows) < 0.5, 0.0,
                     np.round(credit_sum / np.maximum(planned / DAYS_PER_MONTH, 1), 2)),
        ),
    }
    columns["DAYS_CREDIT_UPDATE"] = np.maximum(columns["DAYS_CREDIT_UPDATE"], days_credit)

    # Monthly history for about 45 % of the credits (C = closed, X = unknown, 1..5 = DPD bucket).
    with_history = rng.random(rows) < 0.451
    open_month = np.floor(days_credit / DAYS_PER_MONTH).astype(np.int64)
    # Reporting often starts some months after the credit opened.
    late_start = np.where(rng.random(rows) < 0.27,
                          np.floor(rng.random(rows) * (-open_month + 1) * 0.8), 0).astype(np.int64)
    first_month = np.maximum(open_month + late_start, -96)
    lengths = np.where(with_history, -first_month + 1, 0)
    hist_credit, position = segments_of(lengths)
    month = first_month[hist_credit] + position
    close_month = np.where(closed, np.floor(end_actual / DAYS_PER_MONTH), 1).astype(np.int64)
    statuses = list(schema_levels("bureau_balance", "STATUS"))
    code = {s: statuses.index(s) for s in statuses}
    status_bb = np.where(month > close_month[hist_credit], code["C"], code["0"]).astype(np.int32)
    # Unknown months: whole credits reported as X, or an X prefix before reporting started.
    unknown_kind = rng.random(rows)
    unknown_until = np.where(unknown_kind < 0.10, 1,
                             np.where(unknown_kind < 0.32,
                                      first_month + np.floor(rng.random(rows) * (lengths + 1)),
                                      -1000)).astype(np.int64)
    status_bb[month < unknown_until[hist_credit]] = code["X"]
    # Late episodes on credits that were ever late.
    episode_start = first_month + np.floor(rng.random(rows) * np.maximum(
        np.minimum(close_month, 0) - first_month + 1, 1)).astype(np.int64)
    # Worst DPD bucket of the episode: riskier clients escalate further; bucket 5 (written off)
    # lasts until the credit closes.
    escalation = np.clip(0.15 * np.exp(0.6 * ob - 0.18), 0, 0.9)
    u = rng.random(rows)
    severity = (1 + (u < escalation) + (u < 0.47 * escalation) + (u < 0.27 * escalation)
                + (u < 0.17 * escalation))
    length = 1 + rng.poisson(2.0, rows)
    offset = month - episode_start[hist_credit]
    in_episode = ever_late[hist_credit] & (offset >= 0) & (
        (offset < length[hist_credit]) | (severity[hist_credit] == 5)
    ) & (status_bb != code["X"]) & (month <= np.minimum(close_month, 0)[hist_credit])
    bucket = np.minimum(offset + 1, severity[hist_credit])
    status_bb[in_episode] = np.array([code[str(k)] for k in range(1, 6)])[bucket[in_episode] - 1]
    balance = {
        "SK_ID_BUREAU": columns["SK_ID_BUREAU"][hist_credit],
        "MONTHS_BALANCE": month,
        "STATUS": status_bb,
    }

    summaries = {
        "bureau_count": counts.astype(float),
        "bureau_overdue_count": np.bincount(owner, weights=(day_overdue > 0), minlength=n),
        "bureau_bad_count": np.bincount(owner, weights=np.isin(status, [
            status_names.index("Sold"), status_names.index("Bad debt")]), minlength=n),
        "bureau_max_overdue": group_max(owner, max_overdue, n),
        "bureau_recent_count": np.bincount(owner, weights=(days_credit > -365), minlength=n),
        "bureau_active_debt": np.bincount(owner, weights=np.where(active, debt, 0.0), minlength=n),
        "bureau_active_credit": np.bincount(owner, weights=np.where(active, credit_sum, 0.0),
                                            minlength=n),
    }
    return columns, balance, summaries


def previous_tables(rng: np.random.Generator, applicants: Applicants, next_id: int
              ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray]]:
    n = applicants.n
    b = applicants.behaviour
    has = rng.random(n) < 0.951
    counts = np.where(has, 1 + draw_negative_binomial(rng, 3.93, 1.2, n), 0)
    owner, _ = segments_of(counts)
    rows = owner.size
    ob = b[owner]

    contract_names = list(schema_levels(PREV, "NAME_CONTRACT_TYPE"))
    contract = draw_codes(rng, rows, [747_553, 729_151, 193_164, 346])
    cash = contract == contract_names.index("Cash loans")
    consumer = contract == contract_names.index("Consumer loans")
    revolving = contract == contract_names.index("Revolving loans")
    xna_contract = contract == contract_names.index("XNA")

    status_names = list(schema_levels(PREV, "NAME_CONTRACT_STATUS"))
    refused = rng.random(rows) < expit(-1.8 + 0.85 * ob + 0.35 * rng.standard_normal(rows))
    canceled = ~refused & (rng.random(rows) < np.where(cash, 0.43, np.where(revolving, 0.22,
                                                                            0.02)))
    unused = ~refused & ~canceled & consumer & (rng.random(rows) < 0.045)
    status = np.full(rows, status_names.index("Approved"), dtype=np.int32)
    status[canceled | xna_contract] = status_names.index("Canceled")
    status[refused & ~xna_contract] = status_names.index("Refused")
    status[unused] = status_names.index("Unused offer")
    approved = status == status_names.index("Approved")
    refused = status == status_names.index("Refused")
    canceled = status == status_names.index("Canceled")

    days_decision = -np.maximum(np.round(2922 * rng.random(rows) ** 2.33), 1).astype(np.int64)

    # Amounts by product: cash loans are large and long, consumer loans finance goods.
    consumer_terms = np.array([6, 10, 12, 18, 24], dtype=float)
    cash_terms = np.array([12, 18, 24, 30, 36, 48, 60, 72, 84], dtype=float)
    term = np.where(
        consumer, consumer_terms[draw_codes(rng, rows, [0.40, 0.22, 0.24, 0.07, 0.07])],
        cash_terms[draw_codes(rng, rows, [0.25, 0.12, 0.22, 0.05, 0.2, 0.08, 0.07, 0.006, 0.004])],
    )
    goods = np.exp(np.log(45_000.0) + 0.85 * rng.standard_normal(rows))
    cash_amount = np.exp(np.log(250_000.0) + 0.75 * rng.standard_normal(rows))
    card_limit = np.array([0, 45_000, 90_000, 135_000, 180_000, 225_000, 270_000, 450_000],
                          dtype=float)[draw_codes(rng, rows, [0.25, 0.12, 0.2, 0.15, 0.1, 0.08, 0.05,
                                                             0.05])]
    has_down = consumer | (cash & (rng.random(rows) < 0.06))
    down = np.where(has_down, np.where(rng.random(rows) < 0.45, 0.0,
                                       np.round(goods * rng.uniform(0.05, 0.3, rows), 1)), np.nan)
    application = np.where(consumer, np.round(goods * 2) / 2,
                           np.where(cash, np.round(cash_amount / 4500) * 4500,
                                    np.where(revolving, card_limit, 0.0)))
    cash_zero = cash & canceled & (rng.random(rows) < 0.75)
    application = np.where(cash_zero | xna_contract, 0.0, application)
    credit = np.where(
        consumer, np.maximum(application - np.nan_to_num(down), 0) * rng.uniform(1.0, 1.25, rows),
        np.where(cash, application * np.where(rng.random(rows) < 0.35, 1.0,
                                              rng.uniform(1.0, 1.2, rows)), application),
    )
    credit = np.round(credit, 1)
    # Point-of-sale loans are short and expensive; cash loans cheaper and longer.
    rate = np.where(consumer, rng.uniform(0.6, 1.4, rows), rng.uniform(0.25, 0.7, rows))
    annuity = np.where(
        revolving, card_limit * rng.choice(np.array([0.05, 0.1, 0.15, 0.2]), rows),
        credit * (rate / 12) / (1 - (1 + rate / 12) ** (-np.maximum(term, 1))),
    )
    annuity = np.round(annuity, 3)
    no_terms = (credit == 0)
    annuity = np.where(no_terms | xna_contract, np.nan, annuity)
    cnt_payment = np.where(revolving, 0.0, term)
    cnt_payment = np.where(no_terms | xna_contract, np.nan, cnt_payment)
    goods_price = np.where(consumer, application, np.where(cash & ~cash_zero, application,
                                                            np.nan))
    goods_price = np.where(revolving & (card_limit > 0) & (rng.random(rows) < 0.5), card_limit,
                           goods_price)

    # Dates of an approved loan; 365243 where the event has not happened (or never will).
    first_due = np.where(approved, days_decision + np.round(rng.uniform(10, 45, rows)), np.nan)
    last_due_planned = first_due + np.round(DAYS_PER_MONTH * (np.nan_to_num(term) - 1))
    early = rng.random(rows) < 0.35
    last_due_actual = np.where(early, first_due + (last_due_planned - first_due)
                               * rng.uniform(0.2, 0.9, rows), last_due_planned)
    last_due_actual = np.round(last_due_actual)
    running = last_due_actual >= 0
    card = revolving & approved
    days = {
        "DAYS_FIRST_DRAWING": np.where(
            approved, np.where(card & (rng.random(rows) < 0.6), days_decision + 5, SENTINEL_DAYS),
            np.nan),
        "DAYS_FIRST_DUE": np.where(card & (rng.random(rows) < 0.3), SENTINEL_DAYS, first_due),
        "DAYS_LAST_DUE_1ST_VERSION": np.where(card, SENTINEL_DAYS, last_due_planned),
        "DAYS_LAST_DUE": np.where(card | running, SENTINEL_DAYS, last_due_actual),
        "DAYS_TERMINATION": np.where(card | running, SENTINEL_DAYS, last_due_actual
                                     + np.round(rng.uniform(0, 10, rows))),
    }
    # A few approved applications have no dates at all in the real file.
    undated = ~approved | (rng.random(rows) < 0.035)
    for name in days:
        values = days[name].astype(float)
        values[undated] = np.nan
        values[approved & ~np.isnan(values) & (values != SENTINEL_DAYS)] = np.clip(
            values[approved & ~np.isnan(values) & (values != SENTINEL_DAYS)], -2922, 3000)
        days[name] = values

    reject_names = list(schema_levels(PREV, "CODE_REJECT_REASON"))
    reject = np.full(rows, reject_names.index("XAP"), dtype=np.int32)
    reject_pick = draw_codes(rng, rows, [0, 175_231, 55_680, 37_467, 0, 12_811, 5_244, 3_535, 717])
    reject[refused] = reject_pick[refused]
    reject[unused] = reject_names.index("CLIENT")

    portfolio_names = list(schema_levels(PREV, "NAME_PORTFOLIO"))
    portfolio = np.where(consumer, portfolio_names.index("POS"),
                         np.where(cash, portfolio_names.index("Cash"),
                                  np.where(revolving, portfolio_names.index("Cards"),
                                           portfolio_names.index("XNA"))))
    portfolio = np.where(cash & cash_zero, portfolio_names.index("XNA"), portfolio)
    goods_names = list(schema_levels(PREV, "NAME_GOODS_CATEGORY"))
    goods_category = draw_codes(rng, rows, [
        0, 224_708, 121_576, 105_769, 99_441, 53_656, 25_021, 24_995, 23_554, 7_381, 6_290,
        5_023, 3_843, 3_370, 2_981, 2_668, 2_618, 2_597, 1_659, 1_550, 446, 209, 128, 107, 77,
        64, 1, 1,
    ])
    goods_category = np.where(consumer, goods_category, goods_names.index("XNA"))
    industry = draw_codes(rng, rows, [0, 398_265, 276_029, 57_849, 29_781, 23_949, 19_194, 4_990,
                                   2_709, 1_215, 513])
    industry = np.where(consumer, industry, 0)
    combination_names = list(schema_levels(PREV, "PRODUCT_COMBINATION"))
    pos_combo = codes_for(PREV, "PRODUCT_COMBINATION", [
        "POS household with interest", "POS mobile with interest", "POS industry with interest",
        "POS household without interest", "POS mobile without interest",
        "POS other with interest", "POS industry without interest", "POS others without interest",
    ])[draw_codes(rng, rows, [263_622, 220_670, 98_833, 82_908, 24_082, 23_879, 12_602, 2_555])]
    cash_combo = codes_for(PREV, "PRODUCT_COMBINATION", [
        "Cash", "Cash X-Sell: middle", "Cash X-Sell: low", "Cash Street: high",
        "Cash X-Sell: high", "Cash Street: middle", "Cash Street: low",
    ])[draw_codes(rng, rows, [285_990, 143_883, 130_248, 59_639, 59_301, 34_658, 33_834])]
    card_combo = codes_for(PREV, "PRODUCT_COMBINATION", ["Card Street", "Card X-Sell"])[
        draw_codes(rng, rows, [112_582, 80_582])]
    combination = np.where(consumer, pos_combo, np.where(cash, cash_combo, card_combo))
    combination = np.where(cash_zero, combination_names.index("Cash"), combination)
    combination = np.where(xna_contract, -1, combination)
    purpose_names = list(schema_levels(PREV, "NAME_CASH_LOAN_PURPOSE"))
    purpose = np.where(cash, np.where(rng.random(rows) < 0.9, purpose_names.index("XNA"),
                                      2 + draw_codes(rng, rows, np.linspace(3, 0.2, 23))),
                       purpose_names.index("XAP")).astype(np.int32)
    yield_group = np.where(consumer | (cash & ~cash_zero),
                           1 + draw_codes(rng, rows, [385_532, 353_331, 322_095, 92_041]), 0)

    columns: dict[str, np.ndarray] = {
        "SK_ID_PREV": next_id + np.arange(rows, dtype=np.int64),
        "SK_ID_CURR": applicants.ids[owner],
        "NAME_CONTRACT_TYPE": contract,
        "AMT_ANNUITY": annuity,
        "AMT_APPLICATION": application,
        "AMT_CREDIT": credit,
        "AMT_DOWN_PAYMENT": down,
        "AMT_GOODS_PRICE": goods_price,
        "WEEKDAY_APPR_PROCESS_START": draw_codes(rng, rows, list(WEEKDAY_SHARES.values())),
        "HOUR_APPR_PROCESS_START": np.clip(np.round(12.5 + 3.3 * rng.standard_normal(rows)), 0,
                                           23).astype(np.int64),
        "FLAG_LAST_APPL_PER_CONTRACT": np.where(rng.random(rows) < 0.0051, 0, 1),
        "NFLAG_LAST_APPL_IN_DAY": np.where(rng.random(rows) < 0.0035, 0, 1).astype(np.int64),
        "RATE_DOWN_PAYMENT": np.where(
            np.isnan(down), np.nan,
            np.clip(down / np.maximum(np.nan_to_num(goods_price, nan=1.0), 1.0), 0, 1)),
        "RATE_INTEREST_PRIMARY": np.where(rng.random(rows) < 0.9964, np.nan,
                                          np.round(rng.uniform(0.03, 0.5, rows), 6)),
        "RATE_INTEREST_PRIVILEGED": np.where(rng.random(rows) < 0.9964, np.nan,
                                             np.round(rng.uniform(0.37, 1.0, rows), 6)),
        "NAME_CASH_LOAN_PURPOSE": purpose,
        "NAME_CONTRACT_STATUS": status,
        "DAYS_DECISION": days_decision,
        "NAME_PAYMENT_TYPE": np.where(
            cash_zero | xna_contract | revolving & (rng.random(rows) < 0.5), 1,
            draw_codes(rng, rows, [1_033_552, 0, 8_193, 1_085])).astype(np.int32),
        "CODE_REJECT_REASON": reject,
        "NAME_TYPE_SUITE": np.where(rng.random(rows) < 0.491, -1,
                                    draw_codes(rng, rows, [508_970, 213_263, 67_069, 31_566,
                                                        8_960, 17_624, 2_240])),
        "NAME_CLIENT_TYPE": draw_codes(rng, rows, [1_231_261, 301_363, 135_649, 1_941]),
        "NAME_GOODS_CATEGORY": goods_category,
        "NAME_PORTFOLIO": portfolio,
        "NAME_PRODUCT_TYPE": np.where(cash, draw_codes(rng, rows, [0.18, 0.6, 0.22]), 0),
        "CHANNEL_TYPE": np.where(
            consumer, draw_codes(rng, rows, [0, 494_690, 212_083, 108_528, 0, 0, 6_150, 628]),
            draw_codes(rng, rows, [719_968, 0, 0, 0, 71_297, 57_046, 0, 0])),
        "SELLERPLACE_AREA": np.where(
            consumer, np.round(np.exp(np.log(60.0) + 1.6 * rng.standard_normal(rows))), -1
        ).clip(-1, 4_000_000).astype(np.int64),
        "NAME_SELLER_INDUSTRY": industry,
        "CNT_PAYMENT": cnt_payment,
        "NAME_YIELD_GROUP": yield_group,
        "PRODUCT_COMBINATION": combination,
        **days,
        "NFLAG_INSURED_ON_APPROVAL": np.where(approved, (rng.random(rows) < 0.33).astype(float),
                                              np.nan),
    }

    loans = {
        "owner": owner,
        "sk_id_prev": columns["SK_ID_PREV"],
        "instalment_loan": approved & (cash | consumer) & (first_due < -1),
        "card": card,
        "term": np.nan_to_num(term),
        "first_due": np.nan_to_num(first_due, nan=1.0),
        "last_due": np.nan_to_num(last_due_actual, nan=1.0),
        "annuity": np.nan_to_num(annuity),
        "days_decision": days_decision,
        "card_limit": card_limit,
    }
    summaries = {
        "previous_count": counts.astype(float),
        "previous_refused": np.bincount(owner, weights=refused, minlength=n),
        "previous_refused_recent": np.bincount(owner, weights=refused & (days_decision > -365),
                                               minlength=n),
    }
    return columns, loans, summaries


def instalment_and_pos_tables(rng: np.random.Generator, applicants: Applicants,
                         loans: dict[str, np.ndarray]
                         ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray],
                                    dict[str, np.ndarray]]:
    n = applicants.n
    b = applicants.behaviour
    # Per-client payment habits, driven by the behaviour latent.
    habit_noise = rng.standard_normal(n)
    p_late = expit(-2.55 + 1.05 * b + 0.45 * habit_noise)
    p_under = expit(-3.1 + 0.95 * b + 0.45 * rng.standard_normal(n))
    lateness = np.exp(np.log(7.0) + 0.45 * b)
    p_dpd_month = expit(-4.6 + 1.25 * b + 0.5 * habit_noise)

    chosen = np.flatnonzero(loans["instalment_loan"])
    owner = loans["owner"][chosen]
    first_due = loans["first_due"][chosen]
    term = loans["term"][chosen].astype(np.int64)
    annuity = loans["annuity"][chosen]
    due_count = np.minimum(term, np.floor(-first_due / DAYS_PER_MONTH).astype(np.int64) + 1)
    due_count = np.maximum(due_count, 0)
    loan_index, k = segments_of(due_count)
    row_owner = owner[loan_index]
    rows = loan_index.size
    days_instalment = first_due[loan_index] + np.round(k * DAYS_PER_MONTH)
    last = k == term[loan_index] - 1
    amount = np.where(last, np.round(annuity[loan_index] * rng.uniform(0.3, 1.0, rows), 3),
                      annuity[loan_index])
    amount = np.maximum(amount, 0.09)
    late = rng.random(rows) < p_late[row_owner]
    delay = np.where(late, np.ceil(rng.exponential(1.0, rows) * lateness[row_owner]),
                     -np.round(rng.exponential(9.0, rows)))
    entry = days_instalment + delay
    under = rng.random(rows) < p_under[row_owner]
    # Some clients pay an instalment in two parts on purpose (both rows show a partial amount).
    split = ~under & (rng.random(rows) < 0.12)
    paid = np.where(under, np.round(amount * rng.uniform(0.05, 0.95, rows), 3), amount)
    paid = np.where(split, np.round(amount * rng.uniform(0.3, 0.7, rows), 3), paid)
    unpaid_yet = entry > -1
    entry = np.where(unpaid_yet, np.nan, entry)
    paid = np.where(unpaid_yet, np.nan, paid)
    version = np.where(rng.random(rows) < 0.93, 1.0, 2.0)
    # Part of the underpaid instalments is settled by a second, later payment.
    settle = (split | under & (rng.random(rows) < 0.6)) & ~unpaid_yet
    extra_delay = np.where(split[settle], rng.uniform(0, 8, settle.sum()),
                           rng.uniform(3, 40, settle.sum()))
    extra_entry = entry[settle] + np.round(extra_delay)
    extra_ok = extra_entry <= -1
    settle_idx = np.flatnonzero(settle)[extra_ok]
    extra_entry = extra_entry[extra_ok]

    instalments = {
        "SK_ID_PREV": np.concatenate([loans["sk_id_prev"][chosen][loan_index],
                                      loans["sk_id_prev"][chosen][loan_index[settle_idx]]]),
        "SK_ID_CURR": np.concatenate([applicants.ids[row_owner],
                                      applicants.ids[row_owner[settle_idx]]]),
        "NUM_INSTALMENT_VERSION": np.concatenate([version, version[settle_idx]]),
        "NUM_INSTALMENT_NUMBER": np.concatenate([k + 1, k[settle_idx] + 1]).astype(np.int64),
        "DAYS_INSTALMENT": np.concatenate([days_instalment, days_instalment[settle_idx]]),
        "DAYS_ENTRY_PAYMENT": np.concatenate([entry, extra_entry]),
        "AMT_INSTALMENT": np.concatenate([amount, amount[settle_idx]]),
        "AMT_PAYMENT": np.concatenate([paid, np.round(amount[settle_idx] - paid[settle_idx], 3)]),
        # Chunk-local applicant index (not a schema column, so it is never written).
        "__owner": np.concatenate([row_owner, row_owner[settle_idx]]),
    }

    # POS / cash monthly snapshots from the first month to the month after the last instalment.
    start_month = np.maximum(np.floor(loans["days_decision"][chosen] / DAYS_PER_MONTH), -96)
    start_month = start_month.astype(np.int64)
    end_month = np.minimum(start_month + term, -1)
    pos_length = np.where(rng.random(chosen.size) < 0.985, np.maximum(end_month - start_month + 1,
                                                                     0), 0)
    pos_loan, j = segments_of(pos_length)
    pos_owner = owner[pos_loan]
    pos_rows = pos_loan.size
    months = start_month[pos_loan] + j
    future = np.maximum(term[pos_loan] - j, 0).astype(float)
    status_names = list(schema_levels("POS_CASH_balance", "NAME_CONTRACT_STATUS"))
    pos_status = np.where(future == 0, status_names.index("Completed"),
                          status_names.index("Active")).astype(np.int32)
    pos_status[(j == 0) & (rng.random(pos_rows) < 0.2)] = status_names.index("Signed")
    dpd_month = (future > 0) & (rng.random(pos_rows) < p_dpd_month[pos_owner])
    dpd = np.where(dpd_month, np.ceil(rng.exponential(1.0, pos_rows) * 12 * np.exp(
        0.5 * b[pos_owner])), 0).astype(np.int64)
    pos = {
        "SK_ID_PREV": loans["sk_id_prev"][chosen][pos_loan],
        "SK_ID_CURR": applicants.ids[pos_owner],
        "MONTHS_BALANCE": months,
        "CNT_INSTALMENT": term[pos_loan].astype(float),
        "CNT_INSTALMENT_FUTURE": future,
        "NAME_CONTRACT_STATUS": pos_status,
        "SK_DPD": dpd,
        "SK_DPD_DEF": np.where(rng.random(pos_rows) < 0.35, dpd, 0).astype(np.int64),
    }
    for name in ("CNT_INSTALMENT", "CNT_INSTALMENT_FUTURE"):
        pos[name][rng.random(pos_rows) < 0.0026] = np.nan

    summaries = {"pos_dpd_max": group_max(pos_owner, dpd.astype(float), n)}
    return instalments, pos, summaries


def credit_card_tables(rng: np.random.Generator, applicants: Applicants, loans: dict[str, np.ndarray]
                  ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray]]:
    n = applicants.n
    b = applicants.behaviour
    # At most one card per client: the latest approved revolving loan, kept for 80 % of clients.
    card_rows = np.flatnonzero(loans["card"])
    order = np.lexsort((-loans["days_decision"][card_rows], loans["owner"][card_rows]))
    card_rows = card_rows[order]
    first_of_owner = np.ones(card_rows.size, dtype=bool)
    first_of_owner[1:] = loans["owner"][card_rows][1:] != loans["owner"][card_rows][:-1]
    card_rows = card_rows[first_of_owner]
    owner = loans["owner"][card_rows]
    # Cards stay open for years, so their history is longer than the decision dates suggest.
    start = -np.ceil(96 * rng.random(card_rows.size) ** 1.45).astype(np.int64)
    length = np.maximum(-1 - start + 1, 1)
    card_index, k = segments_of(length)
    row_owner = owner[card_index]
    rows = card_index.size
    limits = np.array([45_000, 67_500, 90_000, 135_000, 180_000, 225_000, 270_000, 450_000])
    limit = limits[draw_codes(rng, card_rows.size, [0.14, 0.08, 0.15, 0.2, 0.15, 0.12, 0.1, 0.06])]
    utilisation_level = expit(-0.9 + 1.1 * b[owner] + 0.7 * rng.standard_normal(owner.size))
    idle = rng.random(rows) < 0.35 * (1 - utilisation_level[card_index])
    utilisation = np.clip(utilisation_level[card_index] + 0.12 * rng.standard_normal(rows), 0, 1.1)
    utilisation = np.where(idle, 0.0, utilisation)
    row_limit = limit[card_index].astype(np.int64)
    balance = np.round(row_limit * utilisation, 3)
    drawing = np.where(~idle & (rng.random(rows) < 0.45),
                       np.round(row_limit * rng.uniform(0, 0.25, rows), 2), 0.0)
    atm_share = rng.random(rows)
    drawings_atm = np.round(np.where(atm_share < 0.5, drawing, drawing * 0.3), 2)
    drawings_pos = np.round(drawing - drawings_atm, 2)
    min_payment = np.round(balance * 0.05, 3)
    late_month = (balance > 0) & (rng.random(rows) < expit(-4.3 + 1.3 * b[row_owner]))
    payment = np.where(balance > 0, np.round(np.where(late_month, min_payment * rng.uniform(
        0, 0.8, rows), min_payment * (1 + rng.exponential(1.5, rows))), 2), 0.0)
    dpd = np.where(late_month, np.ceil(rng.exponential(20.0, rows)), 0).astype(np.int64)
    no_detail = rng.random(rows) < 0.195
    no_minimum = rng.random(rows) < 0.079
    status_names = list(schema_levels("credit_card_balance", "NAME_CONTRACT_STATUS"))
    status = np.full(rows, status_names.index("Active"), dtype=np.int32)
    closes = rng.random(card_rows.size) < 0.1
    last_row = k == length[card_index] - 1
    status[last_row & closes[card_index]] = status_names.index("Completed")
    count_atm = np.where(drawings_atm > 0, 1 + rng.poisson(1.0, rows), 0).astype(float)
    count_pos = np.where(drawings_pos > 0, 1 + rng.poisson(2.0, rows), 0).astype(float)

    cards = {
        "SK_ID_PREV": loans["sk_id_prev"][card_rows][card_index],
        "SK_ID_CURR": applicants.ids[row_owner],
        "MONTHS_BALANCE": start[card_index] + k,
        "AMT_BALANCE": balance,
        "AMT_CREDIT_LIMIT_ACTUAL": row_limit,
        "AMT_DRAWINGS_ATM_CURRENT": np.where(no_detail, np.nan, drawings_atm),
        "AMT_DRAWINGS_CURRENT": drawing,
        "AMT_DRAWINGS_OTHER_CURRENT": np.where(no_detail, np.nan, 0.0),
        "AMT_DRAWINGS_POS_CURRENT": np.where(no_detail, np.nan, drawings_pos),
        "AMT_INST_MIN_REGULARITY": np.where(no_minimum, np.nan, min_payment),
        "AMT_PAYMENT_CURRENT": np.where(no_detail, np.nan, payment),
        "AMT_PAYMENT_TOTAL_CURRENT": payment,
        "AMT_RECEIVABLE_PRINCIPAL": np.round(balance * 0.97, 3),
        "AMT_RECIVABLE": balance,
        "AMT_TOTAL_RECEIVABLE": balance,
        "CNT_DRAWINGS_ATM_CURRENT": np.where(no_detail, np.nan, count_atm),
        "CNT_DRAWINGS_CURRENT": (count_atm + count_pos).astype(np.int64),
        "CNT_DRAWINGS_OTHER_CURRENT": np.where(no_detail, np.nan, 0.0),
        "CNT_DRAWINGS_POS_CURRENT": np.where(no_detail, np.nan, count_pos),
        "CNT_INSTALMENT_MATURE_CUM": np.where(no_minimum, np.nan, k.astype(float)),
        "NAME_CONTRACT_STATUS": status,
        "SK_DPD": dpd,
        "SK_DPD_DEF": np.where(rng.random(rows) < 0.3, dpd, 0).astype(np.int64),
    }
    # Card repayments also appear in installments_payments (instalment version 0).
    pays = np.flatnonzero(payment > 0)
    month_end = (start[card_index][pays] + k[pays] + 1) * DAYS_PER_MONTH
    due_day = np.minimum(np.round(month_end - 5), -1)
    entry = np.where(late_month[pays], due_day + dpd[pays], due_day - np.round(
        rng.exponential(4.0, pays.size)))
    entry = np.minimum(entry, -1)
    card_instalments = {
        "SK_ID_PREV": cards["SK_ID_PREV"][pays],
        "SK_ID_CURR": cards["SK_ID_CURR"][pays],
        "NUM_INSTALMENT_VERSION": np.zeros(pays.size),
        "NUM_INSTALMENT_NUMBER": (k[pays] + 1).astype(np.int64),
        "DAYS_INSTALMENT": due_day,
        "DAYS_ENTRY_PAYMENT": entry,
        "AMT_INSTALMENT": np.maximum(min_payment[pays], 0.09),
        "AMT_PAYMENT": payment[pays],
        "__owner": row_owner[pays],
    }
    util_for_mean = np.where(row_limit > 0, balance / np.maximum(row_limit, 1), np.nan)
    summaries = {
        "card_utilisation": group_mean(row_owner, util_for_mean, n),
        "card_late_share": group_mean(row_owner, (dpd > 0).astype(float), n),
    }
    return cards, card_instalments, summaries


def instalment_summaries(instalments: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    """Per-applicant payment behaviour over all instalment rows (loans and cards), computed the
    way a feature pipeline does: rows without a payment are ignored."""
    owner = instalments["__owner"]
    delay = instalments["DAYS_ENTRY_PAYMENT"] - instalments["DAYS_INSTALMENT"]
    payment = instalments["AMT_PAYMENT"]
    underpaid = np.where(np.isnan(payment), np.nan,
                         (payment < instalments["AMT_INSTALMENT"]).astype(float))
    return {
        "instalment_count": np.bincount(owner, minlength=n).astype(float),
        "instalment_late_share": group_mean(
            owner, np.where(np.isnan(delay), np.nan, (delay > 0).astype(float)), n),
        "instalment_days_late_mean": group_mean(owner, np.clip(delay, 0, None), n),
        "instalment_underpaid_share": group_mean(owner, underpaid, n),
    }
