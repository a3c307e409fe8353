"""Few-shot test: k labelled examples per class, on every fold, several random draws.

For each number of examples per class k, each draw d and each fold f, one stratified subsample of
the fold's training texts (the same texts for every method) trains each method, which then
predicts the fold's whole test part. A draw therefore gives one out-of-fold prediction per text of
the corpus (pooled over the folds), and the methods are compared with exact McNemar tests on those
pooled predictions (all draws stacked: one pair per text and draw), Holm-adjusted within each k.

SetFit runs at the paper's pair budget by default: `num_iterations` (20) pairs per example in each
direction, i.e. 2 * 20 * n pairs, one pass of `batch_size`-pair steps (140 steps at 8 per class
for 7 classes). The frozen MiniLM embeddings are computed once per input length (leak-free: the
encoder sees no labels).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from nlp.data import Corpus, make_folds, stratified_per_class
from nlp.encoder_methods import SetFitSettings, run_setfit
from nlp.methods import FoldResult, MiniLMCache, run_minilm, run_tfidf
from nlp.stats import bootstrap_ci, holm, mcnemar_exact

FEWSHOT_METHODS = ("tfidf_linear", "minilm_logreg_64", "minilm_logreg_256", "setfit_minilm")
Log = Callable[[str], None]


@dataclass
class FewShotConfig:
    per_class: list[int] = field(default_factory=lambda: [8, 16])
    draws: int = 3
    n_splits: int = 5
    seed: int = 42
    methods: list[str] = field(default_factory=lambda: list(FEWSHOT_METHODS))
    setfit: SetFitSettings = field(default_factory=SetFitSettings)
    # None: the paper's budget, 2 * num_iterations * n / batch_size steps for n training texts.
    setfit_steps: dict[int, int] | None = None
    encoder_dir: Path | None = None
    quick: bool = False


def paper_setfit_steps(n_train: int, settings: SetFitSettings) -> int:
    """Steps of one pass over SetFit's 2 * num_iterations * n generated pairs."""
    return math.ceil(2 * settings.num_iterations * n_train / settings.batch_size)


def draw_seed(seed: int, k: int, draw: int, fold: int) -> int:
    return seed + 1000 * draw + 100 * fold + k


