"""Typed request and response models of the /api routes; flask-openapi3 turns them into the
OpenAPI 3 document. Application fields stay a free mapping here: `scoring.validation` checks them
(one contract for the API and the dashboard), and `GET /api/model` lists them with their labels."""

from __future__ import annotations

import functools
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema


# Enums, not Literals: each becomes one named schema, so a generated client has one `Decision`
# and one `Lang` type instead of one per field (ScoreDecision, ClientRecordDecisionType0, ...).
class Decision(StrEnum):
    """The model's recommendation."""

    granted = "granted"
    to_review = "to_review"
    refused = "refused"


class Lang(StrEnum):
    """Language of labels, sentences and problem details."""

    fr = "fr"
    en = "en"


class CachedSchema(BaseModel):
    """flask-openapi3 asks a parameter model for its JSON schema on every request; building it
    took about 2 ms a request, so each model builds it once."""

    @classmethod
    @functools.cache
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return super().model_json_schema(*args, **kwargs)


class Strict(CachedSchema):
    model_config = ConfigDict(extra="forbid")


# --- parameters -------------------------------------------------------------------------------
class ClientPath(Strict):
    client_id: int = Field(ge=0, le=10**15, description="Client id (SK_ID_CURR)")


class LangQuery(Strict):
    # The routes read plain "fr" / "en".
    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    lang: Lang | SkipJsonSchema[None] = Field(default=None, description="fr (default) or en; else Accept-Language")


class IfMatchHeader(CachedSchema):
    if_match: str = Field(alias="If-Match", description='ETag of the version being edited, e.g. "v3" '
                                                        "(428 without it, 412 when stale)")


class ScoreQuery(LangQuery):
    explain: bool = Field(default=True, description="false: probability and decision only (fastest)")


class SearchQuery(LangQuery):
    q: str = Field(default="", max_length=100,
                   description="id prefix, or words of the income type, occupation or contract type, in French or "
                               "English, accents and case ignored (e.g. retraité, ouvrier, Pensioner)")
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=10**9)


# --- bodies -----------------------------------------------------------------------------------
class ScoreRequest(Strict):
    """Either `client_id` (+ optional `changes`, a what-if on a stored client), or a full
    `application` with `new_client: true`. Nothing is saved."""

    client_id: int | None = Field(default=None, ge=0, le=10**15)
    changes: dict[str, Any] | None = Field(default=None, description="editable fields to change")
    application: dict[str, Any] | None = Field(default=None, description="every application field")
    new_client: bool = False
    explain: bool = True


class BatchRequest(Strict):
    items: list[ScoreRequest] = Field(min_length=1, description="at most PAD_BATCH_LIMIT (1,000) items")
    explain: bool = True


class PatchRequest(Strict):
    changes: dict[str, Any] = Field(description="editable fields and their new values")
    reason: str = Field(description="why the change is made; kept in the history", max_length=500)


# --- responses --------------------------------------------------------------------------------
class LocalizedText(BaseModel):
    fr: str
    en: str


class AcceptedValues(BaseModel):
    """What a field accepts, from the scoring schema (present on unknown level and range errors)."""

    type: Literal["integer", "number", "string"]
    nullable: bool
    levels: list[str] | SkipJsonSchema[None] = None
    min: float | SkipJsonSchema[None] = None
    max: float | SkipJsonSchema[None] = None
    sentinel: int | SkipJsonSchema[None] = Field(default=None, description="a value that means missing (365243 days)")


class FieldError(BaseModel):
    """One rejected field or parameter."""

    field: str = Field(description="the field, or the parameter's location (query.limit, body.items.0.client_id)")
    value: str | int | float | bool | None = Field(description="the value given (long or nested values: their repr)")
    code: str = Field(description="unknown_field, not_editable, missing, type, level, range, rule; for a "
                                  "parameter or the body's shape, pydantic's error type (int_parsing, ...)")
    message: str = Field(description="in the request's language")
    messages: LocalizedText
    accepted: AcceptedValues | SkipJsonSchema[None] = None


