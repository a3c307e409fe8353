"""Learning curve: how close the shipped model gets to the oracle as the data grows.

For each size, synthetic data are generated (or reused), then the whole `train` run is timed in
a child process (wall time, CPU time, peak resident memory). The model card gives the CV AUC,
the oracle AUC (the true probabilities' AUC on the same applicants), the baselines and the
regularisation chosen. Optionally, at some sizes, a second training keeps every column (the
feature policy off): the AUC the policy's exclusions cost (each model card also measures it on
the same folds).

    python benchmarks/learning_curve.py --sizes 4000,12000,50000,full \\
        --full-data-dir /work/data/full-bench --policy-cost-sizes 50000

Results: benchmarks/results/learning_curve_<UTC stamp>.json.
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

TRAIN = """
import json, sys
from pathlib import Path
from scoring.model.pipeline import TrainingOptions, train
excluded = None if sys.argv[3] == "policy" else tuple(c for c in sys.argv[3].split(",") if c)
options = TrainingOptions(seed=0) if excluded is None else TrainingOptions(seed=0, excluded_columns=excluded)
directory = train(Path(sys.argv[1]), Path(sys.argv[2]), options, progress=False)
print("ARTIFACT", directory)
"""

CARD_KEYS = ("cv_auc", "oracle_auc", "baselines_auc", "threshold", "calibration", "model",
             "model_selection", "training_seconds", "step_seconds")


def _child(command: list[str]) -> tuple[subprocess.CompletedProcess[str], dict[str, float]]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise SystemExit(f"{' '.join(command[:4])} failed with exit code {completed.returncode}")
    return completed, {
        "wall_seconds": round(time.perf_counter() - started, 1),
        "cpu_seconds": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1),
        # Largest child so far: exact for the run that set it, an upper bound otherwise.
        "peak_rss_gib_upper_bound": round(after.ru_maxrss / 1024**2, 2),
        "load_average_1min_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def _generate(python: str, out: Path, size: str, seed: int) -> dict[str, object] | None:
    if (out / "application_train.csv").exists():
        return None  # reuse: another run (or another engineer) generated it
    command = [python, "-m", "scoring.cli", "generate", "--out", str(out), "--seed", str(seed)]
    command += ["--full-scale"] if size == "full" else ["--n-clients", size]
    _, measures = _child(command)
    return {"stage": f"generate {size}", "command": " ".join(command), **measures}


def _train(python: str, data_dir: Path, artifacts: Path, excluded: str) -> dict[str, object]:
    """`excluded`: "policy" (scoring/feature_policy.py), or a comma-separated list of columns."""
    command = [python, "-c", TRAIN, str(data_dir), str(artifacts), excluded]
    completed, measures = _child(command)
    directory = Path(next(line.split(" ", 1)[1] for line in completed.stdout.splitlines()
                          if line.startswith("ARTIFACT")))
    card = json.loads((directory / "model_card.json").read_text())
    summary = {key: card.get(key) for key in CARD_KEYS}
    gap = None if card["oracle_auc"] is None else card["oracle_auc"] - card["cv_auc"]["mean"]
    return {
        "data_dir": str(data_dir),
        "applications": card["data"]["train_applications"],
        "excluded_columns": card["model"].get("excluded_columns", []),
        "cv_auc_mean": card["cv_auc"]["mean"],
        "cv_auc_std": card["cv_auc"]["std"],
        "oracle_auc": card["oracle_auc"],
        "gap_to_oracle": gap,
        "chosen_candidate": card["model_selection"]["chosen_candidate"],
        "shipped": card["model_selection"]["shipped"],
        **measures,
        "card": summary,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="4000,12000,50000,full")
    parser.add_argument("--seed", type=int, default=11, help="generator seed for the sized runs")
    parser.add_argument("--data-root", type=Path, default=Path("/tmp/learning-curve-data"))
    parser.add_argument("--full-data-dir", type=Path, default=None,
                        help="reuse this full-scale directory (generated with --full-scale)")
    parser.add_argument("--artifacts", type=Path, default=Path("/tmp/learning-curve-artifacts"))
    parser.add_argument("--policy-cost-sizes", default="",
                        help="sizes at which a second model keeps every column, to measure the policy's cost")
    args = parser.parse_args()
    python = sys.executable
    policy_sizes = {s for s in args.policy_cost_sizes.split(",") if s}
    runs: list[dict[str, object]] = []
    for size in args.sizes.split(","):
        if size == "full" and args.full_data_dir is not None:
            data_dir = args.full_data_dir
        else:
            data_dir = args.data_root / f"{size}-seed{args.seed}"
        generated = _generate(python, data_dir, size, args.seed)
        if generated:
            runs.append(generated)
        runs.append({"stage": f"train {size}", **_train(python, data_dir, args.artifacts, "policy")})
        if size in policy_sizes:
            runs.append({"stage": f"train {size} with every column",
                         **_train(python, data_dir, args.artifacts, "")})
        print(json.dumps({k: v for k, v in runs[-1].items() if k != "card"}), flush=True)
    record = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_description(),
        "command": " ".join(sys.argv),
        "code": os.environ.get("BENCHMARK_CODE_VERSION", "working tree"),
        "runs": runs,
    }
    write_record("learning_curve", record)


if __name__ == "__main__":
    main()
