"""`credit-scoring users | tokens | load-clients`, through the real console entry point."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from scoring.cli import main
from scoring.store import Store

REPOSITORY = Path(__file__).resolve().parents[2]


def run(argv: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(argv)


def test_users_add_with_password_on_stdin_then_list(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["users", "add", "alice", "--role", "advisor", "--password-stdin", "--database-url", database_url],
               monkeypatch, "s3cret-passw0rd\n") == 0
    store = Store.open(database_url)
    user = store.authenticate("alice", "s3cret-passw0rd")
    store.dispose()
    assert user is not None and user.role == "advisor"
    capsys.readouterr()
    assert run(["users", "list", "--database-url", database_url], monkeypatch) == 0
    listed = capsys.readouterr().out
    assert "alice" in listed and "advisor" in listed


def test_users_add_refuses_a_short_password_and_a_duplicate_with_exit_2_and_no_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    assert run(["users", "add", "bob", "--role", "viewer", "--password-stdin", "--database-url", url],
               monkeypatch, "short\n") == 2
    error = capsys.readouterr().err
    assert "at least 8 characters" in error and "Traceback" not in error
    assert run(["users", "add", "bob", "--role", "viewer", "--password-stdin", "--database-url", url],
               monkeypatch, "long-enough\n") == 0
    assert run(["users", "add", "bob", "--role", "admin", "--password-stdin", "--database-url", url],
               monkeypatch, "long-enough\n") == 2
    assert "already exists" in capsys.readouterr().err


def test_users_add_with_an_unknown_role_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit) as exited:
        run(["users", "add", "bob", "--role", "boss", "--database-url", f"sqlite:///{tmp_path / 's.db'}"],
            monkeypatch)
    assert exited.value.code == 2


def test_prompted_passwords_must_match(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    answers = iter(["first-password", "other-password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert run(["users", "add", "bob", "--role", "viewer", "--database-url", f"sqlite:///{tmp_path / 's.db'}"],
               monkeypatch) == 2
    assert "differ" in capsys.readouterr().err


def test_tokens_create_prints_only_the_token_and_revoke_disables_it(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["users", "add", "robot", "--role", "advisor", "--password-stdin", "--database-url", database_url],
        monkeypatch, "robot-password\n")
    capsys.readouterr()
    assert run(["tokens", "create", "--user", "robot", "--label", "nightly", "--database-url", database_url],
               monkeypatch) == 0
    captured = capsys.readouterr()
    token = captured.out.strip()
    assert captured.out == token + "\n" and token.startswith("pad_")
    store = Store.open(database_url)
    try:
        user = store.user_for_token(token)
        assert user is not None and user.name == "robot"
        assert run(["tokens", "revoke", token, "--database-url", database_url], monkeypatch) == 0
        assert store.user_for_token(token) is None
        assert run(["tokens", "revoke", token, "--database-url", database_url], monkeypatch) == 2
        assert "already revoked" in capsys.readouterr().err
    finally:
        store.dispose()


def test_tokens_create_for_an_unknown_user_fails_with_nothing_on_stdout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["tokens", "create", "--user", "ghost", "--database-url", f"sqlite:///{tmp_path / 's.db'}"],
               monkeypatch) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "ghost" in captured.err


def test_token_can_be_captured_by_a_shell_from_a_real_process(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    store = Store.open(url)
    store.add_user("robot", "viewer", "robot-password")
    command = [sys.executable, "-m", "scoring.cli", "tokens", "create", "--user", "robot", "--database-url", url]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPOSITORY, check=False)
    assert done.returncode == 0, done.stderr
    assert store.user_for_token(done.stdout.strip()) is not None
    assert len(done.stdout.splitlines()) == 1
    store.dispose()


def test_database_url_comes_from_the_environment_then_defaults_to_data_store_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("PAD_DATA_DIR", raising=False)
    assert run(["users", "add", "a", "--role", "viewer", "--password-stdin"], monkeypatch, "password-a\n") == 0
    assert (tmp_path / "data" / "store.db").is_file()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    assert run(["users", "add", "b", "--role", "viewer", "--password-stdin"], monkeypatch, "password-b\n") == 0
    store = Store.open(f"sqlite:///{tmp_path / 'other.db'}")
    assert [user.name for user in store.list_users()] == ["b"]
    store.dispose()


def test_an_unreachable_database_is_a_clear_error(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["users", "list", "--database-url", "postgresql://nobody@127.0.0.1:1/none"], monkeypatch) == 2
    error = capsys.readouterr().err
    assert "database error" in error and "Traceback" not in error


def test_load_clients_loads_test_and_training_applications_once(
    samples_dir: Path, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SCORING_CACHE_DIR", str(tmp_path / "cache"))
    argv = ["load-clients", "--data-dir", str(samples_dir), "--include-train", "--no-score",
            "--database-url", database_url]
    assert run(argv, monkeypatch) == 0
    assert "2,000 added" in capsys.readouterr().err
    assert run(argv, monkeypatch) == 0
    assert "0 added, 2,000 already stored" in capsys.readouterr().err

    store = Store.open(database_url)
    try:
        assert store.count_clients() == 2000
        test_id = pl.read_csv(samples_dir / "application_test_sample.csv", columns=["SK_ID_CURR"])[0, 0]
        train_id = pl.read_csv(samples_dir / "application_train.csv", columns=["SK_ID_CURR"])[0, 0]
        tested, trained = store.current(test_id), store.current(train_id)
        assert (tested.in_training_set, trained.in_training_set) == (False, True)
        assert "TARGET" not in trained.fields and "SK_ID_CURR" not in trained.fields
        assert len(trained.fields) == len(tested.fields) == 120
        assert tested.probability_of_default is None and tested.model_version is None
        json.dumps(trained.to_dict(), allow_nan=False)
        assert any(value is None for value in trained.fields.values())  # missing stays missing
    finally:
        store.dispose()


def test_load_clients_with_an_artifact_stores_batch_scores(
    samples_dir: Path, trained_artifact: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    monkeypatch.setenv("SCORING_CACHE_DIR", str(tmp_path / "cache"))
    assert run(["load-clients", "--data-dir", str(samples_dir), "--artifact", str(trained_artifact),
                "--no-progress", "--database-url", url], monkeypatch) == 0
    store = Store.open(url)
    try:
        total, hits = store.search("", limit=100)
        assert total == 1000
        assert all(0.0 <= hit.probability_of_default <= 1.0 for hit in hits)
        assert {hit.decision for hit in hits} <= {"granted", "to_review", "refused"}
        version = store.current(hits[0].client_id)
        assert version.model_version and version.probability_of_default == hits[0].probability_of_default
    finally:
        store.dispose()


def test_load_clients_with_explain_stores_every_explanation(
    samples_dir: Path, trained_artifact: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    monkeypatch.setenv("SCORING_CACHE_DIR", str(tmp_path / "cache"))
    assert run(["load-clients", "--data-dir", str(samples_dir), "--artifact", str(trained_artifact), "--explain",
                "--no-progress", "--database-url", url], monkeypatch) == 0
    assert "1,000 explanations stored" in capsys.readouterr().err
    store = Store.open(url)
    try:
        from scoring.model.artifacts import load_artifact

        version = load_artifact(trained_artifact).version
        assert store.count_unexplained_current(version) == 0
        assert store.count_unexplained_current("another-model") == 1000
    finally:
        store.dispose()


def test_explain_without_a_score_is_a_clear_error(
    samples_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["load-clients", "--data-dir", str(samples_dir), "--no-score", "--explain",
                "--database-url", f"sqlite:///{tmp_path / 's.db'}"], monkeypatch) == 2
    error = capsys.readouterr().err
    assert "--explain" in error and "Traceback" not in error


def test_load_clients_from_a_directory_without_applications_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["load-clients", "--data-dir", str(tmp_path), "--no-score",
                "--database-url", f"sqlite:///{tmp_path / 's.db'}"], monkeypatch) == 2
    error = capsys.readouterr().err
    assert "application_test.csv" in error and "Traceback" not in error


def test_set_password_and_remove_end_the_users_dashboard_sessions(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store.open(database_url)
    try:
        store.add_user("alice", "advisor", "first-passw0rd")
        session = store.open_session("alice")
        assert run(["users", "set-password", "alice", "--password-stdin", "--database-url", database_url],
                   monkeypatch, "second-passw0rd\n") == 0
        assert store.session_user(session) is None
        assert store.authenticate("alice", "second-passw0rd") is not None
        session = store.open_session("alice")
        assert run(["users", "remove", "alice", "--database-url", database_url], monkeypatch) == 0
        assert store.session_user(session) is None
        assert store.list_users() == []
        capsys.readouterr()
        assert run(["users", "remove", "alice", "--database-url", database_url], monkeypatch) == 2
        assert "alice" in capsys.readouterr().err
    finally:
        store.dispose()
