"""Dashboard speed: server time of every callback that selecting a client fires, and the first
page load of a client in headless Chromium (cold browser cache), on a real app.

    python benchmarks/dashboard_latency.py --artifact ARTIFACT_DIR --data-dir DATA_DIR \
        [--clients 30] [--page-loads 5] [--database-url sqlite:////tmp/x.db]

DATA_DIR holds application_test.csv (loaded into the store, scored in batch, as
`credit-scoring load-clients` does). Targets (issue 7): every panel within 300 ms of server time,
first page load within 2.5 s. Results go to benchmarks/results/dashboard_latency_<stamp>.json.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from results_file import record_header, write_record

CHROMIUM = "/usr/bin/chromium"
USER, PASSWORD = "bench-advisor", "bench-password-123"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * (len(ordered) - 1) + 0.5))]


def summary(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 1), "p95": round(percentile(values, 0.95), 1),
            "max": round(max(values), 1)}


def build_app(artifact: Path, data_dir: Path, database_url: str, workdir: Path) -> tuple[Any, Any, list[int]]:
    from app import create_app
    from scoring.settings import Settings
    from scoring.store import Store
    from scoring.store_cli import load_clients

    store = Store.open(database_url)
    if store.count_clients() == 0:
        load_clients(store, data_dir, artifact=artifact, progress=False)
    from scoring.store import UserExists

    with contextlib.suppress(UserExists):  # already there from an earlier run on the same database
        store.add_user(USER, "advisor", PASSWORD)
    settings = Settings(data_dir=workdir, artifact_dir=artifact, secret_key="benchmark")
    server = create_app(settings, store=store)
    total, hits = store.search("", limit=1000, offset=0)
    print(f"{total:,} clients in the store", file=sys.stderr)
    return server, store, [hit.client_id for hit in hits]


def find_store(component: Any) -> Any:
    """The client-data store's data in a serialised layout."""
    if isinstance(component, list):
        for child in component:
            found = find_store(child)
            if found is not None:
                return found
    elif isinstance(component, dict):
        props = component.get("props", {})
        if props.get("id") == "client-data":
            return props["data"]
        return find_store(props.get("children"))
    return None


