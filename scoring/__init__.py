"""Prêt à dépenser scoring core: schema, data, features, model, explanations."""

import os

# XGBoost and scikit-learn run OpenMP loops; with the default (active) wait policy their
# threads spin at every barrier, and on a 2-core machine shared with any other process a
# 2-thread fit ran 9x slower than a 1-thread one (measured). Passive waiting removes that
# cliff. It must be set before the OpenMP runtime loads; a value set by the user wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
