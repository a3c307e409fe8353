"""The container image: build time, size, and the time from `podman run` to a healthy /api/health.

    python benchmarks/container.py [--runs 3] [--no-cache]

Needs podman, and the stand-in base image `localhost/python:3.11-slim-local` (tests/deploy builds
it: `pytest tests/deploy/test_container.py`; ../shared/TESTING.md, "Containers"). Starts a private
PostgreSQL (tests/postgres.py), runs the release step once in a container, then times `runs`
starts of the web container (one worker, as a small platform instance), loopback only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).parent)]

from results_file import record_header, write_record  # noqa: E402

from tests.net import free_port  # noqa: E402
from tests.postgres import start_postgres  # noqa: E402

BASE_IMAGE = "localhost/python:3.11-slim-local"
IMAGE = "localhost/pret-a-depenser:bench"


def podman(*args: str, timeout: float = 1800) -> str:
    done = subprocess.run(["podman", "--runtime", "runc", *args], capture_output=True, text=True, timeout=timeout,
                          check=False)
    if done.returncode != 0:
        raise SystemExit(f"podman {' '.join(args[:3])} failed: {done.stderr[-2000:]}")
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-cache", action="store_true", help="build every layer again (as CI's first build)")
    args = parser.parse_args()
    record = record_header()

    started = time.monotonic()
    podman("build", "--format", "docker", "--network", "host", *(["--no-cache"] if args.no_cache else []),
           "--build-arg", f"BASE={BASE_IMAGE}", "-t", IMAGE, str(ROOT))
    record["build_seconds"] = round(time.monotonic() - started, 1)
    record["build_no_cache"] = args.no_cache
    info = json.loads(podman("image", "inspect", IMAGE))[0]
    base = json.loads(podman("image", "inspect", BASE_IMAGE))[0]
    record["image_bytes"] = info["Size"]
    record["base_image_bytes"] = base["Size"]
    record["venv_bytes"] = int(podman("run", "--rm", "--network", "none", IMAGE, "du", "-sb", "/opt/venv").split()[0])

    server = start_postgres()
    url = server.create_database().replace("postgresql+psycopg://", "postgres://")
    env = ["-e", f"DATABASE_URL={url}", "-e", "PAD_SECRET_KEY=benchmark-key", "-e", "PAD_ADMIN_PASSWORD=benchmark pw"]
    try:
        started = time.monotonic()
        podman("run", "--rm", "--network", "host", *env, IMAGE, "credit-scoring", "release")
        record["release_seconds"] = round(time.monotonic() - started, 1)
        healthy = []
        for _ in range(args.runs):
            port = free_port()
            name = f"pad-bench-{port}"
            started = time.monotonic()
            podman("run", "-d", "--name", name, "--network", "host", *env, "-e", f"PORT={port}",
                   "-e", "HOST=127.0.0.1", "-e", "WEB_CONCURRENCY=1", IMAGE)
            try:
                deadline = started + 180
                while time.monotonic() < deadline:
                    try:
                        if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                            healthy.append(round(time.monotonic() - started, 2))
                            break
                    except httpx.HTTPError:
                        time.sleep(0.1)
                else:
                    raise SystemExit("no healthy /api/health within 180 s")
            finally:
                subprocess.run(["podman", "--runtime", "runc", "rm", "-f", "-t", "5", name], capture_output=True,
                               check=False)
        record["run_to_healthy_seconds"] = healthy
    finally:
        server.stop()
    write_record("container", record)


if __name__ == "__main__":
    main()
