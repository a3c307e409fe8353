"""The schema agrees with the real files, the description file and itself."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

from scoring.schema import (
    SENTINEL_COLUMNS,
    SENTINEL_DAYS,
    TABLES,
    label,
)

SAMPLE_FILES = {name: table.file_name for name, table in TABLES.items()}
SAMPLE_FILES["application_test"] = "application_test_sample.csv"

# The description file's own spelling quirks (see SOURCE.md), mapped to the data's names.
DESCRIPTION_RENAMES = {"SK_BUREAU_ID": "SK_ID_BUREAU", "SK_ID_PREV ": "SK_ID_PREV"}
DESCRIPTION_ONLY = {("previous_application", "NFLAG_MICRO_CASH")}


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    return header[1:] if header[0] == "" else header


@pytest.mark.parametrize("table", list(TABLES))
def test_columns_match_real_sample_header_in_order(samples_dir: Path, table: str) -> None:
    assert _header(samples_dir / SAMPLE_FILES[table]) == TABLES[table].column_names


def test_published_dtype_counts_of_application_train() -> None:
    # REFERENCE_STATS.md: 65 float64, 41 int64, 16 object.
    dtypes = [column.dtype for column in TABLES["application_train"].columns]
    assert (dtypes.count("float"), dtypes.count("int"), dtypes.count("str")) == (65, 41, 16)


def test_published_column_counts() -> None:
    expected = {
        "application_train": 122,
        "application_test": 121,
        "bureau": 17,
        "bureau_balance": 3,
        "previous_application": 37,
        "POS_CASH_balance": 8,
        "installments_payments": 8,
        "credit_card_balance": 23,
    }
    assert {name: len(table.columns) for name, table in TABLES.items()} == expected


def test_application_test_is_train_without_target() -> None:
    train = [c for c in TABLES["application_train"].columns if c.name != "TARGET"]
    assert list(TABLES["application_test"].columns) == train


def _description_rows(samples_dir: Path) -> list[dict[str, str]]:
    path = samples_dir / "HomeCredit_columns_description.csv"
    with path.open(newline="", encoding="cp1252") as handle:
        return list(csv.DictReader(handle))


def test_description_file_lists_exactly_the_schema_columns(samples_dir: Path) -> None:
    described: dict[str, list[str]] = {}
    for row in _description_rows(samples_dir):
        file_name = row["Table"].replace("application_{train|test}.csv", "application_train.csv")
        table = file_name.removesuffix(".csv")
        column = DESCRIPTION_RENAMES.get(row["Row"], row["Row"])
        if (table, column) not in DESCRIPTION_ONLY:
            described.setdefault(table, []).append(column)
    for name, table in TABLES.items():
        if name == "application_test":
            continue
        assert described[name] == table.column_names, name


def test_every_application_column_has_a_french_and_english_label() -> None:
    for column in TABLES["application_train"].column_names:
        french, english = label(column), label(column, "en")
        assert french != column and english != column, column
        assert french != english, column


def test_labels_are_distinct_within_a_language() -> None:
    names = TABLES["application_train"].column_names
    for lang in ("fr", "en"):
        labels = [label(name, lang) for name in names]
        assert len(set(labels)) == len(labels), lang


def test_french_labels_are_written_with_accents() -> None:
    assert label("DAYS_BIRTH") == "Âge (jours avant la demande)"
    assert label("NAME_EDUCATION_TYPE") == "Niveau d'études"
    assert label("EXT_SOURCE_1", "en") == "External score 1"


def test_label_falls_back_to_column_name_and_rejects_unknown_language() -> None:
    assert label("SOME_NEW_FEATURE") == "SOME_NEW_FEATURE"
    with pytest.raises(ValueError, match="lang"):
        label("DAYS_BIRTH", "de")


def test_sentinel_columns() -> None:
    assert SENTINEL_DAYS == 365243
    assert SENTINEL_COLUMNS["application_train"] == ("DAYS_EMPLOYED",)
    assert SENTINEL_COLUMNS["previous_application"] == (
        "DAYS_FIRST_DRAWING",
        "DAYS_FIRST_DUE",
        "DAYS_LAST_DUE_1ST_VERSION",
        "DAYS_LAST_DUE",
        "DAYS_TERMINATION",
    )
    assert set(SENTINEL_COLUMNS) == {"application_train", "application_test", "previous_application"}


def test_polars_schema_maps_dtypes() -> None:
    schema = TABLES["bureau"].polars_schema()
    assert list(schema) == TABLES["bureau"].column_names
    assert schema["SK_ID_CURR"] == pl.Int64
    assert schema["AMT_CREDIT_SUM"] == pl.Float64
    assert schema["CREDIT_ACTIVE"] == pl.String


def test_real_sample_values_fit_types_levels_and_ranges(samples_dir: Path) -> None:
    # Independent of the loader: read as text and check every value against the spec.
    for name, table in TABLES.items():
        frame = pl.read_csv(samples_dir / SAMPLE_FILES[name], infer_schema=False)
        for column in table.columns:
            values = frame[column.name]
            present = values.drop_nulls()
            if column.levels is not None:
                assert set(present.to_list()) <= set(column.levels), (name, column.name)
                continue
            numbers = present.cast(column.polars_dtype)
            if column.sentinel:
                numbers = numbers.filter(numbers != SENTINEL_DAYS)
            assert numbers.min() >= column.min and numbers.max() <= column.max, (name, column.name)
            if not column.nullable:
                assert values.null_count() == 0, (name, column.name)


def test_categorical_levels_cover_reference_counts() -> None:
    application = TABLES["application_train"]
    assert len(application.column("ORGANIZATION_TYPE").levels or ()) == 58
    assert len(application.column("OCCUPATION_TYPE").levels or ()) == 18
    assert "XNA" in (application.column("CODE_GENDER").levels or ())
    assert "XAP" in (TABLES["previous_application"].column("CODE_REJECT_REASON").levels or ())
