"""Explanatory figures for the slides: T5's text-to-text framing and span corruption on a real text."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nlp.labels import text as label
from nlp.report import plt  # headless backend set there
from nlp.span_corruption import corrupt_spans


def _box(ax, x: float, y: float, w: float, h: float, text: str, colour: str, size: int = 9) -> None:
    ax.add_patch(plt.Rectangle((x, y), w, h, fc=colour, ec="black", lw=0.8))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=size, wrap=True)


def t5_text_to_text(path: Path, lang: str = "en") -> Path:
    """Three inputs, one encoder-decoder, three text outputs; our task in the middle row.

    The boxes hold T5's own task prefixes and a real product text, which are model inputs and
    stay verbatim in every language; only the title is translated.
    """
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
    _box(ax, 4.2, 1.3, 1.6, 1.4, label("t5_box", lang), "#ffe9b3", 10)
    ax.set_title(label("t5_title", lang), fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def span_corruption(path: Path, text: str, seed: int = 3, lang: str = "en") -> Path:
    """Input with sentinels and the target listing what each sentinel hides (15 %, mean span 3)."""
    words = text.split()[:60]
    sentinels = [-(i + 1) for i in range(20)]
    inp, tgt = corrupt_spans(list(range(len(words))), sentinels, np.random.default_rng(seed))

    def render(ids: list[int]) -> str:
        return " ".join(f"<X{-i - 1}>" if i < 0 else words[i] for i in ids)

    fig, ax = plt.subplots(figsize=(10, 4.2))
    ax.set_axis_off()
    blocks = [(label("span_original", lang), " ".join(words)), (label("span_input", lang), render(inp)),
              (label("span_target", lang), render(tgt))]
    for k, (name, body) in enumerate(blocks):
        y = 0.9 - 0.33 * k
        ax.text(0.0, y, name, fontsize=9, weight="bold", va="top", transform=ax.transAxes)
        ax.text(0.17, y, _wrap(body, 95), fontsize=8.5, family="monospace", va="top", transform=ax.transAxes)
    ax.set_title(label("span_title", lang), fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def setfit_diagram(path: Path, lang: str = "en") -> Path:
    """SetFit's two stages: contrastive pairs fine-tune the encoder, then a logistic head."""
    fig, ax = plt.subplots(figsize=(10, 3.4))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 3.4)
    ax.set_axis_off()
    _box(ax, 0.1, 2.0, 2.6, 1.0, "\"steel mug\" / \"ceramic mug\"\n" + label("setfit_same", lang), "#d8f0d8", 8)
    _box(ax, 0.1, 0.6, 2.6, 1.0, "\"steel mug\" / \"analog watch\"\n" + label("setfit_diff", lang), "#f6d5d5", 8)
    _box(ax, 3.4, 1.0, 2.2, 1.6, label("setfit_encoder", lang), "#ffe9b3", 9)
    _box(ax, 6.3, 1.3, 1.6, 1.0, label("setfit_embedding", lang), "#eeeeee", 9)
    _box(ax, 8.4, 1.3, 1.5, 1.0, label("setfit_head", lang), "#cfe3ff", 9)
    for (x0, y0), (x1, y1) in [((2.7, 2.5), (3.4, 2.0)), ((2.7, 1.1), (3.4, 1.6)), ((5.6, 1.8), (6.3, 1.8)),
                               ((7.9, 1.8), (8.4, 1.8))]:
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), arrowprops={"arrowstyle": "->"})
    ax.text(3.0, 0.2, label("setfit_stage1", lang), fontsize=8, ha="center")
    ax.text(8.1, 0.2, label("setfit_stage2", lang), fontsize=8, ha="center")
    ax.set_title(label("setfit_title", lang), fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _wrap(s: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(s, width))


T5_VARIANTS = ("t5_scratch", "t5_span_pretrained", "t5_external_tokenizer", "t5_external_pretrained")


def t5_pretraining(path: Path, results: dict, losses: list[float], log_every: int, lang: str = "en") -> Path:
    """Left: span-corruption loss on the external corpus; right: accuracy of each T5 variant per fold."""
    from nlp.labels import decimal_tick, method_name

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8), gridspec_kw={"width_ratios": [1, 1.5]})
    steps = [log_every * (i + 1) for i in range(len(losses))]
    left.plot(steps, losses, color="tab:purple")
    left.set_xlabel(label("pt_steps", lang))
    left.set_ylabel(label("pt_loss", lang))
    left.set_title(label("pt_left_title", lang), fontsize=10)
    left.grid(alpha=0.3)
    variants = [m for m in T5_VARIANTS if m in results["methods"]]
    by_fold: dict[int, dict[str, float]] = {}
    for m in variants:
        for row in results["methods"][m]["per_fold"]:
            by_fold.setdefault(row["fold"], {})[m] = row["accuracy"]
    for fold, accs in sorted(by_fold.items()):
        xs = [j for j, m in enumerate(variants) if m in accs]
        right.plot(xs, [accs[variants[j]] for j in xs], marker="o", color="0.6", lw=0.8,
                   label=label("pt_fold_line", lang) if fold == min(by_fold) else None)
    means = [results["methods"][m]["headline"]["accuracy"]["mean"] for m in variants]
    right.plot(range(len(variants)), means, marker="D", color="tab:red", lw=0, ms=8, label=label("pt_mean", lang))
    right.set_xticks(range(len(variants)), [method_name(m, lang).replace(" ", "\n", 2) for m in variants], fontsize=7)
    right.set_xlim(-0.5, len(variants) - 0.5)
    right.set_ylabel(label("accuracy", lang))
    right.set_title(label("pt_right_title", lang), fontsize=10)
    right.grid(axis="y", alpha=0.3)
    right.legend(fontsize=7)
    if lang == "fr":
        for ax in (left, right):
            ax.yaxis.set_major_formatter(decimal_tick)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
