"""`GET /api/monitoring` (admin role): the monitoring report of the serving model, its models.

The report is `scoring.monitoring.MonitoringReport.to_dict`; a model built before monitoring has
no reference bins, which is a 409 `monitoring-reference-missing` problem naming the command to run.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from flask import Response
from flask_openapi3 import Tag
from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema

from api_routes.models import Decision, LangQuery, OverrideReport
from api_routes.openapi import Operations
from api_routes.problems import MONITORING_REFERENCE_MISSING, problem, request_lang
from scoring.monitoring import MonitoringOptions, as_utc_start
from scoring.monitoring_bins import MissingReferenceBins
from scoring.service import ScoringService
from scoring.settings import Settings

monitoring_tag = Tag(name="monitoring", description="Suivi du modèle : dérive de population, décisions, qualité "
                                                    "des données / model monitoring: drift, decisions, data quality")


class Period(StrEnum):
    week = "week"
    month = "month"


class Zone(StrEnum):
    """PSI reading: stable (< watch), watch, act (> act); unknown without applications."""

    stable = "stable"
    watch = "watch"
    act = "act"
    unknown = "unknown"


class MonitoringStatus(StrEnum):
    """The worst zone, or insufficient when there are too few applications to judge."""

    stable = "stable"
    watch = "watch"
    act = "act"
    insufficient = "insufficient"


class MonitoringQuery(LangQuery):
    since: date | SkipJsonSchema[None] = Field(default=None, description="from this day (UTC, included)")
    until: date | SkipJsonSchema[None] = Field(default=None, description="until this day (UTC, excluded)")
    period: Period = Field(default=Period.month, description="decision mix by week or month")


class DriftBin(BaseModel):
    label: str
    reference_share: float
    current_share: float


class Drift(BaseModel):
    name: str
    label: str
    kind: str = Field(description="numeric or categorical")
    psi: float | None = None
    zone: Zone
    importance: float
    importance_rank: int | None = Field(default=None, description="1 = the model's most important feature")
    inputs: list[str] = Field(description="application columns the feature is computed from (empty: side tables)")
    missing_share: float
    reference_missing_share: float
    out_of_population_share: float = Field(description="share outside the reference's 0.5-99.5 % range, or of "
                                                       "levels never seen in training")
    reference_out_of_population_share: float
    current_mean: float | None = None
    reference_mean: float | None = None
    bins: list[DriftBin] = Field(description="reference bins (deciles, levels) and the missing bin, last")


class PeriodMix(BaseModel):
    period: str = Field(description="first day of the week or month (ISO date)")
    clients: int
    mean_probability: float | None = None
    granted: float
    to_review: float
    refused: float


class DecisionMix(BaseModel):
    reference: dict[Decision, float]
    reference_mean_probability: float | None = None
    current: dict[Decision, float]
    current_mean_probability: float | None = None
    periods: list[PeriodMix]


class MonitoringWindow(BaseModel):
    since: str | None = None
    until: str | None = None


class MonitoringThresholds(BaseModel):
    watch: float
    act: float
    min_clients: int


class MonitoringPopulation(BaseModel):
    clients: int = Field(description="current versions in the window, training clients excluded")
    from_stored_features: int = Field(description="features read from the stored explanation")
    from_snapshots: int = Field(description="features computed from the JSON snapshot (run explain-clients)")
    rescored: int = Field(description="scored by another model: rescored with the serving one")


class MonitoringReference(BaseModel):
    source: str
    n_reference: int
    bins: int
    epsilon: float


class MonitoringReport(BaseModel):
    model_version: str
    generated_at: str
    window: MonitoringWindow
    period: Period
    thresholds: MonitoringThresholds
    status: MonitoringStatus
    alerts: list[str] = Field(description="everything in the act zone (probability_of_default or a feature)")
    watch: list[str]
    population: MonitoringPopulation
    reference: MonitoringReference
    probability: Drift
    top_features: list[str] = Field(description="the most important features, by global importance")
    most_drifting: list[str] = Field(description="the features with the largest PSI")
    features: list[Drift] = Field(description="every model feature, by global importance")
    decision_mix: DecisionMix
    overrides: OverrideReport | None = None
    seconds: float


def register_monitoring(route: Operations, service: ScoringService, settings: Settings) -> None:
    from api_routes import json_response

    @route("GET", "/monitoring", operation_id="getMonitoring", tag=monitoring_tag, ok=MonitoringReport,
           role="admin", raises=(409,))
    def monitoring(query: MonitoringQuery) -> Response:
        """Dérive de la population (PSI), décisions par période, qualité des données, dérogations /
        population drift (PSI of the probability and of every feature against the reference bins
        stored with the model), decision mix by week or month, missing and out-of-population
        shares, override rates. 409 when the model has no reference bins."""
        lang = query.lang or request_lang()
        options = MonitoringOptions(since=as_utc_start(query.since), until=as_utc_start(query.until),
                                    period=str(query.period), watch=settings.psi_watch, act=settings.psi_act)
        try:
            report = service.monitor.report(options)
        except MissingReferenceBins as error:
            return problem(409, MONITORING_REFERENCE_MISSING.title, error.message(lang),
                           kind=MONITORING_REFERENCE_MISSING)
        return json_response(report.to_dict(lang))
