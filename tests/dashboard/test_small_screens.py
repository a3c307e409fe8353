"""The client page's first screen on the screens advisors have (1024×768, 1280×720, 1440×900), in
a real browser: the decision word on one line, nothing clipped (chart labels inside their chart,
text inside its box), the decision and the gauge not overlapping, and the first reasons above the
fold (issue 20). Screenshots of each first screen go to docs/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.dashboard.conftest import Dashboard
from tests.dashboard.test_browser import SCREENSHOTS, TIMEOUT_MS, log_in

SIZES = [(1024, 768), (1280, 720), (1440, 900)]

# Every SVG text of the charts in the first screen, with the box of the chart it belongs to.
_CHART_TEXTS = """() => {
  const out = [];
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const frame = plot.getBoundingClientRect();
    if (frame.top > window.innerHeight || frame.width === 0) continue;
    for (const t of plot.querySelectorAll('svg text')) {
      const r = t.getBoundingClientRect();
      if (!t.textContent.trim() || r.width === 0) continue;
      out.push({chart: plot.id, text: t.textContent,
                left: r.left - frame.left, right: frame.right - r.right,
                top: r.top - frame.top, bottom: frame.bottom - r.bottom});
    }
  }
  return out;
}"""

# Text boxes whose content is wider than the box (cut or spilling), in the first screen.
_OVERFLOWING = """() => {
  const out = [];
  for (const el of document.querySelectorAll('.panel *')) {
    const r = el.getBoundingClientRect();
    if (r.top > window.innerHeight || r.width === 0 || el.closest('.js-plotly-plot')) continue;
    const style = getComputedStyle(el);
    if (style.overflowX === 'visible' && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0
        && el.children.length === 0) {
      out.push({tag: el.tagName, text: el.textContent.slice(0, 60), scroll: el.scrollWidth, client: el.clientWidth});
    }
    const panel = el.closest('.panel').getBoundingClientRect();
    if (el.children.length === 0 && el.textContent.trim() && r.right > panel.right + 1) {
      out.push({tag: el.tagName, text: el.textContent.slice(0, 60), right: r.right, panel: panel.right});
    }
  }
  return out;
}"""


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not drawn"
    return box


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_first_screen_shows_the_decision_unclipped_with_the_first_reasons(
        browser: Browser, live_url: str, dashboard: Dashboard, width: int, height: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
    page = log_in(context, live_url, "conseil")
    # A client "to review" when there is one: its word is the longest ("? À REVOIR").
    decisions = {cid: dashboard.service.client(cid).decision for cid in dashboard.client_ids[:20]}
    client_id = next((c for c, d in decisions.items() if d == "to_review"), dashboard.client_ids[1])
    page.goto(f"{live_url}/client/{client_id}")
    expect(page.locator("#gauge-figure .main-svg").first).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator("#why-reasons li").first).to_be_visible(timeout=TIMEOUT_MS)
    page.wait_for_timeout(500)  # plotly's last relayout

    badge = _box(page, "#gauge-decision-text")
    word = _box(page, "#gauge-decision-text .decision-word")
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector("
                         "'#gauge-decision-text .decision-word')).lineHeight) || 0")
    assert word["height"] < 1.6 * max(line, 20), f"the decision word wraps at {width}px: {word}"
    decision_panel = _box(page, "#section-decision")
    assert badge["x"] + badge["width"] <= decision_panel["x"] + decision_panel["width"]

    gauge = _box(page, "#gauge-figure")
    distance = _box(page, "#gauge-distance")
    overlaps = not (distance["x"] + distance["width"] <= gauge["x"] or gauge["x"] + gauge["width"] <= distance["x"]
                    or distance["y"] + distance["height"] <= gauge["y"]
                    or gauge["y"] + gauge["height"] <= distance["y"])
    assert not overlaps, f"the sentence and the gauge overlap at {width}px"

    clipped = [t for t in page.evaluate(_CHART_TEXTS) if min(t["left"], t["right"], t["top"], t["bottom"]) < -1]
    assert clipped == [], f"chart labels cut at {width}px: {clipped[:5]}"
    assert page.evaluate(_OVERFLOWING) == [], f"text spilling out of its box at {width}px"

    first_reason = _box(page, "#why-reasons li")
    assert first_reason["y"] + min(first_reason["height"], 48) <= height, \
        f"no reason starts above the fold at {width}×{height}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"client-fr-first-screen-{width}.png"))
    context.close()
