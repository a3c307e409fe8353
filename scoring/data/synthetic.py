"""Synthetic Home Credit data: the seven tables with the real schema and a known risk model.

How the data is built, per chunk of applicants (vectorised numpy, no loop over rows):

1. Latent traits per applicant: a general risk ``z`` (drives the external scores and social-circle
   defaults) and a repayment behaviour ``b`` correlated with ``z`` (drives the side tables).
2. The application row, calibrated to the published marginals (REFERENCE_STATS.md): category
   shares, amount and day quantiles, missing shares, the 365243 sentinel for pensioners and the
   unemployed (ORGANIZATION_TYPE = XNA on exactly those rows).
3. The six side tables from ``b``: late and underpaid instalments, bureau overdue and bad debt,
   refused previous applications, card utilisation and POS days past due.
4. The true probability of default is a logistic function of OBSERVED columns only: application
   columns plus per-client summaries of the side tables (shares of late / underpaid instalments,
   days late, bureau overdue counts, refused share, card utilisation, POS DPD...). A model on
   per-client aggregates can therefore, in principle, recover it; TARGET ~ Bernoulli(true PD).

The true probabilities are written to ``truth.csv`` beside the tables, never into them.

Calibration: category offsets and the intercept are fitted by benchmarks/generate_calibration.py;
APPLICATION_SIGNAL and SIDE_TABLE_SIGNAL set the oracle AUC and the gain from the side tables
(measured by benchmarks/generate_signal_check.py; tests/test_synthetic.py checks the marginals).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import polars as pl
from scipy.special import expit, ndtri

from scoring.schema import SENTINEL_DAYS, TABLES

# --- sizes -------------------------------------------------------------------------------------

FULL_SCALE_TRAIN = 307_511
FULL_SCALE_TEST = 48_744
# Real row counts (REFERENCE_STATS.md); at full scale the generator aims at these.
REAL_ROW_COUNTS: dict[str, int] = {
    "application_train": 307_511,
    "application_test": 48_744,
    "bureau": 1_716_428,
    "bureau_balance": 27_299_925,
    "previous_application": 1_670_214,
    "POS_CASH_balance": 10_001_358,
    "installments_payments": 13_605_401,
    "credit_card_balance": 3_840_312,
}
# Applicants per chunk: bounds memory at full scale (the largest chunk table, bureau_balance,
# holds about 1.5 M rows) and is fixed so that a seed always gives the same data.
CHUNK_SIZE = 20_000
FIRST_CLIENT_ID = 100_002
FIRST_BUREAU_ID = 5_000_000
FIRST_PREVIOUS_ID = 1_000_001
TRUTH_FILE = "truth.csv"
TRUTH_COLUMN = "TRUE_PROBABILITY_OF_DEFAULT"
DAYS_PER_MONTH = 30.4375


@dataclass
class GenerationSummary:
    """What a generation run wrote, and how the data behaves."""

    out_dir: Path
    seed: int
    n_train: int
    n_test: int
    rows: dict[str, int]
    files: dict[str, Path]
    truth_file: Path
    default_rate: float
    oracle_auc: float
    seconds: float

    def __str__(self) -> str:
        rows = ", ".join(f"{name} {count:,}" for name, count in self.rows.items())
        return (
            f"{self.n_train:,} train + {self.n_test:,} test applicants in {self.out_dir} "
            f"({self.seconds:.1f} s): {rows}; default rate {self.default_rate:.2%}, "
            f"oracle AUC {self.oracle_auc:.4f}"
        )


def n_test_applicants(n_clients: int) -> int:
    """Test applicants for ``n_clients`` train applicants, in the real train/test proportion."""
    return round(n_clients * FULL_SCALE_TEST / FULL_SCALE_TRAIN)


# --- small numpy helpers -----------------------------------------------------------------------


def _choice(rng: np.random.Generator, n: int, probabilities: np.ndarray | list[float]) -> np.ndarray:
    """Category codes drawn with the given (not necessarily normalised) probabilities."""
    weights = np.asarray(probabilities, dtype=float)
    cumulative = np.cumsum(weights / weights.sum())
    cumulative[-1] = 1.0
    return np.searchsorted(cumulative, rng.random(n), side="right").astype(np.int32)


def _quantile_map(
    scores: np.ndarray,
    knots: list[tuple[float, float]],
    lo: float,
    hi: float,
    *,
    log: bool = False,
) -> np.ndarray:
    """Map standard-normal scores to values whose quantiles are the given (probability, value)
    knots, interpolating in normal-score space and extrapolating the end slopes into the tails.

    Used so that every amount and day column hits its published quartiles while staying
    correlated with the latent traits through the scores.
    """
    probabilities = np.array([p for p, _ in knots])
    values = np.array([v for _, v in knots], dtype=float)
    x = ndtri(probabilities)
    y = np.log(values) if log else values
    out = np.interp(scores, x, y)
    left, right = scores < x[0], scores > x[-1]
    out[left] = y[0] + (scores[left] - x[0]) * (y[1] - y[0]) / (x[1] - x[0])
    out[right] = y[-1] + (scores[right] - x[-1]) * (y[-1] - y[-2]) / (x[-1] - x[-2])
    if log:
        out = np.exp(out)
    return np.clip(out, lo, hi)


def _segments(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For groups of the given sizes: each row's group index and its position in the group."""
    counts = counts.astype(np.int64)
    owner = np.repeat(np.arange(counts.size), counts)
    starts = np.cumsum(counts) - counts
    position = np.arange(counts.sum()) - np.repeat(starts, counts)
    return owner, position


