"""The search panel through the callbacks, as the browser calls them: French and English level
names, the field a hit matched, pages of eight, and the home page's pointer to the list."""

from __future__ import annotations

import json
from typing import Any

from tests.dashboard.conftest import Dashboard, DashRequest
from tests.dashboard.test_callbacks import find, open_page, response_of, text_of

OUTPUTS = [("search-results", "children"), ("search-count", "children"), ("search-offset", "data"),
           ("search-pager", "hidden"), ("search-previous", "disabled"), ("search-next", "disabled")]


def search(request: DashRequest, query: str, *, lang: str = "fr", press: str | None = None,
           offset: int = 0) -> dict[str, Any]:
    """The panel after typing `query`, or after pressing "previous"/"next" on the page at `offset`."""
    clicks = {"previous": 1 if press == "previous" else 0, "next": 1 if press == "next" else 0}
    changed = [f"search-{press}.n_clicks"] if press else ["search-query.value"]
    body = response_of(request.call(
        OUTPUTS,
        [("search-query", "value", query), ("search-previous", "n_clicks", clicks["previous"]),
         ("search-next", "n_clicks", clicks["next"])],
        [("search-offset", "data", offset), ("shell-url", "search", "" if lang == "fr" else f"?lang={lang}")],
        changed=changed,
    ))
    return {"results": body["search-results"]["children"], "count": body["search-count"]["children"],
            "offset": body["search-offset"]["data"],
            "pager_hidden": body["search-pager"]["hidden"], "previous_disabled": body["search-previous"]["disabled"],
            "next_disabled": body["search-next"]["disabled"]}


def hit_ids(results: Any) -> list[int]:
    return [int(hit) for hit in json.loads(json.dumps(_hits(results)))]


def _hits(component: Any) -> list[int]:
    if isinstance(component, list):
        return [c for child in component for c in _hits(child)]
    if isinstance(component, dict):
        props = component.get("props", {})
        own = [props["id"]["client"]] if isinstance(props.get("id"), dict) and "client" in props["id"] else []
        return own + _hits(props.get("children"))
    return []


def test_an_id_prefix_finds_the_client(dashboard: Dashboard, advisor: DashRequest) -> None:
    client_id = dashboard.client_ids[3]
    panel = search(advisor, str(client_id))
    assert client_id in hit_ids(panel["results"])
    nothing = search(advisor, "xyz")
    assert nothing["results"] is None and nothing["count"] == "Aucun client ne correspond."
    assert nothing["pager_hidden"] is True


def test_french_words_accents_and_case_ignored_find_what_the_english_code_finds(dashboard: Dashboard,
                                                                              advisor: DashRequest) -> None:
    total, first_page = dashboard.store.search("Pensioner", limit=8)
    assert total > 0, "the dashboard store holds pensioners"
    for query in ("retraité", "RETRAITE", "Pensioner"):
        panel = search(advisor, query)
        assert hit_ids(panel["results"]) == [hit.client_id for hit in first_page], query
        text = text_of(panel["results"])
        # The hit shows the field that matched, in the page's language.
        assert text.count("Type de revenu\u00a0:") == len(first_page)
        assert "Retraité" in text and "Pensioner" not in text
        assert panel["count"] == (f"Résultats 1–8 sur {total}" if total > 8 else f"{total} clients")


def test_an_occupation_search_shows_the_occupation_in_english_on_an_english_page(dashboard: Dashboard,
                                                                                advisor: DashRequest) -> None:
    panel = search(advisor, "ouvrier", lang="en")
    text = text_of(panel["results"])
    assert hit_ids(panel["results"]), "the dashboard store holds laborers"
    assert "Occupation:" in text
    assert "Laborers" in text and "Ouvrier" not in text


def test_more_than_a_page_of_results_can_be_paged_both_ways(dashboard: Dashboard, advisor: DashRequest) -> None:
    total = dashboard.store.count_clients()
    assert total > 16
    first = search(advisor, "")
    assert len(hit_ids(first["results"])) == 8
    assert f"Résultats 1–8 sur {total}" in first["count"]
    assert (first["offset"], first["pager_hidden"], first["previous_disabled"], first["next_disabled"]) == (
        0, False, True, False)

    second = search(advisor, "", press="next", offset=first["offset"])
    assert f"Résultats 9–16 sur {total}" in second["count"]
    assert second["offset"] == 8 and second["previous_disabled"] is False
    assert not set(hit_ids(first["results"])) & set(hit_ids(second["results"]))

    back = search(advisor, "", press="previous", offset=second["offset"])
    assert back["offset"] == 0 and hit_ids(back["results"]) == hit_ids(first["results"])

    last_start = (total - 1) // 8 * 8
    last = search(advisor, "", press="next", offset=last_start - 8)
    assert last["offset"] == last_start and last["next_disabled"] is True
    assert f"Résultats {last_start + 1}–{total} sur {total}" in last["count"]
    # A new query starts again at its first page.
    assert search(advisor, "retraité", offset=last_start)["offset"] == 0


def test_the_home_page_points_to_the_search_column_where_it_is(advisor: DashRequest) -> None:
    page = open_page(advisor, "/")
    intro = find(page["shell-page"]["children"], "search-home-intro")
    assert intro is not None
    text = text_of(intro)
    assert "à gauche" in text and "retraité" in text and "ci-dessous" not in text
    english = text_of(find(open_page(advisor, "/", "en")["shell-page"]["children"], "search-home-intro"))
    assert "on the left" in english and "pensioner" in english
