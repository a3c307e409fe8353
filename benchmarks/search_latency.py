"""Search latency through the API (`GET /api/clients`) under gunicorn, on a copy of a full store.

    python benchmarks/search_latency.py --artifact ARTIFACT_DIR --store /tmp/full-store.db \
        [--app-root OTHER_CHECKOUT] [--seconds 8]

The store is copied first (SQLite's backup API, the source opened read-only), so the original is
never touched; a bench user and token are added to the copy. gunicorn serves `app:server` from
`--app-root` (default: this checkout; give another checkout to measure its search code on the
same copy and the same machine state). wrk drives each query mix at 1 and 8 connections:

- `mixed`: the API benchmark's mix (80 % id prefixes of 3 to 5 digits, 20 % English level codes);
- `words`: French and English level names, accents and case varied ("retraité", "OUVRIER",
  "crédit renouvelable", "Pensioner", "commercial", …), first page;
- `words_paged`: the same words, pages 2 to 6 (offset 8 to 40, limit 8, as the dashboard pages).

In the same run each query is timed in-process through `Store.search` (median of 30), which is the
database's share. Target: p50 ≤ 20 ms at 8 connections. With `--postgres`, the copy's current
versions are also loaded into a private PostgreSQL (tests/postgres.py) and the same queries timed
in-process there, first page and page 6; `--no-api` skips gunicorn and wrk.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from api_latency import configured_worker_class, cpu_probe_ms, drive_wrk, free_port, wait_ready
from results_file import record_header, write_record

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = ["retraité", "RETRAITE", "Pensioner", "ouvrier", "OUVRIER", "Laborers", "salarié", "Working",
         "commercial", "crédit renouvelable", "Revolving loans", "prêt personnel", "cadre", "Managers",
         "fonctionnaire", "sales staff", "staff", "chauffeur", "salarié ouvrier", "Commercial associate"]
ENGLISH_CODES = ["Working", "Pensioner", "Laborers", "Cash loans", "Sales staff"]


def copy_store(source: Path, target: Path) -> None:
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)


def time_searches(store: Any, offsets: tuple[int, ...] = (0,)) -> dict[str, dict[str, float | int]]:
    """Median of 30 `Store.search` calls per word (and offset), with the total it found."""
    timings: dict[str, dict[str, float | int]] = {}
    for word in WORDS:
        for offset in offsets:
            times = []
            for _ in range(30):
                begin = time.perf_counter()
                total, _ = store.search(word, limit=8, offset=offset)
                times.append((time.perf_counter() - begin) * 1000)
            key = word if offset == 0 else f"{word} @{offset}"
            timings[key] = {"total": total, "median_ms": round(statistics.median(times), 2)}
    return timings


def postgres_timings(copy: Path) -> dict[str, object]:
    """The copy's current versions loaded into a private PostgreSQL, searched in-process."""
    from scoring.store import NewClient, Store
    from tests.postgres import start_postgres

    with sqlite3.connect(f"file:{copy}?mode=ro", uri=True) as source:
        rows = source.execute(
            "SELECT c.client_id, v.fields, c.in_training_set, c.probability_of_default, c.decision, c.model_version "
            "FROM clients c JOIN client_versions v ON v.client_id = c.client_id AND v.version = c.current_version"
        ).fetchall()
    clients = [NewClient(client_id, json.loads(fields), bool(training), probability, decision, model)
               for client_id, fields, training, probability, decision, model in rows]
    server = start_postgres()
    try:
        store = Store.open(server.create_database())
        started = time.perf_counter()
        store.bulk_load(clients, progress=False)
        load_seconds = time.perf_counter() - started
        timings = time_searches(store, (0, 40))
        store.dispose()
        return {"clients": len(clients), "bulk_load_seconds": round(load_seconds, 1), "search": timings}
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--artifact", type=Path, required=True)
    parser.add_argument("--store", type=Path, required=True, help="a SQLite store file (copied, never modified)")
    parser.add_argument("--app-root", type=Path, default=ROOT, help="checkout whose app gunicorn serves")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each wrk measure")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--postgres", action="store_true", help="also time the searches in-process on PostgreSQL")
    parser.add_argument("--no-api", action="store_true", help="skip gunicorn and wrk (in-process timings only)")
    args = parser.parse_args()

    from scoring.store import Store

    app_root = args.app_root.resolve()
    workdir = Path(tempfile.mkdtemp(prefix="search-bench-"))
    copy = workdir / "store.db"
    started = time.perf_counter()
    copy_store(args.store, copy)
    copy_seconds = time.perf_counter() - started
    database = f"sqlite:///{copy}"
    store = Store.open(database)
    store.add_user("bench", "viewer", "benchmark-password")
    token = store.create_token("bench")[1]
    clients = store.count_clients()
    _, recent = store.search("", limit=100)
    client_ids = [hit.client_id for hit in recent]

    rng = random.Random(0)
    mixed = [("GET", "/api/clients?" + urlencode({
        "q": str(rng.choice(client_ids))[: rng.randint(3, 5)] if rng.random() < 0.8 else rng.choice(ENGLISH_CODES),
        "limit": 20}), None) for _ in range(500)]
    words = ["/api/clients?" + urlencode({"q": word, "limit": 8}) for word in WORDS]
    paged = ["/api/clients?" + urlencode({"q": word, "limit": 8, "offset": 8 * page})
             for word in WORDS for page in range(1, 6)]

    # The database's share, in-process on the same copy (what the API adds is JSON and HTTP).
    in_process = time_searches(store)
    store.dispose()
    postgres = postgres_timings(copy) if args.postgres else None
    if args.no_api:
        copy.unlink(missing_ok=True)
        write_record("search_latency", {**record_header(), "store": str(args.store), "clients_in_store": clients,
                                        "store_search_in_process": in_process, "postgres": postgres})
        return

    port = free_port()
    env = {**os.environ, "PAD_DATA_DIR": str(workdir), "PAD_ARTIFACT_DIR": str(args.artifact),
           "DATABASE_URL": database, "HOST": "127.0.0.1", "PORT": str(port), "PYTHONPATH": str(app_root),
           "WEB_CONCURRENCY": str(args.workers), "PAD_THREADS": str(args.threads), "PAD_SECRET_KEY": "bench"}
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    server = subprocess.Popen([gunicorn, "-c", str(app_root / "gunicorn.conf.py"), "-k", configured_worker_class(),
                               "app:server"], cwd=app_root, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    results: dict[str, object] = {}
    try:
        wait_ready(base, token, server, 120)
        answers = {word: httpx.get(f"{base}{path}", headers={"Authorization": f"Bearer {token}"}).json()["total"]
                   for word, path in zip(WORDS, words, strict=True)}
        drive_wrk(base, token, words, 2, 8)  # warm every worker up
        for name, paths in (("mixed", [path for _, path, _ in mixed]), ("words", words), ("words_paged", paged)):
            for concurrency in (1, 8):
                probe = cpu_probe_ms()
                results[f"{name}_c{concurrency}"] = {**drive_wrk(base, token, paths, args.seconds, concurrency),
                                                     "cpu_probe_ms": probe}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        copy.unlink(missing_ok=True)
        for leftover in workdir.glob("store.db-*"):
            leftover.unlink()

    git = subprocess.run(["git", "-C", str(app_root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    write_record("search_latency", {
        **record_header(),
        "app_root": str(app_root),
        "app_commit": git.stdout.strip(),
        "store": str(args.store),
        "clients_in_store": clients,
        "copy_seconds": round(copy_seconds, 1),
        "gunicorn": {"workers": args.workers, "threads": args.threads, "worker_class": configured_worker_class()},
        "generator": "wrk (one thread)",
        "seconds_per_measure": args.seconds,
        "api_totals": answers,
        "store_search_in_process": in_process,
        "postgres": postgres,
        "results": results,
    })


if __name__ == "__main__":
    main()
