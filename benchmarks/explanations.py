"""What an advisor can say to refused clients: reasons that repeat a theme or cite an excluded
column, and how many refused clients get an honest option (now, over time), by distance to the
refusal boundary, with the recourse search's latency.

    python benchmarks/explanations.py --artifact ARTIFACT_DIR --database-url URL [--clients 800] [--label after]

It runs against whichever `scoring` package is first on the path, so the same file measures an
older checkout too (PYTHONPATH=OLD_TREE): reasons are read through `score.reasons()` and mapped to
this tree's theme catalogue and feature policy, loaded from their files.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from results_file import record_header, write_record

HERE = Path(__file__).resolve().parents[1]
# Points of probability above the refusal boundary (review_high).
DISTANCE_BINS = ((0.0, 0.02), (0.02, 0.05), (0.05, 0.10), (0.10, 1.0))


def _load(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _reason_features(reason: Any) -> list[str]:
    """The model features a reason rests on: a theme's members, or the one feature of an old reason."""
    features = getattr(reason, "features", None)
    if features:
        return [f["feature"] for f in features]
    return [reason.feature]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--artifact", type=Path, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--clients", type=int, default=800)
    parser.add_argument("--label", default="after")
    args = parser.parse_args()

    from scoring.service import ScoringService
    from scoring.store import Store

    themes = _load("catalogue_themes", HERE / "scoring" / "themes.py")
    policy = _load("catalogue_policy", HERE / "scoring" / "feature_policy.py")
    store = Store(args.database_url)
    service = ScoringService.from_artifact(args.artifact, store)
    ids = [hit.client_id for hit in store.search("", limit=100, offset=0)[1]]
    offset = 100
    while len(ids) < args.clients:
        page = store.search("", limit=100, offset=offset)[1]
        if not page:
            break
        ids += [hit.client_id for hit in page]
        offset += 100
    ids = ids[:args.clients]
    review_high = service.review_band[1]
    refused, repeated, forbidden, two_ext = 0, 0, 0, 0
    coverage: dict[str, dict[str, int]] = {f"{lo:.2f}-{hi:.2f}": {"refused": 0, "now": 0, "over_time": 0, "any": 0}
                                           for lo, hi in DISTANCE_BINS}
    latencies = []
    for client_id in ids:
        score = service.score_client(client_id)
        if score.decision != "refused":
            continue
        refused += 1
        raising = score.reasons(lang="fr")["raises_risk"][:4]
        # The concept each reason speaks of: the theme of its leading feature.
        concepts = [themes.theme_of(_reason_features(r)[0]).code for r in raising]
        repeated += len(concepts) != len(set(concepts))
        two_ext += concepts.count("EXT_SCORES") >= 2
        forbidden += any(policy.is_excluded(f) for r in raising for f in _reason_features(r)[:1])
        begin = time.perf_counter()
        recourse = service.recourse(client_id)
        latencies.append((time.perf_counter() - begin) * 1000)
        kinds = {"over_time" if getattr(o, "kind", "") == "over_time" else "now" for o in recourse.options}
        distance = score.probability_of_default - review_high
        for lo, hi in DISTANCE_BINS:
            if lo <= distance < hi:
                row = coverage[f"{lo:.2f}-{hi:.2f}"]
                row["refused"] += 1
                row["now"] += "now" in kinds
                row["over_time"] += "over_time" in kinds
                row["any"] += bool(kinds)
    latencies.sort()
    total = {key: sum(row[key] for row in coverage.values()) for key in ("refused", "now", "over_time", "any")}
    record = {
        **record_header(),
        "label": args.label,
        "model_version": service.artifact.version,
        "clients_scored": len(ids),
        "refused": refused,
        "reasons": {
            "share_refused_with_two_reasons_of_one_theme": repeated / refused if refused else None,
            "share_refused_citing_two_external_score_variants": two_ext / refused if refused else None,
            "share_refused_citing_an_excluded_column": forbidden / refused if refused else None,
        },
        "recourse": {
            "share_with_an_option_now": total["now"] / total["refused"] if total["refused"] else None,
            "share_with_an_option_over_time": total["over_time"] / total["refused"] if total["refused"] else None,
            "share_with_any_option": total["any"] / total["refused"] if total["refused"] else None,
            "by_points_above_refusal_boundary": coverage,
            "latency_ms_median": round(statistics.median(latencies), 1) if latencies else None,
            "latency_ms_p95": round(latencies[int(0.95 * (len(latencies) - 1))], 1) if latencies else None,
        },
        "what": "score_client (stored explanation when present) and find_recourse per refused stored client, "
                "first clients by search order; concepts = this tree's reason themes",
    }
    write_record("explanations", record)


if __name__ == "__main__":
    main()
