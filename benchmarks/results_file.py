"""Where and how benchmark scripts record their figures: one dated JSON file per run."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


def machine_description() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return f"{platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GiB"


def record_header() -> dict[str, Any]:
    """What every result file starts with: when, on what, under which load, by which command."""
    import sys

    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_description(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "command": " ".join(sys.argv),
    }


def write_record(name: str, record: dict[str, Any]) -> Path:
    """Write results/<name>_<UTC stamp>.json and echo it."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}_{datetime.now(UTC):%Y%m%dT%H%M}.json"
    path.write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(record, indent=2))
    return path
