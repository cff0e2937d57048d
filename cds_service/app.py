"""The web service: CDS Hooks discovery, hook and feedback; a JSON API; health and schema.

``create_app`` builds it from settings; ``app_from_environment`` is what uvicorn's workers
call. Nothing a request carries is logged or kept, except the feedback store's rows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict

from cds_service.cards import assessment_card, needs_input_card
from cds_service.errors import Problem, ProblemReport, RequestError, from_input_problems
from cds_service.fhir_input import read_prefetch
from cds_service.hooks import (
    DISCOVERY,
    SERVICE_ID,
    CardsResponse,
    Discovery,
    FeedbackRequest,
    HookRequest,
)
from cds_service.settings import Settings
from cds_service.store import FeedbackStore, FeedbackSummary, Outcome, UnknownCardError
from rules import DISCLAIMER, Patient, assess, parse_patient, rules_version
from rules.json_input import decode_json, patient_from_data
from rules.problems import INPUT_LEVEL, InputProblem

HOOK_PATH = f"/cds-services/{SERVICE_ID}"
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ProblemReport, "description": text}
    for status, text in (
        (400, "The body is not JSON"),
        (404, "Feedback names a card this service never issued"),
        (422, "A field or resource does not validate; every problem is named"),
    )
}


class Health(BaseModel):
    """The service is up, and which rules it answers with."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    status: str
    rules_version: str
    disclaimer: str


def _problem_response(error: RequestError) -> JSONResponse:
    return JSONResponse(status_code=error.status, content=error.report.model_dump(mode="json"))


def _validation_response(error: RequestValidationError) -> JSONResponse:
    problems = [
        Problem(
            resource="request body",
            field=".".join(str(part) for part in item["loc"][1:]) or INPUT_LEVEL,
            message=str(item["msg"]),
        )
        for item in error.errors()
    ]
    malformed = any(item["type"] == "json_invalid" for item in error.errors())
    status, detail = (400, "malformed JSON") if malformed else (422, "invalid request")
    return _problem_response(RequestError(status, detail, problems))


def _patient_or_error(data: object) -> Patient:
    patient = patient_from_data(data)
    if isinstance(patient, list):
        raise RequestError(422, "invalid patient", from_input_problems(patient))
    return patient


def create_app(settings: Settings) -> FastAPI:
    """The service over one feedback store (whose schema ``FeedbackStore.migrate`` makes)."""
    store = FeedbackStore(settings.database_url)
    app = FastAPI(
        title="Spinal metastasis approach: CDS Hooks service",
        version=rules_version(),
        description=DISCLAIMER,
        responses=PROBLEM_RESPONSES,
    )

    @app.exception_handler(RequestError)
    async def request_error(_: Request, error: RequestError) -> JSONResponse:
        return _problem_response(error)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        return _validation_response(error)

    @app.get("/health", response_model=Health, tags=["service"])
    def health() -> Health:
        """Liveness: answers without touching the database."""
        return Health(status="ok", rules_version=rules_version(), disclaimer=DISCLAIMER)

    @app.get("/schema", tags=["JSON API"])
    def schema() -> dict[str, Any]:
        """The JSON Schema of the patient record ``POST /assess`` takes."""
        return Patient.model_json_schema()

    @app.post(
        "/assess",
        tags=["JSON API"],
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Patient"}}
                },
            }
        },
    )
    async def assess_patient(request: Request) -> Response:
        """The assessment of one patient, exactly as ``python -m rules assess`` prints it."""
        try:
            text = (await request.body()).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            problem = InputProblem(field=INPUT_LEVEL, message=f"not UTF-8 text: {error.reason}")
            raise RequestError(400, "malformed JSON", from_input_problems([problem])) from None
        data = decode_json(text)
        if isinstance(data, InputProblem):
            raise RequestError(400, "malformed JSON", from_input_problems([data]))
        # Serialised by pydantic in one step: FastAPI's encoder would take as long as the
        # assessment itself (about 3 ms for 60 kB).
        assessment = assess(_patient_or_error(data))
        return Response(content=assessment.model_dump_json(), media_type="application/json")

    @app.get("/cds-services", response_model=Discovery, tags=["CDS Hooks"])
    def discovery() -> Discovery:
        """CDS Hooks discovery: the one service, its hook and its prefetch templates."""
        return DISCOVERY

    @app.post(HOOK_PATH, response_model=CardsResponse, tags=["CDS Hooks"])
    def call_hook(call: HookRequest) -> CardsResponse:
        """Cards for the patient in the prefetch (FHIR R4): one assessment card, or one card
        saying which required inputs to record."""
        reading = read_prefetch(call.prefetch, datetime.now(UTC).date())
        if reading.problems:
            raise RequestError(422, "invalid FHIR resources", reading.problems)
        card_uuid = uuid4()
        if reading.missing_required:
            card = needs_input_card(
                reading.missing_required, rules_version(), card_uuid, settings.app_url
            )
            store.record_issued(card_uuid, rules_version(), None)
            return CardsResponse(cards=(card,))
        patient = parse_patient(reading.inputs)
        if isinstance(patient, list):
            raise RequestError(
                422,
                "invalid inputs",
                [
                    Problem(
                        resource=reading.source_of(problem.field),
                        field=problem.field,
                        message=problem.message,
                    )
                    for problem in patient
                ],
            )
        assessment = assess(patient)
        store.record_issued(card_uuid, assessment.rules_version, assessment.options[0].approach)
        return CardsResponse(cards=(assessment_card(assessment, card_uuid, settings.app_url),))

    @app.post(f"{HOOK_PATH}/feedback", tags=["CDS Hooks"])
    def feedback(report: FeedbackRequest) -> dict[str, int]:
        """CDS Hooks feedback: stored with the card's rules version and first option only."""
        outcomes = [
            Outcome(
                card_uuid=entry.card,
                outcome=entry.outcome,
                override_reason=None if entry.override_code is None else entry.override_code.value,
                outcome_at=entry.outcomeTimestamp,
            )
            for entry in report.feedback
        ]
        try:
            store.record_feedback(outcomes)
        except UnknownCardError as error:
            raise RequestError(
                404,
                "unknown card",
                [
                    Problem(
                        resource="request body",
                        field=f"feedback.{position}.card",
                        message=f"card {outcomes[position].card_uuid} was never issued here",
                    )
                    for position in error.positions
                ],
            ) from None
        return {"stored": len(outcomes)}

    @app.get("/feedback/summary", response_model=FeedbackSummary, tags=["feedback"])
    def feedback_summary() -> FeedbackSummary:
        """Accepted and overridden counts per rules version and first option, with reasons."""
        return store.summary()

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            components = document.setdefault("components", {}).setdefault("schemas", {})
            patient_schema = Patient.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(patient_schema.pop("$defs", {}))
            components["Patient"] = patient_schema
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def app_from_environment() -> FastAPI:
    """The app as each uvicorn worker builds it (``DATABASE_URL``, ``CDS_APP_URL``)."""
    return create_app(Settings.from_environment())
