"""Training loops, both run by transformers' Seq2SeqTrainer.

- `pretrain_span_corruption`: T5's self-supervised objective on unlabelled text.
- `finetune_text_to_text`: "classify: <text>" -> "<category name>".
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from datasets import Dataset
from transformers import (
    DataCollatorForSeq2Seq,
    EarlyStoppingCallback,
    PreTrainedTokenizerBase,
    Seq2SeqTrainer,
    Seq2SeqTrainingArguments,
    T5ForConditionalGeneration,
    TrainerCallback,
)
from transformers.trainer_callback import PrinterCallback

from nlp.span_corruption import SpanCorruptionCollator, chunk_token_ids
from nlp.t5_tokenizer import sentinel_ids

PREFIX = "classify: "
LOG_EVERY = 25  # optimizer steps between two logged training losses
StepCallback = Callable[[int, int], None]  # (steps done, total steps)


@dataclass(frozen=True)
class TrainSettings:
    epochs: float = 8.0
    batch_size: int = 16
    learning_rate: float = 1e-3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    max_input_len: int = 128
    seed: int = 0
    # Early stopping on the validation label loss, checked once per epoch; 0 = train all epochs.
    patience: int = 0


class _TimeBudget(TrainerCallback):
    """Stops training once `seconds` of wall time have passed (checked after each step)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.start = time.perf_counter()
        self.stopped_early = False

    def on_train_begin(self, args, state, control, **kwargs):  # type: ignore[override]
        self.start = time.perf_counter()

    def on_step_end(self, args, state, control, **kwargs):  # type: ignore[override]
        if time.perf_counter() - self.start > self.seconds and state.global_step < state.max_steps:
            self.stopped_early = True
            control.should_training_stop = True


class _StepReporter(TrainerCallback):
    def __init__(self, on_step: StepCallback | None) -> None:
        self.on_step = on_step
        self.losses: list[float] = []

    def on_step_end(self, args, state, control, **kwargs):  # type: ignore[override]
        if self.on_step is not None:
            self.on_step(state.global_step, state.max_steps)

    def on_log(self, args, state, control, logs=None, **kwargs):  # type: ignore[override]
        if logs and "loss" in logs:
            self.losses.append(float(logs["loss"]))


def _args(
    out_dir: str, settings: TrainSettings, total_steps: int, max_steps: int = -1, validate: bool = False
) -> Seq2SeqTrainingArguments:
    # Warmup as an explicit step count: transformers 4.x has no float-ratio warmup_steps.
    warmup = int(np.ceil(settings.warmup_ratio * total_steps))
    # With a validation set: evaluate and keep a checkpoint each epoch, restore the best one.
    per_epoch = "epoch" if validate else "no"
    return Seq2SeqTrainingArguments(
        output_dir=out_dir,
        per_device_train_batch_size=settings.batch_size,
        # One batch for the whole validation split (84 texts here): its loss is the token mean.
        per_device_eval_batch_size=256,
        num_train_epochs=settings.epochs,
        max_steps=max_steps,
        learning_rate=settings.learning_rate,
        weight_decay=settings.weight_decay,
        warmup_steps=warmup,
        lr_scheduler_type="linear",
        logging_strategy="steps",
        logging_steps=LOG_EVERY,
        save_strategy=per_epoch,
        eval_strategy=per_epoch,
        save_total_limit=2 if validate else None,
        load_best_model_at_end=validate,
        metric_for_best_model="eval_loss" if validate else None,
        greater_is_better=False if validate else None,
        save_only_model=True,
        report_to="none",
        disable_tqdm=True,  # progress goes through the caller's rich bar instead
        use_cpu=True,
        seed=settings.seed,
        data_seed=settings.seed,
        dataloader_num_workers=0,
        remove_unused_columns=False,
    )


def encode_inputs(
    tokenizer: PreTrainedTokenizerBase, texts: Sequence[str], max_len: int
) -> dict[str, list[list[int]]]:
    return tokenizer([PREFIX + t for t in texts], max_length=max_len, truncation=True)


