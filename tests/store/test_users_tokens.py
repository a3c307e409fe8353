"""Users (Argon2 password hashes, roles) and API tokens (only their SHA-256 is stored)."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select, text

from scoring.store import ROLES, Store, UnknownUser, User, UserExists
from scoring.store.models import ApiToken, UserRow


def test_password_is_stored_as_an_argon2_hash_never_in_clear(store: Store) -> None:
    store.add_user("alice", "advisor", "correct horse battery")
    with store.engine.connect() as connection:
        stored = connection.execute(select(UserRow.password_hash).where(UserRow.name == "alice")).scalar_one()
    assert stored.startswith("$argon2id$")
    assert "correct horse battery" not in stored


def test_authenticate_accepts_the_right_password_only(store: Store) -> None:
    store.add_user("alice", "advisor", "correct horse battery")
    user = store.authenticate("alice", "correct horse battery")
    assert user is not None and (user.name, user.role) == ("alice", "advisor")
    assert store.authenticate("alice", "wrong password") is None
    assert store.authenticate("nobody", "correct horse battery") is None
    assert store.authenticate("alice", "") is None


def test_roles_are_ordered_viewer_advisor_admin() -> None:
    assert ROLES == ("viewer", "advisor", "admin")
    from datetime import UTC, datetime

    advisor = User("a", "advisor", datetime.now(UTC))
    assert advisor.can("viewer") and advisor.can("advisor") and not advisor.can("admin")
    assert User("v", "viewer", datetime.now(UTC)).can("viewer")
    assert not User("v", "viewer", datetime.now(UTC)).can("advisor")
    assert User("r", "admin", datetime.now(UTC)).can("advisor")
    with pytest.raises(ValueError, match="unknown role"):
        advisor.can("owner")


@pytest.mark.parametrize(("name", "role", "password", "message"), [
    ("bob", "owner", "long enough", "unknown role 'owner'"),
    ("bob", "viewer", "short", "at least 8 characters"),
    ("", "viewer", "long enough", "invalid user name"),
    ("bob smith", "viewer", "long enough", "invalid user name"),
])
def test_bad_role_password_or_name_is_refused_with_a_bilingual_message(
    store: Store, name: str, role: str, password: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message) as raised:
        store.add_user(name, role, password)
    assert " / " in str(raised.value)  # French, then English
    assert store.list_users() == []


def test_adding_an_existing_user_raises_user_exists(store: Store) -> None:
    store.add_user("alice", "viewer", "password-1")
    with pytest.raises(UserExists) as raised:
        store.add_user("alice", "admin", "password-2")
    assert raised.value.name == "alice"
    assert store.get_user("alice").role == "viewer"


def test_get_and_list_users(store: Store) -> None:
    store.add_user("zoe", "admin", "password-1")
    store.add_user("adam", "viewer", "password-2")
    assert [(user.name, user.role) for user in store.list_users()] == [("adam", "viewer"), ("zoe", "admin")]
    assert store.get_user("zoe").role == "admin"
    with pytest.raises(UnknownUser) as raised:
        store.get_user("nobody")
    assert "nobody" in str(raised.value)


def test_token_resolves_to_its_user_and_only_its_sha256_is_stored(store: Store) -> None:
    store.add_user("robot", "advisor", "password-1")
    token_id, token = store.create_token("robot", label="batch job")
    assert token.startswith(f"pad_{token_id}_") and len(token) > 50
    user = store.user_for_token(token)
    assert user is not None and (user.name, user.role) == ("robot", "advisor")

    with store.engine.connect() as connection:
        rows = [tuple(map(str, row)) for row in connection.execute(text("SELECT * FROM api_tokens"))]
    secret = token.split("_", 2)[2]
    assert len(rows) == 1
    assert not any(secret in value or token in value for value in rows[0])
    assert hashlib.sha256(token.encode()).hexdigest() in rows[0]
    assert store.list_tokens("robot")[0]["label"] == "batch job"
    assert "token_hash" not in store.list_tokens()[0]


@pytest.mark.parametrize("bad", ["", "pad_", "pad_0123456789abcdef_", "Bearer x", "pad_zz_secret", None, 12])
def test_malformed_tokens_resolve_to_nobody(store: Store, bad: object) -> None:
    assert store.user_for_token(bad) is None  # type: ignore[arg-type]


def test_a_token_with_a_right_id_but_wrong_secret_is_refused(store: Store) -> None:
    store.add_user("robot", "advisor", "password-1")
    token_id, token = store.create_token("robot")
    forged = f"pad_{token_id}_{'A' * 43}"
    assert store.user_for_token(forged) is None
    assert store.revoke_token(forged) is False  # a forged token cannot revoke the real one either
    assert store.user_for_token(token) is not None


def test_revoked_tokens_resolve_to_nobody_by_id_or_by_token(store: Store) -> None:
    store.add_user("robot", "advisor", "password-1")
    first_id, first = store.create_token("robot")
    _, second = store.create_token("robot")
    assert store.revoke_token(first_id) is True
    assert store.revoke_token(second) is True
    assert store.user_for_token(first) is None and store.user_for_token(second) is None
    assert store.revoke_token(first_id) is False  # already revoked
    assert store.revoke_token("0000000000000000") is False
    with store.engine.connect() as connection:
        revoked = connection.execute(select(ApiToken.revoked_at)).scalars().all()
    assert all(moment is not None for moment in revoked)


def test_token_for_an_unknown_user_is_refused(store: Store) -> None:
    with pytest.raises(UnknownUser):
        store.create_token("ghost")


def test_ensure_admin_creates_one_admin_once_on_an_empty_store(store: Store) -> None:
    created = store.ensure_admin()
    assert created is not None
    name, password = created
    assert name == "admin" and len(password) >= 16
    user = store.authenticate(name, password)
    assert user is not None and user.role == "admin"
    assert store.ensure_admin() is None
    assert [user.name for user in store.list_users()] == ["admin"]


def test_ensure_admin_does_nothing_when_users_exist(store: Store) -> None:
    store.add_user("alice", "viewer", "password-1")
    assert store.ensure_admin() is None
    assert [user.name for user in store.list_users()] == ["alice"]


def test_user_and_token_changes_are_audited(store: Store) -> None:
    store.add_user("robot", "advisor", "password-1", actor="cli:root")
    token_id, _ = store.create_token("robot", actor="cli:root")
    store.revoke_token(token_id, actor="cli:root")
    actions = [(event.action, event.actor) for event in store.audit_events()]
    assert actions == [("token_revoke", "cli:root"), ("token_create", "cli:root"), ("user_add", "cli:root")]
    assert all("password" not in str(event.detail) for event in store.audit_events())
