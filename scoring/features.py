"""One feature pipeline for training (all clients at once) and serving (one client).

Application features are row-wise expressions only, so a single client's row computed alone is
exactly the row the batch computes. Side-table aggregates are computed once per client in batch
and stored; serving joins the stored aggregates instead of rereading 58 M rows.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import pandas as pd
import polars as pl

from scoring.schema import CLIENT_KEY, SENTINEL_DAYS, SIDE_TABLES, TABLES, TARGET

# The schema defines the key and target; this alias keeps `from scoring.features import KEY`.
KEY = CLIENT_KEY
# Bump when a feature's definition changes: artifacts record it and refuse to load on mismatch.
# 2: side-table float sums and means added in sorted order (last-bit changes only).
FEATURE_PIPELINE_VERSION = 2

RECENT_DAYS = 365
RECENT_MONTHS = 12

# The _MODE and _MEDI building statistics duplicate the _AVG ones almost exactly; keeping
# them triples the building block's weight in the model without adding information.
_DROPPED_APPLICATION_COLUMNS = tuple(
    c.name
    for c in TABLES["application_train"].columns
    if c.name.endswith(("_MODE", "_MEDI"))
    and c.name not in {"FONDKAPREMONT_MODE", "HOUSETYPE_MODE", "TOTALAREA_MODE",
                       "WALLSMATERIAL_MODE", "EMERGENCYSTATE_MODE"}
)


def without_sentinel(column: str) -> pl.Expr:
    """The column with the 365243 'no date' sentinel as null: the one definition of that rule."""
    return pl.when(pl.col(column) == SENTINEL_DAYS).then(None).otherwise(pl.col(column)).alias(column)


def replace_sentinels(frame: pl.LazyFrame | pl.DataFrame, table: str) -> Any:
    """Every sentinel column of a table without its sentinel."""
    present = set(frame.collect_schema().names())
    columns = [c.name for c in TABLES[table].columns if c.sentinel and c.name in present]
    if not columns:
        return frame
    return frame.with_columns(without_sentinel(c) for c in columns)


def _safe_ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    return pl.when(denominator != 0).then(numerator / denominator).otherwise(None)


# A floating-point sum depends on the order of its terms, and the streaming engine's joins and
# group-bys hand rows over in a different order on every run (last-bit differences up to 2e-9,
# measured), which changed the model from one run to the next. Summing each group's values in
# sorted order makes these aggregates a function of the data alone. Integer and boolean sums,
# counts, minima and maxima do not depend on order and stay as they are.
def _ordered_sum(values: pl.Expr) -> pl.Expr:
    # cum_sum adds strictly left to right; a plain sum() after sort() lets the engine drop the
    # sort as redundant and split the sum across chunks again.
    return values.drop_nulls().sort().cum_sum().last().fill_null(0.0)


def _ordered_mean(values: pl.Expr) -> pl.Expr:
    present = values.drop_nulls()
    return present.sort().cum_sum().last() / present.len()


def application_categoricals() -> list[str]:
    """Application columns that reach the model as categories (levels come from the schema)."""
    return [
        c.name
        for c in TABLES["application_train"].columns
        if c.is_categorical and c.name not in _DROPPED_APPLICATION_COLUMNS
    ]


def category_levels(column: str) -> list[str]:
    return list(TABLES["application_train"].column(column).levels or ())


def application_features(application: pl.LazyFrame | pl.DataFrame) -> Any:
    """Row-wise features of the application table (works on a lazy or eager frame).

    One `select`, whose expressions are built once per input schema: serving computes a single
    client's row with it, where building 140 expressions or running separate polars steps would
    cost more than the arithmetic."""
    return application.select(_application_expressions(tuple(application.collect_schema().names())))


@functools.lru_cache(maxsize=8)
def _application_expressions(present: tuple[str, ...]) -> list[pl.Expr]:
    sentinels = {c.name for c in TABLES["application_train"].columns if c.sentinel}

    def clean(name: str) -> pl.Expr:
        return without_sentinel(name) if name in sentinels else pl.col(name)

    dropped = set(_DROPPED_APPLICATION_COLUMNS)
    ext = [clean("EXT_SOURCE_1"), clean("EXT_SOURCE_2"), clean("EXT_SOURCE_3")]
    # A multiplication, not a division by a literal: polars divides long columns by a literal
    # through its reciprocal, which rounds differently from the one-row path serving takes.
    years_birth = clean("DAYS_BIRTH") * (-1 / 365.25)
    return [
        *(clean(c) for c in present if c not in dropped),
        _safe_ratio(clean("AMT_CREDIT"), clean("AMT_ANNUITY")).alias("CREDIT_TO_ANNUITY_RATIO"),
        _safe_ratio(clean("AMT_CREDIT"), clean("AMT_INCOME_TOTAL")).alias("CREDIT_TO_INCOME_RATIO"),
        _safe_ratio(clean("AMT_ANNUITY"), clean("AMT_INCOME_TOTAL")).alias("ANNUITY_TO_INCOME_RATIO"),
        _safe_ratio(clean("AMT_CREDIT"), clean("AMT_GOODS_PRICE")).alias("CREDIT_TO_GOODS_RATIO"),
        _safe_ratio(clean("DAYS_EMPLOYED"), clean("DAYS_BIRTH")).alias("EMPLOYED_TO_AGE_RATIO"),
        _safe_ratio(clean("AMT_INCOME_TOTAL"), clean("CNT_FAM_MEMBERS")).alias("INCOME_PER_FAMILY_MEMBER"),
        years_birth.alias("AGE_YEARS"),
        pl.mean_horizontal(ext).alias("EXT_SOURCE_MEAN"),
        pl.min_horizontal(ext).alias("EXT_SOURCE_MIN"),
        pl.max_horizontal(ext).alias("EXT_SOURCE_MAX"),
        (ext[0] * ext[1] * ext[2]).alias("EXT_SOURCE_PRODUCT"),
        # Weights from the public Home Credit kernels: EXT_SOURCE_3 and _2 carry most signal.
        (ext[0] * 2 + ext[1] * 3 + ext[2] * 4).alias("EXT_SOURCE_WEIGHTED"),
        pl.sum_horizontal(e.is_null().cast(pl.Int8) for e in ext).alias("EXT_SOURCE_MISSING_COUNT"),
    ]


def application_feature_inputs() -> dict[str, list[str]]:
    """For each application feature, the application columns it is computed from (itself for a
    column used as it is): what a drifting feature points back to."""
    present = tuple(c.name for c in TABLES["application_train"].columns if c.name not in (KEY, TARGET))
    return {expr.meta.output_name(): sorted(set(expr.meta.root_names()))
            for expr in _application_expressions(present)}


def _bureau_aggregates(bureau: pl.LazyFrame, bureau_balance: pl.LazyFrame) -> pl.LazyFrame:
    per_bureau_credit = bureau_balance.group_by("SK_ID_BUREAU").agg(
        pl.len().alias("months"),
        pl.col("STATUS").is_in(["1", "2", "3", "4", "5"]).mean().alias("late_share"),
        pl.col("STATUS")
        .replace_strict({"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}, default=0,
                        return_dtype=pl.Int8)
        .max()
        .alias("worst_status"),
    )
    bureau = bureau.join(per_bureau_credit, on="SK_ID_BUREAU", how="left")
    active = pl.col("CREDIT_ACTIVE") == "Active"
    recent = pl.col("DAYS_CREDIT") > -RECENT_DAYS
    return bureau.group_by(KEY).agg(
        pl.len().alias("BUREAU_CREDIT_COUNT"),
        active.sum().alias("BUREAU_ACTIVE_COUNT"),
        (pl.col("CREDIT_ACTIVE") == "Closed").sum().alias("BUREAU_CLOSED_COUNT"),
        pl.col("CREDIT_ACTIVE").is_in(["Bad debt", "Sold"]).sum().alias("BUREAU_BAD_DEBT_COUNT"),
        recent.sum().alias("BUREAU_RECENT_COUNT"),
        pl.col("DAYS_CREDIT").max().alias("BUREAU_DAYS_CREDIT_LAST"),
        pl.col("DAYS_CREDIT").min().alias("BUREAU_DAYS_CREDIT_FIRST"),
        pl.col("DAYS_CREDIT").mean().alias("BUREAU_DAYS_CREDIT_MEAN"),
        pl.col("DAYS_CREDIT_ENDDATE").max().alias("BUREAU_DAYS_ENDDATE_MAX"),
        _ordered_mean(pl.col("DAYS_ENDDATE_FACT")).alias("BUREAU_DAYS_ENDDATE_FACT_MEAN"),
        pl.col("CREDIT_DAY_OVERDUE").max().alias("BUREAU_DAYS_OVERDUE_MAX"),
        (pl.col("CREDIT_DAY_OVERDUE") > 0).sum().alias("BUREAU_OVERDUE_COUNT"),
        pl.col("AMT_CREDIT_MAX_OVERDUE").max().alias("BUREAU_AMT_MAX_OVERDUE"),
        _ordered_sum(pl.col("AMT_CREDIT_SUM_OVERDUE")).alias("BUREAU_AMT_OVERDUE_SUM"),
        pl.col("CNT_CREDIT_PROLONG").sum().alias("BUREAU_PROLONG_COUNT"),
        _ordered_sum(pl.col("AMT_CREDIT_SUM")).alias("BUREAU_AMT_CREDIT_SUM"),
        _ordered_mean(pl.col("AMT_CREDIT_SUM")).alias("BUREAU_AMT_CREDIT_MEAN"),
        _ordered_sum(pl.col("AMT_CREDIT_SUM_DEBT").filter(active)).alias("BUREAU_ACTIVE_DEBT_SUM"),
        _ordered_sum(pl.col("AMT_CREDIT_SUM").filter(active)).alias("BUREAU_ACTIVE_CREDIT_SUM"),
        _ordered_sum(pl.col("AMT_ANNUITY").filter(active)).alias("BUREAU_ACTIVE_ANNUITY_SUM"),
        _ordered_mean(pl.col("late_share")).alias("BUREAU_BALANCE_LATE_SHARE"),
        pl.col("worst_status").max().alias("BUREAU_BALANCE_WORST_STATUS"),
        pl.col("months").sum().alias("BUREAU_BALANCE_MONTHS"),
    ).with_columns(
        _safe_ratio(pl.col("BUREAU_ACTIVE_DEBT_SUM"), pl.col("BUREAU_ACTIVE_CREDIT_SUM"))
        .alias("BUREAU_ACTIVE_DEBT_RATIO"),
    )


def _previous_aggregates(previous: pl.LazyFrame) -> pl.LazyFrame:
    status = pl.col("NAME_CONTRACT_STATUS")
    recent = pl.col("DAYS_DECISION") > -RECENT_DAYS
    approved = status == "Approved"
    return previous.group_by(KEY).agg(
        pl.len().alias("PREV_APPLICATION_COUNT"),
        approved.sum().alias("PREV_APPROVED_COUNT"),
        (status == "Refused").sum().alias("PREV_REFUSED_COUNT"),
        (status == "Canceled").sum().alias("PREV_CANCELED_COUNT"),
        (status == "Refused").mean().alias("PREV_REFUSED_SHARE"),
        ((status == "Refused") & recent).sum().alias("PREV_REFUSED_RECENT_COUNT"),
        recent.sum().alias("PREV_RECENT_COUNT"),
        pl.col("DAYS_DECISION").max().alias("PREV_DAYS_DECISION_LAST"),
        pl.col("DAYS_DECISION").mean().alias("PREV_DAYS_DECISION_MEAN"),
        _ordered_mean(pl.col("AMT_APPLICATION")).alias("PREV_AMT_APPLICATION_MEAN"),
        _ordered_mean(pl.col("AMT_CREDIT")).alias("PREV_AMT_CREDIT_MEAN"),
        _ordered_mean(pl.col("AMT_ANNUITY")).alias("PREV_AMT_ANNUITY_MEAN"),
        _ordered_mean(_safe_ratio(pl.col("AMT_CREDIT"), pl.col("AMT_APPLICATION")))
        .alias("PREV_CREDIT_TO_APPLICATION_MEAN"),
        _ordered_mean(pl.col("CNT_PAYMENT")).alias("PREV_CNT_PAYMENT_MEAN"),
        _ordered_mean(pl.col("AMT_DOWN_PAYMENT")).alias("PREV_AMT_DOWN_PAYMENT_MEAN"),
        _ordered_sum(pl.col("AMT_CREDIT").filter(approved)).alias("PREV_APPROVED_CREDIT_SUM"),
        pl.col("DAYS_LAST_DUE").filter(approved).max().alias("PREV_APPROVED_LAST_DUE_MAX"),
    )


def _pos_aggregates(pos: pl.LazyFrame) -> pl.LazyFrame:
    recent = pl.col("MONTHS_BALANCE") > -RECENT_MONTHS
    return pos.group_by(KEY).agg(
        pl.len().alias("POS_MONTH_COUNT"),
        pl.col("SK_ID_PREV").n_unique().alias("POS_LOAN_COUNT"),
        pl.col("SK_DPD").max().alias("POS_DPD_MAX"),
        pl.col("SK_DPD").mean().alias("POS_DPD_MEAN"),
        pl.col("SK_DPD_DEF").max().alias("POS_DPD_DEF_MAX"),
        (pl.col("SK_DPD") > 0).mean().alias("POS_LATE_MONTH_SHARE"),
        pl.col("SK_DPD").filter(recent).max().alias("POS_DPD_RECENT_MAX"),
        _ordered_mean(pl.col("CNT_INSTALMENT_FUTURE")).alias("POS_INSTALMENT_FUTURE_MEAN"),
        (pl.col("NAME_CONTRACT_STATUS") == "Active").filter(recent).sum()
        .alias("POS_ACTIVE_RECENT_MONTHS"),
    )


def _installment_aggregates(installments: pl.LazyFrame) -> pl.LazyFrame:
    delay = pl.col("DAYS_ENTRY_PAYMENT") - pl.col("DAYS_INSTALMENT")
    ratio = _safe_ratio(pl.col("AMT_PAYMENT"), pl.col("AMT_INSTALMENT"))
    recent = pl.col("DAYS_INSTALMENT") > -RECENT_DAYS
    return installments.group_by(KEY).agg(
        pl.len().alias("INST_PAYMENT_COUNT"),
        (delay > 0).mean().alias("INST_LATE_SHARE"),
        _ordered_mean(delay.clip(lower_bound=0)).alias("INST_DAYS_LATE_MEAN"),
        delay.max().alias("INST_DAYS_LATE_MAX"),
        _ordered_mean((-delay).clip(lower_bound=0)).alias("INST_DAYS_EARLY_MEAN"),
        _ordered_mean(ratio).alias("INST_PAYMENT_RATIO_MEAN"),
        ratio.min().alias("INST_PAYMENT_RATIO_MIN"),
        (pl.col("AMT_PAYMENT") < pl.col("AMT_INSTALMENT")).mean().alias("INST_UNDERPAID_SHARE"),
        _ordered_sum((pl.col("AMT_INSTALMENT") - pl.col("AMT_PAYMENT")).clip(lower_bound=0))
        .alias("INST_AMT_UNDERPAID_SUM"),
        _ordered_sum(pl.col("AMT_PAYMENT")).alias("INST_AMT_PAYMENT_SUM"),
        (delay > 0).filter(recent).mean().alias("INST_LATE_SHARE_RECENT"),
        _ordered_mean(delay.clip(lower_bound=0).filter(recent)).alias("INST_DAYS_LATE_RECENT_MEAN"),
    )


def _credit_card_aggregates(cards: pl.LazyFrame) -> pl.LazyFrame:
    utilisation = _safe_ratio(pl.col("AMT_BALANCE"), pl.col("AMT_CREDIT_LIMIT_ACTUAL"))
    recent = pl.col("MONTHS_BALANCE") > -RECENT_MONTHS
    return cards.group_by(KEY).agg(
        pl.len().alias("CC_MONTH_COUNT"),
        _ordered_mean(utilisation).alias("CC_UTILISATION_MEAN"),
        utilisation.max().alias("CC_UTILISATION_MAX"),
        _ordered_mean(utilisation.filter(recent)).alias("CC_UTILISATION_RECENT_MEAN"),
        _ordered_mean(pl.col("AMT_BALANCE")).alias("CC_AMT_BALANCE_MEAN"),
        pl.col("AMT_CREDIT_LIMIT_ACTUAL").max().alias("CC_CREDIT_LIMIT_MAX"),
        _ordered_mean(pl.col("AMT_DRAWINGS_CURRENT")).alias("CC_AMT_DRAWINGS_MEAN"),
        _ordered_mean(pl.col("CNT_DRAWINGS_ATM_CURRENT")).alias("CC_ATM_DRAWINGS_MEAN"),
        _ordered_mean(_safe_ratio(pl.col("AMT_PAYMENT_TOTAL_CURRENT"), pl.col("AMT_INST_MIN_REGULARITY")))
        .alias("CC_PAYMENT_TO_MINIMUM_MEAN"),
        pl.col("SK_DPD").max().alias("CC_DPD_MAX"),
        (pl.col("SK_DPD") > 0).mean().alias("CC_LATE_MONTH_SHARE"),
    )


def side_table_aggregates(tables: Mapping[str, pl.LazyFrame]) -> pl.LazyFrame:
    """Per-client aggregates of the six side tables, one row per SK_ID_CURR seen in any."""
    cleaned = {name: replace_sentinels(tables[name], name) for name in SIDE_TABLES}
    parts = [
        _bureau_aggregates(cleaned["bureau"], cleaned["bureau_balance"]),
        _previous_aggregates(cleaned["previous_application"]),
        _pos_aggregates(cleaned["POS_CASH_balance"]),
        _installment_aggregates(cleaned["installments_payments"]),
        _credit_card_aggregates(cleaned["credit_card_balance"]),
    ]
    keys = pl.concat([p.select(KEY) for p in parts]).unique()
    frame = keys
    for part in parts:
        frame = frame.join(part, on=KEY, how="left")
    return frame


def count_columns(columns: list[str]) -> list[str]:
    """Side-table record counts: where a client has no record, the count is 0, not unknown."""
    return [c for c in columns if c.endswith(("_COUNT", "_MONTHS")) and c != "EXT_SOURCE_MISSING_COUNT"]


def complete_features(frame: Any) -> Any:
    """Counts of absent side-table records are 0, not unknown."""
    counts = count_columns(frame.collect_schema().names())
    return frame.with_columns(pl.col(counts).fill_null(0))


def build_feature_frame(
    tables: Mapping[str, pl.LazyFrame], application_table: str = "application_train"
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Batch path: returns (features incl. key and target if present, side aggregates by key),
    both sorted by client id.

    The streaming engine returns rows in a different order on every run; folds, the
    early-stopping split and the reference sample are drawn by position, so a fixed order is
    what makes the same data and seed give the same model.
    """
    aggregates = side_table_aggregates(tables).collect(engine="streaming").sort(KEY)
    features = (
        complete_features(
            application_features(tables[application_table]).join(
                aggregates.lazy(), on=KEY, how="left"
            )
        )
        .collect(engine="streaming")
        .sort(KEY)
    )
    return features, aggregates


