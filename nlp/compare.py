"""The comparison driver: every method on the same fixed folds, plus a learning curve on fold 0."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from nlp.data import Corpus, load_flipkart, make_folds, stratified_fraction
from nlp.methods import FoldResult, MiniLMCache, T5Plan, T5Runner, run_bow, run_minilm, run_tfidf
from nlp.metrics import mean_std
from nlp.t5_train import TrainSettings

CLASSIC = ("bow_logreg", "tfidf_linear", "minilm_logreg")
T5_OFFLINE = ("t5_scratch", "t5_span_pretrained")
METHOD_DESCRIPTIONS = {
    "bow_logreg": "Binary bag of words (word 1-2 grams) + logistic regression (C by inner 3-fold CV)",
    "tfidf_linear": "TF-IDF word 1-2 grams + char_wb 2-5 grams + LinearSVC or LogisticRegression (by inner 3-fold CV)",
    "minilm_logreg": "Frozen all-MiniLM-L6-v2 sentence embeddings + logistic regression (C by inner 3-fold CV)",
    "t5_scratch": "(a) T5 architecture from scratch, tokenizer trained on the training fold, fine-tuned text-to-text",
    "t5_span_pretrained": "(b) as (a), after span-corruption pretraining on the training fold's unlabelled text",
}


@dataclass
class CompareConfig:
    data: Path
    out: Path
    quick: bool = False
    seed: int = 42
    n_splits: int = 5
    transformer_folds: int = 5
    per_class: int | None = None
    methods: list[str] = field(default_factory=lambda: [*CLASSIC, *T5_OFFLINE])
    pretrained_models: list[str] = field(default_factory=list)
    lc_fractions: list[float] = field(default_factory=lambda: [0.1, 0.25, 0.5, 1.0])
    t5: T5Plan = field(default_factory=T5Plan)
    threads: int = 1
    command: str = ""

    @classmethod
    def quick_defaults(cls, data: Path, out: Path) -> CompareConfig:
        return cls(
            data=data, out=out, quick=True, transformer_folds=2, per_class=30,
            lc_fractions=[0.5, 1.0],
            t5=T5Plan(size="tiny", vocab_size=1500, pretrain_steps=20, min_finetune_steps=20,
                      settings=TrainSettings(epochs=2, max_input_len=64),
                      pretrained_settings=TrainSettings(epochs=1, learning_rate=3e-4, max_input_len=64)),
        )


def hub_method_name(model_id: str) -> str:
    return "t5_finetuned:" + model_id.rstrip("/").split("/")[-1]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _machine() -> dict[str, Any]:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    with contextlib.suppress(ValueError, OSError):
        mem_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    import sklearn
    import transformers

    return {
        "platform": platform.platform(), "cpu": cpu, "logical_cpus": os.cpu_count(), "memory_gib": mem_gb,
        "python": sys.version.split()[0], "torch": torch.__version__, "transformers": transformers.__version__,
        "scikit_learn": sklearn.__version__, "torch_threads": torch.get_num_threads(),
    }


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _misclassified(test: Corpus, y_pred: np.ndarray, limit: int = 25) -> list[dict[str, str]]:
    rows = []
    for i in np.flatnonzero(y_pred != test.labels)[:limit]:
        rows.append({
            "id": test.ids[i],
            "text": test.texts[i][:240],
            "true": test.label_names[test.labels[i]],
            "pred": test.label_names[y_pred[i]] if y_pred[i] >= 0 else "<invalid>",
        })
    return rows


class Comparison:
    def __init__(self, cfg: CompareConfig, console: Console | None = None) -> None:
        self.cfg = cfg
        self.console = console or Console()
        self.interactive = self.console.is_terminal
        self.corpus = load_flipkart(cfg.data)
        if cfg.per_class:
            keep = np.sort(np.concatenate([
                np.flatnonzero(self.corpus.labels == c)[: cfg.per_class] for c in np.unique(self.corpus.labels)
            ]))
            self.corpus = self.corpus.subset(keep)
        self.folds = make_folds(self.corpus.labels, cfg.n_splits, cfg.seed)
        self.methods = list(cfg.methods) + [hub_method_name(m) for m in cfg.pretrained_models]
        self._hub = {hub_method_name(m): m for m in cfg.pretrained_models}
        self.minilm: MiniLMCache | None = None
        self._last_logged: dict[str, int] = {}

    # -------------------------------------------------------------- planning
    def fold_plan(self, method: str) -> list[int]:
        """Transformer methods run on the first `transformer_folds` folds, the others on all.

        Quick mode keeps every method on the transformer folds to stay a smoke test.
        """
        full = method in CLASSIC and not self.cfg.quick
        k = self.cfg.n_splits if full else min(self.cfg.transformer_folds, self.cfg.n_splits)
        return list(range(k))

    def headline_folds(self) -> list[int]:
        return sorted(set.intersection(*(set(self.fold_plan(m)) for m in self.methods)))

    # -------------------------------------------------------------- running
    def _run_one(self, method: str, fold: int, train: Corpus, test: Corpus, unlabelled: Corpus,
                 runner: T5Runner) -> FoldResult:
        seed = self.cfg.seed + fold
        quick = self.cfg.quick
        if method == "bow_logreg":
            return run_bow(train, test, quick=quick, seed=seed)
        if method == "tfidf_linear":
            return run_tfidf(train, test, quick=quick, seed=seed)
        if method == "minilm_logreg":
            if self.minilm is None:
                self.minilm = MiniLMCache(self.corpus)
            return run_minilm(train, test, self.minilm, quick=quick, seed=seed)
        if method == "t5_scratch":
            return runner.run_scratch("scratch", fold, train, test, unlabelled, seed=seed)
        if method == "t5_span_pretrained":
            return runner.run_scratch("span", fold, train, test, unlabelled, seed=seed)
        if method in self._hub:
            return runner.run_pretrained(self._hub[method], train, test, seed=seed)
        raise ValueError(f"unknown method {method}")

    def run(self) -> dict[str, Any]:
        cfg = self.cfg
        torch.set_num_threads(cfg.threads)
        started = time.perf_counter()
        load_start = _load()
        lc_methods = [m for m in self.methods if m not in self._hub]
        # Fold-major order: an interrupted run still leaves whole folds for every method.
        jobs = [(m, f) for f in range(cfg.n_splits) for m in self.methods if f in self.fold_plan(m)]
        lc_jobs = [(m, frac) for m in lc_methods for frac in cfg.lc_fractions if frac < 1.0]
        per_fold: dict[str, list[dict[str, Any]]] = {m: [] for m in self.methods}
        static: dict[str, dict[str, Any]] = {}
        errors: dict[str, list[dict[str, str]]] = {m: [] for m in self.methods}
        pooled_conf: dict[str, np.ndarray] = {}
        curve: dict[str, list[dict[str, Any]]] = {m: [] for m in lc_methods}
        headline = set(self.headline_folds())

        with Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=self.console, transient=False, disable=not self.interactive,
        ) as progress:
            overall = progress.add_task("all runs", total=len(jobs) + len(lc_jobs))
            steps = progress.add_task("steps", total=1, visible=False)

            def on_step(phase: str, done: int, total: int) -> None:
                progress.update(steps, description=f"  {phase}", completed=done, total=total, visible=True)
                if not self.interactive:
                    last = self._last_logged.get(phase, -1)
                    if done == total or done // max(1, total // 4) != last // max(1, total // 4):
                        self.console.log(f"    {phase}: step {done}/{total}")
                    self._last_logged[phase] = done if done < total else -1

            runner = T5Runner(cfg.t5, on_step)
            for method, fold in jobs:
                progress.update(overall, description=f"{method} fold {fold}")
                tr, te = self.folds[fold]
                train, test = self.corpus.subset(tr), self.corpus.subset(te)
                res = self._run_one(method, fold, train, test, train, runner)
                row = {"fold": fold, "n_train": len(train), "n_test": len(test), **res.metrics(test)}
                per_fold[method].append(row)
                static.setdefault(method, {"params": res.params, "size_on_disk_bytes": res.size_on_disk_bytes})
                if fold in headline:
                    errors[method].extend(_misclassified(test, res.y_pred))
                    cm = np.asarray(row["confusion"])
                    pooled_conf[method] = pooled_conf.get(method, 0) + cm
                if fold == 0 and method in curve:
                    curve[method].append({"fraction": 1.0, "n_train": len(train),
                                          "accuracy": row["accuracy"], "f1_macro": row["f1_macro"]})
                self.console.log(
                    f"{method:<22} fold {fold}: acc={row['accuracy']:.3f} f1={row['f1_macro']:.3f} "
                    f"train={row['train_time_s']:.1f}s infer={row['infer_ms_per_text']:.2f}ms/text"
                )
                progress.advance(overall)
                self._checkpoint(per_fold, static, errors, pooled_conf, curve, started, load_start)

            tr, te = self.folds[0]
            full_train, test = self.corpus.subset(tr), self.corpus.subset(te)
            for method, frac in lc_jobs:
                progress.update(overall, description=f"learning curve {method} {frac:.0%}")
                sub = full_train.subset(stratified_fraction(full_train.labels, frac, cfg.seed))
                res = self._run_one(method, 0, sub, test, full_train, runner)
                m = res.metrics(test)
                curve[method].append({"fraction": frac, "n_train": len(sub),
                                      "accuracy": m["accuracy"], "f1_macro": m["f1_macro"]})
                self.console.log(f"learning curve {method:<22} {frac:>5.0%} (n={len(sub)}): acc={m['accuracy']:.3f}")
                progress.advance(overall)
                self._checkpoint(per_fold, static, errors, pooled_conf, curve, started, load_start)
        for method in curve:
            curve[method].sort(key=lambda r: r["fraction"])
        results = self._assemble(per_fold, static, errors, pooled_conf, curve, started, load_start)
        results["meta"]["complete"] = True
        return results

    def _checkpoint(self, *state: Any) -> None:
        """Write partial results after each job so a long run that is stopped still reports."""
        results = self._assemble(*state)
        results["meta"]["complete"] = False
        write_results(results, self.cfg.out, name="results.partial.json")

    # -------------------------------------------------------------- results
    def _assemble(self, per_fold, static, errors, pooled_conf, curve, started, load_start) -> dict[str, Any]:
        cfg = self.cfg
        headline = self.headline_folds()
        methods: dict[str, Any] = {}
        for m in self.methods:
            rows = per_fold[m]
            if not rows:
                continue
            head_rows = [r for r in rows if r["fold"] in headline]

            def summary(rs: list[dict[str, Any]]) -> dict[str, Any]:
                s: dict[str, Any] = {
                    k: mean_std([r[k] for r in rs])
                    for k in ("accuracy", "f1_macro", "train_time_s", "infer_ms_per_text")
                }
                for k in ("invalid_generation_rate", "generation_accuracy"):
                    if all(k in r for r in rs):
                        s[k] = mean_std([r[k] for r in rs])
                s["folds"] = [r["fold"] for r in rs]
                return s

            methods[m] = {
                "description": METHOD_DESCRIPTIONS.get(
                    m, f"Pretrained checkpoint '{self._hub.get(m)}' fine-tuned text-to-text"
                ),
                **static[m],
                "headline": summary(head_rows),
                "all_folds": summary(rows),
                "confusion_headline_pooled": np.asarray(pooled_conf[m]).tolist(),
                "per_fold": rows,
                "misclassified_examples": errors[m],
            }
        t5 = asdict(cfg.t5)
        return {
            "meta": {
                "date_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "command": cfg.command,
                "quick": cfg.quick,
                "total_time_s": time.perf_counter() - started,
                # CPU seconds of this process: far below wall time means the CPU was shared.
                "process_cpu_time_s": time.process_time(),
                "machine": _machine(),
                "load_average_start": load_start,
                "load_average_end": _load(),
                "data": {"path": str(cfg.data), "sha256": _sha256(self._csv_path()), "n_texts": len(self.corpus),
                         "per_class": cfg.per_class},
            },
            "label_names": self.corpus.label_names,
            "protocol": {
                "n_splits": cfg.n_splits, "seed": cfg.seed, "headline_folds": headline,
                "transformer_folds": list(range(min(cfg.transformer_folds, cfg.n_splits))),
                "fold_test_sizes": [len(te) for _, te in self.folds],
                "learning_curve": {"fold": 0, "fractions": cfg.lc_fractions},
                "t5_plan": t5,
            },
            "methods": methods,
            "learning_curve": curve,
        }

    def _csv_path(self) -> Path:
        p = Path(self.cfg.data)
        return sorted(p.glob("*.csv"))[0] if p.is_dir() else p


def write_results(results: dict[str, Any], out: Path, name: str = "results.json") -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / name
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
