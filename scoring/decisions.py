"""The model recommends; a person decides (AI Act art. 14, GDPR art. 22).

An advisor records the final decision on the current version of a client's file: following the
model's recommendation, or departing from it with a justification. Turning a model refusal into
a grant waits for a second person (another advisor or an administrator) unless the setting
`PAD_OVERRIDE_NEEDS_SECOND_PERSON` is off. The client can contest: the advisor records the
client's statement and whether a human review is requested, and the next advisor sees it. All of
it is append-only and audited (scoring.store.decisions). Plain data out, for both faces.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from scoring.display import decision_label
from scoring.errors import Forbidden, ScoringError, StaleVersion, UnknownClient
from scoring.store.decisions import FINAL, PENDING, DecisionLog, DecisionRecord
from scoring.text_policy import escape_controls, normalize_line_breaks, refused_character
from scoring.validation import raise_field_error

if TYPE_CHECKING:
    from scoring.service import ScoringService
    from scoring.store import User

OUTCOMES = ("granted", "refused")
MAX_TEXT = 2000


class UnknownDecision(ScoringError):
    status = 404
    title_en = "Unknown decision"

    def __init__(self, client_id: int, decision_id: int) -> None:
        self.client_id, self.decision_id = client_id, decision_id
        super().__init__(f"Le client {client_id} n'a pas de décision n° {decision_id}.",
                         f"Client {client_id} has no decision number {decision_id}.")


class DecisionConflict(ScoringError):
    status = 409
    title_en = "Decision conflict"


def second_person_required(environ: Mapping[str, str] | None = None) -> bool:
    value = (os.environ if environ is None else environ).get("PAD_OVERRIDE_NEEDS_SECOND_PERSON", "1")
    if value.strip().lower() not in ("0", "1", "true", "false", "yes", "no"):
        raise ValueError(f"PAD_OVERRIDE_NEEDS_SECOND_PERSON: 1/0, true/false or yes/no expected, got {value!r}")
    return value.strip().lower() in ("1", "true", "yes")


def _text(name: str, value: Any, *, required: bool, fr: str, en: str) -> str:
    text = normalize_line_breaks(value).strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        raise_field_error(name, value, "type", f"{name} : texte attendu.", f"{name}: a text is expected.")
    if required and not text:
        raise_field_error(name, value, "missing", fr, en)
    if len(text) > MAX_TEXT:
        raise_field_error(name, text[:40] + "…", "range", f"{name} : {MAX_TEXT} caractères au plus.",
                          f"{name}: at most {MAX_TEXT} characters.")
    # Control and format characters (NUL, bidirectional overrides) never enter the record: the
    # one rule every free-text field follows (scoring.text_policy).
    if (refused := refused_character(text)) is not None:
        raise_field_error(name, escape_controls(text[:40]), "format",
                          f"{name} : caractère de contrôle ou de mise en forme {refused} refusé.",
                          f"{name}: control or format character {refused} refused.")
    return text


@dataclass(frozen=True)
class DecisionState:
    """A client's decisions as the next advisor reads them."""

    client_id: int
    current_version: int
    recommendation: str | None  # the model's, on the current version
    probability_of_default: float | None
    entries: tuple[DecisionRecord, ...]
    answered: frozenset[int]

    def status_of(self, entry: DecisionRecord) -> str | None:
        """A decision's status now: final, pending a second person, approved or rejected."""
        if entry.kind != "decision":
            return entry.status
        if entry.status != PENDING:
            return entry.status
        answers = [e for e in self.entries if e.kind == "approval" and e.refers_to == entry.id]
        return answers[-1].outcome if answers else PENDING

    @property
    def current_decision(self) -> DecisionRecord | None:
        decisions = [e for e in self.entries if e.kind == "decision" and e.version == self.current_version]
        return decisions[-1] if decisions else None

    @property
    def open_contest(self) -> DecisionRecord | None:
        """The latest contest asking for a review with no decision recorded after it."""
        contests = [e for e in self.entries if e.kind == "contest" and e.review_requested]
        if not contests:
            return None
        last = contests[-1]
        later = [e for e in self.entries if e.kind == "decision" and e.id > last.id]
        return None if later else last

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        current = self.current_decision
        contest = self.open_contest
        return {"client_id": self.client_id, "current_version": self.current_version,
                "recommendation": self.recommendation,
                "recommendation_label": decision_label(self.recommendation, lang) if self.recommendation else None,
                "probability_of_default": self.probability_of_default,
                "current_decision": None if current is None else {**current.to_dict(),
                                                                  "status": self.status_of(current)},
                "open_contest": None if contest is None else contest.to_dict(),
                "entries": [{**e.to_dict(), "status": self.status_of(e)} for e in self.entries]}


