"""The "why" panel: reasons, waterfall, global importance."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dash import Dash, Input, Output

from layouts.client_page import ID as CLIENT
from layouts.why import ID, reasons_block, why_charts

if TYPE_CHECKING:
    from scoring.service import ScoringService


def register_callbacks(app: Dash, service: ScoringService) -> None:
    @app.callback(Output(ID("reasons-body"), "children"), Output(ID("charts"), "children"),
                  Input(CLIENT("data"), "data"), Input(ID("analyst"), "value"))
    def render(data: dict[str, Any] | None, analyst: bool | None = False) -> Any:
        if not data:
            return None, None
        lang = data["lang"]
        return reasons_block(data["score"], lang), why_charts(data["score"],
                                                              service.population.global_importance(lang), lang,
                                                              analyst=bool(analyst))
