"""Typed errors of the scoring domain. The API maps them to HTTP statuses, the dashboard to
inline messages; every one carries a French and an English message."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class ScoringError(Exception):
    """Base class: an error a user or a caller can cause, with a message in both languages."""

    status = 400
    title_en = "Bad request"

    def __init__(self, message_fr: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_fr = message_fr
        self.message_en = message_en

    def message(self, lang: str = "fr") -> str:
        return self.message_fr if lang == "fr" else self.message_en


@dataclass(frozen=True)
class FieldError:
    """One rejected field: which, the value given, a machine code and what is accepted."""

    field: str
    value: Any
    code: str  # unknown_field | not_editable | missing | type | level | range | rule
    message_fr: str
    message_en: str
    accepted: Any = None

    def message(self, lang: str = "fr") -> str:
        return self.message_fr if lang == "fr" else self.message_en

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        value = self.value
        if not isinstance(value, str | int | float | bool | type(None)):
            value = repr(value)
        elif isinstance(value, float) and value != value:  # NaN is not JSON
            value = "NaN"
        elif isinstance(value, float) and value in (float("inf"), float("-inf")):
            value = str(value)
        payload: dict[str, Any] = {"field": self.field, "value": value, "code": self.code}
        if lang is None:
            payload["message"] = {"fr": self.message_fr, "en": self.message_en}
        else:
            payload["message"] = self.message(lang)
        if self.accepted is not None:
            payload["accepted"] = self.accepted
        return payload


class InvalidApplication(ScoringError):
    status = 422
    title_en = "Invalid application"

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = list(errors)
        fields = ", ".join(dict.fromkeys(e.field for e in self.errors))
        n = len(self.errors)
        super().__init__(
            f"Demande invalide ({n} erreur{'s' if n > 1 else ''} : {fields}) — "
            + " ; ".join(e.message_fr for e in self.errors[:5]),
            f"Invalid application ({n} error{'s' if n != 1 else ''}: {fields}) — "
            + "; ".join(e.message_en for e in self.errors[:5]),
        )


class UnknownClient(ScoringError):
    status = 404
    title_en = "Unknown client"

    def __init__(self, client_id: Any) -> None:
        self.client_id = client_id
        super().__init__(
            f"Aucun client n'a l'identifiant {client_id}.",
            f"No client has the id {client_id}.",
        )


class StaleVersion(ScoringError):
    status = 412
    title_en = "Stale version"

    def __init__(self, client_id: int, expected: int, current: int) -> None:
        self.client_id, self.expected, self.current = client_id, expected, current
        super().__init__(
            f"Le dossier du client {client_id} a été modifié entre-temps (version {current}, "
            f"vous éditiez la version {expected}) : rechargez-le ; vos saisies sont conservées.",
            f"Client {client_id} was changed meanwhile (version {current}, you were editing "
            f"version {expected}): reload it; your input is kept.",
        )


class Forbidden(ScoringError):
    status = 403
    title_en = "Forbidden"

    def __init__(self, needed_role: str, role: str | None) -> None:
        self.needed_role, self.role = needed_role, role
        super().__init__(
            f"Action réservée au rôle « {needed_role} » ou supérieur (votre rôle : {role}).",
            f"This action needs the '{needed_role}' role or higher (your role: {role}).",
        )


@dataclass
class ErrorList:
    """Collects field errors while validating, so a caller sees all of them at once."""

    errors: list[FieldError] = field(default_factory=list)

    def add(self, error: FieldError) -> None:
        self.errors.append(error)

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidApplication(self.errors)
