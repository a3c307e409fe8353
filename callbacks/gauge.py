"""The score panel: decision, gauge, distance to the threshold, warnings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dash import Dash, Input, Output

from layouts.client_page import ID as CLIENT
from layouts.gauge import ID, decision_block, gauge_chart

if TYPE_CHECKING:
    from scoring.service import ScoringService


def register_callbacks(app: Dash, service: ScoringService) -> None:
    @app.callback(Output(ID("decision"), "children"), Output(ID("chart"), "children"),
                  Input(CLIENT("data"), "data"))
    def render(data: dict[str, Any] | None) -> Any:
        if not data:
            return None, None
        return decision_block(data["score"], data["lang"]), gauge_chart(data["score"], data["lang"])
