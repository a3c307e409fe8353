"""One source of truth for the seven Home Credit tables (eight files).

Column names follow the real Kaggle files, in their order. Dtypes follow what pandas infers on the
full files (an integer column never holds a missing value there, which is why every ``int`` column
is non-nullable). Valid ranges are deliberately wider than the extremes of the full Kaggle data:
they exist to reject nonsense (a positive age in days, a rating of 7), not to flag rare but real
values. The 365243 "missing" sentinel is kept raw in the schema; the feature pipeline turns it into
a missing value in one place.

Labels: every application column a relationship manager can see has a French and an English label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import polars as pl

Dtype = Literal["int", "float", "str"]

SENTINEL_DAYS = 365243
"""Placeholder the source system writes for "no date" (about 1000 years in the future)."""

_POLARS_DTYPES: dict[str, pl.DataType] = {
    "int": pl.Int64(),
    "float": pl.Float64(),
    "str": pl.String(),
}


@dataclass(frozen=True)
class ColumnSpec:
    """One column: name, dtype, allowed levels or range, nullability, sentinel use."""

    name: str
    dtype: Dtype
    levels: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    nullable: bool = True
    sentinel: bool = False

    @property
    def polars_dtype(self) -> pl.DataType:
        return _POLARS_DTYPES[self.dtype]

    @property
    def is_categorical(self) -> bool:
        return self.levels is not None


@dataclass(frozen=True)
class TableSchema:
    """One table: its columns in file order, its keys and the CSV file it is read from."""

    name: str
    columns: tuple[ColumnSpec, ...]
    primary_key: tuple[str, ...] = ()
    # column -> parent table it references; how the side tables hang off an application.
    foreign_keys: dict[str, str] = field(default_factory=dict)
    # True where the primary key is unique in the real data, so the loader may enforce it.
    unique_key: bool = False

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def column(self, name: str) -> ColumnSpec:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name} has no column {name!r}")

    def polars_schema(self) -> dict[str, pl.DataType]:
        return {column.name: column.polars_dtype for column in self.columns}

    @property
    def sentinel_columns(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.sentinel)


# --- column constructors (keep the table definitions readable) ---------------------------------

_ID_MAX = 1e9  # real ids stay below 7e6; anything far above is a corrupted file


def _key(name: str) -> ColumnSpec:
    return ColumnSpec(name, "int", min=0, max=_ID_MAX, nullable=False)


def _int(name: str, lo: float, hi: float) -> ColumnSpec:
    return ColumnSpec(name, "int", min=lo, max=hi, nullable=False)


def _flag(name: str) -> ColumnSpec:
    return ColumnSpec(name, "int", min=0, max=1, nullable=False)


def _float(
    name: str, lo: float | None, hi: float | None, *, nullable: bool = True, sentinel: bool = False
) -> ColumnSpec:
    return ColumnSpec(name, "float", min=lo, max=hi, nullable=nullable, sentinel=sentinel)


def _cat(name: str, levels: tuple[str, ...], *, nullable: bool = False) -> ColumnSpec:
    return ColumnSpec(name, "str", levels=levels, nullable=nullable)


# --- categorical levels (all levels seen in the full Kaggle files) -----------------------------

WEEKDAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
YES_NO = ("N", "Y")
TYPE_SUITE = (
    "Unaccompanied",
    "Family",
    "Spouse, partner",
    "Children",
    "Other_A",
    "Other_B",
    "Group of people",
)
INCOME_TYPES = (
    "Working",
    "Commercial associate",
    "Pensioner",
    "State servant",
    "Unemployed",
    "Student",
    "Businessman",
    "Maternity leave",
)
EDUCATION_TYPES = (
    "Secondary / secondary special",
    "Higher education",
    "Incomplete higher",
    "Lower secondary",
    "Academic degree",
)
FAMILY_STATUSES = (
    "Married",
    "Single / not married",
    "Civil marriage",
    "Separated",
    "Widow",
    "Unknown",
)
HOUSING_TYPES = (
    "House / apartment",
    "With parents",
    "Municipal apartment",
    "Rented apartment",
    "Office apartment",
    "Co-op apartment",
)
OCCUPATION_TYPES = (
    "Laborers",
    "Sales staff",
    "Core staff",
    "Managers",
    "Drivers",
    "High skill tech staff",
    "Accountants",
    "Medicine staff",
    "Security staff",
    "Cooking staff",
    "Cleaning staff",
    "Private service staff",
    "Low-skill Laborers",
    "Waiters/barmen staff",
    "Secretaries",
    "Realty agents",
    "HR staff",
    "IT staff",
)
ORGANIZATION_TYPES = (
    "Business Entity Type 3",
    "XNA",
    "Self-employed",
    "Other",
    "Medicine",
    "Business Entity Type 2",
    "Government",
    "School",
    "Trade: type 7",
    "Kindergarten",
    "Construction",
    "Business Entity Type 1",
    "Transport: type 4",
    "Trade: type 3",
    "Industry: type 9",
    "Industry: type 3",
    "Security",
    "Housing",
    "Industry: type 11",
    "Military",
    "Bank",
    "Agriculture",
    "Police",
    "Transport: type 2",
    "Postal",
    "Security Ministries",
    "Trade: type 2",
    "Restaurant",
    "Services",
    "University",
    "Industry: type 7",
    "Transport: type 3",
    "Industry: type 1",
    "Hotel",
    "Electricity",
    "Industry: type 4",
    "Trade: type 6",
    "Industry: type 5",
    "Insurance",
    "Telecom",
    "Emergency",
    "Industry: type 2",
    "Advertising",
    "Realtor",
    "Culture",
    "Industry: type 12",
    "Trade: type 1",
    "Mobile",
    "Legal Services",
    "Cleaning",
    "Transport: type 1",
    "Industry: type 6",
    "Industry: type 10",
    "Religion",
    "Industry: type 13",
    "Trade: type 4",
    "Trade: type 5",
    "Industry: type 8",
)
FONDKAPREMONT = ("reg oper account", "reg oper spec account", "not specified", "org spec account")
HOUSETYPES = ("block of flats", "specific housing", "terraced house")
WALLSMATERIALS = ("Panel", "Stone, brick", "Block", "Wooden", "Mixed", "Monolithic", "Others")
EMERGENCY_STATES = ("No", "Yes")

BUREAU_CREDIT_ACTIVE = ("Closed", "Active", "Sold", "Bad debt")
BUREAU_CURRENCIES = ("currency 1", "currency 2", "currency 3", "currency 4")
BUREAU_CREDIT_TYPES = (
    "Consumer credit",
    "Credit card",
    "Car loan",
    "Mortgage",
    "Microloan",
    "Loan for business development",
    "Another type of loan",
    "Unknown type of loan",
    "Loan for working capital replenishment",
    "Cash loan (non-earmarked)",
    "Real estate loan",
    "Loan for the purchase of equipment",
    "Loan for purchase of shares (margin lending)",
    "Interbank credit",
    "Mobile operator loan",
)
BUREAU_BALANCE_STATUSES = ("C", "X", "0", "1", "2", "3", "4", "5")

PREV_CONTRACT_TYPES = ("Cash loans", "Consumer loans", "Revolving loans", "XNA")
PREV_CASH_LOAN_PURPOSES = (
    "XAP",
    "XNA",
    "Repairs",
    "Other",
    "Urgent needs",
    "Buying a used car",
    "Building a house or an annex",
    "Everyday expenses",
    "Medicine",
    "Payments on other loans",
    "Education",
    "Journey",
    "Purchase of electronic equipment",
    "Buying a new car",
    "Wedding / gift / holiday",
    "Buying a home",
    "Car repairs",
    "Furniture",
    "Buying a holiday home / land",
    "Business development",
    "Gasification / water supply",
    "Buying a garage",
    "Hobby",
    "Money for a third person",
    "Refusal to name the goal",
)
PREV_CONTRACT_STATUSES = ("Approved", "Canceled", "Refused", "Unused offer")
PREV_PAYMENT_TYPES = (
    "Cash through the bank",
    "XNA",
    "Non-cash from your account",
    "Cashless from the account of the employer",
)
PREV_REJECT_REASONS = ("XAP", "HC", "LIMIT", "SCO", "CLIENT", "SCOFR", "XNA", "VERIF", "SYSTEM")
PREV_CLIENT_TYPES = ("Repeater", "New", "Refreshed", "XNA")
PREV_GOODS_CATEGORIES = (
    "XNA",
    "Mobile",
    "Consumer Electronics",
    "Computers",
    "Audio/Video",
    "Furniture",
    "Photo / Cinema Equipment",
    "Construction Materials",
    "Clothing and Accessories",
    "Auto Accessories",
    "Jewelry",
    "Homewares",
    "Medical Supplies",
    "Vehicles",
    "Sport and Leisure",
    "Gardening",
    "Other",
    "Office Appliances",
    "Tourism",
    "Medicine",
    "Direct Sales",
    "Fitness",
    "Additional Service",
    "Education",
    "Weapon",
    "Insurance",
    "House Construction",
    "Animals",
)
PREV_PORTFOLIOS = ("POS", "Cash", "XNA", "Cards", "Cars")
PREV_PRODUCT_TYPES = ("XNA", "x-sell", "walk-in")
PREV_CHANNEL_TYPES = (
    "Credit and cash offices",
    "Country-wide",
    "Stone",
    "Regional / Local",
    "Contact center",
    "AP+ (Cash loan)",
    "Channel of corporate sales",
    "Car dealer",
)
PREV_SELLER_INDUSTRIES = (
    "XNA",
    "Consumer electronics",
    "Connectivity",
    "Furniture",
    "Construction",
    "Clothing",
    "Industry",
    "Auto technology",
    "Jewelry",
    "MLM partners",
    "Tourism",
)
PREV_YIELD_GROUPS = ("XNA", "middle", "high", "low_normal", "low_action")
PREV_PRODUCT_COMBINATIONS = (
    "Cash",
    "POS household with interest",
    "POS mobile with interest",
    "Cash X-Sell: middle",
    "Cash X-Sell: low",
    "Card Street",
    "POS industry with interest",
    "POS household without interest",
    "Card X-Sell",
    "Cash Street: high",
    "Cash X-Sell: high",
    "Cash Street: middle",
    "Cash Street: low",
    "POS mobile without interest",
    "POS other with interest",
    "POS industry without interest",
    "POS others without interest",
)
POS_CONTRACT_STATUSES = (
    "Active",
    "Completed",
    "Signed",
    "Demand",
    "Returned to the store",
    "Approved",
    "Amortized debt",
    "Canceled",
    "XNA",
)
CARD_CONTRACT_STATUSES = (
    "Active",
    "Completed",
    "Signed",
    "Demand",
    "Sent proposal",
    "Refused",
    "Approved",
)

# --- application_{train,test} ------------------------------------------------------------------

# Building descriptors: 14 normalised measures, each as average, mode and median (in that order
# of blocks in the file), then five mode-only columns.
BUILDING_MEASURES = (
    "APARTMENTS",
    "BASEMENTAREA",
    "YEARS_BEGINEXPLUATATION",
    "YEARS_BUILD",
    "COMMONAREA",
    "ELEVATORS",
    "ENTRANCES",
    "FLOORSMAX",
    "FLOORSMIN",
    "LANDAREA",
    "LIVINGAPARTMENTS",
    "LIVINGAREA",
    "NONLIVINGAPARTMENTS",
    "NONLIVINGAREA",
)
BUILDING_STATS = ("AVG", "MODE", "MEDI")
DOCUMENT_NUMBERS = tuple(range(2, 22))
_DAYS_MIN = -40_000.0  # about 110 years back: older than any applicant or credit
_AMOUNT_MAX = 1e10


def _application_columns(with_target: bool) -> tuple[ColumnSpec, ...]:
    head = [_key("SK_ID_CURR")]
    if with_target:
        head.append(_flag("TARGET"))
    return (
        *head,
        _cat("NAME_CONTRACT_TYPE", ("Cash loans", "Revolving loans")),
        _cat("CODE_GENDER", ("F", "M", "XNA")),
        _cat("FLAG_OWN_CAR", YES_NO),
        _cat("FLAG_OWN_REALTY", YES_NO),
        _int("CNT_CHILDREN", 0, 30),
        _float("AMT_INCOME_TOTAL", 0, _AMOUNT_MAX, nullable=False),
        _float("AMT_CREDIT", 0, _AMOUNT_MAX, nullable=False),
        _float("AMT_ANNUITY", 0, _AMOUNT_MAX),
        _float("AMT_GOODS_PRICE", 0, _AMOUNT_MAX),
        _cat("NAME_TYPE_SUITE", TYPE_SUITE, nullable=True),
        _cat("NAME_INCOME_TYPE", INCOME_TYPES),
        _cat("NAME_EDUCATION_TYPE", EDUCATION_TYPES),
        _cat("NAME_FAMILY_STATUS", FAMILY_STATUSES),
        _cat("NAME_HOUSING_TYPE", HOUSING_TYPES),
        _float("REGION_POPULATION_RELATIVE", 0, 1, nullable=False),
        _int("DAYS_BIRTH", _DAYS_MIN, 0),
        ColumnSpec("DAYS_EMPLOYED", "int", min=_DAYS_MIN, max=0, nullable=False, sentinel=True),
        _float("DAYS_REGISTRATION", _DAYS_MIN, 0, nullable=False),
        _int("DAYS_ID_PUBLISH", _DAYS_MIN, 0),
        _float("OWN_CAR_AGE", 0, 150),
        _flag("FLAG_MOBIL"),
        _flag("FLAG_EMP_PHONE"),
        _flag("FLAG_WORK_PHONE"),
        _flag("FLAG_CONT_MOBILE"),
        _flag("FLAG_PHONE"),
        _flag("FLAG_EMAIL"),
        _cat("OCCUPATION_TYPE", OCCUPATION_TYPES, nullable=True),
        _float("CNT_FAM_MEMBERS", 1, 50),
        # -1 occurs once in the real application_test, so it is tolerated.
        _int("REGION_RATING_CLIENT", -1, 3),
        _int("REGION_RATING_CLIENT_W_CITY", -1, 3),
        _cat("WEEKDAY_APPR_PROCESS_START", WEEKDAYS),
        _int("HOUR_APPR_PROCESS_START", 0, 23),
        _flag("REG_REGION_NOT_LIVE_REGION"),
        _flag("REG_REGION_NOT_WORK_REGION"),
        _flag("LIVE_REGION_NOT_WORK_REGION"),
        _flag("REG_CITY_NOT_LIVE_CITY"),
        _flag("REG_CITY_NOT_WORK_CITY"),
        _flag("LIVE_CITY_NOT_WORK_CITY"),
        _cat("ORGANIZATION_TYPE", ORGANIZATION_TYPES),
        _float("EXT_SOURCE_1", 0, 1),
        _float("EXT_SOURCE_2", 0, 1),
        _float("EXT_SOURCE_3", 0, 1),
        *(
            _float(f"{measure}_{stat}", 0, 1)
            for stat in BUILDING_STATS
            for measure in BUILDING_MEASURES
        ),
        _cat("FONDKAPREMONT_MODE", FONDKAPREMONT, nullable=True),
        _cat("HOUSETYPE_MODE", HOUSETYPES, nullable=True),
        _float("TOTALAREA_MODE", 0, 1),
        _cat("WALLSMATERIAL_MODE", WALLSMATERIALS, nullable=True),
        _cat("EMERGENCYSTATE_MODE", EMERGENCY_STATES, nullable=True),
        _float("OBS_30_CNT_SOCIAL_CIRCLE", 0, 10_000),
        _float("DEF_30_CNT_SOCIAL_CIRCLE", 0, 10_000),
        _float("OBS_60_CNT_SOCIAL_CIRCLE", 0, 10_000),
        _float("DEF_60_CNT_SOCIAL_CIRCLE", 0, 10_000),
        _float("DAYS_LAST_PHONE_CHANGE", _DAYS_MIN, 0),
        *(_flag(f"FLAG_DOCUMENT_{number}") for number in DOCUMENT_NUMBERS),
        *(
            _float(f"AMT_REQ_CREDIT_BUREAU_{period}", 0, 10_000)
            for period in ("HOUR", "DAY", "WEEK", "MON", "QRT", "YEAR")
        ),
    )


def _bureau_columns() -> tuple[ColumnSpec, ...]:
    return (
        _key("SK_ID_CURR"),
        _key("SK_ID_BUREAU"),
        _cat("CREDIT_ACTIVE", BUREAU_CREDIT_ACTIVE),
        _cat("CREDIT_CURRENCY", BUREAU_CURRENCIES),
        _int("DAYS_CREDIT", _DAYS_MIN, 0),
        _int("CREDIT_DAY_OVERDUE", 0, 40_000),
        # End dates can lie decades in the future (long mortgages) or far in the past.
        _float("DAYS_CREDIT_ENDDATE", _DAYS_MIN, 80_000),
        _float("DAYS_ENDDATE_FACT", _DAYS_MIN, 0),
        _float("AMT_CREDIT_MAX_OVERDUE", 0, _AMOUNT_MAX),
        _int("CNT_CREDIT_PROLONG", 0, 1_000),
        _float("AMT_CREDIT_SUM", 0, _AMOUNT_MAX),
        # Debt and limit go negative in the real file (overpayments, corrections).
        _float("AMT_CREDIT_SUM_DEBT", -_AMOUNT_MAX, _AMOUNT_MAX),
        _float("AMT_CREDIT_SUM_LIMIT", -_AMOUNT_MAX, _AMOUNT_MAX),
        _float("AMT_CREDIT_SUM_OVERDUE", 0, _AMOUNT_MAX, nullable=False),
        _cat("CREDIT_TYPE", BUREAU_CREDIT_TYPES),
        # A few updates are dated slightly after the application.
        _int("DAYS_CREDIT_UPDATE", _DAYS_MIN, 10_000),
        _float("AMT_ANNUITY", 0, _AMOUNT_MAX),
    )


def _bureau_balance_columns() -> tuple[ColumnSpec, ...]:
    return (
        _key("SK_ID_BUREAU"),
        _int("MONTHS_BALANCE", -1_200, 0),
        _cat("STATUS", BUREAU_BALANCE_STATUSES),
    )


def _previous_application_columns() -> tuple[ColumnSpec, ...]:
    def days_sentinel(name: str) -> ColumnSpec:
        return _float(name, _DAYS_MIN, 40_000, sentinel=True)

    return (
        _key("SK_ID_PREV"),
        _key("SK_ID_CURR"),
        _cat("NAME_CONTRACT_TYPE", PREV_CONTRACT_TYPES),
        _float("AMT_ANNUITY", 0, _AMOUNT_MAX),
        _float("AMT_APPLICATION", 0, _AMOUNT_MAX, nullable=False),
        _float("AMT_CREDIT", 0, _AMOUNT_MAX),
        # A handful of slightly negative down payments exist in the real file.
        _float("AMT_DOWN_PAYMENT", -_AMOUNT_MAX, _AMOUNT_MAX),
        _float("AMT_GOODS_PRICE", 0, _AMOUNT_MAX),
        _cat("WEEKDAY_APPR_PROCESS_START", WEEKDAYS),
        _int("HOUR_APPR_PROCESS_START", 0, 23),
        _cat("FLAG_LAST_APPL_PER_CONTRACT", YES_NO),
        _flag("NFLAG_LAST_APPL_IN_DAY"),
        _float("RATE_DOWN_PAYMENT", -1, 1),
        _float("RATE_INTEREST_PRIMARY", -1, 1),
        _float("RATE_INTEREST_PRIVILEGED", -1, 1),
        _cat("NAME_CASH_LOAN_PURPOSE", PREV_CASH_LOAN_PURPOSES),
        _cat("NAME_CONTRACT_STATUS", PREV_CONTRACT_STATUSES),
        _int("DAYS_DECISION", _DAYS_MIN, 0),
        _cat("NAME_PAYMENT_TYPE", PREV_PAYMENT_TYPES),
        _cat("CODE_REJECT_REASON", PREV_REJECT_REASONS),
        _cat("NAME_TYPE_SUITE", TYPE_SUITE, nullable=True),
        _cat("NAME_CLIENT_TYPE", PREV_CLIENT_TYPES),
        _cat("NAME_GOODS_CATEGORY", PREV_GOODS_CATEGORIES),
        _cat("NAME_PORTFOLIO", PREV_PORTFOLIOS),
        _cat("NAME_PRODUCT_TYPE", PREV_PRODUCT_TYPES),
        _cat("CHANNEL_TYPE", PREV_CHANNEL_TYPES),
        _int("SELLERPLACE_AREA", -1, _ID_MAX),
        _cat("NAME_SELLER_INDUSTRY", PREV_SELLER_INDUSTRIES),
        _float("CNT_PAYMENT", 0, 1_000),
        _cat("NAME_YIELD_GROUP", PREV_YIELD_GROUPS),
        _cat("PRODUCT_COMBINATION", PREV_PRODUCT_COMBINATIONS, nullable=True),
        days_sentinel("DAYS_FIRST_DRAWING"),
        days_sentinel("DAYS_FIRST_DUE"),
        days_sentinel("DAYS_LAST_DUE_1ST_VERSION"),
        days_sentinel("DAYS_LAST_DUE"),
        days_sentinel("DAYS_TERMINATION"),
        _float("NFLAG_INSURED_ON_APPROVAL", 0, 1),
    )


def _pos_cash_columns() -> tuple[ColumnSpec, ...]:
    return (
        _key("SK_ID_PREV"),
        _key("SK_ID_CURR"),
        _int("MONTHS_BALANCE", -1_200, 0),
        _float("CNT_INSTALMENT", 0, 1_000),
        _float("CNT_INSTALMENT_FUTURE", 0, 1_000),
        _cat("NAME_CONTRACT_STATUS", POS_CONTRACT_STATUSES),
        _int("SK_DPD", 0, 40_000),
        _int("SK_DPD_DEF", 0, 40_000),
    )


def _installments_columns() -> tuple[ColumnSpec, ...]:
    return (
        _key("SK_ID_PREV"),
        _key("SK_ID_CURR"),
        _float("NUM_INSTALMENT_VERSION", 0, 10_000, nullable=False),
        _int("NUM_INSTALMENT_NUMBER", 0, 10_000),
        _float("DAYS_INSTALMENT", _DAYS_MIN, 0, nullable=False),
        _float("DAYS_ENTRY_PAYMENT", _DAYS_MIN, 0),
        _float("AMT_INSTALMENT", 0, _AMOUNT_MAX, nullable=False),
        _float("AMT_PAYMENT", 0, _AMOUNT_MAX),
    )


def _credit_card_columns() -> tuple[ColumnSpec, ...]:
    # Card balances and drawings go negative on refunds and reversals, hence symmetric ranges.
    def amount(name: str, *, nullable: bool = True) -> ColumnSpec:
        return _float(name, -_AMOUNT_MAX, _AMOUNT_MAX, nullable=nullable)

    def count(name: str) -> ColumnSpec:
        return _float(name, 0, 100_000)

    return (
        _key("SK_ID_PREV"),
        _key("SK_ID_CURR"),
        _int("MONTHS_BALANCE", -1_200, 0),
        amount("AMT_BALANCE", nullable=False),
        _int("AMT_CREDIT_LIMIT_ACTUAL", 0, _AMOUNT_MAX),
        amount("AMT_DRAWINGS_ATM_CURRENT"),
        amount("AMT_DRAWINGS_CURRENT", nullable=False),
        amount("AMT_DRAWINGS_OTHER_CURRENT"),
        amount("AMT_DRAWINGS_POS_CURRENT"),
        amount("AMT_INST_MIN_REGULARITY"),
        amount("AMT_PAYMENT_CURRENT"),
        amount("AMT_PAYMENT_TOTAL_CURRENT", nullable=False),
        amount("AMT_RECEIVABLE_PRINCIPAL", nullable=False),
        amount("AMT_RECIVABLE", nullable=False),  # sic: misspelled in the real file
        amount("AMT_TOTAL_RECEIVABLE", nullable=False),
        count("CNT_DRAWINGS_ATM_CURRENT"),
        _int("CNT_DRAWINGS_CURRENT", 0, 100_000),
        count("CNT_DRAWINGS_OTHER_CURRENT"),
        count("CNT_DRAWINGS_POS_CURRENT"),
        count("CNT_INSTALMENT_MATURE_CUM"),
        _cat("NAME_CONTRACT_STATUS", CARD_CONTRACT_STATUSES),
        _int("SK_DPD", 0, 40_000),
        _int("SK_DPD_DEF", 0, 40_000),
    )


TABLES: dict[str, TableSchema] = {
    "application_train": TableSchema(
        "application_train",
        _application_columns(with_target=True),
        primary_key=("SK_ID_CURR",),
        unique_key=True,
    ),
    "application_test": TableSchema(
        "application_test",
        _application_columns(with_target=False),
        primary_key=("SK_ID_CURR",),
        unique_key=True,
    ),
    "bureau": TableSchema(
        "bureau",
        _bureau_columns(),
        primary_key=("SK_ID_BUREAU",),
        foreign_keys={"SK_ID_CURR": "application"},
    ),
    "bureau_balance": TableSchema(
        "bureau_balance",
        _bureau_balance_columns(),
        primary_key=("SK_ID_BUREAU", "MONTHS_BALANCE"),
        foreign_keys={"SK_ID_BUREAU": "bureau"},
    ),
    "previous_application": TableSchema(
        "previous_application",
        _previous_application_columns(),
        primary_key=("SK_ID_PREV",),
        foreign_keys={"SK_ID_CURR": "application"},
    ),
    "POS_CASH_balance": TableSchema(
        "POS_CASH_balance",
        _pos_cash_columns(),
        primary_key=("SK_ID_PREV", "MONTHS_BALANCE"),
        foreign_keys={"SK_ID_CURR": "application", "SK_ID_PREV": "previous_application"},
    ),
    "installments_payments": TableSchema(
        "installments_payments",
        _installments_columns(),
        # No unique key: a single instalment can be paid in several entries.
        primary_key=(),
        foreign_keys={"SK_ID_CURR": "application", "SK_ID_PREV": "previous_application"},
    ),
    "credit_card_balance": TableSchema(
        "credit_card_balance",
        _credit_card_columns(),
        primary_key=("SK_ID_PREV", "MONTHS_BALANCE"),
        foreign_keys={"SK_ID_CURR": "application", "SK_ID_PREV": "previous_application"},
    ),
}

TABLE_NAMES: tuple[str, ...] = tuple(TABLES)
"""The eight file stems, in the order the Kaggle competition lists them."""

SIDE_TABLES: tuple[str, ...] = (
    "bureau",
    "bureau_balance",
    "previous_application",
    "POS_CASH_balance",
    "installments_payments",
    "credit_card_balance",
)

SENTINEL_COLUMNS: dict[str, tuple[str, ...]] = {
    name: table.sentinel_columns for name, table in TABLES.items() if table.sentinel_columns
}

CLIENT_KEY = "SK_ID_CURR"
TARGET = "TARGET"


# --- labels ------------------------------------------------------------------------------------

Lang = Literal["fr", "en"]

# (French, English) for every application column. English labels are the description file's
# wording shortened into a label; French labels are written for a relationship manager.
_APPLICATION_LABELS: dict[str, tuple[str, str]] = {
    "SK_ID_CURR": ("Identifiant de la demande", "Application ID"),
    "TARGET": ("Difficultés de paiement (cible)", "Payment difficulties (target)"),
    "NAME_CONTRACT_TYPE": ("Type de prêt (espèces ou renouvelable)", "Loan type (cash or revolving)"),
    "CODE_GENDER": ("Sexe", "Gender"),
    "FLAG_OWN_CAR": ("Possède une voiture", "Owns a car"),
    "FLAG_OWN_REALTY": ("Possède un logement", "Owns a house or flat"),
    "CNT_CHILDREN": ("Nombre d'enfants", "Number of children"),
    "AMT_INCOME_TOTAL": ("Revenu annuel", "Annual income"),
    "AMT_CREDIT": ("Montant du crédit", "Credit amount"),
    "AMT_ANNUITY": ("Annuité du prêt", "Loan annuity"),
    "AMT_GOODS_PRICE": ("Prix du bien financé", "Price of the goods financed"),
    "NAME_TYPE_SUITE": ("Accompagnant lors de la demande", "Accompanied by at application"),
    "NAME_INCOME_TYPE": ("Type de revenu", "Income type"),
    "NAME_EDUCATION_TYPE": ("Niveau d'études", "Highest education level"),
    "NAME_FAMILY_STATUS": ("Situation familiale", "Family status"),
    "NAME_HOUSING_TYPE": ("Type de logement", "Housing situation"),
    "REGION_POPULATION_RELATIVE": (
        "Densité de population de la région (normalisée)",
        "Population of home region (normalized)",
    ),
    "DAYS_BIRTH": ("Âge (jours avant la demande)", "Age (days before application)"),
    "DAYS_EMPLOYED": (
        "Ancienneté dans l'emploi (jours avant la demande)",
        "Time in current job (days before application)",
    ),
    "DAYS_REGISTRATION": (
        "Dernier changement d'adresse déclarée (jours avant la demande)",
        "Last change of registration (days before application)",
    ),
    "DAYS_ID_PUBLISH": (
        "Dernier changement de pièce d'identité (jours avant la demande)",
        "Last change of identity document (days before application)",
    ),
    "OWN_CAR_AGE": ("Âge de la voiture (ans)", "Age of the client's car (years)"),
    "FLAG_MOBIL": ("Téléphone portable fourni", "Mobile phone provided"),
    "FLAG_EMP_PHONE": ("Téléphone professionnel fourni", "Work phone provided"),
    # The source describes FLAG_WORK_PHONE and FLAG_PHONE alike ("did client provide home phone"):
    # the form's landline is FLAG_PHONE, the other one is said as such, never as "(bis)".
    "FLAG_WORK_PHONE": ("Autre téléphone fixe fourni", "Other landline provided"),
    "FLAG_CONT_MOBILE": ("Portable joignable", "Mobile phone reachable"),
    "FLAG_PHONE": ("Téléphone fixe fourni", "Landline provided"),
    "FLAG_EMAIL": ("Adresse e-mail fournie", "Email provided"),
    "OCCUPATION_TYPE": ("Profession", "Occupation"),
    "CNT_FAM_MEMBERS": ("Nombre de personnes au foyer", "Number of family members"),
    "REGION_RATING_CLIENT": ("Note de la région (1 à 3)", "Rating of the home region (1-3)"),
    "REGION_RATING_CLIENT_W_CITY": (
        "Note de la région et de la ville (1 à 3)",
        "Rating of the home region and city (1-3)",
    ),
    "WEEKDAY_APPR_PROCESS_START": ("Jour de la demande", "Weekday of application"),
    "HOUR_APPR_PROCESS_START": ("Heure de la demande", "Hour of application"),
    "REG_REGION_NOT_LIVE_REGION": (
        "Adresse officielle et adresse de contact dans des régions différentes",
        "Permanent and contact address in different regions",
    ),
    "REG_REGION_NOT_WORK_REGION": (
        "Adresse officielle et lieu de travail dans des régions différentes",
        "Permanent and work address in different regions",
    ),
    "LIVE_REGION_NOT_WORK_REGION": (
        "Adresse de contact et lieu de travail dans des régions différentes",
        "Contact and work address in different regions",
    ),
    "REG_CITY_NOT_LIVE_CITY": (
        "Adresse officielle et adresse de contact dans des villes différentes",
        "Permanent and contact address in different cities",
    ),
    "REG_CITY_NOT_WORK_CITY": (
        "Adresse officielle et lieu de travail dans des villes différentes",
        "Permanent and work address in different cities",
    ),
    "LIVE_CITY_NOT_WORK_CITY": (
        "Adresse de contact et lieu de travail dans des villes différentes",
        "Contact and work address in different cities",
    ),
    "ORGANIZATION_TYPE": ("Type d'employeur", "Type of employer organization"),
    "EXT_SOURCE_1": ("Score externe 1", "External score 1"),
    "EXT_SOURCE_2": ("Score externe 2", "External score 2"),
    "EXT_SOURCE_3": ("Score externe 3", "External score 3"),
    "FONDKAPREMONT_MODE": (
        "Fonds de rénovation de l'immeuble (mode)",
        "Building repair fund (mode)",
    ),
    "HOUSETYPE_MODE": ("Type d'immeuble (mode)", "Building type (mode)"),
    "TOTALAREA_MODE": ("Surface totale de l'immeuble (mode)", "Building total area (mode)"),
    "WALLSMATERIAL_MODE": ("Matériau des murs (mode)", "Wall material (mode)"),
    "EMERGENCYSTATE_MODE": ("Immeuble en état d'urgence (mode)", "Building in emergency state (mode)"),
    "OBS_30_CNT_SOCIAL_CIRCLE": (
        "Entourage observé à 30 jours de retard",
        "Social circle observed at 30 days past due",
    ),
    "DEF_30_CNT_SOCIAL_CIRCLE": (
        "Entourage en défaut à 30 jours de retard",
        "Social circle defaulted at 30 days past due",
    ),
    "OBS_60_CNT_SOCIAL_CIRCLE": (
        "Entourage observé à 60 jours de retard",
        "Social circle observed at 60 days past due",
    ),
    "DEF_60_CNT_SOCIAL_CIRCLE": (
        "Entourage en défaut à 60 jours de retard",
        "Social circle defaulted at 60 days past due",
    ),
    "DAYS_LAST_PHONE_CHANGE": (
        "Dernier changement de téléphone (jours avant la demande)",
        "Last phone change (days before application)",
    ),
    "AMT_REQ_CREDIT_BUREAU_HOUR": (
        "Consultations du bureau de crédit, dernière heure",
        "Credit bureau enquiries, last hour",
    ),
    "AMT_REQ_CREDIT_BUREAU_DAY": (
        "Consultations du bureau de crédit, dernier jour (hors dernière heure)",
        "Credit bureau enquiries, last day (excluding last hour)",
    ),
    "AMT_REQ_CREDIT_BUREAU_WEEK": (
        "Consultations du bureau de crédit, dernière semaine (hors dernier jour)",
        "Credit bureau enquiries, last week (excluding last day)",
    ),
    "AMT_REQ_CREDIT_BUREAU_MON": (
        "Consultations du bureau de crédit, dernier mois (hors dernière semaine)",
        "Credit bureau enquiries, last month (excluding last week)",
    ),
    "AMT_REQ_CREDIT_BUREAU_QRT": (
        "Consultations du bureau de crédit, dernier trimestre (hors dernier mois)",
        "Credit bureau enquiries, last 3 months (excluding last month)",
    ),
    "AMT_REQ_CREDIT_BUREAU_YEAR": (
        "Consultations du bureau de crédit, dernière année (hors dernier trimestre)",
        "Credit bureau enquiries, last year (excluding last 3 months)",
    ),
}

_BUILDING_MEASURE_LABELS: dict[str, tuple[str, str]] = {
    "APARTMENTS": ("taille des appartements", "apartment size"),
    "BASEMENTAREA": ("surface du sous-sol", "basement area"),
    "YEARS_BEGINEXPLUATATION": ("ancienneté de mise en service", "years since first use"),
    "YEARS_BUILD": ("âge du bâtiment", "building age"),
    "COMMONAREA": ("surface des parties communes", "common area"),
    "ELEVATORS": ("nombre d'ascenseurs", "number of elevators"),
    "ENTRANCES": ("nombre d'entrées", "number of entrances"),
    "FLOORSMAX": ("nombre d'étages maximal", "maximum number of floors"),
    "FLOORSMIN": ("nombre d'étages minimal", "minimum number of floors"),
    "LANDAREA": ("surface du terrain", "land area"),
    "LIVINGAPARTMENTS": ("appartements habitables", "living apartments"),
    "LIVINGAREA": ("surface habitable", "living area"),
    "NONLIVINGAPARTMENTS": ("locaux non habitables", "non-living apartments"),
    "NONLIVINGAREA": ("surface non habitable", "non-living area"),
}
_BUILDING_STAT_LABELS: dict[str, tuple[str, str]] = {
    "AVG": ("moyenne normalisée", "normalized average"),
    "MODE": ("mode normalisé", "normalized mode"),
    "MEDI": ("médiane normalisée", "normalized median"),
}
for _measure, (_fr_measure, _en_measure) in _BUILDING_MEASURE_LABELS.items():
    for _stat, (_fr_stat, _en_stat) in _BUILDING_STAT_LABELS.items():
        _APPLICATION_LABELS[f"{_measure}_{_stat}"] = (
            f"Immeuble : {_fr_measure} ({_fr_stat})",
            f"Building: {_en_measure} ({_en_stat})",
        )
for _number in DOCUMENT_NUMBERS:
    _APPLICATION_LABELS[f"FLAG_DOCUMENT_{_number}"] = (
        f"Document n° {_number} fourni",
        f"Document {_number} provided",
    )

# Side-table columns that feature names are built from (aggregates such as the mean payment delay).
_SIDE_TABLE_LABELS: dict[str, tuple[str, str]] = {
    "SK_ID_BUREAU": ("Identifiant du crédit au bureau", "Credit bureau credit ID"),
    "SK_ID_PREV": ("Identifiant du crédit précédent", "Previous credit ID"),
    "CREDIT_ACTIVE": ("Statut du crédit au bureau", "Credit bureau credit status"),
    "CREDIT_CURRENCY": ("Devise du crédit au bureau", "Credit bureau credit currency"),
    "DAYS_CREDIT": ("Ouverture du crédit au bureau (jours)", "Credit bureau credit opened (days)"),
    "CREDIT_DAY_OVERDUE": ("Jours de retard au bureau", "Days overdue on bureau credit"),
    "DAYS_CREDIT_ENDDATE": ("Échéance prévue (jours)", "Planned end date (days)"),
    "DAYS_ENDDATE_FACT": ("Date de clôture effective (jours)", "Actual end date (days)"),
    "AMT_CREDIT_MAX_OVERDUE": ("Impayé maximal au bureau", "Maximum amount overdue at bureau"),
    "CNT_CREDIT_PROLONG": ("Nombre de prolongations", "Number of prolongations"),
    "AMT_CREDIT_SUM": ("Montant du crédit au bureau", "Credit bureau credit amount"),
    "AMT_CREDIT_SUM_DEBT": ("Encours de dette au bureau", "Current debt at bureau"),
    "AMT_CREDIT_SUM_LIMIT": ("Plafond de carte au bureau", "Credit card limit at bureau"),
    "AMT_CREDIT_SUM_OVERDUE": ("Montant impayé au bureau", "Amount overdue at bureau"),
    "CREDIT_TYPE": ("Type de crédit au bureau", "Credit bureau credit type"),
    "DAYS_CREDIT_UPDATE": ("Dernière mise à jour au bureau (jours)", "Last bureau update (days)"),
    "MONTHS_BALANCE": ("Mois du relevé", "Month of balance"),
    "STATUS": ("Statut mensuel au bureau", "Monthly bureau status"),
    "AMT_APPLICATION": ("Montant demandé", "Amount applied for"),
    "AMT_DOWN_PAYMENT": ("Apport", "Down payment"),
    "RATE_DOWN_PAYMENT": ("Taux d'apport", "Down payment rate"),
    "NAME_CONTRACT_STATUS": ("Statut du contrat", "Contract status"),
    "DAYS_DECISION": ("Date de décision (jours)", "Decision date (days)"),
    "CODE_REJECT_REASON": ("Motif de refus", "Rejection reason"),
    "CNT_PAYMENT": ("Durée du crédit (échéances)", "Credit term (instalments)"),
    "CNT_INSTALMENT": ("Durée du crédit (échéances)", "Credit term (instalments)"),
    "CNT_INSTALMENT_FUTURE": ("Échéances restantes", "Instalments left"),
    "SK_DPD": ("Jours de retard", "Days past due"),
    "SK_DPD_DEF": ("Jours de retard (avec tolérance)", "Days past due (with tolerance)"),
    "NUM_INSTALMENT_NUMBER": ("Numéro d'échéance", "Instalment number"),
    "DAYS_INSTALMENT": ("Date d'échéance prévue (jours)", "Instalment due date (days)"),
    "DAYS_ENTRY_PAYMENT": ("Date de paiement effective (jours)", "Actual payment date (days)"),
    "AMT_INSTALMENT": ("Montant de l'échéance", "Instalment amount"),
    "AMT_PAYMENT": ("Montant payé", "Amount paid"),
    "AMT_BALANCE": ("Solde de la carte", "Card balance"),
    "AMT_CREDIT_LIMIT_ACTUAL": ("Plafond de la carte", "Card limit"),
    "AMT_DRAWINGS_CURRENT": ("Retraits du mois", "Drawings in the month"),
}

LABELLED_APPLICATION_COLUMNS: tuple[str, ...] = tuple(_APPLICATION_LABELS)


def label(column: str, lang: str = "fr") -> str:
    """Human-readable label of a column in French (default) or English.

    Application columns come first (a side-table column with the same name, such as AMT_ANNUITY,
    gets the application label). Unknown columns fall back to their own name, so a new feature
    never breaks a screen.
    """
    if lang not in ("fr", "en"):
        raise ValueError(f"lang must be 'fr' or 'en', got {lang!r}")
    labels = _APPLICATION_LABELS.get(column) or _SIDE_TABLE_LABELS.get(column)
    if labels is None:
        return column
    return labels[0] if lang == "fr" else labels[1]
