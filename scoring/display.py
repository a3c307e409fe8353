"""Values as a relationship manager reads them: money, years rather than negative day counts,
"pensioner" rather than the 365243 sentinel, yes/no rather than 0/1, in French or English.

Formatting lives in scoring/ (not in the faces) so the API's reasons and the dashboard's labels
say exactly the same thing.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scoring.schema import SENTINEL_DAYS

_MISSING = {"fr": "non renseigné", "en": "not provided"}
_PENSIONER = {"fr": "sans emploi salarié (retraité)", "en": "no salaried job (pensioner)"}
_YES_NO = {"fr": ("non", "oui"), "en": ("no", "yes")}

# Age-like day counts: shown as a duration, not as "N years ago".
_DURATION_DAYS = {"DAYS_BIRTH", "DAYS_EMPLOYED"}
# Counts of days late or early: a number of days, not a date.
_DAY_COUNT_MARKERS = ("DPD", "DAYS_LATE", "DAYS_EARLY", "DAYS_OVERDUE")
# Raw labels say "(days before application)": the values are shown in years, so that goes.
_DAY_UNIT_SUFFIXES = (" (jours avant la demande)", " (days before application)", " (jours)", " (days)")
_PERCENT_FEATURES = {"ANNUITY_TO_INCOME_RATIO", "EMPLOYED_TO_AGE_RATIO", "CC_LATE_MONTH_SHARE", "CC_UTILISATION_MEAN",
                     "CC_UTILISATION_MAX", "CC_UTILISATION_RECENT_MEAN",
                     "REGION_POPULATION_RELATIVE"}
_SCORE_FEATURES_PREFIX = "EXT_SOURCE_"

# The levels a summary card shows most; other levels keep the source system's wording.
_LEVEL_LABELS_FR: dict[str, str] = {
    "Cash loans": "Prêt personnel",
    "Revolving loans": "Crédit renouvelable",
    "Working": "Salarié",
    "Commercial associate": "Associé commercial",
    "Pensioner": "Retraité",
    "State servant": "Fonctionnaire",
    "Unemployed": "Sans emploi",
    "Student": "Étudiant",
    "Businessman": "Chef d'entreprise",
    "Maternity leave": "Congé maternité",
    "Secondary / secondary special": "Secondaire",
    "Higher education": "Supérieur",
    "Incomplete higher": "Supérieur non terminé",
    "Lower secondary": "Premier cycle du secondaire",
    "Academic degree": "Doctorat",
    "Married": "Marié(e)",
    "Single / not married": "Célibataire",
    "Civil marriage": "Union civile",
    "Separated": "Séparé(e)",
    "Widow": "Veuf / veuve",
    "House / apartment": "Maison / appartement",
    "With parents": "Chez les parents",
    "Municipal apartment": "Logement municipal",
    "Rented apartment": "Location",
    "Office apartment": "Logement de fonction",
    "Co-op apartment": "Coopérative",
    "F": "Femme",
    "M": "Homme",
    "Y": "oui",
    "N": "non",
    "XNA": "non précisé",
    "Unknown": "Inconnu",
    "Unaccompanied": "Seul(e)",
    "Family": "Famille",
    "Spouse, partner": "Conjoint(e)",
    "Children": "Enfants",
    "Other_A": "Autre (A)",
    "Other_B": "Autre (B)",
    "Group of people": "Groupe",
    "Laborers": "Ouvrier",
    "Sales staff": "Commercial",
    "Core staff": "Employé",
    "Managers": "Cadre",
    "Drivers": "Chauffeur",
    "High skill tech staff": "Technicien qualifié",
    "Accountants": "Comptable",
    "Medicine staff": "Personnel médical",
    "Security staff": "Sécurité",
    "Cooking staff": "Cuisine",
    "Cleaning staff": "Entretien",
    "Private service staff": "Services à la personne",
    "Low-skill Laborers": "Ouvrier non qualifié",
    "Waiters/barmen staff": "Serveur / barman",
    "Secretaries": "Secrétaire",
    "Realty agents": "Agent immobilier",
    "HR staff": "Ressources humaines",
    "IT staff": "Informatique",
    "MONDAY": "lundi", "TUESDAY": "mardi", "WEDNESDAY": "mercredi", "THURSDAY": "jeudi", "FRIDAY": "vendredi",
    "SATURDAY": "samedi", "SUNDAY": "dimanche",
    "block of flats": "immeuble", "specific housing": "logement spécifique", "terraced house": "maison mitoyenne",
    "Panel": "panneaux", "Stone, brick": "pierre, brique", "Block": "blocs", "Wooden": "bois", "Mixed": "mixte",
    "Monolithic": "monolithique", "Others": "autres",
    "reg oper account": "compte d'exploitation régulier", "reg oper spec account": "compte spécial d'exploitation",
    "not specified": "non précisé", "org spec account": "compte spécial de l'organisme",
    "No": "non", "Yes": "oui",
}
# The source system's codes that are not words in English either.
_LEVEL_LABELS_EN: dict[str, str] = {
    "F": "Female", "M": "Male", "Y": "yes", "N": "no", "XNA": "not specified",
    **{day: day.capitalize() for day in ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")},
}


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _number(value: float, decimals: int, lang: str) -> str:
    text = f"{value:,.{decimals}f}"
    if lang == "fr":
        # French groups thousands with a (narrow no-break) space and uses a decimal comma.
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def format_number(value: float, decimals: int, lang: str = "fr") -> str:
    """12000.5 -> "12 000,5" (fr) or "12,000.5" (en); a negative number takes the minus sign (U+2212)
    that both languages print, not a hyphen."""
    text = _number(value, decimals, lang)
    return "\u2212" + text[1:] if text.startswith("-") else text


def points_unit(value: float, lang: str = "fr") -> str:
    """The unit after a number of (percentage or AUC) points: French keeps the singular below two
    ("0,5 point", "1,9 point", "2,8 points"), English only for exactly one."""
    if lang == "fr":
        return "point" if abs(value) < 2 else "points"
    return "point" if abs(value) == 1 else "points"


def format_points(value: float, decimals: int, lang: str = "fr") -> str:
    """0.35 -> "0,35 point" (fr) or "0.35 points" (en); -0.01 -> "−0,01 point"."""
    shown = round(value, decimals)
    return f"{format_number(value, decimals, lang)} {points_unit(shown, lang)}"


def format_money(value: float, lang: str = "fr") -> str:
    return _number(float(value), 0, lang)


def currency() -> str:
    """The currency amounts are in (`PAD_CURRENCY`, a symbol or an ISO code; euro by default)."""
    import os

    return os.environ.get("PAD_CURRENCY", "€").strip() or "€"


def bank_time_zone() -> ZoneInfo:
    """The bank's time zone (`PAD_TIME_ZONE`, an IANA name; Europe/Paris by default): times are
    stored in UTC and shown in it."""
    import os

    name = os.environ.get("PAD_TIME_ZONE", "").strip() or "Europe/Paris"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"PAD_TIME_ZONE={name!r} n'est pas un fuseau horaire connu / is not a known time zone "
                         "(ex. Europe/Paris)") from None


def format_moment(created_at: str | datetime, lang: str = "fr") -> str:
    """A stored (UTC) time as the advisor reads it, in the bank's time zone: "03/12/2026 17:42"."""
    moment = datetime.fromisoformat(created_at) if isinstance(created_at, str) else created_at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(bank_time_zone())
    return local.strftime("%d/%m/%Y %H:%M" if lang == "fr" else "%Y-%m-%d %H:%M")


