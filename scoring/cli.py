"""`credit-scoring` console script: generate data, train, build the demo model, show a card."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

DEMO_CLIENTS = 12_000
DEMO_DATA_DIR = Path("data/demo")
DEFAULT_ARTIFACT_ROOT = Path("artifacts")

console = Console()


def _generate(out: Path, n_clients: int, full_scale: bool, seed: int, shift: list[str] | None = None) -> None:
    from scoring.data.synthetic import generate_dataset
    from scoring.data.synthetic.shift import PopulationShift, shift_applications

    population_shift = PopulationShift.parse(shift)  # checked before minutes of generation
    summary = generate_dataset(out, n_clients=n_clients, seed=seed, full_scale=full_scale)
    console.print(f"[green]Données synthétiques / synthetic data:[/green] {summary}")
    if not population_shift.is_identity:
        shift_applications(out, population_shift)
        console.print(f"[yellow]Demandes à scorer décalées / applications to score shifted:[/yellow] "
                      f"{', '.join(population_shift.shifted_columns)} ({population_shift})")


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
    excluded = card["model"].get("excluded_columns") or card["model"].get("protected_columns_excluded") or []
    table.add_row("Colonnes exclues / excluded columns", f"{len(excluded)} (docs/feature_policy.md)")
    measured = (card.get("feature_policy") or {}).get("measured") or {}
    if measured:
        table.add_row("AUC sans exclusions / without exclusions",
                      f"{measured['cv_auc_without_exclusions']:.4f} "
                      f"(coût / cost {measured['auc_cost_of_exclusions']:+.4f})")
        table.add_row("Apport de l'âge / age contribution", f"{measured['auc_contribution_of_age']:+.4f} AUC")
    selection = card.get("model_selection") or {}
    if selection:
        table.add_row("Réglage retenu / chosen setting", str(selection.get("chosen_candidate")))
        if selection.get("fallback") or selection.get("warning"):
            table.add_row("[yellow]Avertissement / warning[/yellow]",
                          str(selection.get("warning") or selection.get("fallback")))
    gender = (card.get("fairness") or {}).get("gender", {}).get("groups", {})
    for group, figures in gender.items():
        if not figures.get("too_small"):
            table.add_row(f"Taux d'accord / approval rate ({group})", f"{figures['approval_rate']:.1%}")
    for grouping, report in (card.get("fairness") or {}).items():
        flagged = report.get("below_four_fifths") if isinstance(report, dict) else None
        if flagged:
            table.add_row(f"[yellow]Quatre cinquièmes / four-fifths ({grouping})[/yellow]", ", ".join(flagged))
    commit = (card.get("reproducibility") or {}).get("code_version", {}).get("git_commit")
    if commit:
        table.add_row("Version du code / code version", commit[:12])
    table.add_row("Durée d'entraînement / training time", f"{card['training_seconds']:.0f} s")
    console.print(table)
    console.print(f"Artefact : {directory}")


def _demo(out: Path, data_dir: Path, n_clients: int, seed: int) -> Path:
    started = time.perf_counter()
    _generate(data_dir, n_clients, False, seed)
    directory = _train(data_dir, out, 5, seed)
    console.print(f"Démo prête en {time.perf_counter() - started:.0f} s / demo ready.")
    return directory


DEMO_USERS = (("conseiller", "advisor"), ("lecteur", "viewer"))
DEMO_CREDENTIALS_FILE = "demo_credentials.json"


def prepare_serving(settings: Any) -> dict[str, str]:
    """Make a fresh machine servable: the demo model when there is no artifact, the demo's clients
    when the store is empty, and demo users whose credentials are kept (mode 600) beside the store,
    where every start points to. Returns those credentials (empty when the model is not a demo)."""
    from scoring.credentials import ensure_first_admin, write_private_file
    from scoring.model.artifacts import ArtifactError, resolve_artifact_dir
    from scoring.store import Store, UserExists

    demo_data = settings.data_dir / "demo"
    try:
        resolve_artifact_dir(settings.artifact_dir)
    except ArtifactError:
        console.print("[yellow]Aucun modèle : construction du modèle de démonstration / "
                      "no model: building the demo model[/yellow]")
        _demo(settings.artifact_dir, demo_data, DEMO_CLIENTS, 0)
    store = Store.open(settings.resolved_database_url)
    try:
        created = ensure_first_admin(store, settings)
        if created is not None:
            console.print(created, markup=False, highlight=False, soft_wrap=True)
        if store.count_clients() == 0 and (demo_data / "application_test.csv").exists():
            from scoring.store_cli import main as store_main

            store_main(["load-clients", "--data-dir", str(demo_data), "--include-train", "--explain",
                        "--artifact", str(settings.artifact_dir),
                        "--database-url", settings.resolved_database_url])
        credentials_path = settings.data_dir / DEMO_CREDENTIALS_FILE
        if credentials_path.exists():
            return _demo_users_in(store, json.loads(credentials_path.read_text(encoding="utf-8")))
        if not (demo_data / "application_test.csv").exists():
            return {}
        credentials = {}
        for name, role in DEMO_USERS:
            password = secrets.token_urlsafe(9)
            try:
                store.add_user(name, role, password)
            except UserExists:
                continue  # someone's account already: its password is not ours to print
            credentials[name] = password
        write_private_file(credentials_path, json.dumps(credentials))
        return credentials
    finally:
        store.dispose()


def _demo_users_in(store: Any, saved: dict[str, str]) -> dict[str, str]:
    """The saved demo credentials that open the store being served: a demo user missing from it
    (the file came from another store, e.g. DATABASE_URL now points elsewhere) is created with the
    saved password; one the store knows with another password is left out, so nothing printed
    is false."""
    from scoring.store import UnknownUser

    roles = dict(DEMO_USERS)
    usable = {}
    for name, password in saved.items():
        try:
            store.get_user(name)
        except UnknownUser:
            if name not in roles:
                continue
            store.add_user(name, roles[name], password)
            usable[name] = password
            continue
        if store.password_matches(name, password):
            usable[name] = password
        else:
            console.print(f"[yellow]{name} : le mot de passe du fichier des démos n'ouvre pas ce magasin, "
                          f"utilisateur non listé / the demo file's password does not open this store, "
                          f"user not listed[/yellow]")
    return usable


def _serve(args: argparse.Namespace) -> int:
    from scoring.settings import Settings

    settings = Settings.from_env(host=args.host, port=args.port)
    credentials = prepare_serving(settings)
    gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).with_name("gunicorn"))
    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "PAD_DATA_DIR": str(settings.data_dir.resolve()),
        "PAD_ARTIFACT_DIR": str(settings.artifact_dir.resolve()),
        "HOST": settings.host,
        "PORT": str(settings.port),
    }
    if settings.database_url:
        env["DATABASE_URL"] = settings.database_url
    url = f"http://{'127.0.0.1' if settings.host in ('0.0.0.0', '') else settings.host}:{settings.port}/"
    console.rule("Prêt à dépenser")
    console.print(f"Tableau de bord / dashboard : [bold]{url}[/bold]")
    console.print(f"API : {url}api/docs/swagger  ·  spec : {url}api/openapi.json")
    if credentials:
        # Where the passwords are, not what they are: stdout ends up in a PaaS log.
        users = ", ".join(f"{name} ({dict(DEMO_USERS).get(name, '')})" for name in credentials)
        console.print(f"Démo / demo — utilisateurs / users {users} ; mots de passe dans / passwords in "
                      f"{(settings.data_dir / DEMO_CREDENTIALS_FILE).resolve()} (mode 600)",
                      markup=False, highlight=False, soft_wrap=True)
    command = [gunicorn, "--chdir", str(root), "-c", str(root / "gunicorn.conf.py"), "app:server"]
    if args.workers:
        command[1:1] = ["--workers", str(args.workers)]
    sys.stdout.flush()
    os.execve(gunicorn, command, env)
    return 0  # not reached: gunicorn replaces this process


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
    generate.add_argument("--shift", action="append", metavar="KEY=VALUE",
                          help="décaler les demandes à scorer (application_test) / shift the applications to "
                               "score: income=FACTOR, credit=FACTOR, ext=DELTA (répétable / repeatable)")

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

    serve = commands.add_parser("serve", help="tableau de bord + API (gunicorn) ; démo construite si absente")
    serve.add_argument("--host", default=None, help="défaut / default: HOST ou 127.0.0.1")
    serve.add_argument("--port", type=int, default=None, help="défaut / default: PORT ou 8050")
    serve.add_argument("--workers", type=int, default=None, help="défaut : un par cœur / one per core")

    from scoring.monitoring_cli import add_monitoring_commands
    from scoring.release import add_release_command
    from scoring.store_cli import add_store_commands

    add_monitoring_commands(commands)

    add_store_commands(commands)
    add_release_command(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from scoring.store_cli import run_store_command

    # Store commands first: `tokens create` and `users` should not pay for importing xgboost.
    handled = run_store_command(args)
    if handled is not None:
        return handled
    if args.command in ("monitor", "monitor-reference"):
        from scoring.monitoring_cli import run_monitoring_command

        return run_monitoring_command(args)
    if args.command == "release":
        from scoring.release import run_release_command

        return run_release_command(args)
    from scoring.data import DataValidationError
    from scoring.model.artifacts import ArtifactError

    try:
        if args.command == "serve":
            return _serve(args)
        if args.command == "generate":
            if args.n_clients is not None and args.n_clients < 100:
                raise ValueError("--n-clients must be at least 100")
            _generate(args.out, args.n_clients, args.full_scale, args.seed, args.shift)
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