class Problem(BaseModel):
    """RFC 9457 problem details. Branch on `type`, a URI from the list in docs/api-changelog.md
    (unknown-client, invalid-application, invalid-request, stale-version, precondition-required,
    precondition-failed, forbidden, unauthenticated, too-large, unsupported-media-type, bad-request,
    rate-limited, not-found, method-not-allowed, unavailable, internal-error, each under
    https://pret-a-depenser.example/problems/); new types may be added in a minor version."""

    type: str = Field(description="problem type URI; about:blank for an HTTP error with no type of its own")
    title: str = Field(description="short English summary, the same for every problem of this type")
    status: int
    detail: str = Field(description="what happened, in the request's language (fr by default, or en)")
    errors: list[FieldError] | SkipJsonSchema[None] = Field(default=None, description="422 only: one entry a field")


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    model_version: str
    store: str


class Contribution(BaseModel):
    feature: str
    label: str
    value: Any = None
    display_value: str
    contribution: float


class Reason(Contribution):
    """One principal reason: a reason theme (scoring/themes.py) with its stable code, the value it
    states (`feature`, `value`, `display_value`), its sentence, and the features inside it."""

    code: str
    theme: str
    share: float
    sentence: str
    features: list[Contribution]


class Reasons(BaseModel):
    raises_risk: list[Reason]
    lowers_risk: list[Reason]


class ThemeContribution(BaseModel):
    """A reason theme's contribution (log-odds): the exact sum of its features' contributions."""

    code: str
    theme: str
    contribution: float
    share: float
    display_value: str


class OutOfPopulationWarning(BaseModel):
    """A value the score is less sure of: outside the training population, or implausible."""

    field: str
    label: str
    value: float
    low: float
    high: float
    message: str
    code: Literal["out_of_population", "annuity_above_income"] | None = Field(
        None, description="out_of_population: outside the central 99 % of training clients; "
                          "annuity_above_income: the payment exceeds the annual income (scored, but check it).")


class DecisionBoundary(BaseModel):
    """The nearest limit whose crossing would change the decision (the review band's limits
    decide; the threshold inside the band is the cost minimum, a marker)."""

    value: float = Field(description="The limit, a probability on the tenth-of-a-point grid.")
    decision_beyond: Decision = Field(description="The decision on the other side of the limit.")
    distance: float = Field(description="Between the probability as shown (truncated to a tenth of a point) "
                                        "and the limit, in probability units; 0 on the limit.")


class Score(BaseModel):
    client_id: int | None
    model_version: str
    probability_of_default: float
    decision: Decision
    decision_label: str
    threshold: float
    review_band: list[float]
    distance_to_threshold: str = Field(description="The distance to the limit whose crossing would change the "
                                                   "decision, in words (the name is kept from 1.x).")
    decision_boundary: DecisionBoundary | None = None
    has_history: bool
    in_training_set: bool
    out_of_fold_probability: float | None = None
    warnings: list[OutOfPopulationWarning]
    base_value: float | None = None
    contributions: list[Contribution] | None = None
    other_contribution: float | None = None
    themes: list[ThemeContribution] | None = None
    reasons: Reasons | None = None
    principal_reasons: list[Reason] | None = None
    fields: dict[str, Any] | None = None


class BatchItem(BaseModel):
    index: int
    # Exactly one of the two.
    score: Score | SkipJsonSchema[None] = None
    error: Problem | SkipJsonSchema[None] = None


class BatchResponse(BaseModel):
    count: int
    errors: int
    results: list[BatchItem]


class FieldInfo(BaseModel):
    name: str
    label: str
    value: Any = None
    editable: bool


class ClientRecord(BaseModel):
    client_id: int
    version: int
    in_training_set: bool
    updated_at: str
    author: str
    probability_of_default: float | None
    decision: Decision | None
    model_version: str | None
    fields: list[FieldInfo]


class Change(BaseModel):
    old: Any = None
    new: Any = None


class VersionEntry(BaseModel):
    version: int
    created_at: str
    author: str
    reason: str
    changed_fields: dict[str, Change]
    probability_of_default: float | None
    decision: Decision | None
    model_version: str | None
    # The principal reasons given for this version's decision, when the serving model made it and
    # its explanation is stored; null otherwise.
    reasons: Reasons | None = None


class History(BaseModel):
    client_id: int
    versions: list[VersionEntry]


class PatchResponse(BaseModel):
    client_id: int
    version: int
    changed_fields: dict[str, Change]
    score: Score


