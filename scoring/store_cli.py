"""Store commands of `credit-scoring`: users, API tokens and loading the clients to decide.

Wired into ``scoring.cli`` with :func:`add_store_commands` and :func:`run_store_command`; also
runnable alone (``python -m scoring.store_cli users list``).

- ``users add NAME --role viewer|advisor|admin [--password-stdin]``, ``users list``,
  ``users set-password NAME [--password-stdin]`` and ``users remove NAME`` (both end the user's
  dashboard sessions at once; removal also deletes their API tokens)
- ``tokens create --user NAME [--label L]`` prints only the token on stdout, so
  ``TOKEN=$(credit-scoring tokens create --user robot)`` works; ``tokens revoke TOKEN_OR_ID``
- ``load-clients --data-dir DIR [--include-train] [--artifact DIR | --no-score]``

Every command reads the database from ``--database-url``, else ``DATABASE_URL``, else
``sqlite:///<PAD_DATA_DIR or data>/store.db``. Errors: a red message on stderr, exit status 2.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

STORE_COMMANDS = frozenset({"users", "tokens", "load-clients", "explain-clients"})
KEY = "SK_ID_CURR"
TARGET = "TARGET"


def _stderr() -> Console:
    # Built per call: rich then writes to whatever sys.stderr is now (pytest swaps it).
    return Console(stderr=True, highlight=False, soft_wrap=True)


def add_store_commands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``users``, ``tokens``, ``load-clients`` and ``explain-clients`` to a ``credit-scoring`` parser."""
    database = argparse.ArgumentParser(add_help=False)
    database.add_argument(
        "--database-url", default=None,
        help="URL SQLAlchemy de la base (défaut : $DATABASE_URL, sinon sqlite:///data/store.db) / "
             "database URL (default: $DATABASE_URL, else sqlite:///data/store.db)",
    )

    users = subparsers.add_parser("users", help="utilisateurs et rôles / users and roles")
    users_commands = users.add_subparsers(dest="users_command", required=True)
    add = users_commands.add_parser("add", parents=[database], help="créer un utilisateur / add a user")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=("viewer", "advisor", "admin"))
    add.add_argument("--password-stdin", action="store_true",
                     help="lire le mot de passe sur l'entrée standard / read the password from stdin")
    users_commands.add_parser("list", parents=[database], help="lister les utilisateurs / list users")
    change = users_commands.add_parser(
        "set-password", parents=[database],
        help="changer le mot de passe (ferme ses sessions) / change the password (ends their sessions)")
    change.add_argument("name")
    change.add_argument("--password-stdin", action="store_true",
                        help="lire le mot de passe sur l'entrée standard / read the password from stdin")
    remove = users_commands.add_parser(
        "remove", parents=[database],
        help="supprimer (ferme ses sessions, supprime ses jetons) / remove (ends sessions, deletes tokens)")
    remove.add_argument("name")

    tokens = subparsers.add_parser("tokens", help="jetons d'API / API tokens")
    tokens_commands = tokens.add_subparsers(dest="tokens_command", required=True)
    create = tokens_commands.add_parser(
        "create", parents=[database],
        help="créer un jeton ; seul le jeton est écrit sur stdout / create a token; only the token goes to stdout",
    )
    create.add_argument("--user", required=True)
    create.add_argument("--label", default="")
    revoke = tokens_commands.add_parser("revoke", parents=[database], help="révoquer un jeton / revoke a token")
    revoke.add_argument("token_or_id", metavar="TOKEN_OR_ID")
    tokens_commands.add_parser("list", parents=[database], help="lister les jetons / list tokens")

    load = subparsers.add_parser(
        "load-clients", parents=[database],
        help="charger les demandes à décider dans la base clients / load the applications into the store",
    )
    load.add_argument("--data-dir", type=Path, required=True,
                      help="dossier des CSV Home Credit / directory of the Home Credit CSVs")
    load.add_argument("--include-train", action="store_true",
                      help="charger aussi application_train (marqués « entraînement ») / also load the "
                           "training applications, flagged as such")
    scoring = load.add_mutually_exclusive_group()
    scoring.add_argument("--artifact", type=Path, default=None,
                         help="modèle pour scorer les clients (défaut : $PAD_ARTIFACT_DIR ou artifacts/, "
                              "s'il existe) / model used to score the clients")
    scoring.add_argument("--no-score", action="store_true",
                         help="charger sans score / load without scores")
    load.add_argument("--explain", action="store_true",
                      help="stocker aussi l'explication de chaque score (voir explain-clients) / also store "
                           "each score's explanation (see explain-clients)")
    load.add_argument("--batch-size", type=int, default=5000)
    load.add_argument("--no-progress", action="store_true")

    explain = subparsers.add_parser(
        "explain-clients", parents=[database],
        help="calculer et stocker l'explication (SHAP) de la version courante de chaque client qui n'en a "
             "pas pour ce modèle : l'API la lit au lieu de la recalculer / compute and store the SHAP "
             "explanation of every current version that has none under this model, so the API reads it",
    )
    explain.add_argument("--artifact", type=Path, default=None,
                         help="modèle (défaut : $PAD_ARTIFACT_DIR ou artifacts/) / model (default: "
                              "$PAD_ARTIFACT_DIR or artifacts/)")
    explain.add_argument("--batch-size", type=int, default=1000)
    explain.add_argument("--no-progress", action="store_true")


