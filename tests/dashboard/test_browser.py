"""The relationship manager's path in a real browser (Debian's headless Chromium via Playwright),
against the real app served on loopback: log in, find a client, read the decision, explore,
simulate, save, see the history, switch language, print; axe-core on every main view.

Screenshots of the main views go to docs/screenshots/ (they are in the README)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.dashboard.conftest import PASSWORDS, Dashboard

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1400, "height": 900}
TIMEOUT_MS = 20_000
BLOCKING_IMPACTS = ("serious", "critical")
# Two cores shared by the browser, the server and the test: waits get room.
expect.set_options(timeout=TIMEOUT_MS)


def log_in(context: BrowserContext, base: str, name: str) -> Page:
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{base}/login")
    page.fill("#login-name", name)
    page.fill("#login-password", PASSWORDS[name])
    page.click("#login-submit")
    page.wait_for_url(re.compile(r".*/$"))
    return page


@pytest.fixture(scope="module")
def advisor_page(browser: Browser, live_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT, locale="fr-FR")
    yield log_in(context, live_url, "conseil")
    context.close()


def open_client(page: Page, base: str, client_id: int, lang: str = "fr") -> None:
    page.goto(f"{base}/client/{client_id}" + ("?lang=en" if lang == "en" else ""))
    expect(page.locator("#gauge-decision-text")).to_be_visible()
    expect(page.locator("#why-waterfall .main-svg").first).to_be_visible()
    expect(page.locator("#compare-figure .main-svg").first).to_be_visible()


def choose(page: Page, dropdown: str, label: str) -> None:
    """Pick an option of a searchable dropdown the way a user does: open, type, click."""
    page.locator(dropdown).click()
    page.locator(".dash-dropdown-content .dash-dropdown-search").fill(label)
    page.locator(".dash-dropdown-content").get_by_role("option", name=label, exact=True).click()


def pick(page: Page, select: str, label: str) -> None:
    """Pick an option of a native select by its label."""
    page.locator(select).select_option(label=label)


def serious_violations(page: Page) -> list[dict[str, Any]]:
    results = Axe().run(page, options={"resultTypes": ["violations"],
                                       "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}})
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS
    ]


def screenshot(page: Page, name: str, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)  # let plotly finish its transitions
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def test_logged_out_visitor_gets_the_login_form_not_client_data(browser: Browser, live_url: str,
                                                                 dashboard: Dashboard) -> None:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(f"{live_url}/client/{dashboard.client_ids[0]}")
    expect(page.locator("#login-name")).to_be_visible()
    assert "/login" in page.url
    assert "Probabilité" not in page.content()
    screenshot(page, "login-fr", full_page=False)
    assert serious_violations(page) == []
    context.close()


def test_advisor_finds_a_client_and_reads_the_decision(advisor_page: Page, live_url: str,
                                                        dashboard: Dashboard) -> None:
    page = advisor_page
    client_id = dashboard.client_ids[0]
    page.goto(f"{live_url}/")
    expect(page.locator("#search-results a.search-hit").first).to_be_visible()
    page.fill("#search-query", str(client_id))
    hit = page.locator(f"a.search-hit:has-text('{client_id}')").first
    expect(hit).to_be_visible()
    hit.click()
    page.wait_for_url(re.compile(rf".*/client/{client_id}$"))
    expect(page.locator("#gauge-decision-text")).to_have_text(re.compile(r"(ACCORDÉ|À REVOIR|REFUSÉ)"))
    expect(page.locator("#gauge-distance")).to_contain_text(re.compile(r"limite|zone « à revoir »"))
    expect(page.locator("#why-reasons li").first).to_be_visible()
    expect(page.locator("#shell-user")).to_contain_text("conseiller")
    expect(page.locator("#search-recent")).to_contain_text(str(client_id))
    # The chart has a text alternative.
    label = page.locator("figure:has(#gauge-figure)").get_attribute("aria-label")
    assert label and "seuil" in label.lower()


def test_client_page_draws_every_chart_with_plotly_finance_bundle_only(browser: Browser, live_url: str,
                                                                        dashboard: Dashboard) -> None:
    """The full plotly.js (4.8 MB) is never fetched: the vendored finance bundle draws every chart."""
    context = browser.new_context(viewport=VIEWPORT)
    page = log_in(context, live_url, "conseil")
    scripts: list[str] = []
    page.on("request", lambda request: scripts.append(request.url) if request.resource_type == "script" else None)
    open_client(page, live_url, dashboard.client_ids[1])
    expect(page.locator("#bivariate-figure .main-svg").first).to_be_visible()
    assert any("plotly-finance" in url for url in scripts)
    assert not any("package_data/plotly.min.js" in url for url in scripts)
    assert page.evaluate("window.Plotly.version").startswith("4.")
    context.close()


def test_client_page_in_french_has_no_serious_accessibility_violation(advisor_page: Page, live_url: str,
                                                                       dashboard: Dashboard) -> None:
    open_client(advisor_page, live_url, dashboard.client_ids[1])
    expect(advisor_page.locator("#history-table")).to_be_visible()
    screenshot(advisor_page, "client-fr")
    screenshot(advisor_page, "client-fr-first-screen", full_page=False)
    assert advisor_page.evaluate("document.documentElement.lang") == "fr"
    assert serious_violations(advisor_page) == []


def test_changing_the_compared_feature_redraws_the_distribution(advisor_page: Page, live_url: str,
                                                                 dashboard: Dashboard) -> None:
    open_client(advisor_page, live_url, dashboard.client_ids[1])
    choose(advisor_page, "#compare-feature", "Revenu annuel")
    expect(advisor_page.locator("#compare-sentence")).to_contain_text("Revenu annuel")
    advisor_page.get_by_label("même type de revenu").check()
    expect(advisor_page.locator("#compare-note")).to_contain_text("Clients semblables")


def test_changing_the_bivariate_axes_redraws_the_scatter(advisor_page: Page, live_url: str,
                                                          dashboard: Dashboard) -> None:
    open_client(advisor_page, live_url, dashboard.client_ids[1])
    pick(advisor_page, "#bivariate-y", "Montant du crédit")
    expect(advisor_page.locator("#bivariate-figure .g-ytitle")).to_contain_text("Montant du crédit")
    advisor_page.get_by_label("risque prédit").check()
    expect(advisor_page.locator("#bivariate-figure .colorbar")).to_be_visible()


def test_simulate_then_save_an_edit_and_see_it_in_the_history(advisor_page: Page, live_url: str,
                                                                dashboard: Dashboard) -> None:
    client_id = dashboard.client_ids[7]
    open_client(advisor_page, live_url, client_id)
    income = advisor_page.locator('[id=\'{"field":"AMT_INCOME_TOTAL","type":"edit-field"}\']')
    income.fill("400000")
    income.press("Tab")
    advisor_page.click("#edit-simulate")
    expect(advisor_page.locator("#edit-result-text")).to_contain_text("Avant")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    advisor_page.locator("#section-edit").screenshot(path=str(SCREENSHOTS / "simulation-fr.png"))
    before = len(dashboard.service.history(client_id))
    advisor_page.fill("#edit-reason", "Nouveau justificatif de revenu")
    advisor_page.click("#edit-save")
    expect(advisor_page.locator("#edit-result")).to_contain_text(f"version {before + 1}")
    expect(advisor_page.locator("#history-table")).to_contain_text("Nouveau justificatif de revenu")
    # The saved version's explanation was stored with it: its row names the reasons given.
    saved_row = advisor_page.locator(f'[id=\'{{"type":"history-row","version":{before + 1}}}\']')
    expect(saved_row).to_contain_text("▲")
    expect(advisor_page.locator("#client-title")).to_contain_text(f"version {before + 1}")
    assert dashboard.service.history(client_id)[-1].fields["AMT_INCOME_TOTAL"] == 400000


def test_stale_edit_is_refused_and_the_input_kept(advisor_page: Page, live_url: str, dashboard: Dashboard) -> None:
    client_id = dashboard.client_ids[8]
    open_client(advisor_page, live_url, client_id)
    expect(advisor_page.locator('[id=\'{"field":"AMT_CREDIT","type":"edit-field"}\']')).to_be_visible()
    # Someone else saves this client while the page is open.
    current = dashboard.service.client(client_id)
    someone = dashboard.store.get_user("conseil")
    dashboard.service.update_client(client_id, {"AMT_INCOME_TOTAL": current.fields["AMT_INCOME_TOTAL"] + 1000},
                                    expected_version=current.version, user=someone, reason="autre poste")
    credit = advisor_page.locator('[id=\'{"field":"AMT_CREDIT","type":"edit-field"}\']')
    credit.fill("123456")
    credit.press("Tab")
    advisor_page.fill("#edit-reason", "essai")
    advisor_page.click("#edit-save")
    expect(advisor_page.locator("#edit-status")).to_contain_text("modifié entre-temps")
    expect(credit).to_have_value("123456")
    assert dashboard.service.client(client_id).version == current.version + 1


def test_english_switch_translates_the_page(advisor_page: Page, live_url: str, dashboard: Dashboard) -> None:
    open_client(advisor_page, live_url, dashboard.client_ids[1])
    advisor_page.click("#shell-lang-switch")
    expect(advisor_page.locator("#gauge-decision-text")).to_have_text(re.compile(r"(GRANTED|TO REVIEW|REFUSED)"))
    expect(advisor_page.locator("#why-heading")).to_have_text("Why this decision?")
    assert advisor_page.evaluate("document.documentElement.lang") == "en"
    expect(advisor_page.locator("#history-table")).to_be_visible()
    expect(advisor_page.locator("#compare-figure .main-svg").first).to_be_visible()
    screenshot(advisor_page, "client-en")
    screenshot(advisor_page, "client-en-first-screen", full_page=False)
    assert serious_violations(advisor_page) == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_model_page_shows_performance_and_has_no_serious_violation(advisor_page: Page, live_url: str,
                                                                   lang: str) -> None:
    advisor_page.goto(f"{live_url}/modele" + ("?lang=en" if lang == "en" else ""))
    expect(advisor_page.locator("#model-roc .main-svg").first).to_be_visible()
    expect(advisor_page.locator("#model-confusion")).to_be_visible()
    expect(advisor_page.locator("#model-cost .main-svg").first).to_be_visible()
    screenshot(advisor_page, f"model-{lang}")
    assert serious_violations(advisor_page) == []


def test_print_view_holds_the_report_only(advisor_page: Page, live_url: str, dashboard: Dashboard) -> None:
    client_id = dashboard.client_ids[1]
    advisor_page.goto(f"{live_url}/client/{client_id}/rapport")
    expect(advisor_page.locator("#report-decision")).to_be_visible()
    assert serious_violations(advisor_page) == []
    advisor_page.emulate_media(media="print")
    expect(advisor_page.locator(".app-header")).to_be_hidden()
    expect(advisor_page.locator("#report-print")).to_be_hidden()
    expect(advisor_page.locator("#report-sheet")).to_contain_text("Vos droits")
    screenshot(advisor_page, "report-print-fr")
    printed = advisor_page.pdf(format="A4")
    # One A4 page: Chromium writes one "/Type /Page" object per printed page.
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", printed)) == 1
    advisor_page.emulate_media(media="screen")
    with advisor_page.expect_download() as download:
        advisor_page.click("#report-pdf")
    assert download.value.suggested_filename == f"courrier-demande-{client_id}.pdf"


def test_keyboard_reaches_the_search_box_and_a_client(advisor_page: Page, live_url: str,
                                                       dashboard: Dashboard) -> None:
    advisor_page.goto(f"{live_url}/")
    # The first (empty) search has answered: a late answer cannot overwrite the typed one.
    expect(advisor_page.locator("#search-results a.search-hit").first).to_be_visible()
    for _ in range(12):
        advisor_page.keyboard.press("Tab")
        if advisor_page.evaluate("document.activeElement && document.activeElement.id") == "search-query":
            break
    assert advisor_page.evaluate("document.activeElement.id") == "search-query"
    advisor_page.keyboard.type(str(dashboard.client_ids[2]))
    hit = advisor_page.locator(f"a.search-hit:has-text('{dashboard.client_ids[2]}')").first
    expect(hit).to_be_visible()
    advisor_page.keyboard.press("Tab")
    advisor_page.keyboard.press("Enter")
    advisor_page.wait_for_url(re.compile(rf".*/client/{dashboard.client_ids[2]}$"))
    expect(advisor_page.locator("#gauge-decision-text")).to_be_visible()


CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation",
    (event) => window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI));
"""


