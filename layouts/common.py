"""What every panel shares: component ids, the two languages' strings, the palette, and
number formatting for probabilities.

Ids come from one helper per panel (`PanelIds("gauge")("figure")` -> "gauge-figure"): fixed
strings, the same in every worker, never random.
"""

from __future__ import annotations

from typing import Any

from scoring.decision_bands import DecisionBands, probability_text
from scoring.display import decision_label, format_number, format_percent

LANGUAGES = ("fr", "en")
DEFAULT_LANG = "fr"

# Okabe–Ito, safe for the common colour-vision deficiencies.
BLUE = "#0072B2"       # granted / lowers the risk / repaid
ORANGE = "#E69F00"     # to review
VERMILLION = "#D55E00"  # refused / raises the risk / defaulted
SKY = "#56B4E9"
GREY = "#595959"       # 7:1 on white: secondary text
INK = "#1a1a1a"
# Darker shades of the same hues for text on white (≥ 4.5:1 contrast).
TEXT_ON_WHITE = {"granted": "#005a8c", "to_review": "#8a5a00", "refused": "#a33a00"}
DECISION_COLOURS = {"granted": BLUE, "to_review": ORANGE, "refused": VERMILLION}
DECISION_ICONS = {"granted": "✓", "to_review": "?", "refused": "✗"}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


class PanelIds:
    """Component ids of one panel: a fixed prefix plus a name."""

    def __init__(self, panel: str) -> None:
        self.panel = panel

    def __call__(self, name: str) -> str:
        return f"{self.panel}-{name}"

    def match(self, kind: str, **keys: Any) -> dict[str, Any]:
        """A pattern-matching id, e.g. {"type": "edit-field", "field": "AMT_CREDIT"}."""
        return {"type": f"{self.panel}-{kind}", **keys}


