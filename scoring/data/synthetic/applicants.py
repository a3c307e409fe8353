"""The application rows of one chunk of applicants, with their latent traits."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from scoring.data.synthetic.marginals import (
    APP,
    CONTRACT_SHARES,
    EDUCATION_SHARES,
    FAMILY_SHARES,
    GENDER_SHARES,
    HOUSING_SHARES,
    INCOME_SHIFT_MEAN,
    INCOME_SHIFT_STD,
    INCOME_TYPE_SHARES,
    OCCUPATION_MISSING,
    OCCUPATION_SHARES,
    ORGANIZATION_SHARES,
    TYPE_SUITE_MISSING,
    TYPE_SUITE_SHARES,
    WEEKDAY_SHARES,
)
from scoring.data.synthetic.sampling import (
    codes_for,
    draw_codes,
    draw_negative_binomial,
    probabilities_by_level,
    quantile_map,
)
from scoring.schema import SENTINEL_DAYS


@dataclass
class Applicants:
    """One chunk of applicants: application columns (schema names) and latent traits."""

    ids: np.ndarray
    is_test: np.ndarray
    columns: dict[str, np.ndarray]
    risk: np.ndarray  # latent z: higher = riskier
    behaviour: np.ndarray  # latent b: drives late payments in the side tables

    @property
    def n(self) -> int:
        return self.ids.size


def draw_applicants(rng: np.random.Generator, ids: np.ndarray, is_test: np.ndarray) -> Applicants:
    n = ids.size
    col: dict[str, np.ndarray] = {}
    risk = rng.standard_normal(n)
    behaviour = 0.6 * risk + 0.8 * rng.standard_normal(n)

    def cat(column: str, shares: dict[str, float]) -> np.ndarray:
        return draw_codes(rng, n, probabilities_by_level(APP, column, shares))

    def flag(share: float) -> np.ndarray:
        return (rng.random(n) < share).astype(np.int64)

    contract = cat("NAME_CONTRACT_TYPE", CONTRACT_SHARES)
    revolving = contract == codes_for(APP, "NAME_CONTRACT_TYPE", ["Revolving loans"])[0]
    gender = cat("CODE_GENDER", GENDER_SHARES)
    male = gender == codes_for(APP, "CODE_GENDER", ["M"])[0]
    income_type = cat("NAME_INCOME_TYPE", INCOME_TYPE_SHARES)
    no_job = np.isin(income_type, codes_for(APP, "NAME_INCOME_TYPE", ["Pensioner", "Unemployed"]))
    education = cat("NAME_EDUCATION_TYPE", EDUCATION_SHARES)
    higher = np.isin(
        education, codes_for(APP, "NAME_EDUCATION_TYPE", ["Higher education", "Academic degree"])
    )
    family = cat("NAME_FAMILY_STATUS", FAMILY_SHARES)
    couple = np.isin(family, codes_for(APP, "NAME_FAMILY_STATUS", ["Married", "Civil marriage"]))

    col["NAME_CONTRACT_TYPE"] = contract
    col["CODE_GENDER"] = gender
    own_car = (rng.random(n) < np.where(male, 0.50, 0.258)).astype(np.int32)
    col["FLAG_OWN_CAR"] = own_car
    col["FLAG_OWN_REALTY"] = (rng.random(n) < 0.6937).astype(np.int32)
    children = draw_codes(rng, n, [0.66, 0.22, 0.10, 0.0165, 0.0025, 0.001]).astype(np.int64)
    children[no_job & (rng.random(n) < 0.85)] = 0
    col["CNT_CHILDREN"] = children

    # Income: log-normal-like with the published quartiles, higher for men and graduates.
    shift = (0.35 * male + 0.45 * higher - 0.35 * no_job - INCOME_SHIFT_MEAN) / INCOME_SHIFT_STD
    income_score = 0.45 * shift + math.sqrt(1 - 0.45**2) * rng.standard_normal(n)
    income = quantile_map(
        income_score,
        [(0.001, 33_750), (0.05, 67_500), (0.25, 112_500), (0.5, 147_150), (0.75, 202_500),
         (0.95, 337_500), (0.999, 900_000)],
        25_650, 117_000_000, log=True,
    )
    col["AMT_INCOME_TOTAL"] = np.round(income / 450) * 450

    # Goods price then credit (credit >= goods: insurance and fees are financed too).
    goods_score = 0.35 * income_score + math.sqrt(1 - 0.35**2) * rng.standard_normal(n)
    goods = quantile_map(
        goods_score,
        [(0.001, 45_000), (0.05, 112_500), (0.25, 238_500), (0.5, 450_000), (0.75, 679_500),
         (0.95, 1_305_000), (0.999, 2_250_000)],
        40_500, 4_050_000, log=True,
    )
    goods = np.round(goods / 4_500) * 4_500
    uplift = np.where(rng.random(n) < 0.25, 1.0, 1.0 + 0.38 * rng.beta(2.0, 2.0, n))
    credit = np.clip(np.round(goods * uplift * 2) / 2, 45_000, 4_050_000)
    # Revolving lines are round limits and their "goods price" is the limit itself.
    revolving_limit = np.clip(np.round(goods / 22_500) * 22_500, 45_000, 1_350_000)
    credit = np.where(revolving, revolving_limit, credit)
    goods = np.where(revolving, revolving_limit, goods)
    # Larger loans run longer, so the annuity is less spread than the credit (published
    # quartiles of both).
    credit_to_annuity = np.clip(
        np.exp(np.log(20.5) + 0.33 * (np.log(credit) - np.log(513_531.0))
               + 0.15 * rng.standard_normal(n)),
        8.0, 45.0,
    )
    annuity = np.where(
        revolving,
        credit * np.where(rng.random(n) < 0.5, 0.05, 0.1),
        np.round(credit / credit_to_annuity * 2) / 2,
    )
    annuity = np.maximum(annuity, 1_615.5)
    annuity[rng.random(n) < 4e-5] = np.nan
    goods = goods.astype(float)
    goods[revolving & (rng.random(n) < 0.0095)] = np.nan
    col["AMT_CREDIT"] = credit
    col["AMT_ANNUITY"] = annuity
    col["AMT_GOODS_PRICE"] = goods

    suite = cat("NAME_TYPE_SUITE", TYPE_SUITE_SHARES)
    suite[rng.random(n) < TYPE_SUITE_MISSING] = -1
    col["NAME_TYPE_SUITE"] = suite
    col["NAME_INCOME_TYPE"] = income_type
    col["NAME_EDUCATION_TYPE"] = education
    col["NAME_FAMILY_STATUS"] = family
    col["NAME_HOUSING_TYPE"] = cat("NAME_HOUSING_TYPE", HOUSING_SHARES)

    # Region: a fixed set of regions; denser regions get the better (lower) rating.
    region_score = rng.standard_normal(n)
    population = quantile_map(
        region_score,
        [(0.001, 0.0005), (0.25, 0.0100), (0.5, 0.0189), (0.75, 0.0287), (0.999, 0.0725)],
        0.00029, 0.0725,
    )
    grid = np.round(np.geomspace(0.00029, 0.0725, 81), 6)
    population = grid[np.clip(np.searchsorted(grid, population), 0, grid.size - 1)]
    col["REGION_POPULATION_RELATIVE"] = population
    noisy = region_score + 0.5 * rng.standard_normal(n)
    rating = np.where(noisy > 1.40, 1, np.where(noisy < -1.11, 3, 2)).astype(np.int64)
    col["REGION_RATING_CLIENT"] = rating
    w_city = rating.copy()
    move = rng.random(n) < 0.06
    w_city[move] = np.clip(rating[move] + np.where(rng.random(move.sum()) < 0.5, -1, 1), 1, 3)
    col["REGION_RATING_CLIENT_W_CITY"] = w_city

    # Age: pensioners are older; quantiles of the mixture match the published ones.
    age_score = rng.standard_normal(n)
    age_years = np.where(
        no_job,
        quantile_map(age_score, [(0.01, 40.0), (0.1, 53.0), (0.5, 60.5), (0.9, 66.0),
                                  (0.999, 69.0)], 25.0, 69.1),
        quantile_map(age_score, [(0.001, 21.0), (0.25, 32.5), (0.5, 40.0), (0.75, 49.5),
                                  (0.999, 66.0)], 20.5, 69.1),
    )
    days_birth = -np.round(age_years * 365.25).astype(np.int64)
    col["DAYS_BIRTH"] = days_birth

    employed_years = quantile_map(
        rng.standard_normal(n) + 0.35 * (age_years - 40.0) / 10.0,
        [(0.001, 0.05), (0.085, 289 / 365.25), (0.39, 1213 / 365.25), (0.695, 2760 / 365.25),
         (0.99, 25.0)],
        0.0, 49.0, log=True,
    )
    employed_years = np.minimum(employed_years, age_years - 18.0)
    days_employed = -np.round(np.maximum(employed_years, 0) * 365.25).astype(np.int64)
    col["DAYS_EMPLOYED"] = np.where(no_job, SENTINEL_DAYS, days_employed)

    registration = quantile_map(
        rng.standard_normal(n),
        [(0.001, 50.0), (0.25, 2010.0), (0.5, 4504.0), (0.75, 7480.0), (0.999, 18_000.0)],
        0.0, 24_672.0, log=True,
    )
    col["DAYS_REGISTRATION"] = -np.round(np.minimum(registration, -days_birth - 365)).astype(float)
    id_publish = quantile_map(
        rng.standard_normal(n),
        [(0.001, 30.0), (0.25, 1720.0), (0.5, 3254.0), (0.75, 4299.0), (0.999, 6500.0)],
        0.0, 7197.0,
    )
    col["DAYS_ID_PUBLISH"] = -np.round(id_publish).astype(np.int64)
    car_age = np.round(
        quantile_map(rng.standard_normal(n),
                      [(0.01, 0.5), (0.25, 5.0), (0.5, 9.0), (0.75, 15.0), (0.99, 40.0)],
                      0.0, 91.0)
    )
    col["OWN_CAR_AGE"] = np.where(own_car == 1, car_age, np.nan)

    col["FLAG_MOBIL"] = np.ones(n, dtype=np.int64)
    col["FLAG_EMP_PHONE"] = (~no_job).astype(np.int64)
    col["FLAG_WORK_PHONE"] = flag(0.1994)
    col["FLAG_CONT_MOBILE"] = flag(0.9981)
    col["FLAG_PHONE"] = flag(0.2811)
    col["FLAG_EMAIL"] = flag(0.0567)

    occupation = cat("OCCUPATION_TYPE", OCCUPATION_SHARES)
    # Pensioners and the unemployed (18.01 %) never state an occupation; the rest of the
    # published 31.35 % missing share falls on the others.
    no_job_share = (INCOME_TYPE_SHARES["Pensioner"] + INCOME_TYPE_SHARES["Unemployed"]) / 307_511
    missing_share_working = (OCCUPATION_MISSING - no_job_share) / (1 - no_job_share)
    occupation[no_job | (rng.random(n) < missing_share_working)] = -1
    col["OCCUPATION_TYPE"] = occupation
    col["CNT_FAM_MEMBERS"] = (children + np.where(couple, 2, 1)).astype(float)
    col["WEEKDAY_APPR_PROCESS_START"] = cat("WEEKDAY_APPR_PROCESS_START", WEEKDAY_SHARES)
    col["HOUR_APPR_PROCESS_START"] = np.clip(
        np.round(12.06 + 3.27 * rng.standard_normal(n)), 0, 23
    ).astype(np.int64)
    col["REG_REGION_NOT_LIVE_REGION"] = flag(0.0151)
    col["REG_REGION_NOT_WORK_REGION"] = flag(0.0508)
    col["LIVE_REGION_NOT_WORK_REGION"] = flag(0.0407)
    col["REG_CITY_NOT_LIVE_CITY"] = flag(0.0782)
    col["REG_CITY_NOT_WORK_CITY"] = np.where(no_job, 0, flag(0.28)).astype(np.int64)
    col["LIVE_CITY_NOT_WORK_CITY"] = np.where(no_job, 0, flag(0.219)).astype(np.int64)
    organization = cat(
        "ORGANIZATION_TYPE", ORGANIZATION_SHARES
    )
    col["ORGANIZATION_TYPE"] = np.where(
        no_job, codes_for(APP, "ORGANIZATION_TYPE", ["XNA"])[0], organization
    )

    # External scores: noisy, partly independent readings of the latent risk (EXT_SOURCE_1
    # also tracks age, as in the real data).
    age_std = (age_years - 43.5) / 11.9
    # (weight of risk, weight of age, weight of noise); the scores are then scaled to unit
    # variance so that the quantile map reproduces the published quartiles.
    ext_weights = {
        "EXT_SOURCE_1": (0.40, 0.55, 0.73),
        "EXT_SOURCE_2": (0.45, 0.0, 0.89),
        "EXT_SOURCE_3": (0.45, 0.15, 0.88),
    }
    ext_scores = {
        name: (-w_risk * risk + w_age * age_std + w_noise * rng.standard_normal(n))
        / math.sqrt(w_risk**2 + w_age**2 + w_noise**2)
        for name, (w_risk, w_age, w_noise) in ext_weights.items()
    }
    ext_knots = {
        "EXT_SOURCE_1": ([(0.001, 0.03), (0.05, 0.16), (0.25, 0.334), (0.5, 0.506),
                          (0.75, 0.675), (0.95, 0.85), (0.999, 0.95)], 0.0146, 0.963),
        "EXT_SOURCE_2": ([(0.001, 0.002), (0.05, 0.145), (0.25, 0.392), (0.5, 0.566),
                          (0.75, 0.664), (0.95, 0.76), (0.999, 0.82)], 1e-6, 0.855),
        "EXT_SOURCE_3": ([(0.001, 0.01), (0.05, 0.16), (0.25, 0.37), (0.5, 0.54),
                          (0.75, 0.67), (0.95, 0.80), (0.999, 0.88)], 0.0005, 0.896),
    }
    ext_missing = {"EXT_SOURCE_1": 0.5638, "EXT_SOURCE_2": 0.0021, "EXT_SOURCE_3": 0.1983}
    for name, score in ext_scores.items():
        knots, lo, hi = ext_knots[name]
        values = quantile_map(score, knots, lo, hi)
        values[rng.random(n) < ext_missing[name]] = np.nan
        col[name] = values

    col.update(_building_columns(rng, n))
    social = draw_negative_binomial(rng, 1.42, 0.45, n).astype(float)
    social = np.minimum(social, 348)
    default_share = np.clip(0.085 * np.exp(0.35 * risk), 0, 0.9)
    def_30 = rng.binomial(social.astype(np.int64), default_share).astype(float)
    obs_60 = social - rng.binomial(social.astype(np.int64), 0.01)
    def_60 = rng.binomial(def_30.astype(np.int64), 0.72).astype(float)
    social_missing = rng.random(n) < 0.0033
    for name, values in (
        ("OBS_30_CNT_SOCIAL_CIRCLE", social),
        ("DEF_30_CNT_SOCIAL_CIRCLE", def_30),
        ("OBS_60_CNT_SOCIAL_CIRCLE", obs_60.astype(float)),
        ("DEF_60_CNT_SOCIAL_CIRCLE", def_60),
    ):
        col[name] = np.where(social_missing, np.nan, values)
    phone = quantile_map(
        rng.standard_normal(n),
        [(0.001, 5.0), (0.25, 350.0), (0.5, 850.0), (0.75, 1650.0), (0.999, 4000.0)],
        1.0, 4292.0, log=True,
    )
    phone = np.where(rng.random(n) < 0.12, 0.0, np.round(phone))
    col["DAYS_LAST_PHONE_CHANGE"] = -phone
    document_shares = {
        2: 0.00004, 3: 0.71, 4: 0.00008, 5: 0.0151, 6: 0.088, 7: 0.0002, 8: 0.0814,
        9: 0.0039, 10: 0.00002, 11: 0.0039, 12: 0.000007, 13: 0.0035, 14: 0.0029,
        15: 0.0012, 16: 0.0099, 17: 0.0003, 18: 0.0081, 19: 0.0006, 20: 0.0005, 21: 0.0003,
    }
    for number, share in document_shares.items():
        col[f"FLAG_DOCUMENT_{number}"] = flag(share)
    enquiries_missing = rng.random(n) < 0.135
    enquiries = {
        "HOUR": rng.binomial(1, 0.0058, n),
        "DAY": rng.binomial(1, 0.0054, n),
        "WEEK": rng.binomial(2, 0.016, n),
        "MON": draw_negative_binomial(rng, 0.267, 0.25, n),
        "QRT": draw_negative_binomial(rng, 0.265, 0.45, n),
        "YEAR": draw_negative_binomial(rng, 1.9 * np.exp(0.1 * behaviour - 0.005), 1.3, n),
    }
    for period, values in enquiries.items():
        col[f"AMT_REQ_CREDIT_BUREAU_{period}"] = np.where(
            enquiries_missing, np.nan, values.astype(float)
        )
    return Applicants(ids, is_test, col, risk, behaviour)


BUILDING_MISSING = {
    "APARTMENTS": 0.5075, "BASEMENTAREA": 0.5852, "YEARS_BEGINEXPLUATATION": 0.4878,
    "YEARS_BUILD": 0.6650, "COMMONAREA": 0.6987, "ELEVATORS": 0.5330, "ENTRANCES": 0.5035,
    "FLOORSMAX": 0.4976, "FLOORSMIN": 0.6785, "LANDAREA": 0.5938, "LIVINGAPARTMENTS": 0.6835,
    "LIVINGAREA": 0.5019, "NONLIVINGAPARTMENTS": 0.6943, "NONLIVINGAREA": 0.5518,
}
BUILDING_MEDIANS = {
    "APARTMENTS": 0.0876, "BASEMENTAREA": 0.0763, "YEARS_BEGINEXPLUATATION": 0.9816,
    "YEARS_BUILD": 0.7552, "COMMONAREA": 0.0211, "ELEVATORS": 0.04, "ENTRANCES": 0.1379,
    "FLOORSMAX": 0.1667, "FLOORSMIN": 0.2083, "LANDAREA": 0.0481, "LIVINGAPARTMENTS": 0.0756,
    "LIVINGAREA": 0.0745, "NONLIVINGAPARTMENTS": 0.004, "NONLIVINGAREA": 0.0036,
}


def _building_columns(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Normalised building descriptors; missingness is nested (one draw per applicant), as in
    the real file where a building is either described or not."""
    out: dict[str, np.ndarray] = {}
    described = rng.random(n)
    size = rng.standard_normal(n)
    for measure, missing in BUILDING_MISSING.items():
        median = BUILDING_MEDIANS[measure]
        if measure in ("YEARS_BEGINEXPLUATATION", "YEARS_BUILD"):
            base = 1 - (1 - median) * np.exp(0.5 * rng.standard_normal(n))
        else:
            base = median * np.exp(0.5 * size + 0.6 * rng.standard_normal(n))
        base = np.clip(base, 0.0, 1.0)
        present = described > missing
        for stat in ("AVG", "MODE", "MEDI"):
            jitter = 1.0 if stat == "AVG" else np.exp(0.03 * rng.standard_normal(n))
            values = np.round(np.clip(base * jitter, 0.0, 1.0), 4)
            out[f"{measure}_{stat}"] = np.where(present, values, np.nan)
    fond = draw_codes(rng, n, [0.2398, 0.0393, 0.0186, 0.0181])
    out["FONDKAPREMONT_MODE"] = np.where(described > 0.6839, fond, -1)
    house = draw_codes(rng, n, [0.4918, 0.0049, 0.0039])
    out["HOUSETYPE_MODE"] = np.where(described > 0.5018, house, -1)
    total = np.round(np.clip(0.0688 * np.exp(0.5 * size + 0.5 * rng.standard_normal(n)), 0, 1), 4)
    out["TOTALAREA_MODE"] = np.where(described > 0.4827, total, np.nan)
    walls = draw_codes(rng, n, [0.2150, 0.2108, 0.0301, 0.0174, 0.0075, 0.0057, 0.0053])
    out["WALLSMATERIAL_MODE"] = np.where(described > 0.5084, walls, -1)
    emergency = draw_codes(rng, n, [0.5180, 0.0076])
    out["EMERGENCYSTATE_MODE"] = np.where(described > 0.4740, emergency, -1)
    return out
