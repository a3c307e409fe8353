"""Full-scale benchmark: feature building and the whole `train` run on 58 M synthetic rows.

Each stage runs in its own process so its peak resident memory is measured alone
(getrusage of the child). Results are appended to benchmarks/results/full_scale.md and written
as JSON beside it.

    python benchmarks/full_scale.py --data-dir /work/data/full [--generate] [--stages features,train]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from results_file import machine_description, write_record

FEATURES_STAGE = """
import sys, time
from pathlib import Path
from scoring.data import load_tables
from scoring.features import build_feature_frame
started = time.perf_counter()
tables = load_tables(Path(sys.argv[1]), cache_dir=Path(sys.argv[2]))
loaded = time.perf_counter()
features, aggregates = build_feature_frame(tables)
done = time.perf_counter()
print(f"RESULT load_seconds={loaded - started:.1f} feature_seconds={done - loaded:.1f} "
      f"rows={features.height} columns={features.width} aggregate_rows={aggregates.height}")
"""


def _run_stage(name: str, command: list[str]) -> dict[str, object]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise SystemExit(f"stage {name} failed with exit code {completed.returncode}")
    details = [line for line in completed.stdout.splitlines() if line.startswith("RESULT")]
    return {
        "stage": name,
        "command": " ".join(command),
        "wall_seconds": round(seconds, 1),
        # ru_maxrss is the largest child so far; stages run in increasing-memory order is not
        # guaranteed, so a smaller later stage reports the earlier peak: flag it.
        "peak_rss_gib": round(peak_kib / 1024**2, 2),
        "peak_is_this_stage": peak_kib > before,
        # Other processes on the 2 cores inflate wall time: record the 1-minute load average.
        "load_average_1min_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "details": details,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--generate", action="store_true", help="generate full-scale data first")
    parser.add_argument("--stages", default="features,train")
    parser.add_argument("--artifacts", type=Path, default=Path("/tmp/benchmark-artifacts"))
    parser.add_argument("--cache-dir", type=Path, default=Path("/tmp/benchmark-cache"))
    args = parser.parse_args()
    python = sys.executable
    results = []
    if args.generate:
        results.append(_run_stage("generate", [python, "-m", "scoring.cli", "generate", "--out",
                                               str(args.data_dir), "--full-scale"]))
    stages = args.stages.split(",")
    if "features" in stages:
        # A fresh cache: the stage includes the validating CSV pass, as a first `train` would.
        subprocess.run(["rm", "-rf", str(args.cache_dir)], check=True)
        results.append(_run_stage("features", [python, "-c", FEATURES_STAGE, str(args.data_dir),
                                               str(args.cache_dir)]))
    if "train" in stages:
        results.append(_run_stage("train", [python, "-m", "scoring.cli", "train", "--data-dir",
                                            str(args.data_dir), "--out", str(args.artifacts)]))
        latest = (args.artifacts / "LATEST").read_text().strip()
        card = json.loads((args.artifacts / latest / "model_card.json").read_text())
        results[-1]["model_card"] = {k: card.get(k) for k in (
            "cv_auc", "oracle_auc", "baselines_auc", "threshold", "calibration", "model_selection",
            "fairness", "reproducibility", "training_seconds", "step_seconds")}
    record = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_description(),
        "command": " ".join(sys.argv),
        "results": results,
    }
    write_record("full_scale", record)


if __name__ == "__main__":
    main()
