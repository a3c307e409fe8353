"""The "Suivi du modèle" page on a store holding a drifted population (income, credit amount and
external scores shifted): administrators only, the status in words, figures of the features that
drift most, a clear message for a model without reference bins; in a real browser, FR and EN,
with axe-core and a screenshot in docs/screenshots/."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from app import create_app
from layouts.monitoring import ID
from scoring.data.synthetic import generate_dataset
from scoring.data.synthetic.shift import PopulationShift, shift_applications
from scoring.monitoring_bins import BINS_FILE
from scoring.settings import Settings
from scoring.store import Store
from scoring.store_cli import load_clients
from tests.dashboard.conftest import SAME_SITE, DashRequest, served_on_loopback
from tests.dashboard.test_browser import SCREENSHOTS, TIMEOUT_MS, VIEWPORT, serious_violations

USERS = {"admin-suivi": ("admin", "mot-de-passe-admin"), "conseil-suivi": ("advisor", "mot-de-passe-conseil")}
SHIFTED = ("AMT_INCOME_TOTAL", "AMT_CREDIT", "EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3")


@dataclass
class DriftApp:
    server: Any
    store: Store

    def login(self, name: str) -> DashRequest:
        client = self.server.test_client()
        response = client.post("/login", data={"name": name, "password": USERS[name][1], "next": "/"},
                               headers=SAME_SITE)
        assert response.status_code == 303, response.data[:300]
        return DashRequest(client)


def _app(directory: Path, artifact: Path, data_dir: Path | None) -> DriftApp:
    store = Store.open(f"sqlite:///{directory / 'store.db'}")
    if data_dir is not None:
        load_clients(store, data_dir, artifact=artifact, progress=False)
    server = create_app(Settings(data_dir=directory, artifact_dir=artifact, secret_key="monitoring-test"),
                        store=store)
    for name, (role, password) in USERS.items():
        store.add_user(name, role, password)
    return DriftApp(server, store)


@pytest.fixture(scope="module")
def drift_app(tmp_path_factory: pytest.TempPathFactory, trained_artifact: Path) -> Iterator[DriftApp]:
    data_dir = tmp_path_factory.mktemp("drifted-data")
    generate_dataset(data_dir, n_clients=3_000, seed=7, progress=False)
    shift_applications(data_dir, PopulationShift(income=0.6, credit=1.5, ext=-0.15))
    built = _app(tmp_path_factory.mktemp("drifted-app"), trained_artifact, data_dir)
    yield built
    built.store.dispose()


def _render(request: DashRequest, window: str = "all", period: str = "month", lang: str = "fr") -> Any:
    response = request.call([(ID("content"), "children")],
                            [(ID("window"), "value", window), (ID("period"), "value", period)],
                            [("shell-url", "search", "?lang=en" if lang == "en" else "")])
    assert response.status_code == 200, response.data[:300]
    return response.get_json()["response"][ID("content")]["children"]


def _text(tree: Any) -> str:
    if isinstance(tree, dict):
        return " ".join(_text(v) for k, v in tree.items() if k in ("props", "children"))
    if isinstance(tree, list):
        return " ".join(_text(item) for item in tree)
    return str(tree) if isinstance(tree, str | int | float) else ""


def test_the_report_names_the_drift_and_draws_the_features_that_drift_most(drift_app: DriftApp) -> None:
    content = _render(drift_app.login("admin-suivi"), period="week")
    text = _text(content)
    assert "À traiter" in text and "Revenu annuel" in text
    figures = re.findall(r'"id": "monitoring-drift-(\d)"', str(content).replace("'", '"'))
    assert figures == ["0", "1", "2", "3"]
    assert "Stabilité des 20 variables les plus importantes" in text


def test_advisors_are_told_the_page_is_for_administrators(drift_app: DriftApp) -> None:
    content = _render(drift_app.login("conseil-suivi"), lang="en")
    assert "Model monitoring is for administrators." in _text(content)


def test_a_model_without_reference_bins_gets_the_command_to_run(tmp_path: Path, trained_artifact: Path) -> None:
    old = tmp_path / "artifact" / trained_artifact.name
    shutil.copytree(trained_artifact, old)
    (old / BINS_FILE).unlink()
    built = _app(tmp_path, old, None)
    try:
        text = _text(_render(built.login("admin-suivi")))
    finally:
        built.store.dispose()
    assert "credit-scoring monitor-reference" in text and "Traceback" not in text


@pytest.fixture(scope="module")
def drift_url(drift_app: DriftApp) -> Iterator[str]:
    with served_on_loopback(drift_app.server) as url:
        yield url


@pytest.fixture(scope="module")
def admin_page(browser: Browser, drift_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{drift_url}/login")
    page.fill("#login-name", "admin-suivi")
    page.fill("#login-password", USERS["admin-suivi"][1])
    page.click("#login-submit")
    page.wait_for_url(re.compile(r".*/$"))
    yield page
    context.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_monitoring_page_in_a_browser(admin_page: Page, drift_url: str, lang: str) -> None:
    admin_page.goto(f"{drift_url}/" + ("?lang=en" if lang == "en" else ""))
    # The administrator finds the page in the header.
    admin_page.locator("#shell-monitoring-link").click()
    expect(admin_page.locator("#monitoring-status")).to_contain_text("À traiter" if lang == "fr" else "Act")
    for figure in ("psi", "mix", "probability", "drift-0", "drift-3"):
        expect(admin_page.locator(f"#monitoring-{figure} .main-svg").first).to_be_visible()
    expect(admin_page.locator("#monitoring-quality")).to_be_visible()
    admin_page.wait_for_timeout(300)  # let plotly finish its transitions
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    admin_page.screenshot(path=str(SCREENSHOTS / f"monitoring-{lang}.png"), full_page=True)
    assert serious_violations(admin_page) == []
    # Another window redraws the report.
    admin_page.get_by_label("30 derniers jours" if lang == "fr" else "Last 30 days").check()
    expect(admin_page.locator("#monitoring-status")).to_be_visible()
