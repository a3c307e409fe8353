"""Figure wording in French (the note and slides) and English (results.md).

Figures carry readable method names rather than the internal ids (`tfidf_linear`), which are
command-line values. Category names stay as the Flipkart data spells them: they are the labels
the models predict.
"""

from __future__ import annotations

LANGS = ("fr", "en")

METHOD_NAMES: dict[str, dict[str, str]] = {
    "bow_logreg": {"fr": "Sac de mots + rég. logistique", "en": "Bag of words + logistic reg."},
    "tfidf_linear": {"fr": "TF-IDF + SVM linéaire", "en": "TF-IDF + linear SVM"},
    "minilm_logreg": {"fr": "MiniLM figé + rég. logistique", "en": "Frozen MiniLM + logistic reg."},
    "minilm_logreg_64": {"fr": "MiniLM figé, 64 jetons", "en": "Frozen MiniLM, 64 tokens"},
    "minilm_logreg_256": {"fr": "MiniLM figé, 256 jetons", "en": "Frozen MiniLM, 256 tokens"},
    "t5_scratch": {"fr": "T5 (a) sans pré-entraînement", "en": "T5 (a) from scratch"},
    "t5_span_pretrained": {"fr": "T5 (b) pré-entraîné sur le pli", "en": "T5 (b) pretrained on the fold"},
    "t5_external_pretrained": {"fr": "T5 (c) pré-entraîné sur 6 M de mots", "en": "T5 (c) pretrained on 6 M words"},
    "t5_external_tokenizer": {"fr": "T5, segmenteur de (c) seul", "en": "T5, (c)'s tokenizer only"},
    "setfit_minilm": {"fr": "SetFit (MiniLM)", "en": "SetFit (MiniLM)"},
    "minilm_finetuned": {"fr": "MiniLM affiné de bout en bout", "en": "MiniLM fine-tuned end to end"},
}