def run_store_command(args: argparse.Namespace) -> int | None:
    """Run a store command; None when ``args.command`` is not one of them."""
    if getattr(args, "command", None) not in STORE_COMMANDS:
        return None
    from sqlalchemy.exc import SQLAlchemyError

    from scoring.store import StoreError

    # DataValidationError is a ValueError. ArtifactError is imported only by load-clients: it
    # pulls in xgboost, seconds of start-up that users and tokens commands need not pay.
    expected: tuple[type[BaseException], ...] = (StoreError, ValueError, OSError)
    if args.command in ("load-clients", "explain-clients"):
        from scoring.model.artifacts import ArtifactError

        expected = (*expected, ArtifactError)
    store = None
    try:
        store = _open_store(args.database_url)
        if args.command == "users":
            return _users(store, args)
        if args.command == "tokens":
            return _tokens(store, args)
        if args.command == "explain-clients":
            return _explain_clients(store, args)
        return _load_clients(store, args)
    except expected as error:
        _stderr().print(f"[red]Erreur / error:[/red] {escape(str(error))}")
        return 2
    except SQLAlchemyError as error:
        detail = getattr(error, "orig", None) or error
        first_line = str(detail).strip().splitlines()[0] if str(detail).strip() else type(detail).__name__
        _stderr().print(
            f"[red]Erreur de base de données / database error:[/red] {escape(first_line)}"
        )
        return 2
    finally:
        if store is not None:
            store.dispose()


def database_url(explicit: str | None = None) -> str:
    """--database-url, else DATABASE_URL, else the SQLite file the app uses."""
    from scoring.settings import Settings

    return Settings.from_env(database_url=explicit).resolved_database_url


def _open_store(explicit_url: str | None) -> Any:
    from scoring.store import Store

    return Store.open(database_url(explicit_url))


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


# --- users and tokens ----------------------------------------------------------------------------


def _users(store: Any, args: argparse.Namespace) -> int:
    if args.users_command == "add":
        password = _read_password(args.password_stdin)
        user = store.add_user(args.name, args.role, password, actor=_actor())
        _stderr().print(f"Utilisateur créé / user created: [bold]{escape(user.name)}[/bold] ({user.role})")
        return 0
    if args.users_command == "set-password":
        store.set_password(args.name, _read_password(args.password_stdin), actor=_actor())
        _stderr().print(f"Mot de passe changé, sessions fermées / password changed, sessions ended: "
                        f"[bold]{escape(args.name)}[/bold]")
        return 0
    if args.users_command == "remove":
        store.remove_user(args.name, actor=_actor())
        _stderr().print(f"Utilisateur supprimé / user removed: [bold]{escape(args.name)}[/bold]")
        return 0
    users = store.list_users()
    table = Table("Nom / name", "Rôle / role", "Créé le / created")
    for user in users:
        table.add_row(user.name, user.role, f"{user.created_at:%Y-%m-%d %H:%M} UTC")
    Console().print(table)
    return 0


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    try:
        first = getpass.getpass("Mot de passe / password: ")
        second = getpass.getpass("Confirmez / confirm: ")
    except EOFError:
        raise ValueError(
            "pas de terminal pour saisir le mot de passe : utilisez --password-stdin / no terminal "
            "to type the password: use --password-stdin"
        ) from None
    if first != second:
        raise ValueError("les deux mots de passe diffèrent / the two passwords differ")
    return first


