"""The synthetic generator: real schema, determinism, and the published marginals.

Reference figures come from REFERENCE_STATS.md (the full Kaggle files). Tolerances are stated
next to each figure; they allow for sampling noise at the test size (30,000 applicants) plus a
modest calibration error, and are tight enough to catch a broken calibration.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from scoring.data import load_tables
from scoring.data.synthetic import (
    REFERENCE_DEFAULT_RATES,
    TRUTH_COLUMN,
    TRUTH_FILE,
    GenerationSummary,
    generate_dataset,
    n_test_applicants,
)
from scoring.schema import SENTINEL_DAYS, TABLES

N_CLIENTS = 30_000


@dataclass(frozen=True)
class Generated:
    summary: GenerationSummary
    frames: dict[str, pl.DataFrame]
    truth: pl.DataFrame


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    directory = tmp_path_factory.mktemp("synthetic")
    summary = generate_dataset(directory, n_clients=N_CLIENTS, seed=11, progress=False)
    frames = load_tables(directory, cache_dir=tmp_path_factory.mktemp("cache"))
    return Generated(
        summary,
        {name: frame.collect() for name, frame in frames.items()},
        pl.read_csv(directory / TRUTH_FILE),
    )


# --- structure ---------------------------------------------------------------------------------


def test_writes_the_eight_kaggle_files_and_a_truth_file(generated: Generated) -> None:
    names = sorted(path.name for path in generated.summary.out_dir.iterdir())
    assert names == sorted([table.file_name for table in TABLES.values()] + [TRUTH_FILE])


def test_generated_files_pass_the_loader_with_schema_dtypes(generated: Generated) -> None:
    assert set(generated.frames) == set(TABLES)
    for name, frame in generated.frames.items():
        assert frame.schema == pl.Schema(TABLES[name].polars_schema()), name
        assert frame.height == generated.summary.rows[name], name


def test_train_and_test_sizes_follow_the_real_proportion(generated: Generated) -> None:
    assert generated.frames["application_train"].height == N_CLIENTS
    assert generated.frames["application_test"].height == n_test_applicants(N_CLIENTS)
    assert n_test_applicants(307_511) == 48_744
    ids = pl.concat([generated.frames["application_train"]["SK_ID_CURR"],
                     generated.frames["application_test"]["SK_ID_CURR"]])
    assert ids.n_unique() == ids.len()


def test_side_tables_reference_existing_keys(generated: Generated) -> None:
    frames = generated.frames
    clients = set(frames["application_train"]["SK_ID_CURR"]) | set(
        frames["application_test"]["SK_ID_CURR"])
    for name in ("bureau", "previous_application", "POS_CASH_balance",
                 "installments_payments", "credit_card_balance"):
        assert set(frames[name]["SK_ID_CURR"].unique()) <= clients, name
    assert set(frames["bureau_balance"]["SK_ID_BUREAU"].unique()) <= set(
        frames["bureau"]["SK_ID_BUREAU"])
    previous = set(frames["previous_application"]["SK_ID_PREV"])
    for name in ("POS_CASH_balance", "installments_payments", "credit_card_balance"):
        assert set(frames[name]["SK_ID_PREV"].unique()) <= previous, name


def test_truth_file_covers_every_applicant_and_is_no_feature(generated: Generated) -> None:
    truth = generated.truth
    assert truth.columns == ["SK_ID_CURR", TRUTH_COLUMN]
    train, test = generated.frames["application_train"], generated.frames["application_test"]
    assert truth.height == train.height + test.height
    assert set(truth["SK_ID_CURR"]) == set(train["SK_ID_CURR"]) | set(test["SK_ID_CURR"])
    assert truth[TRUTH_COLUMN].min() > 0 and truth[TRUTH_COLUMN].max() < 1
    for frame in generated.frames.values():
        assert TRUTH_COLUMN not in frame.columns


def _digests(directory: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.iterdir())
    }


def test_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path: Path) -> None:
    first = generate_dataset(tmp_path / "a", n_clients=1_500, seed=5, progress=False)
    again = generate_dataset(tmp_path / "b", n_clients=1_500, seed=5, progress=False)
    other = generate_dataset(tmp_path / "c", n_clients=1_500, seed=6, progress=False)
    assert _digests(first.out_dir) == _digests(again.out_dir)
    assert _digests(first.out_dir)["application_train.csv"] != _digests(other.out_dir)[
        "application_train.csv"]
    assert first.oracle_auc == again.oracle_auc


# --- calibration against REFERENCE_STATS.md ----------------------------------------------------


@dataclass(frozen=True)
class Check:
    name: str
    generated: float
    reference: float
    tolerance: float  # absolute, unless relative is set
    relative: bool = False

    @property
    def passed(self) -> bool:
        gap = abs(self.generated - self.reference)
        limit = self.tolerance * abs(self.reference) if self.relative else self.tolerance
        return bool(gap <= limit)

    def __str__(self) -> str:
        kind = f"±{self.tolerance:.0%}" if self.relative else f"±{self.tolerance:g}"
        return (f"{'ok ' if self.passed else 'BAD'} {self.name}: generated {self.generated:.4g}, "
                f"reference {self.reference:.4g} ({kind})")


def _quantile(series: pl.Series, q: float) -> float:
    return float(series.drop_nulls().quantile(q, interpolation="linear"))


def _share(frame: pl.DataFrame, column: str, level: str) -> float:
    # Missing values count as "not this level", so shares add up over the whole table.
    return float((frame[column] == level).fill_null(False).mean())


def _application_checks(train: pl.DataFrame) -> list[Check]:
    checks = [Check("default rate", float(train["TARGET"].mean()), 24_825 / 307_511, 0.006)]
    sentinel = train["DAYS_EMPLOYED"] == SENTINEL_DAYS
    checks += [
        Check("DAYS_EMPLOYED sentinel share", float(sentinel.mean()), 0.1801, 0.01),
        Check("default rate, sentinel rows", float(train.filter(sentinel)["TARGET"].mean()),
              0.0540, 0.012),
        Check("default rate, other rows", float(train.filter(~sentinel)["TARGET"].mean()),
              0.0866, 0.008),
    ]
    for column, share in {"EXT_SOURCE_1": 0.5638, "EXT_SOURCE_2": 0.0021,
                          "EXT_SOURCE_3": 0.1983, "OWN_CAR_AGE": 0.6599,
                          "OCCUPATION_TYPE": 0.3135, "AMT_REQ_CREDIT_BUREAU_YEAR": 0.135}.items():
        checks.append(Check(f"{column} missing share", float(train[column].is_null().mean()),
                            share, 0.015))
    quartiles = {  # (q25, median, q75) from REFERENCE_STATS.md
        "AMT_INCOME_TOTAL": (112_500, 147_150, 202_500),
        "AMT_CREDIT": (270_000, 513_531, 808_650),
        "AMT_ANNUITY": (16_524, 24_903, 34_596),
        "AMT_GOODS_PRICE": (238_500, 450_000, 679_500),
        "DAYS_BIRTH": (-19_682, -15_750, -12_413),
        "DAYS_EMPLOYED": (-2_760, -1_213, -289),
        "DAYS_REGISTRATION": (-7_480, -4_504, -2_010),
        "DAYS_ID_PUBLISH": (-4_299, -3_254, -1_720),
        "REGION_POPULATION_RELATIVE": (0.0100, 0.0189, 0.0287),
    }
    for column, values in quartiles.items():
        for q, value in zip((0.25, 0.5, 0.75), values, strict=True):
            checks.append(Check(f"{column} q{int(q * 100)}", _quantile(train[column], q), value,
                                0.10, relative=True))
    for column, values in {"EXT_SOURCE_1": (0.334, 0.506, 0.675),
                           "EXT_SOURCE_2": (0.392, 0.566, 0.664),
                           "EXT_SOURCE_3": (0.37, 0.54, 0.67)}.items():
        for q, value in zip((0.25, 0.5, 0.75), values, strict=True):
            checks.append(Check(f"{column} q{int(q * 100)}", _quantile(train[column], q), value,
                                0.03))
    shares = {
        ("CODE_GENDER", "F"): 202_448, ("NAME_CONTRACT_TYPE", "Cash loans"): 278_232,
        ("NAME_INCOME_TYPE", "Working"): 158_774,
        ("NAME_INCOME_TYPE", "Commercial associate"): 71_617,
        ("NAME_INCOME_TYPE", "Pensioner"): 55_362, ("NAME_INCOME_TYPE", "State servant"): 21_703,
        ("NAME_EDUCATION_TYPE", "Secondary / secondary special"): 218_391,
        ("NAME_EDUCATION_TYPE", "Higher education"): 74_863,
        ("NAME_FAMILY_STATUS", "Married"): 196_432,
        ("NAME_FAMILY_STATUS", "Single / not married"): 45_444,
        ("NAME_HOUSING_TYPE", "House / apartment"): 272_868,
        ("OCCUPATION_TYPE", "Laborers"): 55_186, ("OCCUPATION_TYPE", "Sales staff"): 32_102,
        ("ORGANIZATION_TYPE", "Business Entity Type 3"): 67_992,
        ("ORGANIZATION_TYPE", "Self-employed"): 38_412,
        ("FLAG_OWN_CAR", "N"): 202_924, ("FLAG_OWN_REALTY", "Y"): 213_312,
    }
    for (column, level), count in shares.items():
        checks.append(Check(f"{column} = {level} share", _share(train, column, level),
                            count / 307_511, 0.012))
    for column, rates in REFERENCE_DEFAULT_RATES.items():
        for level, rate in rates.items():
            members = train.filter(pl.col(column) == level)
            if members.height < 1_000:  # too few at this size for a meaningful rate
                continue
            noise = 3 * np.sqrt(rate * (1 - rate) / members.height)
            checks.append(Check(f"default rate {column} = {level}",
                                float(members["TARGET"].mean()), rate, max(0.008, noise)))
    cleaned = train.with_columns(
        pl.when(sentinel).then(None).otherwise(pl.col("DAYS_EMPLOYED")).alias("DAYS_EMPLOYED"),
        (pl.col("CODE_GENDER") == "M").cast(pl.Float64).alias("CODE_GENDER_M"),
    )
    for column, correlation in {"EXT_SOURCE_3": -0.179, "EXT_SOURCE_2": -0.161,
                                "EXT_SOURCE_1": -0.155, "DAYS_BIRTH": 0.078,
                                "DAYS_EMPLOYED": 0.075, "REGION_RATING_CLIENT_W_CITY": 0.061,
                                "CODE_GENDER_M": 0.055}.items():
        pair = cleaned.select(pl.col(column).cast(pl.Float64), "TARGET").drop_nulls()
        checks.append(Check(f"Pearson correlation of {column} with TARGET",
                            float(np.corrcoef(pair[column], pair["TARGET"])[0, 1]),
                            correlation, 0.03))
    for column, rate in {"EXT_SOURCE_3": 0.164, "EXT_SOURCE_2": 0.152,
                         "EXT_SOURCE_1": 0.146}.items():
        lowest = train.filter(pl.col(column) <= train[column].quantile(0.2))
        checks.append(Check(f"default rate in the lowest {column} quintile",
                            float(lowest["TARGET"].mean()), rate, 0.025))
    checks.append(Check("REGION_RATING_CLIENT mean", float(train["REGION_RATING_CLIENT"].mean()),
                        2.0525, 0.05))
    checks.append(Check("CNT_CHILDREN mean", float(train["CNT_CHILDREN"].mean()), 0.417, 0.04))
    checks.append(Check("CNT_FAM_MEMBERS mean", float(train["CNT_FAM_MEMBERS"].mean()), 2.153,
                        0.08))
    return checks


def _side_table_checks(frames: dict[str, pl.DataFrame]) -> list[Check]:
    applicants = frames["application_train"].height + frames["application_test"].height
    checks = []
    for name, per_applicant in {"bureau": 4.82, "previous_application": 4.69,
                                "POS_CASH_balance": 28.1, "installments_payments": 38.2,
                                "credit_card_balance": 10.8,
                                "bureau_balance": 27_299_925 / 356_255}.items():
        checks.append(Check(f"{name} rows per applicant", frames[name].height / applicants,
                            per_applicant, 0.10, relative=True))
    bureau = frames["bureau"]
    checks += [
        Check("bureau Closed share", _share(bureau, "CREDIT_ACTIVE", "Closed"), 0.629, 0.025),
        Check("bureau Active share", _share(bureau, "CREDIT_ACTIVE", "Active"), 0.367, 0.025),
        Check("bureau Consumer credit share", _share(bureau, "CREDIT_TYPE", "Consumer credit"),
              0.729, 0.02),
        Check("bureau Credit card share", _share(bureau, "CREDIT_TYPE", "Credit card"), 0.234,
              0.02),
        Check("bureau currency 1 share", _share(bureau, "CREDIT_CURRENCY", "currency 1"), 0.999,
              0.002),
        Check("bureau DAYS_CREDIT median", _quantile(bureau["DAYS_CREDIT"], 0.5), -987, 0.10,
              relative=True),
        Check("bureau DAYS_CREDIT_ENDDATE median", _quantile(bureau["DAYS_CREDIT_ENDDATE"], 0.5),
              -330, 0.25, relative=True),
        # The weakest fit: generated closures run about 10 % older than the real ones.
        Check("bureau DAYS_ENDDATE_FACT median", _quantile(bureau["DAYS_ENDDATE_FACT"], 0.5),
              -897, 0.12, relative=True),
        Check("bureau AMT_CREDIT_SUM median", _quantile(bureau["AMT_CREDIT_SUM"], 0.5), 125_518,
              0.10, relative=True),
        Check("bureau AMT_CREDIT_SUM_DEBT median", _quantile(bureau["AMT_CREDIT_SUM_DEBT"], 0.5),
              0.0, 1.0),
    ]
    for column, share in {"DAYS_CREDIT_ENDDATE": 0.0615, "DAYS_ENDDATE_FACT": 0.369,
                          "AMT_CREDIT_SUM_DEBT": 0.15, "AMT_ANNUITY": 0.715,
                          "AMT_CREDIT_MAX_OVERDUE": 0.655}.items():
        checks.append(Check(f"bureau {column} missing share",
                            float(bureau[column].is_null().mean()), share, 0.02))
    balance = frames["bureau_balance"]
    checks += [
        Check("bureau_balance MONTHS_BALANCE min", float(balance["MONTHS_BALANCE"].min()), -96, 0),
        Check("bureau_balance MONTHS_BALANCE max", float(balance["MONTHS_BALANCE"].max()), 0, 0),
        Check("bureau credits with monthly history",
              balance["SK_ID_BUREAU"].n_unique() / bureau.height, 774_354 / 1_716_428, 0.03),
    ]
    for status, count in {"C": 13.6e6, "0": 7.5e6, "X": 5.8e6}.items():
        checks.append(Check(f"bureau_balance STATUS {status} share",
                            _share(balance, "STATUS", status), count / 27_299_925, 0.03))
    previous = frames["previous_application"]
    for status, share in {"Approved": 0.621, "Canceled": 0.189, "Refused": 0.174}.items():
        checks.append(Check(f"previous {status} share",
                            _share(previous, "NAME_CONTRACT_STATUS", status), share, 0.02))
    for contract, count in {"Cash loans": 747_553, "Consumer loans": 729_151,
                            "Revolving loans": 193_164}.items():
        checks.append(Check(f"previous {contract} share",
                            _share(previous, "NAME_CONTRACT_TYPE", contract),
                            count / 1_670_214, 0.02))
    for column, median in {"DAYS_DECISION": -581, "AMT_APPLICATION": 71_046,
                           "AMT_CREDIT": 80_541, "AMT_ANNUITY": 11_250}.items():
        checks.append(Check(f"previous {column} median", _quantile(previous[column], 0.5),
                            median, 0.12, relative=True))
    checks += [
        Check("previous CNT_PAYMENT median", _quantile(previous["CNT_PAYMENT"], 0.5), 12, 0),
        Check("previous CNT_PAYMENT max", float(previous["CNT_PAYMENT"].max()), 84, 24),
        Check("previous AMT_DOWN_PAYMENT missing share",
              float(previous["AMT_DOWN_PAYMENT"].is_null().mean()), 0.536, 0.03),
        Check("previous RATE_INTEREST_PRIMARY missing share",
              float(previous["RATE_INTEREST_PRIMARY"].is_null().mean()), 0.996, 0.003),
    ]
    for column in ("DAYS_FIRST_DRAWING", "DAYS_FIRST_DUE", "DAYS_LAST_DUE_1ST_VERSION",
                   "DAYS_LAST_DUE", "DAYS_TERMINATION"):
        checks.append(Check(f"previous {column} missing share",
                            float(previous[column].is_null().mean()), 0.40, 0.03))
    return checks


def test_application_marginals_match_reference(generated: Generated) -> None:
    checks = _application_checks(generated.frames["application_train"])
    failed = [str(check) for check in checks if not check.passed]
    assert not failed, "\n".join(failed)


def test_side_table_marginals_match_reference(generated: Generated) -> None:
    checks = _side_table_checks(generated.frames)
    failed = [str(check) for check in checks if not check.passed]
    assert not failed, "\n".join(failed)


def test_organization_is_xna_exactly_on_sentinel_rows(generated: Generated) -> None:
    for name in ("application_train", "application_test"):
        frame = generated.frames[name]
        sentinel = frame["DAYS_EMPLOYED"] == SENTINEL_DAYS
        assert (sentinel == (frame["ORGANIZATION_TYPE"] == "XNA")).all(), name


def test_oracle_auc_is_near_the_best_real_models(generated: Generated) -> None:
    assert 0.77 <= generated.summary.oracle_auc <= 0.83


def _client_default_rate_by(frame: pl.DataFrame, flag: pl.Expr) -> tuple[float, float]:
    rates = dict(
        frame.group_by(flag.alias("flag")).agg(pl.col("TARGET").mean()).drop_nulls("flag").iter_rows()
    )
    return float(rates[False]), float(rates[True])


@pytest.mark.parametrize(
    ("table", "signal"),
    [
        ("installments_payments",
         ((pl.col("DAYS_ENTRY_PAYMENT") - pl.col("DAYS_INSTALMENT")) > 0).mean() > 0.1),
        ("installments_payments", (pl.col("AMT_PAYMENT") < pl.col("AMT_INSTALMENT")).mean() > 0.1),
        ("bureau", (pl.col("CREDIT_DAY_OVERDUE") > 0).any()),
        ("previous_application", (pl.col("NAME_CONTRACT_STATUS") == "Refused").mean() > 0.3),
        ("credit_card_balance",
         (pl.col("AMT_BALANCE") / pl.col("AMT_CREDIT_LIMIT_ACTUAL")).mean() > 0.6),
        ("POS_CASH_balance", pl.col("SK_DPD").max() > 0),
    ],
    ids=["late instalments", "underpaid instalments", "bureau overdue", "refused applications",
         "card utilisation", "POS days past due"],
)
def test_side_table_behaviour_raises_default_rate(
    generated: Generated, table: str, signal: pl.Expr
) -> None:
    per_client = generated.frames[table].group_by("SK_ID_CURR").agg(signal.alias("risky"))
    train = generated.frames["application_train"].join(per_client, on="SK_ID_CURR", how="inner")
    without, with_signal = _client_default_rate_by(train, pl.col("risky"))
    assert with_signal > 1.3 * without, (without, with_signal)