def _text_to_text_dataset(
    tokenizer: PreTrainedTokenizerBase, texts: Sequence[str], targets: Sequence[str], max_len: int
) -> Dataset:
    enc = encode_inputs(tokenizer, texts, max_len)
    lab = tokenizer(list(targets), max_length=16, truncation=True)
    return Dataset.from_dict(
        {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"], "labels": lab["input_ids"]}
    )


def finetune_text_to_text(
    model: T5ForConditionalGeneration,
    tokenizer: PreTrainedTokenizerBase,
    texts: Sequence[str],
    targets: Sequence[str],
    settings: TrainSettings,
    on_step: StepCallback | None = None,
    eval_texts: Sequence[str] | None = None,
    eval_targets: Sequence[str] | None = None,
    report: dict | None = None,
) -> list[float]:
    """Fine-tune in place; returns the logged training losses.

    With `eval_texts`/`eval_targets` (a validation split taken from the training fold) the
    label loss is measured each epoch, training stops after `settings.patience` epochs without
    improvement (if > 0) and the best epoch's weights are restored. `report`, if given, receives
    the per-epoch validation losses and the epoch kept.
    """
    ds = _text_to_text_dataset(tokenizer, texts, targets, settings.max_input_len)
    validate = eval_texts is not None and eval_targets is not None and len(eval_texts) > 0
    eval_ds = _text_to_text_dataset(tokenizer, eval_texts, eval_targets, settings.max_input_len) if validate else None
    collator = DataCollatorForSeq2Seq(tokenizer, model=model, label_pad_token_id=-100)
    reporter = _StepReporter(on_step)
    callbacks: list[TrainerCallback] = [reporter]
    if validate and settings.patience > 0:
        callbacks.append(EarlyStoppingCallback(early_stopping_patience=settings.patience))
    total = int(np.ceil(steps_per_epoch(len(ds), settings.batch_size) * settings.epochs))
    with tempfile.TemporaryDirectory(prefix="t5ft_") as tmp:
        trainer = Seq2SeqTrainer(
            model=model,
            args=_args(tmp, settings, total, validate=validate),
            train_dataset=ds, eval_dataset=eval_ds, data_collator=collator,
            processing_class=tokenizer, callbacks=callbacks,
        )
        trainer.remove_callback(PrinterCallback)  # losses go to our reporter, not stdout
        trainer.train()
        if report is not None and validate:
            evals = [(float(h["epoch"]), float(h["eval_loss"])) for h in trainer.state.log_history if "eval_loss" in h]
            report["val_losses"] = [round(v, 4) for _, v in evals]
            report["epochs_run"] = evals[-1][0] if evals else None
            report["best_epoch"] = min(evals, key=lambda ev: ev[1])[0] if evals else None
            report["best_val_loss"] = min(v for _, v in evals) if evals else None
    model.eval()
    return reporter.losses


def pretrain_span_corruption(
    model: T5ForConditionalGeneration,
    tokenizer: PreTrainedTokenizerBase,
    texts: Sequence[str],
    steps: int,
    settings: TrainSettings,
    on_step: StepCallback | None = None,
    max_seconds: float | None = None,
    report: dict | None = None,
) -> list[float]:
    """Span-corruption pretraining (15 % noise, mean span 3) for `steps` optimizer steps.

    `max_seconds` stops earlier if the wall-time budget runs out; `report`, if given, receives
    the steps done, the number of chunks and tokens available, and whether the budget stopped it.
    """
    raw = tokenizer(list(texts), add_special_tokens=False)["input_ids"]
    chunks = chunk_token_ids(raw, settings.max_input_len - 1)
    if not chunks:
        raise ValueError("no text long enough to pretrain on")
    budget = _TimeBudget(max_seconds) if max_seconds is not None else None
    ds = Dataset.from_dict({"input_ids": chunks})
    collator = SpanCorruptionCollator(
        sentinels=sentinel_ids(tokenizer), eos_id=int(tokenizer.eos_token_id),
        pad_id=int(tokenizer.pad_token_id), seed=settings.seed,
    )
    reporter = _StepReporter(on_step)
    with tempfile.TemporaryDirectory(prefix="t5pt_") as tmp:
        trainer = Seq2SeqTrainer(
            model=model, args=_args(tmp, settings, steps, max_steps=steps), train_dataset=ds,
            data_collator=collator, processing_class=tokenizer,
            callbacks=[reporter] + ([budget] if budget is not None else []),
        )
        trainer.remove_callback(PrinterCallback)
        trainer.train()
        if report is not None:
            report.update(steps_done=int(trainer.state.global_step), chunks=len(chunks),
                          tokens=int(sum(map(len, chunks))),
                          stopped_by_time_budget=bool(budget is not None and budget.stopped_early))
    model.eval()
    return reporter.losses


def steps_per_epoch(n_examples: int, batch_size: int) -> int:
    return int(np.ceil(n_examples / batch_size))
