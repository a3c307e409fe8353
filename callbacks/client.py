"""The client page's shared data: one service call scores the current version when the page is
rendered (callbacks/navigation.py puts it into the page's `client-data` store); every panel then
draws from that store, so selecting a client costs one scoring, not one per panel, and one round
trip less before the decision shows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dash import Dash, Input, Output, no_update

from layouts.client_page import ID
from layouts.common import tr
from layouts.why import TOP_FEATURES

if TYPE_CHECKING:
    from scoring.service import ScoringService


def client_data(service: ScoringService, client_id: int, lang: str) -> dict[str, Any]:
    """What the panels share: the score (in the page's language) and the version it scores.

    The waterfall's contributions only, with the rest summed, and every feature's value as a plain
    map: the store goes up with each panel's request and through the renderer's comparisons, and
    178 labelled contributions made it 95 kB (now about a fifth of that)."""
    current = service.client(client_id)
    score = service.score_client(client_id)
    payload = score.to_dict(lang, top=TOP_FEATURES)
    payload["other_count"] = len(score.feature_index) - len(payload["contributions"])
    payload["feature_values"] = score.feature_value_map()
    return {"client_id": client_id, "version": current.version, "lang": lang, "score": payload}


def register_callbacks(app: Dash, service: ScoringService) -> None:
    # The page draws the summary and the title with the client; these follow a saved edit.
    @app.callback(Output(ID("summary"), "children"), Input(ID("data"), "data"), prevent_initial_call=True)
    def summary(data: dict[str, Any] | None) -> Any:
        from layouts.summary import summary_card

        if not data:
            return None
        return summary_card(data["score"], data["lang"])

    @app.callback(Output(ID("title"), "children"), Input(ID("data"), "data"), prevent_initial_call=True)
    def title(data: dict[str, Any] | None) -> Any:
        if not data:
            return no_update
        return tr("client_version", data["lang"], id=data["client_id"], version=data["version"])
