"""The client's saved versions and their scores."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dash import Dash, Input, Output

from layouts.client_page import ID as CLIENT
from layouts.history import ID, history_body

if TYPE_CHECKING:
    from scoring.service import ScoringService


def register_callbacks(app: Dash, service: ScoringService) -> None:
    @app.callback(Output(ID("body"), "children"), Input(CLIENT("data"), "data"))
    def render(data: dict[str, Any] | None) -> Any:
        if not data:
            return None
        versions = [v.to_dict() for v in service.history(int(data["client_id"]))]
        return history_body(versions, float(data["score"]["threshold"]), data["lang"])
