"""`credit-scoring serve`'s preparation: a fresh data directory gets its clients, an administrator
and demo users once; a second start changes nothing and prints the same demo credentials."""

from __future__ import annotations

import os
from pathlib import Path

from scoring.cli import DEMO_CREDENTIALS_FILE, prepare_serving
from scoring.settings import Settings
from scoring.store import Store


def test_a_first_start_loads_the_demo_clients_and_users_once(tmp_path: Path, synthetic_dir: Path,
                                                             trained_artifact: Path, capsys) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "demo").symlink_to(synthetic_dir, target_is_directory=True)
    settings = Settings(data_dir=data, artifact_dir=trained_artifact)

    credentials = prepare_serving(settings)
    printed = capsys.readouterr().out
    assert "admin" in printed
    assert set(credentials) == {"conseiller", "lecteur"}
    assert oct(os.stat(data / DEMO_CREDENTIALS_FILE).st_mode)[-3:] == "600"
    store = Store.open(settings.resolved_database_url)
    try:
        clients = store.count_clients()
        assert clients > 3000  # the training applicants and the applications to decide
        assert store.authenticate("conseiller", credentials["conseiller"]).role == "advisor"
        assert store.authenticate("lecteur", credentials["lecteur"]).role == "viewer"
    finally:
        store.dispose()

    assert prepare_serving(settings) == credentials
    assert "admin created" not in capsys.readouterr().out
    store = Store.open(settings.resolved_database_url)
    try:
        assert store.count_clients() == clients
    finally:
        store.dispose()
