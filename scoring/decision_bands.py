"""The decision rule said one way everywhere: the review band's two boundaries decide, the
cost-minimising threshold inside the band is only a marker.

Boundaries sit on a grid of a tenth of a point and probabilities are shown truncated to that
grid, so a shown probability is always on the same side of a shown boundary as the decision
it got: "6,6 %" is never granted under a legend saying "accordé < 6,6 %". The distance an
advisor reads is the distance to the boundary that would change the decision, not to the
threshold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scoring.display import format_points, format_probability

# A tenth of a point: the precision every probability is shown with.
GRID = 0.001


def on_grid(value: float) -> float:
    """A boundary moved to the nearest tenth of a point (at most 0.05 point: far inside the
    cost tolerance that chose the band)."""
    return round(round(float(value) / GRID) * GRID, 6)


def shown(probability: float) -> float:
    """The probability as displayed: truncated to a tenth of a point, so that it compares with
    the (on-grid) boundaries exactly as the unrounded value does."""
    # The inner round absorbs binary noise (0.066 / 0.001 = 65.99999…).
    return round(math.floor(round(float(probability) / GRID, 6)) * GRID, 6)


def probability_text(probability: float, lang: str = "fr") -> str:
    """"6,6 %" / "6.6%": a probability of default as every face shows it."""
    return format_probability(shown(probability), lang)


@dataclass(frozen=True)
class DecisionBoundary:
    """The nearest boundary whose crossing would change the decision."""

    value: float
    decision_beyond: str  # the decision on the other side
    distance: float  # in probability units, between the shown probability and the boundary

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "decision_beyond": self.decision_beyond, "distance": self.distance}


@dataclass(frozen=True)
class DecisionBands:
    review_low: float
    review_high: float
    threshold: float

    @classmethod
    def from_decision(cls, decision: Mapping[str, Any]) -> DecisionBands:
        """From a model card's `decision` block; older artifacts' unrounded values are put on the grid."""
        low, high = on_grid(decision["review_low"]), on_grid(decision["review_high"])
        return cls(review_low=low, review_high=max(low, high),
                   threshold=min(max(on_grid(decision["threshold"]), low), max(low, high)))

    @property
    def band(self) -> tuple[float, float]:
        return self.review_low, self.review_high

    def decide(self, probability: float) -> str:
        """'refused' at or above the band's top, 'to_review' from its bottom, else 'granted'."""
        if probability >= self.review_high:
            return "refused"
        if probability >= self.review_low:
            return "to_review"
        return "granted"

    def boundaries(self, probability: float) -> list[DecisionBoundary]:
        """Every boundary that would change this probability's decision, nearest first."""
        p = shown(probability)
        decision = self.decide(probability)
        found: list[DecisionBoundary] = []
        if decision == "granted":
            beyond = "to_review" if self.review_low < self.review_high else "refused"
            found.append(DecisionBoundary(self.review_low, beyond, round(self.review_low - p, 6)))
        elif decision == "to_review":
            found.append(DecisionBoundary(self.review_low, "granted", round(p - self.review_low, 6)))
            found.append(DecisionBoundary(self.review_high, "refused", round(self.review_high - p, 6)))
        else:
            beyond = "to_review" if self.review_low < self.review_high else "granted"
            found.append(DecisionBoundary(self.review_high, beyond, round(p - self.review_high, 6)))
        return sorted(found, key=lambda b: b.distance)

    def nearest_boundary(self, probability: float) -> DecisionBoundary:
        return self.boundaries(probability)[0]

    def sentence(self, probability: float, lang: str = "fr") -> str:
        """Where the client stands, in words an advisor can repeat: the distance to the limit
        whose crossing would change the decision."""
        decision = self.decide(probability)
        if decision == "to_review":
            to_grant, to_refuse = sorted(self.boundaries(probability), key=lambda b: b.value)
            return _REVIEW[lang].format(low=probability_text(self.review_low, lang),
                                        high=probability_text(self.review_high, lang),
                                        above=_points(to_grant.distance, lang),
                                        below=_points(to_refuse.distance, lang))
        boundary = self.nearest_boundary(probability)
        limit = probability_text(boundary.value, lang)
        beyond = _BEYOND[lang][boundary.decision_beyond]
        if boundary.distance == 0:
            return _ON_LIMIT[lang].format(limit=limit, beyond=beyond)
        # "Clearly" when the client is more than halfway from the boundary to the dial's end.
        far = (shown(probability) < boundary.value / 2 if decision == "granted"
               else shown(probability) > boundary.value * 2)
        key = f"{decision}_far" if far else decision
        return _SIDE[key][lang].format(points=_points(boundary.distance, lang), limit=limit, beyond=beyond)

    def to_dict(self, probability: float) -> dict[str, Any]:
        return {"review_band": [self.review_low, self.review_high], "threshold": self.threshold,
                "decision_boundary": self.nearest_boundary(probability).to_dict()}


def _points(distance: float, lang: str) -> str:
    return format_points(abs(distance) * 100, 1, lang)


_SIDE: dict[str, dict[str, str]] = {
    "granted": {
        "fr": "{points} sous la limite de {limit} à partir de laquelle la demande {beyond} : "
              "accord, mais proche de la limite.",
        "en": "{points} below the {limit} limit from which the application {beyond}: "
              "granted, but close to it.",
    },
    "granted_far": {
        "fr": "{points} sous la limite de {limit} à partir de laquelle la demande {beyond} : "
              "nettement dans la zone d'accord.",
        "en": "{points} below the {limit} limit from which the application {beyond}: "
              "clearly in the granted zone.",
    },
    "refused": {
        "fr": "{points} au-dessus de la limite de {limit} sous laquelle la demande {beyond} : "
              "refus, mais proche de la limite.",
        "en": "{points} above the {limit} limit below which the application {beyond}: "
              "refused, but close to it.",
    },
    "refused_far": {
        "fr": "{points} au-dessus de la limite de {limit} sous laquelle la demande {beyond} : "
              "nettement dans la zone de refus.",
        "en": "{points} above the {limit} limit below which the application {beyond}: "
              "clearly in the refused zone.",
    },
}
_BEYOND = {
    "fr": {"to_review": "passerait « à revoir »", "granted": "serait accordée", "refused": "serait refusée"},
    "en": {"to_review": "would go to review", "granted": "would be granted", "refused": "would be refused"},
}
_ON_LIMIT = {
    "fr": "Exactement sur la limite de {limit} : un dixième de point de moins et la demande {beyond}.",
    "en": "Exactly on the {limit} limit: a tenth of a point less and the application {beyond}.",
}
_REVIEW = {
    "fr": "Dans la zone « à revoir » (de {low} à moins de {high}) : {above} au-dessus de la limite d'accord, "
          "{below} sous celle de refus. Un analyste décide.",
    "en": "In the 'to review' band (from {low} to under {high}): {above} above the granting limit, "
          "{below} below the refusal limit. An analyst decides.",
}
