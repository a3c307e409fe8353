"""The loader accepts the real samples and rejects bad files with a message naming file and column."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import polars as pl
import pytest

from scoring.data import DataValidationError, load_tables
from scoring.schema import TABLES


def test_real_samples_load_with_schema_dtypes_and_order(samples_dir: Path, cache_dir: Path) -> None:
    frames = load_tables(samples_dir, cache_dir=cache_dir)
    assert set(frames) == set(TABLES)
    for name, frame in frames.items():
        data = frame.collect()
        assert data.schema == pl.Schema(TABLES[name].polars_schema()), name
        assert data.height == 1000, name


def test_real_values_are_kept_raw(samples_dir: Path, cache_dir: Path) -> None:
    frames = load_tables(samples_dir, tables=["application_train"], cache_dir=cache_dir)
    application = frames["application_train"].collect()
    # The sentinel is converted by the feature pipeline, not here.
    assert (application["DAYS_EMPLOYED"] == 365243).sum() > 0
    first = application.row(0, named=True)
    assert first["SK_ID_CURR"] == 347905
    assert first["AMT_CREDIT"] == 562491.0
    assert first["NAME_TYPE_SUITE"] == "Spouse, partner"
    assert first["EXT_SOURCE_1"] is None


def test_second_load_reuses_the_cache(samples_dir: Path, cache_dir: Path) -> None:
    load_tables(samples_dir, tables=["bureau"], cache_dir=cache_dir)
    cached = sorted(cache_dir.iterdir())
    assert len(cached) == 1
    mtime = cached[0].stat().st_mtime_ns
    load_tables(samples_dir, tables=["bureau"], cache_dir=cache_dir)
    assert sorted(cache_dir.iterdir()) == cached
    assert cached[0].stat().st_mtime_ns == mtime


def test_changed_file_is_validated_again(tmp_path: Path, samples_dir: Path, cache_dir: Path) -> None:
    data_dir = _copy(samples_dir, tmp_path, "bureau")
    assert load_tables(data_dir, tables=["bureau"], cache_dir=cache_dir)["bureau"].collect().height
    path = data_dir / "bureau.csv"
    _replace_in_line(path, 1, ",Closed,", ",Paid back,")
    with pytest.raises(DataValidationError, match="CREDIT_ACTIVE"):
        load_tables(data_dir, tables=["bureau"], cache_dir=cache_dir)


def test_application_test_is_optional_only_when_not_requested(
    tmp_path: Path, samples_dir: Path, cache_dir: Path
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    for name, table in TABLES.items():
        if name != "application_test":
            shutil.copy(samples_dir / table.file_name, data_dir / table.file_name)
    assert "application_test" not in load_tables(data_dir, cache_dir=cache_dir)
    with pytest.raises(DataValidationError) as caught:
        load_tables(data_dir, tables=["application_test"], cache_dir=cache_dir)
    assert caught.value.file == "application_test.csv"
    assert caught.value.column is None


# --- bad input ---------------------------------------------------------------------------------


def _copy(samples_dir: Path, tmp_path: Path, table: str) -> Path:
    data_dir = tmp_path / "data"
    data_dir.mkdir(exist_ok=True)
    shutil.copy(samples_dir / TABLES[table].file_name, data_dir / TABLES[table].file_name)
    return data_dir


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def _replace_in_line(path: Path, line: int, old: str, new: str) -> None:
    lines = _lines(path)
    assert old in lines[line], (old, lines[line])
    lines[line] = lines[line].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")


def _set_field(path: Path, line: int, column: str, value: str) -> None:
    """Rewrite one field of a data line (1-based line numbers counting the header as line 1)."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows[line][rows[0].index(column)] = value
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _error(data_dir: Path, table: str, cache_dir: Path) -> DataValidationError:
    with pytest.raises(DataValidationError) as caught:
        load_tables(data_dir, tables=[table], cache_dir=cache_dir)
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.file in str(error)
    if error.column is not None:
        assert error.column in str(error)
    return error


def test_missing_file_names_the_file(tmp_path: Path, cache_dir: Path) -> None:
    error = _error(tmp_path, "bureau", cache_dir)
    assert (error.file, error.column) == ("bureau.csv", None)
    assert "not found" in str(error)


def test_missing_column_is_named(tmp_path: Path, samples_dir: Path, cache_dir: Path) -> None:
    data_dir = _copy(samples_dir, tmp_path, "bureau")
    path = data_dir / "bureau.csv"
    pl.read_csv(path, infer_schema=False).drop("AMT_ANNUITY").write_csv(path)
    error = _error(data_dir, "bureau", cache_dir)
    assert (error.file, error.column) == ("bureau.csv", "AMT_ANNUITY")
    assert "missing" in str(error)


def test_extra_column_is_named(tmp_path: Path, samples_dir: Path, cache_dir: Path) -> None:
    data_dir = _copy(samples_dir, tmp_path, "bureau_balance")
    path = data_dir / "bureau_balance.csv"
    frame = pl.read_csv(path, infer_schema=False)
    frame.with_columns(pl.lit("x").alias("COMMENT")).write_csv(path)
    error = _error(data_dir, "bureau_balance", cache_dir)
    assert (error.file, error.column) == ("bureau_balance.csv", "COMMENT")
    assert "unexpected column" in str(error)