def format_amount(value: float, lang: str = "fr") -> str:
    """Money with its currency, as a client reads it: "12 345 €", "€12,345"."""
    symbol = currency()
    number = format_money(value, lang)
    if lang == "fr" or len(symbol) > 1:
        return f"{number}\u00a0{symbol}"
    return f"{symbol}{number}"


def format_years(days: float, lang: str = "fr") -> str:
    years = abs(float(days)) / 365.25
    unit = "ans" if lang == "fr" else "years"
    if years < 2:
        months = round(abs(float(days)) / 30.44)
        return f"{months} mois" if lang == "fr" else f"{months} months"
    return f"{_number(years, 1, lang)} {unit}"


# The employer type's 58 source codes. Numbered ones keep their number: the source does not say
# what "Trade: type 7" is, so neither do we. "XNA" means no employer here, not "not specified".
_ORGANIZATION_FR: dict[str, str] = {
    "XNA": "Sans employeur",
    "Self-employed": "Indépendant",
    "Other": "Autre secteur",
    "Medicine": "Santé",
    "Government": "Administration",
    "School": "École",
    "Kindergarten": "Crèche, école maternelle",
    "Construction": "Bâtiment",
    "Security": "Sécurité",
    "Housing": "Logement",
    "Military": "Armée",
    "Bank": "Banque",
    "Agriculture": "Agriculture",
    "Police": "Police",
    "Postal": "Poste",
    "Security Ministries": "Ministères de la sécurité",
    "Restaurant": "Restauration",
    "Services": "Services",
    "University": "Université",
    "Hotel": "Hôtellerie",
    "Electricity": "Électricité",
    "Insurance": "Assurance",
    "Telecom": "Télécommunications",
    "Emergency": "Secours et urgences",
    "Advertising": "Publicité",
    "Realtor": "Agence immobilière",
    "Culture": "Culture",
    "Mobile": "Téléphonie mobile",
    "Legal Services": "Services juridiques",
    "Cleaning": "Nettoyage",
    "Religion": "Culte",
}
_ORGANIZATION_EN: dict[str, str] = {"XNA": "No employer", "Other": "Other sector"}
# "Business Entity Type 3", "Trade: type 7", "Industry: type 11", "Transport: type 4".
_NUMBERED = re.compile(r"^(Business Entity|Trade|Industry|Transport):? [Tt]ype (\d+)$")
_NUMBERED_NAMES = {
    "Business Entity": ("Entreprise", "Business entity"),
    "Trade": ("Commerce", "Trade"),
    "Industry": ("Industrie", "Industry"),
    "Transport": ("Transport", "Transport"),
}


