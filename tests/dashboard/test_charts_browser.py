"""The comparison charts as the browser draws them at 1280×720: French tick labels without "k" or
"M", translated groups, the decision band on the risk colour bar. Screenshots of both panels go
to docs/screenshots/ (compare-*.png, bivariate-*.png)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.dashboard.conftest import Dashboard
from tests.dashboard.test_browser import SCREENSHOTS, TIMEOUT_MS, choose, log_in, open_client, pick

SMALL_SCREEN = {"width": 1280, "height": 720}
# "200 000", "1 500 000", "0": whole numbers grouped by (narrow) spaces, nothing abbreviated.
FRENCH_WHOLE_NUMBER = re.compile(r"^\d{1,3}([\s\u202f\u00a0]\d{3})*$")


@pytest.fixture(scope="module")
def page_1280(browser: Browser, live_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport=SMALL_SCREEN, locale="fr-FR")
    yield log_in(context, live_url, "conseil")
    context.close()


def panel_screenshot(page: Page, section: str, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(400)  # plotly's transitions
    page.locator(section).screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def tick_texts(page: Page, selector: str) -> list[str]:
    return [t.strip() for t in page.locator(selector).all_text_contents() if t.strip()]


def test_compare_amounts_and_groups_read_in_french(page_1280: Page, live_url: str, dashboard: Dashboard) -> None:
    page = page_1280
    open_client(page, live_url, dashboard.client_ids[1])
    choose(page, "#compare-feature", "Montant du crédit")
    expect(page.locator("#compare-figure .g-xtitle")).to_contain_text("Montant du crédit (€)")
    page.locator("#section-compare").scroll_into_view_if_needed()
    ticks = tick_texts(page, "#compare-figure .xtick text")
    assert ticks and all(FRENCH_WHOLE_NUMBER.match(t) for t in ticks), ticks
    assert any(t.endswith("000") for t in ticks)
    assert all(re.search(r"\d[\u202f\u00a0]%$", t) for t in tick_texts(page, "#compare-figure .ytick text")[1:])
    panel_screenshot(page, "#section-compare", "compare-amount-fr")

    choose(page, "#compare-feature", "Type d'employeur")
    expect(page.locator("#compare-figure .ytick").first).to_be_visible()
    expect(page.locator("#compare-figure")).to_contain_text("Autres groupes", timeout=TIMEOUT_MS)
    labels = tick_texts(page, "#compare-figure .ytick text")
    assert 2 <= len(labels) <= 12 and not any("Business Entity" in label for label in labels), labels
    expect(page.locator("#compare-note")).to_contain_text("au moins 50 clients")
    page.get_by_label("même type de revenu").check()
    expect(page.locator("#compare-sentence")).to_contain_text("clients semblables")
    panel_screenshot(page, "#section-compare", "compare-groups-fr")


def test_croiser_risk_scale_marks_the_decision_band(page_1280: Page, live_url: str, dashboard: Dashboard) -> None:
    page = page_1280
    open_client(page, live_url, dashboard.client_ids[1])
    pick(page, "#bivariate-x", "Montant du crédit")
    pick(page, "#bivariate-y", "Scores externes : moyenne")
    page.get_by_label("risque prédit").check()
    colorbar = page.locator("#bivariate-figure .colorbar")
    expect(colorbar).to_contain_text("à revoir")
    expect(colorbar).to_contain_text("refusé")
    page.locator("#section-bivariate").scroll_into_view_if_needed()
    ticks = tick_texts(page, "#bivariate-figure .xtick text")
    assert ticks and all(FRENCH_WHOLE_NUMBER.match(t) for t in ticks), ticks
    expect(page.locator("#bivariate-figure")).to_contain_text("Ce client : ")
    label = page.locator("figure:has(#bivariate-figure)").get_attribute("aria-label") or ""
    assert "étoile blanche cerclée de noir" in label and "à revoir" in label
    panel_screenshot(page, "#section-bivariate", "bivariate-risk-fr")


def test_compare_in_english_writes_english_numbers(page_1280: Page, live_url: str, dashboard: Dashboard) -> None:
    page = page_1280
    open_client(page, live_url, dashboard.client_ids[1], "en")
    choose(page, "#compare-feature", "Credit amount")
    expect(page.locator("#compare-figure .g-xtitle")).to_contain_text("Credit amount (€)")
    page.locator("#section-compare").scroll_into_view_if_needed()
    ticks = tick_texts(page, "#compare-figure .xtick text")
    assert ticks and all(re.match(r"^\d{1,3}(,\d{3})*$", t) for t in ticks), ticks
    assert all(re.search(r"\d%$", t) for t in tick_texts(page, "#compare-figure .ytick text")[1:])
    panel_screenshot(page, "#section-compare", "compare-amount-en")
