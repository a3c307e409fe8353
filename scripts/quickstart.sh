#!/usr/bin/env bash
# Installs the product into .venv and serves the dashboard and the API (gunicorn) on
# http://127.0.0.1:8050/. On a fresh machine `credit-scoring serve` first builds the demo model
# from synthetic data, loads its clients and prints the demo users' credentials.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
exec .venv/bin/credit-scoring serve "$@"