def test_pages_work_under_the_content_security_policy_with_no_violation(browser: Browser, live_url: str,
                                                                       dashboard: Dashboard) -> None:
    """The dashboard (charts, clientside callbacks, the edit form, logout) and Swagger UI run with
    scripts from this origin and the inline ones hashed at start-up: the browser reports nothing."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(CSP_WATCH)
    page = log_in(context, live_url, "conseil")
    response = page.goto(f"{live_url}/client/{dashboard.client_ids[2]}")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    open_client(page, live_url, dashboard.client_ids[2])
    expect(page.locator("#bivariate-figure .main-svg").first).to_be_visible()
    assert page.evaluate("window.__cspViolations") == []
    page.goto(f"{live_url}/api/docs/swagger")
    expect(page.locator("#swagger-ui .info .title").first).to_be_visible()
    assert page.evaluate("window.__cspViolations") == []
    # Logging out is a form post from the page; the session then ends.
    page.goto(f"{live_url}/")
    page.click("#shell-logout")
    expect(page.locator(".alert-secondary")).to_be_visible()
    page.goto(f"{live_url}/")
    expect(page.locator("#login-name")).to_be_visible()
    context.close()


@pytest.fixture
def framer_url(live_url: str, dashboard: Dashboard) -> Iterator[str]:
    """A page of the same site (another port of this host, so the session cookie goes along)
    that frames the logged-in client page, served on loopback."""
    body = f'<iframe id="victim" src="{live_url}/client/{dashboard.client_ids[0]}"></iframe>'.encode()

    class Framer(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Framer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join(timeout=5)


def test_another_page_cannot_frame_the_dashboard(browser: Browser, live_url: str, framer_url: str) -> None:
    """The framed client page with its Save button: the browser refuses to show it."""
    context = browser.new_context(viewport=VIEWPORT)
    page = log_in(context, live_url, "conseil")
    page.goto(framer_url)
    page.wait_for_timeout(1000)
    frames = [frame for frame in page.frames if frame != page.main_frame]
    assert len(frames) == 1
    assert not frames[0].url.startswith(live_url), frames[0].url  # an error page, not the client page
    context.close()