class FewShotStudy:
    def __init__(self, corpus: Corpus, cfg: FewShotConfig, log: Log = print) -> None:
        unknown = [m for m in cfg.methods if m not in FEWSHOT_METHODS]
        if unknown:
            raise ValueError(f"unknown few-shot method(s) {unknown}; choose from {FEWSHOT_METHODS}")
        self.corpus, self.cfg, self.log = corpus, cfg, log
        self.folds = make_folds(corpus.labels, cfg.n_splits, cfg.seed)
        self.caches: dict[int, MiniLMCache] = {}

    def _cache(self, length: int) -> MiniLMCache:
        if length not in self.caches:
            self.caches[length] = MiniLMCache(self.corpus, length, encoder_dir=self.cfg.encoder_dir)
        return self.caches[length]

    def _encoder_dir(self) -> Path:
        if self.cfg.encoder_dir is not None:
            return Path(self.cfg.encoder_dir)
        from nlp.embeddings import minilm_path

        return minilm_path()

    def setfit_settings(self, k: int, n_train: int) -> SetFitSettings:
        steps = (self.cfg.setfit_steps or {}).get(k) or paper_setfit_steps(n_train, self.cfg.setfit)
        return replace(self.cfg.setfit, max_steps=steps)

    def _fit(self, method: str, train: Corpus, test: Corpus, k: int, seed: int) -> FoldResult:
        quick = self.cfg.quick
        if method == "tfidf_linear":
            return run_tfidf(train, test, quick=quick, seed=seed)
        if method.startswith("minilm_logreg_"):
            return run_minilm(train, test, self._cache(int(method.rsplit("_", 1)[1])), quick=quick, seed=seed)
        if method == "setfit_minilm":
            return run_setfit(train, test, self._encoder_dir(), self.setfit_settings(k, len(train)), seed=seed,
                              quick_head=quick)
        raise ValueError(method)

    def run(self, out: Path, command: str = "") -> dict[str, Any]:
        cfg = self.cfg
        started = time.perf_counter()
        load_start = _load()
        n = len(self.corpus)
        # oof[k][method][draw]: one prediction per text, -2 where the fold has not run yet.
        oof = {k: {m: [np.full(n, -2, dtype=np.int64) for _ in range(cfg.draws)] for m in cfg.methods}
               for k in cfg.per_class}
        fits: list[dict[str, Any]] = []
        # k-major, then draw: a run stopped early keeps whole draws of the smaller k.
        for k in cfg.per_class:
            for d in range(cfg.draws):
                for f, (tr, te) in enumerate(self.folds):
                    full = self.corpus.subset(tr)
                    test = self.corpus.subset(te)
                    s = draw_seed(cfg.seed, k, d, f)
                    train = full.subset(stratified_per_class(full.labels, k, s))
                    for m in cfg.methods:
                        res = self._fit(m, train, test, k, s)
                        oof[k][m][d][te] = res.y_pred
                        acc = float(np.mean(res.y_pred == test.labels))
                        row = {"per_class": k, "draw": d, "fold": f, "method": m, "n_train": len(train),
                               "accuracy": acc, "train_time_s": res.train_time_s,
                               "infer_ms_per_text": 1000.0 * res.infer_time_per_text_s}
                        if m == "setfit_minilm":
                            row["setfit_steps"] = int(res.extra["max_steps"])
                        fits.append(row)
                        self.log(f"few-shot k={k} draw={d} fold={f} {m:<18} acc={acc:.3f} "
                                 f"train={res.train_time_s:.1f}s")
                    results = self._assemble(oof, fits, started, load_start, command)
                    write_json(results, out / "fewshot.partial.json")
        results = self._assemble(oof, fits, started, load_start, command)
        results["meta"]["complete"] = True
        results["summary"] = combine([results])
        write_json(results, out / "fewshot.json")
        (out / "fewshot.partial.json").unlink(missing_ok=True)
        return results

    def _assemble(self, oof, fits, started: float, load_start, command: str) -> dict[str, Any]:
        cfg = self.cfg
        return {
            "meta": {
                "date_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "command": command, "complete": False, "quick": cfg.quick,
                "total_time_s": time.perf_counter() - started, "process_cpu_time_s": time.process_time(),
                "load_average_start": load_start, "load_average_end": _load(),
            },
            "protocol": {
                "n_splits": cfg.n_splits, "seed": cfg.seed, "per_class": cfg.per_class, "draws": cfg.draws,
                "methods": cfg.methods, "setfit": asdict(cfg.setfit),
                "setfit_steps_run": sorted({r["setfit_steps"] for r in fits if "setfit_steps" in r}),
                "subsample_seed": "seed + 1000 * draw + 100 * fold + per_class (same texts for every method)",
            },
            "label_names": self.corpus.label_names,
            "texts": {"ids": list(self.corpus.ids), "y_true": [int(v) for v in self.corpus.labels]},
            "fits": fits,
            # predictions[k][method][draw]: one label per text, null where that fold has not run.
            "predictions": {str(k): {m: [[None if p == -2 else int(p) for p in oof[k][m][d]]
                                         for d in range(cfg.draws)] for m in cfg.methods} for k in cfg.per_class},
        }


