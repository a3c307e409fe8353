"""Reliability through the API: concurrent editors, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading

from tests.api.conftest import ApiWorld

EDITORS = 50


def test_fifty_concurrent_patches_leave_a_gapless_chain_and_lose_nothing(fresh_world: ApiWorld) -> None:
    world = fresh_world
    client_id = world.client_ids[0]
    credit = world.store.current(client_id).fields["AMT_CREDIT"]
    start = threading.Barrier(EDITORS)
    outcomes: list[tuple[int, int, float]] = []
    lock = threading.Lock()

    def editor(number: int) -> None:
        client = world.server.test_client()
        # Every editor reads, waits for the others, then writes: most hold a stale version.
        etag = client.get(f"/api/client/{client_id}", headers=world.headers("advisor")).headers["ETag"]
        amount = round(credit * (0.5 + number / 200), 2)
        start.wait()
        response = client.patch(f"/api/client/{client_id}",
                                json={"changes": {"AMT_CREDIT": amount}, "reason": f"editor {number}"},
                                headers=world.headers("advisor", **{"If-Match": etag}))
        version = response.get_json().get("version", 0) if response.status_code == 200 else 0
        with lock:
            outcomes.append((response.status_code, version, amount))

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(EDITORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outcomes) == EDITORS
    statuses = sorted({status for status, _, _ in outcomes})
    assert set(statuses) <= {200, 412}, statuses
    committed = [(version, amount) for status, version, amount in outcomes if status == 200]
    assert committed, "at least the first writer commits"
    history = world.store.history(client_id)
    assert [v.version for v in history] == list(range(1, len(history) + 1))
    assert len(history) == 1 + len(committed)
    # Every committed answer is in the chain, with the value it wrote.
    by_version = {v.version: v for v in history}
    for version, amount in committed:
        assert by_version[version].fields["AMT_CREDIT"] == amount
        assert by_version[version].probability_of_default is not None
