"""The advisor's decisions on record: one aggregate of the store, in its own module.

Append-only (rows are inserted, never changed): a decision, a second person's approval of it, a
client's contest. Each is written with an audit event, in one transaction that first checks the
client version it is about is still the current one, so nobody decides on a file that changed
under them. Shares the store's engine and its transaction helpers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from scoring.store.errors import StaleVersion, UnknownClient
from scoring.store.models import AdvisorDecisionRow, Client
from scoring.store.records import as_utc

if TYPE_CHECKING:
    from scoring.store.store import Store

KINDS = ("decision", "approval", "contest")
PENDING = "pending_second_approval"
FINAL = "final"


@dataclass(frozen=True)
class DecisionRecord:
    id: int
    client_id: int
    version: int
    kind: str
    author: str
    created_at: datetime
    recommendation: str | None = None
    probability_of_default: float | None = None
    model_version: str | None = None
    outcome: str | None = None
    follows_model: bool | None = None
    status: str | None = None
    refers_to: int | None = None
    justification: str = ""
    client_statement: str | None = None
    review_requested: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "client_id": self.client_id, "version": self.version, "kind": self.kind,
                "author": self.author, "created_at": self.created_at.isoformat(),
                "recommendation": self.recommendation, "probability_of_default": self.probability_of_default,
                "model_version": self.model_version, "outcome": self.outcome, "follows_model": self.follows_model,
                "status": self.status, "refers_to": self.refers_to, "justification": self.justification,
                "client_statement": self.client_statement, "review_requested": self.review_requested}


@dataclass(frozen=True)
class DecisionCounts:
    """Decisions over a window, grouped as the override report reads them."""

    author: str
    recommendation: str | None
    outcome: str
    count: int


def _record(row: Any) -> DecisionRecord:
    return DecisionRecord(
        id=int(row.id), client_id=int(row.client_id), version=int(row.version), kind=row.kind, author=row.author,
        created_at=as_utc(row.created_at), recommendation=row.recommendation,
        probability_of_default=row.probability_of_default, model_version=row.model_version, outcome=row.outcome,
        follows_model=row.follows_model, status=row.status, refers_to=row.refers_to,
        justification=row.justification or "", client_statement=row.client_statement,
        review_requested=bool(row.review_requested),
    )


_COLUMNS = [c for c in AdvisorDecisionRow.__table__.columns]


class DecisionLog:
    def __init__(self, store: Store) -> None:
        self._store = store

    def append(self, client_id: int, version: int, kind: str, *, author: str, **values: Any) -> DecisionRecord:
        """Write one entry about `version`, if it is still the client's current version (else
        StaleVersion; UnknownClient when there is no such client)."""
        from scoring.store.store import _audit, _check_client_id, _check_text, _now

        if kind not in KINDS:
            raise ValueError(f"kind: one of {KINDS} expected, got {kind!r}")
        client_id = _check_client_id(client_id)
        author = _check_text("author", author, max_length=128)
        with self._store._write() as session:
            current = session.execute(
                select(Client.current_version).where(Client.client_id == client_id)
            ).scalar_one_or_none()
            if current is None:
                raise UnknownClient(client_id)
            if current != int(version):
                raise StaleVersion(client_id, int(version), current)
            now = _now()
            row = AdvisorDecisionRow(client_id=client_id, version=int(version), kind=kind, author=author,
                                     created_at=now, justification=values.pop("justification", "") or "",
                                     review_requested=bool(values.pop("review_requested", False)), **values)
            session.add(row)
            session.flush()
            session.add(_audit(author, f"advisor_{kind}", client_id, {
                "id": row.id, "version": int(version), "outcome": row.outcome, "status": row.status,
                "refers_to": row.refers_to, "review_requested": row.review_requested,
            }, now))
            return _record(row)

    def for_client(self, client_id: int) -> list[DecisionRecord]:
        """Every entry about the client, oldest first."""
        statement = select(*_COLUMNS).where(AdvisorDecisionRow.client_id == int(client_id)) \
            .order_by(AdvisorDecisionRow.id)
        with self._store._query(one_statement=True) as connection:
            return [_record(row) for row in connection.execute(statement)]

    def get(self, decision_id: int) -> DecisionRecord | None:
        statement = select(*_COLUMNS).where(AdvisorDecisionRow.id == int(decision_id))
        with self._store._query(one_statement=True) as connection:
            row = connection.execute(statement).one_or_none()
        return None if row is None else _record(row)

    def counts(self, since: datetime | None = None, until: datetime | None = None) -> list[DecisionCounts]:
        """Final and pending decisions in the window, counted in SQL by author, recommendation
        and outcome (a decision later approved or rejected is counted as decided: the approval
        does not change what the advisor chose)."""
        table = AdvisorDecisionRow
        conditions = [table.kind == "decision"]
        if since is not None:
            conditions.append(table.created_at >= since)
        if until is not None:
            conditions.append(table.created_at < until)
        statement = (select(table.author, table.recommendation, table.outcome, func.count())
                     .where(*conditions).group_by(table.author, table.recommendation, table.outcome))
        with self._store._query(one_statement=True) as connection:
            return [DecisionCounts(row[0], row[1], row[2], int(row[3])) for row in connection.execute(statement)]

    def answered(self, decision_ids: Iterable[int]) -> set[int]:
        """The decisions among these that a second person has already answered."""
        ids = [int(i) for i in decision_ids]
        if not ids:
            return set()
        statement = select(AdvisorDecisionRow.refers_to).where(AdvisorDecisionRow.kind == "approval",
                                                               AdvisorDecisionRow.refers_to.in_(ids))
        with self._store._query(one_statement=True) as connection:
            return {int(r[0]) for r in connection.execute(statement)}
