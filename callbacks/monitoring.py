"""The "Suivi du modèle" page's callback: the window and period chosen → the monitoring report,
through the service (ScoringService.monitor), drawn by layouts.monitoring. Administrators only,
like GET /api/monitoring; a model without reference bins gets the message saying what to run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from dash import Dash, Input, Output, State

from callbacks.auth import current_user
from callbacks.navigation import lang_from_search
from layouts import shell
from layouts.monitoring import ID, message, monitoring_content, monitoring_page, t
from scoring.monitoring import MonitoringOptions
from scoring.monitoring_bins import MissingReferenceBins

if TYPE_CHECKING:
    from scoring.service import ScoringService


def monitoring_route(service: ScoringService, lang: str) -> Any:
    """The page for an administrator, a message for anyone else."""
    user = current_user(service)
    if user is None or not user.can("admin"):
        return message(t("admin_only", lang))
    return monitoring_page(lang)


def report_options(window: str | None, period: str | None, watch: float, act: float,
                   now: datetime | None = None) -> MonitoringOptions:
    days = int(window) if window and window.isdigit() else None
    since = (now or datetime.now(UTC)) - timedelta(days=days) if days else None
    return MonitoringOptions(since=since, period=period if period in ("week", "month") else "month",
                             watch=watch, act=act)


def register_callbacks(app: Dash, service: ScoringService) -> None:
    settings = app.server.extensions.get("settings")
    watch = getattr(settings, "psi_watch", 0.10)
    act = getattr(settings, "psi_act", 0.25)

    @app.callback(Output(ID("content"), "children"), Input(ID("window"), "value"), Input(ID("period"), "value"),
                  State(shell.ID("url"), "search"))
    def render(window: str | None, period: str | None, url_search: str | None) -> Any:
        lang = lang_from_search(url_search)
        user = current_user(service)
        if user is None or not user.can("admin"):
            return message(t("admin_only", lang))
        try:
            report = service.monitor.report(report_options(window, period, watch, act))
        except MissingReferenceBins as error:
            return message(error.message(lang))
        return monitoring_content(report.to_dict(lang), lang)
