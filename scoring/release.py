"""What a deployment runs before its web processes, and the web process's check that it ran.

A PaaS that builds from git (Procfile) and a container platform both split a deploy in three:

- **build** (its files are kept: the slug, the image): ``credit-scoring release --model-only``
  builds the demo model and its synthetic data when ``PAD_ARTIFACT_DIR`` holds no model.
- **release** (once per deploy, before the web processes; its disk may be thrown away):
  ``credit-scoring release`` migrates the store, creates the first administrator and, on an
  empty store, loads the demo's clients with their explanations. It builds the model too when
  there is none, for a single machine; on a platform whose release disk is discarded that model
  is lost, and the web process then says so in one line.
- **web**: ``gunicorn app:server`` builds nothing. Without a model it stops at once with one line
  saying what to run (:func:`web_settings`, called from ``gunicorn.conf.py``), instead of a
  traceback per worker and ``HaltServer 'Worker failed to boot'``.

Every step is idempotent: a rerun finds the model, the administrator and the clients in place
and changes nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

from rich.console import Console

from scoring.settings import Settings

DEMO_SUBDIR = "demo"


def _console() -> Console:
    # Built per call: rich then writes to whatever sys.stdout is now (pytest swaps it).
    return Console(highlight=False, soft_wrap=True)


def has_model(artifact_dir: Path) -> bool:
    from scoring.model.artifacts import ArtifactError, resolve_artifact_dir

    try:
        resolve_artifact_dir(artifact_dir)
    except ArtifactError:
        return False
    return True


def no_model_message(settings: Settings) -> str:
    """One line: where no model was found and what builds one."""
    where = Path(settings.artifact_dir).resolve()
    return (f"Aucun modèle dans {where} : lancez `credit-scoring release` avant le processus web / "
            f"no model in {where}: run `credit-scoring release` before the web process "
            "(or set PAD_ARTIFACT_DIR to a trained artifact).")


def web_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The web process's settings, or an exit (status 1) with one line on stderr when a variable
    is invalid or there is no model to serve."""
    from pydantic import ValidationError

    try:
        settings = Settings.from_env(environ)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))} = {e.get('input')!r}: {e['msg']}"
                             for e in error.errors())
        # SystemExit with a string: printed as is on stderr, no traceback.
        raise SystemExit(f"Configuration invalide / invalid configuration: {problems}") from None
    if not has_model(settings.artifact_dir):
        raise SystemExit(no_model_message(settings))
    return settings


def build_model(settings: Settings) -> bool:
    """Build the demo model (and its synthetic data under ``PAD_DATA_DIR/demo``) when the
    artifact directory holds none. True when it built one."""
    if has_model(settings.artifact_dir):
        _console().print(f"Modèle présent / model found: {Path(settings.artifact_dir).resolve()}")
        return False
    from scoring.cli import DEMO_CLIENTS, _demo

    _console().print("Aucun modèle : construction du modèle de démonstration / no model: building the demo model")
    _demo(Path(settings.artifact_dir), Path(settings.data_dir) / DEMO_SUBDIR, DEMO_CLIENTS, 0)
    return True


def prepare_store(settings: Settings) -> None:
    """Migrate the store, create the first administrator, load the demo's clients into an empty
    store (when the demo data is here), each only when not done yet."""
    from scoring.credentials import ensure_first_admin
    from scoring.store import Store
    from scoring.store_cli import explain_clients, load_clients

    console = _console()
    store = Store.open(settings.resolved_database_url)
    try:
        console.print("Base migrée / store migrated")
        created = ensure_first_admin(store, settings)
        console.print(created or "Administrateur déjà présent / administrator already there",
                      markup=False)
        demo_data = Path(settings.data_dir) / DEMO_SUBDIR
        stored = store.count_clients()
        if stored:
            console.print(f"{stored:,} clients déjà en base / clients already stored")
        elif (demo_data / "application_test.csv").exists():
            load_clients(store, demo_data, include_train=True, artifact=Path(settings.artifact_dir), progress=False)
            explain_clients(store, Path(settings.artifact_dir), progress=False)
        else:
            console.print("Base vide, pas de données de démonstration : chargez vos clients avec "
                          "`credit-scoring load-clients` / empty store and no demo data: load your clients "
                          "with `credit-scoring load-clients`")
    finally:
        store.dispose()


def release(settings: Settings, *, model_only: bool = False) -> int:
    """The build step (``model_only``) or the whole release step; 0 on success."""
    build_model(settings)
    if not model_only:
        prepare_store(settings)
    return 0


def add_release_command(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``release [--model-only]`` to a ``credit-scoring`` parser."""
    command = subparsers.add_parser(
        "release", help="avant le web : modèle, base, administrateur, clients / before web: model, store, "
                        "administrator, clients (idempotent)")
    command.add_argument(
        "--model-only", action="store_true",
        help="le modèle seulement, sans base (étape de build) / the model only, no database (build step)")


def run_release_command(args: argparse.Namespace) -> int:
    """Run ``release``; errors are one line on stderr and status 2."""
    from sqlalchemy.exc import SQLAlchemyError

    from scoring.data import DataValidationError
    from scoring.model.artifacts import ArtifactError
    from scoring.store import StoreError

    try:
        return release(Settings.from_env(), model_only=args.model_only)
    except (ArtifactError, DataValidationError, StoreError, OSError, ValueError) as error:
        print(f"Erreur / error: {error}", file=sys.stderr)
    except SQLAlchemyError as error:
        detail = str(getattr(error, "orig", None) or error).strip()
        first_line = detail.splitlines()[0] if detail else type(error).__name__
        print(f"Erreur de base de données / database error: {first_line}", file=sys.stderr)
    return 2
