"""The score panel: decision, gauge, distance to the threshold, warnings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dash import Dash, Input, Output

from layouts.client_page import ID as CLIENT
from layouts.gauge import ID, gauge_body

if TYPE_CHECKING:
    from scoring.service import ScoringService


def register_callbacks(app: Dash, service: ScoringService) -> None:
    @app.callback(Output(ID("body"), "children"), Input(CLIENT("data"), "data"))
    def render(data: dict[str, Any] | None) -> Any:
        if not data:
            return None
        return gauge_body(data["score"], data["lang"])
