"""Read-only queries behind model monitoring: the current applications in a window, column-wise.

Two statements, each one read of the store: the current versions (time, stored score, and the
feature values their stored explanation holds under the serving model), then the JSON snapshots
of those current versions that have no such explanation. Nothing here loops over clients in
Python beyond what the database driver does to hand rows over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import Float, String, Text, and_, cast, false, func, select, type_coerce

from scoring.store.models import Client, ClientVersionRow, VersionExplanation

_CLIENTS = Client.__table__
_VERSIONS = ClientVersionRow.__table__
_EXPLANATIONS = VersionExplanation.__table__


@dataclass(frozen=True)
class CurrentApplications:
    """The window's current versions (training clients excluded), one row per client.

    ``frame``: client_id, created_at (UTC), probability_of_default, decision, model_version;
    ``feature_values``: the stored explanation's float64 feature values (None where absent)."""

    frame: pl.DataFrame
    feature_values: list[bytes | None]


def _window(statement: Any, since: datetime | None, until: datetime | None) -> Any:
    statement = statement.where(_CLIENTS.c.in_training_set == false())
    if since is not None:
        statement = statement.where(_VERSIONS.c.created_at >= since)
    if until is not None:
        statement = statement.where(_VERSIONS.c.created_at < until)
    return statement


def _current_join() -> Any:
    return _VERSIONS.join(_CLIENTS, and_(_CLIENTS.c.client_id == _VERSIONS.c.client_id,
                                         _CLIENTS.c.current_version == _VERSIONS.c.version))


def _created_at(dialect: str) -> tuple[Any, pl.Expr]:
    """The version's time as the database holds it, and the polars expression that reads it: a
    datetime object per row costs more than the rest of the row (SQLite keeps UTC text; other
    databases give seconds since the epoch)."""
    if dialect == "sqlite":
        return (type_coerce(_VERSIONS.c.created_at, String).label("created_at"),
                pl.col("created_at").str.to_datetime(time_zone="UTC", time_unit="us"))
    return (cast(func.extract("epoch", _VERSIONS.c.created_at), Float).label("created_at"),
            (pl.col("created_at") * 1_000_000).cast(pl.Int64).cast(pl.Datetime("us", "UTC")))


def current_applications(engine: Any, model_version: str, since: datetime | None = None,
                         until: datetime | None = None) -> CurrentApplications:
    joined = _current_join().outerjoin(
        _EXPLANATIONS, and_(_EXPLANATIONS.c.client_id == _VERSIONS.c.client_id,
                            _EXPLANATIONS.c.version == _VERSIONS.c.version,
                            _EXPLANATIONS.c.model_version == model_version))
    created_at, read_time = _created_at(engine.dialect.name)
    statement = _window(select(_VERSIONS.c.client_id, created_at, _VERSIONS.c.probability_of_default,
                               _VERSIONS.c.decision, _VERSIONS.c.model_version, _EXPLANATIONS.c.feature_values)
                        .select_from(joined), since, until).order_by(_VERSIONS.c.client_id)
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    frame = pl.DataFrame(rows, orient="row", schema={
        "client_id": pl.Int64, "created_at": pl.String if engine.dialect.name == "sqlite" else pl.Float64,
        "probability_of_default": pl.Float64, "decision": pl.String, "model_version": pl.String,
        "feature_values": pl.Binary})
    values = frame["feature_values"].to_list()
    return CurrentApplications(frame.drop("feature_values").with_columns(read_time), values)


def current_snapshots(engine: Any, model_version: str, since: datetime | None = None,
                      until: datetime | None = None) -> tuple[list[int], list[str]]:
    """(client ids, JSON text of the snapshot) of the window's current versions that have no
    stored explanation under ``model_version``, by client id."""
    joined = _current_join().outerjoin(
        _EXPLANATIONS, and_(_EXPLANATIONS.c.client_id == _VERSIONS.c.client_id,
                            _EXPLANATIONS.c.version == _VERSIONS.c.version,
                            _EXPLANATIONS.c.model_version == model_version))
    # The JSON as text: the database hands it over as it is stored, parsed later in one polars call.
    statement = _window(select(_VERSIONS.c.client_id, cast(_VERSIONS.c.fields, Text)).select_from(joined)
                        .where(_EXPLANATIONS.c.client_id.is_(None)), since, until).order_by(_VERSIONS.c.client_id)
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    if not rows:
        return [], []
    ids, texts = zip(*rows, strict=True)
    return list(ids), list(texts)
