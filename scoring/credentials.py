"""Generated secrets stay out of logs: they are written to a file only its owner can read, or
taken from the environment, and what gets printed is where they are, never what they are.

A PaaS keeps stdout in its log store, readable by everyone with access to the app's dashboard,
so a password printed there is a password shared with all of them."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scoring.settings import Settings
    from scoring.store import Store

ADMIN_NAME = "admin"
ADMIN_CREDENTIALS_FILE = "admin_password"


def write_private_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by its owner only (mode 600), atomically: the file is
    created 600 under a temporary name, so its content is never readable by others, even for a
    moment, and a reader sees the old content or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise


def ensure_first_admin(store: Store, settings: Settings) -> str | None:
    """On an empty user table, create the administrator and return a line saying where its
    password is (None when users already exist). The password is ``PAD_ADMIN_PASSWORD`` when set,
    else generated and written to ``<PAD_DATA_DIR>/admin_password`` (mode 600)."""
    configured = settings.admin_password.get_secret_value() if settings.admin_password else None
    if configured:
        if store.ensure_admin(password=configured) is None:
            return None
        return (f"Administrateur créé / admin created: {ADMIN_NAME}, mot de passe de PAD_ADMIN_PASSWORD / "
                "password from PAD_ADMIN_PASSWORD")
    path = settings.data_dir / ADMIN_CREDENTIALS_FILE
    password = secrets.token_urlsafe(15)
    # The file is written before the user exists: a crash in between leaves a file with an unused
    # password, never an administrator whose password nobody has.
    pending = path.with_name(f".{path.name}.{secrets.token_hex(4)}.pending")
    write_private_file(pending, f"{ADMIN_NAME}\n{password}\n")
    try:
        created = store.ensure_admin(password=password)
        if created is None:
            return None
        os.replace(pending, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            pending.unlink()
    return (f"Administrateur créé / admin created: {ADMIN_NAME}, mot de passe dans / password in "
            f"{path.resolve()} (lisible par son propriétaire seul / owner-only, mode 600)")
