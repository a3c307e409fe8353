"""Throughput of explained scores with one and with two app instances over one PostgreSQL, on one
machine, and where the CPU goes (app workers, PostgreSQL, the load generator).

    python benchmarks/scale_out.py [--seconds 20] [--concurrency 8] [--workers 1]

Each instance is a gunicorn master (gunicorn.conf.py) with --workers workers on its own port; the
load is a closed loop of --concurrency keep-alive clients spread round-robin over the instances,
each asking `GET /api/score/{id}` (explained) for random stored clients, for --seconds seconds
after a warm-up; loopback only. Needs PostgreSQL's binaries (tests/postgres.py starts a private
server) and a model: --artifact and --data-dir (default: artifacts/ and data/demo/ as
`credit-scoring serve` leaves them; built into a temp dir when absent).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).parent)]

from results_file import record_header, write_record  # noqa: E402

from tests.net import free_port  # noqa: E402
from tests.postgres import start_postgres  # noqa: E402


def cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total


def family(pid: int) -> list[psutil.Process]:
    parent = psutil.Process(pid)
    return [parent, *parent.children(recursive=True)]


def start_instances(count: int, workers: int, env: dict[str, str], log_dir: Path) -> tuple[list, list[str]]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    processes, bases = [], []
    for index in range(count):
        port = free_port()
        log = (log_dir / f"instance-{index}.log").open("w")
        processes.append(subprocess.Popen(
            [str(gunicorn), "app:server"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            env={**env, "PORT": str(port), "HOST": "127.0.0.1", "WEB_CONCURRENCY": str(workers),
                 "PAD_DATA_DIR": str(log_dir / f"data-{index}")}))
        bases.append(f"http://127.0.0.1:{port}")
    for base in bases:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            raise SystemExit(f"{base} never became healthy (see {log_dir})")
    return processes, bases


def load(bases: list[str], token: str, ids: list[int], concurrency: int, seconds: float,
         warmup: float) -> tuple[list[float], int, int]:
    """Closed loop; (latencies in the window, errors in it, answers over warm-up and window)."""
    latencies: list[float] = []
    errors = answered = 0
    lock = threading.Lock()
    begin = time.monotonic() + warmup
    end = begin + seconds

    def client(index: int) -> None:
        nonlocal errors, answered
        rng = random.Random(index)
        with httpx.Client(base_url=bases[index % len(bases)], timeout=60,
                          headers={"Authorization": f"Bearer {token}"}) as http:
            while (now := time.monotonic()) < end:
                response = http.get(f"/api/score/{rng.choice(ids)}")
                done = time.monotonic()
                with lock:
                    answered += 1
                if now >= begin:
                    with lock:
                        if response.status_code == 200:
                            latencies.append(done - now)
                        else:
                            errors += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, answered


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="gunicorn workers per instance")
    parser.add_argument("--instances", default="1,2")
    parser.add_argument("--artifact", type=Path, default=ROOT / "artifacts")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data" / "demo")
    args = parser.parse_args()

    from scoring.release import has_model
    from scoring.store import Store
    from scoring.store_cli import explain_clients, load_clients

    scratch = Path(tempfile.mkdtemp(prefix="scale-out-"))
    artifact, data_dir = args.artifact, args.data_dir
    if not has_model(artifact) or not (data_dir / "application_test.csv").exists():
        from scoring.cli import _demo

        artifact, data_dir = scratch / "artifacts", scratch / "demo"
        _demo(artifact, data_dir, 12_000, 0)
    server = start_postgres()
    record = record_header()
    record.update({"seconds": args.seconds, "concurrency": args.concurrency, "workers_per_instance": args.workers,
                   "runs": []})
    try:
        url = server.create_database()
        store = Store.open(url)
        load_clients(store, data_dir, include_train=True, artifact=artifact, progress=False)
        explain_clients(store, artifact, progress=False)
        store.add_user("bench", "viewer", "benchmark password 1")
        token = store.create_token("bench")[1]
        ids = list(store.stored_ids(list(range(100_000, 200_000))))[:5000]
        store.dispose()
        postgres = [p for p in psutil.process_iter(["name", "cmdline"])
                    if p.info["name"] == "postgres" and str(server.directory) in " ".join(p.info["cmdline"] or [])]
        postgres_root = postgres[0].pid if postgres else None
        env = {**os.environ, "DATABASE_URL": url, "PAD_SECRET_KEY": "benchmark", "PAD_ARTIFACT_DIR": str(artifact)}
        for count in [int(n) for n in args.instances.split(",")]:
            processes, bases = start_instances(count, args.workers, env, scratch)
            try:
                apps = [p for process in processes for p in family(process.pid)]
                pg = family(postgres_root) if postgres_root else []
                me = psutil.Process()
                before = (cpu_seconds(apps), cpu_seconds(pg), me.cpu_times().user + me.cpu_times().system)
                started = time.monotonic()
                latencies, errors, answered = load(bases, token, ids, args.concurrency, args.seconds, args.warmup)
                elapsed = time.monotonic() - started
                pg = family(postgres_root) if postgres_root else []  # backends come and go
                after = (cpu_seconds(apps), cpu_seconds(pg), me.cpu_times().user + me.cpu_times().system)
                requests = len(latencies)
                record["runs"].append({
                    "instances": count,
                    "requests": requests, "errors": errors,
                    "throughput_rps": round(requests / args.seconds, 1),
                    "p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
                    "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
                    # CPU is read around warm-up and window together: divided by every answer in both.
                    "answers_including_warmup": answered,
                    "cpu_seconds": {"app": round(after[0] - before[0], 1), "postgres": round(after[1] - before[1], 1),
                                    "load_generator": round(after[2] - before[2], 1), "wall": round(elapsed, 1)},
                    "app_cpu_ms_per_request": round((after[0] - before[0]) / max(answered, 1) * 1000, 2),
                    "postgres_cpu_ms_per_request": round((after[1] - before[1]) / max(answered, 1) * 1000, 2),
                })
            finally:
                for process in processes:
                    process.terminate()
                for process in processes:
                    try:
                        process.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        process.kill()
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    write_record("scale_out", record)


if __name__ == "__main__":
    main()
