"""Typed errors of the client store; each message is in French, then English."""

from __future__ import annotations


class StoreError(Exception):
    """Base class: anything the store refuses for a reason a caller can act on."""


class UnknownClient(StoreError):
    def __init__(self, client_id: int) -> None:
        self.client_id = client_id
        super().__init__(f"Client {client_id} inconnu / unknown client {client_id}")


class StaleVersion(StoreError):
    """The caller edited from a version that is no longer the current one."""

    def __init__(self, client_id: int, expected: int, current: int) -> None:
        self.client_id = client_id
        self.expected = expected
        self.current = current
        super().__init__(
            f"Client {client_id} : la version {expected} n'est plus la version courante ({current}), "
            f"rechargez la fiche / client {client_id}: version {expected} is no longer the current "
            f"version ({current}), reload the record"
        )


class DuplicateClient(StoreError):
    def __init__(self, client_id: int) -> None:
        self.client_id = client_id
        super().__init__(f"Le client {client_id} existe déjà / client {client_id} already exists")


class UnknownUser(StoreError):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"Utilisateur {name!r} inconnu / unknown user {name!r}")


class UserExists(StoreError):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"L'utilisateur {name!r} existe déjà / user {name!r} already exists")


class LoginThrottled(StoreError):
    """Too many wrong passwords lately (for this name from this address, for this name, or from
    this address): no password is checked until `retry_after_s`."""

    def __init__(self, name: str, retry_after_s: int) -> None:
        self.name = name
        self.retry_after_s = retry_after_s
        super().__init__(
            f"Trop d'essais de mot de passe pour {name!r} : réessayez dans {retry_after_s} s / too many "
            f"password attempts for {name!r}: try again in {retry_after_s} s"
        )


class LoginBusy(LoginThrottled):
    """Too many password checks running in this process right now: try again in a second."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.retry_after_s = 1
        StoreError.__init__(
            self,
            "Trop de connexions en cours : réessayez dans une seconde / too many logins at the moment: "
            "try again in a second",
        )
