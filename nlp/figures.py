"""Explanatory figures for the slides: T5's text-to-text framing and span corruption on a real text."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nlp.report import plt  # headless backend set there
from nlp.span_corruption import corrupt_spans


def _box(ax, x: float, y: float, w: float, h: float, text: str, colour: str, size: int = 9) -> None:
    ax.add_patch(plt.Rectangle((x, y), w, h, fc=colour, ec="black", lw=0.8))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=size, wrap=True)


def t5_text_to_text(path: Path) -> Path:
    """Three inputs, one encoder-decoder, three text outputs; our task in the middle row."""
    fig, ax = plt.subplots(figsize=(9, 3.6))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 4)
    ax.set_axis_off()
    rows = [
        ("translate English to German: That is good.", "Das ist gut."),
        ("classify: Sonata 7924PP Analog Watch - For Men ...", "Watches"),
        ("summarize: state authorities dispatched emergency crews ...", "six people hospitalized ..."),
    ]
    for i, (inp, out) in enumerate(rows):
        y = 3.0 - 1.2 * i
        colour = "#cfe3ff" if i == 1 else "#eeeeee"
        _box(ax, 0.1, y, 3.6, 0.8, inp, colour, 8)
        ax.annotate("", xy=(4.2, 2.0), xytext=(3.7, y + 0.4), arrowprops={"arrowstyle": "->"})
        ax.annotate("", xy=(6.3, y + 0.4), xytext=(5.8, 2.0), arrowprops={"arrowstyle": "->"})
        _box(ax, 6.3, y, 3.5, 0.8, out, colour, 9)
    _box(ax, 4.2, 1.3, 1.6, 1.4, "T5\nencoder\n→\ndecoder", "#ffe9b3", 10)
    ax.set_title("T5: every task is text in, text out (one model, one loss)", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def span_corruption(path: Path, text: str, seed: int = 3) -> Path:
    """Input with sentinels and the target listing what each sentinel hides (15 %, mean span 3)."""
    words = text.split()[:60]
    sentinels = [-(i + 1) for i in range(20)]
    inp, tgt = corrupt_spans(list(range(len(words))), sentinels, np.random.default_rng(seed))

    def render(ids: list[int]) -> str:
        return " ".join(f"<X{-i - 1}>" if i < 0 else words[i] for i in ids)

    fig, ax = plt.subplots(figsize=(10, 4.2))
    ax.set_axis_off()
    blocks = [("original", " ".join(words)), ("input (encoder)", render(inp)), ("target (decoder)", render(tgt))]
    for k, (name, body) in enumerate(blocks):
        y = 0.9 - 0.33 * k
        ax.text(0.0, y, name, fontsize=9, weight="bold", va="top", transform=ax.transAxes)
        ax.text(0.17, y, _wrap(body, 95), fontsize=8.5, family="monospace", va="top", transform=ax.transAxes)
    ax.set_title("Span corruption: ~15 % of tokens dropped in spans (mean length 3), one sentinel per span",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def setfit_diagram(path: Path) -> Path:
    """SetFit's two stages: contrastive pairs fine-tune the encoder, then a logistic head."""
    fig, ax = plt.subplots(figsize=(10, 3.4))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 3.4)
    ax.set_axis_off()
    _box(ax, 0.1, 2.0, 2.6, 1.0, "\"steel mug\" / \"ceramic mug\"\nsame category → cosine 1", "#d8f0d8", 8)
    _box(ax, 0.1, 0.6, 2.6, 1.0, "\"steel mug\" / \"analog watch\"\ndifferent → cosine 0", "#f6d5d5", 8)
    _box(ax, 3.4, 1.0, 2.2, 1.6, "sentence encoder\n(all-MiniLM-L6-v2)\nfine-tuned on pairs", "#ffe9b3", 9)
    _box(ax, 6.3, 1.3, 1.6, 1.0, "embedding\n(384 dims)", "#eeeeee", 9)
    _box(ax, 8.4, 1.3, 1.5, 1.0, "logistic\nregression\n→ category", "#cfe3ff", 9)
    for (x0, y0), (x1, y1) in [((2.7, 2.5), (3.4, 2.0)), ((2.7, 1.1), (3.4, 1.6)), ((5.6, 1.8), (6.3, 1.8)),
                               ((7.9, 1.8), (8.4, 1.8))]:
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), arrowprops={"arrowstyle": "->"})
    ax.text(3.0, 0.2, "stage 1: contrastive fine-tuning (pairs of labelled texts)", fontsize=8, ha="center")
    ax.text(8.1, 0.2, "stage 2: classifier head on frozen embeddings", fontsize=8, ha="center")
    ax.set_title("SetFit (Tunstall et al., 2022): few labels, no prompt, a small encoder", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _wrap(s: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(s, width))
