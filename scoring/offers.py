"""One offer model: amount, term, goods price (down payment) and the payment they imply.

The simulator, the recourse search and the API's recourse options all build their changes here,
so an option's fields and the simulator's fields can never disagree. The application table
holds the amount (AMT_CREDIT), the periodic payment (AMT_ANNUITY, read as monthly) and the price
of the goods (AMT_GOODS_PRICE), but neither the term nor the rate. The rate is the product's
(`PAD_LOAN_ANNUAL_RATE`, nominal, monthly compounding); the client's current term is the one that
rate and the stored payment imply. When the stored payment does not even cover a month's interest
at that rate, no term fits: payments are then computed without interest, and `rate_note` says so.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scoring.display import format_percent

DEFAULT_ANNUAL_RATE = 0.12
DEFAULT_MIN_AMOUNT_SHARE = 0.30
DEFAULT_MAX_TERM_MONTHS = 84
DEFAULT_MIN_TERM_MONTHS = 6


@dataclass(frozen=True)
class OfferPolicy:
    """What the bank accepts to offer (settings, stated to the advisor with each recourse)."""

    annual_rate: float = DEFAULT_ANNUAL_RATE
    min_amount_share: float = DEFAULT_MIN_AMOUNT_SHARE  # never propose less than this share of the request
    max_term_months: int = DEFAULT_MAX_TERM_MONTHS
    min_term_months: int = DEFAULT_MIN_TERM_MONTHS

    def __post_init__(self) -> None:
        if not 0 <= self.annual_rate < 1:
            raise ValueError(f"PAD_LOAN_ANNUAL_RATE: between 0 and 1 expected, got {self.annual_rate!r}")
        if not 0 < self.min_amount_share <= 1:
            raise ValueError(f"PAD_RECOURSE_MIN_AMOUNT_SHARE: in (0, 1] expected, got {self.min_amount_share!r}")
        if not 1 <= self.min_term_months <= self.max_term_months:
            raise ValueError("PAD_RECOURSE_MAX_TERM_MONTHS must be at least PAD_RECOURSE_MIN_TERM_MONTHS "
                             f"({self.min_term_months}), got {self.max_term_months!r}")

    @property
    def monthly_rate(self) -> float:
        return self.annual_rate / 12

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> OfferPolicy:
        env = os.environ if environ is None else environ
        names = {"annual_rate": ("PAD_LOAN_ANNUAL_RATE", float),
                 "min_amount_share": ("PAD_RECOURSE_MIN_AMOUNT_SHARE", float),
                 "max_term_months": ("PAD_RECOURSE_MAX_TERM_MONTHS", int),
                 "min_term_months": ("PAD_RECOURSE_MIN_TERM_MONTHS", int)}
        values: dict[str, Any] = {}
        for field, (variable, kind) in names.items():
            if env.get(variable):
                try:
                    values[field] = kind(env[variable])
                except ValueError:
                    raise ValueError(f"{variable}: a number is expected, got {env[variable]!r}") from None
        return cls(**values)

    def to_dict(self) -> dict[str, float | int]:
        return {"annual_rate": self.annual_rate, "min_amount_share": self.min_amount_share,
                "max_term_months": self.max_term_months, "min_term_months": self.min_term_months}


def payment(amount: float, term_months: float, monthly_rate: float) -> float:
    """The constant monthly payment that repays `amount` in `term_months` at `monthly_rate`."""
    if term_months <= 0:
        raise ValueError(f"term_months: a positive number of months is expected, got {term_months!r}")
    if monthly_rate == 0:
        return amount / term_months
    return amount * monthly_rate / (1 - (1 + monthly_rate) ** -term_months)


def term_for(amount: float, monthly_payment: float, monthly_rate: float) -> float | None:
    """The number of months `monthly_payment` takes to repay `amount`; None when it never does
    (the payment does not cover the interest)."""
    if amount <= 0 or monthly_payment <= 0:
        return None
    if monthly_rate == 0:
        return amount / monthly_payment
    covered = 1 - monthly_rate * amount / monthly_payment
    if covered <= 0:
        return None
    return -math.log(covered) / math.log(1 + monthly_rate)


@dataclass(frozen=True)
class LoanTerms:
    """The loan as the application states it, with the term it implies."""

    amount: float
    monthly_payment: float
    goods_price: float | None
    term_months: float
    monthly_rate: float  # the rate the payments are computed at (0 when the product's cannot apply)
    rate_applies: bool

    @property
    def down_payment(self) -> float | None:
        return None if self.goods_price is None else max(self.goods_price - self.amount, 0.0)

    def rate_note(self, lang: str = "fr") -> str:
        rate = self.monthly_rate * 12 * 100
        if self.rate_applies:
            shown = format_percent(rate / 100, lang)
            return (f"Échéances calculées au taux annuel du produit ({shown})" if lang == "fr"
                    else f"Payments computed at the product's annual rate ({shown})")
        return ("L'échéance enregistrée ne couvre pas les intérêts au taux du produit : échéances calculées "
                "sans intérêts" if lang == "fr" else
                "The stored payment does not cover the interest at the product's rate: payments computed "
                "without interest")


def current_terms(record: Mapping[str, Any], policy: OfferPolicy) -> LoanTerms | None:
    """The application's loan terms, or None when the amount or the payment is missing."""
    amount, stored_payment = record.get("AMT_CREDIT"), record.get("AMT_ANNUITY")
    if not amount or not stored_payment:
        return None
    goods = record.get("AMT_GOODS_PRICE")
    term = term_for(float(amount), float(stored_payment), policy.monthly_rate)
    applies = term is not None
    rate = policy.monthly_rate if applies else 0.0
    if term is None:
        term = float(amount) / float(stored_payment)
    return LoanTerms(float(amount), float(stored_payment), None if goods is None else float(goods), term, rate,
                     applies)


