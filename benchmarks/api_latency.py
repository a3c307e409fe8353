"""API latency under gunicorn, against the in-process service, on one artifact and one store.

    python benchmarks/api_latency.py --artifact ARTIFACT_DIR --data-dir DATA_DIR [--requests 2000]

Builds a fresh SQLite store in a temporary directory, loads the applications to decide
(application_test, scored in batch), starts `gunicorn app:server` with the project's
gunicorn.conf.py on loopback, and drives it with a bounded load generator (a fixed number of
requests from N client threads, each with its own keep-alive connection). In the same run it times
the same operations in-process through ScoringService, so the API's overhead is a ratio of two
numbers measured on the same machine state.

Explained scores are measured twice: computed live (the store holds no explanation yet), then,
after `credit-scoring explain-clients` (timed), read from the store. `health_c8` is the floor of
the stack (gunicorn, Flask, no token, no store), and every measure records the CPU time the
workers and the generator itself spent per request: on 2 shared cores both bound the latency.
"""

from __future__ import annotations

import argparse
import ast
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import httpx
import psutil
from results_file import record_header, write_record

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]


def summary(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50_ms": round(percentile(values, 0.5), 2), "p90_ms": round(percentile(values, 0.9), 2),
            "p99_ms": round(percentile(values, 0.99), 2), "mean_ms": round(statistics.fmean(values), 2)}


