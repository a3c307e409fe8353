"""Fixtures for the NLP tests: no network, a small generated corpus with the Flipkart columns."""

from __future__ import annotations

import csv
import importlib.util
import os
import random
from pathlib import Path

import pytest

# Must be set before transformers / huggingface_hub are imported by any test module.
for _var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ[_var] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

# Without the nlp extra these tests cannot run: skip the directory instead of failing collection.
HAVE_NLP_EXTRA = all(importlib.util.find_spec(m) is not None for m in ("torch", "transformers", "sklearn"))
if not HAVE_NLP_EXTRA:
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(autouse=True, scope="package")
def _one_torch_thread():
    """Tests share 2 cores with other jobs; 1 thread avoids OpenMP spin contention.

    Scoped to this package and restored afterwards so other test packages keep their setting.
    """
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)

CATEGORY_WORDS = {
    "Baby Care": ["baby", "infant", "diaper", "romper", "feeding", "bottle", "soft", "toddler"],
    "Beauty and Personal Care": ["perfume", "deodorant", "shampoo", "lipstick", "skin", "fragrance", "cream"],
    "Computers": ["usb", "laptop", "keyboard", "mouse", "router", "adapter", "gb", "pendrive"],
    "Home Decor & Festive Needs": ["showpiece", "idol", "candle", "wall", "decor", "lamp", "diwali"],
    "Home Furnishing": ["bedsheet", "curtain", "cushion", "pillow", "cotton", "blanket", "quilt"],
    "Kitchen & Dining": ["mug", "cooker", "bottle", "steel", "kitchen", "pan", "dinner", "ceramic"],
    "Watches": ["watch", "analog", "digital", "strap", "dial", "wrist", "chronograph", "men"],
}
FILLER = ["buy", "online", "best", "price", "genuine", "quality", "product", "shipping", "great", "new"]
COLUMNS = [
    "uniq_id", "crawl_timestamp", "product_url", "product_name", "product_category_tree", "pid",
    "retail_price", "discounted_price", "image", "is_FK_Advantage_product", "description",
    "product_rating", "overall_rating", "brand", "product_specifications",
]


def write_corpus(path: Path, per_class: int = 30, seed: int = 0, drop: str | None = None) -> Path:
    rng = random.Random(seed)
    rows = []
    for cat, words in CATEGORY_WORDS.items():
        for i in range(per_class):
            name = " ".join(rng.choices(words, k=3)).title()
            desc_words = rng.choices(words, k=8) + rng.choices(FILLER, k=8)
            rng.shuffle(desc_words)
            rows.append({
                "uniq_id": f"{cat[:3]}{i:04d}", "product_name": name,
                "product_category_tree": f'["{cat} >> Sub >> {name}"]',
                "description": f"Key Features of {name} " + " ".join(desc_words),
            })
    columns = [c for c in COLUMNS if c != drop]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore", restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="session")
def corpus_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("flipkart") / "products.csv")


@pytest.fixture(scope="session")
def corpus(corpus_csv: Path):
    from nlp.data import load_flipkart

    return load_flipkart(corpus_csv)


@pytest.fixture(scope="session")
def tiny_encoder_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1-layer BERT saved as a sentence-transformers model: SetFit / fine-tuning without the Hub."""
    from sentence_transformers import SentenceTransformer, models
    from transformers import BertConfig, BertModel, BertTokenizerFast

    root = tmp_path_factory.mktemp("tiny_encoder")
    hf_dir, st_dir = root / "hf", root / "st"
    hf_dir.mkdir()
    words = sorted({w for ws in CATEGORY_WORDS.values() for w in ws} | set(FILLER)
                   | {"key", "features", "of", "sub", "."})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]
    (hf_dir / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    BertTokenizerFast(vocab_file=str(hf_dir / "vocab.txt")).save_pretrained(hf_dir)
    import torch

    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=128)
    BertModel(config).save_pretrained(hf_dir)
    transformer = models.Transformer(str(hf_dir), max_seq_length=64)
    pooling = models.Pooling(transformer.get_word_embedding_dimension(), pooling_mode="mean")
    SentenceTransformer(modules=[transformer, pooling], device="cpu").save(str(st_dir))
    return st_dir
