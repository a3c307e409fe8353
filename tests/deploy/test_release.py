"""The release step with a given model, and the web process without one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pydantic import SecretStr

from scoring.release import release
from scoring.settings import Settings
from scoring.store import Store
from tests.deploy.conftest import REPO
from tests.net import free_port


def test_web_process_without_a_model_stops_at_once_with_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = {"PATH": f"{gunicorn.parent}:/usr/bin:/bin", "PORT": str(free_port()), "HOST": "127.0.0.1",
           "PAD_DATA_DIR": str(data), "PAD_ARTIFACT_DIR": str(tmp_path / "artifacts"), "WEB_CONCURRENCY": "1"}
    done = subprocess.run([str(gunicorn), "app:server"], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode != 0
    lines = [line for line in (done.stdout + done.stderr).splitlines()
             if line.strip() and "Starting gunicorn" not in line]
    assert len(lines) == 1, lines
    assert "credit-scoring release" in lines[0] and str(tmp_path / "artifacts") in lines[0]
    # It neither built a model nor touched the store.
    assert not (tmp_path / "artifacts").exists() and not data.exists()


def test_web_process_with_an_invalid_variable_stops_with_one_line_naming_it(tmp_path: Path) -> None:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = {"PATH": f"{gunicorn.parent}:/usr/bin:/bin", "PORT": str(free_port()), "HOST": "127.0.0.1",
           "PAD_DATA_DIR": str(tmp_path), "PAD_BATCH_LIMIT": "0"}
    done = subprocess.run([str(gunicorn), "app:server"], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode != 0
    lines = [line for line in (done.stdout + done.stderr).splitlines()
             if line.strip() and "Starting gunicorn" not in line]
    assert len(lines) == 1 and "batch_limit" in lines[0], lines


def test_release_with_a_given_model_migrates_and_creates_the_admin_once(
    tmp_path: Path, trained_artifact: Path, capsys
) -> None:
    database = f"sqlite:///{tmp_path / 'store.db'}"
    settings = Settings(data_dir=tmp_path / "data", artifact_dir=trained_artifact, database_url=database,
                        admin_password=SecretStr("given admin password 1"))
    before = sorted(p.name for p in trained_artifact.iterdir())
    assert release(settings) == 0
    first = capsys.readouterr().out
    assert "model found" in first and "admin created" in first and "load-clients" in first
    assert release(settings) == 0
    second = capsys.readouterr().out
    assert "administrator already there" in second and "admin created" not in second
    store = Store.open(database)
    try:
        assert store.count_clients() == 0
        assert store.authenticate("admin", "given admin password 1") is not None
    finally:
        store.dispose()
    assert sorted(p.name for p in trained_artifact.iterdir()) == before
    assert "given admin password 1" not in first + second


def test_build_step_touches_no_database(tmp_path: Path, trained_artifact: Path) -> None:
    unreachable = "postgresql+psycopg://nobody@127.0.0.1:9/none"
    settings = Settings(data_dir=tmp_path / "data", artifact_dir=trained_artifact, database_url=unreachable)
    assert release(settings, model_only=True) == 0
    assert not (tmp_path / "data").exists()
