"""The page frame: header (title, model link, language switch, user and role, log out), the
search sidebar and the main area a route fills. The shell holds no client data."""

from __future__ import annotations

from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts.common import PanelIds, tr
from layouts.monitoring import t as monitoring_text
from layouts.search import search_panel

ID = PanelIds("shell")


def href(path: str, lang: str) -> str:
    """A link inside the app that keeps the language."""
    return f"{path}?{urlencode({'lang': lang})}" if lang != "fr" else path


def monitoring_link(lang: str) -> str:
    return monitoring_text("nav", lang)


def header(lang: str, path: str, user_name: str | None, role: str | None) -> html.Header:
    other = "en" if lang == "fr" else "fr"
    role_text = tr(f"role_{role}", lang) if role in ("viewer", "advisor", "admin") else (role or "")
    return html.Header(
        dbc.Navbar(
            dbc.Container(
                [
                    dcc.Link(tr("app_title", lang), href=href("/", lang), className="navbar-brand app-brand"),
                    html.Nav(
                        [
                            dcc.Link(tr("home_link", lang), href=href("/", lang), className="nav-link"),
                            dcc.Link(tr("model_link", lang), href=href("/modele", lang), className="nav-link",
                                     id=ID("model-link")),
                            *([dcc.Link(monitoring_link(lang), href=href("/suivi", lang), className="nav-link",
                                        id=ID("monitoring-link"))] if role == "admin" else []),
                            dcc.Link(tr("switch_lang", lang), href=href(path, other), className="nav-link",
                                     id=ID("lang-switch"), title=tr("switch_lang_aria", lang)),
                        ],
                        className="d-flex gap-2 align-items-center", **{"aria-label": tr("main_nav", lang)},
                    ),
                    html.Div(
                        [
                            html.Span([html.Strong(user_name or ""), f" ({role_text})"], id=ID("user"),
                                      className="me-3"),
                            # A form post, not a link: a link on another site must not log anyone out.
                            html.Form(html.Button(tr("logout", lang), type="submit", className="btn btn-light btn-sm",
                                                  id=ID("logout")),
                                      action=f"/logout?lang={lang}", method="post", className="m-0"),
                        ],
                        className="ms-auto d-flex align-items-center",
                    ),
                ],
                fluid=True,
            ),
            color="dark", dark=True, className="app-header no-print",
        )
    )


def page(lang: str, path: str, user_name: str | None, role: str | None, main: list) -> list:
    """Header, sidebar (search, recent clients) and the route's main content."""
    return [
        html.A("Aller au contenu" if lang == "fr" else "Skip to content", href="#main",
               className="visually-hidden-focusable skip-link"),
        header(lang, path, user_name, role),
        dbc.Container(
            dbc.Row(
                [
                    dbc.Col(html.Aside(search_panel(lang), className="sidebar no-print"), lg=3, xl=2),
                    dbc.Col(html.Main(main, id="main", tabIndex="-1"), lg=9, xl=10),
                ],
                className="g-3 pt-3",
            ),
            fluid=True,
        ),
    ]


def app_layout() -> html.Div:
    """The static frame Dash serves: the route is rendered into `shell-page` by a callback."""
    return html.Div(
        [
            dcc.Location(id=ID("url"), refresh=False),
            dcc.Store(id=ID("recent"), storage_type="local", data=[]),
            html.Div(id=ID("lang-sync"), hidden=True),
            html.Div(id=ID("page"), children=html.P("…", className="p-4")),
        ]
    )