def format_level(level: str, lang: str = "fr", feature: str | None = None) -> str:
    """A category as a person reads it, in French or English; `feature` tells the employer
    type's codes apart ("XNA", "Other") from the same words in other columns."""
    if feature == "ORGANIZATION_TYPE":
        numbered = _NUMBERED.match(level)
        if numbered:
            fr, en = _NUMBERED_NAMES[numbered.group(1)]
            return f"{en if lang == 'en' else fr} (type {numbered.group(2)})"
        table = _ORGANIZATION_EN if lang == "en" else _ORGANIZATION_FR
        if level in table:
            return table[level]
    return (_LEVEL_LABELS_FR if lang == "fr" else _LEVEL_LABELS_EN).get(level, level)


_MONEY_FEATURES = frozenset({"INCOME_PER_FAMILY_MEMBER", "CC_CREDIT_LIMIT_MAX", "BUREAU_ACTIVE_DEBT_SUM",
                              "BUREAU_ACTIVE_CREDIT_SUM", "BUREAU_ACTIVE_ANNUITY_SUM", "PREV_APPROVED_CREDIT_SUM"})


def is_money(feature: str) -> bool:
    return "AMT_" in feature or feature in _MONEY_FEATURES


def format_value(feature: str, value: Any, lang: str = "fr", raw: Any = None) -> str:
    """One feature's value in its unit. `raw` is the application's raw field, which tells a
    pensioner (DAYS_EMPLOYED = 365243, missing as a feature) from a value not provided."""
    if lang not in ("fr", "en"):
        raise ValueError(f"lang must be 'fr' or 'en', got {lang!r}")
    if feature == "DAYS_EMPLOYED" and (value == SENTINEL_DAYS or raw == SENTINEL_DAYS):
        return _PENSIONER[lang]
    if is_missing(value):
        return _MISSING[lang]
    if isinstance(value, str):
        return format_level(value, lang, feature)
    if isinstance(value, bool):
        return _YES_NO[lang][int(value)]
    number = float(value)
    if feature.startswith("FLAG_") and number in (0.0, 1.0):
        return _YES_NO[lang][int(number)]
    if is_money(feature):
        return format_money(number, lang)
    if any(marker in feature for marker in _DAY_COUNT_MARKERS):
        return f"{_number(number, 0 if number.is_integer() else 1, lang)} {'jours' if lang == 'fr' else 'days'}"
    if feature.startswith("DAYS_") or "_DAYS_" in feature:
        if feature in _DURATION_DAYS:
            return format_years(number, lang)
        if number > 0:
            return ("dans " if lang == "fr" else "in ") + format_years(number, lang)
        return ("il y a " + format_years(number, lang)) if lang == "fr" else format_years(number, lang) + " ago"
    if feature == "AGE_YEARS":
        return f"{_number(number, 0, lang)} {'ans' if lang == 'fr' else 'years'}"
    if feature in _PERCENT_FEATURES or "_SHARE" in feature:
        return format_percent(number, lang)
    if feature == "CREDIT_TO_ANNUITY_RATIO":  # a number of payments: one decimal is enough
        return _number(number, 1, lang)
    if feature.startswith(_SCORE_FEATURES_PREFIX) or feature.endswith(("_RATIO", "_MEAN")):
        return _number(number, 2, lang)
    if number.is_integer():
        return _number(number, 0, lang)
    return _number(number, 2, lang)


def display_label(feature: str, lang: str = "fr") -> str:
    """A feature's label as shown beside a formatted value (without a unit the value no longer has)."""
    from scoring.feature_labels import feature_label

    label = feature_label(feature, lang)
    for suffix in _DAY_UNIT_SUFFIXES:
        label = label.removesuffix(suffix)
    return label


# French typography puts a narrow no-break space before the percent sign; English none.
PERCENT_SIGN = {"fr": "\u202f%", "en": "%"}


def format_percent(share: float, lang: str = "fr", decimals: int = 1) -> str:
    """0.426 -> "42,6 %" (fr, narrow no-break space) or "42.6%" (en)."""
    return f"{_number(share * 100, decimals, lang)}{PERCENT_SIGN['fr' if lang == 'fr' else 'en']}"


def format_probability(probability: float, lang: str = "fr") -> str:
    return format_percent(probability, lang)


def reason_sentence(label: str, display_value: str, contribution: float, lang: str = "fr") -> str:
    """A plain sentence for one SHAP contribution, as an advisor would say it to the client."""
    if lang == "fr":
        effect = "augmente le risque estimé" if contribution > 0 else "diminue le risque estimé"
        return f"{label} : {display_value} — {effect}."
    effect = "raises the estimated risk" if contribution > 0 else "lowers the estimated risk"
    return f"{label}: {display_value} — {effect}."


DECISION_LABELS: dict[str, tuple[str, str]] = {
    "granted": ("Accordé", "Granted"),
    "to_review": ("À revoir", "To review"),
    "refused": ("Refusé", "Refused"),
}


def decision_label(decision: str, lang: str = "fr") -> str:
    return DECISION_LABELS[decision][0 if lang == "fr" else 1]
