"""ScoringService start-up time and per-client score + explanation latency on an artifact.

    python benchmarks/service_latency.py --artifact ARTIFACT_DIR --data-dir DATA_DIR [--clients 200]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from results_file import record_header, write_record


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--artifact", type=Path, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--clients", type=int, default=200)
    args = parser.parse_args()

    started = time.perf_counter()
    from scoring.service import ScoringService

    service = ScoringService.from_artifact(args.artifact)
    startup = time.perf_counter() - started

    from scoring.data import load_tables

    applications = load_tables(args.data_dir, tables=["application_train"])["application_train"]
    rows = [{k: v for k, v in row.items() if k != "TARGET"}
            for row in applications.head(args.clients).collect().to_dicts()]
    service.score(rows[0])  # first call pays one-off lazy initialisation
    latencies, score_only = [], []
    for row in rows:
        begin = time.perf_counter()
        service.score(row).to_dict("fr")
        latencies.append((time.perf_counter() - begin) * 1000)
        begin = time.perf_counter()
        service.score(row, explain=False)
        score_only.append((time.perf_counter() - begin) * 1000)
    latencies.sort()
    score_only.sort()
    record = {
        **record_header(),
        "model_version": service.artifact.version,
        "startup_seconds": round(startup, 2),
        "clients": len(latencies),
        "latency_ms_median": round(statistics.median(latencies), 1),
        "latency_ms_p95": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "what": "validate + features + TreeSHAP + to_dict(fr) per client; score_only: validate + features + predict",
        "score_only_ms_median": round(statistics.median(score_only), 2),
        "score_only_ms_p95": round(score_only[int(0.95 * (len(score_only) - 1))], 2),
    }
    write_record("service_latency", record)


if __name__ == "__main__":
    main()
