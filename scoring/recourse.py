"""What would change the decision: honest options for a client who is refused or "to review".

Now: the offer (amount x term x down payment or goods price) searched on a grid within the bank's
bounds (scoring.offers.OfferPolicy), every candidate's payment recomputed by the one offer model
and scored in one batch. The nearest candidate (smallest change) reaching a grant is offered, and
for a refusal the nearest reaching "to review" too, plus the nearest grant that moves one lever
only. Each option lists every field it changes, the payment included: applied through the
what-if path (POST /api/score, the simulator) it gives exactly the probability it states.

Over time: changes the client controls that show in the side-table history (settling arrears,
repaying debt, a year of on-time payments: scoring.history_levers), each rescored through the
aggregates it would produce; when neither they nor the offer alone reach a grant, all of them
together with the nearest offer. Never a lever on what the client cannot change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from scoring.display import PERCENT_SIGN, decision_label, format_amount
from scoring.errors import InvalidApplication
from scoring.history_levers import LEVERS, then_reapply
from scoring.offers import LoanTerms, OfferPolicy, current_terms, offer_changes
from scoring.validation import revalidate, validate_application

if TYPE_CHECKING:
    from scoring.service import ClientScore, ScoringService

AMOUNT_STEPS = 24
TERM_FACTORS = (1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
DECISION_RANK = {"refused": 0, "to_review": 1, "granted": 2}
# A longer term costs the client less than a smaller loan (it still buys the same thing).
TERM_WEIGHT = 0.5
MAX_OPTIONS_NOW = 4


@dataclass(frozen=True)
class RecourseOption:
    kind: str  # now | over_time
    levers: tuple[str, ...]  # amount, term, down_payment, goods_price | a history lever's code
    changes: dict[str, float]  # application fields (what the what-if path takes)
    score: ClientScore
    description: dict[str, str]  # fr / en
    history_changes: dict[str, Any] = field(default_factory=dict)
    term_months: float | None = None
    cost: float = 0.0

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        return {"kind": self.kind, "levers": list(self.levers), "changes": self.changes,
                "history_changes": self.history_changes,
                "term_months": None if self.term_months is None else round(self.term_months, 1),
                "description": self.description[lang],
                "probability_of_default": self.score.probability_of_default,
                "decision": self.score.decision, "decision_label": decision_label(self.score.decision, lang)}


@dataclass(frozen=True)
class Recourse:
    client_id: int
    current: ClientScore
    options: tuple[RecourseOption, ...]
    message: dict[str, str]
    terms: LoanTerms | None = None
    policy: OfferPolicy | None = None

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        terms = None
        if self.terms is not None:
            terms = {"amount": self.terms.amount, "monthly_payment": self.terms.monthly_payment,
                     "goods_price": self.terms.goods_price, "term_months": round(self.terms.term_months, 1),
                     "annual_rate": self.terms.monthly_rate * 12, "rate_note": self.terms.rate_note(lang)}
        return {"client_id": self.client_id, "decision": self.current.decision,
                "probability_of_default": self.current.probability_of_default,
                "message": self.message[lang], "terms": terms,
                "bounds": self.policy.to_dict() if self.policy else None,
                "options": [o.to_dict(lang) for o in self.options]}


@dataclass(frozen=True)
class _Candidate:
    levers: tuple[str, ...]
    changes: dict[str, float]
    term_months: float
    cost: float


def _candidates(terms: LoanTerms, policy: OfferPolicy) -> list[_Candidate]:
    longest = max(float(policy.max_term_months), terms.term_months)
    # A new term is a whole number of months (what a contract states and an advisor types); the
    # current one is whatever the stored payment implies.
    term_choices = sorted({terms.term_months} | {float(min(round(terms.term_months * f), longest))
                                                 for f in TERM_FACTORS[1:]
                                                 if round(terms.term_months * f) > terms.term_months})
    shares = np.linspace(1.0, policy.min_amount_share, AMOUNT_STEPS + 1)
    found: list[_Candidate] = []
    for share in shares:
        amount = round(terms.amount * float(share))
        for term in term_choices:
            stretch = term / terms.term_months - 1
            cost = (1 - float(share)) + TERM_WEIGHT * stretch
            if share == 1.0:
                if term == terms.term_months:
                    continue
                found.append(_Candidate(("term",), offer_changes(terms, term_months=term), term, cost))
                continue
            levers_now = ("amount", "term") if term != terms.term_months else ("amount",)
            # The same goods with a larger down payment (or, while the amount still exceeds the
            # price, less borrowed on top of it) …
            paying_down = bool(terms.goods_price) and amount < (terms.goods_price or 0)
            found.append(_Candidate((*levers_now[:1], *(("down_payment",) if paying_down else ()), *levers_now[1:]),
                                    offer_changes(terms, amount=amount, term_months=term), term, cost))
            # … or cheaper goods, financed in the same proportion.
            if terms.goods_price:
                found.append(_Candidate(
                    ("goods_price", *levers_now),
                    offer_changes(terms, amount=amount, term_months=term,
                                  goods_price=terms.goods_price * float(share)), term, cost + 0.05))
    return found


def _describe(terms: LoanTerms, candidate: _Candidate) -> dict[str, str]:
    parts_fr: list[str] = []
    parts_en: list[str] = []
    changes = candidate.changes
    if "AMT_GOODS_PRICE" in changes:
        parts_fr.append(f"choisir un bien à {format_amount(changes['AMT_GOODS_PRICE'], 'fr')} au lieu de "
                        f"{format_amount(terms.goods_price or 0, 'fr')}")
        parts_en.append(f"choose goods priced {format_amount(changes['AMT_GOODS_PRICE'], 'en')} instead of "
                        f"{format_amount(terms.goods_price or 0, 'en')}")
    if "AMT_CREDIT" in changes:
        parts_fr.append(f"emprunter {format_amount(changes['AMT_CREDIT'], 'fr')} au lieu de "
                        f"{format_amount(terms.amount, 'fr')}")
        parts_en.append(f"borrow {format_amount(changes['AMT_CREDIT'], 'en')} instead of "
                        f"{format_amount(terms.amount, 'en')}")
        down = max((terms.goods_price or 0.0) - changes["AMT_CREDIT"], 0.0)
        if "AMT_GOODS_PRICE" not in changes and down > 0:
            parts_fr.append(f"soit un apport de {format_amount(down, 'fr')} sur le bien de "
                            f"{format_amount(terms.goods_price, 'fr')}")
            parts_en.append(f"i.e. a down payment of {format_amount(down, 'en')} on the goods priced "
                            f"{format_amount(terms.goods_price, 'en')}")
    new_term, old_term = round(candidate.term_months), round(terms.term_months)
    if "term" in candidate.levers:
        parts_fr.append(f"sur {new_term} mois au lieu de {old_term}")
        parts_en.append(f"over {new_term} months instead of {old_term}")
    else:
        parts_fr.append(f"sur la même durée ({old_term} mois)")
        parts_en.append(f"over the same term ({old_term} months)")
    payment = changes.get("AMT_ANNUITY", terms.monthly_payment)
    parts_fr.append(f"échéance mensuelle de {format_amount(payment, 'fr')} au lieu de "
                    f"{format_amount(terms.monthly_payment, 'fr')}")
    parts_en.append(f"monthly payment {format_amount(payment, 'en')} instead of "
                    f"{format_amount(terms.monthly_payment, 'en')}")
    fr = parts_fr[0][0].upper() + " ; ".join(parts_fr)[1:] + "."
    en = parts_en[0][0].upper() + "; ".join(parts_en)[1:] + "."
    return {"fr": fr, "en": en}


def _pick(scored: list[tuple[_Candidate, ClientScore]], current: str) -> list[tuple[_Candidate, ClientScore]]:
    """The nearest grant, the nearest "to review" (for a refusal), and the nearest grant by one
    lever alone, in order of cost, without duplicates."""
    def nearest(keep: Any) -> tuple[_Candidate, ClientScore] | None:
        eligible = [item for item in scored if keep(item)]
        return min(eligible, key=lambda item: item[0].cost) if eligible else None

    picks = [nearest(lambda item: item[1].decision == "granted")]
    if current == "refused":
        picks.append(nearest(lambda item: item[1].decision == "to_review"))
    for single in (("amount", "down_payment"), ("amount",), ("term",), ("goods_price", "amount")):
        picks.append(nearest(lambda item, single=single: item[1].decision == "granted"
                             and item[0].levers == single))
    chosen: list[tuple[_Candidate, ClientScore]] = []
    for pick in picks:
        if pick is not None and all(pick[0].changes != c.changes for c, _ in chosen):
            chosen.append(pick)
    return sorted(chosen, key=lambda item: item[0].cost)[:MAX_OPTIONS_NOW]


def _better_offers(service: ScoringService, client_id: int, current: ClientScore, record: dict[str, Any],
                   terms: LoanTerms, policy: OfferPolicy,
                   history_changes: dict[str, Any] | None = None) -> list[tuple[_Candidate, ClientScore]]:
    """Every offer the contract accepts, scored in one batch (with the history as it would be
    after `history_changes`, if given): those that reach a better decision than the current one."""
    valid: list[tuple[_Candidate, dict[str, Any]]] = []
    for candidate in _candidates(terms, policy):
        try:
            valid.append((candidate, revalidate(record, candidate.changes)))
        except InvalidApplication:
            continue  # e.g. a payment above the amount: not an offer the contract accepts
    if not valid:
        return []
    scores = service._score_records([v[1] for v in valid], [client_id] * len(valid), explain=False,
                                    history_changes=None if history_changes is None
                                    else [history_changes] * len(valid))
    return [(candidate, score) for (candidate, _), score in zip(valid, scores, strict=True)
            if DECISION_RANK[score.decision] > DECISION_RANK[current.decision]]


def _options_now(service: ScoringService, client_id: int, current: ClientScore, record: dict[str, Any],
                 terms: LoanTerms, policy: OfferPolicy) -> list[RecourseOption]:
    better = _better_offers(service, client_id, current, record, terms, policy)
    options = []
    for candidate, _ in _pick(better, current.decision):
        # Through the what-if path itself: the option states what the simulator will show.
        rescored = service.what_if(client_id, candidate.changes, explain=False)
        options.append(RecourseOption("now", candidate.levers, candidate.changes, rescored,
                                      _describe(terms, candidate), term_months=candidate.term_months,
                                      cost=candidate.cost))
    return options


def _options_over_time(service: ScoringService, client_id: int, current: ClientScore,
                       record: dict[str, Any]) -> list[RecourseOption]:
    history = service.side_aggregates(client_id)
    if history is None:
        return []
    levers = [lever for lever in LEVERS if lever.applies(history)]
    if not levers:
        return []
    trials = [((lever.code,), lever.changes(history), then_reapply([lever.describe(history)])) for lever in levers]
    if len(levers) > 1:
        combined: dict[str, Any] = {}
        for _, changes, _ in trials:
            combined.update(changes)
        trials.append((tuple(lever.code for lever in levers), combined,
                       then_reapply([lever.describe(history) for lever in levers])))
    scores = service._score_records([record] * len(trials), [client_id] * len(trials), explain=False,
                                    history_changes=[changes for _, changes, _ in trials])
    options = []
    for (codes, changes, description), score in zip(trials, scores, strict=True):
        if DECISION_RANK[score.decision] <= DECISION_RANK[current.decision]:
            continue
        if len(codes) > 1 and any(o.score.decision == score.decision for o in options):
            continue  # a single lever already gets there
        options.append(RecourseOption("over_time", codes, {}, score, description, history_changes=changes))
    return options


def _over_time_with_offer(service: ScoringService, client_id: int, current: ClientScore, record: dict[str, Any],
                          terms: LoanTerms, policy: OfferPolicy) -> list[RecourseOption]:
    """Every applicable history lever at once, with the nearest offer that then reaches a better
    decision: for a client neither alone can help."""
    history = service.side_aggregates(client_id)
    levers = [lever for lever in LEVERS if history is not None and lever.applies(history)]
    if not levers:
        return []
    combined: dict[str, Any] = {}
    for lever in levers:
        combined.update(lever.changes(history))
    better = _better_offers(service, client_id, current, record, terms, policy, history_changes=combined)
    if not better:
        return []
    best_rank = max(DECISION_RANK[score.decision] for _, score in better)
    candidate, score = min((item for item in better if DECISION_RANK[item[1].decision] == best_rank),
                           key=lambda item: item[0].cost)
    description = then_reapply([lever.describe(history) for lever in levers], _describe(terms, candidate))
    return [RecourseOption("over_time", (*(lever.code for lever in levers), *candidate.levers), candidate.changes,
                           score, description, history_changes=combined, term_months=candidate.term_months,
                           cost=candidate.cost)]


def find_recourse(service: ScoringService, client_id: int, policy: OfferPolicy | None = None) -> Recourse:
    policy = policy or service.offer_policy
    current = service.score_client(client_id, explain=False)
    terms = current_terms(current.fields, policy)
    if current.decision == "granted":
        return Recourse(client_id, current, (), {
            "fr": "Le crédit est accordé : aucun changement n'est nécessaire.",
            "en": "The credit is granted: no change is needed.",
        }, terms, policy)
    record = validate_application(dict(current.fields), changed=())
    now = _options_now(service, client_id, current, record, terms, policy) if terms is not None else []
    later = _options_over_time(service, client_id, current, record)
    if terms is not None and not any(o.score.decision == "granted" for o in (*now, *later)):
        later += _over_time_with_offer(service, client_id, current, record, terms, policy)
    bounds_fr = (f"montant ≥ {policy.min_amount_share:.0%} de la demande, durée ≤ {policy.max_term_months} mois"
                 .replace("%", PERCENT_SIGN["fr"]))
    bounds_en = f"amount ≥ {policy.min_amount_share:.0%} of the request, term ≤ {policy.max_term_months} months"
    if now or later:
        message = {"fr": f"Chaque option, seule, donne la décision indiquée selon le modèle en production "
                         f"(limites de la banque : {bounds_fr}).",
                   "en": f"Each option, on its own, gives the decision shown under the production model "
                         f"(the bank's limits: {bounds_en})."}
    else:
        message = {"fr": f"Aucun changement du montant, de la durée, de l'apport ou du bien dans les limites de la "
                         f"banque ({bounds_fr}), ni aucun changement de l'historique que le client maîtrise, "
                         "ne suffit à améliorer la décision.",
                   "en": f"No change of amount, term, down payment or goods within the bank's limits ({bounds_en}), "
                         "nor any change of the history the client controls, is enough to improve the decision."}
    return Recourse(client_id, current, (*now, *later), message, terms, policy)
