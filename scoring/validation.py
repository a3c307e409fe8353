"""The input contract of an application, built from the schema: one function used by the
service, the API and the dashboard alike, so a route and a form give the same errors.

JSON coercion: an integral float becomes an int; NaN, None and "" mean missing (an error where the
field is mandatory). Numbers given as text, booleans, infinities, unknown levels, values outside
the schema's range and unknown fields are refused, each with the field, the value and what is
accepted, in French and English. Cross-field rules (annuity ≤ credit, age 18–100, employment
started at 14 or later, household ≥ children + 1) are checked on the whole record; on an edit,
only the rules that involve a changed field are checked, so a stored record that predates a rule
can still be scored and edited elsewhere.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from scoring.errors import ErrorList, FieldError
from scoring.schema import SENTINEL_DAYS, TABLES, ColumnSpec, label
from scoring.text_policy import refused_character

KEY = "SK_ID_CURR"
_DAYS_PER_YEAR = 365.25
MIN_AGE_YEARS, MAX_AGE_YEARS, MIN_WORKING_AGE = 18, 100, 14

APPLICATION_COLUMNS: dict[str, ColumnSpec] = {
    c.name: c for c in TABLES["application_train"].columns if c.name not in (KEY, "TARGET")
}

# What an advisor may change with the client: what the client declares or negotiates. External
# scores, region ratings, dates of birth and the bureau's counts come from other systems.
EDITABLE_FIELDS: tuple[str, ...] = (
    "NAME_CONTRACT_TYPE",
    "AMT_CREDIT",
    "AMT_ANNUITY",
    "AMT_GOODS_PRICE",
    "AMT_INCOME_TOTAL",
    "NAME_INCOME_TYPE",
    "OCCUPATION_TYPE",
    "ORGANIZATION_TYPE",
    "DAYS_EMPLOYED",
    "NAME_EDUCATION_TYPE",
    "NAME_FAMILY_STATUS",
    "CNT_CHILDREN",
    "CNT_FAM_MEMBERS",
    "NAME_HOUSING_TYPE",
    "FLAG_OWN_CAR",
    "OWN_CAR_AGE",
    "FLAG_OWN_REALTY",
    "NAME_TYPE_SUITE",
    "FLAG_PHONE",
    "FLAG_EMAIL",
)

# Values that must be strictly positive for the ratios the model uses to mean anything.
_STRICTLY_POSITIVE = ("AMT_INCOME_TOTAL", "AMT_CREDIT")


def _num(value: float, lang: str) -> str:
    """A number as the reader writes it: "9 000 000" and "0,5" in French, "9,000,000" in English
    (never "9e+06")."""
    value = float(value)
    decimals = 0 if value.is_integer() else min(4, max(1, len(f"{abs(value):.4f}".rstrip("0").split(".")[1])))
    text = f"{value:,.{decimals}f}".replace("-", "\u2212")
    return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text


def _span(low: float | None, high: float | None, lang: str) -> str:
    """What a range check accepts, as the end of "the value must …"."""
    if lang == "fr":
        if low is not None and high is not None:
            return f"être comprise entre {_num(low, lang)} et {_num(high, lang)}"
        return f"valoir au moins {_num(low, lang)}" if low is not None else f"valoir au plus {_num(high, lang)}"  # type: ignore[arg-type]
    if low is not None and high is not None:
        return f"be between {_num(low, lang)} and {_num(high, lang)}"
    return f"be at least {_num(low, lang)}" if low is not None else f"be at most {_num(high, lang)}"  # type: ignore[arg-type]


def _levels_text(levels: Iterable[str]) -> str:
    levels = list(levels)
    shown = ", ".join(repr(v) for v in levels[:12])
    return shown + (f", … ({len(levels) - 12} de plus / more)" if len(levels) > 12 else "")


def _error(field: str, value: Any, code: str, fr: str, en: str, accepted: Any = None) -> FieldError:
    # The message names the field by its label (the code is in `field`): it is shown as it is.
    return FieldError(field, value, code, f"{label(field, 'fr')} : {fr}", f"{label(field, 'en')}: {en}", accepted)


def _accepted(spec: ColumnSpec) -> dict[str, Any]:
    accepted: dict[str, Any] = {"type": {"int": "integer", "float": "number", "str": "string"}[spec.dtype],
                                "nullable": spec.nullable}
    if spec.levels is not None:
        accepted["levels"] = list(spec.levels)
    if spec.min is not None:
        accepted["min"] = spec.min
    if spec.max is not None:
        accepted["max"] = spec.max
    if spec.sentinel:
        accepted["sentinel"] = SENTINEL_DAYS
    return accepted


def _is_missing(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def coerce_field(name: str, value: Any) -> tuple[Any, FieldError | None]:
    """One field's JSON value checked and coerced against the schema: (value, error)."""
    spec = APPLICATION_COLUMNS[name]

    def fail(code: str, fr: str, en: str) -> tuple[None, FieldError]:
        # What is accepted is spelled out only for a value that is refused (the hot path is valid).
        return None, _error(name, value, code, fr, en, _accepted(spec))

    if _is_missing(value):
        if spec.nullable:
            return None, None
        return fail("missing", "valeur obligatoire manquante.",
                    "a value is required.")
    if spec.dtype == "str":
        if not isinstance(value, str):
            return fail("type", f"texte attendu, reçu {value!r}.",
                        f"text expected, got {value!r}.")
        if spec.levels is not None and value not in spec.levels:
            return fail("level", f"modalité inconnue {value!r} ; valeurs acceptées : {_levels_text(spec.levels)}.",
                        f"unknown level {value!r}; accepted: {_levels_text(spec.levels)}.")
        if spec.levels is None and (refused := refused_character(value)) is not None:
            return fail("character", f"caractère de contrôle ou de mise en forme {refused} refusé.",
                        f"control or format character {refused} refused.")
        return value, None
    # Numbers: bool is an int in Python but never a valid amount or count.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return fail("type", f"nombre attendu, reçu {value!r}.",
                    f"a number expected, got {value!r}.")
    if isinstance(value, float) and math.isinf(value):
        return fail("type", "valeur infinie refusée.", "infinite value refused.")
    if spec.dtype == "int":
        if isinstance(value, float):
            if not value.is_integer():
                return fail("type", f"entier attendu, reçu {value!r}.",
                            f"an integer expected, got {value!r}.")
            value = int(value)
    else:
        value = float(value)
    if spec.sentinel and value == SENTINEL_DAYS:
        return value, None
    low = spec.min
    if name in _STRICTLY_POSITIVE and value <= 0:
        return fail("range", f"doit être strictement positif, reçu {_num(value, 'fr')}.",
                    f"must be strictly positive, got {_num(value, 'en')}.")
    if (low is not None and value < low) or (spec.max is not None and value > spec.max):
        span = {lang: _span(low, spec.max, lang) for lang in ("fr", "en")}
        extra_fr = f" ou {_num(SENTINEL_DAYS, 'fr')} (sans emploi salarié)" if spec.sentinel else ""
        extra_en = f" or {_num(SENTINEL_DAYS, 'en')} (no salaried job)" if spec.sentinel else ""
        return fail("range", f"{_num(value, 'fr')} refusé : la valeur doit {span['fr']}{extra_fr}.",
                    f"{_num(value, 'en')} refused: the value must {span['en']}{extra_en}.")
    return value, None


