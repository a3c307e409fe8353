"""The JSON API under /api: a flask-openapi3 blueprint over the one ScoringService.

Routes parse and answer; the service validates, scores, saves and raises typed errors, which
`problems` turns into problem+json. `register_api` builds a fresh blueprint for each app, so tests
can create as many apps as they need.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from flask import Response, g, request
from flask_openapi3 import APIBlueprint, OpenAPI, Tag

from api_routes import models
from api_routes.auth import token_guard
from api_routes.monitoring import register_monitoring
from api_routes.openapi import Operations
from api_routes.problems import (
    BAD_REQUEST,
    PRECONDITION_FAILED,
    PRECONDITION_REQUIRED,
    UNAVAILABLE,
    UNSUPPORTED_MEDIA_TYPE,
    field_error,
    problem,
    register_problem_handlers,
    request_lang,
    scoring_problem,
    scoring_problem_body,
)
from scoring.decisions import window
from scoring.errors import FieldError, ScoringError
from scoring.schema import label
from scoring.service import ScoreItem, ScoringService
from scoring.settings import Settings
from scoring.validation import EDITABLE_FIELDS

API_PREFIX = "/api"
# A batch answer keeps each client's largest contributions (the rest summed): 1,000 clients × 178
# contributions would be megabytes of JSON nobody reads.
BATCH_TOP_CONTRIBUTIONS = 10
_ETAG = re.compile(r'^\s*(?:W/)?"?v?([1-9]\d{0,17})"?\s*$')  # versions start at 1

system_tag = Tag(name="system", description="Santé et modèle / health and model")
clients_tag = Tag(name="clients", description="Dossiers clients versionnés / versioned client records")
scores_tag = Tag(name="scores", description="Scores, explications, simulations / scores, explanations, what-if")
decisions_tag = Tag(name="decisions", description="La décision du conseiller, sa validation, la contestation du client "
                                                  "/ the advisor's decision, its approval, the client's contest")



def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    # orjson: a full explanation (178 contributions) encodes in a tenth of json.dumps' time.
    response = Response(orjson.dumps(payload, option=orjson.OPT_SERIALIZE_NUMPY), status=status,
                        mimetype="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _if_match_version(if_match: str, lang: str) -> int | Response:
    """The version an If-Match names, or the 412 problem for one that cannot be read."""
    matched = _ETAG.match(if_match)
    if matched is None:
        return problem(412, "Precondition failed",
                       f"If-Match illisible : {if_match[:40]!r} ; attendu \"v<version>\"." if lang == "fr"
                       else f"Unreadable If-Match {if_match[:40]!r}; expected \"v<version>\".",
                       kind=PRECONDITION_FAILED)
    return int(matched[1])


def etag(version: int) -> str:
    return f'"v{version}"'


def _version_entry(version: Any) -> dict[str, Any]:
    data = version.to_dict()
    return {k: data[k] for k in ("version", "created_at", "author", "reason", "changed_fields",
                                 "probability_of_default", "decision", "model_version")}


def _client_record(version: Any, lang: str) -> dict[str, Any]:
    data = version.to_dict()
    return {
        "client_id": version.client_id,
        "version": version.version,
        "in_training_set": version.in_training_set,
        "updated_at": data["created_at"],
        "author": version.author,
        "probability_of_default": version.probability_of_default,
        "decision": version.decision,
        "model_version": version.model_version,
        "fields": [
            {"name": name, "label": label(name, lang), "value": value, "editable": name in EDITABLE_FIELDS}
            for name, value in data["fields"].items()
        ],
    }


def register_api(server: OpenAPI, service: ScoringService, settings: Settings) -> APIBlueprint:
    api = APIBlueprint("api", __name__, url_prefix=API_PREFIX)
    route = Operations(api)
    api.before_request(token_guard(service, route.roles))

    @api.before_request
    def _require_if_match() -> Response | None:
        # Before the request is parsed: a missing precondition is 428, not a validation error.
        endpoint = (request.endpoint or "").rsplit(".", 1)[-1]
        if (request.method == "PATCH" or endpoint in route.if_match) and not request.headers.get("If-Match"):
            return problem(428, "Precondition required",
                           "En-tête If-Match obligatoire (l'ETag de GET /api/client/{id})." if request_lang() == "fr"
                           else "If-Match header required (the ETag of GET /api/client/{id}).",
                           kind=PRECONDITION_REQUIRED)
        return None

    @api.before_request
    def _limit_and_parse_body() -> Response | None:
        # Only the API is limited: the dashboard's callbacks carry figures in their state.
        request.max_content_length = settings.max_request_bytes
        if request.method in ("POST", "PATCH", "PUT") and request.get_data(cache=True):
            if not request.is_json:
                return problem(415, "Unsupported media type",
                               "Corps JSON attendu (Content-Type: application/json)." if request_lang() == "fr"
                               else "A JSON body is expected (Content-Type: application/json).",
                               kind=UNSUPPORTED_MEDIA_TYPE)
            try:
                parsed = request.get_json(silent=True)
            except RecursionError:  # nested deeper than the JSON parser goes
                parsed = None
            if parsed is None:
                return problem(400, "Malformed JSON",
                               "Le corps de la requête n'est pas du JSON valide." if request_lang() == "fr"
                               else "The request body is not valid JSON.", kind=BAD_REQUEST)
        return None

    @api.after_request
    def _model_version(response: Response) -> Response:
        # The contract's version is in the document; the model's travels with each answer.
        response.headers["X-Model-Version"] = service.artifact.version
        return response

    @route("GET", "/health", operation_id="getHealth", tag=system_tag, ok=models.Health, role=None,
           summary="Le processus répond / the process answers")
    def health() -> Response:
        return json_response({"status": "ok"})

    @route("GET", "/ready", operation_id="getReady", tag=system_tag, ok=models.Ready)
    def ready() -> Response:
        """Modèle chargé et base joignable / model loaded and store reachable."""
        if not service.store_reachable():
            return problem(503, "Service unavailable", "Base de clients injoignable." if request_lang() == "fr"
                           else "Client store unreachable.", kind=UNAVAILABLE)
        return json_response({"status": "ready", "model_version": service.artifact.version, "store": "ok"})

    @route("GET", "/model", operation_id="getModel", tag=system_tag, ok=models.ModelResponse)
    def model(query: models.LangQuery) -> Response:
        """Carte du modèle, seuil, variables et importance globale / model card, threshold, features."""
        lang = query.lang or request_lang()
        return json_response({**service.model_overview(lang), "editable_fields": service.editable_fields(lang)})

    @route("GET", "/clients", operation_id="searchClients", tag=clients_tag, ok=models.SearchResponse)
    def search_clients(query: models.SearchQuery) -> Response:
        """Recherche paginée / paginated search by id prefix or a few fields."""
        total, hits = service.search(query.q, limit=query.limit, offset=query.offset)
        return json_response({"total": total, "limit": query.limit, "offset": query.offset,
                              "results": [h.to_dict() for h in hits]})

    @route("GET", "/client/<int:client_id>", operation_id="getClient", tag=clients_tag, ok=models.ClientRecord)
    def get_client(path: models.ClientPath, query: models.LangQuery) -> Response:
        """Champs actuels, version, ETag / current fields with labels, version and ETag."""
        current = service.client(path.client_id)
        return json_response(_client_record(current, query.lang or request_lang()),
                             headers={"ETag": etag(current.version)})

    @route("PATCH", "/client/<int:client_id>", operation_id="patchClient", tag=clients_tag,
           ok=models.PatchResponse, role="advisor")
    def patch_client(path: models.ClientPath, header: models.IfMatchHeader, body: models.PatchRequest) -> Response:
        """Modifier des champs éditables (If-Match obligatoire, rôle advisor) / edit fields."""
        lang = request_lang()
        expected = _if_match_version(header.if_match, lang)
        if isinstance(expected, Response):
            return expected
        version, score = service.update_client(path.client_id, body.changes, expected_version=expected,
                                               user=g.api_user, reason=body.reason)
        return json_response({"client_id": version.client_id, "version": version.version,
                              "changed_fields": version.to_dict()["changed_fields"],
                              "score": score.to_dict(lang)}, headers={"ETag": etag(version.version)})

    @route("GET", "/client/<int:client_id>/history", operation_id="getClientHistory", tag=clients_tag,
           ok=models.History)
    def client_history(path: models.ClientPath, query: models.LangQuery) -> Response:
        """Toutes les versions / every version: changes old → new, author, time, reason, score and,
        when stored for the serving model, the principal reasons given for its decision."""
        versions = service.history(path.client_id)
        reasons = service.version_reasons(versions, query.lang or request_lang())
        entries = []
        for version in versions:
            given = reasons.get(version.version)
            entries.append({**_version_entry(version), "reasons": None if given is None else {
                group: [r.to_dict() for r in items] for group, items in given.items()}})
        return json_response({"client_id": path.client_id, "versions": entries})

    @route("GET", "/client/<int:client_id>/recourse", operation_id="getRecourse", tag=scores_tag,
           ok=models.RecourseResponse)
    def client_recourse(path: models.ClientPath, query: models.LangQuery) -> Response:
        """Les plus petits changements qui mènent à un accord / smallest changes that lead to a grant."""
        return json_response(service.recourse(path.client_id).to_dict(query.lang or request_lang()))

    @route("GET", "/client/<int:client_id>/decisions", operation_id="getClientDecisions", tag=decisions_tag,
           ok=models.DecisionState)
    def client_decisions(path: models.ClientPath, query: models.LangQuery) -> Response:
        """Recommandation du modèle, décisions, validations, contestations / the model's recommendation
        and everything people decided or said about this client, oldest first."""
        state = service.decisions.state(path.client_id)
        # The ETag of the version the recommendation is about: what recordDecision's If-Match names.
        return json_response(state.to_dict(query.lang or request_lang()), headers={"ETag": etag(state.current_version)})

    @route("POST", "/client/<int:client_id>/decisions", operation_id="recordDecision", tag=decisions_tag,
           ok=models.DecisionEntry, role="advisor", if_match=True)
    def record_decision(path: models.ClientPath, header: models.IfMatchHeader,
                        body: models.DecisionRequest) -> Response:
        """Décision finale du conseiller sur la version lue (If-Match) / the advisor's final decision on
        the version read (If-Match). Departing from the model needs a justification; a model refusal
        turned into a grant waits for a second person (status pending_second_approval)."""
        expected = _if_match_version(header.if_match, request_lang())
        if isinstance(expected, Response):
            return expected
        entry = service.decisions.decide(path.client_id, version=expected, outcome=body.decision,
                                         justification=body.justification, user=g.api_user)
        return json_response(entry.to_dict())

    @route("POST", "/client/<int:client_id>/approvals", operation_id="approveDecision", tag=decisions_tag,
           ok=models.DecisionEntry, role="advisor", raises=(409,))
    def approve_decision(path: models.ClientPath, body: models.ApprovalRequest) -> Response:
        """Validation par une seconde personne / a second person approves or rejects a decision
        waiting for them (not its author; 409 when it is not waiting)."""
        entry = service.decisions.answer(path.client_id, body.decision_id, approve=body.approve,
                                         justification=body.justification, user=g.api_user)
        return json_response(entry.to_dict())

    @route("POST", "/client/<int:client_id>/contests", operation_id="contestDecision", tag=decisions_tag,
           ok=models.DecisionEntry, role="advisor")
    def contest_decision(path: models.ClientPath, body: models.ContestRequest) -> Response:
        """Contestation du client / the client's statement and request for a human review, recorded
        by the advisor on the current version; the next advisor sees it."""
        entry = service.decisions.contest(path.client_id, statement=body.statement,
                                          request_review=body.request_review, user=g.api_user)
        return json_response(entry.to_dict())

    @route("GET", "/decisions/overrides", operation_id="getOverrideRates", tag=decisions_tag,
           ok=models.OverrideReport)
    def override_rates(query: models.DecisionQuery) -> Response:
        """Taux de dérogation au modèle / how often advisors depart from the model: overall, by
        direction, by advisor, over the last `days` days (default: all)."""
        return json_response(service.decisions.override_report(*window(query.days)))

    @route("GET", "/score/<int:client_id>", operation_id="getScore", tag=scores_tag, ok=models.Score)
    def score_client(path: models.ClientPath, query: models.ScoreQuery) -> Response:
        """Probabilité, décision, contributions et raisons / probability, decision, reasons."""
        score = service.score_client(path.client_id, explain=query.explain)
        return json_response(score.to_dict(query.lang or request_lang(), explain=query.explain))

    @route("POST", "/score", operation_id="scoreWhatIf", tag=scores_tag, ok=models.Score, raises=(404,))
    def score_what_if(body: models.ScoreRequest, query: models.LangQuery) -> Response:
        """Simulation sans enregistrement / what-if for a stored client, or a new application."""
        item = ScoreItem(client_id=body.client_id, changes=body.changes, application=body.application,
                         new_client=body.new_client)
        outcome = service.score_requests([item], explain=body.explain)[0]
        if isinstance(outcome, ScoringError):
            return scoring_problem(outcome)
        return json_response(outcome.to_dict(query.lang or request_lang(), explain=body.explain))

    @route("POST", "/score/batch", operation_id="scoreBatch", tag=scores_tag, ok=models.BatchResponse)
    def score_batch(body: models.BatchRequest, query: models.LangQuery) -> Response:
        """Jusqu'à 1 000 demandes en un appel / up to 1,000 requests in one call (10 largest
        contributions per client, the rest summed in other_contribution). A request that fails is
        a `Problem` in its item; the call itself succeeds."""
        lang = query.lang or request_lang()
        if len(body.items) > settings.batch_limit:
            return problem(422, "Invalid request",
                           f"items : {len(body.items)} demandes, {settings.batch_limit} au plus." if lang == "fr"
                           else f"items: {len(body.items)} requests, at most {settings.batch_limit}.",
                           [field_error(FieldError("items", len(body.items), "range",
                                                   f"items : {settings.batch_limit} demandes au plus",
                                                   f"items: at most {settings.batch_limit} requests"), lang)])
        items = [ScoreItem(client_id=i.client_id, changes=i.changes, application=i.application,
                           new_client=i.new_client) for i in body.items]
        results = []
        for index, outcome in enumerate(service.score_requests(items, explain=body.explain)):
            if isinstance(outcome, ScoringError):
                results.append({"index": index, "error": scoring_problem_body(outcome, lang)})
            else:
                results.append({"index": index, "score": outcome.to_dict(lang, explain=body.explain,
                                                                          top=BATCH_TOP_CONTRIBUTIONS)})
        failed = sum("error" in r for r in results)
        return json_response({"count": len(results), "errors": failed, "results": results})

    register_monitoring(route, service, settings)
    server.register_api(api)
    register_problem_handlers(server, API_PREFIX)
    return api
