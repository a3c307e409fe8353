"""The real serving stack: `gunicorn app:server` with the project's gunicorn.conf.py, a worker
killed with SIGKILL in the middle of a stream of edits."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import polars as pl
import psutil
import pytest

from scoring.service import ScoringService
from scoring.store import Store
from scoring.store_cli import application_clients
from tests.net import free_port, start_gunicorn

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def served(tmp_path: Path, trained_artifact: Path, service: ScoringService, test_applications: pl.DataFrame):
    database = f"sqlite:///{tmp_path / 'store.db'}"
    store = Store.open(database)
    store.bulk_load(application_clients(test_applications.head(5), service.score_frame(test_applications.head(5)),
                                        in_training_set=False, model_version=service.artifact.version),
                    progress=False)
    store.add_user("advisor", "advisor", "correct horse battery")
    token = store.create_token("advisor")[1]
    client_id = test_applications["SK_ID_CURR"][0]
    store.dispose()
    port = free_port()
    env = {**os.environ, "PAD_DATA_DIR": str(tmp_path), "PAD_ARTIFACT_DIR": str(trained_artifact),
           "DATABASE_URL": database, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "1",
           "PAD_THREADS": "2", "PAD_SECRET_KEY": "test"}
    process = start_gunicorn(env, port, wait_s=60)
    base = f"http://127.0.0.1:{port}"
    yield base, token, client_id, process, database
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_a_worker_killed_during_writes_loses_no_committed_version(served) -> None:
    base, token, client_id, process, database = served
    headers = {"Authorization": f"Bearer {token}"}
    committed: dict[int, float] = {}
    killed = False
    credit = httpx.get(f"{base}/api/client/{client_id}", headers=headers).json()
    credit = next(f["value"] for f in credit["fields"] if f["name"] == "AMT_CREDIT")
    deadline = time.monotonic() + 90
    for step in range(40):
        if time.monotonic() > deadline:
            break
        if step == 15 and not killed:
            workers = psutil.Process(process.pid).children()
            assert workers, "gunicorn has a worker"
            for worker in workers:
                os.kill(worker.pid, signal.SIGKILL)
            killed = True
        try:
            current = httpx.get(f"{base}/api/client/{client_id}", headers=headers, timeout=30)
            amount = round(credit * (0.5 + step / 200), 2)
            response = httpx.patch(f"{base}/api/client/{client_id}", headers={**headers,
                                   "If-Match": current.headers["ETag"]},
                                   json={"changes": {"AMT_CREDIT": amount}, "reason": f"step {step}"}, timeout=30)
        except httpx.HTTPError:
            time.sleep(0.5)  # the master is starting a new worker
            continue
        if response.status_code == 200:
            committed[response.json()["version"]] = amount
    assert killed and len(committed) >= 20
    store = Store.open(database)
    try:
        history = store.history(client_id)
    finally:
        store.dispose()
    assert [v.version for v in history] == list(range(1, len(history) + 1))
    by_version = {v.version: v for v in history}
    for version, amount in committed.items():
        assert by_version[version].fields["AMT_CREDIT"] == amount
    # No partial version: every one has its whole snapshot and its score.
    assert all(len(v.fields) == len(history[0].fields) and v.probability_of_default is not None
               for v in history[1:])