@dataclass(frozen=True)
class _Rule:
    fields: tuple[str, ...]
    check: Callable[[Mapping[str, Any]], FieldError | None]


def _annuity_within_credit(r: Mapping[str, Any]) -> FieldError | None:
    annuity, credit = r.get("AMT_ANNUITY"), r.get("AMT_CREDIT")
    if annuity is not None and credit is not None and annuity > credit:
        return _error("AMT_ANNUITY", annuity, "rule",
                      f"l'annuité ({_num(annuity, 'fr')}) ne peut dépasser le montant du crédit "
                      f"({_num(credit, 'fr')}).",
                      f"the annuity ({_num(annuity, 'en')}) cannot exceed the credit amount ({_num(credit, 'en')}).")
    return None


def _adult_age(r: Mapping[str, Any]) -> FieldError | None:
    days = r.get("DAYS_BIRTH")
    if days is None:
        return None
    years = -days / _DAYS_PER_YEAR
    if not MIN_AGE_YEARS <= years <= MAX_AGE_YEARS:
        return _error("DAYS_BIRTH", days, "rule",
                      f"âge de {years:.1f} ans : il doit être entre {MIN_AGE_YEARS} et {MAX_AGE_YEARS} ans "
                      "(jours avant la demande, négatifs).",
                      f"age {years:.1f} years: it must be between {MIN_AGE_YEARS} and {MAX_AGE_YEARS} "
                      "(days before the application, negative).")
    return None


