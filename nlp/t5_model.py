"""Building T5 models: small configs trained from scratch, or pretrained weights by Hub id / dir."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from transformers import (
    AutoModelForSeq2SeqLM,
    AutoTokenizer,
    PreTrainedTokenizerBase,
    T5Config,
    T5ForConditionalGeneration,
)


@dataclass(frozen=True)
class T5Size:
    """Architecture hyperparameters of a from-scratch T5 (same layout as T5 v1.0)."""

    d_model: int
    d_ff: int
    num_layers: int
    num_heads: int
    dropout_rate: float = 0.1

    def as_dict(self) -> dict:
        return asdict(self)


# t5-small is d_model 512, d_ff 2048, 6+6 layers, 8 heads (60 M params); these are CPU-sized.
T5_SIZES: dict[str, T5Size] = {
    "tiny": T5Size(d_model=32, d_ff=64, num_layers=1, num_heads=2),
    "mini": T5Size(d_model=128, d_ff=512, num_layers=2, num_heads=4),
    "small-cpu": T5Size(d_model=256, d_ff=1024, num_layers=3, num_heads=4),
}


class ModelLoadError(RuntimeError):
    """Pretrained weights could not be loaded; the message names the model."""


def build_scratch_t5(tokenizer: PreTrainedTokenizerBase, size: T5Size) -> T5ForConditionalGeneration:
    """Randomly initialised T5 whose vocabulary is the given (freshly trained) tokenizer."""
    config = T5Config(
        vocab_size=len(tokenizer),
        d_model=size.d_model,
        d_kv=size.d_model // size.num_heads,
        d_ff=size.d_ff,
        num_layers=size.num_layers,
        num_decoder_layers=size.num_layers,
        num_heads=size.num_heads,
        dropout_rate=size.dropout_rate,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.pad_token_id,
    )
    return T5ForConditionalGeneration(config)


def load_pretrained_t5(name_or_dir: str) -> tuple[T5ForConditionalGeneration, PreTrainedTokenizerBase]:
    """Hub id (t5-small, google/flan-t5-small, ...) or a local directory saved with save_pretrained."""
    local = Path(name_or_dir)
    try:
        tokenizer = AutoTokenizer.from_pretrained(name_or_dir)
        model = AutoModelForSeq2SeqLM.from_pretrained(name_or_dir)
    except (OSError, ValueError) as exc:
        where = f"local directory {local}" if local.exists() else f"Hugging Face Hub id '{name_or_dir}'"
        raise ModelLoadError(
            f"cannot load pretrained T5 from {where}: {exc.__class__.__name__}: {str(exc).splitlines()[0]}"
            " (the Hub is unreachable offline; pass a local directory instead)"
        ) from exc
    if tokenizer.pad_token_id is None:
        raise ModelLoadError(f"{name_or_dir}: tokenizer has no pad token, not a T5 checkpoint?")
    return model, tokenizer


def count_parameters(model: T5ForConditionalGeneration) -> int:
    # Input and output embeddings may be tied; count each tensor once.
    seen: set[int] = set()
    total = 0
    for p in model.parameters():
        if id(p) not in seen:
            seen.add(id(p))
            total += p.numel()
    return total