def _negative_binomial(rng: np.random.Generator, mean: np.ndarray | float, dispersion: float,
                       size: int) -> np.ndarray:
    mean = np.broadcast_to(np.asarray(mean, dtype=float), (size,))
    return rng.negative_binomial(dispersion, dispersion / (dispersion + mean))


def _group_mean(owner: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Mean of ``values`` per owner ignoring NaN; NaN for owners without a value."""
    valid = ~np.isnan(values)
    total = np.bincount(owner[valid], weights=values[valid], minlength=n)
    count = np.bincount(owner[valid], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _group_max(owner: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Max per owner ignoring NaN; NaN for owners without a value."""
    out = np.full(n, -np.inf)
    valid = ~np.isnan(values)
    np.maximum.at(out, owner[valid], values[valid])
    out[np.isinf(out)] = np.nan
    return out


def _levels(table: str, column: str) -> tuple[str, ...]:
    levels = TABLES[table].column(column).levels
    assert levels is not None
    return levels


def _codes_for(table: str, column: str, names: list[str]) -> np.ndarray:
    levels = _levels(table, column)
    return np.array([levels.index(name) for name in names], dtype=np.int32)


def _probabilities_by_level(table: str, column: str, shares: dict[str, float]) -> np.ndarray:
    """Probability vector in schema level order (levels not listed get probability 0)."""
    levels = _levels(table, column)
    unknown = set(shares) - set(levels)
    if unknown:
        raise ValueError(f"{column}: shares for unknown levels {unknown}")
    return np.array([shares.get(level, 0.0) for level in levels], dtype=float)


# --- calibration inputs ------------------------------------------------------------------------
# Shares and quantiles marked (ref) come from REFERENCE_STATS.md; the others are approximate
# shares of the real files used only to make the less-documented columns look plausible.

APP = "application_train"

CONTRACT_SHARES = {"Cash loans": 278_232, "Revolving loans": 29_279}  # (ref)
GENDER_SHARES = {"F": 202_448, "M": 105_059, "XNA": 4}  # (ref)
INCOME_TYPE_SHARES = {  # (ref)
    "Working": 158_774,
    "Commercial associate": 71_617,
    "Pensioner": 55_362,
    "State servant": 21_703,
    "Unemployed": 22,
    "Student": 18,
    "Businessman": 10,
    "Maternity leave": 5,
}
EDUCATION_SHARES = {  # (ref)
    "Secondary / secondary special": 218_391,
    "Higher education": 74_863,
    "Incomplete higher": 10_277,
    "Lower secondary": 3_816,
    "Academic degree": 164,
}
FAMILY_SHARES = {  # (ref)
    "Married": 196_432,
    "Single / not married": 45_444,
    "Civil marriage": 29_775,
    "Separated": 19_770,
    "Widow": 16_088,
    "Unknown": 2,
}
HOUSING_SHARES = {  # (ref)
    "House / apartment": 272_868,
    "With parents": 14_840,
    "Municipal apartment": 11_183,
    "Rented apartment": 4_881,
    "Office apartment": 2_617,
    "Co-op apartment": 1_122,
}
OCCUPATION_SHARES = {  # (ref)
    "Laborers": 55_186,
    "Sales staff": 32_102,
    "Core staff": 27_570,
    "Managers": 21_371,
    "Drivers": 18_603,
    "High skill tech staff": 11_380,
    "Accountants": 9_813,
    "Medicine staff": 8_537,
    "Security staff": 6_721,
    "Cooking staff": 5_946,
    "Cleaning staff": 4_653,
    "Private service staff": 2_652,
    "Low-skill Laborers": 2_093,
    "Waiters/barmen staff": 1_348,
    "Secretaries": 1_305,
    "Realty agents": 751,
    "HR staff": 563,
    "IT staff": 526,
}
OCCUPATION_MISSING = 0.3135  # (ref)
ORGANIZATION_SHARES = {  # Business Entity Type 3 and Self-employed (ref), the rest approximate
    "Business Entity Type 3": 67_992,
    "Self-employed": 38_412,
    "Other": 16_683,
    "Medicine": 11_193,
    "Business Entity Type 2": 10_553,
    "Government": 10_404,
    "School": 8_893,
    "Trade: type 7": 7_831,
    "Kindergarten": 6_880,
    "Construction": 6_721,
    "Business Entity Type 1": 5_984,
    "Transport: type 4": 5_398,
    "Trade: type 3": 3_492,
    "Industry: type 9": 3_368,
    "Industry: type 3": 3_278,
    "Security": 3_247,
    "Housing": 2_958,
    "Industry: type 11": 2_704,
    "Military": 2_634,
    "Bank": 2_507,
    "Agriculture": 2_454,
    "Police": 2_341,
    "Transport: type 2": 2_204,
    "Postal": 2_157,
    "Security Ministries": 1_974,
    "Trade: type 2": 1_900,
    "Restaurant": 1_811,
    "Services": 1_575,
    "University": 1_327,
    "Industry: type 7": 1_307,
    "Transport: type 3": 1_187,
    "Industry: type 1": 1_039,
    "Hotel": 966,
    "Electricity": 950,
    "Industry: type 4": 877,
    "Trade: type 6": 631,
    "Industry: type 5": 599,
    "Insurance": 597,
    "Telecom": 577,
    "Emergency": 560,
    "Industry: type 2": 458,
    "Advertising": 429,
    "Realtor": 396,
    "Culture": 379,
    "Industry: type 12": 369,
    "Trade: type 1": 348,
    "Mobile": 317,
    "Legal Services": 305,
    "Cleaning": 260,
    "Transport: type 1": 201,
    "Industry: type 6": 112,
    "Industry: type 10": 109,
    "Religion": 85,
    "Industry: type 13": 67,
    "Trade: type 4": 64,
    "Trade: type 5": 49,
    "Industry: type 8": 24,
}
TYPE_SUITE_SHARES = {
    "Unaccompanied": 248_526,
    "Family": 40_149,
    "Spouse, partner": 11_370,
    "Children": 3_267,
    "Other_B": 1_770,
    "Other_A": 866,
    "Group of people": 271,
}
TYPE_SUITE_MISSING = 0.0042
WEEKDAY_SHARES = {
    "MONDAY": 50_714,
    "TUESDAY": 53_901,
    "WEDNESDAY": 51_934,
    "THURSDAY": 50_591,
    "FRIDAY": 50_338,
    "SATURDAY": 33_852,
    "SUNDAY": 16_181,
}

# Published default rates by category (ref); the logit offsets below reproduce them.
REFERENCE_DEFAULT_RATES: dict[str, dict[str, float]] = {
    "CODE_GENDER": {"F": 0.0700, "M": 0.1014},
    "NAME_CONTRACT_TYPE": {"Cash loans": 0.0835, "Revolving loans": 0.054},
    "NAME_INCOME_TYPE": {
        "Working": 0.0959,
        "Commercial associate": 0.0748,
        "Pensioner": 0.0539,
        "State servant": 0.0576,
    },
    "NAME_EDUCATION_TYPE": {
        "Secondary / secondary special": 0.0894,
        "Incomplete higher": 0.0848,
        "Lower secondary": 0.1093,
    },
    "NAME_FAMILY_STATUS": {
        "Married": 0.0756,
        "Single / not married": 0.0981,
        "Civil marriage": 0.0994,
        "Separated": 0.0819,
    },
    "NAME_HOUSING_TYPE": {
        "House / apartment": 0.0780,
        "With parents": 0.1170,
        "Municipal apartment": 0.0854,
        "Rented apartment": 0.1231,
    },
    "OCCUPATION_TYPE": {
        "Laborers": 0.1058,
        "Sales staff": 0.0963,
        "Drivers": 0.1133,
        "Security staff": 0.1074,
        "Cooking staff": 0.1044,
        "Low-skill Laborers": 0.1715,
    },
}
REFERENCE_DEFAULT_RATE = 24_825 / 307_511
REFERENCE_SENTINEL_DEFAULT_RATE = 0.0540

# Additive logit offsets per category level and the intercept, fitted by
# benchmarks/generate_calibration.py so that the generated default rates by category match
# REFERENCE_DEFAULT_RATES and the overall rate is 8.07 % (levels absent here have offset 0).
# BEGIN CALIBRATED
CATEGORY_LOGIT_OFFSETS: dict[str, dict[str, float]] = {'CODE_GENDER': {'F': -0.188, 'M': 0.36},
 'NAME_CONTRACT_TYPE': {'Cash loans': 0.041, 'Revolving loans': -0.387},
 'NAME_INCOME_TYPE': {'Working': 0.07,
                      'Commercial associate': -0.258,
                      'Pensioner': -0.101,
                      'State servant': -0.54,
                      'Unemployed': 1.8,
                      'Maternity leave': 2.0,
                      'Student': -2.0,
                      'Businessman': -2.0},
 'NAME_EDUCATION_TYPE': {'Secondary / secondary special': 0.179,
                         'Higher education': -0.35,
                         'Incomplete higher': 0.073,
                         'Lower secondary': 0.413,
                         'Academic degree': -1.2},
 'NAME_FAMILY_STATUS': {'Married': 0.096,
                        'Single / not married': 0.413,
                        'Civil marriage': 0.449,
                        'Separated': 0.201,
                        'Widow': -0.15},
 'NAME_HOUSING_TYPE': {'House / apartment': -0.175,
                       'With parents': 0.344,
                       'Municipal apartment': -0.069,
                       'Rented apartment': 0.357,
                       'Office apartment': -0.2,
                       'Co-op apartment': 0.05},
 'OCCUPATION_TYPE': {'Laborers': 0.414,
                     'Sales staff': 0.306,
                     'Core staff': -0.2,
                     'Managers': -0.2,
                     'Drivers': 0.506,
                     'High skill tech staff': -0.22,
                     'Accountants': -0.4,
                     'Medicine staff': -0.1,
                     'Security staff': 0.385,
                     'Cooking staff': 0.44,
                     'Cleaning staff': 0.05,
                     'Low-skill Laborers': 1.132,
                     'Waiters/barmen staff': 0.25,
                     'IT staff': -0.25}}
LOGIT_INTERCEPT = -4.107
# END CALIBRATED


# Strength of the continuous application terms and of the side-table terms in the true logit.
# They set the oracle AUC (about 0.80 at 8.07 % defaults) and how much a model gains from the
# side tables over the application alone (real data: about 0.76 -> 0.79).
APPLICATION_SIGNAL = 0.9
SIDE_TABLE_SIGNAL = 0.55


def _share(shares: dict[str, float], *levels: str) -> float:
    return sum(shares[level] for level in levels) / sum(shares.values())


# Mean and standard deviation of the income shift (men, graduates up; pensioners down) under the
# category shares above, so that the income score keeps unit variance in every chunk.
_SHIFT_TERMS = (
    (0.35, _share(GENDER_SHARES, "M")),
    (0.45, _share(EDUCATION_SHARES, "Higher education", "Academic degree")),
    (-0.35, _share(INCOME_TYPE_SHARES, "Pensioner", "Unemployed")),
)
_INCOME_SHIFT_MEAN = sum(weight * p for weight, p in _SHIFT_TERMS)
_INCOME_SHIFT_STD = math.sqrt(sum(weight**2 * p * (1 - p) for weight, p in _SHIFT_TERMS))


# --- application -------------------------------------------------------------------------------


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


def _applicants(rng: np.random.Generator, ids: np.ndarray, is_test: np.ndarray) -> Applicants:
    n = ids.size
    col: dict[str, np.ndarray] = {}
    risk = rng.standard_normal(n)
    behaviour = 0.6 * risk + 0.8 * rng.standard_normal(n)

    def cat(column: str, shares: dict[str, float]) -> np.ndarray:
        return _choice(rng, n, _probabilities_by_level(APP, column, shares))

    def flag(share: float) -> np.ndarray:
        return (rng.random(n) < share).astype(np.int64)

    contract = cat("NAME_CONTRACT_TYPE", CONTRACT_SHARES)
    revolving = contract == _codes_for(APP, "NAME_CONTRACT_TYPE", ["Revolving loans"])[0]
    gender = cat("CODE_GENDER", GENDER_SHARES)
    male = gender == _codes_for(APP, "CODE_GENDER", ["M"])[0]
    income_type = cat("NAME_INCOME_TYPE", INCOME_TYPE_SHARES)
    no_job = np.isin(income_type, _codes_for(APP, "NAME_INCOME_TYPE", ["Pensioner", "Unemployed"]))
    education = cat("NAME_EDUCATION_TYPE", EDUCATION_SHARES)
    higher = np.isin(
        education, _codes_for(APP, "NAME_EDUCATION_TYPE", ["Higher education", "Academic degree"])
    )
    family = cat("NAME_FAMILY_STATUS", FAMILY_SHARES)
    couple = np.isin(family, _codes_for(APP, "NAME_FAMILY_STATUS", ["Married", "Civil marriage"]))

    col["NAME_CONTRACT_TYPE"] = contract
    col["CODE_GENDER"] = gender
    own_car = (rng.random(n) < np.where(male, 0.50, 0.258)).astype(np.int32)
    col["FLAG_OWN_CAR"] = own_car
    col["FLAG_OWN_REALTY"] = (rng.random(n) < 0.6937).astype(np.int32)
    children = _choice(rng, n, [0.66, 0.22, 0.10, 0.0165, 0.0025, 0.001]).astype(np.int64)
    children[no_job & (rng.random(n) < 0.85)] = 0
    col["CNT_CHILDREN"] = children

    # Income: log-normal-like with the published quartiles, higher for men and graduates.
    shift = (0.35 * male + 0.45 * higher - 0.35 * no_job - _INCOME_SHIFT_MEAN) / _INCOME_SHIFT_STD
    income_score = 0.45 * shift + math.sqrt(1 - 0.45**2) * rng.standard_normal(n)
    income = _quantile_map(
        income_score,
        [(0.001, 33_750), (0.05, 67_500), (0.25, 112_500), (0.5, 147_150), (0.75, 202_500),
         (0.95, 337_500), (0.999, 900_000)],
        25_650, 117_000_000, log=True,
    )
    col["AMT_INCOME_TOTAL"] = np.round(income / 450) * 450

    # Goods price then credit (credit >= goods: insurance and fees are financed too).
    goods_score = 0.35 * income_score + math.sqrt(1 - 0.35**2) * rng.standard_normal(n)
    goods = _quantile_map(
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
    population = _quantile_map(
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
        _quantile_map(age_score, [(0.01, 40.0), (0.1, 53.0), (0.5, 60.5), (0.9, 66.0),
                                  (0.999, 69.0)], 25.0, 69.1),
        _quantile_map(age_score, [(0.001, 21.0), (0.25, 32.5), (0.5, 40.0), (0.75, 49.5),
                                  (0.999, 66.0)], 20.5, 69.1),
    )
    days_birth = -np.round(age_years * 365.25).astype(np.int64)
    col["DAYS_BIRTH"] = days_birth

    employed_years = _quantile_map(
        rng.standard_normal(n) + 0.35 * (age_years - 40.0) / 10.0,
        [(0.001, 0.05), (0.085, 289 / 365.25), (0.39, 1213 / 365.25), (0.695, 2760 / 365.25),
         (0.99, 25.0)],
        0.0, 49.0, log=True,
    )
    employed_years = np.minimum(employed_years, age_years - 18.0)
    days_employed = -np.round(np.maximum(employed_years, 0) * 365.25).astype(np.int64)
    col["DAYS_EMPLOYED"] = np.where(no_job, SENTINEL_DAYS, days_employed)

    registration = _quantile_map(
        rng.standard_normal(n),
        [(0.001, 50.0), (0.25, 2010.0), (0.5, 4504.0), (0.75, 7480.0), (0.999, 18_000.0)],
        0.0, 24_672.0, log=True,
    )
    col["DAYS_REGISTRATION"] = -np.round(np.minimum(registration, -days_birth - 365)).astype(float)
    id_publish = _quantile_map(
        rng.standard_normal(n),
        [(0.001, 30.0), (0.25, 1720.0), (0.5, 3254.0), (0.75, 4299.0), (0.999, 6500.0)],
        0.0, 7197.0,
    )
    col["DAYS_ID_PUBLISH"] = -np.round(id_publish).astype(np.int64)
    car_age = np.round(
        _quantile_map(rng.standard_normal(n),
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
        no_job, _codes_for(APP, "ORGANIZATION_TYPE", ["XNA"])[0], organization
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
        values = _quantile_map(score, knots, lo, hi)
        values[rng.random(n) < ext_missing[name]] = np.nan
        col[name] = values

    col.update(_building_columns(rng, n))
    social = _negative_binomial(rng, 1.42, 0.45, n).astype(float)
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
    phone = _quantile_map(
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
        "MON": _negative_binomial(rng, 0.267, 0.25, n),
        "QRT": _negative_binomial(rng, 0.265, 0.45, n),
        "YEAR": _negative_binomial(rng, 1.9 * np.exp(0.1 * behaviour - 0.005), 1.3, n),
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
    fond = _choice(rng, n, [0.2398, 0.0393, 0.0186, 0.0181])
    out["FONDKAPREMONT_MODE"] = np.where(described > 0.6839, fond, -1)
    house = _choice(rng, n, [0.4918, 0.0049, 0.0039])
    out["HOUSETYPE_MODE"] = np.where(described > 0.5018, house, -1)
    total = np.round(np.clip(0.0688 * np.exp(0.5 * size + 0.5 * rng.standard_normal(n)), 0, 1), 4)
    out["TOTALAREA_MODE"] = np.where(described > 0.4827, total, np.nan)
    walls = _choice(rng, n, [0.2150, 0.2108, 0.0301, 0.0174, 0.0075, 0.0057, 0.0053])
    out["WALLSMATERIAL_MODE"] = np.where(described > 0.5084, walls, -1)
    emergency = _choice(rng, n, [0.5180, 0.0076])
    out["EMERGENCYSTATE_MODE"] = np.where(described > 0.4740, emergency, -1)
    return out


# --- side tables -------------------------------------------------------------------------------


BUREAU = "bureau"
PREV = "previous_application"


def _bureau(rng: np.random.Generator, applicants: Applicants, next_id: int
            ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray]]:
    n = applicants.n
    b = applicants.behaviour
    age_days = -applicants.columns["DAYS_BIRTH"]
    has = rng.random(n) < 0.858
    counts = np.where(has, 1 + _negative_binomial(rng, 4.62, 1.3, n), 0)
    owner, _ = _segments(counts)
    rows = owner.size
    ob = b[owner]

    days_credit = -np.round(2922 * rng.random(rows) ** 1.566).astype(np.int64)
    days_credit = np.maximum(days_credit, -(age_days[owner] - 18 * 365))
    type_names = list(_levels(BUREAU, "CREDIT_TYPE"))
    credit_type = _choice(rng, rows, [
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
    status_names = list(_levels(BUREAU, "CREDIT_ACTIVE"))
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
        "CREDIT_CURRENCY": _choice(rng, rows, [0.99918, 0.00072, 0.00008, 0.00002]),
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
    hist_credit, position = _segments(lengths)
    month = first_month[hist_credit] + position
    close_month = np.where(closed, np.floor(end_actual / DAYS_PER_MONTH), 1).astype(np.int64)
    statuses = list(_levels("bureau_balance", "STATUS"))
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
        "bureau_max_overdue": _group_max(owner, max_overdue, n),
        "bureau_recent_count": np.bincount(owner, weights=(days_credit > -365), minlength=n),
        "bureau_active_debt": np.bincount(owner, weights=np.where(active, debt, 0.0), minlength=n),
        "bureau_active_credit": np.bincount(owner, weights=np.where(active, credit_sum, 0.0),
                                            minlength=n),
    }
    return columns, balance, summaries


def _previous(rng: np.random.Generator, applicants: Applicants, next_id: int
              ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray]]:
    n = applicants.n
    b = applicants.behaviour
    has = rng.random(n) < 0.951
    counts = np.where(has, 1 + _negative_binomial(rng, 3.93, 1.2, n), 0)
    owner, _ = _segments(counts)
    rows = owner.size
    ob = b[owner]

    contract_names = list(_levels(PREV, "NAME_CONTRACT_TYPE"))
    contract = _choice(rng, rows, [747_553, 729_151, 193_164, 346])
    cash = contract == contract_names.index("Cash loans")
    consumer = contract == contract_names.index("Consumer loans")
    revolving = contract == contract_names.index("Revolving loans")
    xna_contract = contract == contract_names.index("XNA")

    status_names = list(_levels(PREV, "NAME_CONTRACT_STATUS"))
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
        consumer, consumer_terms[_choice(rng, rows, [0.40, 0.22, 0.24, 0.07, 0.07])],
        cash_terms[_choice(rng, rows, [0.25, 0.12, 0.22, 0.05, 0.2, 0.08, 0.07, 0.006, 0.004])],
    )
    goods = np.exp(np.log(45_000.0) + 0.85 * rng.standard_normal(rows))
    cash_amount = np.exp(np.log(250_000.0) + 0.75 * rng.standard_normal(rows))
    card_limit = np.array([0, 45_000, 90_000, 135_000, 180_000, 225_000, 270_000, 450_000],
                          dtype=float)[_choice(rng, rows, [0.25, 0.12, 0.2, 0.15, 0.1, 0.08, 0.05,
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

    reject_names = list(_levels(PREV, "CODE_REJECT_REASON"))
    reject = np.full(rows, reject_names.index("XAP"), dtype=np.int32)
    reject_pick = _choice(rng, rows, [0, 175_231, 55_680, 37_467, 0, 12_811, 5_244, 3_535, 717])
    reject[refused] = reject_pick[refused]
    reject[unused] = reject_names.index("CLIENT")

    portfolio_names = list(_levels(PREV, "NAME_PORTFOLIO"))
    portfolio = np.where(consumer, portfolio_names.index("POS"),
                         np.where(cash, portfolio_names.index("Cash"),
                                  np.where(revolving, portfolio_names.index("Cards"),
                                           portfolio_names.index("XNA"))))
    portfolio = np.where(cash & cash_zero, portfolio_names.index("XNA"), portfolio)
    goods_names = list(_levels(PREV, "NAME_GOODS_CATEGORY"))
    goods_category = _choice(rng, rows, [
        0, 224_708, 121_576, 105_769, 99_441, 53_656, 25_021, 24_995, 23_554, 7_381, 6_290,
        5_023, 3_843, 3_370, 2_981, 2_668, 2_618, 2_597, 1_659, 1_550, 446, 209, 128, 107, 77,
        64, 1, 1,
    ])
    goods_category = np.where(consumer, goods_category, goods_names.index("XNA"))
    industry = _choice(rng, rows, [0, 398_265, 276_029, 57_849, 29_781, 23_949, 19_194, 4_990,
                                   2_709, 1_215, 513])
    industry = np.where(consumer, industry, 0)
    combination_names = list(_levels(PREV, "PRODUCT_COMBINATION"))
    pos_combo = _codes_for(PREV, "PRODUCT_COMBINATION", [
        "POS household with interest", "POS mobile with interest", "POS industry with interest",
        "POS household without interest", "POS mobile without interest",
        "POS other with interest", "POS industry without interest", "POS others without interest",
    ])[_choice(rng, rows, [263_622, 220_670, 98_833, 82_908, 24_082, 23_879, 12_602, 2_555])]
    cash_combo = _codes_for(PREV, "PRODUCT_COMBINATION", [
        "Cash", "Cash X-Sell: middle", "Cash X-Sell: low", "Cash Street: high",
        "Cash X-Sell: high", "Cash Street: middle", "Cash Street: low",
    ])[_choice(rng, rows, [285_990, 143_883, 130_248, 59_639, 59_301, 34_658, 33_834])]
    card_combo = _codes_for(PREV, "PRODUCT_COMBINATION", ["Card Street", "Card X-Sell"])[
        _choice(rng, rows, [112_582, 80_582])]
    combination = np.where(consumer, pos_combo, np.where(cash, cash_combo, card_combo))
    combination = np.where(cash_zero, combination_names.index("Cash"), combination)
    combination = np.where(xna_contract, -1, combination)
    purpose_names = list(_levels(PREV, "NAME_CASH_LOAN_PURPOSE"))
    purpose = np.where(cash, np.where(rng.random(rows) < 0.9, purpose_names.index("XNA"),
                                      2 + _choice(rng, rows, np.linspace(3, 0.2, 23))),
                       purpose_names.index("XAP")).astype(np.int32)
    yield_group = np.where(consumer | (cash & ~cash_zero),
                           1 + _choice(rng, rows, [385_532, 353_331, 322_095, 92_041]), 0)

    columns: dict[str, np.ndarray] = {
        "SK_ID_PREV": next_id + np.arange(rows, dtype=np.int64),
        "SK_ID_CURR": applicants.ids[owner],
        "NAME_CONTRACT_TYPE": contract,
        "AMT_ANNUITY": annuity,
        "AMT_APPLICATION": application,
        "AMT_CREDIT": credit,
        "AMT_DOWN_PAYMENT": down,
        "AMT_GOODS_PRICE": goods_price,
        "WEEKDAY_APPR_PROCESS_START": _choice(rng, rows, list(WEEKDAY_SHARES.values())),
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
            _choice(rng, rows, [1_033_552, 0, 8_193, 1_085])).astype(np.int32),
        "CODE_REJECT_REASON": reject,
        "NAME_TYPE_SUITE": np.where(rng.random(rows) < 0.491, -1,
                                    _choice(rng, rows, [508_970, 213_263, 67_069, 31_566,
                                                        8_960, 17_624, 2_240])),
        "NAME_CLIENT_TYPE": _choice(rng, rows, [1_231_261, 301_363, 135_649, 1_941]),
        "NAME_GOODS_CATEGORY": goods_category,
        "NAME_PORTFOLIO": portfolio,
        "NAME_PRODUCT_TYPE": np.where(cash, _choice(rng, rows, [0.18, 0.6, 0.22]), 0),
        "CHANNEL_TYPE": np.where(
            consumer, _choice(rng, rows, [0, 494_690, 212_083, 108_528, 0, 0, 6_150, 628]),
            _choice(rng, rows, [719_968, 0, 0, 0, 71_297, 57_046, 0, 0])),
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


def _instalments_and_pos(rng: np.random.Generator, applicants: Applicants,
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
    loan_index, k = _segments(due_count)
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
    pos_loan, j = _segments(pos_length)
    pos_owner = owner[pos_loan]
    pos_rows = pos_loan.size
    months = start_month[pos_loan] + j
    future = np.maximum(term[pos_loan] - j, 0).astype(float)
    status_names = list(_levels("POS_CASH_balance", "NAME_CONTRACT_STATUS"))
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

    summaries = {"pos_dpd_max": _group_max(pos_owner, dpd.astype(float), n)}
    return instalments, pos, summaries


def _credit_cards(rng: np.random.Generator, applicants: Applicants, loans: dict[str, np.ndarray]
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
    card_index, k = _segments(length)
    row_owner = owner[card_index]
    rows = card_index.size
    limits = np.array([45_000, 67_500, 90_000, 135_000, 180_000, 225_000, 270_000, 450_000])
    limit = limits[_choice(rng, card_rows.size, [0.14, 0.08, 0.15, 0.2, 0.15, 0.12, 0.1, 0.06])]
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
    status_names = list(_levels("credit_card_balance", "NAME_CONTRACT_STATUS"))
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
        "card_utilisation": _group_mean(row_owner, util_for_mean, n),
        "card_late_share": _group_mean(row_owner, (dpd > 0).astype(float), n),
    }
    return cards, card_instalments, summaries


# --- the risk model ----------------------------------------------------------------------------


def true_logit(applicants: Applicants, summaries: dict[str, np.ndarray]) -> np.ndarray:
    """True log-odds of default from observed application columns and side-table summaries."""
    col = applicants.columns
    n = applicants.n
    logit = np.full(n, LOGIT_INTERCEPT)

    for column, offsets in CATEGORY_LOGIT_OFFSETS.items():
        levels = _levels(APP, column)
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


# --- writing -----------------------------------------------------------------------------------


def _frame(table: str, columns: dict[str, np.ndarray]) -> pl.DataFrame:
    """Polars frame in schema order and dtypes; categorical codes become their level text and
    code -1 / NaN become missing."""
    series: list[pl.Series] = []
    for spec in TABLES[table].columns:
        values = columns[spec.name]
        if spec.levels is not None:
            levels = pl.Series(spec.name, list(spec.levels), dtype=pl.String)
            codes = np.asarray(values, dtype=np.int64)
            missing = codes < 0
            text = levels.gather(np.where(missing, 0, codes))
            if missing.any():
                text = pl.select(
                    pl.when(pl.Series(missing)).then(None).otherwise(text).alias(spec.name)
                ).to_series()
            series.append(text.alias(spec.name))
        elif spec.dtype == "int":
            series.append(pl.Series(spec.name, np.asarray(values, dtype=np.int64)))
        else:
            series.append(pl.Series(spec.name, np.asarray(values, dtype=np.float64),
                                    nan_to_null=True))
    return pl.DataFrame(series)


class _CsvSink:
    """Appends chunk frames to one CSV file, header first."""

    def __init__(self, path: Path, header: list[str]) -> None:
        self.path = path
        self._names = header
        self.rows = 0
        self._handle: IO[bytes] = path.open("wb")
        self._header = True

    def write(self, frame: pl.DataFrame) -> None:
        frame.write_csv(self._handle, include_header=self._header)
        self._header = False
        self.rows += frame.height

    def close(self) -> None:
        if self._header:  # no chunk had a row: still write the header
            self._handle.write((",".join(self._names) + "\n").encode())
        self._handle.close()


def _auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """ROC AUC by ranks (ties averaged), without a scikit-learn dependency."""
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(scores.size)
    sorted_scores = scores[order]
    boundaries = np.flatnonzero(np.diff(sorted_scores)) + 1
    starts = np.concatenate([[0], boundaries])
    ends = np.concatenate([boundaries, [scores.size]])
    average = (starts + ends + 1) / 2.0
    ranks[order] = np.repeat(average, ends - starts)
    positives = labels.astype(bool)
    n_pos, n_neg = positives.sum(), (~positives).sum()
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


# --- driver ------------------------------------------------------------------------------------


def generate_chunk(seed: int, chunk_index: int, ids: np.ndarray, is_test: np.ndarray,
                   next_bureau_id: int, next_previous_id: int) -> dict[str, Any]:
    """All tables for one chunk of applicants (numpy columns), plus truth and summaries."""
    rng = np.random.default_rng([seed, chunk_index])
    applicants = _applicants(rng, ids, is_test)
    bureau, balance, bureau_summary = _bureau(rng, applicants, next_bureau_id)
    previous, loans, previous_summary = _previous(rng, applicants, next_previous_id)
    instalments, pos, instalment_summary = _instalments_and_pos(rng, applicants, loans)
    cards, card_instalments, card_summary = _credit_cards(rng, applicants, loans)

    merged_instalments = {name: np.concatenate([instalments[name], card_instalments[name]])
                          for name in instalments}
    n = applicants.n
    instalment_summary.update(_instalment_summaries(merged_instalments, n))
    summaries = {**bureau_summary, **previous_summary, **instalment_summary, **card_summary}
    logit = true_logit(applicants, summaries)
    probability = expit(logit)
    target = (rng.random(n) < probability).astype(np.int64)
    applicants.columns["TARGET"] = target
    applicants.columns["SK_ID_CURR"] = ids
    return {
        "applicants": applicants,
        "probability": probability,
        "target": target,
        "summaries": summaries,
        "tables": {
            "bureau": bureau,
            "bureau_balance": balance,
            "previous_application": previous,
            "POS_CASH_balance": pos,
            "installments_payments": merged_instalments,
            "credit_card_balance": cards,
        },
    }


def _instalment_summaries(instalments: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    """Per-applicant payment behaviour over all instalment rows (loans and cards), computed the
    way a feature pipeline does: rows without a payment are ignored."""
    owner = instalments["__owner"]
    delay = instalments["DAYS_ENTRY_PAYMENT"] - instalments["DAYS_INSTALMENT"]
    payment = instalments["AMT_PAYMENT"]
    underpaid = np.where(np.isnan(payment), np.nan,
                         (payment < instalments["AMT_INSTALMENT"]).astype(float))
    return {
        "instalment_count": np.bincount(owner, minlength=n).astype(float),
        "instalment_late_share": _group_mean(
            owner, np.where(np.isnan(delay), np.nan, (delay > 0).astype(float)), n),
        "instalment_days_late_mean": _group_mean(owner, np.clip(delay, 0, None), n),
        "instalment_underpaid_share": _group_mean(owner, underpaid, n),
    }


def _subset(columns: dict[str, np.ndarray], mask: np.ndarray) -> dict[str, np.ndarray]:
    return {name: values[mask] for name, values in columns.items()}


def generate_dataset(
    out_dir: str | Path,
    *,
    n_clients: int = 10_000,
    seed: int = 0,
    full_scale: bool = False,
    progress: bool = True,
) -> GenerationSummary:
    """Write the eight Home Credit CSVs (Kaggle names and column order) and truth.csv.

    ``n_clients`` train applicants and round(n_clients × 48,744 / 307,511) test applicants, or
    the real 307,511 + 48,744 with ``full_scale``. The same seed gives the same files.
    """
    started = time.perf_counter()
    if full_scale:
        n_train, n_test = FULL_SCALE_TRAIN, FULL_SCALE_TEST
    else:
        if n_clients < 1:
            raise ValueError(f"n_clients must be at least 1, got {n_clients}")
        n_train, n_test = n_clients, n_test_applicants(n_clients)
    total = n_train + n_test
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    split_rng = np.random.default_rng([seed, 0x5EED])
    is_test_all = np.zeros(total, dtype=bool)
    is_test_all[split_rng.choice(total, n_test, replace=False)] = True
    ids_all = FIRST_CLIENT_ID + np.arange(total, dtype=np.int64)

    sinks = {name: _CsvSink(out / table.file_name, table.column_names)
             for name, table in TABLES.items()}
    truth_sink = out / TRUTH_FILE
    truth_parts: list[pl.DataFrame] = []
    train_probability: list[np.ndarray] = []
    train_target: list[np.ndarray] = []
    n_chunks = math.ceil(total / CHUNK_SIZE)
    next_bureau_id, next_previous_id = FIRST_BUREAU_ID, FIRST_PREVIOUS_ID

    reporter = _Progress(progress, n_chunks, total)
    try:
        with reporter:
            for chunk_index in range(n_chunks):
                lo, hi = chunk_index * CHUNK_SIZE, min(total, (chunk_index + 1) * CHUNK_SIZE)
                chunk = generate_chunk(seed, chunk_index, ids_all[lo:hi], is_test_all[lo:hi],
                                       next_bureau_id, next_previous_id)
                applicants: Applicants = chunk["applicants"]
                train = ~applicants.is_test
                sinks["application_train"].write(
                    _frame("application_train", _subset(applicants.columns, train)))
                test_columns = _subset(applicants.columns, applicants.is_test)
                sinks["application_test"].write(_frame("application_test", test_columns))
                reporter.advance("application_train", int(train.sum()))
                reporter.advance("application_test", int((~train).sum()))
                for name, columns in chunk["tables"].items():
                    frame = _frame(name, columns)
                    sinks[name].write(frame)
                    reporter.advance(name, frame.height)
                next_bureau_id += chunk["tables"]["bureau"]["SK_ID_BUREAU"].size
                next_previous_id += chunk["tables"]["previous_application"]["SK_ID_PREV"].size
                truth_parts.append(pl.DataFrame({
                    "SK_ID_CURR": applicants.ids,
                    TRUTH_COLUMN: chunk["probability"],
                }))
                train_probability.append(chunk["probability"][train])
                train_target.append(chunk["target"][train])
                reporter.chunk_done()
    finally:
        for sink in sinks.values():
            sink.close()
    pl.concat(truth_parts).write_csv(truth_sink)

    probability = np.concatenate(train_probability)
    target = np.concatenate(train_target)
    summary = GenerationSummary(
        out_dir=out,
        seed=seed,
        n_train=n_train,
        n_test=n_test,
        rows={name: sink.rows for name, sink in sinks.items()},
        files={name: sink.path for name, sink in sinks.items()},
        truth_file=truth_sink,
        default_rate=float(target.mean()),
        oracle_auc=_auc(probability, target),
        seconds=time.perf_counter() - started,
    )
    return summary


class _Progress:
    """Rich progress: one bar for the chunks and one per file (rows written vs expected)."""

    def __init__(self, enabled: bool, n_chunks: int, n_applicants: int) -> None:
        self.enabled = enabled
        self._progress: Any = None
        self._tasks: dict[str, Any] = {}
        self._n_chunks = n_chunks
        scale = n_applicants / (FULL_SCALE_TRAIN + FULL_SCALE_TEST)
        self._expected = {name: max(1, round(count * scale))
                          for name, count in REAL_ROW_COUNTS.items()}

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), TimeRemainingColumn(), transient=False,
            )
            self._progress.__enter__()
            self._tasks["__chunks__"] = self._progress.add_task("chunks", total=self._n_chunks)
            for name, expected in self._expected.items():
                self._tasks[name] = self._progress.add_task(name, total=expected)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            for name, task in self._tasks.items():
                if name != "__chunks__":
                    done = self._progress.tasks[task].completed
                    self._progress.update(task, total=done)
            self._progress.__exit__(*exc)

    def advance(self, name: str, rows: int) -> None:
        if self._progress is not None:
            self._progress.advance(self._tasks[name], rows)

    def chunk_done(self) -> None:
        if self._progress is not None:
            self._progress.advance(self._tasks["__chunks__"], 1)


__all__: list[str] = [
    "CHUNK_SIZE",
    "FULL_SCALE_TEST",
    "FULL_SCALE_TRAIN",
    "TRUTH_COLUMN",
    "TRUTH_FILE",
    "GenerationSummary",
    "generate_dataset",
    "n_test_applicants",
    "true_logit",
]
