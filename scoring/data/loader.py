"""Read the Home Credit CSV files (real or synthetic) into validated polars frames.

Every file goes through one streaming pass: ``scan_csv`` with the explicit schema, written to a
Parquet cache keyed by the file's path, size and modification time; the checks (nulls, ranges,
levels, key uniqueness) then run on the columnar cache, which is cheap. A second call on an
unchanged file only opens the cache. Values stay raw: the 365243 sentinel is not converted here.

Any problem with the input raises :class:`DataValidationError`, which names the file and, when it
concerns one column, that column.

Known limit: polars' CSV reader pads a line with too few fields with nulls and drops extra
fields, so a ragged line is only caught when it leaves a mandatory column empty or shifts a
value into a column where it does not parse or fit.
"""

from __future__ import annotations

import csv
import hashlib
import os
import tempfile
import uuid
from pathlib import Path

import polars as pl

from scoring.schema import SENTINEL_DAYS, TABLES, ColumnSpec, TableSchema

# Bump when the cached Parquet layout or the checks change, so stale caches are not reused.
_CACHE_FORMAT = "1"

# Header names that pandas / R give to an unnamed leading row-number column.
_INDEX_HEADERS = ("", "Unnamed: 0")

# Other file names accepted for a table, tried in order after the Kaggle name.
FALLBACK_FILE_NAMES: dict[str, tuple[str, ...]] = {
    "application_test": ("application_test_sample.csv",),
}

# Tables that may be absent when the caller asks for "everything" (tables=None).
OPTIONAL_TABLES = frozenset({"application_test"})

_EXAMPLES = 3  # offending values quoted in an error message


class DataValidationError(ValueError):
    """An input file does not match the schema; names the file and, if any, the column."""

    def __init__(self, file: str | os.PathLike[str], column: str | None, problem: str) -> None:
        self.file = str(file)
        self.column = column
        self.problem = problem
        where = f"{self.file}, column {column}" if column is not None else self.file
        super().__init__(f"{where}: {problem}")


