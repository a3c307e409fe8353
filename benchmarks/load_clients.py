"""`credit-scoring load-clients` wall time at full scale, its idempotent rerun, and store queries.

    python benchmarks/load_clients.py --data-dir /work/data/full-bench [--backends sqlite,postgresql]
        [--artifact DIR] [--postgres-url URL] [--include-train]

Each backend gets an empty database: a SQLite file in a temporary directory; for PostgreSQL the
server at --postgres-url (or TEST_DATABASE_URL_PG), else a throwaway local cluster started the way
the tests do (tests/postgres.py). The command runs as a child process, as a user would run it, with
an empty Parquet cache, so the time includes start-up, the validating CSV pass, scoring (with
--artifact) and the inserts. It then runs again (nothing to insert) and times a few queries
in-process: search (empty, id prefixes, text), current(), history() and append_version().
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from results_file import machine_description, write_record

REPOSITORY = Path(__file__).resolve().parent.parent
QUERY_REPEATS = 50


def load_command(data_dir: Path, url: str, artifact: Path | None, include_train: bool) -> list[str]:
    command = [sys.executable, "-m", "scoring.cli", "load-clients", "--data-dir", str(data_dir),
               "--no-progress", "--database-url", url]
    command += ["--include-train"] if include_train else []
    return command + (["--artifact", str(artifact)] if artifact else ["--no-score"])


def timed_load(command: list[str], cache_dir: Path) -> dict[str, Any]:
    environment = {**os.environ, "SCORING_CACHE_DIR": str(cache_dir)}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPOSITORY, env=environment, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"load-clients failed ({done.returncode}):\n{done.stderr}")
    return {
        "seconds": round(seconds, 2),
        "output": done.stderr.strip().splitlines()[-3:],
        # Largest resident set of any child so far (they run one after the other).
        "children_max_rss_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
    }


def milliseconds(call: Any, repeats: int = QUERY_REPEATS) -> dict[str, float]:
    call()  # first call pays connection and statement-cache set-up
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"p50_ms": round(statistics.median(samples), 2), "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 2)}


def query_timings(url: str) -> dict[str, Any]:
    from scoring.store import Store

    store = Store.open(url)
    try:
        total, hits = store.search("", limit=20)
        some_id = hits[0].client_id
        prefix = str(some_id)[:3]
        timings: dict[str, Any] = {
            "clients": total,
            "search_recent_page1": milliseconds(lambda: store.search("", limit=20)),
            "search_recent_page_1000": milliseconds(lambda: store.search("", limit=20, offset=20_000)),
            f"search_id_prefix_{prefix}": milliseconds(lambda: store.search(prefix, limit=20)),
            f"search_exact_id_{some_id}": milliseconds(lambda: store.search(str(some_id), limit=20)),
            "search_text_laborers": milliseconds(lambda: store.search("laborers", limit=20)),
            "search_text_two_words": milliseconds(lambda: store.search("working cash", limit=20)),
            "count_clients": milliseconds(store.count_clients),
            "current": milliseconds(lambda: store.current(some_id)),
        }
        timings["matches"] = {
            prefix: store.search(prefix)[0],
            "laborers": store.search("laborers")[0],
            "working cash": store.search("working cash")[0],
        }
        version = store.current(some_id)
        edits = []
        for step in range(20):
            fields = {**version.fields, "AMT_CREDIT": float(100_000 + step)}
            started = time.perf_counter()
            version = store.append_version(some_id, expected_version=version.version, fields=fields,
                                           author="benchmark", reason="benchmark edit",
                                           probability_of_default=None, decision=None, model_version=None)
            edits.append((time.perf_counter() - started) * 1000)
        timings["append_version_p50_ms"] = round(statistics.median(edits), 2)
        timings["history_21_versions"] = milliseconds(lambda: store.history(some_id))
        return timings
    finally:
        store.dispose()


def postgres_server(explicit: str | None) -> Any:
    sys.path.insert(0, str(REPOSITORY))
    from scoring.store import normalize_database_url
    from tests.postgres import PostgresServer, start_postgres

    given = explicit or os.environ.get("TEST_DATABASE_URL_PG")
    if given:
        return PostgresServer(admin_url=normalize_database_url(given).render_as_string(hide_password=False))
    return start_postgres()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--artifact", type=Path, default=None)
    parser.add_argument("--postgres-url", default=None)
    parser.add_argument("--include-train", action="store_true",
                        help="also load the 307,511 training applications")
    args = parser.parse_args()

    record: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_description(),
        "load_average_1min_before": round(os.getloadavg()[0], 2),
        "command": " ".join(["python", *sys.argv]),
        "data_dir": str(args.data_dir),
        "scored_with": str(args.artifact) if args.artifact else None,
        "target": "48,744 applicants loaded in at most 60 s",
        "include_train": args.include_train,
        "backends": {},
    }
    with tempfile.TemporaryDirectory(prefix="load-clients-bench-") as scratch:
        for backend in args.backends.split(","):
            server = None
            if backend == "sqlite":
                url = f"sqlite:///{scratch}/store.db"
            else:
                server = postgres_server(args.postgres_url)
                url = server.create_database()
            command = load_command(args.data_dir, url, args.artifact, args.include_train)
            cache = Path(scratch) / f"cache-{backend}"
            first = timed_load(command, cache)
            second = timed_load(command, cache)
            result: dict[str, Any] = {
                "first_load_cold_cache": first,
                "second_load_idempotent": second,
                "command": " ".join(command[1:]).replace(url, "<URL>"),
                "queries": query_timings(url),
            }
            if backend == "sqlite":
                result["database_mib"] = round(sum(path.stat().st_size for path in Path(scratch).glob("store.db*"))
                                               / 1024**2)
            record["backends"][backend] = result
            print(f"{backend}: first load {first['seconds']} s, rerun {second['seconds']} s", flush=True)
            if server is not None:
                server.drop_database(url)
                server.stop()
    record["load_average_1min_after"] = round(os.getloadavg()[0], 2)
    write_record("load_clients", record)


if __name__ == "__main__":
    main()
