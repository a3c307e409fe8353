"""Explanations of SetFit itself (the recent method), next to the TF-IDF model, on fold 0.

SetFit's classifier is a function of the token ids: the fine-tuned MiniLM encoder, masked mean
pooling, L2 normalisation (the sentence-transformers modules of all-MiniLM-L6-v2), then the
logistic-regression head. We write that whole path in torch and explain the head's
log-probability of a class, log P(c | text):

- local: layer integrated gradients (Sundararajan et al. 2017, arXiv 1703.01365; captum) with
  respect to the word-embedding layer, from a baseline where every jeton but [CLS] and [SEP] is
  [PAD] (attention mask unchanged). IG is complete: the word attributions sum to
  log P(c | text) - log P(c | baseline), up to the reported convergence error. A word's
  attribution is the sum over its WordPiece jetons;
- global, per category: the mean attribution of the true category over the test texts of that
  category, for words seen in at least `min_texts` of them, next to the TF-IDF n-grams with the
  largest coefficients for the category.
"""

from __future__ import annotations

import json
import textwrap
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from nlp.data import Corpus
from nlp.explain import Attribution, choose_cases, tfidf_top_ngrams, tfidf_word_attributions
from nlp.labels import LANGS, decimal_tick, suffix
from nlp.labels import text as label_text


class SetFitScorer(torch.nn.Module):
    """log P(class | token ids) of a trained SetFit model: encoder, mean pooling, normalise, head."""

    def __init__(self, setfit_model, max_length: int) -> None:
        super().__init__()
        body = setfit_model.model_body
        self.tokenizer = body.tokenizer
        self.encoder = body[0].auto_model
        self.normalise = any(type(m).__name__ == "Normalize" for m in body)
        head = setfit_model.model_head
        self.register_buffer("coef", torch.as_tensor(np.asarray(head.coef_), dtype=torch.float32))
        self.register_buffer("intercept", torch.as_tensor(np.asarray(head.intercept_), dtype=torch.float32))
        self.max_length = max_length
        self.eval()

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        if self.normalise:
            pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
        return torch.log_softmax(pooled @ self.coef.T + self.intercept, dim=-1)

    def encode(self, text: str):
        return self.tokenizer(text, truncation=True, max_length=self.max_length, return_tensors="pt",
                              return_offsets_mapping=True, return_token_type_ids=False)

    def log_proba(self, text: str) -> torch.Tensor:
        enc = self.encode(text)
        with torch.no_grad():
            return self(enc["input_ids"], enc["attention_mask"])[0]


def setfit_word_attributions(scorer: SetFitScorer, text: str, class_index: int, label: str,
                             n_steps: int = 32) -> tuple[Attribution, float]:
    """Layer-IG attributions of log P(class | text) per word; also the convergence error."""
    from captum.attr import LayerIntegratedGradients

    enc = scorer.encode(text)
    ids, mask = enc["input_ids"], enc["attention_mask"]
    baseline = ids.clone()
    special = set(scorer.tokenizer.all_special_ids) - {scorer.tokenizer.pad_token_id}
    for j in range(ids.shape[1]):
        if int(ids[0, j]) not in special:
            baseline[0, j] = scorer.tokenizer.pad_token_id
    lig = LayerIntegratedGradients(
        lambda i, m: scorer(i, m)[:, class_index], scorer.encoder.embeddings.word_embeddings)
    attr, delta = lig.attribute(ids, baselines=baseline, additional_forward_args=(mask,), n_steps=n_steps,
                                internal_batch_size=n_steps, return_convergence_delta=True)
    per_token = attr.sum(-1)[0].detach().numpy()
    with torch.no_grad():
        total = float(scorer(ids, mask)[0, class_index] - scorer(baseline, mask)[0, class_index])
    words, scores = _tokens_to_words(enc, per_token, text)
    return Attribution(words, scores, label, total, float(total - sum(scores))), abs(float(delta[0]))


def _tokens_to_words(enc, per_token: np.ndarray, text: str) -> tuple[list[str], list[float]]:
    """Sum WordPiece jetons into the words they came from (the tokenizer's own word ids)."""
    word_ids = enc.word_ids(0)
    offsets = enc["offset_mapping"][0].tolist()
    spans: dict[int, list[int]] = {}
    sums: dict[int, float] = defaultdict(float)
    for j, w in enumerate(word_ids):
        if w is None:
            continue
        start, end = offsets[j]
        spans.setdefault(w, [start, end])[1] = end
        sums[w] += float(per_token[j])
    order = sorted(spans)
    return [text[spans[w][0]:spans[w][1]] for w in order], [sums[w] for w in order]