def test_duplicated_column_is_named(tmp_path: Path, samples_dir: Path, cache_dir: Path) -> None:
    data_dir = _copy(samples_dir, tmp_path, "bureau_balance")
    path = data_dir / "bureau_balance.csv"
    _replace_in_line(path, 0, "MONTHS_BALANCE", "STATUS")
    error = _error(data_dir, "bureau_balance", cache_dir)
    assert error.column == "STATUS"


def test_text_in_numeric_column_is_unparseable(
    tmp_path: Path, samples_dir: Path, cache_dir: Path
) -> None:
    data_dir = _copy(samples_dir, tmp_path, "installments_payments")
    path = data_dir / "installments_payments.csv"
    _set_field(path, 7, "AMT_PAYMENT", "12,5".replace(",", " "))
    error = _error(data_dir, "installments_payments", cache_dir)
    assert (error.file, error.column) == ("installments_payments.csv", "AMT_PAYMENT")
    assert "'12 5' (line 8)" in str(error)


def test_float_in_integer_column_is_a_wrong_type(
    tmp_path: Path, samples_dir: Path, cache_dir: Path
) -> None:
    data_dir = _copy(samples_dir, tmp_path, "application_train")
    path = data_dir / "application_train.csv"
    _set_field(path, 3, "DAYS_BIRTH", "-12000.5")
    error = _error(data_dir, "application_train", cache_dir)
    assert (error.file, error.column) == ("application_train.csv", "DAYS_BIRTH")
    assert "integers" in str(error)


def test_unknown_level_is_named(tmp_path: Path, samples_dir: Path, cache_dir: Path) -> None:
    data_dir = _copy(samples_dir, tmp_path, "application_train")
    path = data_dir / "application_train.csv"
    _set_field(path, 2, "CODE_GENDER", "Q")
    error = _error(data_dir, "application_train", cache_dir)
    assert (error.file, error.column) == ("application_train.csv", "CODE_GENDER")
    assert "unknown level" in str(error) and "'Q' (line 3)" in str(error)


def test_value_out_of_range_is_named(tmp_path: Path, samples_dir: Path, cache_dir: Path) -> None:
    data_dir = _copy(samples_dir, tmp_path, "POS_CASH_balance")
    path = data_dir / "POS_CASH_balance.csv"
    _set_field(path, 5, "SK_DPD", "-4")
    error = _error(data_dir, "POS_CASH_balance", cache_dir)
    assert (error.file, error.column) == ("POS_CASH_balance.csv", "SK_DPD")
    assert "outside the valid range" in str(error)


def test_missing_value_in_mandatory_column_is_named(
    tmp_path: Path, samples_dir: Path, cache_dir: Path
) -> None:
    data_dir = _copy(samples_dir, tmp_path, "credit_card_balance")
    path = data_dir / "credit_card_balance.csv"
    _set_field(path, 4, "SK_ID_CURR", "")
    error = _error(data_dir, "credit_card_balance", cache_dir)
    assert (error.file, error.column) == ("credit_card_balance.csv", "SK_ID_CURR")
    assert "missing value" in str(error)


def test_duplicated_application_id_is_rejected(
    tmp_path: Path, samples_dir: Path, cache_dir: Path
) -> None:
    data_dir = _copy(samples_dir, tmp_path, "application_train")
    path = data_dir / "application_train.csv"
    _set_field(path, 2, "SK_ID_CURR", "347905")  # the id on line 2
    error = _error(data_dir, "application_train", cache_dir)
    assert error.column == "SK_ID_CURR" and "duplicated" in str(error)


def test_sentinel_is_accepted_only_in_sentinel_columns(
    tmp_path: Path, samples_dir: Path, cache_dir: Path
) -> None:
    data_dir = _copy(samples_dir, tmp_path, "application_train")
    path = data_dir / "application_train.csv"
    _set_field(path, 2, "DAYS_ID_PUBLISH", "365243")
    error = _error(data_dir, "application_train", cache_dir)
    assert error.column == "DAYS_ID_PUBLISH"


def test_failed_validation_leaves_no_cache(
    tmp_path: Path, samples_dir: Path, cache_dir: Path
) -> None:
    data_dir = _copy(samples_dir, tmp_path, "application_train")
    _set_field(data_dir / "application_train.csv", 2, "CODE_GENDER", "Q")
    _error(data_dir, "application_train", cache_dir)
    assert list(cache_dir.iterdir()) == []


def test_unknown_table_name_is_a_caller_error(samples_dir: Path, cache_dir: Path) -> None:
    with pytest.raises(ValueError, match="unknown table"):
        load_tables(samples_dir, tables=["applications"], cache_dir=cache_dir)


def test_columns_in_another_order_come_back_in_schema_order(
    tmp_path: Path, samples_dir: Path, cache_dir: Path
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    original = pl.read_csv(samples_dir / "bureau_balance.csv", infer_schema=False)
    # Reordered columns after a pandas-style "Unnamed: 0" leading index column.
    original.rename({"": "Unnamed: 0"}).select(
        "Unnamed: 0", "STATUS", "MONTHS_BALANCE", "SK_ID_BUREAU"
    ).write_csv(data_dir / "bureau_balance.csv")
    frame = load_tables(data_dir, tables=["bureau_balance"], cache_dir=cache_dir)
    data = frame["bureau_balance"].collect()
    assert data.columns == TABLES["bureau_balance"].column_names
    assert data["STATUS"].to_list() == original["STATUS"].to_list()
