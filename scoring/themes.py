"""Reason themes: the catalogue that turns ~150 model features into facts an advisor can say.

Data, not code paths (like the schema): each theme has a stable code (the reason code of an
adverse-action notice), French and English names, the features it holds (by name or prefix), the
feature whose value the sentence states, and sentence templates. Every feature the model may use
under `scoring.feature_policy` belongs to exactly one theme (a test checks it against the
pipeline's features). A theme's contribution is the sum of its features' TreeSHAP contributions,
so the themes of a client still add up to the score. The sentences are built by
`scoring.theme_reasons`.

Templates: `fact` states the key value (`{value}`) and may name any other model feature's
formatted value (`{AMT_ANNUITY}`); `more`/`less` compare the client with the reference clients
(`{pct}` of them have a higher / lower key value) and are used when the key is a number;
`missing` replaces the fact when the key value is not in the file.
"""

from __future__ import annotations

from dataclasses import dataclass

Text = tuple[str, str]  # (fr, en)


@dataclass(frozen=True)
class Theme:
    code: str
    name: Text
    source: Text  # where the facts come from, said to the client
    features: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    key: tuple[str, ...] = ()  # the feature the sentence states: the first one the model has
    fact: Text = ("", "")
    more: Text | None = None
    less: Text | None = None
    missing: Text = ("", "")
    zero: Text | None = None  # replaces the fact when the key value is 0 (nothing to report)
    # Can the client change it today (amount, term, goods price) or over time (repay, pay on
    # time)? Recourse only ever proposes levers in actionable themes.
    actionable: str = "no"  # now | over_time | no

    def text(self, which: str, lang: str) -> str:
        pair = getattr(self, which)
        return pair[0 if lang == "fr" else 1]

    def holds(self, feature: str) -> bool:
        return feature in self.features or (bool(self.prefixes) and feature.startswith(self.prefixes))


