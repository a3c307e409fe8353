"""The letter the client leaves with: the decision and who made it, the reasons in plain words,
what could change it, the right to a human review and to contest; one language, currency and
units everywhere, no internal identifiers. Plain strings out: the printable page
(layouts/report.py) and the PDF (scoring/report_pdf.py) draw the same content.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scoring.display import bank_time_zone, decision_label, format_amount
from scoring.theme_reasons import principal_reasons

if TYPE_CHECKING:
    from scoring.service import ScoringService

MAX_REASONS = 4
MAX_OPTIONS = 3

_TEXT: dict[str, tuple[str, str]] = {
    "bank": ("Prêt à dépenser", "Prêt à dépenser"),
    "title": ("Votre demande de crédit", "Your credit application"),
    "reference": ("Référence de votre demande : {id}", "Your application reference: {id}"),
    "date": ("Le {date}", "{date}"),
    "request": ("Vous avez demandé un crédit de {amount}, remboursé en {term} mensualités de {payment}.",
                "You applied for a credit of {amount}, repaid in {term} monthly payments of {payment}."),
    "request_goods": (" Il finance un achat de {goods}.", " It finances a purchase of {goods}."),
    "decided": ("Après examen de votre dossier, votre conseiller ou conseillère ({who}) a pris la décision "
                "suivante : {decision}.",
                "After reviewing your file, your advisor ({who}) made this decision: {decision}."),
    "decided_pending": ("Votre conseiller ou conseillère ({who}) propose d'accorder ce crédit ; cette décision "
                        "attend la validation d'une seconde personne de la banque, qui vous sera confirmée.",
                        "Your advisor ({who}) proposes to grant this credit; the decision waits for a second "
                        "person at the bank to approve it, and will be confirmed to you."),
    "decided_rejected": ("La proposition d'accorder ce crédit n'a pas été validée par une seconde personne de "
                         "la banque : votre demande est refusée.",
                         "The proposal to grant this credit was not approved by a second person at the bank: "
                         "your application is refused."),
    "pending_badge": ("EN COURS D'EXAMEN", "UNDER REVIEW"),
    "not_decided": ("Votre dossier est à l'étude : la décision finale sera prise par votre conseiller ou "
                    "conseillère, qui vous la communiquera.",
                    "Your file is under review: your advisor will make the final decision and tell you."),
    "recommendation": ("L'outil d'aide à la décision de la banque recommandait : {decision}. Il estime le risque "
                       "qu'un crédit ne soit pas remboursé à partir des informations de votre dossier ; il ne "
                       "décide pas seul.",
                       "The bank's decision-support tool recommended: {decision}. It estimates the risk that a "
                       "credit is not repaid from the information in your file; it does not decide alone."),
    "reasons_against": ("Ce qui a le plus pesé contre votre demande", "What weighed most against your application"),
    "reasons_for": ("Ce qui a le plus joué en votre faveur", "What counted most in your favour"),
    "changes": ("Ce qui pourrait changer la décision", "What could change the decision"),
    "changes_none": ("Dans les limites que la banque accepte, aucun changement du montant, de la durée ou de "
                     "l'apport ne suffit aujourd'hui ; votre conseiller ou conseillère peut en parler avec vous.",
                     "Within the limits the bank accepts, no change of amount, term or down payment is enough "
                     "today; your advisor can discuss it with you."),
    "change_now": ("{text} Avec ce changement, la recommandation serait : {decision}.",
                   "{text} With this change, the recommendation would be: {decision}."),
    "change_later": ("Avec le temps : {text} La recommandation serait alors : {decision}.",
                     "Over time: {text} The recommendation would then be: {decision}."),
    "rights_title": ("Vos droits", "Your rights"),
    "rights": ("Cette décision n'est pas prise par un traitement automatisé seul. Vous pouvez demander "
               "qu'une personne de la banque réexamine votre dossier, présenter vos observations et contester la "
               "décision : adressez-vous à votre conseiller ou conseillère, ou écrivez à la banque en rappelant "
               "la référence de votre demande. Vous pouvez aussi demander les informations de votre dossier "
               "utilisées pour cette décision.",
               "This decision is not made by automated processing alone. You can ask for a person at the bank "
               "to review your file, give your point of view and contest the decision: speak to your advisor, "
               "or write to the bank quoting your application reference. You can also ask for the information "
               "in your file used for this decision."),
    "contest_recorded": ("Votre contestation du {date} est enregistrée ; un examen par une personne de la banque "
                         "a été demandé.",
                         "Your contest of {date} is recorded; a review by a person at the bank has been requested."),
}


def _t(key: str, lang: str, **values: Any) -> str:
    return _TEXT[key][0 if lang == "fr" else 1].format(**values)


def _date(moment: datetime, lang: str) -> str:
    # The bank's calendar day: a letter printed at 00:30 in Paris is dated that day, not the UTC one.
    if moment.tzinfo is not None:
        moment = moment.astimezone(bank_time_zone())
    return moment.strftime("%d/%m/%Y") if lang == "fr" else moment.strftime("%d %B %Y").lstrip("0")


def client_letter(service: ScoringService, client_id: int, lang: str = "fr",
                  now: datetime | None = None) -> dict[str, Any]:
    """Every string of the letter, in the reader's language."""
    now = now or datetime.now(UTC)
    score = service.score_client(client_id)
    recourse = service.recourse(client_id)
    state = service.decisions.state(client_id)
    terms = recourse.terms
    request = None
    if terms is not None:
        request = _t("request", lang, amount=format_amount(terms.amount, lang), term=round(terms.term_months),
                     payment=format_amount(terms.monthly_payment, lang))
        if terms.goods_price:
            request += _t("request_goods", lang, goods=format_amount(terms.goods_price, lang))
    current = state.current_decision
    status = state.status_of(current) if current is not None else None
    if current is None:
        decided, final = _t("not_decided", lang), None
    elif status == "pending_second_approval":
        decided, final = _t("decided_pending", lang, who=current.author), None
    elif status == "rejected":
        decided, final = _t("decided_rejected", lang), "refused"
    else:
        final = current.outcome
        decided = _t("decided", lang, who=current.author, decision=decision_label(final, lang).lower())
    # The reasons a client is given are those of the decision: what weighed against a refusal,
    # what counted in favour of a grant; the model's own view when no one has decided yet.
    basis = final or score.decision
    reasons = principal_reasons(score.reasons(lang=lang), "granted" if basis == "granted" else "refused",
                                MAX_REASONS)
    changes: list[str] = []
    if basis != "granted":
        for option in recourse.options[:MAX_OPTIONS]:
            key = "change_now" if option.kind == "now" else "change_later"
            changes.append(_t(key, lang, text=option.description[lang],
                              decision=decision_label(option.score.decision, lang).lower()))
    contest = state.open_contest
    return {
        "lang": lang,
        "bank": _t("bank", lang),
        "title": _t("title", lang),
        "reference": _t("reference", lang, id=client_id),
        "date": _t("date", lang, date=_date(now, lang)),
        "decision": final,
        "decision_text": decision_label(final, lang).upper() if final else _t("pending_badge", lang),
        "request": request,
        "decided": decided,
        "recommendation": _t("recommendation", lang, decision=decision_label(score.decision, lang).lower()),
        "reasons_title": _t("reasons_for" if basis == "granted" else "reasons_against", lang),
        "reasons": [r.sentence for r in reasons],
        "changes_title": _t("changes", lang) if basis != "granted" else None,
        "changes": changes,
        "changes_none": _t("changes_none", lang) if basis != "granted" and not changes else None,
        "contest": _t("contest_recorded", lang, date=_date(contest.created_at, lang)) if contest else None,
        "rights_title": _t("rights_title", lang),
        "rights": _t("rights", lang),
    }
