"""Category levels as a person reads them on a chart, in French or English.

`scoring.display.format_level` names every level (the employer types included); this module adds
what a chart needs: the name of a missing category and of the bar that merges small groups.
"""

from __future__ import annotations

from scoring.display import format_level

MISSING_LEVEL = "(missing)"  # how the reference summaries store a missing category

_MISSING = {"fr": "non renseigné", "en": "not provided"}


def level_name(feature: str, level: str, lang: str = "fr") -> str:
    """One level of one categorical feature, in the page's language."""
    if level == MISSING_LEVEL:
        return _MISSING["en" if lang == "en" else "fr"]
    return format_level(level, lang, feature)


def other_groups_name(count: int, lang: str = "fr") -> str:
    """The bar that merges groups too small (or too many) to draw one by one."""
    return f"Other groups ({count})" if lang == "en" else f"Autres groupes ({count})"
