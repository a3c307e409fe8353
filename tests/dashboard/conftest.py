"""A real dashboard for the tests: `app.create_app` on the session's trained artifact, a fresh
SQLite store loaded with synthetic clients (scored in batch, as `load-clients` does), and two
users (an advisor and a viewer). Callback tests post to /_dash-update-component through Flask's
test client; browser tests drive Debian's Chromium against the same app served on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from app import create_app
from scoring.settings import Settings
from scoring.store import Store
from scoring.store_cli import application_clients

CLIENTS_LOADED = 60
PASSWORDS = {"conseil": "mot-de-passe-conseil", "lecteur": "mot-de-passe-lecteur"}
ROLES = {"conseil": "advisor", "lecteur": "viewer"}
CHROMIUM = Path("/usr/bin/chromium")
# What a browser sends with a form posted from one of the app's own pages (Flask's test host).
SAME_SITE = {"Origin": "http://localhost"}


def text_of(component: Any) -> str:
    """All the text in a layout tree built by a layout function."""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(text_of(c) for c in component)
    children = getattr(component, "children", None)
    return text_of(children) if children is not None else ""


@dataclass
class Dashboard:
    server: Any
    store: Store
    service: Any
    client_ids: list[int]
    training_ids: list[int]

    def login(self, name: str = "conseil") -> FlaskClient:
        client = self.server.test_client()
        response = client.post("/login", data={"name": name, "password": PASSWORDS[name], "next": "/"},
                               headers=SAME_SITE)
        assert response.status_code == 303, response.data[:300]
        return client


@pytest.fixture(scope="session")
def dashboard(tmp_path_factory: pytest.TempPathFactory, trained_artifact: Path,
              synthetic_tables: dict[str, pl.LazyFrame]) -> Iterator[Dashboard]:
    directory = tmp_path_factory.mktemp("dashboard")
    store = Store.open(f"sqlite:///{directory / 'store.db'}")
    settings = Settings(data_dir=directory, artifact_dir=trained_artifact, secret_key="dashboard-test-secret")
    server = create_app(settings, store=store)
    service = server.extensions["scoring_service"]
    applications = synthetic_tables["application_test"].head(CLIENTS_LOADED).collect()
    scores = service.score_frame(applications)
    store.bulk_load(application_clients(applications, scores, in_training_set=False,
                                        model_version=service.artifact.version), progress=False)
    training = synthetic_tables["application_train"].head(10).collect().drop("TARGET")
    store.bulk_load(application_clients(training, None, in_training_set=True, model_version=None), progress=False)
    for name, password in PASSWORDS.items():
        store.add_user(name, ROLES[name], password)
    yield Dashboard(server, store, service, applications["SK_ID_CURR"].to_list(),
                    training["SK_ID_CURR"].to_list())
    store.dispose()


class DashRequest:
    """Builds /_dash-update-component bodies from the app's own callback map, as the browser does."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def call(self, outputs: list[tuple[Any, str]], inputs: list[tuple[Any, str, Any]],
             state: list[tuple[Any, str, Any]] | None = None, changed: list[str] | None = None) -> Any:
        def key(component_id: Any) -> str:
            return json.dumps(component_id, sort_keys=True, separators=(",", ":")) if isinstance(
                component_id, dict) else component_id

        output_specs = [{"id": cid, "property": prop} for cid, prop in outputs]
        if len(outputs) == 1:
            output = f"{key(outputs[0][0])}.{outputs[0][1]}"
            output_field: Any = output_specs[0]
        else:
            output = ".." + "...".join(f"{key(cid)}.{prop}" for cid, prop in outputs) + ".."
            output_field = output_specs
        body = {
            "output": output,
            "outputs": output_field,
            "inputs": [{"id": cid, "property": prop, "value": value} for cid, prop, value in inputs],
            "state": [{"id": cid, "property": prop, "value": value} for cid, prop, value in (state or [])],
            "changedPropIds": changed or [f"{key(inputs[0][0])}.{inputs[0][1]}"],
        }
        return self.client.post("/_dash-update-component", json=body)


@pytest.fixture
def advisor(dashboard: Dashboard) -> DashRequest:
    return DashRequest(dashboard.login("conseil"))


@pytest.fixture
def viewer(dashboard: Dashboard) -> DashRequest:
    return DashRequest(dashboard.login("lecteur"))


@contextmanager
def served_on_loopback(server: Any) -> Iterator[str]:
    """A Flask app on a free loopback port, in a thread, for the browser tests: its base URL."""
    http = make_server("127.0.0.1", 0, server, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}"
    finally:
        http.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_url(dashboard: Dashboard) -> Iterator[str]:
    """The real app on a free loopback port, for the browser tests."""
    with served_on_loopback(dashboard.server) as url:
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium chromium-driver)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": ["--no-sandbox"],
            "headless": True}
