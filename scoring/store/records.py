"""What the store hands out: frozen, plain-data records (no SQLAlchemy objects escape)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

ROLES = ("viewer", "advisor", "admin")
"""Roles ordered by power: each one may do everything the ones before it may."""

# Application fields copied onto the clients row, so a search never opens the JSON snapshots.
SUMMARY_FIELDS = (
    "NAME_CONTRACT_TYPE",
    "AMT_INCOME_TOTAL",
    "AMT_CREDIT",
    "NAME_INCOME_TYPE",
    "DAYS_BIRTH",
    "OCCUPATION_TYPE",
)


def json_safe(value: Any) -> Any:
    """``value`` as plain JSON types: NaN and infinities become None, numpy scalars Python ones.

    Dict keys become strings, tuples and sets lists, datetimes ISO text. Anything else that JSON
    cannot hold raises TypeError naming its type, rather than being stored as a surprise.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_safe(item) for item in value]
    if isinstance(value, Decimal):
        return json_safe(float(value))
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    item = getattr(value, "item", None)  # numpy / pandas scalars, without importing numpy
    if callable(item) and getattr(value, "shape", None) == ():
        return json_safe(item())
    raise TypeError(
        f"valeur non sérialisable en JSON ({type(value).__name__}) / value of type "
        f"{type(value).__name__} cannot be stored as JSON"
    )


def as_utc(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; every time the store writes is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True)
class ClientVersion:
    """One version of a client: the full application snapshot and what produced it."""

    client_id: int
    version: int
    fields: dict[str, Any]
    changed_fields: dict[str, dict[str, Any]]
    author: str
    reason: str
    created_at: datetime
    probability_of_default: float | None
    decision: str | None
    model_version: str | None
    in_training_set: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "version": self.version,
            "fields": json_safe(self.fields),
            "changed_fields": json_safe(self.changed_fields),
            "author": self.author,
            "reason": self.reason,
            "created_at": self.created_at.isoformat(),
            "probability_of_default": self.probability_of_default,
            "decision": self.decision,
            "model_version": self.model_version,
            "in_training_set": self.in_training_set,
        }


@dataclass(frozen=True)
class ClientSummary:
    """One search hit: enough to list a client without reading its snapshot."""

    client_id: int
    version: int
    in_training_set: bool
    probability_of_default: float | None
    decision: str | None
    summary: dict[str, Any]
    updated_at: datetime
    # The summary fields the query matched: SK_ID_CURR for an id prefix, the text fields whose
    # level a word named; empty when the query was empty.
    matched_fields: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "version": self.version,
            "in_training_set": self.in_training_set,
            "probability_of_default": self.probability_of_default,
            "decision": self.decision,
            "summary": json_safe(self.summary),
            "updated_at": self.updated_at.isoformat(),
            "matched_fields": list(self.matched_fields),
        }


@dataclass(frozen=True)
class NewClient:
    """A client to bulk-load as version 1."""

    client_id: int
    fields: dict[str, Any]
    in_training_set: bool
    probability_of_default: float | None = None
    decision: str | None = None
    model_version: str | None = None


@dataclass(frozen=True)
class StoredExplanation:
    """A version's explanation under one model, as the store keeps it (see VersionExplanation).

    The arrays are opaque bytes here: the scoring service encodes and decodes them.
    """

    model_version: str
    base_value: float
    contributions: bytes
    feature_values: bytes


@dataclass(frozen=True)
class User:
    name: str
    role: str
    created_at: datetime = field(compare=False)

    def can(self, role: str) -> bool:
        """True when this user's role is ``role`` or a more powerful one."""
        if role not in ROLES:
            raise ValueError(
                f"rôle inconnu {role!r}, attendu l'un de {', '.join(ROLES)} / unknown role "
                f"{role!r}, expected one of {', '.join(ROLES)}"
            )
        return ROLES.index(self.role) >= ROLES.index(role)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "created_at": self.created_at.isoformat()}
