"""What would change the decision, from the service's recourse search."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dash import Dash, Input, Output

from layouts.client_page import ID as CLIENT
from layouts.recourse import ID, recourse_body

if TYPE_CHECKING:
    from scoring.service import ScoringService


def register_callbacks(app: Dash, service: ScoringService) -> None:
    @app.callback(Output(ID("body"), "children"), Input(CLIENT("data"), "data"))
    def render(data: dict[str, Any] | None) -> Any:
        if not data:
            return None
        lang = data["lang"]
        return recourse_body(service.recourse(int(data["client_id"])).to_dict(lang), lang)
