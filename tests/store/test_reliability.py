"""Concurrent editors and killed writers never lose a committed version nor leave a partial one."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from scoring.store import StaleVersion, Store

from .conftest import application
from .writer_process import FIELD_COUNT, PAYLOAD_LENGTH, snapshot

THREADS = 50
NO_SCORE = {"probability_of_default": None, "decision": None, "model_version": None}
WRITER = Path(__file__).with_name("writer_process.py")
REPOSITORY = Path(__file__).resolve().parents[2]


def run_editors(store: Store, client_id: int, attempts_each: int, *, read_together: bool) -> list[tuple[int, object]]:
    """THREADS threads each read the current version then append once per attempt, retrying on
    StaleVersion up to ``attempts_each`` times. Returns every (thread, outcome) pair."""
    outcomes: list[tuple[int, object]] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS, timeout=120)
    after_read = threading.Barrier(THREADS, timeout=120)

    def editor(index: int) -> None:
        start.wait()
        for attempt in range(attempts_each):
            try:
                expected = store.current(client_id).version
                if read_together and attempt == 0:
                    after_read.wait()
                outcome: object = store.append_version(
                    client_id, expected_version=expected, fields=application(AMT_CREDIT=float(index), WRITER=index),
                    author=f"editor-{index}", reason=f"edit by {index}", **NO_SCORE,
                )
            except StaleVersion as stale:
                outcome = stale
            except Exception as error:  # recorded, then failed on below with its type
                outcome = error
            with lock:
                outcomes.append((index, outcome))
            if not isinstance(outcome, StaleVersion):
                return

    threads = [threading.Thread(target=editor, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def assert_gapless_and_consistent(store: Store, client_id: int, outcomes: list[tuple[int, object]]) -> None:
    unexpected = [outcome for _, outcome in outcomes if isinstance(outcome, Exception)
                  and not isinstance(outcome, StaleVersion)]
    assert unexpected == []
    committed = {outcome.version: index for index, outcome in outcomes if not isinstance(outcome, Exception)}
    history = store.history(client_id)
    assert [version.version for version in history] == list(range(1, len(history) + 1))
    assert len(committed) == len(history) - 1
    for version in history[1:]:
        writer = committed[version.version]
        assert version.fields["WRITER"] == writer and version.author == f"editor-{writer}"
        assert version.changed_fields["WRITER"]["new"] == writer
    assert store.current(client_id).version == len(history)


def test_50_editors_holding_the_same_version_one_commits_the_others_get_stale(store: Store) -> None:
    store.create_client(1, application(), author="a", reason="r", **NO_SCORE)
    outcomes = run_editors(store, 1, attempts_each=1, read_together=True)
    assert len(outcomes) == THREADS
    assert_gapless_and_consistent(store, 1, outcomes)
    stale = [outcome for _, outcome in outcomes if isinstance(outcome, StaleVersion)]
    assert len(stale) == THREADS - 1
    assert all((outcome.expected, outcome.current) == (1, 2) for outcome in stale)
    assert len(store.history(1)) == 2


def test_50_editors_retrying_on_stale_all_commit_once_in_a_gapless_chain(store: Store) -> None:
    store.create_client(2, application(), author="a", reason="r", **NO_SCORE)
    outcomes = run_editors(store, 2, attempts_each=1000, read_together=False)
    assert_gapless_and_consistent(store, 2, outcomes)
    history = store.history(2)
    assert len(history) == THREADS + 1
    assert sorted(version.fields["WRITER"] for version in history[1:]) == list(range(THREADS))
    edits = [event for event in store.audit_events(client_id=2, limit=1000) if event.action == "client_update"]
    assert len(edits) == THREADS


def test_writer_killed_mid_loop_leaves_a_gapless_chain_of_complete_versions(store: Store, database_url: str) -> None:
    store.create_client(3, snapshot(1), author="a", reason="r", **NO_SCORE)
    rounds = 3
    reported = 1
    for _ in range(rounds):
        writer = subprocess.Popen([sys.executable, str(WRITER), database_url, "3"], cwd=REPOSITORY,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert writer.stdout is not None
        started = reported
        deadline = time.monotonic() + 120
        while reported < started + 8 and time.monotonic() < deadline:
            line = writer.stdout.readline()
            if not line:
                break
            reported = int(line)
        assert reported >= started + 8, writer.stderr.read() if writer.stderr else ""
        time.sleep(random.uniform(0.0, 0.05))
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
        assert writer.returncode == -signal.SIGKILL
        remaining = writer.stdout.read().split()
        reported = int(remaining[-1]) if remaining else reported

        history = store.history(3)
        numbers = [version.version for version in history]
        assert numbers == list(range(1, len(history) + 1))
        # Every reported commit survived; at most one more committed before the print.
        assert reported <= len(history) <= reported + 1
        for version in history:
            assert version.fields == snapshot(version.version)
            assert len(version.fields["PAYLOAD"]) == PAYLOAD_LENGTH and len(version.fields) == FIELD_COUNT + 2
        assert store.current(3).version == len(history)
        updates = [event for event in store.audit_events(client_id=3, limit=1000) if event.action == "client_update"]
        assert len(updates) == len(history) - 1
        reported = len(history)


def test_a_forked_worker_starts_with_an_empty_pool_and_its_writes_reach_the_parent(store: Store) -> None:
    import multiprocessing

    store.create_client(4, application(), author="a", reason="r", **NO_SCORE)
    assert store.engine.pool.checkedin() >= 1  # the parent holds a pooled connection

    def child(pipe: Any) -> None:
        pooled = store.engine.pool.checkedin()
        version = store.append_version(4, expected_version=1, fields=application(AMT_CREDIT=1.0), author="child",
                                       reason="from a forked worker", **NO_SCORE)
        pipe.send((pooled, version.version))

    context = multiprocessing.get_context("fork")
    parent_end, child_end = context.Pipe()
    process = context.Process(target=child, args=(child_end,))
    process.start()
    process.join(timeout=60)
    assert process.exitcode == 0
    assert parent_end.recv() == (0, 2)
    assert store.current(4).author == "child"
    store.append_version(4, expected_version=2, fields=application(), author="parent", reason="after fork", **NO_SCORE)
    assert [version.author for version in store.history(4)] == ["a", "child", "parent"]
