"""Flipkart product data: loading, label extraction, text cleaning and the shared CV folds.

Every method in the comparison gets its folds from :func:`make_folds`, so all numbers are
computed on exactly the same train/test partitions.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

REQUIRED_COLUMNS = ("product_name", "product_category_tree", "description")
DEFAULT_SEED = 42
DEFAULT_N_SPLITS = 5


class DataError(ValueError):
    """Input data that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Corpus:
    """Texts and integer labels, with the category names in label order."""

    texts: list[str]
    labels: np.ndarray
    label_names: list[str]
    ids: list[str]

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, idx: np.ndarray) -> Corpus:
        return Corpus(
            texts=[self.texts[i] for i in idx],
            labels=self.labels[idx],
            label_names=self.label_names,
            ids=[self.ids[i] for i in idx],
        )


_WS = re.compile(r"\s+")
_RS = r"Rs\.?\s?[\d,]+(?:\.\d+)?"
# Flipkart descriptions carry shop boilerplate with no category signal. The first study's single
# pattern left "Buy X for Rs. N online. X at best prices with & ." in 185 texts and the
# "Online at Rs. N in India Only at Flipkart.com" form in others; each form is matched whole here,
# the product name in the second sentence by back-reference. Prices stated inside the
# specifications ("Price: Rs. 899") are product attributes and stay.
_BOILERPLATE = [
    re.compile(
        r"(?:Flipkart\.com:\s*)?-?\s*Buy\s+(?P<n>.{1,300}?)\s+(?:online\s+)?(?:(?:only\s+)?for\s+(?:only\s+)?|at\s+)"
        + _RS
        + r"\s+(?:online(?: in India)?|from Flipkart\.com|at Flipkart\.com|in India Only at Flipkart\.com)\s*\.?"
        r"(?:\s*(?P=n)\s+at best prices with[^.]*?\.)?",
        re.IGNORECASE | re.DOTALL,
    ),
    re.compile(r"Flipkart\.com is offering\s+.{1,300}?\s+for\s+(?:only\s+for\s+)?" + _RS + r"\s*\|?\s*Flipkart\.com\.?",
               re.IGNORECASE | re.DOTALL),
    re.compile(r"Shop Online For Apparels\.?\s*Huge Collection of Branded Clothes Only at Flipkart\.com\.?",
               re.IGNORECASE),
    re.compile(r"\bat best prices with (?:free shipping )?&\s*(?:cash on delivery)?\s*\.", re.IGNORECASE),
    re.compile(r"-?\s*\b(?:Great Discounts|Lowest Prices|Only Genuine Products|30 Day Replacement Guarantee|"
               r"Free Shipping|Cash On Delivery)\s*[.,!]?", re.IGNORECASE),
]
# What the audit counts as boilerplate still present after cleaning (reported in results.json).
BOILERPLATE_MARKERS = {
    "for_rs_dot": re.compile(r"for Rs\.", re.IGNORECASE),
    "buy_for_rs": re.compile(r"\bBuy\b.{1,300}?\b(?:for|at)\s+(?:only\s+)?Rs", re.IGNORECASE | re.DOTALL),
    "at_best_prices_with": re.compile(r"at best prices with", re.IGNORECASE),
    "flipkart_com": re.compile(r"Flipkart\.com", re.IGNORECASE),
    "only_genuine_products": re.compile(r"Only Genuine Products", re.IGNORECASE),
}


def clean_text(text: str) -> str:
    """Light cleaning: unescape HTML, drop shop boilerplate, collapse whitespace."""
    text = html.unescape(str(text))
    for pattern in _BOILERPLATE:
        text = pattern.sub(" ", text)
    return _WS.sub(" ", text).strip()


def boilerplate_counts(texts: list[str]) -> dict[str, int]:
    """Number of texts in which each boilerplate marker occurs."""
    return {name: sum(bool(rx.search(t)) for t in texts) for name, rx in BOILERPLATE_MARKERS.items()}


def top_level_category(tree: str) -> str:
    """First level of a category tree such as '["Baby Care >> Baby Bath & Skin >> ..."]'."""
    raw = str(tree).strip().lstrip("[").rstrip("]").strip().strip('"').strip()
    return raw.split(">>")[0].strip()


def load_flipkart(path: str | Path) -> Corpus:
    """Read the Flipkart CSV; text = product name + description, label = top-level category."""
    path = Path(path)
    if path.is_dir():
        csvs = sorted(path.glob("*.csv"))
        if len(csvs) != 1:
            raise DataError(f"{path}: expected exactly one .csv file in the directory, found {len(csvs)}")
        path = csvs[0]
    if not path.exists():
        raise DataError(f"{path}: file not found")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path}: cannot be parsed as CSV ({exc})") from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}")
    if df.empty:
        raise DataError(f"{path}: no data rows")
    categories = df["product_category_tree"].map(top_level_category)
    if (categories == "").any():
        bad = int((categories == "").sum())
        raise DataError(f"{path}: {bad} row(s) with an empty product_category_tree")
    label_names = sorted(categories.unique())
    lookup = {name: i for i, name in enumerate(label_names)}
    texts = [
        clean_text(f"{name}. {desc}")
        for name, desc in zip(df["product_name"], df["description"], strict=True)
    ]
    ids = df["uniq_id"].tolist() if "uniq_id" in df.columns else [str(i) for i in range(len(df))]
    return Corpus(
        texts=texts,
        labels=categories.map(lookup).to_numpy(dtype=np.int64),
        label_names=label_names,
        ids=ids,
    )


def make_folds(
    labels: np.ndarray, n_splits: int = DEFAULT_N_SPLITS, seed: int = DEFAULT_SEED
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Fixed stratified K-fold (train_idx, test_idx) pairs; same seed -> same folds."""
    counts = np.bincount(labels)
    if counts[counts > 0].min() < n_splits:
        raise DataError(f"a category has fewer than {n_splits} examples: cannot make {n_splits} folds")
    skf = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return [(tr, te) for tr, te in skf.split(np.zeros(len(labels)), labels)]


def stratified_per_class(labels: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Positions of a subsample with `k` examples of each class (all of a class if it has fewer)."""
    if k < 1:
        raise DataError(f"examples per class must be >= 1, got {k}")
    rng = np.random.default_rng(seed)
    keep = [rng.choice(pos, size=min(k, len(pos)), replace=False)
            for pos in (np.flatnonzero(labels == c) for c in np.unique(labels))]
    return np.sort(np.concatenate(keep))


def stratified_fraction(labels: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    """Positions of a stratified subsample holding `fraction` of each class (at least 1 each)."""
    rng = np.random.default_rng(seed)
    keep: list[np.ndarray] = []
    for cls in np.unique(labels):
        pos = np.flatnonzero(labels == cls)
        n = max(1, round(fraction * len(pos)))
        keep.append(rng.choice(pos, size=n, replace=False))
    return np.sort(np.concatenate(keep))