class SearchHit(BaseModel):
    client_id: int
    version: int
    in_training_set: bool
    probability_of_default: float | None
    decision: Decision | None
    summary: dict[str, Any]
    updated_at: str
    matched_fields: list[str] = Field(
        description="what the query matched: SK_ID_CURR for an id prefix, else the summary fields (NAME_INCOME_TYPE, "
                    "OCCUPATION_TYPE, NAME_CONTRACT_TYPE) whose value a word named; empty for an empty query")


class SearchResponse(BaseModel):
    total: int
    limit: int
    offset: int
    results: list[SearchHit]


class RecourseOption(BaseModel):
    """One way to a better decision: `now` (the offer: amount, term, down payment or goods price;
    `changes` applied through `scoreWhatIf` give exactly this probability) or `over_time` (a change
    of the client's history, rescored through the side-table aggregates in `history_changes`)."""

    kind: Literal["now", "over_time"]
    levers: list[str]
    changes: dict[str, float]
    history_changes: dict[str, Any]
    term_months: float | None = None
    description: str
    probability_of_default: float
    decision: Decision
    decision_label: str


class LoanTerms(BaseModel):
    amount: float
    monthly_payment: float
    goods_price: float | None = None
    term_months: float
    annual_rate: float
    rate_note: str


class RecourseBounds(BaseModel):
    annual_rate: float
    min_amount_share: float
    max_term_months: int
    min_term_months: int


class RecourseResponse(BaseModel):
    client_id: int
    decision: Decision
    probability_of_default: float
    message: str
    terms: LoanTerms | None = None
    bounds: RecourseBounds | None = None
    options: list[RecourseOption]


class ModelFeature(BaseModel):
    name: str
    label: dict[str, str]
    importance: float


class ImportanceEntry(BaseModel):
    feature: str
    label: str
    importance: float


class ModelResponse(BaseModel):
    model_version: str
    data_source: str | None
    threshold: float
    review_band: list[float]
    decision_rule: str | None
    cv_auc: dict[str, Any] | None
    model_card: dict[str, Any]
    features: list[ModelFeature]
    global_importance: list[ImportanceEntry]
    editable_fields: list[dict[str, Any]]


# --- the advisor's decision -----------------------------------------------------------------------
class DecisionRequest(Strict):
    decision: Literal["granted", "refused"] = Field(description="the advisor's final decision")
    justification: str = Field(default="", max_length=2000,
                               description="why (mandatory when departing from the model or on a review)")


class ApprovalRequest(Strict):
    decision_id: int = Field(ge=1, description="the decision waiting for a second person")
    approve: bool
    justification: str = Field(default="", max_length=2000, description="mandatory to reject")


class ContestRequest(Strict):
    statement: str = Field(min_length=1, max_length=2000, description="the client's statement, as recorded")
    request_review: bool = Field(description="the client asks for a human review")


class DecisionQuery(Strict):
    days: int | None = Field(default=None, ge=1, le=3650, description="the last N days (default: all)")


class DecisionEntry(BaseModel):
    id: int
    client_id: int
    version: int
    kind: Literal["decision", "approval", "contest"]
    author: str
    created_at: str
    recommendation: Decision | None = None
    probability_of_default: float | None = None
    model_version: str | None = None
    outcome: str | None = None
    follows_model: bool | None = None
    status: str | None = None
    refers_to: int | None = None
    justification: str
    client_statement: str | None = None
    review_requested: bool


class DecisionState(BaseModel):
    client_id: int
    current_version: int
    recommendation: Decision
    recommendation_label: str
    probability_of_default: float
    current_decision: DecisionEntry | None = None
    open_contest: DecisionEntry | None = None
    entries: list[DecisionEntry]


class OverrideDirection(BaseModel):
    count: int
    rate: float | None = None


class AdvisorOverrides(BaseModel):
    advisor: str
    decisions: int
    overrides: int
    override_rate: float | None = None


class OverrideReport(BaseModel):
    since: str | None = None
    until: str | None = None
    decisions: int
    with_recommendation: int
    to_review_decided: int
    overrides: int
    override_rate: float | None = None
    by_direction: dict[str, OverrideDirection]
    by_advisor: list[AdvisorOverrides]
