"""The "why" panel speaks in reason themes; the model's features are behind the analyst switch."""

from __future__ import annotations

import json

from tests.dashboard.conftest import Dashboard, DashRequest
from tests.dashboard.test_callbacks import load, response_of


def test_the_waterfall_is_by_theme_and_by_feature_for_an_analyst(dashboard: Dashboard, advisor: DashRequest) -> None:
    data = load(advisor, dashboard.client_ids[2])
    outputs = [("why-reasons-body", "children"), ("why-charts", "children")]

    def drawn(analyst: bool) -> str:
        body = response_of(advisor.call(outputs, [("client-data", "data", data), ("why-analyst", "value", analyst)]))
        return json.dumps(body["why-charts"]["children"], ensure_ascii=False)

    by_theme, by_feature = drawn(False), drawn(True)
    theme_names = {t["theme"] for t in data["score"]["themes"]}
    assert "par thème" in by_theme and "par thème" not in by_feature
    assert sum(name in by_theme for name in theme_names) >= 5
    # The analyst view names model features (their labels), the client view does not need them.
    top_feature = data["score"]["contributions"][0]["label"][:30]
    assert top_feature in by_feature