def lang_or_default(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANG


def tr(key: str, lang: str = DEFAULT_LANG, **values: Any) -> str:
    """The string `key` in French or English, with `{name}` placeholders filled."""
    fr, en = STRINGS[key]
    text = en if lang == "en" else fr
    return text.format(**values) if values else text


def number(value: float, decimals: int, lang: str) -> str:
    return format_number(value, decimals, lang)


def dropdown_labels(lang: str) -> dict[str, str]:
    """The words inside Dash 4's dcc.Dropdown (English by default)."""
    if lang == "en":
        return {"search": "Search", "clear_search": "Clear search", "clear_selection": "Clear selection",
                "no_options_found": "No feature found"}
    return {"search": "Rechercher", "clear_search": "Effacer la recherche", "clear_selection": "Effacer",
            "no_options_found": "Aucune variable trouvée", "select_all": "Tout choisir",
            "deselect_all": "Ne rien choisir", "selected_count": "Variables choisies : {num}"}


def separators(lang: str) -> str:
    """Plotly's decimal and thousands separators: "0,65" and "12 000" in French."""
    return ", " if lang == "fr" else ".,"


def percent(probability: float, lang: str, decimals: int = 1) -> str:
    """0.0672 -> "6,7 %" (fr) or "6.7%" (en)."""
    return format_percent(probability, lang, decimals)


def decision_text(decision: str, lang: str) -> str:
    return decision_label(decision, lang)


def probability(value: float, lang: str) -> str:
    """A probability of default as every face shows it: truncated to a tenth of a point, so it
    sits on the same side of the shown limits as its decision ("6,6 %" is never "accordé < 6,6 %")."""
    return probability_text(value, lang)


def distance_sentence(probability_of_default: float, threshold: float,
                      review_band: list[float] | tuple[float, float], lang: str) -> str:
    """The distance to the limit whose crossing would change the decision, in words an advisor
    can repeat to the client (the API's `distance_to_threshold` says the same)."""
    low, high = review_band
    return DecisionBands(float(low), float(high), float(threshold)).sentence(probability_of_default, lang)


STRINGS: dict[str, tuple[str, str]] = {
    # shell
    "app_title": ("Prêt à dépenser · Explication du score", "Prêt à dépenser · Score explanation"),
    "model_link": ("Le modèle", "The model"),
    "home_link": ("Clients", "Clients"),
    "logout": ("Se déconnecter", "Log out"),
    "role_viewer": ("consultation", "viewer"),
    "role_advisor": ("conseiller", "advisor"),
    "role_admin": ("administrateur", "admin"),
    "switch_lang": ("English", "Français"),
    "switch_lang_aria": ("Switch to English", "Passer en français"),
    "main_nav": ("Navigation principale", "Main navigation"),
    "sections": ("Sections de la fiche", "Sections of the page"),
    "not_found": ("Page introuvable.", "Page not found."),
    # login
    "login_title": ("Connexion", "Log in"),
    "login_name": ("Identifiant", "User name"),
    "login_password": ("Mot de passe", "Password"),
    "login_submit": ("Se connecter", "Log in"),
    "login_failed": ("Identifiant ou mot de passe incorrect.", "Wrong user name or password."),
    "login_throttled": ("Trop d'essais de mot de passe : réessayez dans {minutes} min, "
                        "ou demandez à un administrateur.",
                        "Too many password attempts: try again in {minutes} min, "
                        "or ask an administrator."),
    "login_intro": ("Réservé aux chargés de clientèle de Prêt à dépenser.",
                    "For Prêt à dépenser relationship managers only."),
    "logged_out": ("Vous êtes déconnecté.", "You are logged out."),
    "login_throttled_s": ("Trop d'essais de mot de passe : réessayez dans {seconds} s.",
                          "Too many password attempts: try again in {seconds} s."),
    "login_busy": ("Trop de connexions en cours : réessayez dans une seconde.",
                   "Too many logins at the moment: try again in a second."),
    "login_cross_site": ("Formulaire refusé : il ne vient pas de cette application. Rouvrez la page de connexion.",
                         "Form refused: it does not come from this application. Open the login page again."),
    # search
    "search_title": ("Rechercher un client", "Find a client"),
    "search_label": ("Identifiant ou critère (type de revenu, profession…)",
                     "Id or criterion (income type, occupation…)"),
    "search_placeholder": ("ex. 100042 ou retraité", "e.g. 100042 or pensioner"),
    "search_none": ("Aucun client ne correspond.", "No client matches."),
    "recent_title": ("Clients récents", "Recent clients"),
    "recent_none": ("Aucun client consulté.", "No client viewed yet."),
    "client_n": ("Client {id}", "Client {id}"),
    "client_version": ("Client {id} · version {version}", "Client {id} · version {version}"),
    "unknown_client": ("Aucun client n'a l'identifiant {id}.", "No client has the id {id}."),
    "loading": ("Chargement…", "Loading…"),
    # sections
    "nav_decision": ("Décision", "Decision"),
    "nav_why": ("Pourquoi ?", "Why?"),
    "nav_compare": ("Comparer", "Compare"),
    "nav_bivariate": ("Croiser", "Two features"),
    "nav_edit": ("Simuler / modifier", "Simulate / edit"),
    "nav_recourse": ("Que changer ?", "What could change it?"),
    "nav_history": ("Historique", "History"),
    "nav_advisor": ("Votre décision", "Your decision"),
    # the advisor's decision
    "advisor_overrides_title": ("Décisions des conseillers face au modèle", "Advisors' decisions against the model"),
    "advisor_window": ("Période", "Window"),
    "advisor_window_days": ("{n} derniers jours", "last {n} days"),
    "advisor_window_all": ("depuis le début", "since the beginning"),
    "advisor_no_decisions": ("Aucune décision de conseiller sur cette période.",
                             "No advisor decision in this window."),
    "advisor_override_summary": ("{n} décisions, dont {k} sur une recommandation d'accord ou de refus : {overrides} "
                                 "s'en écartent ({rate}). Refus du modèle accordés : {up} ({up_rate} des refus) ; "
                                 "accords du modèle refusés : {down} ({down_rate} des accords).",
                                 "{n} decisions, {k} of them on a grant or refusal recommendation: {overrides} depart "
                                 "from it ({rate}). Model refusals granted: {up} ({up_rate} of refusals); model "
                                 "grants refused: {down} ({down_rate} of grants)."),
    "advisor_decisions": ("Décisions", "Decisions"),
    "advisor_override_count": ("Écarts au modèle", "Overrides"),
    "advisor_override_rate": ("Taux d'écart", "Override rate"),
    "advisor_title": ("Décision du conseiller", "The advisor's decision"),
    "advisor_recommendation": ("Recommandation du modèle : {decision} (probabilité de défaut {p}).",
                               "The model recommends: {decision} (probability of default {p})."),
    "advisor_you_decide": ("Le modèle recommande ; la décision finale est la vôtre, et vous en donnez la raison "
                           "quand vous vous en écartez.",
                           "The model recommends; the final decision is yours, and you give the reason when "
                           "you depart from it."),
    "advisor_open_contest": ("Le client a contesté le {when} : {statement} — il demande un examen humain.",
                             "The client contested on {when}: {statement} — they ask for a human review."),
    "advisor_current": ("Décision enregistrée sur la version {version} : {decision}, par {who} ({status}).",
                        "Decision recorded on version {version}: {decision}, by {who} ({status})."),
    "advisor_record_title": ("Registre des décisions", "Decision record"),
    "advisor_none": ("Aucune décision enregistrée pour ce client.", "No decision recorded for this client."),
    "advisor_when": ("Date", "When"),
    "advisor_who": ("Qui", "Who"),
    "advisor_what": ("Quoi et pourquoi", "What and why"),
    "advisor_decision_entry": ("Décision n° {id} : {decision} (modèle : {recommendation} ; {follows}).",
                               "Decision {id}: {decision} (model: {recommendation}; {follows})."),
    "advisor_follows": ("suit le modèle", "follows the model"),
    "advisor_overrides": ("s'écarte du modèle", "departs from the model"),
    "advisor_no_recommendation": ("examen sans recommandation", "review without a recommendation"),
    "advisor_approval_entry": ("{verdict} la décision n° {id}.", "{verdict} decision {id}."),
    "advisor_approved": ("Valide", "Approves"),
    "advisor_rejected": ("Rejette", "Rejects"),
    "advisor_contest_entry": ("Contestation du client : {statement}", "The client contests: {statement}"),
    "advisor_review_requested": ("Examen humain demandé.", "Human review requested."),
    "advisor_status_final": ("définitive", "final"),
    "advisor_status_pending_second_approval": ("en attente d'une seconde validation",
                                               "waiting for a second person's approval"),
    "advisor_status_approved": ("validée par une seconde personne", "approved by a second person"),
    "advisor_status_rejected": ("rejetée par une seconde personne", "rejected by a second person"),
    "advisor_decide_title": ("Enregistrer votre décision", "Record your decision"),
    "advisor_grant": ("Accorder", "Grant"),
    "advisor_refuse": ("Refuser", "Refuse"),
    "advisor_justification": ("Justification (obligatoire si vous vous écartez du modèle ou sur un dossier à revoir)",
                              "Justification (required when you depart from the model or on a review)"),
    "advisor_record": ("Enregistrer la décision", "Record the decision"),
    "advisor_approval_title": ("Seconde validation", "Second approval"),
    "advisor_pending_text": ("La décision n° {id} de {who} accorde un crédit que le modèle refuse ; motif : "
                             "« {justification} ». Elle attend votre validation.",
                             "Decision {id} by {who} grants a credit the model refuses; reason: "
                             "“{justification}”. It waits for your approval."),
    "advisor_approval_placeholder": ("Justification (obligatoire pour rejeter)", "Justification (required to reject)"),
    "advisor_approve": ("Valider", "Approve"),
    "advisor_reject": ("Rejeter", "Reject"),
    "advisor_contest_title": ("Contestation du client", "The client contests"),
    "advisor_statement": ("Ce que dit le client", "What the client says"),
    "advisor_review_checkbox": ("Le client demande un examen humain", "The client asks for a human review"),
    "advisor_record_contest": ("Enregistrer la contestation", "Record the contest"),
    "advisor_read_only": ("Lecture seule : enregistrer une décision demande le rôle conseiller.",
                          "Read only: recording a decision needs the advisor role."),
    "advisor_choose": ("Choisissez « Accorder » ou « Refuser ».", "Choose “Grant” or “Refuse”."),
    "advisor_saved": ("Décision n° {id} enregistrée.", "Decision {id} recorded."),
    "advisor_nothing_pending": ("Aucune décision n'attend votre validation.", "No decision waits for your approval."),
    "advisor_answered": ("Réponse à la décision n° {id} enregistrée.", "Answer to decision {id} recorded."),
    "advisor_contest_saved": ("Contestation enregistrée : le prochain conseiller la verra.",
                              "Contest recorded: the next advisor will see it."),
    "nav_report": ("Courrier au client", "Letter to the client"),
    # gauge
    "decision_title": ("Décision", "Decision"),
    "probability_of_default": ("Probabilité de défaut", "Probability of default"),
    "gauge_title": ("Probabilité de défaut et seuil de décision", "Probability of default and decision threshold"),
    "gauge_aria": (
        "Jauge : probabilité de défaut {p}. Accordé sous {low}, à revoir de {low} à moins de {high}, "
        "refusé à partir de {high} (seuil de coût minimal {threshold}). Décision : {decision}.",
        "Gauge: probability of default {p}. Granted under {low}, to review from {low} to under {high}, "
        "refused from {high} (lowest-cost threshold {threshold}). Decision: {decision}.",
    ),
    "zone_granted": ("accordé", "granted"),
    "zone_review": ("à revoir", "to review"),
    "zone_refused": ("refusé", "refused"),
    "threshold": ("seuil", "threshold"),
    "threshold_marker": ("seuil de coût minimal", "lowest-cost threshold"),
    "band_label": ("à revoir : {low} à moins de {high}", "to review: {low} to under {high}"),
    "zone_review_range": ("{low} à moins de {high}", "{low} to under {high}"),
    "warnings_title": ("Valeurs à vérifier : le score y est moins sûr",
                       "Values to check: the score is less certain there"),
    "in_training_set": ("Ce client fait partie des clients d'apprentissage du modèle.",
                        "This client is one of the model's training clients."),
    "no_history": ("Aucun historique de crédit connu : le score repose sur la demande seule.",
                   "No known credit history: the score rests on the application alone."),
    # why
    "why_title": ("Pourquoi cette décision ?", "Why this decision?"),
    "reasons_title": ("Principales raisons", "Main reasons"),
    "favourable_title": ("Points favorables", "Favourable factors"),
    "no_reasons": ("Aucun facteur ne pèse nettement.", "No factor weighs clearly."),
    "waterfall_title": ("Ce qui fait monter (▶) ou baisser (◀) le risque de ce client",
                        "What raises (▶) or lowers (◀) this client's risk"),
    "waterfall_title_themes": ("Ce qui fait monter (▶) ou baisser (◀) le risque de ce client, par thème",
                               "What raises (▶) or lowers (◀) this client's risk, by theme"),
    "analyst_detail": ("Détail analyste : par variable du modèle", "Analyst detail: by model feature"),
    "waterfall_axis": ("Probabilité de défaut (échelle log.)", "Probability of default (log scale)"),
    "waterfall_start": ("Client moyen", "Average client"),
    "waterfall_end": ("Ce client", "This client"),
    "waterfall_others": ("{n} autres facteurs", "{n} other factors"),
    "waterfall_other_themes": ("{n} autres thèmes", "{n} other themes"),
    "waterfall_aria": (
        "Graphique en cascade : partant du client moyen ({base}), les facteurs amènent ce client à {p}. "
        "Le plus fort : {top}.",
        "Waterfall chart: from the average client ({base}), the factors bring this client to {p}. "
        "The strongest: {top}.",
    ),
    "importance_title": ("Ce qui compte en général pour le modèle", "What matters to the model in general"),
    "importance_axis": ("Importance moyenne", "Mean importance"),
    "importance_aria": ("Importance globale des variables ; en tête : {top}.",
                        "Global feature importance; first: {top}."),
    "importance_note": ("En gras : les variables qui sont aussi parmi les raisons de ce client.",
                        "In bold: the features that are also among this client's reasons."),
    "raises": ("augmente le risque", "raises the risk"),
    "lowers": ("diminue le risque", "lowers the risk"),
    # compare
    "compare_title": ("Comparer le client aux autres clients", "Compare the client with other clients"),
    "compare_feature": ("Variable à comparer", "Feature to compare"),
    "similar_label": ("Clients semblables", "Similar clients"),
    "similar_income": ("même type de revenu", "same income type"),
    "similar_age": ("même tranche d'âge", "same age band"),
    "repaid": ("Ont remboursé", "Repaid"),
    "defaulted": ("En défaut", "Defaulted"),
    "share_axis": ("Part des clients du groupe (%)", "Share of the group's clients (%)"),
    "default_rate_axis": ("Taux de défaut (%)", "Default rate (%)"),
    "client_marker": ("Ce client : {value}", "This client: {value}"),
    "percentile_sentence": ("{label} : {value}. {pct} des {group} ont une valeur inférieure.",
                            "{label}: {value}. {pct} of {group} have a lower value."),
    "level_sentence": ("{label} : {value}. Taux de défaut de ce groupe parmi les {group} : {rate} ({n} clients).",
                       "{label}: {value}. Default rate of this group among {group}: {rate} ({n} clients)."),
    "missing_value_sentence": ("{label} : non renseigné pour ce client.", "{label}: not provided for this client."),
    "population_note": ("Population de référence : {n} clients d'apprentissage, dont {d} en défaut.",
                        "Reference population: {n} training clients, {d} of whom defaulted."),
    "sample_note": ("Clients semblables ({filters}) : {n} clients de l'échantillon de référence, dont {d} en défaut.",
                    "Similar clients ({filters}): {n} clients of the reference sample, {d} of whom defaulted."),
    "too_few": ("Trop peu de clients semblables pour conclure.", "Too few similar clients to conclude."),
    "age_band": ("{low}–{high} ans", "aged {low}–{high}"),
    "distribution_aria": ("Histogramme de {label} : en barres bleues pleines, les clients ayant remboursé ; "
                          "en contour vermillon, les clients en défaut ; {sentence}",
                          "Histogram of {label}: clients who repaid as filled blue bars, clients who defaulted "
                          "as a vermillion outline; {sentence}"),
    # bivariate
    "bivariate_title": ("Croiser deux variables", "Two features together"),
    "x_feature": ("Axe horizontal", "Horizontal axis"),
    "y_feature": ("Axe vertical", "Vertical axis"),
    "color_by": ("Couleur", "Colour"),
    "color_outcome": ("issue réelle (remboursé / défaut)", "actual outcome (repaid / defaulted)"),
    "color_risk": ("risque prédit", "predicted risk"),
    "this_client": ("Ce client", "This client"),
    "bivariate_aria": ("Nuage de points de {n} clients de référence : {x} en abscisse, {y} en ordonnée ; "
                       "ce client est marqué d'une grande étoile blanche cerclée de noir.",
                       "Scatter plot of {n} reference clients: {x} horizontally, {y} vertically; "
                       "this client is marked with a large white star outlined in black."),
    "bivariate_note": ("{n} clients de l'échantillon de référence (probabilités hors échantillon d'apprentissage) ; "
                       "{m} sans valeur pour l'une des variables.",
                       "{n} reference-sample clients (out-of-fold probabilities); {m} without a value for "
                       "either feature."),
    "risk_axis": ("Risque prédit", "Predicted risk"),
    "client_missing_axis": ("Ce client n'a pas de valeur pour l'une des deux variables.",
                            "This client has no value for one of the two features."),
    # summary
    "summary_title": ("Fiche client", "Client summary"),
    "age": ("Âge", "Age"),
    "employment_length": ("Ancienneté dans l'emploi", "Time in current job"),
    "term": ("Durée (crédit / annuité)", "Term (credit / annuity)"),
    "term_value": ("{n} annuités", "{n} annuities"),
    # history
    "history_title": ("Historique des versions", "Version history"),
    "history_version": ("Version", "Version"),
    "history_when": ("Date", "Date"),
    "history_author": ("Auteur", "Author"),
    "history_reason": ("Motif", "Reason"),
    "history_changes": ("Modifications", "Changes"),
    "history_score": ("Probabilité", "Probability"),
    "history_decision": ("Recommandation du modèle", "Model's recommendation"),
    "history_advisor": ("Décision du conseiller", "Advisor's decision"),
    "history_reasons": ("Raisons données (hausse du risque)", "Reasons given (raising the risk)"),
    "history_initial": ("chargement initial", "initial load"),
    "history_loaded_reason": ("import du dossier d'origine", "import of the original file"),
    "history_aria": ("Évolution de la probabilité de défaut sur {n} versions.",
                     "Probability of default over {n} versions."),
    # edit
    "edit_title": ("Simuler ou modifier la demande", "Simulate or edit the application"),
    "edit_intro": ("Changez des valeurs, puis « Simuler » (rien n'est enregistré) ou « Enregistrer » "
                   "(nouvelle version, rôle conseiller, motif obligatoire).",
                   "Change values, then 'Simulate' (nothing is saved) or 'Save' (new version, advisor "
                   "role, reason required)."),
    "simulate": ("Simuler", "Simulate"),
    "save": ("Enregistrer", "Save"),
    "reset": ("Rétablir les valeurs enregistrées", "Restore the saved values"),
    "reason": ("Motif de la modification", "Reason for the change"),
    "reason_required": ("Indiquez un motif pour enregistrer.", "Give a reason to save."),
    "no_change": ("Aucune valeur modifiée.", "No value changed."),
    "simulated": ("Simulation (rien n'est enregistré)", "Simulation (nothing saved)"),
    "before": ("Avant", "Before"),
    "after": ("Après", "After"),
    "saved": ("Enregistré : version {version}.", "Saved: version {version}."),
    "viewer_cannot_save": ("Votre rôle (consultation) permet de simuler mais pas d'enregistrer.",
                           "Your role (viewer) can simulate but not save."),
    "saved_change": ("Ce que la version {version} a changé", "What version {version} changed"),
    "reset_form": ("Revenir aux valeurs enregistrées", "Back to the saved values"),
    "invalid": ("Certaines valeurs sont refusées : voir les messages sous les champs.",
                "Some values are refused: see the messages under the fields."),
    "before_after_aria": ("Avant : {before}. Après : {after}.", "Before: {before}. After: {after}."),
    "changed_contributions": ("Facteurs dont l'effet change le plus", "Factors whose effect changes most"),
    "edit_years_hint": ("en années", "in years"),
    "edit_not_scored": ("hors du score", "not in the score"),
    "edit_term": ("Durée du prêt (mois)", "Loan term (months)"),
    "payment_recomputed": ("Échéance mensuelle recalculée pour ce montant et cette durée : {payment}.",
                           "Monthly payment recomputed for this amount and term: {payment}."),
    "edit_pensioner_hint": ("sans emploi salarié (retraité)", "no salaried job (pensioner)"),
    # recourse
    "recourse_title": ("Qu'est-ce qui changerait la décision ?", "What would change the decision?"),
    "recourse_none": ("Aucun changement raisonnable de la demande ne suffit à obtenir un accord.",
                      "No reasonable change to the application is enough to get a grant."),
    "recourse_granted": ("La demande est déjà accordée.", "The application is already granted."),
    "recourse_over_time": ("Avec le temps : ", "Over time: "),
    "recourse_terms": ("Prêt demandé : {amount} sur {term} mois, échéance mensuelle de {payment}. {rate}.",
                       "Loan requested: {amount} over {term} months, monthly payment {payment}. {rate}."),
    "recourse_option": ("{change} → probabilité {p} ({decision})", "{change} → probability {p} ({decision})"),
    # report
    "report_title": ("Rapport client", "Client report"),
    "report_print": ("Imprimer", "Print"),
    "report_pdf": ("Télécharger le PDF", "Download the PDF"),
    "report_back": ("Retour à la fiche", "Back to the client"),
    "report_date": ("Date : {date}", "Date: {date}"),
    "report_model": ("Modèle : {version}", "Model: {version}"),
    "report_disclaimer": (
        "Score statistique calculé par le modèle de Prêt à dépenser ; la décision finale revient au chargé "
        "de clientèle.",
        "Statistical score computed by Prêt à dépenser's model; the final decision rests with the "
        "relationship manager.",
    ),
    "report_what_changes": ("Ce qui pourrait changer la décision", "What could change the decision"),
    # model page
    "model_title": ("Le modèle de score", "The scoring model"),
    "model_version": ("Version du modèle", "Model version"),
    "data_source": ("Source des données", "Data source"),
    "source_synthetic": ("données synthétiques (démonstration)", "synthetic data (demo)"),
    "source_kaggle": ("données réelles Home Credit", "real Home Credit data"),
    "auc": ("AUC (validation croisée)", "AUC (cross-validation)"),
    "train_clients": ("Clients d'apprentissage", "Training clients"),
    "default_rate": ("Taux de défaut", "Default rate"),
    "threshold_label": ("Seuil de coût minimal (dans la zone « à revoir »)",
                        "Lowest-cost threshold (inside the 'to review' band)"),
    "review_band": ("Zone « à revoir »", "'To review' band"),
    "brier": ("Score de Brier", "Brier score"),
    "roc_title": ("Courbe ROC", "ROC curve"),
    "roc_x": ("Taux de faux positifs (bons clients refusés)", "False positive rate (good clients refused)"),
    "roc_y": ("Taux de vrais positifs (défauts détectés)", "True positive rate (defaults caught)"),
    "roc_aria": ("Courbe ROC, AUC {auc}.", "ROC curve, AUC {auc}."),
    "calibration_title": ("Calibration : probabilité prédite et taux de défaut observé",
                          "Calibration: predicted probability and observed default rate"),
    "calibration_x": ("Probabilité prédite moyenne", "Mean predicted probability"),
    "calibration_y": ("Taux de défaut observé", "Observed default rate"),
    "calibration_aria": ("Courbe de calibration sur {n} groupes de clients.",
                         "Calibration curve over {n} groups of clients."),
    "perfect": ("calibration parfaite", "perfect calibration"),
    "cost_title": ("Coût métier selon le seuil (un défaut manqué coûte {fn} refus à tort)",
                   "Business cost against the threshold (a missed default costs {fn} wrong refusals)"),
    "cost_x": ("Seuil de probabilité", "Probability threshold"),
    "cost_y": ("Coût métier (hors échantillon)", "Business cost (out of fold)"),
    "cost_aria": ("Coût métier selon le seuil ; seuil retenu {t}.",
                  "Business cost against threshold; chosen threshold {t}."),
    "chosen_threshold": ("seuil retenu {t}", "chosen threshold {t}"),
    "confusion_title": ("Matrice de confusion au seuil {t}", "Confusion matrix at the {t} threshold"),
    "confusion_actual": ("Réalité", "Actual"),
    "confusion_predicted": ("Décision du modèle", "Model decision"),
    "actual_repaid": ("a remboursé", "repaid"),
    "actual_default": ("en défaut", "defaulted"),
    "pred_granted": ("accordé", "granted"),
    "pred_refused": ("refusé", "refused"),
    "confusion_aria": ("Matrice de confusion : {tn} bons clients accordés, {fp} bons clients refusés, "
                       "{fn} défauts accordés, {tp} défauts refusés.",
                       "Confusion matrix: {tn} good clients granted, {fp} good clients refused, "
                       "{fn} defaults granted, {tp} defaults refused."),
    "performance_source_sample": ("Courbe ROC et matrice calculées sur l'échantillon de référence ({n} clients).",
                                  "ROC curve and matrix computed on the reference sample ({n} clients)."),
    "performance_source_file": ("Courbe ROC et matrice calculées sur les prédictions hors échantillon.",
                                "ROC curve and matrix computed on the out-of-fold predictions."),
    "fairness_title": ("Équité entre groupes", "Fairness across groups"),
    "fairness_none": ("Pas de mesure d'équité dans cet artefact.", "No fairness measure in this artifact."),
    "group_gender": ("Genre", "Gender"),
    "group_age_band": ("Tranche d'âge", "Age band"),
    "group_family_status": ("Situation de famille (mesurée, non utilisée)",
                            "Marital status (measured, not used)"),
    "fair_flag": ("Attention : {groups} obtiennent moins de 80\u202f% du taux d'accord du groupe le plus accordé "
                  "(règle des quatre cinquièmes) ; à examiner avant tout usage.",
                  "Warning: {groups} get less than 80% of the most-approved group's approval rate "
                  "(four-fifths rule); to be examined before use."),
    "policy_title": ("Politique des variables", "Feature policy"),
    "policy_none": ("Modèle entraîné avant la politique des variables : réentraînez-le "
                    "(credit-scoring train).",
                    "Model trained before the feature policy: retrain it (credit-scoring train)."),
    "policy_intro": ("{n} colonnes de la demande sont exclues du modèle (gardées au dossier) :",
                     "{n} application columns are excluded from the model (kept in the file):"),
    "policy_cost": ("AUC en validation croisée sans ces exclusions : {without} ; avec : {with_} "
                    "(coût : {cost} d'AUC). Ajouter l'âge changerait l'AUC de {age}.",
                    "Cross-validated AUC without these exclusions: {without}; with them: {with_} "
                    "(cost: {cost} of AUC). Adding age would change the AUC by {age}."),
    "fair_count": ("Clients", "Clients"),
    "fair_approval": ("Taux d'accord", "Approval rate"),
    "fair_default": ("Taux de défaut", "Default rate"),
    "fair_default_approved": ("Défaut parmi les accordés", "Default among granted"),
    "fair_auc": ("AUC", "AUC"),
    "fair_ratio": ("Rapport du plus faible au plus fort taux d'accord : {ratio} "
                   "(règle des quatre cinquièmes : ≥ 0,80).",
                   "Lowest to highest approval rate: {ratio} (four-fifths rule: ≥ 0.80)."),
    "baselines": ("Modèles de référence (AUC)", "Baseline models (AUC)"),
    # errors
    "error_generic": ("Une erreur est survenue ; réessayez.", "Something went wrong; try again."),
    "login_required": ("Connexion requise.", "Login required."),
    # comparison charts (issue 20: charts an advisor can read)
    "group_reference": ("clients de référence", "the reference clients"),
    "group_similar": ("clients semblables ({filters})", "similar clients ({filters})"),
    "too_few_sentence": ("{label} : {value}. Seulement {n} {group} : trop peu pour situer ce client.",
                         "{label}: {value}. Only {n} {group}: too few to place this client."),
    "level_small_sentence": ("{label} : {value}. Groupe trop petit pour conclure : {n} clients seulement "
                             "parmi les {group} (il en faut {min}).",
                             "{label}: {value}. Group too small to conclude: only {n} clients among {group} "
                             "({min} needed)."),
    "groups_note": ("Un taux de défaut n'est montré seul que pour un groupe d'au moins {min} clients : les "
                    "groupes plus petits, et ceux au-delà des {top} plus grands, sont réunis dans "
                    "« Autres groupes » ; le groupe du client reste, hachuré s'il est trop petit.",
                    "A group's default rate is shown on its own only from {min} clients: smaller groups, and "
                    "those beyond the {top} largest, are merged into \"Other groups\"; the client's group "
                    "stays, hatched if too small."),
    "rates_aria": ("Barres horizontales : taux de défaut par {label}, {k} groupes, du plus grand au plus petit "
                   "(groupes de moins de {min} clients réunis ou hachurés) ; {sentence}",
                   "Horizontal bars: default rate by {label}, {k} groups, largest first (groups under {min} "
                   "clients merged or hatched); {sentence}"),
    "too_small": ("trop peu", "too few"),
    "overall_rate": ("taux moyen : {rate}", "average: {rate}"),
    "risk_scale_aria": ("Couleur : risque prédit, de 0 à {top} (au-delà, la couleur de {top}) ; limites de "
                        "décision {low} (à revoir) et {high} (refusé) marquées sur l'échelle.",
                        "Colour: predicted risk, from 0 to {top} (above it, the colour of {top}); decision "
                        "limits {low} (to review) and {high} (refused) marked on the scale."),
    "risk_tick_review": ("{p} à revoir", "{p} to review"),
    "risk_tick_refused": ("{p} refusé", "{p} refused"),
    "risk_tick_band": ("{low}–{high} à revoir<br>au-delà refusé", "{low}–{high} to review<br>above: refused"),
    "risk_note": ("Couleurs du risque prédit de 0 à {top} : la bande « à revoir » ({low} à {high}) est au "
                  "milieu de l'échelle ; les clients au-delà de {top} ont la couleur la plus claire.",
                  "Predicted-risk colours from 0 to {top}: the 'to review' band ({low} to {high}) sits mid-"
                  "scale; clients above {top} take the lightest colour."),
}
