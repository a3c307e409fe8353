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
    fig, ax = plt.subplots(figsize=(12, 5))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 4)
    ax.set_axis_off()
    rows = [
        ("translate English to German:\nThat is good.", "Das ist gut."),
        ("classify: Sonata 7924PP\nAnalog Watch - For Men ...", "Watches"),
        ("summarize: state authorities\ndispatched emergency crews ...", "six people\nhospitalized ..."),
    ]
    for i, (inp, out) in enumerate(rows):
        y = 3.0 - 1.2 * i
        colour = "#cfe3ff" if i == 1 else "#eeeeee"
        _box(ax, 0.0, y, 3.8, 0.95, inp, colour, 14)
        ax.annotate("", xy=(4.2, 2.0), xytext=(3.8, y + 0.45), arrowprops={"arrowstyle": "->"})
        ax.annotate("", xy=(6.5, y + 0.45), xytext=(5.9, 2.0), arrowprops={"arrowstyle": "->"})
        _box(ax, 6.5, y, 3.5, 0.95, out, colour, 14)
    _box(ax, 4.2, 1.2, 1.7, 1.6, label("t5_box", lang), "#ffe9b3", 15)
    ax.set_title(label("t5_title", lang), fontsize=16)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def span_corruption(path: Path, text: str, seed: int = 3, lang: str = "en") -> Path:
    """Input with sentinels and the target listing what each sentinel hides (15 %, mean span 3)."""
    words = text.split()[:32]
    sentinels = [-(i + 1) for i in range(20)]
    inp, tgt = corrupt_spans(list(range(len(words))), sentinels, np.random.default_rng(seed))

    def render(ids: list[int]) -> str:
        return " ".join(f"<X{-i - 1}>" if i < 0 else words[i] for i in ids)

    fig, ax = plt.subplots(figsize=(12, 6))
    ax.set_axis_off()
    blocks = [(label("span_original", lang), " ".join(words)), (label("span_input", lang), render(inp)),
              (label("span_target", lang), render(tgt))]
    for k, (name, body) in enumerate(blocks):
        y = 0.95 - 0.34 * k
        ax.text(0.0, y, name, fontsize=15, weight="bold", va="top", transform=ax.transAxes)
        ax.text(0.0, y - 0.07, _wrap(body, 70), fontsize=14, family="monospace", va="top", transform=ax.transAxes)
    ax.set_title(_wrap(label("span_title", lang), 80), fontsize=15)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def setfit_diagram(path: Path, lang: str = "en") -> Path:
    """SetFit's two stages: contrastive pairs fine-tune the encoder, then a logistic head."""
    fig, ax = plt.subplots(figsize=(12, 5))
    ax.set_xlim(-0.1, 10.1)
    ax.set_ylim(0, 3.4)
    ax.set_axis_off()
    _box(ax, 0.0, 2.0, 2.7, 1.0, "\"steel mug\" / \"ceramic mug\"\n" + label("setfit_same", lang), "#d8f0d8", 13)
    _box(ax, 0.0, 0.6, 2.7, 1.0, "\"steel mug\" / \"analog watch\"\n" + label("setfit_diff", lang), "#f6d5d5", 13)
    _box(ax, 3.3, 0.9, 2.4, 1.8, label("setfit_encoder", lang), "#ffe9b3", 14)
    _box(ax, 6.2, 1.2, 1.7, 1.2, label("setfit_embedding", lang), "#eeeeee", 14)
    _box(ax, 8.3, 1.2, 1.7, 1.2, label("setfit_head", lang), "#cfe3ff", 14)
    for (x0, y0), (x1, y1) in [((2.7, 2.5), (3.4, 2.0)), ((2.7, 1.1), (3.4, 1.6)), ((5.6, 1.8), (6.3, 1.8)),
                               ((7.9, 1.8), (8.4, 1.8))]:
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), arrowprops={"arrowstyle": "->"})
    ax.text(2.8, 0.1, _wrap(label("setfit_stage1", lang), 40), fontsize=14, ha="center")
    ax.text(8.0, 0.1, _wrap(label("setfit_stage2", lang), 32), fontsize=14, ha="center")
    ax.set_title(_wrap(label("setfit_title", lang), 70), fontsize=16)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def dataset_lengths(path: Path, corpus, lengths: list[int], lang: str = "en") -> Path:
    """Jetons MiniLM per text, by category, with the 64- and 256-jeton cuts the encoders read."""
    import numpy as np

    fig, ax = plt.subplots(figsize=(12, 5.5))
    labels = np.asarray(corpus.labels)
    data = [np.asarray(lengths)[labels == c] for c in range(len(corpus.label_names))]
    ax.boxplot(data, vert=False, whis=(5, 95), showfliers=False)
    ax.set_yticks(range(1, len(data) + 1), [f"{n} ({len(d)})" for n, d in zip(corpus.label_names, data, strict=True)],
                  fontsize=17)
    for cut, style in ((64, "--"), (256, ":")):
        ax.axvline(cut, color="tab:red", ls=style, lw=2)
        ax.text(cut, len(data) + 0.6, label("ds_cut", lang, n=cut), color="tab:red", fontsize=17, ha="center")
    ax.set_xscale("log")
    ax.set_xticks([10, 20, 50, 100, 200, 500], ["10", "20", "50", "100", "200", "500"])
    ax.minorticks_off()
    ax.set_xlabel(label("ds_x", lang), fontsize=16)
    ax.tick_params(axis="x", labelsize=16)
    ax.set_ylim(0.4, len(data) + 1.1)
    above = float(np.mean(np.asarray(lengths) > 64))
    ax.set_title(label("ds_title", lang, share=f"{100 * above:.0f}".replace(".", ",")), fontsize=18)
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