class AdvisorDecisions:
    def __init__(self, service: ScoringService, *, needs_second_person: bool | None = None) -> None:
        self._service = service
        self._log = DecisionLog(service._require_store())
        self.needs_second_person = second_person_required() if needs_second_person is None else needs_second_person

    def _write(self, client_id: int, version: int, kind: str, user: User, **values: Any) -> DecisionRecord:
        from scoring.store import StaleVersion as StoreStale
        from scoring.store import UnknownClient as StoreUnknown

        try:
            return self._log.append(client_id, version, kind, author=user.name, **values)
        except StoreStale as stale:
            raise StaleVersion(stale.client_id, stale.expected, stale.current) from None
        except StoreUnknown:
            raise UnknownClient(client_id) from None

    def state(self, client_id: int) -> DecisionState:
        current = self._service.client(client_id)
        score = self._service.score_client(client_id, explain=False)
        entries = tuple(self._log.for_client(client_id))
        pending = [e.id for e in entries if e.kind == "decision" and e.status == PENDING]
        return DecisionState(current.client_id, current.version, score.decision, score.probability_of_default,
                             entries, frozenset(self._log.answered(pending)))

    def decide(self, client_id: int, *, version: Any, outcome: Any, justification: Any, user: User) -> DecisionRecord:
        """Record the final decision on `version` (which must be current)."""
        if not user.can("advisor"):
            raise Forbidden("advisor", user.role)
        if outcome not in OUTCOMES:
            raise_field_error("decision", outcome, "level", "décision : « granted » (accordé) ou « refused » (refusé).",
                              "decision: 'granted' or 'refused'.")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise_field_error("version", version, "type", "version : entier ≥ 1 attendu (la version lue).",
                              "version: an integer ≥ 1 is expected (the version you read).")
        score = self._service.score_client(client_id, explain=False)
        recommendation = score.decision
        follows = None if recommendation == "to_review" else outcome == recommendation
        text = _text("justification", justification, required=follows is not True,
                     fr="justification obligatoire quand la décision s'écarte de la recommandation du modèle "
                        "ou quand le modèle renvoie à un examen.",
                     en="a justification is required when the decision departs from the model's "
                        "recommendation or when the model leaves it to a review.")
        status = PENDING if (self.needs_second_person and recommendation == "refused" and outcome == "granted") \
            else FINAL
        return self._write(client_id, version, "decision", user, recommendation=recommendation,
                           probability_of_default=score.probability_of_default, model_version=score.model_version,
                           outcome=outcome, follows_model=follows, status=status, justification=text)

    def answer(self, client_id: int, decision_id: int, *, approve: Any, justification: Any,
               user: User) -> DecisionRecord:
        """A second person approves or rejects a decision waiting for them."""
        if not user.can("advisor"):
            raise Forbidden("advisor", user.role)
        if not isinstance(approve, bool):
            raise_field_error("approve", approve, "type", "approve : true ou false attendu.",
                              "approve: true or false expected.")
        decision = self._log.get(decision_id)
        if decision is None or decision.client_id != int(client_id) or decision.kind != "decision":
            raise UnknownDecision(client_id, decision_id)
        if decision.status != PENDING or self._log.answered([decision.id]):
            raise DecisionConflict(f"La décision n° {decision_id} n'attend pas de validation.",
                                   f"Decision {decision_id} is not waiting for approval.")
        if decision.author == user.name:
            raise DecisionConflict("Une seconde personne doit valider : pas l'auteur de la décision.",
                                   "A second person must approve: not the decision's author.")
        text = _text("justification", justification, required=not approve,
                     fr="justification obligatoire pour rejeter une décision.",
                     en="a justification is required to reject a decision.")
        try:
            return self._write(client_id, decision.version, "approval", user,
                               outcome="approved" if approve else "rejected", refers_to=decision.id,
                               justification=text, recommendation=decision.recommendation,
                               model_version=decision.model_version)
        except StaleVersion:
            # The file changed after the decision: it was about a version that is no longer the client's.
            raise DecisionConflict(f"Le dossier a changé depuis la décision n° {decision_id} : il faut décider à "
                                   "nouveau sur la version actuelle.",
                                   f"The file changed since decision {decision_id}: decide again on the current "
                                   "version.") from None

    def contest(self, client_id: int, *, statement: Any, request_review: Any, user: User) -> DecisionRecord:
        """Record the client's statement on the current version, and whether they ask for a review."""
        if not user.can("advisor"):
            raise Forbidden("advisor", user.role)
        if not isinstance(request_review, bool):
            raise_field_error("request_review", request_review, "type", "request_review : true ou false attendu.",
                              "request_review: true or false expected.")
        text = _text("statement", statement, required=True, fr="déclaration du client obligatoire.",
                     en="the client's statement is required.")
        current = self._service.client(client_id)
        return self._write(client_id, current.version, "contest", user, client_statement=text,
                           review_requested=request_review, justification="")

    def override_report(self, since: datetime | None = None, until: datetime | None = None) -> dict[str, Any]:
        """How often advisors depart from the model in a window: overall, by direction, by advisor."""
        counts = self._log.counts(since, until)
        decided = [c for c in counts if c.recommendation in OUTCOMES]
        total = sum(c.count for c in decided)
        overrides = sum(c.count for c in decided if c.outcome != c.recommendation)
        def moved(recommended: str, decided_as: str) -> int:
            return sum(c.count for c in decided if (c.recommendation, c.outcome) == (recommended, decided_as))

        directions = {"refused_to_granted": moved("refused", "granted"),
                      "granted_to_refused": moved("granted", "refused")}
        by_recommendation = {r: sum(c.count for c in decided if c.recommendation == r) for r in OUTCOMES}
        advisors: dict[str, dict[str, int]] = {}
        for c in decided:
            entry = advisors.setdefault(c.author, {"decisions": 0, "overrides": 0})
            entry["decisions"] += c.count
            entry["overrides"] += c.count if c.outcome != c.recommendation else 0
        reviewed = sum(c.count for c in counts if c.recommendation == "to_review")
        return {
            "since": None if since is None else since.isoformat(),
            "until": None if until is None else until.isoformat(),
            "decisions": total + reviewed,
            "with_recommendation": total,
            "to_review_decided": reviewed,
            "overrides": overrides,
            "override_rate": overrides / total if total else None,
            "by_direction": {
                "refused_to_granted": {"count": directions["refused_to_granted"],
                                       "rate": (directions["refused_to_granted"] / by_recommendation["refused"]
                                                if by_recommendation["refused"] else None)},
                "granted_to_refused": {"count": directions["granted_to_refused"],
                                       "rate": (directions["granted_to_refused"] / by_recommendation["granted"]
                                                if by_recommendation["granted"] else None)},
            },
            "by_advisor": [{"advisor": name, **values,
                            "override_rate": values["overrides"] / values["decisions"] if values["decisions"] else None}
                           for name, values in sorted(advisors.items())],
        }


def window(days: int | None, now: datetime | None = None) -> tuple[datetime | None, datetime | None]:
    """The last `days` days up to now (None: since the beginning)."""
    if days is None:
        return None, None
    end = now or datetime.now(UTC)
    return end - timedelta(days=days), None
