#!/usr/bin/env bash
# Installs the project with every extra the tests need into .venv, then runs lint and the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev,nlp]'
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
