"""Merge results.json files of runs on the same data and folds (methods run in separate processes).

On 2 shared cores the methods were run one process at a time; merging checks that every run used
the same data file, folds and texts, then recomputes the headline folds, the pooled confusion
matrices and the statistics over the union of methods. Each run's command, time and load stay in
`meta.runs`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np

from nlp.compare import statistics, summarise


class MergeError(ValueError):
    """Runs that cannot be merged; the message names the file and the difference."""


def _check_same(base: dict[str, Any], other: dict[str, Any], path: Path) -> None:
    checks = {
        "data sha256": (base["meta"]["data"]["sha256"], other["meta"]["data"]["sha256"]),
        "number of texts": (base["meta"]["data"]["n_texts"], other["meta"]["data"]["n_texts"]),
        "folds (n_splits, seed)": ((base["protocol"]["n_splits"], base["protocol"]["seed"]),
                                   (other["protocol"]["n_splits"], other["protocol"]["seed"])),
        "text ids": (base["texts"]["ids"], other["texts"]["ids"]),
        "fold of each text": (base["texts"]["fold"], other["texts"]["fold"]),
        "quick mode": (base["meta"]["quick"], other["meta"]["quick"]),
    }
    for what, (a, b) in checks.items():
        if a != b:
            raise MergeError(f"{path}: {what} differs from the first run; these runs cannot be merged")


def _read_run(p: Path, flag: str = "") -> dict[str, Any]:
    where = f"{flag} {p}" if flag else str(p)
    try:
        r = json.loads(Path(p).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MergeError(f"{where}: file not found") from None
    except json.JSONDecodeError as exc:
        raise MergeError(f"{where}: not valid JSON ({exc})") from None
    if "texts" not in r or "methods" not in r:
        raise MergeError(f"{where}: not a results.json with out-of-fold predictions (written by this version)")
    return r


def merge_results(paths: list[Path], seed_runs: list[Path] | None = None,
                  variant_runs: list[Path] | None = None, fewshot_runs: list[Path] | None = None,
                  partial_runs: list[Path] | None = None) -> dict[str, Any]:
    runs = [(Path(p), _read_run(p)) for p in paths]
    base = runs[0][1]
    for p, r in runs[1:]:
        _check_same(base, r, p)
    methods: dict[str, Any] = {}
    curve: dict[str, Any] = {}
    source_protocol: dict[str, dict[str, Any]] = {}
    source_meta: dict[str, dict[str, Any]] = {}
    for _, r in runs:  # a later run of the same method replaces an earlier one
        methods.update(r["methods"])
        curve.update(r["learning_curve"])
        source_protocol.update({m: r["protocol"] for m in r["methods"]})
        source_meta.update({m: r["meta"] for m in r["methods"]})
    headline = sorted(set.intersection(*(set(m["all_folds"]["folds"]) for m in methods.values())))
    k = len(base["label_names"])
    for m in methods.values():
        rows = [r for r in m["per_fold"] if r["fold"] in headline]
        m["headline"] = summarise(rows)
        pooled = np.zeros((k, k), dtype=int)
        for r in rows:
            pooled += np.asarray(r["confusion"])
        m["confusion_headline_pooled"] = pooled.tolist()
    meta = dict(base["meta"])
    meta["runs"] = [
        {"file": str(p), "command": r["meta"]["command"], "date_utc": r["meta"]["date_utc"],
         "total_time_s": r["meta"]["total_time_s"], "process_cpu_time_s": r["meta"].get("process_cpu_time_s"),
         "load_average_start": r["meta"]["load_average_start"], "load_average_end": r["meta"]["load_average_end"],
         "methods": list(r["methods"]), "complete": r["meta"].get("complete", True),
         "train_seed": int(r["protocol"].get("train_seed", 0))}
        for p, r in runs
    ]
    meta["total_time_s"] = float(sum(run["total_time_s"] for run in meta["runs"]))
    meta["process_cpu_time_s"] = float(sum(run["process_cpu_time_s"] or 0.0 for run in meta["runs"]))
    meta["command"] = "python -m nlp merge " + " ".join(str(p) for p, _ in runs)
    meta["date_utc"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    meta["complete"] = all(run["complete"] for run in meta["runs"])
    protocol = dict(base["protocol"])
    protocol["headline_folds"] = headline
    # A method's settings are those of the run it came from, not of the first file merged (which
    # recorded SetFit's max_steps as 24 where the SetFit run used 16).
    for key, method in METHOD_SETTINGS.items():
        if method in source_protocol:
            src = source_protocol[method]
            if key in src:
                protocol[key] = src[key]
            elif key in LEGACY_DEFAULTS:
                protocol[key] = {**LEGACY_DEFAULTS[key], "recorded_by_run": False}
    protocol["settings_source"] = {key: source_meta[m]["command"] for key, m in METHOD_SETTINGS.items()
                                   if m in source_meta}
    merged = {**base, "meta": meta, "protocol": protocol, "methods": methods, "learning_curve": curve}
    merged["statistics"] = statistics(merged)
    if seed_runs:
        merged["seed_spread"] = seed_spread(merged, seed_runs)
        meta["seed_runs"] = [str(p) for p in seed_runs]
    if variant_runs:
        merged["variants"] = variants(merged, variant_runs, source_protocol, source_meta)
        meta["variant_runs"] = [str(p) for p in variant_runs]
    if partial_runs:
        merged["partial_runs"] = partial(merged, partial_runs)
        meta["partial_runs"] = [str(p) for p in partial_runs]
    if fewshot_runs:
        from nlp.fewshot import combine

        few = [json.loads(Path(p).read_text(encoding="utf-8")) for p in fewshot_runs]
        for p, r in zip(fewshot_runs, few, strict=True):
            if r["texts"]["ids"] != merged["texts"]["ids"]:
                raise MergeError(f"--fewshot-runs {p}: not the same texts as the merged runs")
        merged["few_shot"] = combine(few)
        meta["fewshot_runs"] = [str(p) for p in fewshot_runs]
    return merged


# Protocol entry -> the method whose run supplies it in a merged file.
METHOD_SETTINGS = {"setfit": "setfit_minilm", "minilm_finetuned": "minilm_finetuned", "t5_plan": "t5_scratch",
                   "minilm_logreg": "minilm_logreg"}
# Runs written before `protocol.minilm_logreg` existed read 256 tokens (the code's default then).
LEGACY_DEFAULTS = {"minilm_logreg": {"max_length": 256}}

# Protocol entries that say where a run ran, not how a method was trained.
_NOT_SETTINGS = ("headline_folds", "transformer_folds", "fold_test_sizes", "learning_curve", "settings_source")


def _flatten(node: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for k, v in node.items():
            out.update(_flatten(v, f"{prefix}{k}."))
        return out
    return {prefix[:-1]: node}


def protocol_changes(base: dict[str, Any], other: dict[str, Any]) -> dict[str, list[Any]]:
    """Settings that differ between two runs' protocols: {"t5_plan.settings.max_input_len": [128, 256]}."""
    a = _flatten({k: v for k, v in base.items() if k not in _NOT_SETTINGS})
    b = _flatten({k: v for k, v in other.items() if k not in _NOT_SETTINGS})
    return {k: [a.get(k), b.get(k)] for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)}


