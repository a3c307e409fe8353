"""Two or more checkouts of the app served side by side, measured in turn in the same minutes.

    python benchmarks/api_ab.py --artifact ARTIFACT_DIR --data-dir DATA_DIR \
        --checkout before=/path/to/worktree-at-commit --checkout after=. [--rounds 4] [--seconds 5]

Why: on a shared 2-core machine the load changes from one minute to the next, so two runs of
`api_latency.py` ten minutes apart compare the machine as much as the code. Here each checkout
gets its own SQLite store (loaded by its own `load-clients`, so each schema is its own) and its
own `gunicorn app:server` under its own gunicorn.conf.py, all started at once; then every round
measures each server in turn (the order reversed every other round), with wrk: health and score
only at 8 connections, score only at 1. The server CPU time per request (all workers) is the
figure contention disturbs least. Every checkout runs on this interpreter's packages, its own
code first on PYTHONPATH (`git worktree add --detach DIR COMMIT` makes one).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil
from api_latency import drive_wrk, free_port, wait_ready
from results_file import record_header, write_record

TOKEN_SCRIPT = """
import sys
from scoring.store import Store
store = Store.open(sys.argv[1])
store.add_user("bench", "advisor", "benchmark-password")
print(store.create_token("bench")[1])
"""


def commit_of(checkout: Path) -> str:
    done = subprocess.run(["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(checkout), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return done.stdout.strip() + (" (with uncommitted changes)" if dirty else "")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--artifact", type=Path, required=True)
    parser.add_argument("--data-dir", type=Path, required=True, help="holds application_test.csv")
    parser.add_argument("--checkout", action="append", required=True, metavar="LABEL=DIR")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each wrk measure")
    args = parser.parse_args()
    checkouts = {label: Path(directory).resolve() for label, directory in
                 (entry.split("=", 1) for entry in args.checkout)}
    import polars as pl

    client_ids = pl.read_csv(args.data_dir / "application_test.csv", columns=["SK_ID_CURR"])["SK_ID_CURR"].to_list()
    rng = random.Random(0)
    score_paths = [f"/api/score/{rng.choice(client_ids)}?explain=false" for _ in range(2000)]
    workdir = Path(tempfile.mkdtemp(prefix="api-ab-"))
    python = sys.executable
    servers: dict[str, tuple[subprocess.Popen[bytes], str, str]] = {}
    load_at_start = round(os.getloadavg()[0], 2)
    try:
        for label, checkout in checkouts.items():
            database = f"sqlite:///{workdir / label}.db"
            env = {**os.environ, "PYTHONPATH": str(checkout)}
            subprocess.run([python, "-m", "scoring.store_cli", "load-clients", "--data-dir", str(args.data_dir),
                            "--artifact", str(args.artifact), "--database-url", database, "--no-progress"],
                           cwd=checkout, env=env, check=True, stdout=subprocess.DEVNULL)
            token = subprocess.run([python, "-c", TOKEN_SCRIPT, database], cwd=checkout, env=env, check=True,
                                   capture_output=True, text=True).stdout.strip().splitlines()[-1]
            port = free_port()
            (workdir / f"data-{label}").mkdir()
            server_env = {**env, "PAD_DATA_DIR": str(workdir / f"data-{label}"), "PAD_ARTIFACT_DIR": str(args.artifact),
                          "DATABASE_URL": database, "HOST": "127.0.0.1", "PORT": str(port),
                          "WEB_CONCURRENCY": "2", "PAD_THREADS": "4", "PAD_SECRET_KEY": "bench"}
            process = subprocess.Popen(
                [str(Path(python).with_name("gunicorn")), "-c", str(checkout / "gunicorn.conf.py"), "app:server"],
                cwd=checkout, env=server_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            servers[label] = (process, f"http://127.0.0.1:{port}", token)
        for label, (process, base, token) in servers.items():
            wait_ready(base, token, process, 180, label)
            drive_wrk(base, token, score_paths, 2, 8)  # every worker reads the artifact on first use

        names = ("health_c8_p50_ms", "score_only_c8_p50_ms", "score_only_c1_p50_ms",
                 "score_only_c8_server_cpu_ms_per_request")
        runs: dict[str, dict[str, list[float]]] = {label: {name: [] for name in names} for label in servers}
        loads: list[float] = []
        for round_index in range(args.rounds):
            order = list(servers) if round_index % 2 == 0 else list(reversed(servers))
            for label in order:
                process, base, token = servers[label]
                workers = psutil.Process(process.pid).children()
                loads.append(round(os.getloadavg()[0], 2))
                figures = runs[label]
                figures["health_c8_p50_ms"].append(drive_wrk(base, token, ["/api/health"], args.seconds, 8)["p50_ms"])
                cpu_before = sum(sum(worker.cpu_times()[:2]) for worker in workers)
                measure = drive_wrk(base, token, score_paths, args.seconds, 8)
                cpu_after = sum(sum(worker.cpu_times()[:2]) for worker in workers)
                figures["score_only_c8_p50_ms"].append(measure["p50_ms"])
                figures["score_only_c8_server_cpu_ms_per_request"].append(
                    round((cpu_after - cpu_before) * 1000 / measure["n"], 3))
                figures["score_only_c1_p50_ms"].append(drive_wrk(base, token, score_paths, args.seconds, 1)["p50_ms"])
                print(round_index, label, {name: values[-1] for name, values in figures.items()},
                      f"load {loads[-1]}", flush=True)
    finally:
        for process, _, _ in servers.values():
            process.send_signal(signal.SIGTERM)
        for process, _, _ in servers.values():
            process.wait(timeout=30)
        subprocess.run(["rm", "-rf", str(workdir)], check=False)

    record = {
        **record_header(),
        "load_average_1min_at_start": load_at_start,
        "load_average_1min_during": {"min": min(loads), "median": round(statistics.median(loads), 2),
                                     "max": max(loads)},
        "artifact": str(args.artifact),
        "gunicorn": {"workers": 2, "threads": 4, "worker_class": "each checkout's gunicorn.conf.py"},
        "generator": "wrk (one thread)",
        "seconds_per_measure": args.seconds,
        "rounds": args.rounds,
        "checkouts": {label: commit_of(checkout) for label, checkout in checkouts.items()},
        "runs": runs,
        "medians": {label: {name: round(statistics.median(values), 3) for name, values in figures.items()}
                    for label, figures in runs.items()},
        "ranges": {label: {name: [min(values), max(values)] for name, values in figures.items()}
                   for label, figures in runs.items()},
    }
    write_record("api_ab", record)


if __name__ == "__main__":
    main()