class Browserless:
    """Posts the callbacks a browser posts when a client page opens, in the same order."""

    def __init__(self, server: Any) -> None:
        self.client = server.test_client()
        # The login form is accepted only from this site's own pages, as a browser's Origin says.
        response = self.client.post("/login", data={"name": USER, "password": PASSWORD},
                                    headers={"Origin": "http://localhost"})
        assert response.status_code == 303, response.status_code

        # The callbacks as the app declares them (what the browser reads first): their outputs,
        # inputs and states are taken from here, so the timed requests follow the dashboard.
        self.dependencies = [d for d in self.client.get("/_dash-dependencies").get_json()
                             if not d["output"].lstrip(".").startswith("{")]

    def post(self, first_output: str, values: dict[str, Any]) -> tuple[float, Any]:
        """The callback whose first output is `first_output` ("id.property"), its inputs and
        states filled from `values` ("id.property" -> value; None when not given)."""
        dependency = next(d for d in self.dependencies
                          if d["output"].strip(".").split("...")[0].split("@")[0] == first_output)
        outputs = [output.split("@")[0].rsplit(".", 1) for output in dependency["output"].strip(".").split("...")]
        output_specs: Any = [{"id": cid, "property": prop} for cid, prop in outputs]

        def filled(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [{"id": i["id"], "property": i["property"], "value": values.get(f"{i['id']}.{i['property']}")}
                    for i in items]

        body = {"output": dependency["output"], "outputs": output_specs[0] if len(outputs) == 1 else output_specs,
                "inputs": filled(dependency["inputs"]), "state": filled(dependency["state"]),
                "changedPropIds": [f"{dependency['inputs'][0]['id']}.{dependency['inputs'][0]['property']}"]}
        started = time.perf_counter()
        response = self.client.post("/_dash-update-component", json=body)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        return elapsed, response.get_json()["response"]

    def select_client(self, client_id: int, x: str, y: str) -> dict[str, float]:
        """Every callback that fills the client page, timed one by one."""
        times: dict[str, float] = {}
        # The page arrives with the client's score in its store: one round trip, one scoring.
        times["page_with_score"], page = self.post(
            "shell-page.children", {"shell-url.pathname": f"/client/{client_id}", "shell-url.search": "",
                                    "shell-recent.data": []})
        data = find_store(page["shell-page"]["children"])
        values = {"client-data.data": data, "shell-url.search": "", "advisor-refresh.data": 0,
                  "why-analyst.value": False, "compare-similar.value": [], "bivariate-x.value": x,
                  "bivariate-y.value": y, "bivariate-color.value": "outcome", "search-query.value": "",
                  "search-previous.n_clicks": 0, "search-next.n_clicks": 0, "search-offset.data": 0}
        # The callbacks the new page fires (summary and title come drawn with the page; their
        # callbacks only follow a saved edit and are not timed here).
        for name, first_output in (
                ("gauge", "gauge-decision.children"), ("why", "why-reasons-body.children"),
                ("history", "history-body.children"), ("recourse", "recourse-body.children"),
                ("edit_form", "edit-form.children"), ("decision", "advisor-body.children"),
                ("compare", "compare-body.children"), ("bivariate", "bivariate-body.children"),
                ("search", "search-results.children")):
            times[name], _ = self.post(first_output, values)
        return times


PANEL_SELECTORS = {
    "decision": "#gauge-decision-text", "gauge": "#gauge-figure .main-svg", "waterfall": "#why-waterfall .main-svg",
    "importance": "#why-importance .main-svg", "compare": "#compare-figure .main-svg",
    "bivariate": "#bivariate-figure .main-svg", "history": "#history-table", "recourse": "#recourse-list",
    "edit_form": "#edit-form select",
}
# Times taken in the page (performance.now(), from the start of the navigation) when each panel
# first appears: polling from the test process would add its own delay.
WATCH_PANELS = """
window.__panelSeen = {};
const panelSelectors = %s;
new MutationObserver(() => {
  for (const [name, selector] of Object.entries(panelSelectors)) {
    if (!(name in window.__panelSeen) && document.querySelector(selector)) {
      window.__panelSeen[name] = performance.now();
    }
  }
}).observe(document, {subtree: true, childList: true});
"""


def wait_for_every_panel(page: Any, timeout_s: float = 60) -> None:
    """Until the page has seen every panel. Polled from here: Playwright's wait_for_function
    evaluates its predicate with eval in the page, which the app's CSP (no 'unsafe-eval') refuses.
    The times themselves are taken in the page, so the polling interval does not change them."""
    deadline = time.monotonic() + timeout_s
    while page.evaluate("Object.keys(window.__panelSeen || {}).length") < len(PANEL_SELECTORS):
        if time.monotonic() > deadline:
            raise TimeoutError(f"panels seen: {page.evaluate('window.__panelSeen')}")
        time.sleep(0.05)


def logged_in_page(browser: Any, base: str) -> tuple[Any, Any]:
    """A new browser context (empty cache), logged in, with the panel watcher installed."""
    import json

    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{base}/login")
    page.fill("#login-name", USER)
    page.fill("#login-password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"{base}/")
    page.add_init_script(WATCH_PANELS % json.dumps(PANEL_SELECTORS))
    return context, page


def browser_page_loads(base: str, client_ids: list[int], count: int) -> dict[str, Any]:

    from playwright.sync_api import sync_playwright

    decision_ms, complete_ms, per_panel = [], [], {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        # One uncounted load first: each worker pays its first scoring and figure once.
        for index, client_id in enumerate(client_ids[: count + 1]):
            context, page = logged_in_page(browser, base)  # a new context: cold cache each time
            page.goto(f"{base}/client/{client_id}")
            wait_for_every_panel(page)
            seen = page.evaluate("window.__panelSeen")
            if index > 0:
                decision_ms.append(seen["decision"])
                complete_ms.append(max(seen.values()))
                for name, value in seen.items():
                    per_panel.setdefault(name, []).append(value)
            context.close()
        profile = profiled_load(browser, base, client_ids[count + 1] if len(client_ids) > count + 1 else client_ids[0])
        browser.close()
    return {"decision_visible_ms": summary(decision_ms), "all_panels_ms": summary(complete_ms),
            "per_panel_ms": {name: summary(values) for name, values in per_panel.items()},
            "loads": len(complete_ms), "clock": "performance.now() in the page, from navigation start",
            "browser_cache": "cold (new context per load, after login)",
            "profiled_load_main_thread_ms_by_script": profile}


def profiled_load(browser: Any, base: str, client_id: int) -> dict[str, float]:
    """One more (untimed) load under the V8 sampling profiler: main-thread time by script, so the
    next person knows whose JavaScript the page load waits on."""
    import collections
    import re

    context, page = logged_in_page(browser, base)
    cdp = context.new_cdp_session(page)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.start")
    page.goto(f"{base}/client/{client_id}")
    wait_for_every_panel(page)
    profile = cdp.send("Profiler.stop")["profile"]
    context.close()
    script_of = {}
    for node in profile["nodes"]:
        url = node["callFrame"]["url"].split("?")[0].rsplit("/", 1)[-1]
        # dash_renderer.v4_4_1m1795590549.min.js -> dash_renderer.min.js
        script_of[node["id"]] = re.sub(r"\.v[0-9_]+m[0-9]+", "", url) or node["callFrame"]["functionName"]
    spent: collections.Counter[str] = collections.Counter()
    for sample, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        spent[script_of[sample]] += delta / 1000
    spent.pop("(idle)", None)
    return {name: round(ms) for name, ms in spent.most_common(10)}


@contextlib.contextmanager
def gunicorn_server(artifact: Path, database_url: str, workdir: Path) -> Iterator[str]:
    """`gunicorn app:server` with the repository's gunicorn.conf.py, on a free loopback port."""
    repo = Path(__file__).resolve().parents[1]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PAD_ARTIFACT_DIR": str(artifact), "PAD_DATA_DIR": str(workdir),
           "DATABASE_URL": database_url, "PAD_SECRET_KEY": "benchmark", "HOST": "127.0.0.1", "PORT": str(port)}
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "app:server", "-c", "gunicorn.conf.py"],
                               cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/login", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(1)
        else:
            raise RuntimeError("gunicorn did not answer within 180 s")
        # Every worker loads the artifact on its own: warm them all before timing.
        for _ in range(8):
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{base}/login", timeout=30):
                pass
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--artifact", type=Path, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--page-loads", type=int, default=5)
    parser.add_argument("--server", choices=("gunicorn", "werkzeug"), default="gunicorn",
                        help="what serves the browser: production gunicorn (gunicorn.conf.py) or werkzeug")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'store.db'}"
    started = time.perf_counter()
    server, store, client_ids = build_app(args.artifact, args.data_dir, database_url, workdir)
    startup = time.perf_counter() - started
    service = server.extensions["scoring_service"]
    x, y = service.population.default_axes()

    caller = Browserless(server)
    caller.select_client(client_ids[-1], x, y)  # first call pays lazy initialisation
    per_callback: dict[str, list[float]] = {}
    totals, critical = [], []
    for client_id in client_ids[: args.clients]:
        times = caller.select_client(client_id, x, y)
        for name, value in times.items():
            per_callback.setdefault(name, []).append(value)
        totals.append(sum(times.values()))
        # The browser sends the panel callbacks together once the score is loaded.
        panels = [v for k, v in times.items() if k != "page_with_score"]
        critical.append(times["page_with_score"] + max(panels))

    if args.server == "gunicorn":
        with gunicorn_server(args.artifact, database_url, workdir) as base:
            browser = browser_page_loads(base, client_ids[1:], args.page_loads)
    else:
        from werkzeug.serving import make_server

        http = make_server("127.0.0.1", 0, server, threaded=True)
        thread = threading.Thread(target=http.serve_forever, daemon=True)
        thread.start()
        try:
            browser = browser_page_loads(f"http://127.0.0.1:{http.server_port}", client_ids[1:], args.page_loads)
        finally:
            http.shutdown()

    record = {
        **record_header(),
        "model_version": service.artifact.version,
        "clients_in_store": store.count_clients(),
        "reference_sample_rows": len(service.artifact.reference_sample),
        "startup_seconds_including_store_load": round(startup, 1),
        "clients_timed": len(totals),
        "callback_server_ms": {name: summary(values) for name, values in per_callback.items()},
        "select_client_server_ms_sum_of_callbacks": summary(totals),
        "select_client_server_ms_critical_path": summary(critical),
        "callback_timings_through": "Flask test client, in process (server time only)",
        "browser_served_by": "gunicorn app:server -c gunicorn.conf.py" if args.server == "gunicorn"
        else "werkzeug threaded",
        "browser_first_load": browser,
        "targets": {"every_panel_server_ms": 300, "first_page_load_s": 2.5},
    }
    write_record("dashboard_latency", record)
    # The scratch directory (the store, about 200 MB at full scale, unless --database-url named one).
    store.dispose()
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
