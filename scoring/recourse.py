"""What would change the decision: the smallest changes a client can act on that turn a refusal
(or a "to review") into a grant under the production model.

Three levers the client controls, each searched on a grid scored in one XGBoost call, the
retained change then rescored for real through the same path as any what-if:
- a smaller credit for the same purchase (a larger down payment), same term;
- a cheaper purchase, financed in the same proportion, same term;
- a longer term (a lower annuity) for the same amount.
Bounds keep the options sensible: the amount is never cut below 30 % of the request, and the term
never exceeds what 99 % of the reference clients have.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from scoring.display import format_money

if TYPE_CHECKING:
    from scoring.service import ClientScore, Recourse, ScoringService

MIN_AMOUNT_SHARE = 0.30
GRID_STEPS = 36
TERM_QUANTILE = 0.99


def _max_term(service: ScoringService, current_term: float) -> float:
    sample = service.artifact.reference_sample
    if "CREDIT_TO_ANNUITY_RATIO" in sample.columns:
        values = sample["CREDIT_TO_ANNUITY_RATIO"].dropna().to_numpy(dtype=float)
        if values.size:
            return max(float(np.quantile(values, TERM_QUANTILE)), current_term)
    return current_term * 2


def _candidates(record: dict[str, Any], service: ScoringService) -> list[tuple[str, float, dict[str, float]]]:
    credit, annuity, goods = record.get("AMT_CREDIT"), record.get("AMT_ANNUITY"), record.get("AMT_GOODS_PRICE")
    candidates: list[tuple[str, float, dict[str, float]]] = []
    shares = np.linspace(0.97, MIN_AMOUNT_SHARE, GRID_STEPS)
    for share in shares:
        changes = {"AMT_CREDIT": round(credit * share, 0)}
        if annuity:
            changes["AMT_ANNUITY"] = round(annuity * share, 1)
        candidates.append(("amount", float(share), changes))
        if goods:
            candidates.append(("goods_price", float(share), {**changes, "AMT_GOODS_PRICE": round(goods * share, 0)}))
    if annuity:
        term = credit / annuity
        for longer in np.linspace(term * 1.05, _max_term(service, term), GRID_STEPS):
            if longer > term:
                candidates.append(("term", float(longer), {"AMT_ANNUITY": round(credit / longer, 1)}))
    return candidates


def _describe(kind: str, record: dict[str, Any], changes: dict[str, float]) -> dict[str, str]:
    fr, en = format_money, format_money
    if kind == "amount":
        down = (record.get("AMT_GOODS_PRICE") or record["AMT_CREDIT"]) - changes["AMT_CREDIT"]
        cut = 1 - changes["AMT_CREDIT"] / record["AMT_CREDIT"]
        return {
            "fr": f"Emprunter {fr(changes['AMT_CREDIT'], 'fr')} au lieu de {fr(record['AMT_CREDIT'], 'fr')} "
                  f"(−{cut:.0%}), soit un apport de {fr(max(down, 0), 'fr')}, sur la même durée.",
            "en": f"Borrow {en(changes['AMT_CREDIT'], 'en')} instead of {en(record['AMT_CREDIT'], 'en')} "
                  f"(−{cut:.0%}), i.e. a down payment of {en(max(down, 0), 'en')}, over the same term.",
        }
    if kind == "goods_price":
        return {
            "fr": f"Choisir un bien de {fr(changes['AMT_GOODS_PRICE'], 'fr')} au lieu de "
                  f"{fr(record['AMT_GOODS_PRICE'], 'fr')}, financé de la même façon "
                  f"({fr(changes['AMT_CREDIT'], 'fr')} empruntés).",
            "en": f"Choose goods priced {en(changes['AMT_GOODS_PRICE'], 'en')} instead of "
                  f"{en(record['AMT_GOODS_PRICE'], 'en')}, financed the same way "
                  f"({en(changes['AMT_CREDIT'], 'en')} borrowed).",
        }
    old_term = record["AMT_CREDIT"] / record["AMT_ANNUITY"]
    new_term = record["AMT_CREDIT"] / changes["AMT_ANNUITY"]
    return {
        "fr": f"Allonger la durée : annuité de {fr(changes['AMT_ANNUITY'], 'fr')} au lieu de "
              f"{fr(record['AMT_ANNUITY'], 'fr')} (durée ×{new_term / old_term:.2f}), même montant.",
        "en": f"Lengthen the term: an annuity of {en(changes['AMT_ANNUITY'], 'en')} instead of "
              f"{en(record['AMT_ANNUITY'], 'en')} (term ×{new_term / old_term:.2f}), same amount.",
    }


def find_recourse(service: ScoringService, client_id: int) -> Recourse:
    from scoring.service import Recourse, RecourseOption

    current: ClientScore = service.score_client(client_id)
    record = dict(current.fields)
    if current.decision == "granted":
        return Recourse(client_id, current, (), {
            "fr": "Le crédit est accordé : aucun changement n'est nécessaire.",
            "en": "The credit is granted: no change is needed.",
        })
    candidates = _candidates(record, service)
    records = [{**record, **changes} for _, _, changes in candidates]
    # Only candidates the contract accepts (e.g. the annuity still within the credit).
    from scoring.errors import InvalidApplication
    from scoring.validation import validate_application

    valid = []
    for (kind, size, changes), candidate in zip(candidates, records, strict=True):
        try:
            valid.append((kind, size, changes, validate_application(candidate, changed=changes)))
        except InvalidApplication:
            continue
    scored = service._score_records([v[3] for v in valid], [current.client_id] * len(valid), explain=False)
    best: dict[str, tuple[float, dict[str, float]]] = {}
    for (kind, size, changes, _), score in zip(valid, scored, strict=True):
        if score.decision != "granted":
            continue
        # The smallest change: the largest amount share kept, or the shortest longer term.
        better = kind not in best or (size > best[kind][0] if kind != "term" else size < best[kind][0])
        if better:
            best[kind] = (size, changes)
    options = []
    for kind in ("amount", "goods_price", "term"):
        if kind in best:
            changes = best[kind][1]
            rescored = service.what_if(client_id, changes, explain=True)
            if rescored.decision == "granted":
                options.append(RecourseOption(kind, changes, rescored, _describe(kind, record, changes)))
    if options:
        message = {"fr": "Chacune de ces options, seule, conduit à un accord selon le modèle en production.",
                   "en": "Each of these options, on its own, leads to a grant under the production model."}
    else:
        message = {"fr": "Aucun changement du montant, du bien ou de la durée dans des limites raisonnables "
                         f"(montant ≥ {MIN_AMOUNT_SHARE * 100:.0f}\u00a0% de la demande, durée ≤ celle de 99 % "
                         "des clients) "
                         "ne suffit à obtenir un accord.",
                   "en": "No change of amount, goods price or term within sensible bounds "
                         f"(amount ≥ {MIN_AMOUNT_SHARE:.0%} of the request, term ≤ that of 99% of clients) "
                         "is enough for a grant."}
    return Recourse(client_id, current, tuple(options), message)
