"""Deployment tests: the repository as a fresh clone has it, installed the way a PaaS does.

- :func:`clone_tree` copies what a ``git clone`` of this working tree would hold (tracked files and
  new, not ignored ones): no ``artifacts/`` model, no ``data/``, no ``.venv``.
- ``paas_venv`` (session): a new virtual environment with ``pip install -r requirements.txt`` run
  in such a copy, as Heroku's Python buildpack does; once per test session (about 40 s with pip's
  cache warm, as it is in CI after scripts/test.sh's own install).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.postgres import postgres_database_url, postgres_server  # noqa: F401 (fixtures)

REPO = Path(__file__).resolve().parents[2]


def clone_tree(destination: Path) -> Path:
    """Copy the files a fresh clone of this working tree would have into ``destination``."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout: cannot tell which files a fresh clone holds")
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True, check=True,
    ).stdout
    destination.mkdir(parents=True)
    for raw in listed.split(b"\0"):
        if not raw:
            continue
        name = raw.decode()
        source = REPO / name
        if not source.is_file():  # deleted in the working tree, not yet committed
            continue
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return destination


def platform_env(venv: Path, **variables: str) -> dict[str, str]:
    """A process environment like a platform's: its PATH and the given variables, nothing of
    this test process's own configuration (no DATABASE_URL, PAD_* leaking in)."""
    env = {
        "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    for name in ("SCORING_CACHE_DIR", "TMPDIR", "PIP_CERT", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    env.update(variables)
    return env


@pytest.fixture(scope="session")
def paas_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment holding the project installed from a fresh copy by requirements.txt."""
    root = tmp_path_factory.mktemp("paas-build")
    source = clone_tree(root / "source")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-r", "requirements.txt"],
        cwd=source, capture_output=True, text=True, timeout=1200, check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"pip install -r requirements.txt failed in a fresh copy:\n{done.stderr[-4000:]}")
    return venv