def default_cache_dir() -> Path:
    """Where validated Parquet copies go when the caller gives no cache_dir.

    ``SCORING_CACHE_DIR`` wins, then ``$XDG_CACHE_HOME`` or ``~/.cache``; a temporary directory is
    the last resort (read-only home, e.g. in a container).
    """
    explicit = os.environ.get("SCORING_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    candidate = Path(base) / "pret-a-depenser" / "tables"
    try:
        candidate.mkdir(parents=True, exist_ok=True)
        if os.access(candidate, os.W_OK):
            return candidate
    except OSError:
        pass
    return Path(tempfile.gettempdir()) / "pret-a-depenser-tables"


def resolve_table_path(data_dir: str | os.PathLike[str], table: str) -> Path | None:
    """Path of the CSV holding ``table`` in ``data_dir`` (Kaggle name first), or None."""
    directory = Path(data_dir)
    for file_name in (TABLES[table].file_name, *FALLBACK_FILE_NAMES.get(table, ())):
        path = directory / file_name
        if path.is_file():
            return path
    return None


def load_tables(
    data_dir: str | os.PathLike[str],
    *,
    tables: list[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> dict[str, pl.LazyFrame]:
    """Validate the Home Credit CSVs in ``data_dir`` and return them as lazy frames.

    ``tables`` selects tables by name (default: all eight; application_test is then optional and
    left out of the result when its file is absent). Each frame has exactly the schema's columns,
    in schema order, with the schema's dtypes. Raises DataValidationError on a missing file, a
    missing, extra or duplicated column, a value that does not parse as the column's dtype, a
    missing value in a mandatory column, a value outside the valid range, an unknown categorical
    level or a duplicated key.
    """
    requested = list(TABLES) if tables is None else list(tables)
    unknown = [name for name in requested if name not in TABLES]
    if unknown:
        raise ValueError(f"unknown table(s) {unknown}; expected some of {list(TABLES)}")
    cache_root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    cache_root.mkdir(parents=True, exist_ok=True)

    frames: dict[str, pl.LazyFrame] = {}
    for name in requested:
        path = resolve_table_path(data_dir, name)
        if path is None:
            if tables is None and name in OPTIONAL_TABLES:
                continue
            raise DataValidationError(
                TABLES[name].file_name, None, f"file not found in {Path(data_dir)}"
            )
        frames[name] = load_table(path, TABLES[name], cache_root)
    return frames


def load_table(path: Path, table: TableSchema, cache_root: Path) -> pl.LazyFrame:
    """Validate one CSV file against ``table`` and return a lazy frame over its cached copy."""
    header, has_index = _read_header(path, table)
    cached = _cache_path(path, table, cache_root)
    if not cached.exists():
        _build_cache(path, table, header, has_index, cached)
    return pl.scan_parquet(cached)


# --- header ------------------------------------------------------------------------------------


def _read_header(path: Path, table: TableSchema) -> tuple[list[str], bool]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), None)
    except UnicodeDecodeError as error:
        raise DataValidationError(path.name, None, f"header is not UTF-8 text ({error})") from None
    except OSError as error:
        raise DataValidationError(path.name, None, f"cannot be read ({error})") from None
    if not header:
        raise DataValidationError(path.name, None, "file is empty (no header line)")

    has_index = header[0] in _INDEX_HEADERS
    columns = header[1:] if has_index else header
    seen: set[str] = set()
    for name in columns:
        if name in seen:
            raise DataValidationError(path.name, name, "column appears twice in the header")
        seen.add(name)
    expected = table.column_names
    missing = [name for name in expected if name not in seen]
    if missing:
        others = f" (missing columns: {', '.join(missing)})" if len(missing) > 1 else ""
        raise DataValidationError(
            path.name, missing[0], f"required column is missing from the header{others}"
        )
    extra = [name for name in columns if name not in table.polars_schema()]
    if extra:
        others = f" (unexpected columns: {', '.join(extra)})" if len(extra) > 1 else ""
        raise DataValidationError(
            path.name, extra[0], f"unexpected column, not part of the {table.name} schema{others}"
        )
    return header, has_index


# --- cache -------------------------------------------------------------------------------------


def _schema_fingerprint(table: TableSchema) -> str:
    text = repr((_CACHE_FORMAT, SENTINEL_DAYS, table.name, table.unique_key, table.columns))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _cache_path(path: Path, table: TableSchema, cache_root: Path) -> Path:
    source = path.resolve()
    stat = source.stat()
    source_id = hashlib.sha256(str(source).encode()).hexdigest()[:12]
    version = hashlib.sha256(
        f"{stat.st_size}:{stat.st_mtime_ns}:{_schema_fingerprint(table)}".encode()
    ).hexdigest()[:16]
    return cache_root / f"{table.name}-{source_id}-{version}.parquet"


def _build_cache(
    path: Path, table: TableSchema, header: list[str], has_index: bool, cached: Path
) -> None:
    scan_schema: dict[str, pl.DataType] = {}
    typed = table.polars_schema()
    for position, name in enumerate(header):
        # The leading row-number column is read as text and dropped: it is not part of the data.
        scan_schema[name] = pl.String() if (has_index and position == 0) else typed[name]
    frame = pl.scan_csv(path, schema=scan_schema, raise_if_empty=False).select(table.column_names)

    temporary = cached.with_name(f".{cached.stem}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    try:
        try:
            frame.sink_parquet(temporary, statistics=True)
        except pl.exceptions.PolarsError as error:
            # The typed scan stops at the first bad value without a reliable row; find the
            # column and line by reading the file as text (only on this error path).
            _raise_parse_error(path, table, header, error)
        _check_values(temporary, path, table)
        os.replace(temporary, cached)
    finally:
        temporary.unlink(missing_ok=True)
    _remove_stale_caches(cached)


def _remove_stale_caches(cached: Path) -> None:
    # Same table name and source path, older size/mtime or schema: no longer reachable.
    prefix = cached.name.rsplit("-", 1)[0]
    for sibling in cached.parent.glob(f"{prefix}-*.parquet"):
        if sibling != cached:
            sibling.unlink(missing_ok=True)


# --- checks ------------------------------------------------------------------------------------


def _raise_parse_error(
    path: Path, table: TableSchema, header: list[str], error: pl.exceptions.PolarsError
) -> None:
    text_schema = {name: pl.String() for name in header}
    numeric = [column for column in table.columns if column.dtype != "str"]
    try:
        as_text = pl.scan_csv(path, schema=text_schema, raise_if_empty=False).with_row_index(
            "__line", offset=2
        )
        failures = as_text.select(
            [
                (pl.col(c.name).is_not_null() & pl.col(c.name).cast(c.polars_dtype, strict=False).is_null())
                .sum()
                .alias(c.name)
                for c in numeric
            ]
        ).collect()
    except pl.exceptions.PolarsError as text_error:
        # Not even readable as text: malformed quoting or similar; polars' message is the detail.
        detail = str(text_error).splitlines()[0]
        raise DataValidationError(path.name, None, f"malformed CSV ({detail})") from None
    for column in numeric:
        if failures[column.name][0]:
            bad = (
                as_text.filter(
                    pl.col(column.name).is_not_null()
                    & pl.col(column.name).cast(column.polars_dtype, strict=False).is_null()
                )
                .select("__line", column.name)
                .head(_EXAMPLES)
                .collect()
            )
            examples = ", ".join(
                f"{value!r} (line {line})"
                for line, value in zip(bad["__line"], bad[column.name], strict=True)
            )
            raise DataValidationError(
                path.name,
                column.name,
                f"{failures[column.name][0]} value(s) are not valid {_dtype_words(column)}: "
                f"{examples}",
            ) from None
    detail = str(error).splitlines()[0]
    raise DataValidationError(path.name, None, f"cannot be parsed ({detail})") from None


def _dtype_words(column: ColumnSpec) -> str:
    return {"int": "integers", "float": "numbers", "str": "text"}[column.dtype]


def _violation_exprs(column: ColumnSpec) -> list[tuple[str, pl.Expr, pl.Expr]]:
    """(problem, count expression, row filter) for each rule the column must satisfy."""
    value = pl.col(column.name)
    rules: list[tuple[str, pl.Expr]] = []
    if not column.nullable:
        rules.append(("missing value(s) in a mandatory column", value.is_null()))
    if column.levels is not None:
        rules.append(
            (
                f"unknown level(s); expected one of {_levels_text(column.levels)}",
                value.is_not_null() & ~value.is_in(list(column.levels)),
            )
        )
    if column.dtype == "float":
        rules.append(("NaN or infinite value(s)", value.is_nan() | value.is_infinite()))
    if column.dtype != "str" and (column.min is not None or column.max is not None):
        outside = pl.lit(False)
        if column.min is not None:
            outside = outside | (value < column.min)
        if column.max is not None:
            outside = outside | (value > column.max)
        if column.sentinel:
            outside = outside & (value != SENTINEL_DAYS)
        allowed = f"[{_number(column.min)}, {_number(column.max)}]"
        if column.sentinel:
            allowed += f" or the {SENTINEL_DAYS} sentinel"
        rules.append((f"value(s) outside the valid range {allowed}", outside.fill_null(False)))
    return [(problem, condition.sum(), condition) for problem, condition in rules]


def _levels_text(levels: tuple[str, ...], shown: int = 12) -> str:
    listed = ", ".join(repr(level) for level in levels[:shown])
    more = f", … ({len(levels) - shown} more)" if len(levels) > shown else ""
    return f"[{listed}{more}]"


def _number(bound: float | None) -> str:
    if bound is None:
        return "-inf"
    return f"{bound:g}" if abs(bound) < 1e7 else f"{bound:.0e}"


def _check_values(parquet: Path, path: Path, table: TableSchema) -> None:
    frame = pl.scan_parquet(parquet)
    checks: list[tuple[ColumnSpec, str, pl.Expr]] = []
    counts: list[pl.Expr] = []
    for column in table.columns:
        for index, (problem, count, condition) in enumerate(_violation_exprs(column)):
            checks.append((column, problem, condition))
            counts.append(count.alias(f"{column.name}#{index}"))
    if table.unique_key and table.primary_key:
        duplicates = pl.len() - pl.struct(table.primary_key).n_unique()
        counts.append(duplicates.alias("__duplicate_keys"))
    totals = frame.select(counts).collect().row(0, named=True)

    aliases = [alias.meta.output_name() for alias in counts]
    for (column, problem, condition), alias in zip(checks, aliases, strict=False):
        if totals[alias]:
            raise DataValidationError(
                path.name,
                column.name,
                f"{totals[alias]} {problem}; e.g. {_examples(frame, column.name, condition)}",
            )
    if totals.get("__duplicate_keys"):
        key = table.primary_key[0] if len(table.primary_key) == 1 else None
        raise DataValidationError(
            path.name,
            key,
            f"{totals['__duplicate_keys']} duplicated key value(s) in {list(table.primary_key)}",
        )


def _examples(frame: pl.LazyFrame, column: str, condition: pl.Expr) -> str:
    rows = (
        frame.with_row_index("__row")
        .filter(condition)
        .select("__row", column)
        .head(_EXAMPLES)
        .collect()
    )
    # Data line = row index + 2 (1-based, after the header), valid for files without embedded
    # newlines, which holds for every Home Credit file.
    return ", ".join(
        f"{value!r} (line {row + 2})"
        for row, value in zip(rows["__row"], rows[column], strict=True)
    )

