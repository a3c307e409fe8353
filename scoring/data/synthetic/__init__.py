"""Synthetic Home Credit data: the seven tables with the real schema and a known risk model.

How the data is built, per chunk of applicants (vectorised numpy, no loop over rows):

1. Latent traits per applicant: a general risk ``z`` (drives the external scores and social-circle
   defaults) and a repayment behaviour ``b`` correlated with ``z`` (drives the side tables).
2. The application row, calibrated to the published marginals (REFERENCE_STATS.md): category
   shares, amount and day quantiles, missing shares, the 365243 sentinel for pensioners and the
   unemployed (ORGANIZATION_TYPE = XNA on exactly those rows).
3. The six side tables from ``b``: late and underpaid instalments, bureau overdue and bad debt,
   refused previous applications, card utilisation and POS days past due.
4. The true probability of default is a logistic function of OBSERVED columns only: application
   columns plus per-client summaries of the side tables (shares of late / underpaid instalments,
   days late, bureau overdue counts, refused share, card utilisation, POS DPD...). A model on
   per-client aggregates can therefore, in principle, recover it; TARGET ~ Bernoulli(true PD).

The true probabilities are written to ``truth.csv`` beside the tables, never into them.

Where things are: ``marginals`` (the calibrated shares, default rates, category offsets and
intercept), ``applicants`` (application rows and latent traits), ``side_tables`` (the six side
tables and the summaries the true risk reads), ``risk`` (the true log-odds), ``writer`` (chunks
to CSV files and truth.csv), ``sizes`` (row counts, chunking, ids), ``sampling`` (helpers).

Calibration: category offsets and the intercept are fitted by benchmarks/generate_calibration.py;
APPLICATION_SIGNAL and SIDE_TABLE_SIGNAL set the oracle AUC and the gain from the side tables
(measured by benchmarks/generate_signal_check.py; tests/test_synthetic.py checks the marginals).
"""

from __future__ import annotations

from scoring.data.synthetic.marginals import (
    CATEGORY_LOGIT_OFFSETS,
    LOGIT_INTERCEPT,
    REFERENCE_DEFAULT_RATE,
    REFERENCE_DEFAULT_RATES,
)
from scoring.data.synthetic.risk import true_logit
from scoring.data.synthetic.sizes import (
    CHUNK_SIZE,
    FULL_SCALE_TEST,
    FULL_SCALE_TRAIN,
    REAL_ROW_COUNTS,
)
from scoring.data.synthetic.writer import (
    GenerationSummary,
    generate_chunk,
    generate_dataset,
    n_test_applicants,
)
from scoring.truth import TRUTH_COLUMN, TRUTH_FILE

__all__: list[str] = [
    "CATEGORY_LOGIT_OFFSETS",
    "CHUNK_SIZE",
    "FULL_SCALE_TEST",
    "FULL_SCALE_TRAIN",
    "LOGIT_INTERCEPT",
    "REAL_ROW_COUNTS",
    "REFERENCE_DEFAULT_RATE",
    "REFERENCE_DEFAULT_RATES",
    "TRUTH_COLUMN",
    "TRUTH_FILE",
    "GenerationSummary",
    "generate_chunk",
    "generate_dataset",
    "n_test_applicants",
    "true_logit",
]