THEMES: tuple[Theme, ...] = (
    Theme(
        "EXT_SCORES", ("Scores de crédit externes", "External credit scores"),
        ("organismes de notation externes", "external credit agencies"),
        prefixes=("EXT_SOURCE_",), key=("EXT_SOURCE_MEAN", "EXT_SOURCE_2", "EXT_SOURCE_3", "EXT_SOURCE_1"),
        fact=("Vos scores de crédit fournis par des organismes externes (jusqu'à trois) : {value} en "
              "moyenne, sur une échelle de 0 à 1",
              "Your credit scores from external agencies (up to three): {value} on average, on a "
              "scale from 0 to 1"),
        more=("{pct} des clients ont un score plus élevé", "{pct} of clients have a higher score"),
        less=("{pct} des clients ont un score plus bas", "{pct} of clients have a lower score"),
        missing=("Aucun score de crédit externe n'est disponible pour vous",
                 "No external credit score is available for you"),
    ),
    Theme(
        "BUREAU_ARREARS", ("Retards de paiement chez d'autres prêteurs", "Late payments with other lenders"),
        ("bureau de crédit", "credit bureau"),
        features=("BUREAU_DAYS_OVERDUE_MAX", "BUREAU_OVERDUE_COUNT", "BUREAU_AMT_MAX_OVERDUE",
                  "BUREAU_AMT_OVERDUE_SUM", "BUREAU_BAD_DEBT_COUNT", "BUREAU_BALANCE_LATE_SHARE",
                  "BUREAU_BALANCE_WORST_STATUS", "BUREAU_PROLONG_COUNT"),
        key=("BUREAU_AMT_MAX_OVERDUE", "BUREAU_OVERDUE_COUNT"),
        fact=("Selon le bureau de crédit, votre plus gros impayé chez d'autres prêteurs s'est élevé à {value}",
              "According to the credit bureau, your largest overdue amount with other lenders was {value}"),
        more=("{pct} des clients ont eu un impayé plus élevé", "{pct} of clients had a larger overdue amount"),
        less=("{pct} des clients ont eu un impayé plus faible", "{pct} of clients had a smaller overdue amount"),
        missing=("Le bureau de crédit ne donne aucun montant d'impayé à votre nom",
                 "The credit bureau gives no overdue amount in your name"),
        zero=("Le bureau de crédit ne signale aucun impayé à votre nom chez d'autres prêteurs",
              "The credit bureau reports no overdue amount in your name with other lenders"),
        actionable="over_time",
    ),
    Theme(
        "BUREAU_DEBT", ("Dettes en cours chez d'autres prêteurs", "Current debts with other lenders"),
        ("bureau de crédit", "credit bureau"),
        features=("BUREAU_ACTIVE_COUNT", "BUREAU_AMT_CREDIT_SUM", "BUREAU_AMT_CREDIT_MEAN",
                  "BUREAU_ACTIVE_DEBT_SUM", "BUREAU_ACTIVE_CREDIT_SUM", "BUREAU_ACTIVE_ANNUITY_SUM",
                  "BUREAU_ACTIVE_DEBT_RATIO"),
        key=("BUREAU_ACTIVE_DEBT_SUM", "BUREAU_ACTIVE_COUNT"),
        fact=("Selon le bureau de crédit, vous devez encore {value} à d'autres prêteurs",
              "According to the credit bureau, you still owe {value} to other lenders"),
        more=("{pct} des clients ont une dette plus élevée", "{pct} of clients owe more"),
        less=("{pct} des clients ont une dette plus faible", "{pct} of clients owe less"),
        missing=("Le bureau de crédit n'indique aucune dette en cours à votre nom",
                 "The credit bureau shows no current debt in your name"),
        zero=("Selon le bureau de crédit, vous ne devez rien à d'autres prêteurs",
              "According to the credit bureau, you owe nothing to other lenders"),
        actionable="over_time",
    ),
    Theme(
        "BUREAU_HISTORY", ("Historique de crédit chez d'autres prêteurs", "Credit history with other lenders"),
        ("bureau de crédit", "credit bureau"),
        features=("BUREAU_CREDIT_COUNT", "BUREAU_CLOSED_COUNT", "BUREAU_RECENT_COUNT", "BUREAU_DAYS_CREDIT_LAST",
                  "BUREAU_DAYS_CREDIT_FIRST", "BUREAU_DAYS_CREDIT_MEAN", "BUREAU_DAYS_ENDDATE_MAX",
                  "BUREAU_DAYS_ENDDATE_FACT_MEAN", "BUREAU_BALANCE_MONTHS"),
        key=("BUREAU_CREDIT_COUNT",),
        # Said as "label : number", so no "crédit(s)" is read aloud.
        fact=("Crédits à votre nom chez d'autres prêteurs, connus du bureau de crédit : {value}",
              "Credits in your name with other lenders, known to the credit bureau: {value}"),
        more=("{pct} des clients en ont davantage", "{pct} of clients have more"),
        less=("{pct} des clients en ont moins", "{pct} of clients have fewer"),
        missing=("Le bureau de crédit ne connaît aucun crédit à votre nom",
                 "The credit bureau knows no credit in your name"),
        zero=("Le bureau de crédit ne connaît aucun crédit à votre nom chez d'autres prêteurs",
              "The credit bureau knows no credit in your name with other lenders"),
    ),
    Theme(
        "BUREAU_ENQUIRIES", ("Consultations de votre dossier au bureau de crédit", "Credit bureau enquiries"),
        ("bureau de crédit", "credit bureau"),
        prefixes=("AMT_REQ_CREDIT_BUREAU_",),
        key=("AMT_REQ_CREDIT_BUREAU_YEAR", "AMT_REQ_CREDIT_BUREAU_QRT"),
        fact=("Votre dossier a été consulté {value} fois au bureau de crédit dans l'année précédant la demande",
              "Times your file was consulted at the credit bureau in the year before the application: {value}"),
        more=("{pct} des clients ont été consultés plus souvent", "{pct} of clients were consulted more often"),
        less=("{pct} des clients ont été consultés moins souvent", "{pct} of clients were consulted less often"),
        missing=("Le bureau de crédit n'a pas indiqué combien de fois votre dossier a été consulté",
                 "The credit bureau did not say how often your file was consulted"),
        zero=("Votre dossier n'a pas été consulté au bureau de crédit dans l'année précédant la demande",
              "Your file was not consulted at the credit bureau in the year before the application"),
    ),
    Theme(
        "PREVIOUS_APPLICATIONS", ("Vos demandes précédentes chez nous", "Your previous applications with us"),
        ("nos dossiers", "our records"),
        prefixes=("PREV_",), key=("PREV_REFUSED_SHARE", "PREV_APPLICATION_COUNT"),
        fact=("Part de vos demandes de crédit précédentes chez nous qui ont été refusées : {value}",
              "Share of your previous credit applications with us that were refused: {value}"),
        more=("{pct} des clients ont une part plus élevée", "{pct} of clients have a higher share"),
        less=("{pct} des clients ont une part plus faible", "{pct} of clients have a lower share"),
        missing=("Vous n'avez pas fait de demande de crédit chez nous auparavant",
                 "You have not applied for credit with us before"),
        zero=("Aucune de vos demandes de crédit précédentes chez nous n'a été refusée",
              "None of your previous credit applications with us was refused"),
    ),
    Theme(
        "PAST_INSTALMENTS", ("Remboursement de vos échéances chez nous", "Repayment of your instalments with us"),
        ("nos dossiers", "our records"),
        prefixes=("INST_",), key=("INST_LATE_SHARE", "INST_PAYMENT_COUNT"),
        fact=("Part de vos échéances passées chez nous payées en retard : {value}",
              "Share of your past instalments with us paid late: {value}"),
        more=("{pct} des clients en ont payé davantage en retard", "{pct} of clients paid more of theirs late"),
        less=("{pct} des clients en ont payé moins en retard", "{pct} of clients paid fewer of theirs late"),
        missing=("Nous n'avons aucun historique de remboursement d'échéances à votre nom",
                 "We hold no instalment repayment history in your name"),
        zero=("Vous avez payé à temps toutes vos échéances passées chez nous",
              "You paid all your past instalments with us on time"),
        actionable="over_time",
    ),
    Theme(
        "POS_CASH_LOANS", ("Vos prêts achats et espèces chez nous", "Your point-of-sale and cash loans with us"),
        ("nos dossiers", "our records"),
        prefixes=("POS_",), key=("POS_LATE_MONTH_SHARE", "POS_LOAN_COUNT"),
        fact=("Part des mois en retard sur vos prêts achats et espèces chez nous : {value}",
              "Share of months past due on your point-of-sale and cash loans with us: {value}"),
        more=("{pct} des clients ont une part plus élevée", "{pct} of clients have a higher share"),
        less=("{pct} des clients ont une part plus faible", "{pct} of clients have a lower share"),
        missing=("Vous n'avez pas eu de prêt achat ou espèces chez nous",
                 "You have had no point-of-sale or cash loan with us"),
        zero=("Aucun mois de retard sur vos prêts achats et espèces chez nous",
              "No month past due on your point-of-sale and cash loans with us"),
        actionable="over_time",
    ),
    Theme(
        "CREDIT_CARDS", ("Vos cartes de crédit chez nous", "Your credit cards with us"),
        ("nos dossiers", "our records"),
        prefixes=("CC_",), key=("CC_UTILISATION_MEAN", "CC_MONTH_COUNT"),
        fact=("Utilisation moyenne du plafond de vos cartes de crédit chez nous : {value}",
              "Average use of your credit card limit with us: {value}"),
        more=("{pct} des clients utilisent davantage leur plafond", "{pct} of clients use more of their limit"),
        less=("{pct} des clients utilisent moins leur plafond", "{pct} of clients use less of their limit"),
        missing=("Vous n'avez pas de carte de crédit chez nous", "You have no credit card with us"),
        actionable="over_time",
    ),
    Theme(
        "LOAN_AMOUNT", ("Montant demandé au regard de vos revenus", "Amount requested against your income"),
        ("votre demande", "your application"),
        features=("AMT_CREDIT", "CREDIT_TO_INCOME_RATIO"), key=("CREDIT_TO_INCOME_RATIO", "AMT_CREDIT"),
        fact=("Le crédit demandé, {AMT_CREDIT}, représente {value} fois votre revenu annuel",
              "The credit requested, {AMT_CREDIT}, is {value} times your annual income"),
        more=("{pct} des clients empruntent davantage par rapport à leur revenu",
              "{pct} of clients borrow more against their income"),
        less=("{pct} des clients empruntent moins par rapport à leur revenu",
              "{pct} of clients borrow less against their income"),
        missing=("Le montant demandé ou le revenu manque au dossier",
                 "The amount requested or the income is missing from the file"),
        actionable="now",
    ),
    Theme(
        "REPAYMENT_BURDEN", ("Poids des remboursements dans vos revenus", "Repayments against your income"),
        ("votre demande", "your application"),
        features=("AMT_ANNUITY", "ANNUITY_TO_INCOME_RATIO"), key=("ANNUITY_TO_INCOME_RATIO", "AMT_ANNUITY"),
        fact=("L'échéance du crédit, {AMT_ANNUITY}, représente {value} de votre revenu annuel",
              "The loan's payment, {AMT_ANNUITY}, is {value} of your annual income"),
        more=("{pct} des clients remboursent une part plus élevée de leur revenu",
              "{pct} of clients repay a larger share of their income"),
        less=("{pct} des clients remboursent une part plus faible de leur revenu",
              "{pct} of clients repay a smaller share of their income"),
        missing=("L'échéance ou le revenu manque au dossier",
                 "The payment or the income is missing from the file"),
        actionable="now",
    ),
    Theme(
        "LOAN_TERMS", ("Conditions du prêt (durée, apport, type)", "Loan terms (length, down payment, type)"),
        ("votre demande", "your application"),
        features=("CREDIT_TO_ANNUITY_RATIO", "CREDIT_TO_GOODS_RATIO", "AMT_GOODS_PRICE", "NAME_CONTRACT_TYPE"),
        key=("CREDIT_TO_ANNUITY_RATIO", "CREDIT_TO_GOODS_RATIO"),
        fact=("Le crédit équivaut à {value} échéances de {AMT_ANNUITY} (la durée du prêt)",
              "The credit equals {value} payments of {AMT_ANNUITY} (the length of the loan)"),
        more=("{pct} des clients ont un prêt plus long", "{pct} of clients have a longer loan"),
        less=("{pct} des clients ont un prêt plus court", "{pct} of clients have a shorter loan"),
        missing=("La durée du prêt ne peut pas être calculée (échéance manquante)",
                 "The length of the loan cannot be computed (payment missing)"),
        actionable="now",
    ),
    Theme(
        "INCOME", ("Revenus", "Income"), ("votre déclaration", "your declaration"),
        features=("AMT_INCOME_TOTAL", "INCOME_PER_FAMILY_MEMBER", "NAME_INCOME_TYPE"),
        key=("AMT_INCOME_TOTAL",),
        fact=("Votre revenu annuel déclaré : {value} ({NAME_INCOME_TYPE})",
              "Your declared annual income: {value} ({NAME_INCOME_TYPE})"),
        more=("{pct} des clients ont un revenu plus élevé", "{pct} of clients have a higher income"),
        less=("{pct} des clients ont un revenu plus faible", "{pct} of clients have a lower income"),
        missing=("Votre revenu n'est pas renseigné", "Your income is not provided"),
    ),
    Theme(
        "EMPLOYMENT", ("Emploi", "Employment"), ("votre déclaration", "your declaration"),
        features=("DAYS_EMPLOYED", "EMPLOYED_TO_AGE_RATIO", "OCCUPATION_TYPE", "ORGANIZATION_TYPE"),
        key=("DAYS_EMPLOYED",),
        fact=("Ancienneté dans votre emploi actuel : {value}", "Time in your current job: {value}"),
        more=("{pct} des clients ont plus d'ancienneté", "{pct} of clients have been in their job longer"),
        less=("{pct} des clients ont moins d'ancienneté", "{pct} of clients have been in their job for less time"),
        missing=("Votre ancienneté dans l'emploi n'est pas renseignée", "Your time in your job is not provided"),
    ),
    Theme(
        "EDUCATION", ("Niveau d'études", "Education"), ("votre déclaration", "your declaration"),
        features=("NAME_EDUCATION_TYPE",), key=("NAME_EDUCATION_TYPE",),
        fact=("Niveau d'études déclaré : {value}", "Declared education: {value}"),
        missing=("Votre niveau d'études n'est pas renseigné", "Your education is not provided"),
    ),
    Theme(
        "HOUSEHOLD", ("Composition du foyer", "Household"), ("votre déclaration", "your declaration"),
        features=("CNT_FAM_MEMBERS", "CNT_CHILDREN"), key=("CNT_FAM_MEMBERS", "CNT_CHILDREN"),
        fact=("Personnes dans votre foyer : {value} ; enfants : {CNT_CHILDREN}",
              "People in your household: {value}; children: {CNT_CHILDREN}"),
        more=("{pct} des clients ont un foyer plus grand", "{pct} of clients have a larger household"),
        less=("{pct} des clients ont un foyer plus petit", "{pct} of clients have a smaller household"),
        missing=("La composition de votre foyer n'est pas renseignée", "Your household is not provided"),
    ),
    Theme(
        "HOUSING", ("Logement", "Housing"), ("votre déclaration", "your declaration"),
        features=("NAME_HOUSING_TYPE", "FLAG_OWN_REALTY", "DAYS_REGISTRATION"), key=("NAME_HOUSING_TYPE",),
        fact=("Logement : {value} ; propriétaire d'un bien immobilier : {FLAG_OWN_REALTY}",
              "Housing: {value}; owns real estate: {FLAG_OWN_REALTY}"),
        missing=("Votre logement n'est pas renseigné", "Your housing is not provided"),
    ),
    Theme(
        "CAR", ("Véhicule", "Car"), ("votre déclaration", "your declaration"),
        features=("FLAG_OWN_CAR", "OWN_CAR_AGE"), key=("FLAG_OWN_CAR",),
        fact=("Propriétaire d'une voiture : {value}", "Owns a car: {value}"),
        missing=("La possession d'une voiture n'est pas renseignée", "Car ownership is not provided"),
    ),
    Theme(
        "AGE", ("Âge", "Age"), ("votre pièce d'identité", "your identity document"),
        features=("AGE_YEARS", "DAYS_BIRTH"), key=("AGE_YEARS", "DAYS_BIRTH"),
        fact=("Votre âge : {value}", "Your age: {value}"),
        more=("{pct} des clients sont plus âgés", "{pct} of clients are older"),
        less=("{pct} des clients sont plus jeunes", "{pct} of clients are younger"),
        missing=("Votre âge n'est pas renseigné", "Your age is not provided"),
    ),
)

# Only for a model trained before the feature policy: its excluded columns must still add up.
LEGACY_THEME = Theme(
    "OTHER_FILE_DATA", ("Autres éléments du dossier", "Other information in the file"),
    ("votre dossier", "your file"),
    fact=("D'autres éléments de votre dossier, que la politique actuelle n'utilise plus",
          "Other information in your file, which the current policy no longer uses"),
    missing=("D'autres éléments de votre dossier, que la politique actuelle n'utilise plus",
             "Other information in your file, which the current policy no longer uses"),
)

THEME_BY_CODE: dict[str, Theme] = {t.code: t for t in (*THEMES, LEGACY_THEME)}


def themes_holding(feature: str) -> list[Theme]:
    """Every catalogue theme that claims the feature (exactly one for a policy feature)."""
    return [theme for theme in THEMES if theme.holds(feature)]


def theme_of(feature: str) -> Theme:
    """The feature's theme; the legacy theme for a feature the catalogue does not place (a model
    trained before the feature policy)."""
    found = themes_holding(feature)
    return found[0] if len(found) == 1 else LEGACY_THEME
