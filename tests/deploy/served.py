"""Checks a deployed app must pass, whatever runs it (a Procfile's web line, a container)."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

ADMIN_PASSWORD = "release-test admin passphrase 7"
SECRET_KEY = "deploy-test-secret-key-0123456789"


def snapshot(directory: Path) -> dict[str, tuple[int, int]]:
    return {str(path.relative_to(directory)): (path.stat().st_size, path.stat().st_mtime_ns)
            for path in directory.rglob("*") if path.is_file()}


def hidden_inputs(html: str) -> dict[str, str]:
    """The login form's hidden fields (next, and a CSRF token where there is one)."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        if 'type="hidden"' in tag:
            name = re.search(r'name="([^"]*)"', tag)
            value = re.search(r'value="([^"]*)"', tag)
            if name:
                fields[name.group(1)] = value.group(1) if value else ""
    return fields


def wait_healthy(base: str, process: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the web process exited ({process.returncode}):\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"no healthy /api/health in {seconds} s:\n{log.read_text()[-4000:]}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def check_served(base: str, token: str) -> None:
    """Health, the login page, a login, the dashboard behind it, a score with a token."""
    assert httpx.get(f"{base}/api/health").json() == {"status": "ok"}
    with httpx.Client(base_url=base, timeout=30) as browser:
        assert browser.get("/").status_code == 302  # the dashboard asks for a login first
        page = browser.get("/login")
        assert page.status_code == 200 and 'name="password"' in page.text
        answer = browser.post("/login", data={**hidden_inputs(page.text), "name": "admin", "password": ADMIN_PASSWORD},
                              headers={"Origin": base, "Referer": f"{base}/login"})
        assert answer.status_code == 303, answer.text[:500]
        dashboard = browser.get("/")
        assert dashboard.status_code == 200 and "_dash-config" in dashboard.text
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as api:
        assert api.get("/api/ready").json()["status"] == "ready"
        listed = api.get("/api/clients", params={"limit": 1}).json()
        client_id = listed["results"][0]["client_id"]
        score = api.get(f"/api/score/{client_id}", params={"lang": "en"})
        assert score.status_code == 200, score.text[:500]
        body = score.json()
        assert 0.0 <= body["probability_of_default"] <= 1.0 and body["decision"] and body["contributions"]
