"""Numbers on the comparison charts as the page's readers write them.

Plotly shortens large ticks with SI suffixes ("0.2M", "11k"), which no French reader writes, and
its hover templates carry the percent sign wherever the template puts it. These helpers give the
axis settings and the hover fragments for each language; the layout's `separators` (see
layouts.common) then turns "200,000" into "200 000" and "0.5" into "0,5".
"""

from __future__ import annotations

from typing import Any

from layouts.common import number
from scoring.display import PERCENT_SIGN

# Whole numbers with thousands separators instead of "200k" / "0,2M"; plain decimals below 1.
PLAIN_NUMBER_AXIS: dict[str, Any] = {"exponentformat": "none", "separatethousands": True}


def percent_sign(lang: str) -> str:
    return PERCENT_SIGN["en" if lang == "en" else "fr"]


def hover_percent(field: str, lang: str, decimals: int = 1) -> str:
    """A hover-template fragment: "%{y:.1f} %" (French, narrow no-break space) or "%{y:.1f}%"."""
    return f"%{{{field}:.{decimals}f}}{percent_sign(lang)}"


def hover_number(field: str) -> str:
    """Three significant digits with thousands separators: "213 000", "0,523", "35,4"
    (".3g" wrote "2.13e+05")."""
    return f"%{{{field}:,.3~r}}"


def percent_text(value: float, lang: str, decimals: int = 1) -> str:
    """A value already in percent (42.57) as text: "42,6 %" / "42.6%"."""
    return f"{number(value, decimals, lang)}{percent_sign(lang)}"


def count_text(count: int, lang: str) -> str:
    """A group's size on a bar: "n = 1 234" / "n = 1,234"."""
    return f"n = {number(count, 0, lang)}"


def colon(lang: str) -> str:
    """ " : " in French (a space before the colon), ": " in English."""
    return ": " if lang == "en" else "\u00a0: "
