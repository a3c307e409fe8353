"""The dashboard's entry point: `create_dashboard(server, service, settings)` builds the Dash app
on the Flask server the composition root made, registers the login routes and every panel's
callbacks explicitly (no `@dash.callback` at import time: plotly/dash#1933), and returns it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import dash
import flask
from dash import html

from callbacks import (
    auth,
    bivariate,
    client,
    compare,
    decision,
    edit,
    gauge,
    history,
    monitoring,
    navigation,
    recourse,
    report,
    search,
    why,
)
from layouts import shell
from layouts.client_page import client_page, home_page, not_found
from layouts.common import lang_or_default, tr
from layouts.decision import overrides_panel
from layouts.monitoring import monitoring_page
from layouts.report import report_page

if TYPE_CHECKING:
    from scoring.service import ScoringService

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
# npm pack plotly.js-finance-dist-min@4.1.0 (MIT): bar, scatter, indicator, waterfall and more.
PLOTLY_BUNDLE = "plotly-finance-4.1.0.min.js"
PANELS = (navigation, search, client, gauge, why, compare, bivariate, edit, recourse, decision, history, report,
          monitoring)

INDEX_STRING = """<!DOCTYPE html>
<html lang="fr">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
        <!-- Every client page draws charts, and dcc.Graph uses window.Plotly when it exists
             (else it fetches the full 4.8 MB plotly.js Dash registers). The charts only use bar,
             scatter, indicator and waterfall: plotly.js's "finance" bundle (1.3 MB) holds them
             and parses in a quarter of the time. Deferred: it runs before the renderer has even
             received the layout, without holding the page's parsing back. -->
        <script defer src="/assets/vendor/{PLOTLY_BUNDLE}"></script>
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>""".replace("{PLOTLY_BUNDLE}", PLOTLY_BUNDLE)


class Dashboard(dash.Dash):
    """Dash with the page's `lang` attribute set from `?lang=` on the first load."""

    def interpolate_index(self, **kwargs: Any) -> str:
        page = super().interpolate_index(**kwargs)
        lang = lang_or_default(flask.request.args.get("lang")) if flask.has_request_context() else "fr"
        if lang != "fr":
            page = page.replace('<html lang="fr">', f'<html lang="{lang}">', 1)
        return page


def validation_layout(service: ScoringService) -> html.Div:
    """Every component any route can show, so Dash checks each callback's ids at start-up."""
    population = service.population
    options = population.feature_options("fr")
    top = population.top_features(2, numeric_only=True)
    return html.Div([
        shell.app_layout(),
        *shell.page("fr", "/", None, None, [
            home_page("fr"),
            client_page(0, "fr", options, top[0] if top else None, top[-1] if top else None, None),
            report_page(0, "fr"),
            overrides_panel("fr"),
            monitoring_page("fr"),
            not_found("fr"),
        ]),
    ])


def create_dashboard(server: flask.Flask, service: ScoringService, settings: Any = None) -> dash.Dash:
    """Build the dashboard on `server`; `service` is the process's one ScoringService."""
    if service.population is None:
        raise RuntimeError("the dashboard needs service.population (scoring.population.PopulationViews)")
    app = Dashboard(
        __name__,
        server=server,
        url_base_pathname="/",
        assets_folder=str(ASSETS_DIR),
        assets_path_ignore=["^vendor$"],  # served, not auto-included: INDEX_STRING loads them
        title=tr("app_title", "fr"),
        update_title=None,
        suppress_callback_exceptions=False,
        serve_locally=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.index_string = INDEX_STRING
    app.layout = shell.app_layout
    app.validation_layout = validation_layout(service)
    auth.register_auth(server, service)
    for panel in PANELS:
        panel.register_callbacks(app, service)
    return app
