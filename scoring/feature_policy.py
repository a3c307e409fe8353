"""Which application columns may decide a credit, and why the others may not.

A table the training reads (not a list buried in code): every column of the application form is
either used or excluded with a reason an auditor can check. Side-table aggregates (bureau,
previous applications, instalments, POS/cash loans, cards) describe how the client has repaid
credit and are used. docs/feature_policy.md is generated from this table
(`python -m scoring.feature_policy > docs/feature_policy.md`; a test keeps them in step).

Exclusion grounds:
- protected: a ground of discrimination listed in French Code pénal art. 225-1 (sex, family
  situation, place of residence…) and in ECOA / Regulation B; kept in the record, never an input.
- process: how or when the file was processed, not the client (no business rationale, nothing a
  client can be told or act on).
- residence_proxy: describes the building or area the client lives in, a proxy for the place of
  residence, which nobody can be told "raises your risk".
- unsayable: a fact about the file or the client's surroundings with no credit rationale an
  advisor could state truthfully (document flags, phone metadata, acquaintances' defaults).
Age is also a ground of art. 225-1. It is excluded by default: on the demo data the model is no
better with it (cross-validated AUC 0.7799 with age against 0.7800 without, same folds, seed 0), and a
bank that wants it back must write the justification here; every model card measures what age
would add, and the four-fifths check by age band is run whether age is used or not.
Engineered features carry the policy of the columns they are computed from (`DERIVED_FROM`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from scoring.schema import TABLES

USED = "used"
EXCLUDED = "excluded"

GROUNDS: dict[str, tuple[str, str]] = {
    "protected": ("Motif de discrimination interdit (Code pénal art. 225-1 ; ECOA/Reg B)",
                  "Prohibited ground of discrimination (French Code pénal art. 225-1; ECOA/Reg B)"),
    "process": ("Décrit le traitement du dossier, pas le client : aucune justification métier",
                "Describes how the file was processed, not the client: no business rationale"),
    "residence_proxy": ("Décrit l'immeuble ou la zone d'habitation : substitut du lieu de résidence",
                        "Describes the client's building or area: a proxy for the place of residence"),
    "unsayable": ("Aucune raison de crédit qu'un conseiller puisse énoncer honnêtement au client",
                  "No credit rationale an advisor could truthfully state to the client"),
}


@dataclass(frozen=True)
class ColumnPolicy:
    column: str
    status: str  # used | excluded
    ground: str | None = None  # for an excluded column: a key of GROUNDS
    note: str = ""  # why, in English, for the documentation

    def to_dict(self) -> dict[str, str | None]:
        return {"column": self.column, "status": self.status, "ground": self.ground, "note": self.note}


def _excluded(ground: str, note: str, *columns: str) -> list[ColumnPolicy]:
    return [ColumnPolicy(c, EXCLUDED, ground, note) for c in columns]


_BUILDING_COLUMNS = tuple(
    c.name for c in TABLES["application_train"].columns
    if c.name.endswith(("_AVG", "_MODE", "_MEDI"))
)

_EXCLUSIONS: list[ColumnPolicy] = [
    *_excluded("protected", "Sex: never a credit criterion (Directive 2004/113/EC, art. 225-1).", "CODE_GENDER"),
    *_excluded("protected", "Marital status: 'situation de famille' is a ground of art. 225-1 and of "
               "ECOA/Reg B; household size (CNT_FAM_MEMBERS) measures affordability instead.",
               "NAME_FAMILY_STATUS"),
    *_excluded("protected", "Region rating and population density describe where the client lives "
               "('lieu de résidence', art. 225-1); nothing the client can be told or change.",
               "REGION_POPULATION_RELATIVE", "REGION_RATING_CLIENT", "REGION_RATING_CLIENT_W_CITY"),
    *_excluded("protected", "Whether home, work and registered addresses lie in the same region or city: "
               "a place-of-residence signal with no stated credit rationale.",
               "REG_REGION_NOT_LIVE_REGION", "REG_REGION_NOT_WORK_REGION", "LIVE_REGION_NOT_WORK_REGION",
               "REG_CITY_NOT_LIVE_CITY", "REG_CITY_NOT_WORK_CITY", "LIVE_CITY_NOT_WORK_CITY"),
    *_excluded("process", "The hour and weekday the application was processed: the branch's "
               "schedule, not the client.", "HOUR_APPR_PROCESS_START", "WEEKDAY_APPR_PROCESS_START"),
    *_excluded("process", "Who accompanied the client to the branch: circumstances of the visit.",
               "NAME_TYPE_SUITE"),
    *_excluded("residence_proxy", "Normalised statistics of the client's building (area, floors, "
               "elevators, walls, age): the building, not the borrower.", *_BUILDING_COLUMNS),
    *_excluded("unsayable", "Which optional documents were supplied: a fact of the file's handling "
               "whose meaning cannot be explained to the client.",
               *(f"FLAG_DOCUMENT_{n}" for n in range(2, 22))),
    *_excluded("unsayable", "Phone and e-mail metadata (reachability, last phone change): no credit "
               "rationale.", "FLAG_MOBIL", "FLAG_EMP_PHONE", "FLAG_WORK_PHONE", "FLAG_CONT_MOBILE",
               "FLAG_PHONE", "FLAG_EMAIL", "DAYS_LAST_PHONE_CHANGE"),
    *_excluded("unsayable", "Defaults among the client's acquaintances: liability by association.",
               "OBS_30_CNT_SOCIAL_CIRCLE", "DEF_30_CNT_SOCIAL_CIRCLE", "OBS_60_CNT_SOCIAL_CIRCLE",
               "DEF_60_CNT_SOCIAL_CIRCLE"),
    *_excluded("unsayable", "Date the identity document was issued: renewing an ID is an obligation, "
               "not a credit behaviour.", "DAYS_ID_PUBLISH"),
    *_excluded("protected", "Age ('âge', art. 225-1; ECOA/Reg B): no measured benefit on the demo data "
               "(see the model card's feature_policy.measured); also removes the engineered age and "
               "employment-to-age features.", "DAYS_BIRTH"),
]

# Engineered features and the application columns they are computed from: an engineered
# feature is excluded when one of its sources is.
DERIVED_FROM: dict[str, tuple[str, ...]] = {
    "AGE_YEARS": ("DAYS_BIRTH",),
    "EMPLOYED_TO_AGE_RATIO": ("DAYS_EMPLOYED", "DAYS_BIRTH"),
    "CREDIT_TO_ANNUITY_RATIO": ("AMT_CREDIT", "AMT_ANNUITY"),
    "CREDIT_TO_INCOME_RATIO": ("AMT_CREDIT", "AMT_INCOME_TOTAL"),
    "ANNUITY_TO_INCOME_RATIO": ("AMT_ANNUITY", "AMT_INCOME_TOTAL"),
    "CREDIT_TO_GOODS_RATIO": ("AMT_CREDIT", "AMT_GOODS_PRICE"),
    "INCOME_PER_FAMILY_MEMBER": ("AMT_INCOME_TOTAL", "CNT_FAM_MEMBERS"),
}

_USED_NOTES: dict[str, str] = {
    "CNT_FAM_MEMBERS": "Household size: income per household member measures affordability.",
    "DAYS_REGISTRATION": "Time since the client's registration changed: residential stability, a "
                         "classic credit factor (not where the client lives).",
}

EXCLUDED_COLUMNS: tuple[str, ...] = tuple(p.column for p in _EXCLUSIONS)

_ID_AND_TARGET = ("SK_ID_CURR", "TARGET")
_DROPPED_DUPLICATES = tuple(c for c in _BUILDING_COLUMNS if c.endswith(("_MODE", "_MEDI"))
                            and c not in {"FONDKAPREMONT_MODE", "HOUSETYPE_MODE", "TOTALAREA_MODE",
                                          "WALLSMATERIAL_MODE", "EMERGENCYSTATE_MODE"})


def application_policy() -> list[ColumnPolicy]:
    """Every application column, in schema order, used or excluded."""
    excluded = {p.column: p for p in _EXCLUSIONS}
    table = []
    for column in TABLES["application_train"].columns:
        if column.name in _ID_AND_TARGET:
            continue
        table.append(excluded.get(column.name)
                     or ColumnPolicy(column.name, USED, None, _USED_NOTES.get(column.name, "")))
    return table


def is_excluded(feature: str, excluded_columns: tuple[str, ...] = EXCLUDED_COLUMNS) -> bool:
    """Whether a model feature is, or is computed from, an excluded application column."""
    return feature in excluded_columns or any(c in excluded_columns for c in DERIVED_FROM.get(feature, ()))


def policy_summary() -> dict[str, object]:
    """What a model card records of the policy."""
    table = application_policy()
    return {
        "excluded_columns": [p.column for p in table if p.status == EXCLUDED],
        "excluded_by_ground": {g: [p.column for p in table if p.ground == g] for g in GROUNDS},
        "grounds": {g: {"fr": fr, "en": en} for g, (fr, en) in GROUNDS.items()},
        "documented_in": "docs/feature_policy.md",
    }


def policy_markdown() -> str:
    """The policy table as docs/feature_policy.md shows it."""
    from scoring.feature_labels import feature_label
    from scoring.themes import theme_of

    lines = [
        "# Feature policy: which application columns may decide",
        "",
        "Generated from `scoring/feature_policy.py` (`python -m scoring.feature_policy > "
        "docs/feature_policy.md`). The training reads that table: an excluded column is kept in the "
        "client's record and never reaches the model. Every column the model uses belongs to one "
        "reason theme (`scoring/themes.py`) whose sentence an advisor can say to the client. "
        "Side-table aggregates (credit bureau, previous applications, instalments, POS/cash loans, "
        "cards) are used and belong to the repayment and debt themes.",
        "",
        "Grounds for exclusion:",
        "",
        *(f"- `{g}`: {en}" for g, (_, en) in GROUNDS.items()),
        "",
        "The measured AUC cost of the exclusions (same folds, with and without) and the four-fifths "
        "check by age band and by marital status (measured, not used) are in each model card "
        "(`credit-scoring card`, the model page).",
        "",
        "| column | label | status | theme or ground | why |",
        "|---|---|---|---|---|",
    ]
    engineered = [f"`{name}` ({', '.join(sources)})" for name, sources in DERIVED_FROM.items()]
    for policy in application_policy():
        if policy.column in _DROPPED_DUPLICATES:
            continue
        where = f"theme `{theme_of(policy.column).code}`" if policy.status == USED else f"`{policy.ground}`"
        note = policy.note or (theme_of(policy.column).name[1] if policy.status == USED else "")
        lines.append(f"| `{policy.column}` | {feature_label(policy.column, 'en')} | {policy.status} | "
                     f"{where} | {note} |")
    lines += ["", "The building statistics' `_MODE` and `_MEDI` duplicates of the `_AVG` columns are dropped "
              "by the feature pipeline before the policy applies. Engineered features follow their "
              "sources: " + "; ".join(engineered) + "."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(policy_markdown())
