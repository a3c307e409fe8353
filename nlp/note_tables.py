"""The note's tables, written from results.json, and the labels that name each method in them.

`python -m nlp.note_tables [reports/nlp/results.json]` prints them in French number format;
tests/nlp/test_docs.py reads the note's tables back and checks every cell against the JSON key it
stands for (method by its label, quantity by its column), so a number in the wrong row or
column fails even when it appears elsewhere in the results.
"""

from __future__ import annotations

from typing import Any

# Row label in the note -> (method id, variant name or None).
MAIN_ROWS: dict[str, tuple[str, str | None]] = {
    "TF-IDF + SVM linéaire": ("tfidf_linear", None),
    "SetFit (16 pas)": ("setfit_minilm", None),
    "MiniLM figé, 64 jetons": ("minilm_logreg", None),
    "MiniLM figé, 256 jetons": ("minilm_logreg", "minilm_logreg / minilm_logreg_256"),
    "Sac de mots + rég. logistique": ("bow_logreg", None),
    "MiniLM affiné, moyenne des jetons + validation": ("minilm_finetuned", None),
    "MiniLM affiné, tête CLS sans validation (2e passe)": ("minilm_finetuned",
                                                             "minilm_finetuned / minilm_finetuned_5folds"),
    "T5 (a) depuis zéro": ("t5_scratch", None),
    "T5 (b) corruption de spans sur le pli": ("t5_span_pretrained", None),
    "Contrôle de (c) : son segmenteur seul": ("t5_external_tokenizer", None),
    "T5 (c) pré-entraîné, jusqu'à l'arrêt précoce": ("t5_external_pretrained", None),
    "T5 (c) pré-entraîné, 10 époques au plus": ("t5_external_pretrained",
                                                "t5_external_pretrained / t5_external"),
}
SHORT = {"tfidf_linear": "TF-IDF", "setfit_minilm": "SetFit", "minilm_logreg": "MiniLM figé 64",
         "bow_logreg": "Sac de mots", "minilm_finetuned": "MiniLM affiné", "t5_scratch": "T5 (a)",
         "t5_span_pretrained": "T5 (b)", "t5_external_tokenizer": "Contrôle de (c)",
         "t5_external_pretrained": "T5 (c)"}
FEW_SHOT = {"tfidf_linear": "TF-IDF + SVM", "minilm_logreg_64": "MiniLM figé, 64 jetons",
            "minilm_logreg_256": "MiniLM figé, 256 jetons", "setfit_minilm": "SetFit, budget de l'article"}


def fr(x: float, d: int = 3) -> str:
    return f"{x:.{d}f}".replace(".", ",")


def p_fr(p: float) -> str:
    """p-values as the note writes them: 3 decimals, or a power of ten below 0.001."""
    if p >= 0.001:
        return fr(p)
    for e in range(3, 16):
        if p >= 10 ** -(e + 1):
            return f"< 10⁻{_sup(e)}"
    return "< 10⁻¹⁶"


