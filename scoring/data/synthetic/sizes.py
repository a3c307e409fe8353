"""How much the generator writes: the real row counts, chunking and first ids."""

from __future__ import annotations

FULL_SCALE_TRAIN = 307_511
FULL_SCALE_TEST = 48_744
# Real row counts (REFERENCE_STATS.md); at full scale the generator aims at these.
REAL_ROW_COUNTS: dict[str, int] = {
    "application_train": 307_511,
    "application_test": 48_744,
    "bureau": 1_716_428,
    "bureau_balance": 27_299_925,
    "previous_application": 1_670_214,
    "POS_CASH_balance": 10_001_358,
    "installments_payments": 13_605_401,
    "credit_card_balance": 3_840_312,
}
# Applicants per chunk: bounds memory at full scale (the largest chunk table, bureau_balance,
# holds about 1.5 M rows) and is fixed so that a seed always gives the same data.
CHUNK_SIZE = 20_000
FIRST_CLIENT_ID = 100_002
FIRST_BUREAU_ID = 5_000_000
FIRST_PREVIOUS_ID = 1_000_001
DAYS_PER_MONTH = 30.4375
