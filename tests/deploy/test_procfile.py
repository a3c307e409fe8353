"""The Procfile path from a fresh clone, as a PaaS runs it: install (requirements.txt), the build
hook (``bin/post_compile``), the Procfile's ``release:`` then its ``web:`` with ``PORT`` and
``DATABASE_URL`` set by the platform; on SQLite (one machine: the release step builds the model)
and on PostgreSQL in the platform's ``postgres://`` form (Heroku's order: model built into the
slug, the slug moved, a release whose disk is thrown away, a web process that writes nothing)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from scoring.store import Store
from tests.deploy.conftest import clone_tree, platform_env
from tests.deploy.served import ADMIN_PASSWORD, SECRET_KEY, check_served, snapshot, stop, wait_healthy
from tests.net import free_port

pytestmark = pytest.mark.slow

def procfile(app: Path) -> dict[str, str]:
    lines = (app / "Procfile").read_text(encoding="utf-8").splitlines()
    return {name.strip(): command.strip() for name, command in
            (line.split(":", 1) for line in lines if line.strip() and not line.startswith("#"))}


def run_step(command: str, app: Path, env: dict[str, str], timeout: float = 600) -> str:
    """Run one step as the platform does; its stdout and stderr together."""
    done = subprocess.run(["bash", "-c", f"{command} 2>&1"], cwd=app, env=env, stdout=subprocess.PIPE,
                          text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"`{command}` failed ({done.returncode}):\n{done.stdout[-4000:]}"
    return done.stdout


def deploy(app: Path, venv: Path, database_url: str, tmp_path: Path, *, build_hook: bool) -> None:
    cache = tmp_path / "cache"
    env = platform_env(venv, DATABASE_URL=database_url, PAD_SECRET_KEY=SECRET_KEY,
                       PAD_ADMIN_PASSWORD=ADMIN_PASSWORD, SCORING_CACHE_DIR=str(cache))
    commands = procfile(app)
    assert set(commands) == {"release", "web"}
    logs = ""
    if build_hook:
        # Build: no database is reachable, the files written go into the slug...
        build_env = {k: v for k, v in env.items() if k not in ("DATABASE_URL", "PAD_ADMIN_PASSWORD")}
        logs += run_step("bin/post_compile", app, build_env)
        assert (app / "artifacts" / "LATEST").is_file() and not (app / "data" / "store.db").exists()
        # ... and the slug runs from another path than it was built in.
        moved = app.with_name(app.name + "-slug")
        shutil.move(app, moved)
        app = moved
    logs += run_step(commands["release"], app, env)
    store = Store.open(database_url)
    try:
        clients = store.count_clients()
    finally:
        store.dispose()
    assert clients > 10_000  # the demo's clients, test and train
    model = snapshot(app / "artifacts")
    again = run_step(commands["release"], app, env)
    assert "already" in again and "model found" in again, again
    store = Store.open(database_url)
    try:
        assert store.count_clients() == clients
    finally:
        store.dispose()
    assert snapshot(app / "artifacts") == model  # idempotent: no second model
    logs += again

    before = snapshot(app)
    port = free_port()
    log = tmp_path / "web.log"
    web_env = {**env, "PORT": str(port), "WEB_CONCURRENCY": "1", "PAD_THREADS": "2"}
    with log.open("w") as sink:
        process = subprocess.Popen(["bash", "-c", f"exec {commands['web']}"], cwd=app, env=web_env,
                                   stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base, process, log)
        created = subprocess.run(["credit-scoring", "tokens", "create", "--user", "admin"], cwd=app, env=env,
                                 capture_output=True, text=True, check=True)
        token = created.stdout.strip()
        check_served(base, token)
    finally:
        stop(process)
    logs += log.read_text()
    # Ephemeral disk: the web process wrote nothing beside the code (secret key, admin password
    # and store all come from the platform).
    assert snapshot(app) == before
    assert ADMIN_PASSWORD not in logs and "Traceback" not in logs


def test_procfile_on_sqlite_from_a_fresh_clone(paas_venv: Path, tmp_path: Path) -> None:
    app = clone_tree(tmp_path / "app")
    assert not (app / "artifacts" / "LATEST").exists() and not (app / "data").exists()
    volume = tmp_path / "volume"  # a disk that outlives the process, outside the code
    volume.mkdir()
    deploy(app, paas_venv, f"sqlite:///{volume / 'store.db'}", tmp_path, build_hook=False)


def test_procfile_on_postgres_from_a_fresh_clone(paas_venv: Path, tmp_path: Path, postgres_database_url: str) -> None:
    app = clone_tree(tmp_path / "app")
    # The platform's form of the URL: postgres://, no driver named.
    platform_url = re.sub(r"^postgresql\+psycopg://", "postgres://", postgres_database_url)
    assert platform_url.startswith("postgres://")
    deploy(app, paas_venv, platform_url, tmp_path, build_hook=True)
