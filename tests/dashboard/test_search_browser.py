"""The search panel in a real browser: a French search at the three widths advisors use, its
pages walked with the keyboard, and the home page's pointer to where the list actually is."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.dashboard.conftest import Dashboard
from tests.dashboard.test_browser import log_in, screenshot, serious_violations

WIDTHS = {1024: 768, 1280: 720, 1440: 900}


def focus_by_tab(page: Page, element_id: str, presses: int = 20) -> None:
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_the_home_text_points_to_the_list_where_it_is(browser: Browser, live_url: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": WIDTHS[width]}, locale="fr-FR")
    page = log_in(context, live_url, "conseil")
    expect(page.locator("#search-results a.search-hit").first).to_be_visible()
    intro = page.locator("#search-home-intro")
    expect(intro).to_be_visible()
    # Every width advisors use puts the search column left of the page: the text says so.
    expect(intro).to_contain_text("à gauche")
    assert "en haut de la page" not in intro.inner_text()
    column = page.locator("#search-results").bounding_box()
    text = intro.bounding_box()
    assert column and text and column["x"] + column["width"] <= text["x"]
    context.close()


def test_a_french_search_shows_what_matched_and_pages_with_the_keyboard(browser: Browser, live_url: str,
                                                                       dashboard: Dashboard) -> None:
    total = dashboard.store.search("Pensioner", limit=1)[0]
    assert total > 8, "the dashboard store holds more than a page of pensioners"
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR")
    page = log_in(context, live_url, "conseil")
    expect(page.locator("#search-results a.search-hit").first).to_be_visible()
    focus_by_tab(page, "search-query")
    # The word arrives in one input event, as from an input method: typed key by key on a loaded
    # CI machine, the debounced search once answered an incomplete word ("Aucun client ne correspond").
    page.keyboard.insert_text("retraité")
    expect(page.locator("#search-query")).to_have_value("retraité")
    count = page.locator("#search-count")
    expect(count).to_have_text(f"Résultats 1–8 sur {total}")
    hits = page.locator("#search-results a.search-hit")
    expect(hits).to_have_count(8)
    for index in range(8):
        expect(hits.nth(index)).to_contain_text("Type de revenu : Retraité")
    screenshot(page, "search-fr-1280", full_page=False)
    assert serious_violations(page) == []

    focus_by_tab(page, "search-next")
    page.keyboard.press("Enter")
    last = min(16, total)
    expect(count).to_have_text(f"Résultats 9–{last} sur {total}")
    expect(hits.first).to_contain_text("Retraité")
    expect(page.locator("#search-previous")).to_be_enabled()
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == "search-previous"
    page.keyboard.press("Enter")
    expect(count).to_have_text(f"Résultats 1–8 sur {total}")
    expect(page.locator("#search-previous")).to_be_disabled()
    context.close()


def test_an_english_page_matches_and_shows_the_english_names(browser: Browser, live_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-GB")
    page = log_in(context, live_url, "conseil")
    page.goto(f"{live_url}/?lang=en")
    expect(page.locator("#search-home-intro")).to_contain_text("on the left")
    page.fill("#search-query", "ouvrier")
    expect(page.locator("#search-results a.search-hit").first).to_contain_text(
        re.compile(r"Occupation: (Low-skill )?Laborers"))
    context.close()