def _sup(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def params_fr(n: int) -> str:
    return f"{fr(n / 1e6, 2)} M"


def main_entry(results: dict[str, Any], method: str, variant: str | None) -> dict[str, Any] | None:
    """headline summary, bootstrap interval and static info of a method or of one of its variants."""
    if variant is None:
        if method not in results["methods"]:
            return None
        m = results["methods"][method]
        return {"headline": m["headline"], "boot": results["statistics"]["bootstrap_95"][method],
                "params": m["params"]}
    v = results.get("variants", {}).get("variants", {}).get(variant)
    if v is None:
        return None
    return {"headline": v["headline"], "boot": v["bootstrap_95"], "params": results["methods"][method]["params"]}


def main_row(label: str, e: dict[str, Any]) -> list[str]:
    h, b = e["headline"], e["boot"]
    return [label, f"{fr(h['accuracy']['mean'])} ± {fr(h['accuracy']['std'])}",
            f"[{fr(b['accuracy']['low'])} ; {fr(b['accuracy']['high'])}]", fr(h["f1_macro"]["mean"]),
            f"{fr(h['train_time_s']['mean'], 1)} s", f"{fr(h['infer_ms_per_text']['mean'], 2)} ms",
            params_fr(e["params"])]


MAIN_HEAD = ["Méthode", "Exactitude (moy. ± é.-t. sur 5 plis)", "IC 95 % (bootstrap)", "F1 macro",
             "Entraînement / pli", "Inférence / texte", "Paramètres"]


def mcnemar_row(results: dict[str, Any], method: str) -> list[str]:
    t = results["statistics"]["mcnemar_vs_best"]["tests"][method]
    return [SHORT[method], str(t["only_a_right"]), str(t["only_b_right"]), p_fr(t["p_value_holm"]),
            "oui" if t["significant_at_0_05_holm"] else "**non**"]


MCNEMAR_HEAD = ["Autre méthode", "seule la meilleure a raison", "seule l'autre a raison", "p (Holm)",
                "différence significative à 5 %"]


def few_shot_row(few: dict[str, Any], k: str, method: str) -> list[str] | None:
    info = few["per_class"].get(k, {}).get("methods", {}).get(method)
    if info is None:
        return None
    if info["accuracy_mean_over_draws"] is not None:
        per = " ; ".join(fr(a) for a in info["accuracy_per_complete_draw"])
        ms = fr(info["accuracy_mean_over_draws"])
        if info["accuracy_std_over_draws"] is not None:
            ms += f" ± {fr(info['accuracy_std_over_draws'])}"
    else:
        per, ms = "—", "—"
    return [k, FEW_SHOT[method], str(len(info["complete_draws"])), per, ms, str(info["n_predictions"]),
            fr(info["accuracy_covered"])]


FEW_HEAD = ["Exemples / classe", "Méthode", "tirages complets", "exactitude par tirage (5 plis)",
            "moyenne ± é.-t. sur les tirages", "prédictions", "exactitude sur ces prédictions"]


def few_test_row(few: dict[str, Any], k: str, name: str) -> list[str]:
    t = few["per_class"][k]["mcnemar"][name]
    return [k, f"{FEW_SHOT[t['a']]} / {FEW_SHOT[t['b']]}", str(t["n_pairs"]), fr(t["accuracy_a"]),
            fr(t["accuracy_b"]), str(t["only_a_right"]), str(t["only_b_right"]), p_fr(t["p_value_holm"])]


FEW_TEST_HEAD = ["Exemples / classe", "a / b", "paires (tirage, texte)", "exactitude a", "exactitude b",
                 "seul a a raison", "seul b a raison", "p (Holm)"]


def md_table(head: list[str], rows: list[list[str]]) -> str:
    return "\n".join(["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
                     + ["| " + " | ".join(r) + " |" for r in rows])


def main_rows(results: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    """MAIN_ROWS, where the fine-tuned MiniLM and T5 (c) rows are named by the runs merged for them."""
    rows = dict(MAIN_ROWS)
    if results["protocol"].get("minilm_finetuned", {}).get("pooling") != "mean":
        # Only the second pass's CLS-head run is merged: it is the method's own row.
        del rows["MiniLM affiné, moyenne des jetons + validation"]
        rows["MiniLM affiné, tête CLS sans validation (2e passe)"] = ("minilm_finetuned", None)
    if "t5_external_pretrained / t5_external" not in results.get("variants", {}).get("variants", {}):
        # Only the 10-epoch run of (c) is merged: it is the method's own row.
        del rows["T5 (c) pré-entraîné, jusqu'à l'arrêt précoce"]
        rows["T5 (c) pré-entraîné, 10 époques au plus"] = ("t5_external_pretrained", None)
    return rows


def note_tables(results: dict[str, Any]) -> dict[str, str]:
    rows = [main_row(lbl, e) for lbl, (m, v) in main_rows(results).items() if (e := main_entry(results, m, v))]
    best = results["statistics"]["mcnemar_vs_best"]["best"]
    mc = [mcnemar_row(results, m) for m in SHORT if m != best and m in results["methods"]]
    out = {"TABLE_41": md_table(MAIN_HEAD, rows), "TABLE_42": md_table(MCNEMAR_HEAD, mc)}
    few = results.get("few_shot")
    if few:
        fr_rows = [r for k in sorted(few["per_class"], key=int) for m in FEW_SHOT
                   if (r := few_shot_row(few, k, m))]
        tests = [few_test_row(few, k, n) for k in sorted(few["per_class"], key=int)
                 for n in few["per_class"][k]["mcnemar"]]
        out["TABLE_43"] = md_table(FEW_HEAD, fr_rows)
        out["TABLE_43_TESTS"] = md_table(FEW_TEST_HEAD, tests)
    return out


if __name__ == "__main__":
    import json
    import sys

    path = sys.argv[1] if len(sys.argv) > 1 else "reports/nlp/results.json"
    with open(path, encoding="utf-8") as fh:
        for name, table in note_tables(json.load(fh)).items():
            print(f"{name}\n{table}\n")
