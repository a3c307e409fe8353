"""The client's saved versions and their scores."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dash import Dash, Input, Output

from layouts.client_page import ID as CLIENT
from layouts.decision import ID as ADVISOR
from layouts.history import ID, history_body

if TYPE_CHECKING:
    from scoring.service import ScoringService


def register_callbacks(app: Dash, service: ScoringService) -> None:
    @app.callback(Output(ID("body"), "children"), Input(CLIENT("data"), "data"), Input(ADVISOR("refresh"), "data"))
    def render(data: dict[str, Any] | None, _decided: int | None = None) -> Any:
        if not data:
            return None
        lang = data["lang"]
        stored = service.history(int(data["client_id"]))
        reasons = service.version_reasons(stored, lang)
        state = service.decisions.state(int(data["client_id"]))
        decided = {}
        for entry in state.entries:
            if entry.kind == "decision":  # the latest one of each version wins
                decided[entry.version] = {**entry.to_dict(), "status": state.status_of(entry)}
        versions = []
        for version in stored:
            given = reasons.get(version.version)
            versions.append({**version.to_dict(), "advisor_decision": decided.get(version.version),
                             "reasons": None if given is None else {
                                 group: [r.to_dict() for r in items] for group, items in given.items()}})
        return history_body(versions, float(data["score"]["threshold"]), lang, data["score"]["review_band"])
