"""Search runs in the database: id prefix, text on a few fields, pagination."""

from __future__ import annotations

import pytest

from scoring.store import NewClient, Store
from scoring.store.search import fold, id_prefix_ranges

from .conftest import application

SCORE = {"probability_of_default": None, "decision": None, "model_version": None}


@pytest.fixture
def populated(store: Store) -> Store:
    occupations = ["Laborers", "Drivers", "Core staff", None]
    incomes = ["Working", "Pensioner", "Commercial associate", "State servant"]
    clients = [
        NewClient(client_id, application(OCCUPATION_TYPE=occupations[index % 4], NAME_INCOME_TYPE=incomes[index % 4],
                                         NAME_CONTRACT_TYPE="Revolving loans" if index % 5 == 0 else "Cash loans"),
                  in_training_set=False)
        for index, client_id in enumerate([*range(100000, 100300), 1, 10, 19, 109, 1000000])
    ]
    store.bulk_load(clients, progress=False)
    return store


def test_an_empty_store_has_no_match_for_any_query(store: Store) -> None:
    assert store.search("") == (0, [])
    assert store.search("1") == (0, [])
    assert store.search("working") == (0, [])


def test_id_prefix_ranges_cover_exactly_the_ids_starting_with_the_digits() -> None:
    ranges = id_prefix_ranges("12")
    assert ranges[:3] == [(12, 12), (120, 129), (1200, 1299)]
    assert all(str(low).startswith("12") and str(high).startswith("12") for low, high in ranges)
    assert id_prefix_ranges("0") == [(0, 0)]
    assert id_prefix_ranges("007") == []
    assert id_prefix_ranges("9" * 20) == []
    assert id_prefix_ranges("9")[-1][1] == 2**63 - 1


def test_digits_match_ids_by_prefix_with_the_exact_id_first(populated: Store) -> None:
    total, hits = populated.search("1", limit=100)
    expected = sorted(i for i in [*range(100000, 100300), 1, 10, 19, 109, 1000000] if str(i).startswith("1"))
    assert total == len(expected) == 305
    assert [hit.client_id for hit in hits] == [1, 10, 19, 109, *range(100000, 100096)]

    total, hits = populated.search("1002")
    assert total == 100
    assert [hit.client_id for hit in hits] == list(range(100200, 100220))

    total, hits = populated.search("100299")
    assert total == 1 and hits[0].client_id == 100299

    assert populated.search("55") == (0, [])


def test_pagination_walks_every_match_once_in_order(populated: Store) -> None:
    seen: list[int] = []
    offset = 0
    while True:
        total, hits = populated.search("10", limit=7, offset=offset)
        if not hits:
            break
        seen += [hit.client_id for hit in hits]
        offset += len(hits)
    expected = sorted(i for i in [*range(100000, 100300), 1, 10, 19, 109, 1000000] if str(i).startswith("10"))
    assert total == len(expected)
    assert sorted(seen, key=lambda i: (len(str(i)), i)) == seen == sorted(expected, key=lambda i: (len(str(i)), i))


def test_text_matches_income_type_occupation_or_contract_case_insensitively(populated: Store) -> None:
    total, hits = populated.search("DRIVERS", limit=100)
    assert total == 76  # every 4th of the 305 clients
    assert all(hit.summary["OCCUPATION_TYPE"] == "Drivers" for hit in hits)

    total, hits = populated.search("pension", limit=100)
    assert total == 76 and {hit.summary["NAME_INCOME_TYPE"] for hit in hits} == {"Pensioner"}

    total, hits = populated.search("revolving", limit=100)
    assert total == 61 and {hit.summary["NAME_CONTRACT_TYPE"] for hit in hits} == {"Revolving loans"}


@pytest.mark.parametrize("query", ["retraité", "RETRAITÉ", "retraite", "Retraite", "pensioner", "PENSION",
                                   "« retraité »"])
def test_income_type_matches_in_french_or_english_accents_and_case_ignored(populated: Store, query: str) -> None:
    total, hits = populated.search(query, limit=100)
    assert total == 76
    assert {hit.summary["NAME_INCOME_TYPE"] for hit in hits} == {"Pensioner"}
    assert all(hit.matched_fields == ("NAME_INCOME_TYPE",) for hit in hits)


@pytest.mark.parametrize("query", ["ouvrier", "OUVRIER", "Laborers", "laborer"])
def test_occupation_matches_in_french_or_english(populated: Store, query: str) -> None:
    total, hits = populated.search(query, limit=100)
    assert total == 77  # every 4th of the 305 clients, and client 1000000
    assert {hit.summary["OCCUPATION_TYPE"] for hit in hits} == {"Laborers"}
    assert all(hit.matched_fields == ("OCCUPATION_TYPE",) for hit in hits)


@pytest.mark.parametrize("query", ["crédit renouvelable", "CREDIT RENOUVELABLE", "renouvelable", "revolving loans"])
def test_contract_type_matches_in_french_or_english(populated: Store, query: str) -> None:
    total, hits = populated.search(query, limit=100)
    assert total == 61
    assert {hit.summary["NAME_CONTRACT_TYPE"] for hit in hits} == {"Revolving loans"}
    assert all(hit.matched_fields == ("NAME_CONTRACT_TYPE",) for hit in hits)