def offer_changes(terms: LoanTerms, *, amount: float | None = None, term_months: float | None = None,
                  goods_price: float | None = None) -> dict[str, float]:
    """The application fields an offer changes, the payment recomputed from its amount and term at
    the loan's rate. Unchanged amount and term keep the stored payment (nothing to recompute)."""
    new_amount = terms.amount if amount is None else round(float(amount))
    new_term = terms.term_months if term_months is None else float(term_months)
    changes: dict[str, float] = {}
    if new_amount != terms.amount:
        changes["AMT_CREDIT"] = float(new_amount)
    if new_amount != terms.amount or abs(new_term - terms.term_months) > 1e-9:
        changes["AMT_ANNUITY"] = round(payment(new_amount, new_term, terms.monthly_rate), 1)
    if goods_price is not None and goods_price != terms.goods_price:
        changes["AMT_GOODS_PRICE"] = float(round(goods_price))
    return changes


def form_changes(terms: LoanTerms | None, changes: Mapping[str, Any],
                 term_months: float | None = None) -> tuple[dict[str, Any], bool]:
    """What the simulator scores: the advisor's changes, with the payment recomputed by the offer
    model when the amount or the term changes and the advisor did not type a payment. Returns the
    changes and whether the payment was recomputed."""
    merged = dict(changes)
    if terms is None or "AMT_ANNUITY" in merged:
        return merged, False
    new_term = None if term_months is None or abs(float(term_months) - terms.term_months) < 0.05 \
        else float(term_months)
    if "AMT_CREDIT" not in merged and new_term is None:
        return merged, False
    amount = merged.get("AMT_CREDIT", terms.amount)
    if not isinstance(amount, int | float) or isinstance(amount, bool) or amount <= 0:
        return merged, False  # the contract check names the bad amount
    offered = offer_changes(terms, amount=float(amount), term_months=new_term)
    merged.update({k: v for k, v in offered.items() if k == "AMT_ANNUITY"})
    return merged, "AMT_ANNUITY" in offered