def _employment_after_working_age(r: Mapping[str, Any]) -> FieldError | None:
    employed, birth = r.get("DAYS_EMPLOYED"), r.get("DAYS_BIRTH")
    if employed is None or birth is None or employed == SENTINEL_DAYS:
        return None
    started_at = (employed - birth) / _DAYS_PER_YEAR
    if started_at < MIN_WORKING_AGE:
        return _error("DAYS_EMPLOYED", employed, "rule",
                      f"l'emploi aurait commencé à {started_at:.1f} ans, avant {MIN_WORKING_AGE} ans.",
                      f"the job would have started at age {started_at:.1f}, before {MIN_WORKING_AGE}.")
    return None


def _children_fr(children: float) -> str:
    if children < 1:
        return ""
    return " et son enfant" if children == 1 else f" et ses {_num(children, 'fr')} enfants"


def _children_en(children: float) -> str:
    if children < 1:
        return ""
    return " and their child" if children == 1 else f" and their {_num(children, 'en')} children"


def _household_holds_children(r: Mapping[str, Any]) -> FieldError | None:
    members, children = r.get("CNT_FAM_MEMBERS"), r.get("CNT_CHILDREN")
    if members is not None and children is not None and members < children + 1:
        return _error("CNT_FAM_MEMBERS", members, "rule",
                      f"le foyer ({_num(members, 'fr')} {'personne' if members < 2 else 'personnes'}) doit compter "
                      f"au moins le client{_children_fr(children)}.",
                      f"the household ({_num(members, 'en')} {'person' if members == 1 else 'people'}) must count "
                      f"at least the client{_children_en(children)}.")
    return None


CROSS_FIELD_RULES: tuple[_Rule, ...] = (
    _Rule(("AMT_ANNUITY", "AMT_CREDIT"), _annuity_within_credit),
    _Rule(("DAYS_BIRTH",), _adult_age),
    _Rule(("DAYS_EMPLOYED", "DAYS_BIRTH"), _employment_after_working_age),
    _Rule(("CNT_FAM_MEMBERS", "CNT_CHILDREN"), _household_holds_children),
)


def _unknown_field(name: str, allowed: Iterable[str]) -> FieldError:
    close = difflib.get_close_matches(str(name), list(allowed), n=1)
    hint_fr = f" Vouliez-vous dire {close[0]!r} ?" if close else ""
    hint_en = f" Did you mean {close[0]!r}?" if close else ""
    # `accepted` describes a value (AcceptedValues in the API's schema); the close name is in the message.
    return FieldError(str(name), None, "unknown_field", f"{name!r} : champ inconnu.{hint_fr}",
                      f"{name!r}: unknown field.{hint_en}")


