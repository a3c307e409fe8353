"""Scale out: two app instances (two gunicorn masters on two ports, each with its own local disk)
over one PostgreSQL. Whatever one instance decides must hold on the other at once: a version
chain edited through both, a dashboard session, login throttling, a revoked token."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from scoring.store import Store
from scoring.store_cli import load_clients
from tests.deploy.conftest import REPO
from tests.deploy.served import ADMIN_PASSWORD, SECRET_KEY, hidden_inputs, stop, wait_healthy
from tests.net import free_port

pytestmark = pytest.mark.slow

CONCURRENT_PATCHES = 50


@pytest.fixture
def two_instances(tmp_path: Path, postgres_database_url: str, trained_artifact: Path,
                  synthetic_dir: Path) -> Iterator[tuple[list[str], str]]:
    store = Store.open(postgres_database_url)
    try:
        load_clients(store, synthetic_dir, artifact=trained_artifact, progress=False)
    finally:
        store.dispose()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    processes, bases = [], []
    try:
        for name in ("a", "b"):
            port = free_port()
            env = {"PATH": f"{gunicorn.parent}:/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root"),
                   "DATABASE_URL": postgres_database_url, "PAD_SECRET_KEY": SECRET_KEY,
                   "PAD_ADMIN_PASSWORD": ADMIN_PASSWORD, "PAD_ARTIFACT_DIR": str(trained_artifact),
                   # Each instance its own disk: nothing may be shared through it.
                   "PAD_DATA_DIR": str(tmp_path / name), "HOST": "127.0.0.1", "PORT": str(port),
                   "WEB_CONCURRENCY": "1", "PAD_THREADS": "8"}
            log = tmp_path / f"{name}.log"
            with log.open("w") as sink:
                processes.append((subprocess.Popen([str(gunicorn), "app:server"], cwd=REPO, env=env, stdout=sink,
                                                   stderr=subprocess.STDOUT), log))
            bases.append(f"http://127.0.0.1:{port}")
        for (process, log), base in zip(processes, bases, strict=True):
            wait_healthy(base, process, log)
        yield bases, postgres_database_url
    finally:
        for process, _ in processes:
            stop(process)


def token_for(database_url: str, user: str = "admin") -> tuple[str, str]:
    store = Store.open(database_url)
    try:
        return store.create_token(user, label="two-instances")
    finally:
        store.dispose()


def test_concurrent_patches_through_both_instances_give_a_gapless_chain(two_instances) -> None:
    bases, database_url = two_instances
    headers = {"Authorization": f"Bearer {token_for(database_url)[1]}"}
    listed = httpx.get(f"{bases[0]}/api/clients", params={"limit": 1}, headers=headers).json()
    client_id = listed["results"][0]["client_id"]
    credit = next(f["value"] for f in httpx.get(f"{bases[0]}/api/client/{client_id}", headers=headers).json()["fields"]
                  if f["name"] == "AMT_CREDIT")
    start = threading.Barrier(CONCURRENT_PATCHES, timeout=60)

    def edit(step: int) -> tuple[int, int | None, float]:
        base = bases[step % 2]
        with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
            etag = client.get(f"/api/client/{client_id}").headers["ETag"]
            amount = round(credit * (0.6 + step / 250), 2)
            start.wait()  # every request read its version before any writes
            answer = client.patch(f"/api/client/{client_id}", headers={"If-Match": etag},
                                  json={"changes": {"AMT_CREDIT": amount}, "reason": f"instance {base[-5:]} #{step}"})
            version = answer.json().get("version") if answer.status_code == 200 else None
            return answer.status_code, version, amount

    with ThreadPoolExecutor(CONCURRENT_PATCHES) as pool:
        results = list(pool.map(edit, range(CONCURRENT_PATCHES)))
    statuses = [status for status, _, _ in results]
    assert set(statuses) <= {200, 412}, statuses
    committed = {version: amount for status, version, amount in results if status == 200}
    assert committed, "at least one edit commits"
    store = Store.open(database_url)
    try:
        history = store.history(client_id)
    finally:
        store.dispose()
    assert [v.version for v in history] == list(range(1, len(history) + 1))
    assert len(history) == 1 + len(committed)
    for version in history[1:]:
        assert version.fields["AMT_CREDIT"] == committed[version.version]


def login(base: str, password: str, client: httpx.Client) -> httpx.Response:
    page = client.get(f"{base}/login")
    return client.post(f"{base}/login", data={**hidden_inputs(page.text), "name": "admin", "password": password},
                       headers={"Origin": base, "Referer": f"{base}/login"})


def test_a_dashboard_session_opened_on_one_instance_is_valid_on_the_other(two_instances) -> None:
    (a, b), _ = two_instances
    with httpx.Client(timeout=30) as browser:
        assert login(a, ADMIN_PASSWORD, browser).status_code == 303
        cookies = dict(browser.cookies)
    with httpx.Client(timeout=30, cookies=cookies) as other:
        page = other.get(f"{b}/")
        assert page.status_code == 200 and "_dash-config" in page.text
    with httpx.Client(timeout=30) as stranger:  # and without the cookie, B asks for a login
        assert stranger.get(f"{b}/").status_code == 302


def test_login_throttling_counts_across_both_instances(two_instances) -> None:
    (a, b), _ = two_instances
    with httpx.Client(timeout=60) as browser:
        for attempt in range(1, 31):
            answer = login(a, f"wrong password {attempt}", browser)
            if answer.status_code == 429:
                break
            assert answer.status_code == 401
        else:
            pytest.fail("instance A never throttled 30 wrong passwords")
        # Instance B saw none of those attempts itself; it must still refuse, even the right password.
        answer = login(b, ADMIN_PASSWORD, browser)
    assert answer.status_code == 429, answer.status_code
    assert re.search(r"\d", answer.headers.get("Retry-After", "")), answer.headers


def test_a_token_revoked_through_one_instance_is_refused_by_the_other_at_once(two_instances) -> None:
    (a, b), database_url = two_instances
    token_id, token = token_for(database_url)
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{a}/api/ready", headers=headers).status_code == 200
    assert httpx.get(f"{b}/api/ready", headers=headers).status_code == 200
    # Revoked the way an operator does it: `credit-scoring tokens revoke`, against the shared store.
    env = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run([str(Path(sys.executable).with_name("credit-scoring")), "tokens", "revoke", token_id],
                   env=env, check=True, capture_output=True)
    assert httpx.get(f"{a}/api/ready", headers=headers).status_code == 401
    assert httpx.get(f"{b}/api/ready", headers=headers).status_code == 401
