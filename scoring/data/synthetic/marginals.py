"""The calibrated inputs: category shares, published default rates, the category offsets and
intercept of the true logit (fitted by benchmarks/generate_calibration.py) and signal strengths."""

from __future__ import annotations

import math

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
INCOME_SHIFT_MEAN = sum(weight * p for weight, p in _SHIFT_TERMS)
INCOME_SHIFT_STD = math.sqrt(sum(weight**2 * p * (1 - p) for weight, p in _SHIFT_TERMS))
