"""`credit-scoring` console script: generate data, train, build the demo model, show a card."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

DEMO_CLIENTS = 12_000
DEMO_DATA_DIR = Path("data/demo")
DEFAULT_ARTIFACT_ROOT = Path("artifacts")

console = Console()


def _generate(out: Path, n_clients: int, full_scale: bool, seed: int) -> None:
    from scoring.data.synthetic import generate_dataset

    summary = generate_dataset(out, n_clients=n_clients, seed=seed, full_scale=full_scale)
    console.print(f"[green]Données synthétiques / synthetic data:[/green] {summary}")


def _train(data_dir: Path, out: Path, folds: int, seed: int) -> Path:
    from scoring.model.pipeline import TrainingOptions, train

    directory = train(data_dir, out, TrainingOptions(n_folds=folds, seed=seed))
    print_card(directory)
    return directory


def print_card(artifact_dir: Path) -> None:
    from scoring.model.artifacts import resolve_artifact_dir

    directory = resolve_artifact_dir(artifact_dir)
    card = json.loads((directory / "model_card.json").read_text(encoding="utf-8"))
    table = Table(title=f"Carte du modèle / model card — {card['model_version']}")
    table.add_column("Indicateur / metric")
    table.add_column("Valeur / value", justify="right")
    cv = card["cv_auc"]
    table.add_row("Source des données / data source", card["data"]["source"])
    table.add_row("Demandes d'entraînement / train applications",
                  f"{card['data']['train_applications']:,}")
    table.add_row("Taux de défaut / default rate", f"{card['data']['default_rate']:.2%}")
    table.add_row(f"AUC validation croisée ({cv['n_folds']} plis)",
                  f"{cv['mean']:.4f} ± {cv['std']:.4f}")
    if card.get("oracle_auc") is not None:
        table.add_row("AUC oracle (vraies probabilités)", f"{card['oracle_auc']:.4f}")
    for name, result in card["baselines_auc"].items():
        table.add_row(f"AUC référence {name}", f"{result['auc_mean']:.4f}")
    threshold = card["threshold"]
    table.add_row("Seuil métier / business threshold", f"{threshold['value']:.4f}")
    table.add_row("Zone « à revoir » / review band",
                  f"{threshold['review_band'][0]:.4f} – {threshold['review_band'][1]:.4f}")
    table.add_row("Coût métier par demande / cost per application",
                  f"{threshold['business_cost_per_application']:.4f}")
    table.add_row("Brier", f"{card['calibration']['brier_score']:.4f}")
    table.add_row("Erreur de calibration (ECE)",
                  f"{card['calibration']['expected_calibration_error']:.4f}")
    table.add_row("Variables / features", str(card["model"]["n_features"]))
    table.add_row("Durée d'entraînement / training time", f"{card['training_seconds']:.0f} s")
    console.print(table)
    console.print(f"Artefact : {directory}")


def _demo(out: Path, data_dir: Path, n_clients: int, seed: int) -> Path:
    started = time.perf_counter()
    _generate(data_dir, n_clients, False, seed)
    directory = _train(data_dir, out, 5, seed)
    console.print(f"Démo prête en {time.perf_counter() - started:.0f} s / demo ready.")
    return directory


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="credit-scoring",
        description="Prêt à dépenser — données, entraînement et modèle de démonstration.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="générer des données synthétiques")
    generate.add_argument("--out", type=Path, required=True)
    size = generate.add_mutually_exclusive_group()
    size.add_argument("--n-clients", type=int, default=10_000)
    size.add_argument("--full-scale", action="store_true",
                      help="307 511 + 48 744 demandes, tables annexes à la taille réelle")
    generate.add_argument("--seed", type=int, default=0)

    train = commands.add_parser("train", help="entraîner le modèle et écrire ses artefacts")
    train.add_argument("--data-dir", type=Path, required=True)
    train.add_argument("--out", type=Path, default=DEFAULT_ARTIFACT_ROOT)
    train.add_argument("--folds", type=int, default=5)
    train.add_argument("--seed", type=int, default=0)

    demo = commands.add_parser("demo", help="données synthétiques + modèle de démonstration")
    demo.add_argument("--out", type=Path, default=DEFAULT_ARTIFACT_ROOT)
    demo.add_argument("--data-dir", type=Path, default=DEMO_DATA_DIR)
    demo.add_argument("--n-clients", type=int, default=DEMO_CLIENTS)
    demo.add_argument("--seed", type=int, default=0)

    card = commands.add_parser("card", help="afficher la carte du modèle")
    card.add_argument("artifact", type=Path, nargs="?", default=DEFAULT_ARTIFACT_ROOT)
    return parser


def main(argv: list[str] | None = None) -> int:
    from scoring.data import DataValidationError
    from scoring.model.artifacts import ArtifactError

    args = build_parser().parse_args(argv)
    try:
        if args.command == "generate":
            if args.n_clients is not None and args.n_clients < 100:
                raise ValueError("--n-clients must be at least 100")
            _generate(args.out, args.n_clients, args.full_scale, args.seed)
        elif args.command == "train":
            if args.folds < 2:
                raise ValueError("--folds must be at least 2")
            _train(args.data_dir, args.out, args.folds, args.seed)
        elif args.command == "demo":
            _demo(args.out, args.data_dir, args.n_clients, args.seed)
        elif args.command == "card":
            print_card(args.artifact)
    except (DataValidationError, ArtifactError, ValueError, FileNotFoundError) as error:
        console.print(f"[red]Erreur / error:[/red] {error}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