def global_setfit_words(scorer: SetFitScorer, test: Corpus, n_steps: int, k: int = 10,
                        min_texts: int = 3) -> tuple[dict[str, list[tuple[str, float]]], float]:
    """Per category: words with the largest mean attribution of the true category (>= min_texts texts)."""
    sums: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    seen: dict[int, Counter] = defaultdict(Counter)
    n_texts = Counter(int(y) for y in test.labels)
    worst = 0.0
    for text, y in zip(test.texts, test.labels, strict=True):
        attr, delta = setfit_word_attributions(scorer, text, int(y), test.label_names[int(y)], n_steps)
        worst = max(worst, delta / max(abs(attr.total), 1e-9))
        per_word: dict[str, float] = defaultdict(float)
        for w, s in zip(attr.words, attr.scores, strict=True):
            if any(ch.isalnum() for ch in w):
                per_word[w.lower()] += s
        for w, s in per_word.items():
            sums[int(y)][w] += s
            seen[int(y)][w] += 1
    out = {}
    for c, name in enumerate(test.label_names):
        ranked = sorted(((w, s / n_texts[c]) for w, s in sums[c].items() if seen[c][w] >= min_texts),
                        key=lambda ws: -ws[1])
        out[name] = [(w, float(s)) for w, s in ranked[:k]]
    return out, worst


# ------------------------------------------------------------------ figures (readable when projected)

def by_word(attr: Attribution) -> list[tuple[str, float]]:
    """Attribution per word type (lower case, summed over its occurrences), largest magnitude first."""
    sums: dict[str, float] = defaultdict(float)
    for w, v in zip(attr.words, attr.scores, strict=True):
        if any(ch.isalnum() for ch in w):
            sums[w.lower()] += v
    return sorted(sums.items(), key=lambda wv: -abs(wv[1]))


def _bars(ax, attr: Attribution, title: str, colour: str, k: int, lang: str) -> None:
    top = by_word(attr)[:k][::-1]
    labels = [w for w, _ in top]
    values = [v for _, v in top]
    ax.barh(range(len(values)), values, color=[colour if v > 0 else "tab:red" for v in values])
    ax.set_yticks(range(len(values)), labels, fontsize=18)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_title(title, fontsize=17, loc="left")
    ax.tick_params(axis="x", labelsize=15)
    if lang == "fr":
        ax.xaxis.set_major_formatter(decimal_tick)


def plot_local(case: dict[str, Any], sf: Attribution, tf: Attribution, path: Path, lang: str = "en",
               k: int = 8) -> Path:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 5.2))
    _bars(axes[0], sf, label_text("sf_local_setfit", lang, label=sf.label), "tab:blue", k, lang)
    _bars(axes[1], tf, label_text("sf_local_tfidf", lang, label=tf.label), "tab:orange", k, lang)
    head = textwrap.shorten(case["text"], 60)
    fig.suptitle(label_text("sf_local_head", lang, true=case["true"], text=head), fontsize=17, x=0.01,
                 ha="left")
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_global(g_sf: dict[str, list[tuple[str, float]]], g_tf: dict[str, list[tuple[str, float]]],
                categories: Sequence[str], path: Path, lang: str = "en", k: int = 3) -> Path:
    """A table as a figure: per category, SetFit's top words beside TF-IDF's top n-grams (large type)."""
    import matplotlib.pyplot as plt

    # Sized to fill a slide: 11 in at 16 pt stays >= 14 pt once scaled to the slide's width.
    fig, ax = plt.subplots(figsize=(11, 0.75 * (len(categories) + 1)))
    ax.set_axis_off()
    rows = [[c, ", ".join(w for w, _ in g_sf[c][:k]), ", ".join(_gram(g) for g, _ in g_tf[c][:k])]
            for c in categories]
    cols = [label_text("sf_global_cat", lang), label_text("sf_global_setfit", lang),
            label_text("sf_global_tfidf", lang)]
    table = ax.table(cellText=rows, colLabels=cols, loc="center", cellLoc="left", colLoc="left",
                     colWidths=[0.34, 0.33, 0.33])
    table.auto_set_font_size(False)
    table.set_fontsize(16)
    table.scale(1, 2.4)
    fig.tight_layout(pad=0.2)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def _gram(name: str) -> str:
    kind, gram = name.split("__", 1)
    return gram if kind == "word" else f"«{gram.strip()}»"


# ------------------------------------------------------------------ driver

