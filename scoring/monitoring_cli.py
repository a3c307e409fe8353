"""`credit-scoring monitor` and `credit-scoring monitor-reference`.

- ``monitor [--since DATE] [--until DATE] [--period week|month] [--json] [--lang fr|en]``: the
  monitoring report of the serving model over the stored applications. Exit status 0 when no PSI
  is in the "act" zone, 1 when one is (a scheduled job alerts on it), 2 on an error (no store, no
  model, a model without reference bins: the message says what to run).
- ``monitor-reference ARTIFACT``: adds reference bins to an artifact built before monitoring,
  from the reference sample it holds.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

ALERT_EXIT = 1
ERROR_EXIT = 2
_ZONE_STYLE = {"stable": "green", "watch": "yellow", "act": "bold red", "unknown": "dim"}
_ZONE_NAMES = {"fr": {"stable": "stable", "watch": "à surveiller", "act": "à traiter", "unknown": "—",
                      "insufficient": "trop peu de demandes"},
               "en": {"stable": "stable", "watch": "watch", "act": "act", "unknown": "—",
                      "insufficient": "too few applications"}}


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: date AAAA-MM-JJ attendue / a YYYY-MM-DD date is expected") from None


def add_monitoring_commands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    monitor = subparsers.add_parser(
        "monitor", help="suivi du modèle : dérive de population (PSI), décisions, qualité des données ; "
                        "code de sortie 1 si un PSI est « à traiter » / model monitoring; exit 1 on an 'act' PSI")
    monitor.add_argument("--since", type=_day, default=None, help="depuis ce jour (inclus) / from this day (UTC)")
    monitor.add_argument("--until", type=_day, default=None, help="jusqu'à ce jour (exclu) / until this day (excluded)")
    monitor.add_argument("--period", choices=("week", "month"), default="month",
                         help="regroupement des décisions / decision mix by week or month")
    monitor.add_argument("--top", type=int, default=20, help="variables affichées par importance / features shown")
    monitor.add_argument("--json", action="store_true", help="le rapport en JSON sur stdout / the report as JSON")
    monitor.add_argument("--lang", choices=("fr", "en"), default="fr")
    monitor.add_argument("--artifact", type=Path, default=None,
                         help="modèle (défaut : $PAD_ARTIFACT_DIR ou artifacts/) / model")
    monitor.add_argument("--database-url", default=None,
                         help="base clients (défaut : $DATABASE_URL, sinon sqlite:///data/store.db) / client store")

    reference = subparsers.add_parser(
        "monitor-reference",
        help="ajouter les classes de référence du suivi à un modèle construit avant lui (depuis son échantillon "
             "de référence) / add monitoring reference bins to an older artifact (from its reference sample)")
    reference.add_argument("artifact", type=Path)
    reference.add_argument("--force", action="store_true", help="remplacer des classes existantes / replace them")


def run_monitoring_command(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from scoring.model.artifacts import ArtifactError
    from scoring.monitoring_bins import MissingReferenceBins
    from scoring.store import StoreError

    errors = Console(stderr=True, highlight=False, soft_wrap=True)
    lang = getattr(args, "lang", "fr")
    try:
        if args.command == "monitor-reference":
            return _monitor_reference(args.artifact, args.force)
        return _monitor(args)
    except MissingReferenceBins as error:
        errors.print(f"[red]Erreur / error:[/red] {escape(error.message(lang))}")
        return ERROR_EXIT
    except (ArtifactError, StoreError, ValueError, OSError) as error:
        errors.print(f"[red]Erreur / error:[/red] {escape(str(error))}")
        return ERROR_EXIT
    except SQLAlchemyError as error:
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()
        errors.print(f"[red]Erreur de base de données / database error:[/red] {escape(detail[0] if detail else '')}")
        return ERROR_EXIT


def _monitor_reference(artifact_dir: Path, force: bool) -> int:
    from scoring.model.artifacts import load_artifact
    from scoring.monitoring_bins import BINS_FILE, bins_from_reference_sample, write_bins

    artifact = load_artifact(artifact_dir)
    console = Console(stderr=True, highlight=False, soft_wrap=True)
    if (artifact.path / BINS_FILE).exists() and not force:
        console.print(f"{artifact.path / BINS_FILE} existe déjà / already exists (--force pour remplacer / to replace)")
        return 0
    path = write_bins(artifact.path, bins_from_reference_sample(artifact))
    console.print(f"[green]Classes de référence écrites / reference bins written:[/green] {path}")
    return 0


def _monitor(args: argparse.Namespace) -> int:
    from scoring.monitoring import MonitoringOptions, as_utc_start
    from scoring.service import ScoringService
    from scoring.settings import Settings
    from scoring.store import Store

    settings = Settings.from_env(database_url=args.database_url, artifact_dir=args.artifact)
    options = MonitoringOptions(since=as_utc_start(args.since), until=as_utc_start(args.until),
                                period=args.period, watch=settings.psi_watch, act=settings.psi_act, top=args.top)
    store = Store.open(settings.resolved_database_url)
    try:
        service = ScoringService.from_artifact(settings.artifact_dir, store)
        report = service.monitor.report(options)
    finally:
        store.dispose()
    payload = report.to_dict(args.lang)
    if args.json:
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print_report(payload, args.lang, args.top)
    return ALERT_EXIT if payload["alerts"] else 0


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def print_report(report: dict[str, Any], lang: str = "fr", top: int = 20) -> None:
    console = Console(highlight=False, soft_wrap=True)
    fr = lang == "fr"
    names = _ZONE_NAMES[lang]
    population = report["population"]
    window = report["window"]
    console.rule(f"{'Suivi du modèle' if fr else 'Model monitoring'} — {report['model_version']}")
    console.print(
        f"{'Demandes' if fr else 'Applications'}: {population['clients']:,} "
        f"({'depuis' if fr else 'since'} {window['since'] or '—'}, "
        f"{'jusqu’à' if fr else 'until'} {window['until'] or '—'}); "
        f"{'référence' if fr else 'reference'}: {report['reference']['source']}")
    status = report["status"]
    style = _ZONE_STYLE.get(status, "yellow")
    alerts = f" — {'à traiter' if fr else 'act on'}: {', '.join(report['alerts'])}" if report["alerts"] else ""
    console.print(f"{'État' if fr else 'Status'}: [{style}]{names[status]}[/{style}]{alerts}")
    table = Table(title="PSI (" + ("seuils" if fr else "thresholds")
                  + f" {report['thresholds']['watch']:.2f} / {report['thresholds']['act']:.2f})")
    for column in ("#", "Variable" if fr else "Feature", "PSI", "Zone", "Manquants / missing (réf. / ref.)",
                   "Hors population / out of population (réf. / ref.)"):
        table.add_column(column)
    rows = [report["probability"], *report["features"][:top]]
    rows += [f for f in report["features"][top:] if f["zone"] in ("watch", "act")]
    for entry in rows:
        zone = entry["zone"]
        psi = "—" if entry["psi"] is None else f"{entry['psi']:.3f}"
        table.add_row(str(entry["importance_rank"] or "—"), entry["label"], psi,
                      f"[{_ZONE_STYLE[zone]}]{names[zone]}[/{_ZONE_STYLE[zone]}]",
                      f"{_share(entry['missing_share'])} ({_share(entry['reference_missing_share'])})",
                      f"{_share(entry['out_of_population_share'])} "
                      f"({_share(entry['reference_out_of_population_share'])})")
    console.print(table)
    mix = report["decision_mix"]
    decisions = Table(title="Décisions par période / decisions by period")
    for column in ("Période / period", "Demandes / applications", "Accordé / granted", "À revoir / to review",
                   "Refusé / refused", "Proba. moyenne / mean probability"):
        decisions.add_column(column, justify="right")
    decisions.add_row("réf. / ref.", "—", *(_share(mix["reference"][d]) for d in ("granted", "to_review", "refused")),
                      _share(mix["reference_mean_probability"]))
    for period in mix["periods"]:
        decisions.add_row(period["period"], f"{period['clients']:,}",
                          *(_share(period[d]) for d in ("granted", "to_review", "refused")),
                          _share(period["mean_probability"]))
    console.print(decisions)
    overrides = report.get("overrides")
    if overrides:
        console.print(f"{'Dérogations des conseillers' if fr else 'Advisor overrides'}: {overrides['overrides']} / "
                      f"{overrides['with_recommendation']} ({_share(overrides.get('override_rate'))})")
    console.print(f"[dim]{report['seconds']:.2f} s[/dim]")