def _tokens(store: Any, args: argparse.Namespace) -> int:
    if args.tokens_command == "create":
        token_id, token = store.create_token(args.user, label=args.label, actor=_actor())
        # Only the token on stdout: scripts capture it with $(...).
        print(token, flush=True)
        _stderr().print(f"Jeton {token_id} créé pour / token created for {escape(args.user)}; "
                        "il ne sera plus affiché / it will not be shown again")
        return 0
    if args.tokens_command == "revoke":
        if not store.revoke_token(args.token_or_id, actor=_actor()):
            raise ValueError("jeton inconnu ou déjà révoqué / unknown or already revoked token")
        _stderr().print("Jeton révoqué / token revoked")
        return 0
    table = Table("Id", "Utilisateur / user", "Libellé / label", "Créé / created", "Révoqué / revoked")
    for token in store.list_tokens():
        table.add_row(token["id"], token["user"], token["label"], token["created_at"][:16],
                      (token["revoked_at"] or "")[:16])
    Console().print(table)
    return 0


# --- load-clients --------------------------------------------------------------------------------


def _load_clients(store: Any, args: argparse.Namespace) -> int:
    if args.batch_size < 1:
        raise ValueError("--batch-size doit être ≥ 1 / --batch-size must be at least 1")
    if args.explain and args.no_score:
        raise ValueError("--explain demande un modèle : retirez --no-score / --explain needs a model: "
                         "drop --no-score")
    artifact = None if args.no_score else (args.artifact or _default_artifact())
    load_clients(store, args.data_dir, include_train=args.include_train, artifact=artifact,
                 batch_size=args.batch_size, progress=not args.no_progress)
    if args.explain and artifact is not None:
        explain_clients(store, artifact, progress=not args.no_progress)
    return 0


# --- explain-clients -----------------------------------------------------------------------------


def _explain_clients(store: Any, args: argparse.Namespace) -> int:
    if args.batch_size < 1:
        raise ValueError("--batch-size doit être ≥ 1 / --batch-size must be at least 1")
    artifact = args.artifact or _default_artifact()
    if artifact is None:
        raise ValueError("aucun modèle à expliquer : donnez --artifact / no model to explain with: give --artifact")
    explain_clients(store, artifact, batch_size=args.batch_size, progress=not args.no_progress)
    return 0


def explain_clients(store: Any, artifact: Path, *, batch_size: int = 1000, progress: bool = True) -> tuple[int, int]:
    """Store the explanation of every current version that lacks one under ``artifact``'s model:
    (explained, left to the live path)."""
    from scoring.service import ScoringService
    from scoring.store.store import progress_bar

    console = _stderr()
    started = time.perf_counter()
    service = ScoringService.from_artifact(Path(artifact), store)
    todo = store.count_unexplained_current(service.artifact.version)
    with progress_bar(progress, todo, "Explications / explanations") as advance:
        explained, live = service.explain_stored_clients(batch_size=batch_size, progress=advance)
    console.print(
        f"[green]{explained:,} explications stockées[/green] / {explained:,} explanations stored "
        f"({live:,} laissées au calcul à la demande / left to on-demand computation) — "
        f"{time.perf_counter() - started:.1f} s, modèle / model {service.artifact.version}"
    )
    return explained, live