def explain_setfit(corpus: Corpus, folds, out: Path, encoder_dir: Path, steps: int = 16, max_length: int = 64,
                   n_steps: int = 32, global_steps: int = 8, global_texts: int | None = None, seed: int = 42,
                   quick: bool = False) -> dict[str, Any]:
    """Train SetFit and TF-IDF on fold 0 (as in the main table), explain both locally and globally."""
    from dataclasses import replace

    from setfit import SetFitModel

    from nlp.baseline import tfidf_search
    from nlp.encoder_methods import SetFitSettings, train_setfit

    out.mkdir(parents=True, exist_ok=True)
    tr, te = folds[0]
    train, test = corpus.subset(tr), corpus.subset(te)
    settings = replace(SetFitSettings(), max_steps=steps, max_length=max_length)
    model: SetFitModel = train_setfit(train, encoder_dir, settings, seed=seed, quick_head=quick)
    scorer = SetFitScorer(model, max_length)
    sf_pred = np.array([int(scorer.log_proba(t).argmax()) for t in test.texts])
    search = tfidf_search(seed=seed, quick=quick)
    search.fit(train.texts, train.labels)
    pipe = search.best_estimator_
    tf_pred = np.asarray(pipe.predict(test.texts))
    # choose_cases: both right, SetFit wrong on its most frequent confusion where TF-IDF is right,
    # both wrong; plus TF-IDF wrong where SetFit is right.
    cases = choose_cases(test.labels, sf_pred, tf_pred)
    for c in cases:
        c["kind"] = c["kind"].replace("T5", "SetFit")
    tf_only_wrong = np.flatnonzero((sf_pred == test.labels) & (tf_pred != test.labels))
    cases += [{"pos": int(i), "kind": "TF-IDF wrong, SetFit right"} for i in tf_only_wrong[:2]]
    local, relative = [], []
    for n, case in enumerate(cases):
        i = case["pos"]
        sf_label = test.label_names[int(sf_pred[i])]
        sf_attr, delta = setfit_word_attributions(scorer, test.texts[i], int(sf_pred[i]), sf_label, n_steps)
        relative.append(delta / max(abs(sf_attr.total), 1e-9))
        tf_attr = tfidf_word_attributions(pipe, test.texts[i], int(tf_pred[i]), test.label_names[int(tf_pred[i])])
        info = {**case, "id": test.ids[i], "true": test.label_names[int(test.labels[i])], "setfit_pred": sf_label,
                "tfidf_pred": tf_attr.label, "text": textwrap.shorten(test.texts[i], 300),
                "setfit_top_words": by_word(sf_attr)[:5], "tfidf_top_words": by_word(tf_attr)[:5],
                "setfit_ig_total": sf_attr.total, "setfit_ig_convergence_error": delta,
                # Every word's attribution, so the figures can be drawn again without the model.
                "setfit_words": sf_attr.words, "setfit_scores": sf_attr.scores,
                "tfidf_words": tf_attr.words, "tfidf_scores": tf_attr.scores,
                "figure": f"setfit_local_{n}.png"}
        for lang in LANGS:
            plot_local(info, sf_attr, tf_attr, out / f"setfit_local_{n}{suffix(lang)}.png", lang)
        local.append(info)
    sample = test if global_texts is None else test.subset(np.arange(min(global_texts, len(test))))
    g_tf = tfidf_top_ngrams(pipe, test.label_names)
    g_sf: dict[str, list[tuple[str, float]]] = {name: [] for name in test.label_names}
    g_err = None
    if len(sample):  # --global-texts 0: local explanations only
        g_sf, g_err = global_setfit_words(scorer, sample, global_steps)
        for lang in LANGS:
            plot_global(g_sf, g_tf, test.label_names, out / f"setfit_global{suffix(lang)}.png", lang=lang)
    tf_words = {name: {w for gram, _ in grams for w in gram.split("__", 1)[1].split()} for name, grams in g_tf.items()}
    result = {
        "fold": 0, "n_test": len(test), "setfit_steps": steps, "max_length": max_length,
        "ig_steps_local": n_steps, "ig_steps_global": global_steps,
        "setfit_accuracy_fold0": float(np.mean(sf_pred == test.labels)),
        "tfidf_accuracy_fold0": float(np.mean(tf_pred == test.labels)),
        "max_ig_relative_error_local": float(max(relative)) if relative else None,
        "max_ig_relative_error_global": g_err,
        "local": local, "global_setfit": g_sf, "global_tfidf": g_tf,
        "setfit_top_words_not_in_tfidf_top": {name: [w for w, _ in words if w not in tf_words[name]]
                                              for name, words in g_sf.items()},
        "global_sample_texts": len(sample),
    }
    (out / "setfit_explanations.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n",
                                                  encoding="utf-8")
    return result


def _top(attr: Attribution, k: int = 5) -> list[tuple[str, float]]:
    order = np.argsort(-np.asarray(attr.scores))[:k]
    return [(attr.words[i], round(float(attr.scores[i]), 4)) for i in order]


def replot_global(explanations: Path, out: Path) -> list[Path]:
    """Draw the global table again from setfit_explanations.json (no model needed)."""
    r = json.loads(Path(explanations).read_text(encoding="utf-8"))
    cats = list(r["global_setfit"])
    return [plot_global(r["global_setfit"], r["global_tfidf"], cats, out / f"setfit_global{suffix(lang)}.png",
                        lang=lang) for lang in LANGS]


def replot_local(explanations: Path, out: Path) -> list[Path]:
    """Draw the local figures again from setfit_explanations.json (its per-word attributions)."""
    r = json.loads(Path(explanations).read_text(encoding="utf-8"))
    paths = []
    for n, case in enumerate(r["local"]):
        sf = Attribution(case["setfit_words"], case["setfit_scores"], case["setfit_pred"], case["setfit_ig_total"], 0.0)
        tf = Attribution(case["tfidf_words"], case["tfidf_scores"], case["tfidf_pred"], 0.0, 0.0)
        paths += [plot_local(case, sf, tf, out / f"setfit_local_{n}{suffix(lang)}.png", lang) for lang in LANGS]
    return paths
