"""Explanations of the T5 classifier next to the TF-IDF model, on the test texts of fold 0.

- T5, local: Integrated Gradients (Sundararajan et al. 2017, arXiv 1703.01365, with captum) of the
  label score log P(label | text) with respect to the encoder's input embeddings, from an all-<pad>
  baseline; the attribution of a word is the sum over its SentencePiece pieces and embedding
  dimensions. IG is complete: the attributions sum to score(text) - score(baseline), up to the
  reported convergence error.
- TF-IDF, local: each active feature contributes x_j * w_{c,j} to the linear decision score of class
  c; a word n-gram's share is split over its words, a character n-gram's over the words it occurs in.
- Global, per category: T5's mean word attribution for the true label over the test texts of that
  category, against the TF-IDF n-grams with the largest coefficients for the category.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from nlp.data import Corpus
from nlp.labels import LANGS, decimal_tick, suffix
from nlp.labels import text as label_text
from nlp.t5_train import PREFIX

_WORD = re.compile(r"(?u)\b\w+\b")
_EDGE_PUNCT = re.compile(r"^\W+|\W+$")


class ExplainError(ValueError):
    """Missing or unusable input to `explain`; the message names it."""


@dataclass
class Attribution:
    words: list[str]
    scores: list[float]
    label: str
    total: float  # what the scores should add up to (score difference or decision score)
    residual: float  # part of `total` not assigned to a displayed word


# ------------------------------------------------------------------ T5 (Integrated Gradients)

def _label_ids(tokenizer, label: str) -> torch.Tensor:
    return torch.tensor([tokenizer(label)["input_ids"]])


def t5_word_attributions(
    model, tokenizer, text: str, label: str, max_len: int, n_steps: int = 32
) -> tuple[Attribution, float]:
    """IG attributions of log P(label | text) per word; also returns the convergence error."""
    from captum.attr import IntegratedGradients

    model.eval()
    enc = tokenizer([PREFIX + text], max_length=max_len, truncation=True, return_tensors="pt")
    ids, mask = enc["input_ids"], enc["attention_mask"]
    labels = _label_ids(tokenizer, label)
    embed = model.get_input_embeddings()
    with torch.no_grad():
        x = embed(ids)
        baseline = embed(torch.full_like(ids, tokenizer.pad_token_id))

    def score(inputs_embeds: torch.Tensor) -> torch.Tensor:
        b = inputs_embeds.shape[0]
        lab = labels.repeat(b, 1)
        out = model(inputs_embeds=inputs_embeds, attention_mask=mask.repeat(b, 1), labels=lab)
        logp = torch.log_softmax(out.logits.float(), dim=-1)
        return logp.gather(-1, lab.unsqueeze(-1)).squeeze(-1).sum(-1)

    ig = IntegratedGradients(score)
    attr, delta = ig.attribute(x, baselines=baseline, n_steps=n_steps, internal_batch_size=n_steps,
                               return_convergence_delta=True)
    per_piece = attr.sum(-1)[0].detach().numpy()
    with torch.no_grad():
        total = float(score(x)[0] - score(baseline)[0])
    pieces = tokenizer.convert_ids_to_tokens(ids[0].tolist())
    words, scores = _pieces_to_words(pieces, per_piece, n_prefix_words=len(PREFIX.split()))
    return Attribution(words, scores, label, total, total - float(np.sum(scores))), float(abs(delta.item()))


def _pieces_to_words(pieces: Sequence[str], values: np.ndarray, n_prefix_words: int) -> tuple[list[str], list[float]]:
    """Merge SentencePiece pieces ('▁' starts a word) into words; drop the task prefix and </s>."""
    words: list[str] = []
    scores: list[float] = []
    for piece, v in zip(pieces, values, strict=True):
        if piece in ("</s>", "<pad>"):
            continue
        if piece.startswith("▁") or not words:
            words.append(piece.lstrip("▁"))
            scores.append(float(v))
        else:
            words[-1] += piece
            scores[-1] += float(v)
    # "▁" alone can precede punctuation; fold empty words into the next one.
    merged_w: list[str] = []
    merged_s: list[float] = []
    carry = 0.0
    for w, s in zip(words, scores, strict=True):
        if not w:
            carry += s
            continue
        merged_w.append(w)
        merged_s.append(s + carry)
        carry = 0.0
    return merged_w[n_prefix_words:], merged_s[n_prefix_words:]


# ------------------------------------------------------------------ TF-IDF (coefficient x feature)

def _tfidf_parts(pipeline):
    features = pipeline.named_steps["features"]
    clf = pipeline.named_steps["clf"]
    names = features.get_feature_names_out()
    return features, clf, names


def tfidf_word_attributions(pipeline, text: str, class_index: int, label: str) -> Attribution:
    """Linear decision score of `class_index` split into per-word contributions."""
    features, clf, names = _tfidf_parts(pipeline)
    x = features.transform([text]).tocsr()
    coef = np.asarray(clf.coef_)
    w = coef[class_index] if coef.shape[0] > 1 else coef[0]
    words = _WORD.findall(text)
    lower = [t.lower() for t in words]
    types = set(lower)
    per_type: dict[str, float] = defaultdict(float)
    residual = 0.0
    for j, v in zip(x.indices, x.data, strict=True):
        contrib = float(v * w[j])
        kind, gram = names[j].split("__", 1)
        if kind == "word":
            owners = [g for g in gram.split() if g in types]
        else:  # char_wb n-gram: the words that contain it
            core = gram.strip()
            owners = [t for t in types if core and core in t]
        if not owners:
            residual += contrib
            continue
        for o in owners:
            per_type[o] += contrib / len(owners)
    counts = Counter(lower)
    scores = [per_type.get(t, 0.0) / counts[t] for t in lower]
    intercept = float(np.atleast_1d(clf.intercept_)[class_index if coef.shape[0] > 1 else 0])
    total = float(x.dot(w)[0]) + intercept
    return Attribution(words, scores, label, total, residual + intercept)


def tfidf_top_ngrams(pipeline, label_names: Sequence[str], k: int = 10) -> dict[str, list[tuple[str, float]]]:
    """Per class, the k features with the largest coefficients (word and character n-grams)."""
    _, clf, names = _tfidf_parts(pipeline)
    coef = np.asarray(clf.coef_)
    out = {}
    for c, name in enumerate(label_names):
        top = np.argsort(-coef[c])[:k]
        out[name] = [(str(names[j]), float(coef[c, j])) for j in top]
    return out


# ------------------------------------------------------------------ figures

def _colour(v: float, scale: float) -> tuple[float, float, float, float]:
    a = min(1.0, abs(v) / scale) if scale > 0 else 0.0
    return (0.15, 0.45, 0.85, 0.8 * a) if v > 0 else (0.9, 0.25, 0.2, 0.8 * a)


def _draw_words(ax, attr: Attribution, title: str, max_words: int = 70, width: int = 95) -> None:
    import matplotlib.pyplot as plt  # noqa: F401  (backend chosen by nlp.report)

    ax.set_axis_off()
    ax.set_title(title, fontsize=9, loc="left")
    words, scores = attr.words[:max_words], attr.scores[:max_words]
    scale = max((abs(s) for s in scores), default=1.0)
    x, y, line_h = 0.0, 0.92, 0.085
    for w, s in zip(words, scores, strict=True):
        frac = (len(w) + 1) / width
        if x + frac > 1.0:
            x, y = 0.0, y - line_h
        if y < 0:
            break
        ax.text(x, y, w, fontsize=8, family="monospace", va="top",
                bbox={"boxstyle": "square,pad=0.1", "fc": _colour(s, scale), "ec": "none"})
        x += frac


def plot_local(case: dict[str, Any], t5: Attribution, tf: Attribution, path: Path, lang: str = "en") -> Path:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 1, figsize=(10, 4.6))
    _draw_words(axes[0], t5, label_text("local_t5", lang, label=t5.label, true=case["true"]))
    _draw_words(axes[1], tf, label_text("local_tfidf", lang, label=tf.label, true=case["true"]))
    fig.text(0.01, 0.01, label_text("local_legend", lang), fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_global(global_t5: dict[str, list[tuple[str, float]]], global_tf: dict[str, list[tuple[str, float]]],
                path: Path, k: int = 8, lang: str = "en") -> Path:
    import matplotlib.pyplot as plt

    names = list(global_t5)
    fig, axes = plt.subplots(len(names), 2, figsize=(10, 1.55 * len(names)))
    panels = ((global_t5, label_text("global_t5", lang)), (global_tf, label_text("global_tfidf", lang)))
    for row, name in enumerate(names):
        for col, (src, title) in enumerate(panels):
            ax = axes[row, col]
            items = src[name][:k][::-1]
            ax.barh([t for t, _ in items], [v for _, v in items], color="tab:blue" if col == 0 else "tab:orange")
            ax.tick_params(labelsize=7)
            if lang == "fr":
                ax.xaxis.set_major_formatter(decimal_tick)
            ax.set_title(f"{name} — {title}", fontsize=8, loc="left")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


# ------------------------------------------------------------------ driver

def choose_cases(y_true: np.ndarray, t5_pred: np.ndarray, tf_pred: np.ndarray, n_each: int = 2) -> list[dict]:
    """Positions: both right, T5 wrong on its most frequent confusion (TF-IDF right), both wrong."""
    cases: list[dict] = []
    both_right = np.flatnonzero((t5_pred == y_true) & (tf_pred == y_true))
    cases += [{"pos": int(i), "kind": "both right"} for i in both_right[:n_each]]
    t5_wrong = np.flatnonzero((t5_pred != y_true) & (tf_pred == y_true))
    if len(t5_wrong):
        pairs = Counter((int(y_true[i]), int(t5_pred[i])) for i in t5_wrong)
        worst = pairs.most_common(1)[0][0]
        chosen = [i for i in t5_wrong if (y_true[i], t5_pred[i]) == worst][:n_each]
        cases += [{"pos": int(i), "kind": "T5 wrong, most frequent confusion"} for i in chosen]
    both_wrong = np.flatnonzero((t5_pred != y_true) & (tf_pred != y_true))
    cases += [{"pos": int(i), "kind": "both wrong"} for i in both_wrong[:n_each]]
    return cases


def global_t5_tokens(model, tokenizer, test: Corpus, max_len: int, n_steps: int, k: int = 10,
                     min_texts: int = 3) -> dict[str, list[tuple[str, float]]]:
    """Per category: words with the largest mean IG attribution of the true label (≥ min_texts texts)."""
    sums: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    seen: dict[int, Counter] = defaultdict(Counter)
    n_texts = Counter(int(y) for y in test.labels)
    for text, y in zip(test.texts, test.labels, strict=True):
        attr, _ = t5_word_attributions(model, tokenizer, text, test.label_names[int(y)], max_len, n_steps)
        per_word: dict[str, float] = defaultdict(float)
        for w, s in zip(attr.words, attr.scores, strict=True):
            # "mug." and "mug" are one word for the comparison with TF-IDF's \w+ tokens.
            key = _EDGE_PUNCT.sub("", w.lower())
            if key:
                per_word[key] += s
        for w, s in per_word.items():
            sums[int(y)][w] += s
            seen[int(y)][w] += 1
    out = {}
    for c, name in enumerate(test.label_names):
        ranked = sorted(((w, s / n_texts[c]) for w, s in sums[c].items() if seen[c][w] >= min_texts),
                        key=lambda ws: -ws[1])
        out[name] = [(w, float(s)) for w, s in ranked[:k]]
    return out


def explain(model_dir: Path, corpus: Corpus, folds, out: Path, max_len: int = 128, n_steps: int = 32,
            global_texts: int | None = None, seed: int = 42, quick: bool = False) -> dict[str, Any]:
    """Local and global explanations of the fold-0 T5 (a) model and the fold-0 TF-IDF model."""
    from nlp.baseline import tfidf_search
    from nlp.t5_model import ModelLoadError, load_pretrained_t5
    from nlp.t5_predict import rank_label_scores

    try:
        model, tok = load_pretrained_t5(str(model_dir))
    except ModelLoadError as exc:
        raise ExplainError(f"--model-dir {model_dir}: {exc}") from exc
    out.mkdir(parents=True, exist_ok=True)
    tr, te = folds[0]
    train, test = corpus.subset(tr), corpus.subset(te)
    search = tfidf_search(seed=seed, quick=quick)
    search.fit(train.texts, train.labels)
    pipe = search.best_estimator_
    tf_pred = np.asarray(pipe.predict(test.texts))
    t5_pred = rank_label_scores(model, tok, test.texts, test.label_names, max_len).argmax(1)
    cases = choose_cases(test.labels, t5_pred, tf_pred)
    local = []
    deltas = []
    relative = []
    for n, case in enumerate(cases):
        i = case["pos"]
        t5_label = test.label_names[int(t5_pred[i])]
        t5_attr, delta = t5_word_attributions(model, tok, test.texts[i], t5_label, max_len, n_steps)
        deltas.append(delta)
        relative.append(delta / max(abs(t5_attr.total), 1e-9))
        tf_attr = tfidf_word_attributions(pipe, test.texts[i], int(tf_pred[i]), test.label_names[int(tf_pred[i])])
        info = {**case, "id": test.ids[i], "true": test.label_names[int(test.labels[i])], "t5_pred": t5_label,
                "tfidf_pred": tf_attr.label, "text": textwrap.shorten(test.texts[i], 300),
                "t5_top_words": _top(t5_attr), "tfidf_top_words": _top(tf_attr),
                "t5_ig_total": t5_attr.total, "t5_ig_convergence_error": delta,
                "figure": f"explain_local_{n}.png"}
        for lang in LANGS:
            plot_local(info, t5_attr, tf_attr, out / f"explain_local_{n}{suffix(lang)}.png", lang)
        local.append(info)
    sample = test if global_texts is None else test.subset(np.arange(min(global_texts, len(test))))
    g_t5 = global_t5_tokens(model, tok, sample, max_len, n_steps)
    g_tf = tfidf_top_ngrams(pipe, test.label_names)
    for lang in LANGS:
        plot_global(g_t5, g_tf, out / f"explain_global{suffix(lang)}.png", lang=lang)
    tf_words = {name: {w for gram, _ in grams for w in gram.split("__", 1)[1].split()} for name, grams in g_tf.items()}
    only_t5 = {name: [w for w, _ in words if not any(w in g for g in tf_words[name])] for name, words in g_t5.items()}
    result = {
        "fold": 0, "n_test": len(test), "ig_steps": n_steps, "max_input_len": max_len,
        "t5_accuracy_fold0": float(np.mean(t5_pred == test.labels)),
        "tfidf_accuracy_fold0": float(np.mean(tf_pred == test.labels)),
        "max_ig_convergence_error": float(max(deltas)) if deltas else None,
        # |sum of attributions - (score(text) - score(baseline))| / |score difference|
        "max_ig_relative_error": float(max(relative)) if relative else None,
        "local": local, "global_t5": g_t5, "global_tfidf": g_tf, "t5_top_words_not_in_tfidf_top": only_t5,
        "global_sample_texts": len(sample),
    }
    (out / "explanations.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return result


def _top(attr: Attribution, k: int = 5) -> list[tuple[str, float]]:
    order = np.argsort(-np.asarray(attr.scores))[:k]
    return [(attr.words[i], round(float(attr.scores[i]), 4)) for i in order]
