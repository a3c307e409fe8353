"""Runtime settings: environment variables with safe defaults, read in one place.

| variable | default | meaning |
|---|---|---|
| `PAD_DATA_DIR` | `data` | where the SQLite store and the generated secret key live |
| `PAD_ARTIFACT_DIR` | `artifacts` | a model version directory, or a root with a LATEST pointer |
| `DATABASE_URL` | `sqlite:///<PAD_DATA_DIR>/store.db` | SQLAlchemy URL; `postgres://` is accepted |
| `PAD_SECRET_KEY` | random, kept in `<PAD_DATA_DIR>/secret_key` | signs the dashboard's session cookie |
| `PAD_ADMIN_PASSWORD` | random, in `<PAD_DATA_DIR>/admin_password` (600) | first admin's password (empty store) |
| `PAD_MAX_REQUEST_BYTES` | 1048576 | largest request body, API and dashboard (413 above) |
| `PAD_SESSION_IDLE_MINUTES` | 30 | a dashboard session left idle this long ends |
| `PAD_SESSION_MAX_HOURS` | 10 | no dashboard session lasts longer |
| `PAD_PASSWORD_CHECKS` | 1 | password checks (Argon2id) run at once per process; more wait or get 503 |
| `PAD_TRUSTED_PROXIES` | 0 | proxies in front whose `X-Forwarded-For`/`-Proto`/`-Host` are believed |
| `PAD_HTTPS` | off | served over HTTPS (by the app or a proxy): `Secure` cookies and HSTS |
| `PAD_BATCH_LIMIT` | 1000 | most clients in one `POST /api/score/batch` |
| `PAD_PSI_WATCH`, `PAD_PSI_ACT` | 0.10, 0.25 | monitoring: PSI zones "watch" and "act" (`monitor` exits 1) |
| `HOST`, `PORT` | `127.0.0.1`, `8050` | where `credit-scoring serve` listens |
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr

LANGUAGES = ("fr", "en")


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    data_dir: Path = Path("data")
    artifact_dir: Path = Path("artifacts")
    database_url: str | None = None
    secret_key: SecretStr | None = None
    # SecretStr: a Settings printed in a log or a traceback shows '**********'.
    admin_password: SecretStr | None = None
    max_request_bytes: int = Field(default=1 << 20, gt=0)
    batch_limit: int = Field(default=1000, gt=0)
    host: str = "127.0.0.1"
    port: int = Field(default=8050, gt=0, lt=65536)
    session_idle_minutes: float = Field(default=30, gt=0)
    session_max_hours: float = Field(default=10, gt=0)
    password_checks: int = Field(default=1, gt=0)
    trusted_proxies: int = Field(default=0, ge=0, le=5)
    https: bool = False
    psi_watch: float = Field(default=0.10, gt=0)
    psi_act: float = Field(default=0.25, gt=0)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if environ is None else environ
        names = {
            "data_dir": "PAD_DATA_DIR",
            "artifact_dir": "PAD_ARTIFACT_DIR",
            "database_url": "DATABASE_URL",
            "secret_key": "PAD_SECRET_KEY",
            "admin_password": "PAD_ADMIN_PASSWORD",
            "max_request_bytes": "PAD_MAX_REQUEST_BYTES",
            "batch_limit": "PAD_BATCH_LIMIT",
            "host": "HOST",
            "port": "PORT",
            "session_idle_minutes": "PAD_SESSION_IDLE_MINUTES",
            "session_max_hours": "PAD_SESSION_MAX_HOURS",
            "password_checks": "PAD_PASSWORD_CHECKS",
            "trusted_proxies": "PAD_TRUSTED_PROXIES",
            "https": "PAD_HTTPS",
            "psi_watch": "PAD_PSI_WATCH",
            "psi_act": "PAD_PSI_ACT",
        }
        values: dict[str, object] = {field: env[var] for field, var in names.items() if env.get(var)}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def resolved_database_url(self) -> str:
        url = self.database_url or f"sqlite:///{self.data_dir / 'store.db'}"
        # PaaS add-ons hand out postgres:// URLs; SQLAlchemy 2 wants the driver named.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://"):]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url

    def resolved_secret_key(self) -> str:
        """The configured key, else one generated once and kept beside the store, so every
        gunicorn worker and every restart signs session cookies with the same key."""
        if self.secret_key:
            return self.secret_key.get_secret_value()
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        # O_EXCL: two workers starting together keep the first key written.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text(encoding="utf-8").strip()
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(key + "\n")
        return key

    def store_options(self) -> dict[str, object]:
        """The store's session and login policies from these settings (Store.open(url, **them))."""
        from datetime import timedelta

        from scoring.store.login_throttle import LoginPolicy
        from scoring.store.sessions import SessionPolicy

        return {
            "session_policy": SessionPolicy(idle=timedelta(minutes=self.session_idle_minutes),
                                            absolute=timedelta(hours=self.session_max_hours)),
            "login_policy": LoginPolicy(concurrent_checks=self.password_checks),
        }
