#!/usr/bin/env bash
# Installs the product into .venv and builds the demo model on synthetic data, then prints its card.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
exec .venv/bin/credit-scoring demo "$@"
