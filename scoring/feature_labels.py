"""French and English labels of the engineered features (raw columns are labelled in schema)."""

from __future__ import annotations

from scoring import schema

ENGINEERED_LABELS: dict[str, tuple[str, str]] = {
    "CREDIT_TO_ANNUITY_RATIO": ("Durée du crédit (montant / annuité)", "Credit term (amount / annuity)"),
    "CREDIT_TO_INCOME_RATIO": ("Crédit rapporté au revenu annuel", "Credit to annual income"),
    "ANNUITY_TO_INCOME_RATIO": ("Taux d'effort (annuité / revenu)", "Debt-service ratio (annuity / income)"),
    "CREDIT_TO_GOODS_RATIO": ("Crédit rapporté au prix du bien", "Credit to goods price"),
    "EMPLOYED_TO_AGE_RATIO": ("Part de la vie passée dans l'emploi actuel", "Share of life in current job"),
    "INCOME_PER_FAMILY_MEMBER": ("Revenu par membre du foyer", "Income per household member"),
    "AGE_YEARS": ("Âge (années)", "Age (years)"),
    "EXT_SOURCE_MEAN": ("Scores externes : moyenne", "External scores: mean"),
    "EXT_SOURCE_MIN": ("Scores externes : minimum", "External scores: minimum"),
    "EXT_SOURCE_MAX": ("Scores externes : maximum", "External scores: maximum"),
    "EXT_SOURCE_PRODUCT": ("Scores externes : produit", "External scores: product"),
    "EXT_SOURCE_WEIGHTED": ("Scores externes : somme pondérée", "External scores: weighted sum"),
    "EXT_SOURCE_MISSING_COUNT": ("Scores externes manquants", "Missing external scores"),
    # Credit bureau (other institutions)
    "BUREAU_CREDIT_COUNT": ("Crédits déclarés au bureau", "Credits reported to the bureau"),
    "BUREAU_ACTIVE_COUNT": ("Crédits en cours (bureau)", "Active credits (bureau)"),
    "BUREAU_CLOSED_COUNT": ("Crédits clôturés (bureau)", "Closed credits (bureau)"),
    "BUREAU_BAD_DEBT_COUNT": ("Créances douteuses ou cédées (bureau)", "Bad or sold debts (bureau)"),
    "BUREAU_RECENT_COUNT": ("Crédits ouverts depuis un an (bureau)", "Credits opened in the last year (bureau)"),
    "BUREAU_DAYS_CREDIT_LAST": ("Jours depuis le dernier crédit (bureau)", "Days since the last credit (bureau)"),
    "BUREAU_DAYS_CREDIT_FIRST": ("Jours depuis le premier crédit (bureau)", "Days since the first credit (bureau)"),
    "BUREAU_DAYS_CREDIT_MEAN": ("Ancienneté moyenne des crédits (bureau)", "Mean credit age (bureau)"),
    "BUREAU_DAYS_ENDDATE_MAX": ("Échéance la plus lointaine (bureau)", "Latest scheduled end (bureau)"),
    "BUREAU_DAYS_ENDDATE_FACT_MEAN": ("Date moyenne de clôture effective (bureau)",
                                      "Mean actual closing date (bureau)"),
    "BUREAU_DAYS_OVERDUE_MAX": ("Retard maximal en jours (bureau)", "Longest current delay in days (bureau)"),
    "BUREAU_OVERDUE_COUNT": ("Crédits en retard (bureau)", "Overdue credits (bureau)"),
    "BUREAU_AMT_MAX_OVERDUE": ("Montant impayé maximal (bureau)", "Largest overdue amount (bureau)"),
    "BUREAU_AMT_OVERDUE_SUM": ("Montant en retard aujourd'hui (bureau)", "Amount overdue today (bureau)"),
    "BUREAU_PROLONG_COUNT": ("Prolongations de crédit (bureau)", "Credit prolongations (bureau)"),
    "BUREAU_AMT_CREDIT_SUM": ("Montant total des crédits (bureau)", "Total credit amount (bureau)"),
    "BUREAU_AMT_CREDIT_MEAN": ("Montant moyen des crédits (bureau)", "Mean credit amount (bureau)"),
    "BUREAU_ACTIVE_DEBT_SUM": ("Encours de dette (bureau)", "Outstanding debt (bureau)"),
    "BUREAU_ACTIVE_CREDIT_SUM": ("Montant des crédits en cours (bureau)", "Active credit amount (bureau)"),
    "BUREAU_ACTIVE_ANNUITY_SUM": ("Annuités des crédits en cours (bureau)", "Active credit annuities (bureau)"),
    "BUREAU_ACTIVE_DEBT_RATIO": ("Part restant due des crédits en cours (bureau)",
                                 "Share still owed on active credits (bureau)"),
    "BUREAU_BALANCE_LATE_SHARE": ("Part des mois en retard (bureau)", "Share of months past due (bureau)"),
    "BUREAU_BALANCE_WORST_STATUS": ("Pire niveau de retard mensuel (bureau)", "Worst monthly delay level (bureau)"),
    "BUREAU_BALANCE_MONTHS": ("Mois d'historique (bureau)", "Months of history (bureau)"),
    # Previous applications with us
    "PREV_APPLICATION_COUNT": ("Demandes précédentes", "Previous applications"),
    "PREV_APPROVED_COUNT": ("Demandes précédentes acceptées", "Previous applications approved"),
    "PREV_REFUSED_COUNT": ("Demandes précédentes refusées", "Previous applications refused"),
    "PREV_CANCELED_COUNT": ("Demandes précédentes annulées", "Previous applications cancelled"),
    "PREV_REFUSED_SHARE": ("Part des demandes précédentes refusées", "Share of previous applications refused"),
    "PREV_REFUSED_RECENT_COUNT": ("Refus depuis un an", "Refusals in the last year"),
    "PREV_RECENT_COUNT": ("Demandes depuis un an", "Applications in the last year"),
    "PREV_DAYS_DECISION_LAST": ("Jours depuis la dernière demande", "Days since the last application"),
    "PREV_DAYS_DECISION_MEAN": ("Ancienneté moyenne des demandes", "Mean age of previous applications"),
    "PREV_AMT_APPLICATION_MEAN": ("Montant moyen demandé", "Mean amount applied for"),
    "PREV_AMT_CREDIT_MEAN": ("Montant moyen accordé", "Mean amount granted"),
    "PREV_AMT_ANNUITY_MEAN": ("Annuité moyenne des demandes précédentes", "Mean annuity of previous applications"),
    "PREV_CREDIT_TO_APPLICATION_MEAN": ("Accordé / demandé (moyenne)", "Granted / applied for (mean)"),
    "PREV_CNT_PAYMENT_MEAN": ("Nombre moyen d'échéances", "Mean number of instalments"),
    "PREV_AMT_DOWN_PAYMENT_MEAN": ("Apport moyen", "Mean down payment"),
    "PREV_APPROVED_CREDIT_SUM": ("Total des crédits accordés", "Total credit granted"),
    "PREV_APPROVED_LAST_DUE_MAX": ("Dernière échéance des crédits accordés", "Last due date of granted credits"),
    # POS and cash loans, monthly
    "POS_MONTH_COUNT": ("Mois d'historique (prêts POS/espèces)", "Months of history (POS/cash loans)"),
    "POS_LOAN_COUNT": ("Prêts POS/espèces", "POS/cash loans"),
    "POS_DPD_MAX": ("Retard maximal en jours (prêts POS/espèces)", "Longest delay in days (POS/cash loans)"),
    "POS_DPD_MEAN": ("Retard moyen en jours (prêts POS/espèces)", "Mean delay in days (POS/cash loans)"),
    "POS_DPD_DEF_MAX": ("Retard maximal hors tolérance (POS/espèces)", "Longest delay beyond tolerance (POS/cash)"),
    "POS_LATE_MONTH_SHARE": ("Part des mois en retard (POS/espèces)", "Share of months past due (POS/cash)"),
    "POS_DPD_RECENT_MAX": ("Retard maximal sur un an (POS/espèces)", "Longest delay in the last year (POS/cash)"),
    "POS_INSTALMENT_FUTURE_MEAN": ("Échéances restantes (moyenne, POS/espèces)",
                                   "Instalments left (mean, POS/cash)"),
    "POS_ACTIVE_RECENT_MONTHS": ("Mois actifs sur un an (POS/espèces)", "Active months in the last year (POS/cash)"),
    # Instalment payments
    "INST_PAYMENT_COUNT": ("Paiements d'échéances enregistrés", "Instalment payments recorded"),
    "INST_LATE_SHARE": ("Part des échéances payées en retard", "Share of instalments paid late"),
    "INST_DAYS_LATE_MEAN": ("Retard moyen de paiement (jours)", "Mean payment delay (days)"),
    "INST_DAYS_LATE_MAX": ("Retard maximal de paiement (jours)", "Longest payment delay (days)"),
    "INST_DAYS_EARLY_MEAN": ("Avance moyenne de paiement (jours)", "Mean days paid early"),
    "INST_PAYMENT_RATIO_MEAN": ("Payé / dû (moyenne)", "Paid / due (mean)"),
    "INST_PAYMENT_RATIO_MIN": ("Payé / dû (minimum)", "Paid / due (minimum)"),
    "INST_UNDERPAID_SHARE": ("Part des échéances payées partiellement", "Share of instalments underpaid"),
    "INST_AMT_UNDERPAID_SUM": ("Montant total impayé sur échéances", "Total amount underpaid"),
    "INST_AMT_PAYMENT_SUM": ("Montant total payé", "Total amount paid"),
    "INST_LATE_SHARE_RECENT": ("Part des échéances en retard sur un an", "Share paid late in the last year"),
    "INST_DAYS_LATE_RECENT_MEAN": ("Retard moyen sur un an (jours)", "Mean delay in the last year (days)"),
    # Credit cards
    "CC_MONTH_COUNT": ("Mois d'historique (cartes)", "Months of history (cards)"),
    "CC_UTILISATION_MEAN": ("Utilisation moyenne du plafond de carte", "Mean card limit utilisation"),
    "CC_UTILISATION_MAX": ("Utilisation maximale du plafond de carte", "Highest card limit utilisation"),
    "CC_UTILISATION_RECENT_MEAN": ("Utilisation du plafond sur un an", "Card limit utilisation, last year"),
    "CC_AMT_BALANCE_MEAN": ("Solde moyen des cartes", "Mean card balance"),
    "CC_CREDIT_LIMIT_MAX": ("Plafond de carte le plus élevé", "Highest card limit"),
    "CC_AMT_DRAWINGS_MEAN": ("Retraits et achats mensuels moyens (cartes)", "Mean monthly drawings (cards)"),
    "CC_ATM_DRAWINGS_MEAN": ("Retraits au distributeur par mois (cartes)", "ATM withdrawals per month (cards)"),
    "CC_PAYMENT_TO_MINIMUM_MEAN": ("Paiement / minimum exigé (cartes)", "Payment / required minimum (cards)"),
    "CC_DPD_MAX": ("Retard maximal en jours (cartes)", "Longest delay in days (cards)"),
    "CC_LATE_MONTH_SHARE": ("Part des mois en retard (cartes)", "Share of months past due (cards)"),
}

LANGUAGES = ("fr", "en")


def feature_label(name: str, lang: str = "fr") -> str:
    """Label of any model feature, engineered or raw, in French (default) or English."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}")
    if name in ENGINEERED_LABELS:
        return ENGINEERED_LABELS[name][LANGUAGES.index(lang)]
    return schema.label(name, lang)