def load_clients(
    store: Any,
    data_dir: Path,
    *,
    include_train: bool = False,
    artifact: Path | None = None,
    batch_size: int = 5000,
    progress: bool = True,
) -> tuple[int, int]:
    """Load application_test (and application_train, flagged as training clients) into the
    store through the validating loader, scored in batch with ``artifact`` when one is given.
    Idempotent: clients already stored are skipped. Returns (inserted, skipped_existing)."""
    import polars as pl

    from scoring.data import load_tables

    console = _stderr()
    started = time.perf_counter()
    tables = ["application_test", *(["application_train"] if include_train else [])]
    frames = load_tables(data_dir, tables=tables)
    service = None
    if artifact is not None:
        from scoring.service import ScoringService

        service = ScoringService.from_artifact(Path(artifact))
    inserted = skipped = 0
    for table in tables:
        frame = frames[table].collect()
        # Stored clients are skipped before scoring and building their snapshots: a rerun is cheap.
        stored = store.stored_ids(frame[KEY].to_list())
        already = len(stored)
        if stored:
            frame = frame.filter(~pl.col(KEY).is_in(list(stored)))
        scores = None
        model_version = None
        if service is not None and frame.height:
            scored_at = time.perf_counter()
            scores = service.score_frame(frame)
            model_version = service.artifact.version
            console.print(f"{table} : {frame.height:,} demandes scorées en {time.perf_counter() - scored_at:.1f} s "
                          f"/ applications scored (modèle / model {model_version})")
        clients = application_clients(frame, scores, in_training_set=table == "application_train",
                                      model_version=model_version)
        done = store.bulk_load(clients, batch_size=batch_size, progress=progress, total=frame.height,
                               description=f"{table} → base clients / store")
        inserted += done[0]
        skipped += done[1] + already
        del frame, scores, clients  # large: let them go before the next table
    console.print(
        f"[green]{inserted:,} clients ajoutés, {skipped:,} déjà présents[/green] / {inserted:,} added, "
        f"{skipped:,} already stored — {time.perf_counter() - started:.1f} s, {store.count_clients():,} "
        f"clients en base / in the store"
    )
    return inserted, skipped


def _default_artifact() -> Path | None:
    """The app's model ($PAD_ARTIFACT_DIR or artifacts/) if there is one, else None."""
    from scoring.model.artifacts import ArtifactError, resolve_artifact_dir
    from scoring.settings import Settings

    default = Settings.from_env().artifact_dir
    try:
        resolve_artifact_dir(default)
    except ArtifactError:
        _stderr().print(f"Pas de modèle dans {default} : clients chargés sans score / no model in "
                        f"{default}: clients are loaded without a score")
        return None
    return default


def application_clients(
    frame: Any, scores: Any | None, *, in_training_set: bool, model_version: str | None
) -> Iterator[Any]:
    """NewClient records from validated application rows: JSON-safe snapshots without the id
    and the target, NaN as None, with the batch score when there is one."""
    import polars as pl

    from scoring.store import NewClient

    if scores is not None:
        frame = frame.join(
            scores.select(KEY, pl.col("probability_of_default").alias("__probability"),
                          pl.col("decision").alias("__decision")),
            on=KEY, how="left",
        )
    float_columns = [name for name, dtype in frame.schema.items() if dtype.is_float()]
    frame = frame.with_columns(pl.col(float_columns).fill_nan(None))
    snapshot_columns = [name for name in frame.columns if name not in (KEY, TARGET) and not name.startswith("__")]
    ids = frame[KEY].to_list()
    probabilities = frame["__probability"].to_list() if scores is not None else [None] * len(ids)
    decisions = frame["__decision"].to_list() if scores is not None else [None] * len(ids)
    # Tuples zipped with the names: about twice as fast as polars' named rows.
    rows = frame.select(snapshot_columns).iter_rows()
    for client_id, probability, decision, row in zip(ids, probabilities, decisions, rows, strict=True):
        yield NewClient(
            client_id=client_id,
            fields=dict(zip(snapshot_columns, row, strict=True)),
            in_training_set=in_training_set,
            probability_of_default=probability,
            decision=decision,
            model_version=model_version if probability is not None else None,
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="credit-scoring", description="Base clients / client store.")
    add_store_commands(parser.add_subparsers(dest="command", required=True))
    return parser


def main(argv: list[str] | None = None) -> int:
    result = run_store_command(build_parser().parse_args(argv))
    return 0 if result is None else result


if __name__ == "__main__":
    sys.exit(main())