def validate_changes(changes: Mapping[str, Any], *, editable_only: bool = True) -> dict[str, Any]:
    """Check and coerce the fields of an edit or a what-if (a subset of the application)."""
    errors = ErrorList()
    if not isinstance(changes, Mapping):
        raise TypeError("changes must be a mapping")
    if not changes:
        errors.add(FieldError("changes", None, "missing", "aucun champ à modifier.", "no field to change."))
    clean: dict[str, Any] = {}
    allowed = EDITABLE_FIELDS if editable_only else tuple(APPLICATION_COLUMNS)
    for name, value in changes.items():
        if name not in APPLICATION_COLUMNS:
            errors.add(_unknown_field(name, allowed))
            continue
        if editable_only and name not in EDITABLE_FIELDS:
            errors.add(FieldError(name, value, "not_editable",
                                  f"{label(name, 'fr')} ({name}) : ce champ ne se modifie pas ici (il vient "
                                  "d'un autre système).",
                                  f"{label(name, 'en')} ({name}): this field cannot be changed here (it comes "
                                  "from another system)."))
            continue
        coerced, error = coerce_field(name, value)
        if error is not None:
            errors.add(error)
        else:
            clean[name] = coerced
    errors.raise_if_any()
    return clean


def validate_application(
    fields: Mapping[str, Any], *, changed: Iterable[str] | None = None
) -> dict[str, Any]:
    """Check and coerce a whole application: every schema column (missing ones as None, an error
    where mandatory), no unknown field, then the cross-field rules. `changed` limits the rules to
    those that involve a changed field (an edit of a stored record)."""
    errors = ErrorList()
    for name in fields:
        if name not in APPLICATION_COLUMNS and name != KEY:
            errors.add(_unknown_field(name, APPLICATION_COLUMNS))
    record: dict[str, Any] = {}
    for name in APPLICATION_COLUMNS:
        value, error = coerce_field(name, fields.get(name))
        if error is not None:
            errors.add(error)
        record[name] = value
    if not errors.errors:
        touched = None if changed is None else set(changed)
        for rule in CROSS_FIELD_RULES:
            if touched is not None and not touched.intersection(rule.fields):
                continue
            if any(record.get(f) is None and not APPLICATION_COLUMNS[f].nullable for f in rule.fields):
                continue
            error = rule.check(record)
            if error is not None:
                errors.add(error)
    errors.raise_if_any()
    return record


def revalidate(record: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """`record` (already validated) with `changes` applied: only the changed fields are coerced
    again, and only the cross-field rules that involve them run. What a search over many
    variants of one application needs (scoring.recourse): the same answer as
    `validate_application({**record, **changes}, changed=changes)`, without re-checking the
    120 fields that did not change."""
    errors = ErrorList()
    updated = dict(record)
    for name, value in changes.items():
        if name not in APPLICATION_COLUMNS:
            errors.add(_unknown_field(name, APPLICATION_COLUMNS))
            continue
        coerced, error = coerce_field(name, value)
        if error is not None:
            errors.add(error)
        updated[name] = coerced
    if not errors.errors:
        for rule in CROSS_FIELD_RULES:
            if not set(changes).intersection(rule.fields):
                continue
            if any(updated.get(f) is None and not APPLICATION_COLUMNS[f].nullable for f in rule.fields):
                continue
            error = rule.check(updated)
            if error is not None:
                errors.add(error)
    errors.raise_if_any()
    return updated


def parse_client_id(value: Any, field: str = KEY) -> int:
    """A client id from JSON or a URL: a non-negative integer, or a clear error."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or value < 0 or value > 10**15:
        raise_field_error(field, value, "type",
                          f"identifiant client invalide {value!r} : un entier positif est attendu.",
                          f"invalid client id {value!r}: a non-negative integer is expected.")
    return int(value)


def raise_field_error(field: str, value: Any, code: str, fr: str, en: str) -> None:
    errors = ErrorList()
    errors.add(FieldError(field, value, code, fr, en))
    errors.raise_if_any()


def field_specs(lang: str = "fr", names: Iterable[str] = EDITABLE_FIELDS) -> list[dict[str, Any]]:
    """What a form needs to render and check a field before sending it."""
    return [
        {"name": name, "label": label(name, lang), **_accepted(APPLICATION_COLUMNS[name])}
        for name in names
    ]