def drive(base: str, token: str, make_request: Callable[[random.Random], tuple[str, str, dict | None]],
          total: int, concurrency: int, seed: int = 0) -> list[float]:
    """`total` requests spread over `concurrency` threads; latencies in ms; stops on any non-2xx.

    Each thread keeps one keep-alive connection through http.client: the generator shares the
    server's two cores, and http.client costs a fraction of a richer client's CPU per request."""
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    lock = threading.Lock()
    failures: list[str] = []

    def worker(index: int, count: int) -> None:
        rng = random.Random(seed * 1000 + index)
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        try:
            for _ in range(count):
                method, url, body = make_request(rng)
                payload = None if body is None else json.dumps(body).encode()
                started = time.perf_counter()
                connection.request(method, url, body=payload, headers=headers)
                response = connection.getresponse()
                data = response.read()
                elapsed = (time.perf_counter() - started) * 1000
                if response.status >= 300:
                    failures.append(f"{method} {url} -> {response.status} {data[:200]!r}")
                    return
                with lock:
                    latencies.append(elapsed)
        except (OSError, http.client.HTTPException) as error:
            failures.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    share = [total // concurrency + (1 if i < total % concurrency else 0) for i in range(concurrency)]
    threads = [threading.Thread(target=worker, args=(i, n)) for i, n in enumerate(share)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit("request failed: " + failures[0])
    return latencies


WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local next_path = 0
local headers = {["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")}
request = function()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.stderr:write(string.format(
    '{"requests": %d, "non_2xx": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "mean_us": %.1f}\\n',
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean))
end
"""


def drive_wrk(base: str, token: str, paths: list[str], seconds: float, concurrency: int) -> dict[str, float]:
    """GET `paths` in turn from `concurrency` keep-alive connections for `seconds`, with wrk (one
    thread): a C generator costs the shared cores about a tenth of what http.client does."""
    with tempfile.TemporaryDirectory() as directory:
        script, listing = Path(directory) / "bench.lua", Path(directory) / "paths.txt"
        script.write_text(WRK_SCRIPT)
        listing.write_text("\n".join(paths) + "\n")
        done = subprocess.run(
            ["wrk", "-t1", f"-c{concurrency}", f"-d{max(1, round(seconds))}s", "--timeout", "60s",
             "-s", str(script), base],
            env={**os.environ, "BENCH_PATHS": str(listing), "BENCH_TOKEN": token},
            capture_output=True, text=True,
        )
    if done.returncode:
        raise SystemExit(f"wrk failed: {done.stdout} {done.stderr}")
    figures = json.loads(done.stderr.strip().splitlines()[-1])
    if figures["non_2xx"] or figures["socket_errors"]:
        raise SystemExit(f"wrk: {figures['non_2xx']} non-2xx answers, {figures['socket_errors']} socket errors")
    return {"n": figures["requests"], "p50_ms": round(figures["p50_us"] / 1000, 2),
            "p90_ms": round(figures["p90_us"] / 1000, 2), "p99_ms": round(figures["p99_us"] / 1000, 2),
            "mean_ms": round(figures["mean_us"] / 1000, 2)}


def cpu_probe_ms() -> float:
    """Time of a fixed pure-Python loop: this VM's speed drifts (the same loop takes 300 to 560 ms
    from one minute to the next), so each measure records how fast the machine was just before."""
    begin = time.perf_counter()
    total = 0
    for i in range(1_000_000):
        total += i
    return round((time.perf_counter() - begin) * 1000, 1)


def configured_worker_class() -> str:
    """`worker_class` as gunicorn.conf.py sets it, read without running the file: running it
    would set POLARS_MAX_THREADS in this process, which also times the service in-process."""
    tree = ast.parse((ROOT / "gunicorn.conf.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "worker_class" for t in node.targets):
            return ast.literal_eval(node.value)
    return "sync"  # gunicorn's own default


def wait_ready(base: str, token: str, process: subprocess.Popen, seconds: float, label: str = "server") -> None:
    """Until /api/ready answers 200; SystemExit when the server dies or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(f"{base}/api/ready", headers={"Authorization": f"Bearer {token}"}).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            raise SystemExit(f"{label}: the server did not become ready in {seconds:.0f} s")
        time.sleep(0.5)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--artifact", type=Path, required=True)
    parser.add_argument("--data-dir", type=Path, required=True, help="holds application_test.csv")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--generator", choices=("wrk", "python"), default="wrk" if shutil.which("wrk") else "python",
                        help="load generator: wrk (Debian package `wrk`, default when installed) or "
                             "http.client threads")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each wrk measure")
    parser.add_argument("--worker-class", default=None,
                        help="gunicorn worker class instead of gunicorn.conf.py's (e.g. gthread, to compare)")
    args = parser.parse_args()

    from scoring.service import ScoringService
    from scoring.store import Store
    from scoring.store_cli import main as store_main

    load_at_start = round(os.getloadavg()[0], 2)

    workdir = Path(tempfile.mkdtemp(prefix="api-bench-"))
    database = f"sqlite:///{workdir / 'store.db'}"
    started = time.perf_counter()
    store_main(["load-clients", "--data-dir", str(args.data_dir), "--artifact", str(args.artifact),
                "--database-url", database, "--no-progress"])
    load_seconds = time.perf_counter() - started
    store = Store.open(database)
    store.add_user("bench", "advisor", "benchmark-password")
    token = store.create_token("bench")[1]
    total_clients, _ = store.search("", limit=1)
    import polars as pl

    client_ids = pl.read_csv(args.data_dir / "application_test.csv", columns=["SK_ID_CURR"])["SK_ID_CURR"].to_list()

    port = free_port()
    env = {**os.environ, "PAD_DATA_DIR": str(workdir), "PAD_ARTIFACT_DIR": str(args.artifact),
           "DATABASE_URL": database, "HOST": "127.0.0.1", "PORT": str(port),
           "WEB_CONCURRENCY": str(args.workers), "PAD_THREADS": str(args.threads), "PAD_SECRET_KEY": "bench"}
    worker_class = args.worker_class or configured_worker_class()
    server = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "-c", str(ROOT / "gunicorn.conf.py"),
                               "-k", worker_class, "app:server"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, token, server, 120)
        # Every worker reads the artifact on its first request paths: warm them all up.
        drive(base, token, lambda r: ("GET", f"/api/score/{r.choice(client_ids)}", None), 64, args.concurrency, 99)

        def score(explain: bool) -> Callable[[random.Random], tuple[str, str, None]]:
            suffix = "" if explain else "?explain=false"
            return lambda r: ("GET", f"/api/score/{r.choice(client_ids)}{suffix}", None)

        def search(r: random.Random) -> tuple[str, str, None]:
            query = str(r.choice(client_ids))[: r.randint(3, 5)] if r.random() < 0.8 else r.choice(
                ["Working", "Pensioner", "Laborers", "Cash loans", "Sales staff"])
            return "GET", "/api/clients?" + urlencode({"q": query, "limit": 20}), None

        workers = psutil.Process(server.pid).children()

        def measured(make_request: Callable[[random.Random], tuple[str, str, dict | None]], total: int,
                     concurrency: int) -> dict[str, float]:
            # The workers' CPU time per request: with N requests in flight on C cores, a request
            # cannot take much less than N / C times it.
            probe = cpu_probe_ms()
            cpu_before = sum(sum(w.cpu_times()[:2]) for w in workers)
            own_before = sum(generator.cpu_times()[:2]) + sum(generator.cpu_times()[2:4])  # wrk: a child
            rng = random.Random(0)
            requests = [make_request(rng) for _ in range(total)]
            if args.generator == "wrk" and all(method == "GET" for method, _, _ in requests):
                result = drive_wrk(base, token, [path for _, path, _ in requests], args.seconds, concurrency)
            else:
                result = summary(drive(base, token, make_request, total, concurrency))
            cpu_after = sum(sum(w.cpu_times()[:2]) for w in workers)
            own_after = sum(generator.cpu_times()[:2]) + sum(generator.cpu_times()[2:4])
            done = result["n"]
            return {**result, "cpu_probe_ms": probe,
                    "server_cpu_ms_per_request": round((cpu_after - cpu_before) * 1000 / done, 2),
                    "generator_cpu_ms_per_request": round((own_after - own_before) * 1000 / done, 2)}

        def in_process(explain_only: bool, count: int) -> dict[str, float]:
            rng = random.Random(5)
            explained, score_only = [], []
            for _ in range(count):
                client_id = rng.choice(client_ids)
                begin = time.perf_counter()
                service.score_client(client_id).to_dict("fr")
                explained.append((time.perf_counter() - begin) * 1000)
                if explain_only:
                    continue
                begin = time.perf_counter()
                service.score_client(client_id, explain=False).to_dict("fr", explain=False)
                score_only.append((time.perf_counter() - begin) * 1000)
            return {"explain": summary(explained), **({} if explain_only else {"only": summary(score_only)})}

        generator = psutil.Process()
        service = ScoringService.from_artifact(args.artifact, store=Store.open(database))
        results: dict[str, object] = {}
        results["health_c8"] = measured(lambda r: ("GET", "/api/health", None), args.requests, args.concurrency)
        # Before explain-clients: every explanation is computed on request.
        for concurrency in sorted({1, args.concurrency}):
            results[f"score_explain_live_c{concurrency}"] = measured(score(True), args.requests, concurrency)
        results["service_score_explain_live"] = in_process(True, min(args.requests, 1000))["explain"]
        started = time.perf_counter()
        store_main(["explain-clients", "--artifact", str(args.artifact), "--database-url", database, "--no-progress"])
        explain_seconds = time.perf_counter() - started
        for concurrency in sorted({1, args.concurrency}):
            results[f"score_explain_c{concurrency}"] = measured(score(True), args.requests, concurrency)
            results[f"score_only_c{concurrency}"] = measured(score(False), args.requests, concurrency)
            results[f"search_c{concurrency}"] = measured(search, args.requests // 2, concurrency)
        batch_ids = client_ids[:1000]
        batch = [{"client_id": c} for c in batch_ids]
        results["batch_1000_explained"] = measured(
            lambda r: ("POST", "/api/score/batch", {"items": batch, "explain": True}), 5, 1)

        # The same operations in-process, on the same machine state.
        measured_in_process = in_process(False, min(args.requests, 1000))
        results["service_score_explain"] = measured_in_process["explain"]
        results["service_score_only"] = measured_in_process["only"]
        for concurrency in sorted({1, args.concurrency}):
            for path, service_key in (("", "service_score_explain"), ("_live", "service_score_explain_live")):
                api_p50 = results[f"score_explain{path}_c{concurrency}"]["p50_ms"]
                service_p50 = results[service_key]["p50_ms"]
                results[f"api_to_service_ratio_explain{path}_c{concurrency}"] = round(api_p50 / service_p50, 2)
                results[f"api_overhead_ms_explain{path}_c{concurrency}"] = round(api_p50 - service_p50, 2)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        # The store (about 300 MB at full scale) is this run's scratch: nothing reads it again.
        shutil.rmtree(workdir, ignore_errors=True)

    record = {
        **record_header(),
        "load_average_1min_at_start": load_at_start,
        "artifact": str(args.artifact),
        "clients_in_store": total_clients,
        "load_clients_seconds": round(load_seconds, 1),
        "explain_clients_seconds": round(explain_seconds, 1),
        "gunicorn": {"workers": args.workers, "threads": args.threads,
                     "worker_class": worker_class},
        "generator": args.generator if args.generator == "python" else "wrk (one thread; the batch uses http.client)",
        "requests_per_measure": args.requests,
        "results": results,
    }
    write_record("api_latency", record)


if __name__ == "__main__":
    main()
