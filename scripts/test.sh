#!/usr/bin/env bash
# Installs what the tests need (Debian's Chromium and PostgreSQL, then the project with its dev and
# nlp extras into .venv) and runs lint and the whole suite. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev,nlp]'
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