def aggregate_columns(aggregates: pl.DataFrame) -> list[str]:
    return [c for c in aggregates.columns if c != KEY]


def client_feature_row(
    application: Mapping[str, Any],
    aggregates: Mapping[str, Any] | None,
    aggregate_schema: Mapping[str, pl.DataType],
) -> pl.DataFrame:
    """Serving path: one client's feature row from its application fields and stored aggregates.

    `aggregate_schema` is the stored aggregate frame's schema, so a client without any side-table
    history gets the same columns (nulls, then 0 for counts) as in the batch join.
    """
    app_schema = TABLES["application_train"].polars_schema()
    row = {name: [application.get(name)] for name in app_schema if name != TARGET}
    frame = pl.DataFrame(row, schema={k: v for k, v in app_schema.items() if k != TARGET})
    features = application_features(frame)
    agg_values = {
        name: [None if aggregates is None else aggregates.get(name)]
        for name in aggregate_schema
        if name != KEY
    }
    agg_frame = pl.DataFrame(
        agg_values, schema={k: v for k, v in aggregate_schema.items() if k != KEY}
    )
    return complete_features(pl.concat([features, agg_frame], how="horizontal"))


def feature_names(features: pl.DataFrame) -> list[str]:
    """Model inputs: every feature column except the key and the target."""
    return [c for c in features.columns if c not in (KEY, TARGET)]


def model_matrix(features: pl.DataFrame, names: list[str]) -> pd.DataFrame:
    """Pandas frame XGBoost consumes; categories use the schema's full level list so that a
    client scored alone gets the same category codes as in training."""
    frame = features.select(names).to_pandas()
    for column in application_categoricals():
        if column in frame.columns:
            frame[column] = pd.Categorical(frame[column], categories=category_levels(column))
    return frame
