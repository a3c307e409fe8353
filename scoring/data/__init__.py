"""Home Credit tables: validated loading of real or synthetic CSVs, and the synthetic generator."""

from __future__ import annotations

from typing import Any

from scoring.data.loader import (
    DataValidationError,
    default_cache_dir,
    load_table,
    load_tables,
    resolve_table_path,
)

__all__ = [
    "DataValidationError",
    "GenerationSummary",
    "default_cache_dir",
    "generate_dataset",
    "load_table",
    "load_tables",
    "resolve_table_path",
]

_SYNTHETIC_NAMES = ("GenerationSummary", "generate_dataset")


def __getattr__(name: str) -> Any:
    # The generator pulls in scipy; import it only when someone asks for it.
    if name in _SYNTHETIC_NAMES:
        from scoring.data import synthetic

        return getattr(synthetic, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