def combine(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Merge few-shot runs on the same folds and draws (e.g. the cheap methods and SetFit run apart).

    Per k: each method's accuracy per complete draw (mean and std over draws), its accuracy over
    every (draw, text) it covered, and exact McNemar tests between every pair of methods on the
    (draw, text) pairs both covered, Holm-adjusted within the k.
    """
    base = runs[0]
    for r in runs[1:]:
        if r["texts"]["ids"] != base["texts"]["ids"] or r["protocol"]["seed"] != base["protocol"]["seed"] \
                or r["protocol"]["n_splits"] != base["protocol"]["n_splits"]:
            raise ValueError("few-shot runs on different texts or folds cannot be combined")
    y = np.asarray(base["texts"]["y_true"])
    n_labels = len(base["label_names"])
    preds: dict[str, dict[str, list[np.ndarray]]] = {}
    for r in runs:
        for k, by_method in r["predictions"].items():
            for m, draws in by_method.items():
                preds.setdefault(k, {})[m] = [np.array([-2 if p is None else p for p in d]) for d in draws]
    per_k: dict[str, Any] = {}
    for k in sorted(preds, key=int):
        block: dict[str, Any] = {"methods": {}}
        for m, draws in preds[k].items():
            covered = [d for d in draws if np.any(d != -2)]
            if not covered:
                continue
            complete = [i for i, d in enumerate(draws) if np.all(d != -2)]
            accs = [float(np.mean(draws[i] == y)) for i in complete]
            all_p = np.concatenate(draws)
            all_y = np.concatenate([y] * len(draws))
            mask = all_p != -2
            block["methods"][m] = {
                "complete_draws": complete,
                "accuracy_per_complete_draw": accs,
                "accuracy_mean_over_draws": float(np.mean(accs)) if accs else None,
                "accuracy_std_over_draws": float(np.std(accs, ddof=1)) if len(accs) > 1 else None,
                "n_predictions": int(mask.sum()),
                "accuracy_covered": float(np.mean(all_p[mask] == all_y[mask])),
                "bootstrap_95_covered": bootstrap_ci(all_y[mask], all_p[mask], n_labels, seed=0),
            }
        names = list(block["methods"])
        tests: dict[str, Any] = {}
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                pa, pb = np.concatenate(preds[k][a]), np.concatenate(preds[k][b])
                both = (pa != -2) & (pb != -2)
                if not both.any():
                    continue
                yy = np.concatenate([y] * len(preds[k][a]))[both]
                t = mcnemar_exact(yy, pa[both], pb[both])
                t.update(a=a, b=b, n_pairs=int(both.sum()),
                         accuracy_a=float(np.mean(pa[both] == yy)), accuracy_b=float(np.mean(pb[both] == yy)))
                t["difference"] = t["accuracy_a"] - t["accuracy_b"]
                tests[f"{a} vs {b}"] = t
        adjusted = holm({n: t["p_value"] for n, t in tests.items()})
        for n, t in tests.items():
            t["p_value_holm"] = adjusted[n]
            t["significant_at_0_05_holm"] = bool(adjusted[n] < 0.05)
        block["mcnemar"] = tests
        per_k[k] = block
    return {
        "scope": "k labelled examples per class on every fold's training part, predictions on its test part; "
                 "exact McNemar on the (draw, text) pairs both methods covered, Holm within each k",
        "runs": [{"command": r["meta"]["command"], "complete": r["meta"].get("complete", False),
                  "total_time_s": r["meta"]["total_time_s"], "load_average_start": r["meta"]["load_average_start"],
                  "load_average_end": r["meta"]["load_average_end"], "protocol": r["protocol"]} for r in runs],
        "fits": [f for r in runs for f in r["fits"]],
        "per_class": per_k,
        "predictions": {k: {m: [[None if p == -2 else int(p) for p in d] for d in draws] for m, draws in ms.items()}
                        for k, ms in preds.items()},
    }


def _load() -> list[float] | None:
    import os

    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def write_json(results: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def summary_rows(combined: dict[str, Any]) -> Sequence[dict[str, Any]]:
    """One row per (k, method): mean and std over complete draws, as the figure and the report read them."""
    rows = []
    for k, block in combined.get("per_class", {}).items():
        for m, info in block["methods"].items():
            rows.append({"per_class": int(k), "method": m, "mean": info["accuracy_mean_over_draws"],
                         "std": info["accuracy_std_over_draws"], "draws": len(info["complete_draws"]),
                         "covered": info["accuracy_covered"], "n": info["n_predictions"]})
    return rows
