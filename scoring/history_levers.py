"""Changes over time the client controls, as the side-table aggregates they would produce.

Each lever recomputes the stored aggregates (scoring.features) from what the change means for the
underlying rows, with everything else as stored: the same client reapplying later with the same
declaration. Levers on what the client cannot change (external scores, age) do not exist here.
A lever applies only where its facts exist (no overdue to clear, no lever).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from scoring.display import format_amount

ON_TIME_MONTHS = 12
DAYS_PER_MONTH = 30.44


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    return None if numerator is None or not denominator else numerator / denominator


@dataclass(frozen=True)
class HistoryLever:
    code: str
    applies: Callable[[Mapping[str, Any]], bool]
    changes: Callable[[Mapping[str, Any]], dict[str, Any]]
    describe: Callable[[Mapping[str, Any]], dict[str, str]]


def _overdue(history: Mapping[str, Any]) -> float:
    return _number(history.get("BUREAU_AMT_OVERDUE_SUM")) or 0.0


def _clear_overdue(history: Mapping[str, Any]) -> dict[str, Any]:
    # The amounts overdue today are paid: nothing is overdue, and the debt falls by as much.
    # The largest overdue ever recorded (BUREAU_AMT_MAX_OVERDUE) stays: it is history.
    debt = _number(history.get("BUREAU_ACTIVE_DEBT_SUM"))
    new_debt = None if debt is None else max(debt - _overdue(history), 0.0)
    return {"BUREAU_AMT_OVERDUE_SUM": 0.0, "BUREAU_OVERDUE_COUNT": 0, "BUREAU_DAYS_OVERDUE_MAX": 0,
            "BUREAU_ACTIVE_DEBT_SUM": new_debt,
            "BUREAU_ACTIVE_DEBT_RATIO": _ratio(new_debt, _number(history.get("BUREAU_ACTIVE_CREDIT_SUM")))}


def _repay_half(history: Mapping[str, Any]) -> dict[str, Any]:
    debt = (_number(history.get("BUREAU_ACTIVE_DEBT_SUM")) or 0.0) / 2
    return {"BUREAU_ACTIVE_DEBT_SUM": debt,
            "BUREAU_ACTIVE_DEBT_RATIO": _ratio(debt, _number(history.get("BUREAU_ACTIVE_CREDIT_SUM")))}


def _paying_here(history: Mapping[str, Any]) -> bool:
    """Instalments still due on a loan with us: on-time payments are then the client's to make."""
    return (_number(history.get("INST_PAYMENT_COUNT")) or 0) > 0 and \
        (_number(history.get("POS_INSTALMENT_FUTURE_MEAN")) or 0) > 0


def _on_time_year(history: Mapping[str, Any]) -> dict[str, Any]:
    """Twelve more monthly instalments paid in full on their due date, and twelve more months
    without arrears on the loans with us; the year before the next application is then all on
    time. Day counts of past events move a year further back."""
    count = _number(history.get("INST_PAYMENT_COUNT")) or 0.0
    total = count + ON_TIME_MONTHS
    changes: dict[str, Any] = {"INST_PAYMENT_COUNT": int(total), "INST_LATE_SHARE_RECENT": 0.0,
                               "INST_DAYS_LATE_RECENT_MEAN": 0.0}
    for name in ("INST_LATE_SHARE", "INST_DAYS_LATE_MEAN", "INST_DAYS_EARLY_MEAN", "INST_UNDERPAID_SHARE"):
        value = _number(history.get(name))
        if value is not None:
            changes[name] = value * count / total  # the new payments add zeros
    ratio = _number(history.get("INST_PAYMENT_RATIO_MEAN"))
    if ratio is not None:
        changes["INST_PAYMENT_RATIO_MEAN"] = (ratio * count + ON_TIME_MONTHS) / total  # paid / due = 1
    paid = _number(history.get("INST_AMT_PAYMENT_SUM"))
    if paid is not None and count:
        changes["INST_AMT_PAYMENT_SUM"] = paid * total / count  # twelve more payments of the usual size
    months = _number(history.get("POS_MONTH_COUNT")) or 0.0
    if months:
        pos_total = months + ON_TIME_MONTHS
        for name in ("POS_LATE_MONTH_SHARE", "POS_DPD_MEAN"):
            value = _number(history.get(name))
            if value is not None:
                changes[name] = value * months / pos_total
        changes["POS_MONTH_COUNT"] = int(pos_total)
        changes["POS_DPD_RECENT_MAX"] = 0
    # No new credit or application meanwhile: what happened in the last year is then over a year old.
    for name in ("BUREAU_RECENT_COUNT", "PREV_RECENT_COUNT", "PREV_REFUSED_RECENT_COUNT"):
        if name in history:
            changes[name] = 0
    for name, value in history.items():
        days = _number(value)
        if days is not None and "_DAYS_" in name and name not in changes and "LATE" not in name \
                and "EARLY" not in name and "OVERDUE" not in name:
            changes[name] = days - round(ON_TIME_MONTHS * DAYS_PER_MONTH)
    return changes


LEVERS: tuple[HistoryLever, ...] = (
    HistoryLever(
        "clear_overdue",
        lambda h: _overdue(h) > 0 or (_number(h.get("BUREAU_OVERDUE_COUNT")) or 0) > 0,
        _clear_overdue,
        lambda h: {
            "fr": f"régler les impayés en cours chez d'autres prêteurs ({format_amount(_overdue(h), 'fr')})",
            "en": f"settle the amounts overdue with other lenders ({format_amount(_overdue(h), 'en')})",
        },
    ),
    HistoryLever(
        "repay_half_debt",
        lambda h: (_number(h.get("BUREAU_ACTIVE_DEBT_SUM")) or 0) > 0,
        _repay_half,
        lambda h: {
            "fr": "rembourser la moitié des dettes en cours chez d'autres prêteurs "
                  f"({format_amount((_number(h.get('BUREAU_ACTIVE_DEBT_SUM')) or 0) / 2, 'fr')})",
            "en": "repay half of the current debts with other lenders "
                  f"({format_amount((_number(h.get('BUREAU_ACTIVE_DEBT_SUM')) or 0) / 2, 'en')})",
        },
    ),
    HistoryLever(
        "on_time_12_months",
        _paying_here,
        _on_time_year,
        lambda h: {
            "fr": "payer chaque échéance de vos prêts chez nous à temps pendant 12 mois, sans nouveau "
                  "crédit entre-temps",
            "en": "pay every instalment of your loans with us on time for 12 months, with no new credit "
                  "meanwhile",
        },
    ),
)


def then_reapply(actions: list[dict[str, str]], offer: dict[str, str] | None = None) -> dict[str, str]:
    """One sentence for one or more levers, then a new application (with an offer, if any)."""
    texts = {}
    for lang, (joiner, reapply, with_offer) in {"fr": (" ; ", "puis redemander", " : "),
                                                "en": ("; ", "then reapply", ": ")}.items():
        sentence = joiner.join(action[lang] for action in actions)
        sentence = sentence[0].upper() + sentence[1:] + ", " + reapply
        if offer is not None:
            sentence += with_offer + offer[lang][0].lower() + offer[lang][1:]
        texts[lang] = sentence if sentence.endswith(".") else sentence + "."
    return texts
