"""Full-scale synthetic generation and validated loading: wall time and peak memory.

Runs each step in a child process so that its peak resident memory (ru_maxrss) is measured
alone, then writes benchmarks/generate_full_scale_results.json (date, machine, command, figures).

    .venv/bin/python benchmarks/generate_full_scale.py --out /work/data/full
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).with_name("generate_full_scale_results.json")

GENERATE = """
import json, sys
from scoring.data.synthetic import generate_dataset
summary = generate_dataset(sys.argv[1], full_scale=True, seed=int(sys.argv[2]), progress=True)
print(json.dumps({"rows": summary.rows, "default_rate": summary.default_rate,
                  "oracle_auc": summary.oracle_auc, "seconds": summary.seconds}))
"""

LOAD = """
import json, sys, time
import polars as pl
from scoring.data import load_tables
started = time.perf_counter()
frames = load_tables(sys.argv[1], cache_dir=sys.argv[2])
first = time.perf_counter() - started
started = time.perf_counter()
frames = load_tables(sys.argv[1], cache_dir=sys.argv[2])
cached = time.perf_counter() - started
rows = {name: frame.select(pl.len()).collect().item() for name, frame in frames.items()}
print(json.dumps({"validate_and_cache_seconds": first, "cached_seconds": cached, "rows": rows}))
"""


def run_child(code: str, *args: str) -> tuple[dict, float, float]:
    """Run Python code in a child; return its last JSON line, wall seconds and peak RSS (GiB)
    of that child alone (os.wait4 gives the child's own resource usage)."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"child failed with exit code {child.returncode}")
    result = json.loads(output.strip().splitlines()[-1])
    return result, wall, usage.ru_maxrss / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    cache = args.cache or args.out.with_name(args.out.name + "_cache")

    generation, generation_wall, generation_peak = run_child(GENERATE, str(args.out), str(args.seed))
    loading, _, loading_peak = run_child(LOAD, str(args.out), str(cache))
    size = sum(path.stat().st_size for path in args.out.glob("*.csv"))
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, "
                   f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB",
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "generation": {
            "wall_seconds": round(generation_wall, 1),
            "peak_rss_gib": round(generation_peak, 2),
            "csv_gib": round(size / 2**30, 2),
            "rows": generation["rows"],
            "total_rows": sum(generation["rows"].values()),
            "default_rate": round(generation["default_rate"], 4),
            "oracle_auc": round(generation["oracle_auc"], 4),
        },
        "load_tables": {
            "wall_seconds_validate_and_cache": round(loading["validate_and_cache_seconds"], 1),
            "wall_seconds_cached": round(loading["cached_seconds"], 2),
            "peak_rss_gib": round(loading_peak, 2),
        },
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
