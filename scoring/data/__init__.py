"""Home Credit tables: validated loading of real or synthetic CSVs, and the synthetic generator."""

from scoring.data.loader import (
    DataValidationError,
    default_cache_dir,
    load_table,
    load_tables,
    resolve_table_path,
)

__all__ = [
    "DataValidationError",
    "default_cache_dir",
    "load_table",
    "load_tables",
    "resolve_table_path",
]