def test_french_and_english_words_combine_and_each_hit_names_the_fields_it_matched(populated: Store) -> None:
    total, hits = populated.search("salarié laborers", limit=100)
    assert total == 77
    assert all(hit.matched_fields == ("NAME_INCOME_TYPE", "OCCUPATION_TYPE") for hit in hits)
    # "commercial" is an income type (Commercial associate) and, in French, an occupation (Sales
    # staff): either matches, and each hit names the one it has.
    total, hits = populated.search("commercial", limit=100)
    assert total == 76 and {hit.matched_fields for hit in hits} == {("NAME_INCOME_TYPE",)}
    # A phrase that is one level's name means that level only ("personnel" alone would also be
    # the occupation "Personnel médical").
    total, hits = populated.search("Prêt personnel", limit=100)
    assert total == 305 - 61 and {hit.matched_fields for hit in hits} == {("NAME_CONTRACT_TYPE",)}
    assert populated.search("ouvrier fonctionnaire") == (0, [])
    assert populated.search("retraité xyz") == (0, [])


def test_a_word_naming_two_fields_pages_through_either_in_recency_order(store: Store) -> None:
    # "commercial": the income type Commercial associate, or the occupation Sales staff (French
    # "Commercial"). Pages merge one ordered read per field; they must read like one ORDER BY.
    clients = [NewClient(client_id, application(
        NAME_INCOME_TYPE="Commercial associate" if client_id % 3 == 0 else "Working",
        OCCUPATION_TYPE="Sales staff" if client_id % 5 == 0 else "Drivers"), in_training_set=False)
        for client_id in range(1, 61)]
    store.bulk_load(clients, progress=False)
    for client_id in (7, 15, 30, 9):  # touched: most recent first, whichever field matched
        current = store.current(client_id)
        store.append_version(client_id, expected_version=current.version, fields=current.fields, author="a",
                             reason="touch", **SCORE)
    expected = [hit.client_id for hit in store.search("", limit=100)[1]
                if hit.client_id % 3 == 0 or hit.client_id % 5 == 0]
    assert expected[:3] == [9, 30, 15]
    seen: list[int] = []
    for offset in range(0, 40, 7):
        total, hits = store.search("commercial", limit=7, offset=offset)
        assert total == len(expected) == 28
        seen += [hit.client_id for hit in hits]
    assert seen == expected
    _, hits = store.search("commercial", limit=100)
    fields = {hit.client_id: hit.matched_fields for hit in hits}
    assert fields[30] == ("NAME_INCOME_TYPE", "OCCUPATION_TYPE")
    assert fields[9] == ("NAME_INCOME_TYPE",) and fields[5] == ("OCCUPATION_TYPE",)


def test_an_id_search_names_the_id_and_an_empty_one_nothing(populated: Store) -> None:
    _, hits = populated.search("1002")
    assert {hit.matched_fields for hit in hits} == {("SK_ID_CURR",)}
    assert hits[0].to_dict()["matched_fields"] == ["SK_ID_CURR"]
    _, hits = populated.search("")
    assert {hit.matched_fields for hit in hits} == {()}


def test_fold_drops_accents_and_case() -> None:
    assert fold("RETRAITÉ") == fold("retraité") == fold("retraite") == "retraite"
    assert fold("Chef d’entreprise") == "chef d'entreprise"


def test_every_word_of_a_text_query_must_match(populated: Store) -> None:
    total, hits = populated.search("working laborers", limit=100)
    assert total == 77
    assert all(hit.summary["OCCUPATION_TYPE"] == "Laborers" for hit in hits)
    assert populated.search("working drivers") == (0, [])


def test_like_wildcards_in_the_query_are_literal(populated: Store) -> None:
    assert populated.search("%")[0] == 0
    assert populated.search("_")[0] == 0
    assert populated.search("'; DROP TABLE clients; --")[0] == 0
    assert populated.count_clients() == 305


def test_empty_query_lists_the_most_recently_updated_first(populated: Store) -> None:
    current = populated.current(100150)
    populated.append_version(100150, expected_version=current.version, fields=current.fields, author="a",
                             reason="touch", **SCORE)
    total, hits = populated.search("", limit=3)
    assert total == 305
    assert hits[0].client_id == 100150 and hits[0].version == 2
    assert hits[0].updated_at >= hits[1].updated_at >= hits[2].updated_at


@pytest.mark.parametrize(("limit", "expected"), [(0, 1), (-3, 1), (1, 1), (100, 100), (500, 100), ("7", 7)])
def test_limit_is_clamped_to_1_through_100(populated: Store, limit: object, expected: int) -> None:
    total, hits = populated.search("", limit=limit)  # type: ignore[arg-type]
    assert total == 305
    assert len(hits) == expected


def test_offset_past_the_end_gives_an_empty_page_with_the_total(populated: Store) -> None:
    assert populated.search("", offset=10_000) == (305, [])
    assert populated.search("1", offset=10_000) == (305, [])
    assert populated.search("", offset=-5)[1][0].client_id == populated.search("")[1][0].client_id


def test_summary_carries_the_display_fields_and_the_current_score(store: Store) -> None:
    store.create_client(77, application(), author="a", reason="r", probability_of_default=0.3,
                        decision="refused", model_version="m", in_training_set=True)
    _, [hit] = store.search("77")
    assert hit.summary == {"NAME_CONTRACT_TYPE": "Cash loans", "AMT_INCOME_TOTAL": 135000.0,
                           "AMT_CREDIT": 568800.0, "NAME_INCOME_TYPE": "Working", "DAYS_BIRTH": -19241,
                           "OCCUPATION_TYPE": "Laborers"}
    assert (hit.probability_of_default, hit.decision, hit.in_training_set, hit.version) == (0.3, "refused", True, 1)
    assert hit.to_dict()["updated_at"] == hit.updated_at.isoformat()
