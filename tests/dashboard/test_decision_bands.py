"""The decision rule said one way: the band's limits decide, shown probabilities never sit on the
wrong side of a shown limit, and the distance an advisor reads is to the limit that would change
the decision (issue 20)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from layouts.common import distance_sentence, probability
from layouts.gauge import decision_block, zone_legend
from scoring.decision_bands import DecisionBands, on_grid, probability_text, shown
from scoring.model.threshold import choose_threshold
from tests.dashboard.conftest import text_of

# The case the advisor met: a threshold of 8.1 % inside a 6.6–8.9 % band.
BANDS = DecisionBands(review_low=0.066, review_high=0.089, threshold=0.081)


def _legend_decision(text: str, bands: DecisionBands) -> str:
    """What a reader concludes from a shown probability and the legend's limits."""
    value = float(text.replace("\u202f%", "").replace("%", "").replace(",", ".")) / 100
    low, high = round(bands.review_low * 100, 1) / 100, round(bands.review_high * 100, 1) / 100
    return "refused" if value >= high - 1e-12 else "to_review" if value >= low - 1e-12 else "granted"


@pytest.mark.parametrize("p", [0.066, 0.089, 0.0659999, 0.0889999, 0.06596, 0.0661, 0.0895, 0.081, 0.0, 0.5])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_shown_probability_is_on_the_same_side_of_the_shown_limits_as_its_decision(p: float, lang: str) -> None:
    assert _legend_decision(probability_text(p, lang), BANDS) == BANDS.decide(p)


def test_the_exact_edges_are_classified_the_same_everywhere() -> None:
    assert BANDS.decide(0.066) == "to_review" and BANDS.decide(0.089) == "refused"
    assert BANDS.decide(np.nextafter(0.066, 0)) == "granted"
    assert BANDS.decide(np.nextafter(0.089, 0)) == "to_review"
    # The sentence, the decision block and the legend agree at the edge.
    on_low = {"probability_of_default": 0.066, "decision": BANDS.decide(0.066), "threshold": 0.081,
              "review_band": [0.066, 0.089], "warnings": []}
    block = text_of(decision_block(on_low, "fr"))
    assert "6,6\u202f%" in block and "zone « à revoir »" in block
    legend = text_of(zone_legend(on_low, "fr"))
    assert "accordé < 6,6\u202f%" in legend and "refusé ≥ 8,9\u202f%" in legend
    assert "à revoir 6,6\u202f% à moins de 8,9\u202f%" in legend


def test_the_distance_is_to_the_limit_that_would_change_the_decision_not_to_the_threshold() -> None:
    # 7.8 % and 8.1 % are both "to review": neither is said against the 8.1 threshold.
    for p in (0.078, 0.081):
        sentence = BANDS.sentence(p, "fr")
        assert "seuil" not in sentence and "à revoir" in sentence
    assert BANDS.sentence(0.078, "fr").startswith("Dans la zone « à revoir » (de 6,6\u202f% à moins de 8,9\u202f%)")
    assert "1,2 point au-dessus de la limite d'accord, 1,1 point sous celle de refus" in BANDS.sentence(0.078, "fr")
    granted = BANDS.sentence(0.031, "fr")
    assert granted.startswith("3,5 points sous la limite de 6,6\u202f% à partir de laquelle la demande passerait")
    assert "nettement" in granted
    refused = BANDS.sentence(0.095, "en")
    assert refused.startswith("0.6 points above the 8.9% limit below which the application would go to review")
    assert BANDS.sentence(0.0895, "fr").startswith("Exactement sur la limite de 8,9\u202f%")
    boundary = BANDS.nearest_boundary(0.031)
    assert (boundary.value, boundary.decision_beyond, boundary.distance) == (0.066, "to_review", 0.035)
    assert BANDS.nearest_boundary(0.087).decision_beyond == "refused"
    assert BANDS.nearest_boundary(0.067).decision_beyond == "granted"


def test_layout_and_api_say_the_same_sentence() -> None:
    assert distance_sentence(0.078, 0.081, (0.066, 0.089), "en") == BANDS.sentence(0.078, "en")
    assert probability(0.0689, "fr") == "6,8\u202f%"  # truncated, never rounded up across a limit


def test_older_artifacts_limits_are_put_on_the_grid_and_keep_their_order() -> None:
    bands = DecisionBands.from_decision({"threshold": 0.08149, "review_low": 0.06551, "review_high": 0.08949})
    assert bands.band == (0.066, 0.089) and bands.threshold == 0.081
    assert on_grid(0.0664999) == 0.066 and shown(0.066) == 0.066 and shown(0.0659999) == 0.065


def test_training_puts_the_chosen_limits_on_the_grid_and_states_the_cost_of_that_rule() -> None:
    rng = np.random.default_rng(0)
    p = rng.uniform(0, 0.3, size=50_000)
    y = rng.uniform(size=p.size) < p
    choice = choose_threshold(y, p)
    for limit in (choice.threshold, choice.review_low, choice.review_high):
        assert limit == on_grid(limit)
    assert choice.cost == float(10 * np.sum(y & (p < choice.threshold)) + np.sum(~y & (p >= choice.threshold)))


def test_every_chart_that_shows_where_decisions_change_draws_the_band() -> None:
    from layouts.edit import before_after_figure
    from layouts.history import history_figure

    score = {"probability_of_default": 0.078, "decision": "to_review", "threshold": 0.081,
             "review_band": [0.066, 0.089]}
    after = {**score, "probability_of_default": 0.05, "decision": "granted"}
    for figure, axis in ((before_after_figure(score, after, "fr"), "x"),
                         (history_figure([{"version": 1, **score}, {"version": 2, **after}], 0.081, "fr",
                                         [0.066, 0.089]), "y")):
        bands = [s for s in figure["layout"]["shapes"] if s["type"] == "rect"]
        assert len(bands) == 1
        assert (bands[0][f"{axis}0"], bands[0][f"{axis}1"]) == pytest.approx((6.6, 8.9))
        texts = " ".join(a["text"] for a in figure["layout"]["annotations"])
        assert "à revoir : 6,6\u202f% à moins de 8,9\u202f%" in texts


def test_the_api_and_the_page_say_the_same_distance(dashboard: Any) -> None:
    service = dashboard.service
    for client_id in dashboard.client_ids[:10]:
        payload = service.score_client(client_id, explain=False).to_dict("fr", explain=False)
        bands = DecisionBands(*payload["review_band"], payload["threshold"])
        assert bands.decide(payload["probability_of_default"]) == payload["decision"]
        assert payload["distance_to_threshold"] == distance_sentence(
            payload["probability_of_default"], payload["threshold"], payload["review_band"], "fr")
        boundary = payload["decision_boundary"]
        assert boundary["decision_beyond"] != payload["decision"]
        assert boundary["value"] in payload["review_band"]
