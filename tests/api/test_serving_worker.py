"""`scoring.serving.BalancedThreadWorker` under a real gunicorn: a worker whose threads are all busy
leaves the next connection to another worker, and keep-alive still works."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.net import free_port

SLOW_APP = '''
import os, time
from pathlib import Path

Path(os.environ["READY_DIR"], str(os.getpid())).touch()


def app(environ, start_response):
    # Sleeping releases the GIL: the worker's main thread could accept more while this runs.
    time.sleep(float(environ.get("QUERY_STRING") or 0))
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(os.getpid()).encode()]
'''


@pytest.fixture
def slow_server(tmp_path: Path, trained_artifact: Path):
    (tmp_path / "slow_app.py").write_text(SLOW_APP)
    ready = tmp_path / "ready"
    ready.mkdir()
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "-k", "scoring.serving.BalancedThreadWorker", "-w", "2", "--threads", "1",
         "--keep-alive", "5", "-b", f"127.0.0.1:{port}", "--chdir", str(tmp_path), "slow_app:app"],
        # gunicorn also reads the repository's gunicorn.conf.py (the working directory's), whose
        # on_starting wants a model and a data directory: the test's own, never the checkout's.
        env={**os.environ, "READY_DIR": str(ready), "PAD_ARTIFACT_DIR": str(trained_artifact),
             "PAD_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while len(list(ready.iterdir())) < 2:
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail("gunicorn did not start two workers: " + process.stderr.read().decode()[-2000:])
        time.sleep(0.05)
    time.sleep(0.5)  # both workers past their import, in their accept loop
    yield port
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def _get(port: int, path: str, connection: http.client.HTTPConnection | None = None) -> tuple[str, str | None]:
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.read().decode(), response.getheader("Connection")


def _pids_of_simultaneous_requests(port: int, count: int, path: str) -> list[str]:
    """The worker pid that answered each of `count` requests sent at the same moment, each on a
    new connection."""
    pids: list[str] = []
    barrier = threading.Barrier(count)

    def call() -> None:
        barrier.wait()
        pids.append(_get(port, path)[0])

    threads = [threading.Thread(target=call) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return pids


def test_a_busy_worker_leaves_new_connections_to_the_other(slow_server: int) -> None:
    # One thread per worker: while a worker holds a request, a second connection opened at the
    # same moment must be accepted by the other worker, not queued behind the first.
    for _ in range(3):
        pids = _pids_of_simultaneous_requests(slow_server, 2, "/?0.4")
        assert len(set(pids)) == 2, pids


def test_keep_alive_stays_on(slow_server: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", slow_server, timeout=30)
    answers = [_get(slow_server, "/", connection) for _ in range(5)]
    connection.close()
    assert len({pid for pid, _ in answers}) == 1
    assert all(header != "close" for _, header in answers)


def test_every_worker_stays_busy_under_a_burst(slow_server: int) -> None:
    # Eight new connections at once on 2 workers × 1 thread: each worker serves its share.
    counts = Counter(_pids_of_simultaneous_requests(slow_server, 8, "/?0.2"))
    assert len(counts) == 2 and min(counts.values()) >= 3, counts


def test_the_worker_hook_freezes_what_the_app_built() -> None:
    # Full collections otherwise walk every long-lived object of the artifact on each request
    # burst (100-180 ms on the full-scale artifact: the explained p99 under load).
    import gc
    import runpy
    from unittest import mock

    with mock.patch.dict(os.environ):  # the file sets POLARS_MAX_THREADS for the workers
        config = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    kept = [object() for _ in range(1000)]
    try:
        config["post_worker_init"](None)
        assert gc.get_freeze_count() >= len(kept)
    finally:
        gc.unfreeze()
