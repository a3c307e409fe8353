"""Category levels as a person reads them on a chart, in French or English.

`scoring.display.format_level` names the levels a summary card shows most; the employer type
(58 source-system codes such as "Business Entity Type 3" or "Trade: type 7") was left in the
source's English, which is what the comparison chart opened on. The numbered codes keep their
number: the source does not say what "type 7" is, so neither do we.
"""

from __future__ import annotations

import re

from scoring.display import format_level

MISSING_LEVEL = "(missing)"  # how the reference summaries store a missing category

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
_MISSING = {"fr": "non renseigné", "en": "not provided"}


def level_name(feature: str, level: str, lang: str = "fr") -> str:
    """One level of one categorical feature, in the page's language."""
    if level == MISSING_LEVEL:
        return _MISSING["en" if lang == "en" else "fr"]
    if feature == "ORGANIZATION_TYPE":
        numbered = _NUMBERED.match(level)
        if numbered:
            fr, en = _NUMBERED_NAMES[numbered.group(1)]
            return f"{en if lang == 'en' else fr} (type {numbered.group(2)})"
        table = _ORGANIZATION_EN if lang == "en" else _ORGANIZATION_FR
        if level in table:
            return table[level]
    return format_level(level, lang)


def other_groups_name(count: int, lang: str = "fr") -> str:
    """The bar that merges groups too small (or too many) to draw one by one."""
    return f"Other groups ({count})" if lang == "en" else f"Autres groupes ({count})"
