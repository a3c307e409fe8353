"""Without PostgreSQL the PostgreSQL tests skip, saying why; under CI they fail instead."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]

INNER_TEST = '''
from tests.postgres import postgres_server  # noqa: F401

def test_needs_postgres(postgres_server):
    assert postgres_server.admin_url
'''


def run_inner(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    test_file = tmp_path / "test_inner.py"
    test_file.write_text(INNER_TEST)
    env = {key: value for key, value in os.environ.items() if key not in ("CI", "TEST_DATABASE_URL_PG")}
    env.update(environment, PYTHONPATH=str(REPOSITORY))
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(test_file), "-q", "-rs", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False, timeout=120,
    )


def test_without_postgres_binaries_the_tests_skip_with_the_reason(tmp_path: Path) -> None:
    done = run_inner(tmp_path, TEST_POSTGRES_BIN_DIR=str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 skipped" in done.stdout
    assert "apt-get install -y postgresql" in done.stdout


def test_without_postgres_binaries_under_ci_the_tests_fail(tmp_path: Path) -> None:
    done = run_inner(tmp_path, TEST_POSTGRES_BIN_DIR=str(tmp_path), CI="true")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 error" in done.stdout and "CI is set" in done.stdout  # failed in set-up: an error

