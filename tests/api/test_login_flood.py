"""Anonymous CPU exhaustion, measured on the real serving stack (gunicorn, gunicorn.conf.py):
a flood of login attempts with random names from random addresses (so that no per-name or
per-address limit applies) must leave /api/health responsive. Before the fix, 96 concurrent
attempts took it from 3-5 ms to 2 s: each attempt ran an Argon2 check, on every thread.

What is asserted is a ratio measured in one run: the median of /api/health under the login flood
over its median under a flood of the same size made of /api/health requests themselves, the
cheapest request there is. 96 busy clients on 2 cores slow any request down (about x20 here, by
queueing alone); the login flood may not cost much more than that. Before the fix it cost
seconds, the time of the Argon2 checks queued on every thread."""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.net import free_port, start_gunicorn

ROOT = Path(__file__).resolve().parents[2]
FLOOD_CLIENTS = 96
FLOOD_SECONDS = 6
# Health under the login flood over health under the health flood. Measured 2026-12-03 on the
# shared 2-core VM: 2.2, 2.3 alone, 4.0 inside the whole suite; 9.4 on the code before the fix
# (docs/security.md). The limit sits between the two.
RATIO_LIMIT = 6

FLOOD = '''
import http.client, json, random, sys, threading, time, urllib.parse
port, clients, seconds, mode = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
statuses, lock = {}, threading.Lock()
deadline = time.monotonic() + seconds

def attack(index):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for attempt in range(400):  # bounded in count as well as in time
        if time.monotonic() > deadline:
            break
        body = urllib.parse.urlencode({"name": f"x{index}-{attempt}-{random.random()}", "password": "guess-guess"})
        address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
        try:
            if mode == "health":
                connection.request("GET", "/api/health")
            else:
                connection.request("POST", "/login", body, {
                    "Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://127.0.0.1:{port}",
                    "X-Forwarded-For": address})
            response = connection.getresponse()
            response.read()
            status = response.status
        except OSError:
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            status = 0
        with lock:
            statuses[status] = statuses.get(status, 0) + 1

threads = [threading.Thread(target=attack, args=(i,)) for i in range(clients)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps(statuses))
'''


def _health_median_ms(client: httpx.Client, count: int = 40) -> float:
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        assert client.get("/api/health").status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


@pytest.fixture
def gunicorn_server(tmp_path: Path, trained_artifact: Path):
    port = free_port()
    env = {**os.environ, "PAD_DATA_DIR": str(tmp_path), "PAD_ARTIFACT_DIR": str(trained_artifact),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}", "HOST": "127.0.0.1", "PORT": str(port),
           "WEB_CONCURRENCY": "2", "PAD_THREADS": "4", "PAD_SECRET_KEY": "test", "PAD_TRUSTED_PROXIES": "1"}
    process = start_gunicorn(env, port, wait_s=90)
    time.sleep(1)  # both workers up
    yield port
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def _under_flood(client: httpx.Client, port: int, mode: str) -> tuple[float, dict[str, int]]:
    """Health's median while FLOOD_CLIENTS clients send `mode` requests, and their statuses."""
    flood = subprocess.Popen([sys.executable, "-c", FLOOD, str(port), str(FLOOD_CLIENTS), str(FLOOD_SECONDS), mode],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(2)  # the flood at full strength
        median = _health_median_ms(client)
    finally:
        out, err = flood.communicate(timeout=FLOOD_SECONDS + 60)
    assert out, err.decode()[-2000:]
    return median, json.loads(out)


def test_health_stays_responsive_under_a_login_flood_from_many_addresses(gunicorn_server: int) -> None:
    port = gunicorn_server
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        _health_median_ms(client, 10)  # warm
        at_rest = _health_median_ms(client)
        busy, _ = _under_flood(client, port, "health")
        login_flood, statuses = _under_flood(client, port, "login")
    print(f"health median: at rest {at_rest:.1f} ms, under {FLOOD_CLIENTS} clients asking for health "
          f"{busy:.1f} ms, under {FLOOD_CLIENTS} clients logging in {login_flood:.1f} ms "
          f"(x{login_flood / busy:.1f}); login answers {statuses}")
    assert statuses.get("401", 0) > 0  # the flood did get passwords checked
    assert statuses.get("503", 0) > 0  # and was refused beyond the bound, without hashing
    assert login_flood / busy < RATIO_LIMIT
