"""The true risk: log-odds of default from observed application columns and side-table
summaries."""

from __future__ import annotations

import numpy as np

from scoring.data.synthetic import marginals
from scoring.data.synthetic.applicants import Applicants
from scoring.data.synthetic.marginals import APP, APPLICATION_SIGNAL, SIDE_TABLE_SIGNAL
from scoring.data.synthetic.sampling import schema_levels
from scoring.schema import SENTINEL_DAYS


def true_logit(applicants: Applicants, summaries: dict[str, np.ndarray]) -> np.ndarray:
    """True log-odds of default from observed application columns and side-table summaries."""
    col = applicants.columns
    n = applicants.n
    # Read through the module so that benchmarks/generate_calibration.py can try other values.
    logit = np.full(n, marginals.LOGIT_INTERCEPT)

    for column, offsets in marginals.CATEGORY_LOGIT_OFFSETS.items():
        levels = schema_levels(APP, column)
        table = np.array([offsets.get(level, 0.0) for level in levels] + [0.0])
        codes = col[column]
        logit += table[np.where(codes < 0, len(levels), codes)]

    app = np.zeros(n)
    ext_weights = {"EXT_SOURCE_1": 0.36, "EXT_SOURCE_2": 0.48, "EXT_SOURCE_3": 0.52}
    ext_centres = {"EXT_SOURCE_1": 0.50, "EXT_SOURCE_2": 0.52, "EXT_SOURCE_3": 0.51}
    ext_scales = {"EXT_SOURCE_1": 0.21, "EXT_SOURCE_2": 0.19, "EXT_SOURCE_3": 0.19}
    for name, weight in ext_weights.items():
        standardised = (col[name] - ext_centres[name]) / ext_scales[name]
        app -= weight * np.nan_to_num(standardised, nan=0.0)

    age_years = -col["DAYS_BIRTH"] / 365.25
    app -= 0.16 * (age_years - 43.5) / 11.9
    employed = col["DAYS_EMPLOYED"] != SENTINEL_DAYS
    employed_years = np.where(employed, -col["DAYS_EMPLOYED"] / 365.25, 0.0)
    app -= np.where(employed, 0.26 * (np.log1p(employed_years) - 1.5), 0.0)

    annuity = np.nan_to_num(col["AMT_ANNUITY"], nan=24_903.0)  # published median
    burden = annuity / col["AMT_INCOME_TOTAL"]
    app += 0.20 * np.clip((burden - 0.18) / 0.1, -2, 3)
    goods = col["AMT_GOODS_PRICE"]
    uplift = np.where(np.isnan(goods), 1.0, col["AMT_CREDIT"] / np.where(np.isnan(goods), 1, goods))
    app += 1.2 * np.clip(uplift - 1.0, 0, 0.4)
    term = col["AMT_CREDIT"] / np.maximum(annuity, 1)
    app += 0.30 * np.exp(-(((term - 15.0) / 4.0) ** 2))
    app += 0.45 * (col["REGION_RATING_CLIENT_W_CITY"] - 2)
    app += 0.25 * np.minimum(np.nan_to_num(col["DEF_30_CNT_SOCIAL_CIRCLE"]), 2)
    app += 0.12 * col["REG_CITY_NOT_WORK_CITY"] + 0.15 * col["REG_CITY_NOT_LIVE_CITY"]
    app -= 0.12 * col["FLAG_OWN_CAR"]
    app += 0.12 * (col["DAYS_ID_PUBLISH"] > -1500)
    app += 0.12 * (col["DAYS_LAST_PHONE_CHANGE"] > -300)
    app += 0.10 * col["FLAG_DOCUMENT_3"]

    s = summaries
    side = np.zeros(n)
    side += 2.2 * np.nan_to_num(s["instalment_late_share"])
    side += 0.22 * np.log1p(np.nan_to_num(s["instalment_days_late_mean"]))
    side += 1.6 * np.nan_to_num(s["instalment_underpaid_share"])
    side += 0.45 * np.minimum(s["bureau_overdue_count"], 2)
    side += 0.6 * (s["bureau_bad_count"] > 0)
    side += 0.05 * np.log1p(np.nan_to_num(s["bureau_max_overdue"]))
    side += 0.10 * np.minimum(s["bureau_recent_count"], 4)
    debt_ratio = np.where(s["bureau_active_credit"] > 0,
                          s["bureau_active_debt"] / np.maximum(s["bureau_active_credit"], 1), 0.0)
    side += 0.35 * np.clip(debt_ratio - 0.4, -0.4, 0.8)
    side += 0.15 * (s["bureau_count"] == 0)
    refused_share = np.where(s["previous_count"] > 0,
                             s["previous_refused"] / np.maximum(s["previous_count"], 1), 0.0)
    side += 1.1 * refused_share
    side += 0.15 * np.minimum(s["previous_refused_recent"], 3)
    side += 1.0 * np.nan_to_num(s["card_utilisation"] - 0.35)
    side += 1.5 * np.nan_to_num(s["card_late_share"])
    side += 0.12 * np.log1p(np.nan_to_num(s["pos_dpd_max"]))
    return logit + APPLICATION_SIGNAL * app + SIDE_TABLE_SIGNAL * side