# What of the machine can change a neural method's numbers (CPU kernels, library versions).
_MACHINE_KEYS = ("cpu", "torch", "transformers", "scikit_learn", "torch_threads")


def machine_changes(base: dict[str, Any], other: dict[str, Any]) -> dict[str, list[Any]]:
    a, b = base.get("machine") or {}, other.get("machine") or {}
    return {k: [a.get(k), b.get(k)] for k in _MACHINE_KEYS if a.get(k) != b.get(k)}


def variants(merged: dict[str, Any], variant_runs: list[Path],
             source_protocol: dict[str, dict[str, Any]] | None = None,
             source_meta: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """Options of a merged method run on the same folds (T5 (a) with 256 input tokens, say).

    Each variant is compared text by text with the merged method of the same name: its 5-fold
    summary, bootstrap interval and out-of-fold predictions, and an exact McNemar test against that
    method (Holm over the variants given). `changes` lists the protocol settings that differ from
    the run that supplied the merged method, `machine_changes` the CPU or library versions, so the
    variant is named by what was changed. Variants of the same method are also tested pairwise
    (`pairs`, Holm within that family): a variant run on another machine is then compared with a
    baseline run on that same machine, not only with the merged method.
    """
    from nlp.stats import bootstrap_ci, holm, mcnemar_exact

    headline = merged["protocol"]["headline_folds"]
    fold = np.asarray(merged["texts"]["fold"])
    head = np.isin(fold, headline)
    y = np.asarray(merged["texts"]["y_true"])[head]
    k = len(merged["label_names"])
    source_protocol = source_protocol or {}
    source_meta = source_meta or {}
    out: dict[str, Any] = {}
    preds: dict[str, np.ndarray] = {}
    protocols: dict[str, dict[str, Any]] = {}
    for p in variant_runs:
        r = _read_run(p, "--variant-runs")
        _check_same(merged, r, Path(p))
        for m, info in r["methods"].items():
            if m not in merged["methods"]:
                raise MergeError(f"--variant-runs {p}: {m} is not among the merged methods; a variant is "
                                 "compared with the method it varies")
            rows = [row for row in info["per_fold"] if row["fold"] in headline]
            if sorted(row["fold"] for row in rows) != sorted(headline):
                raise MergeError(f"--variant-runs {p}: {m} ran on folds {sorted(row['fold'] for row in rows)}, "
                                 f"not on every headline fold {headline}")
            pv = np.array([-2 if x is None else x for x in info["oof_predictions"]])[head]
            pb = np.array([-2 if x is None else x for x in merged["methods"][m]["oof_predictions"]])[head]
            summary = summarise(rows)
            base_acc = merged["methods"][m]["headline"]["accuracy"]["mean"]
            name = f"{m} / {Path(p).parent.name}"
            if name in out:
                raise MergeError(f"--variant-runs {p}: variant {name} is given twice")
            out[name] = {
                "method": m, "source": str(p), "command": r["meta"]["command"],
                "total_time_s": r["meta"]["total_time_s"],
                "process_cpu_time_s": r["meta"].get("process_cpu_time_s"),
                "changes": protocol_changes(source_protocol.get(m, merged["protocol"]), r["protocol"]),
                "machine_changes": machine_changes(source_meta.get(m, merged["meta"]), r["meta"]),
                "headline": summary,
                "difference_accuracy": summary["accuracy"]["mean"] - base_acc,
                "per_fold": rows,
                "oof_predictions": info["oof_predictions"],
                "bootstrap_95": bootstrap_ci(y, pv, k, seed=0),
                # a = the variant, b = the merged method it varies.
                "mcnemar_vs_method": mcnemar_exact(y, pv, pb),
            }
            preds[name] = pv
            protocols[name] = r["protocol"]
    adjusted = holm({n: v["mcnemar_vs_method"]["p_value"] for n, v in out.items()})
    for n, v in out.items():
        v["mcnemar_vs_method"]["p_value_holm"] = adjusted[n]
        v["mcnemar_vs_method"]["significant_at_0_05_holm"] = bool(adjusted[n] < 0.05)
    names = list(out)
    pairs: dict[str, Any] = {}
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if out[a]["method"] == out[b]["method"]:
                pairs[f"{a} vs {b}"] = {
                    "a": a, "b": b, **mcnemar_exact(y, preds[a], preds[b]),
                    "difference_accuracy": out[a]["headline"]["accuracy"]["mean"]
                    - out[b]["headline"]["accuracy"]["mean"],
                    "changes": protocol_changes(protocols[b], protocols[a]),
                }
    adjusted = holm({n: t["p_value"] for n, t in pairs.items()})
    for n, t in pairs.items():
        t["p_value_holm"] = adjusted[n]
        t["significant_at_0_05_holm"] = bool(adjusted[n] < 0.05)
    return {"scope": f"{int(head.sum())} texts of the headline folds {headline}; each variant against the "
                     "merged method of the same name, and variants of one method pairwise (exact McNemar, "
                     "Holm within each family)",
            "variants": out, "pairs": pairs}


def seed_spread(merged: dict[str, Any], seed_runs: list[Path]) -> dict[str, Any]:
    """Retraining noise of the neural methods: the same folds, other training seeds.

    `merged` supplies each method's first seed (its `protocol.train_seed`, or each source run's);
    every file of `seed_runs` adds one seed for the neural methods it holds. Only runs covering the
    merged headline folds count, so each seed contributes the same 5-fold mean. For each method:
    the per-seed 5-fold means, then their mean, std (ddof 1), min and max; for each pair of T5
    variants run under the same seeds, the per-seed difference of 5-fold means, so a reader can
    see whether a gap between two variants outlasts a change of seed.
    """
    from nlp.compare import NEURAL, T5_PAIRS
    from nlp.metrics import mean_std

    headline = merged["protocol"]["headline_folds"]
    base_seed = {m: _source_seed(merged, m) for m in merged["methods"]}
    per_method: dict[str, list[dict[str, Any]]] = {}

    def add(method: str, info: dict[str, Any], seed: int, source: str) -> None:
        rows = [r for r in info["per_fold"] if r["fold"] in headline]
        if sorted(r["fold"] for r in rows) != sorted(headline):
            raise MergeError(f"{source}: {method} ran on folds {sorted(r['fold'] for r in rows)}, "
                             f"not on every headline fold {headline}; a seed must cover the same folds")
        entries = per_method.setdefault(method, [])
        if any(e["train_seed"] == seed for e in entries):
            raise MergeError(f"{source}: {method} with train seed {seed} is given twice")
        entries.append({
            "train_seed": seed, "source": source,
            "accuracy": float(np.mean([r["accuracy"] for r in rows])),
            "f1_macro": float(np.mean([r["f1_macro"] for r in rows])),
            "fold_std_accuracy": mean_std([r["accuracy"] for r in rows])["std"],
            "per_fold_accuracy": [r["accuracy"] for r in sorted(rows, key=lambda r: r["fold"])],
        })

    for m, info in merged["methods"].items():
        if m in NEURAL:
            add(m, info, base_seed[m], "merged results")
    for p in seed_runs:
        try:
            r = json.loads(Path(p).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise MergeError(f"--seed-runs {p}: file not found") from None
        except json.JSONDecodeError as exc:
            raise MergeError(f"--seed-runs {p}: not valid JSON ({exc})") from None
        if "texts" not in r or "methods" not in r:
            raise MergeError(f"--seed-runs {p}: not a results.json written by `python -m nlp compare`")
        _check_same(merged, r, Path(p))
        seed = int(r["protocol"].get("train_seed", 0))
        for m, info in r["methods"].items():
            if m in NEURAL and m in merged["methods"]:
                add(m, info, seed, str(p))

    methods: dict[str, Any] = {}
    for m, entries in per_method.items():
        entries.sort(key=lambda e: e["train_seed"])
        summary: dict[str, Any] = {"seeds": entries, "n_seeds": len(entries)}
        for key in ("accuracy", "f1_macro"):
            vals = [e[key] for e in entries]
            summary[key] = {**mean_std(vals), "min": float(min(vals)), "max": float(max(vals)),
                            "range": float(max(vals) - min(vals))}
        # Typical spread between folds within one seed, to set the seed spread against.
        summary["mean_fold_std_accuracy"] = float(np.mean([e["fold_std_accuracy"] for e in entries]))
        # One fold's score moves more with the seed than the 5-fold mean does.
        by_fold = np.array([e["per_fold_accuracy"] for e in entries])
        ranges = by_fold.max(axis=0) - by_fold.min(axis=0)
        summary["per_fold_seed_range"] = {"mean": float(ranges.mean()), "max": float(ranges.max())}
        methods[m] = summary
    pairs: dict[str, Any] = {}
    for a, b in T5_PAIRS:
        if a in methods and b in methods:
            sa = {e["train_seed"]: e["accuracy"] for e in methods[a]["seeds"]}
            sb = {e["train_seed"]: e["accuracy"] for e in methods[b]["seeds"]}
            common = sorted(set(sa) & set(sb))
            if common:
                diffs = [sa[s] - sb[s] for s in common]
                pairs[f"{a} vs {b}"] = {"a": a, "b": b, "seeds": common, "differences": diffs,
                                        **mean_std(diffs), "min": float(min(diffs)), "max": float(max(diffs)),
                                        "same_sign_every_seed": bool(all(d > 0 for d in diffs)
                                                                     or all(d < 0 for d in diffs))}
    return {"scope": f"5-fold mean accuracy on the headline folds {headline}, one value per training seed",
            "methods": methods, "t5_pairs": pairs}


def _source_seed(merged: dict[str, Any], method: str) -> int:
    # The run that supplied the method (a later run wins in merge_results) gives its train seed.
    for run in reversed(merged["meta"].get("runs", [])):
        if method in run["methods"]:
            return int(run.get("train_seed", 0))
    return int(merged["protocol"].get("train_seed", 0))


def partial(merged: dict[str, Any], partial_runs: list[Path]) -> dict[str, Any]:
    """Runs stopped before every fold (results.partial.json): kept with their predictions, tested on
    the texts of the folds they covered against the merged method of the same name and the others.

    Each entry: the folds run, the out-of-fold predictions (null elsewhere), accuracy and bootstrap
    interval on the covered texts, and exact McNemar tests (a = the partial run) against every
    merged method on those same texts, Holm within the entry.
    """
    from nlp.stats import bootstrap_ci, holm, mcnemar_exact

    y_all = np.asarray(merged["texts"]["y_true"])
    k = len(merged["label_names"])
    out: dict[str, Any] = {}
    for p in partial_runs:
        r = _read_run(p, "--partial-runs")
        _check_same(merged, r, Path(p))
        for m, info in r["methods"].items():
            pv = np.array([-2 if x is None else x for x in info["oof_predictions"]])
            covered = pv != -2
            if not covered.any():
                continue
            y = y_all[covered]
            tests = {}
            for other, oinfo in merged["methods"].items():
                po = np.array([-2 if x is None else x for x in oinfo["oof_predictions"]])[covered]
                if np.all(po != -2):
                    tests[other] = mcnemar_exact(y, pv[covered], po)
                    tests[other]["accuracy_other"] = float(np.mean(po == y))
            adjusted = holm({o: t["p_value"] for o, t in tests.items()})
            for o, t in tests.items():
                t["p_value_holm"] = adjusted[o]
                t["significant_at_0_05_holm"] = bool(adjusted[o] < 0.05)
            out[f"{m} / {Path(p).parent.name}"] = {
                "method": m, "source": str(p), "command": r["meta"]["command"],
                "complete": r["meta"].get("complete", False), "folds": [row["fold"] for row in info["per_fold"]],
                "per_fold": info["per_fold"], "n_texts": int(covered.sum()),
                "accuracy": float(np.mean(pv[covered] == y)),
                "bootstrap_95": bootstrap_ci(y, pv[covered], k, seed=0),
                "changes": protocol_changes(merged["protocol"], r["protocol"]),
                "oof_predictions": info["oof_predictions"],
                "mcnemar_vs_merged": tests,
            }
    return out
