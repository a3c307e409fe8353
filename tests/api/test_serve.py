"""`credit-scoring serve`'s preparation: a fresh data directory gets its clients, an administrator
and demo users once; a second start changes nothing and prints the same demo credentials."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from unittest import mock

from app import create_app
from scoring.cli import DEMO_CREDENTIALS_FILE, _serve, prepare_serving
from scoring.credentials import ADMIN_CREDENTIALS_FILE
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


def test_no_password_is_printed_at_first_start_or_later(tmp_path: Path, synthetic_dir: Path,
                                                         trained_artifact: Path, capsys, monkeypatch) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "demo").symlink_to(synthetic_dir, target_is_directory=True)
    settings = Settings(data_dir=data, artifact_dir=trained_artifact)

    credentials = prepare_serving(settings)
    printed = capsys.readouterr().out
    admin_file = data / ADMIN_CREDENTIALS_FILE
    name, password = admin_file.read_text(encoding="utf-8").split()
    assert oct(os.stat(admin_file).st_mode)[-3:] == "600"
    assert str(admin_file.resolve()) in printed
    assert password not in printed
    store = Store.open(settings.resolved_database_url)
    try:
        assert store.authenticate(name, password).role == "admin"
    finally:
        store.dispose()

    # What `credit-scoring serve` prints before gunicorn takes over: the file, not the passwords.
    monkeypatch.setenv("PAD_DATA_DIR", str(data))
    monkeypatch.setenv("PAD_ARTIFACT_DIR", str(trained_artifact))
    with mock.patch("os.execve"):
        _serve(argparse.Namespace(host="127.0.0.1", port=8099, workers=None))
    printed = capsys.readouterr().out
    assert str((data / DEMO_CREDENTIALS_FILE).resolve()) in printed.replace("\n", "")
    for secret in (*credentials.values(), password):
        assert secret not in printed.replace("\n", "")


def test_the_first_admin_password_can_come_from_the_environment(tmp_path: Path, trained_artifact: Path,
                                                                capsys) -> None:
    settings = Settings.from_env({"PAD_DATA_DIR": str(tmp_path), "PAD_ADMIN_PASSWORD": "a long chosen secret"},
                                 artifact_dir=trained_artifact)
    assert "a long chosen secret" not in repr(settings)
    server = create_app(settings, dashboard=False)
    printed = capsys.readouterr().out
    assert "PAD_ADMIN_PASSWORD" in printed and "a long chosen secret" not in printed
    assert not (tmp_path / ADMIN_CREDENTIALS_FILE).exists()
    store = server.extensions["scoring_service"].store
    assert store.authenticate("admin", "a long chosen secret").role == "admin"


def test_printed_demo_users_exist_in_the_store_served_even_when_it_is_a_new_one(
        tmp_path: Path, synthetic_dir: Path, trained_artifact: Path) -> None:
    """The credentials file outlives its store (DATABASE_URL pointed elsewhere): the users it
    names are made to exist in the store being served, and a user that store holds under another
    password is not listed (issue 20)."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "demo").symlink_to(synthetic_dir, target_is_directory=True)
    first = Settings(data_dir=data, artifact_dir=trained_artifact)
    credentials = prepare_serving(first)

    other_url = f"sqlite:///{tmp_path / 'other.db'}"
    other = Store.open(other_url)
    try:
        other.add_user("lecteur", "viewer", "un-autre-mot-de-passe")
    finally:
        other.dispose()
    second = Settings(data_dir=data, artifact_dir=trained_artifact, database_url=other_url)
    printed = prepare_serving(second)
    assert printed == {"conseiller": credentials["conseiller"]}
    store = Store.open(other_url)
    try:
        assert store.authenticate("conseiller", printed["conseiller"]).role == "advisor"
        assert store.authenticate("lecteur", credentials["lecteur"]) is None
    finally:
        store.dispose()