TEXT: dict[str, dict[str, str]] = {
    "accuracy": {"fr": "exactitude", "en": "accuracy"},
    "f1_macro": {"fr": "F1 macro", "en": "macro-F1"},
    "intervals_x": {"fr": "score hors pli, intervalle bootstrap à 95 %",
                    "en": "pooled out-of-fold score, 95 % bootstrap interval"},
    "lc_title": {"fr": "Courbe d'apprentissage", "en": "Learning curve"},
    "lc_x": {"fr": "exemples étiquetés par classe (pli 0, échelle logarithmique)",
             "en": "labelled training examples per class (fold 0, log scale)"},
    "lc_y": {"fr": "exactitude sur le test (pli 0)", "en": "test accuracy (fold 0)"},
    "predicted": {"fr": "catégorie prédite", "en": "predicted"},
    "true": {"fr": "catégorie vraie", "en": "true"},
    "confusion_title": {"fr": "{method} — plis {folds} regroupés (exactitude {acc})",
                        "en": "{method} — folds {folds} pooled (acc {acc})"},
    "t5_title": {"fr": "T5 : toute tâche est du texte en entrée et en sortie (un modèle, une perte)",
                 "en": "T5: every task is text in, text out (one model, one loss)"},
    "t5_box": {"fr": "T5\nencodeur\n→\ndécodeur", "en": "T5\nencoder\n→\ndecoder"},
    "span_title": {"fr": "Corruption de spans : ~15 % des jetons retirés par spans (longueur moyenne 3), "
                         "une sentinelle par span",
                   "en": "Span corruption: ~15 % of tokens dropped in spans (mean length 3), one sentinel per span"},
    "span_original": {"fr": "texte d'origine", "en": "original"},
    "span_input": {"fr": "entrée (encodeur)", "en": "input (encoder)"},
    "span_target": {"fr": "cible (décodeur)", "en": "target (decoder)"},
    "setfit_title": {"fr": "SetFit (Tunstall et al., 2022) : peu d'étiquettes, sans prompt, un petit encodeur",
                     "en": "SetFit (Tunstall et al., 2022): few labels, no prompt, a small encoder"},
    "setfit_same": {"fr": "même catégorie → cosinus 1", "en": "same category → cosine 1"},
    "setfit_diff": {"fr": "catégories différentes → cosinus 0", "en": "different → cosine 0"},
    "setfit_encoder": {"fr": "encodeur de phrases\n(all-MiniLM-L6-v2)\naffiné sur les paires",
                       "en": "sentence encoder\n(all-MiniLM-L6-v2)\nfine-tuned on pairs"},
    "setfit_embedding": {"fr": "plongement\n(384 dimensions)", "en": "embedding\n(384 dims)"},
    "setfit_head": {"fr": "régression\nlogistique\n→ catégorie", "en": "logistic\nregression\n→ category"},
    "setfit_stage1": {"fr": "étape 1 : affinage contrastif (paires de textes étiquetés)",
                      "en": "stage 1: contrastive fine-tuning (pairs of labelled texts)"},
    "setfit_stage2": {"fr": "étape 2 : tête de classification sur les plongements figés",
                      "en": "stage 2: classifier head on frozen embeddings"},
    "pt_steps": {"fr": "pas d'optimisation", "en": "optimizer steps"},
    "pt_loss": {"fr": "perte de corruption de spans", "en": "span-corruption loss"},
    "pt_left_title": {"fr": "(c) pré-entraînement sur 20 Newsgroups + Reuters",
                      "en": "(c) pretraining on 20 Newsgroups + Reuters"},
    "pt_right_title": {"fr": "Exactitude de T5 par pli", "en": "T5 accuracy per fold"},
    "pt_fold_line": {"fr": "un pli", "en": "one fold"},
    "pt_mean": {"fr": "moyenne sur les plis", "en": "mean over folds"},
    "local_t5": {"fr": "T5 (a) — attributions de log P(\"{label}\" | texte) (IG) ; catégorie vraie : {true}",
                 "en": "T5 (a) — attributions of log P(\"{label}\" | text) (IG); true: {true}"},
    "local_tfidf": {"fr": "TF-IDF + SVM linéaire — coefficient × variable pour \"{label}\" ; catégorie vraie : {true}",
                    "en": "TF-IDF + linear SVM — coefficient × feature for \"{label}\"; true: {true}"},
    "local_legend": {"fr": "bleu : pousse vers l'étiquette, rouge : l'en éloigne ; 70 premiers mots",
                     "en": "blue: pushes towards the label, red: away; first 70 words"},
    "global_t5": {"fr": "T5, IG moyen", "en": "T5 mean IG"},
    "ds_cut": {"fr": "{n} jetons", "en": "{n} tokens"},
    "ds_x": {"fr": "jetons MiniLM par texte (boîte : quartiles ; traits : 5e-95e centiles)",
             "en": "MiniLM tokens per text (box: quartiles; whiskers: 5th and 95th percentiles)"},
    "ds_title": {"fr": "1 050 fiches, 150 par catégorie ; {share} % dépassent 64 jetons",
                 "en": "1,050 products, 150 per category; {share} % exceed 64 tokens"},
    "fs_x": {"fr": "exemples étiquetés par classe (5 plis)", "en": "labelled examples per class (5 folds)"},
    "fs_y": {"fr": "exactitude (moy. ± é.-t., 3 tirages)",
             "en": "accuracy (mean ± std, 3 draws)"},
    "fs_partial": {"fr": "{method}, 1 pli", "en": "{method}, 1 fold"},
    "sf_local_setfit": {"fr": "SetFit, apport à log P(catégorie)\n→ « {label} »",
                        "en": "SetFit, share of log P(category)\n→ \"{label}\""},
    "sf_local_tfidf": {"fr": "TF-IDF, coefficient × variable\n→ « {label} »",
                       "en": "TF-IDF, coefficient × feature\n→ \"{label}\""},
    "sf_local_head": {"fr": "Vraie catégorie : {true} — « {text} »", "en": "True: {true} — \"{text}\""},
    "sf_global_cat": {"fr": "Catégorie", "en": "Category"},
    "sf_global_setfit": {"fr": "SetFit : attribution moyenne", "en": "SetFit: mean attribution"},
    "sf_global_tfidf": {"fr": "TF-IDF : coefficient", "en": "TF-IDF: coefficient"},
    "global_tfidf": {"fr": "coefficient TF-IDF", "en": "TF-IDF coefficient"},
}


def method_name(method: str, lang: str) -> str:
    """Readable name of a method id; unknown ids (e.g. a Hub checkpoint) are shown as they are."""
    return METHOD_NAMES.get(method, {}).get(lang, method)


def text(key: str, lang: str, **fields: object) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return TEXT[key][lang].format(**fields)


def decimal_tick(value: float, _pos: object = None) -> str:
    """Axis tick in French: decimal comma, no trailing zeros (0,725 / 0,75 / 5)."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def suffix(lang: str) -> str:
    """File-name suffix: English figures keep their historical names, French ones end in `.fr`."""
    return "" if lang == "en" else f".{lang}"
