"""Markdown table and PNG figures from results.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # headless: runs under nohup / CI without a display
import matplotlib.pyplot as plt
import numpy as np

from nlp.labels import LANGS, decimal_tick, method_name, suffix, text


def _pm(s: dict[str, float], fmt: str = "{:.3f}") -> str:
    return f"{fmt.format(s['mean'])} ± {fmt.format(s['std'])}"


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n / 2**10:.0f} KiB"


def _params(n: int) -> str:
    return f"{n / 1e6:.2f} M" if n >= 1e5 else f"{n / 1e3:.0f} k"


def results_table(results: dict[str, Any], key: str) -> str:
    lines = [
        "| Method | Accuracy | Macro-F1 | Train time / fold | Inference / text | Parameters "
        "| Size on disk | Invalid free generation |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, m in results["methods"].items():
        s = m[key]
        inv = _pm(s["invalid_generation_rate"], "{:.1%}") if "invalid_generation_rate" in s else "n/a"
        lines.append(
            f"| {name} | {_pm(s['accuracy'])} | {_pm(s['f1_macro'])} | {s['train_time_s']['mean']:.1f} s "
            f"| {s['infer_ms_per_text']['mean']:.2f} ms | {_params(m['params'])} "
            f"| {_size(m['size_on_disk_bytes'])} | {inv} |"
        )
    return "\n".join(lines)


def _lc_label(row: dict[str, Any]) -> str:
    return f"{row['per_class']}/class (n={row['n_train']})" if row.get("per_class") else f"all (n={row['n_train']})"


def statistics_markdown(results: dict[str, Any]) -> list[str]:
    st = results.get("statistics")
    if not st:
        return []
    lines = ["", f"## Statistics on the pooled out-of-fold predictions ({st['scope']})", "",
             "| Method | Accuracy [95 % bootstrap CI] | Macro-F1 [95 % bootstrap CI] |", "|---|---|---|"]
    for m, b in st["bootstrap_95"].items():
        a, f = b["accuracy"], b["f1_macro"]
        lines.append(f"| {m} | {a['value']:.3f} [{a['low']:.3f}, {a['high']:.3f}] "
                     f"| {f['value']:.3f} [{f['low']:.3f}, {f['high']:.3f}] |")
    mc = st.get("mcnemar_vs_best")
    if mc:
        lines += ["", f"Exact McNemar tests, best method `{mc['best']}` against each other (Holm-adjusted):", "",
                  f"| Other method | only {mc['best']} right | only other right | p | p (Holm) | significant at 5 % |",
                  "|---|---|---|---|---|---|"]
        for m, t in mc["tests"].items():
            lines.append(f"| {m} | {t['only_a_right']} | {t['only_b_right']} | {t['p_value']:.2g} "
                         f"| {t['p_value_holm']:.2g} | {'yes' if t['significant_at_0_05_holm'] else 'no'} |")
    pt = (st.get("t5_pretraining_tests") or {}).get("tests")
    if pt:
        lines += ["", "Does pretraining help T5? Exact McNemar tests between T5 variants (Holm-adjusted within "
                  "this family):", "",
                  "| Pair (a vs b) | only a right | only b right | p | p (Holm) | significant at 5 % |",
                  "|---|---|---|---|---|---|"]
        for pair, t in pt.items():
            lines.append(f"| {pair} | {t['only_a_right']} | {t['only_b_right']} | {t['p_value']:.2g} "
                         f"| {t['p_value_holm']:.2g} | {'yes' if t['significant_at_0_05_holm'] else 'no'} |")
    lines += seed_spread_markdown(results)
    nc = st["near_copies"]
    lines += ["", f"Near copies: {nc['n_texts_with_near_copy']} test texts have a training-fold text with TF-IDF "
              f"cosine > {nc['threshold_cosine']}.", "",
              "| Method | all | with a near copy | without |", "|---|---|---|---|"]
    for m, a in nc["accuracy"].items():
        w = "n/a" if a["with_near_copy"] is None else f"{a['with_near_copy']:.3f}"
        wo = "n/a" if a["without_near_copy"] is None else f"{a['without_near_copy']:.3f}"
        lines.append(f"| {m} | {a['all']:.3f} | {w} (n={a['n_with']}) | {wo} (n={a['n_without']}) |")
    return lines


def seed_spread_markdown(results: dict[str, Any]) -> list[str]:
    sp = results.get("seed_spread")
    if not sp:
        return []
    lines = ["", f"## Training seeds ({sp['scope']})", "",
             "| Method | seeds | accuracy per seed | mean ± std over seeds | min–max | mean std over folds "
             "| one fold's range across seeds (mean / max) |",
             "|---|---|---|---|---|---|---|"]
    for m, s in sp["methods"].items():
        a = s["accuracy"]
        per = ", ".join(f"{e['train_seed']}: {e['accuracy']:.3f}" for e in s["seeds"])
        lines.append(f"| {m} | {s['n_seeds']} | {per} | {a['mean']:.3f} ± {a['std']:.3f} "
                     f"| {a['min']:.3f}–{a['max']:.3f} | {s['mean_fold_std_accuracy']:.3f} "
                     f"| {s['per_fold_seed_range']['mean']:.3f} / {s['per_fold_seed_range']['max']:.3f} |")
    if sp.get("t5_pairs"):
        lines += ["", "| T5 pair (a − b) | per seed | mean | same sign every seed |", "|---|---|---|---|"]
        for pair, d in sp["t5_pairs"].items():
            per = ", ".join(f"{s}: {x:+.3f}" for s, x in zip(d["seeds"], d["differences"], strict=True))
            lines.append(f"| {pair} | {per} | {d['mean']:+.3f} | {'yes' if d['same_sign_every_seed'] else 'no'} |")
    return lines


def variants_markdown(results: dict[str, Any]) -> list[str]:
    va = results.get("variants")
    if not va:
        return []
    lines = ["", f"## Variants of a method ({va['scope']})", "",
             "| Variant | changed settings (method's run → variant) | accuracy (5-fold mean ± std) "
             "| accuracy [95 % bootstrap CI] | difference | only variant right | only method right | p | p (Holm) |",
             "|---|---|---|---|---|---|---|---|---|"]
    def _changes(d: dict[str, Any]) -> str:
        return "; ".join(f"{k}: {a} → {b}" for k, (a, b) in d.items())

    for name, v in va["variants"].items():
        changes = "; ".join(x for x in (_changes(v["changes"]), _changes(v.get("machine_changes", {}))) if x)
        changes = changes or "none"
        b, t = v["bootstrap_95"]["accuracy"], v["mcnemar_vs_method"]
        lines.append(f"| {name} | {changes} | {_pm(v['headline']['accuracy'])} "
                     f"| {b['value']:.3f} [{b['low']:.3f}, {b['high']:.3f}] | {v['difference_accuracy']:+.3f} "
                     f"| {t['only_a_right']} | {t['only_b_right']} | {t['p_value']:.2g} | {t['p_value_holm']:.2g} |")
    if va.get("pairs"):
        lines += ["", "Variants of one method against each other (a vs b, exact McNemar, Holm within this family):", "",
                  "| Pair (a vs b) | changed settings (b → a) | difference | only a right | only b right | p "
                  "| p (Holm) |", "|---|---|---|---|---|---|---|"]
        for pair, t in va["pairs"].items():
            lines.append(f"| {pair} | {_changes(t['changes']) or 'none'} | {t['difference_accuracy']:+.3f} "
                         f"| {t['only_a_right']} | {t['only_b_right']} | {t['p_value']:.2g} "
                         f"| {t['p_value_holm']:.2g} |")
    return lines


def learning_curve_markdown(results: dict[str, Any]) -> list[str]:
    # Columns are the union of the sizes run (a method may have only the full fold): each cell is
    # looked up by its size, never by position.
    sizes: dict[Any, dict[str, Any]] = {}
    for rows in results["learning_curve"].values():
        for r in rows:
            sizes.setdefault(r.get("per_class"), r)
    cols = sorted(k for k in sizes if k is not None) + ([None] if None in sizes else [])
    lines = ["", "## Few-shot / learning curve (fold 0, labelled examples per class of the training fold)", "",
              "| Method | " + " | ".join(_lc_label(sizes[k]) for k in cols) + " |",
              "|---|" + "---|" * len(cols)]
    for name, rows in results["learning_curve"].items():
        by = {r.get("per_class"): r for r in rows}
        lines.append(f"| {name} | " + " | ".join(f"{by[k]['accuracy']:.3f}" if k in by else "—" for k in cols)
                     + " |")
    return lines


def render_markdown(results: dict[str, Any]) -> str:
    meta, proto = results["meta"], results["protocol"]
    mach = meta["machine"]
    head = proto["headline_folds"]
    lines = [
        "# NLP comparison: T5 text-to-text vs bag of words (Flipkart, 7 categories)",
        "",
        f"- Run: {meta['date_utc']}, total {meta['total_time_s'] / 60:.1f} min wall clock, "
        f"{meta.get('process_cpu_time_s', float('nan')) / 60:.1f} min CPU time of the process"
        + (" (quick smoke mode: subsample, tiny models, numbers not meaningful)" if meta["quick"] else ""),
        f"- Command: `{meta['command']}`",
        f"- Machine: {mach['cpu']}, {mach['logical_cpus']} logical CPUs, {mach['memory_gib']} GiB, "
        f"torch {mach['torch']} (torch threads: {mach['torch_threads']}), transformers {mach['transformers']}, "
        f"scikit-learn {mach['scikit_learn']}",
        f"- Load average at start / end: {meta['load_average_start']} / {meta['load_average_end']} "
        "(the machine is shared with other jobs: timings are indicative)",
        f"- Data: {meta['data']['n_texts']} texts, sha256 `{meta['data']['sha256'][:16]}…`",
        f"- Protocol: stratified {proto['n_splits']}-fold CV (seed {proto['seed']}); "
        f"headline table on folds {head} for every method"
        + (" (transformer runs limited to these folds by CPU time); " if len(head) < proto["n_splits"] else "; ")
        + "hyperparameters by inner 3-fold CV on the training fold; metrics mean ± std over folds.",
        "",
        f"## Headline: all methods on the same folds {head}",
        "",
        results_table(results, "headline"),
        "",
        "## All folds each method ran on",
        "",
        results_table(results, "all_folds"),
        "",
        "Folds per method: " + ", ".join(f"{k}: {v['all_folds']['folds']}" for k, v in results["methods"].items()),
        "",
        "## Free generation (T5 methods)",
        "",
        "| Method | Rank-by-likelihood accuracy | Free-generation accuracy | Invalid labels generated |",
        "|---|---|---|---|",
    ]
    for name, m in results["methods"].items():
        s = m["headline"]
        if "invalid_generation_rate" in s:
            lines.append(f"| {name} | {_pm(s['accuracy'])} | {_pm(s['generation_accuracy'])} "
                         f"| {_pm(s['invalid_generation_rate'], '{:.1%}')} |")
    lines += learning_curve_markdown(results)
    if results.get("few_shot"):
        lines += few_shot_markdown(results["few_shot"])
    lines += statistics_markdown(results)
    lines += variants_markdown(results)
    lines += ["", "## Hyperparameters chosen by inner CV (per fold)", ""]
    for name, m in results["methods"].items():
        picks = [r.get("best_params") for r in m["per_fold"] if r.get("best_params")]
        if picks:
            lines.append(f"- {name}: " + "; ".join(
                ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in p.items())
                for p in picks))
    lines += ["", "## Method descriptions", ""]
    lines += [f"- **{k}**: {v['description']}" for k, v in results["methods"].items()]
    lines += ["", "Figures: `confusion_<method>.png` (pooled over the headline folds), `learning_curve.png`.", ""]
    return "\n".join(lines)


def plot_confusions(results: dict[str, Any], out: Path, lang: str = "en") -> list[Path]:
    names = results["label_names"]
    paths = []
    for method, m in results["methods"].items():
        cm = np.asarray(m["confusion_headline_pooled"])
        fig, ax = plt.subplots(figsize=(7, 6))
        ax.imshow(cm, cmap="Blues")
        ax.set_xticks(range(len(names)), names, rotation=40, ha="right", fontsize=8)
        ax.set_yticks(range(len(names)), names, fontsize=8)
        for i in range(cm.shape[0]):
            for j in range(cm.shape[1]):
                ax.text(j, i, str(cm[i, j]), ha="center", va="center",
                        color="white" if cm[i, j] > cm.max() / 2 else "black", fontsize=8)
        acc = _num(m["headline"]["accuracy"]["mean"], lang)
        ax.set_title(text("confusion_title", lang, method=method_name(method, lang),
                          folds=results["protocol"]["headline_folds"], acc=acc), fontsize=10)
        ax.set_xlabel(text("predicted", lang))
        ax.set_ylabel(text("true", lang))
        fig.tight_layout()
        path = out / f"confusion_{method.replace(':', '_').replace('/', '_')}{suffix(lang)}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        paths.append(path)
    return paths


def _num(x: float, lang: str) -> str:
    """0.949 in English, 0,949 in French."""
    s = f"{x:.3f}"
    return s.replace(".", ",") if lang == "fr" else s


def plot_learning_curve(results: dict[str, Any], out: Path, lang: str = "en") -> Path:
    fig, ax = plt.subplots(figsize=(10, 6))
    n_classes = len(results["label_names"])
    values = []
    for method, rows in results["learning_curve"].items():
        ys = [r["accuracy"] for r in rows]
        values += ys
        ax.plot([r["n_train"] / n_classes for r in rows], ys, marker="o", label=method_name(method, lang))
    ax.set_xscale("log")
    ax.set_xlabel(text("lc_x", lang), fontsize=15)
    ax.set_ylabel(text("lc_y", lang), fontsize=15)
    # The y-axis spans the measured values (not 0 to 1), so the differences between methods show.
    if values:
        ax.set_ylim(max(0.0, min(values) - 0.03), min(1.0, max(values) + 0.02))
    ax.tick_params(labelsize=13)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=12)
    ax.set_title(text("lc_title", lang), fontsize=16)
    if lang == "fr":
        ax.yaxis.set_major_formatter(decimal_tick)
    fig.tight_layout()
    path = out / f"learning_curve{suffix(lang)}.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_reports(results: dict[str, Any], out: Path) -> list[Path]:
    """results.md (English) and every figure twice: English (`x.png`) and French (`x.fr.png`)."""
    out.mkdir(parents=True, exist_ok=True)
    md = out / "results.md"
    md.write_text(render_markdown(results), encoding="utf-8")
    paths = [md]
    for lang in LANGS:
        paths += [*plot_confusions(results, out, lang), plot_learning_curve(results, out, lang)]
        if results.get("statistics"):
            paths.append(plot_intervals(results, out, lang))
        if results.get("few_shot"):
            paths.append(plot_few_shot(results["few_shot"], out, lang))
    return paths


def plot_few_shot(few: dict[str, Any], out: Path, lang: str = "en") -> Path:
    """Accuracy per labelled examples per class: mean over complete draws, error bar = std over draws.

    A method with no complete draw (a partial run) is drawn as a hollow marker at its accuracy over
    the texts it covered, without an error bar.
    """
    fig, ax = plt.subplots(figsize=(10, 5.2))
    ks = sorted(int(k) for k in few["per_class"])
    methods: list[str] = []
    for k in ks:
        methods += [m for m in few["per_class"][str(k)]["methods"] if m not in methods]
    values = []
    for i, m in enumerate(methods):
        xs, ys, es, hollow = [], [], [], []
        for k in ks:
            info = few["per_class"][str(k)]["methods"].get(m)
            if info is None:
                continue
            shift = k * (1 + 0.04 * (i - len(methods) / 2))  # side by side, bars not on top of each other
            if info["accuracy_mean_over_draws"] is not None:
                xs.append(shift)
                ys.append(info["accuracy_mean_over_draws"])
                es.append(info["accuracy_std_over_draws"] or 0.0)
            else:
                hollow.append((shift, info["accuracy_covered"]))
        colour = f"C{i}"
        if xs:
            ax.errorbar(xs, ys, yerr=es, marker="o", capsize=5, lw=2, color=colour, label=method_name(m, lang))
            values += [y - e for y, e in zip(ys, es, strict=True)] + [y + e for y, e in zip(ys, es, strict=True)]
        for x, y in hollow:
            ax.plot([x], [y], marker="o", mfc="none", ms=11, mew=2, color=colour,
                    label=None if xs else text("fs_partial", lang, method=method_name(m, lang)))
            values.append(y)
    ax.set_xscale("log")
    ax.set_xticks(ks, [str(k) for k in ks])
    ax.minorticks_off()
    ax.set_xlabel(text("fs_x", lang), fontsize=17)
    ax.set_ylabel(text("fs_y", lang), fontsize=17)
    if values:
        ax.set_ylim(max(0.0, min(values) - 0.02), min(1.0, max(values) + 0.02))
    ax.tick_params(labelsize=16)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=15, loc="lower right")
    if lang == "fr":
        ax.yaxis.set_major_formatter(decimal_tick)
    fig.tight_layout()
    path = out / f"few_shot{suffix(lang)}.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def few_shot_markdown(few: dict[str, Any]) -> list[str]:
    lines = ["", "## Few-shot test (every fold, several draws of k examples per class)", "",
             few["scope"] + ".", "",
             "| k / class | Method | complete draws | accuracy per draw | mean ± std over draws "
             "| accuracy on covered texts (n) [95 % CI] |",
             "|---|---|---|---|---|---|"]
    for k, block in sorted(few["per_class"].items(), key=lambda kv: int(kv[0])):
        for m, info in block["methods"].items():
            per = ", ".join(f"{a:.3f}" for a in info["accuracy_per_complete_draw"]) or "—"
            ms = (f"{info['accuracy_mean_over_draws']:.3f} ± {info['accuracy_std_over_draws']:.3f}"
                  if info["accuracy_std_over_draws"] is not None else
                  (f"{info['accuracy_mean_over_draws']:.3f}" if info["accuracy_mean_over_draws"] is not None else "—"))
            ci = info["bootstrap_95_covered"]["accuracy"]
            cov = f"{info['accuracy_covered']:.3f} ({info['n_predictions']}) [{ci['low']:.3f}, {ci['high']:.3f}]"
            lines.append(f"| {k} | {m} | {len(info['complete_draws'])} | {per} | {ms} | {cov} |")
    lines += ["", "| k / class | a vs b | pairs | acc a | acc b | only a right | only b right | p | p (Holm) |",
              "|---|---|---|---|---|---|---|---|---|"]
    for k, block in sorted(few["per_class"].items(), key=lambda kv: int(kv[0])):
        for name, t in block["mcnemar"].items():
            lines.append(f"| {k} | {name} | {t['n_pairs']} | {t['accuracy_a']:.3f} | {t['accuracy_b']:.3f} "
                         f"| {t['only_a_right']} | {t['only_b_right']} | {t['p_value']:.2g} "
                         f"| {t['p_value_holm']:.2g} |")
    return lines


def plot_intervals(results: dict[str, Any], out: Path, lang: str = "en") -> Path:
    """Accuracy and macro-F1 with their 95 % bootstrap intervals, best method first."""
    boot = results["statistics"]["bootstrap_95"]
    names = sorted(boot, key=lambda m: boot[m]["accuracy"]["value"])
    fig, ax = plt.subplots(figsize=(11, 0.45 * len(names) + 1.5))
    y = np.arange(len(names))
    for offset, key, colour in ((-0.15, "accuracy", "tab:blue"), (0.15, "f1_macro", "tab:orange")):
        v = np.array([boot[m][key]["value"] for m in names])
        lo = np.array([boot[m][key]["low"] for m in names])
        hi = np.array([boot[m][key]["high"] for m in names])
        ax.errorbar(v, y + offset, xerr=[v - lo, hi - v], fmt="o", color=colour, capsize=3, label=text(key, lang))
    ax.set_yticks(y, [method_name(m, lang) for m in names], fontsize=16)
    ax.tick_params(axis="x", labelsize=15)
    ax.set_xlabel(text("intervals_x", lang), fontsize=16)
    if lang == "fr":
        ax.xaxis.set_major_formatter(decimal_tick)
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=15, loc="lower right")
    fig.tight_layout()
    path = out / f"intervals{suffix(lang)}.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
