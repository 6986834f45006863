"""HTTP routes of interoperability: FHIR (``/fhir``) and CDS Hooks (``/cds-services``).

Routes only translate HTTP; the use cases live in :mod:`attunement.services.interop`.

==========================================  =========================================
``GET  /fhir/Questionnaire/{id}``           an instrument as a Questionnaire (any account)
``GET  /fhir/Patient/{id}/$everything``     the patient's record, searchset Bundle
``POST /fhir``                              import a Bundle / QuestionnaireResponse
``GET  /cds-services``                      CDS Hooks discovery (EHR JWT)
``POST /cds-services/attunement-patient-view``  cards for the patient-view hook (EHR JWT)
``POST /cds-services/{id}/feedback``        accepted / overridden cards (EHR JWT)
==========================================  =========================================

FHIR routes use the API's authentication and access rules (:data:`CurrentActor`: bearer
token or session cookie with CSRF). CDS Hooks routes authenticate the calling EHR by its
signed JWT (:func:`attunement.cds_hooks.verify_client_jwt`) with ``aud`` = the
configured base URL + the path called (the Host header is never trusted for this).
``create_app`` mounts them with :func:`include_interop` (``attunement.http.app``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from attunement.cds_hooks import (
    SERVICE_ID,
    CdsClientTrust,
    PrefetchMissing,
    VerifiedClient,
    verify_client_jwt,
)
from attunement.errors import AuthenticationError, NotFound, UnknownInstrument
from attunement.fhir import FhirBase
from attunement.http._errors import error_responses
from attunement.http.deps import ContextDep, CurrentActor, UserActorDep
from attunement.services import ServiceContext, claim_token_use
from attunement.services.interop import (
    FhirImportReport,
    cds_discovery,
    cds_patient_view,
    export_patient_fhir,
    import_fhir_document,
    questionnaire_fhir,
    record_cds_feedback,
)

__all__ = ["FHIR_JSON", "include_interop", "router"]

FHIR_JSON = "application/fhir+json"

_PREFIXES = ("/fhir", "/cds-services")


def _json_errors(request: Request) -> None:
    """Keep errors on our paths JSON even when the web pages render errors as pages.

    The API's error mapping hands errors outside ``/api/`` to ``app.state.page_errors``
    (the web's login redirect / error page); EHRs and FHIR clients need JSON and real
    status codes, so the handler is wrapped once, whichever was installed first.
    """
    state = request.app.state
    handler = getattr(state, "page_errors", None)
    if handler is None or getattr(handler, "interop_json", False):
        return

    def page_errors(req: Request, status: int, body: dict[str, Any]) -> Response:
        if req.url.path.startswith(_PREFIXES):
            return JSONResponse(body, status_code=status)
        return handler(req, status, body)  # type: ignore[no-any-return]

    page_errors.interop_json = True  # type: ignore[attr-defined]
    state.page_errors = page_errors


router = APIRouter(tags=["interoperability"], dependencies=[Depends(_json_errors)])


def include_interop(
    app: FastAPI,
    *,
    cds_trust: CdsClientTrust | None = None,
    fhir_base: FhirBase | None = None,
) -> None:
    """Mount the FHIR and CDS Hooks routes on ``app`` (built by ``create_app``).

    Without ``cds_trust`` no EHR is trusted and every CDS Hooks call answers 401.
    ``fhir_base`` fixes the canonical URLs (default: the trust's service URL, else the
    request's base URL).
    """
    app.state.cds_trust = cds_trust
    app.state.fhir_base = fhir_base
    app.include_router(router)


def _fhir_base(request: Request) -> FhirBase:
    configured: FhirBase | None = getattr(request.app.state, "fhir_base", None)
    if configured is not None:
        return configured
    trust: CdsClientTrust | None = getattr(request.app.state, "cds_trust", None)
    if trust is not None:
        return FhirBase(base_url=trust.service_base_url)
    return FhirBase(base_url=str(request.base_url))


class FhirJSONResponse(JSONResponse):
    """A FHIR resource (``application/fhir+json``, FHIR R4 §2.1.0 "JSON")."""

    media_type = FHIR_JSON


def _fhir(body: dict[str, Any], status_code: int = 200) -> JSONResponse:
    return FhirJSONResponse(body, status_code=status_code)


#: The errors of the FHIR routes (JSON, the API's error body) and of the CDS Hooks routes.
_FHIR_ERRORS = error_responses(401, 403, 404, 413, 422, 503, json_only=True)
_CDS_ERRORS = error_responses(400, 401, 413, 422, 503)


FhirBaseDep = Annotated[FhirBase, Depends(_fhir_base)]

#: What the import reads: a FHIR R4 Bundle or QuestionnaireResponse (its content is then
#: checked by FHIR's rules; a resource that breaks them is listed as refused, or 422).
_FHIR_DOCUMENT: dict[str, Any] = {
    "required": ["resourceType"],
    "properties": {"resourceType": {"type": "string", "enum": ["Bundle", "QuestionnaireResponse"]}},
}


@router.get(
    "/fhir/Questionnaire/{questionnaire_id}",
    response_class=FhirJSONResponse,
    responses=_FHIR_ERRORS,
)
def get_questionnaire(
    questionnaire_id: str, user: UserActorDep, base: FhirBaseDep, language: str = "en"
) -> JSONResponse:
    """An instrument as a FHIR R4 Questionnaire (by instrument id, e.g. ``phq9``); an id
    naming no instrument is 404 (a resource that does not exist), a language the
    instrument has no text in is 422."""
    del user  # any clinic account: a Questionnaire holds no patient data
    try:
        return _fhir(questionnaire_fhir(questionnaire_id, base=base, language=language))
    except UnknownInstrument:
        raise NotFound("Questionnaire", questionnaire_id) from None


@router.get(
    "/fhir/Patient/{patient_id}/$everything",
    response_class=FhirJSONResponse,
    responses=_FHIR_ERRORS,
)
def patient_everything(
    patient_id: int, context: ContextDep, actor: CurrentActor, base: FhirBaseDep
) -> JSONResponse:
    """The patient's whole record as a FHIR searchset Bundle (Patient/$everything)."""
    return _fhir(export_patient_fhir(context, actor, patient_id, base=base, kind="searchset"))


@router.post(
    "/fhir",
    response_class=JSONResponse,
    responses={
        200: {"model": FhirImportReport, "description": "imported, refused and ignored"},
        **error_responses(400, 401, 403, 404, 409, 413, 422, 503),
    },
)
def import_bundle(
    context: ContextDep,
    actor: CurrentActor,
    base: FhirBaseDep,
    document: Annotated[dict[str, Any], Body(json_schema_extra=_FHIR_DOCUMENT)],
    patient_id: int | None = None,
) -> JSONResponse:
    """Import a Bundle or QuestionnaireResponse; lists imported, refused and ignored."""
    report = import_fhir_document(context, actor, document, base=base, patient_id=patient_id)
    return JSONResponse(report.model_dump(mode="json"))


# --------------------------------------------------------------------------- CDS Hooks


def ehr_client(request: Request) -> VerifiedClient:
    """The EHR behind ``Authorization: Bearer <JWT>``, verified (401 otherwise)."""
    trust: CdsClientTrust | None = getattr(request.app.state, "cds_trust", None)
    if trust is None or not trust.issuers:
        raise AuthenticationError("no CDS client is trusted: configure the trusted issuers")
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise AuthenticationError("send the CDS client's JWT as 'Authorization: Bearer <JWT>'")
    path = request.url.path
    audiences: tuple[str, ...] = (trust.endpoint_url(path),)
    if path.endswith("/feedback"):  # the feedback of a service may name the service itself
        audiences += (trust.endpoint_url(path.removesuffix("/feedback")),)
    context: ServiceContext = request.app.state.context
    client = verify_client_jwt(token, audience=audiences, trust=trust, clock=context.now)
    claim_token_use(
        context,
        iss=client.iss,
        jti=client.jti,
        expires_at=client.expires_at,
        capacity=trust.replay_capacity,
    )
    return client


EhrClient = Annotated[VerifiedClient, Depends(ehr_client)]


@router.get("/cds-services", responses=_CDS_ERRORS)
def discovery(client: EhrClient) -> JSONResponse:
    """CDS Hooks discovery: the services Attunement offers."""
    del client
    return JSONResponse(cds_discovery())


@router.post(
    f"/cds-services/{SERVICE_ID}",
    responses={
        412: {"description": "required prefetch missing (an OperationOutcome)"},
        **_CDS_ERRORS,
    },
)
def patient_view(
    request: Request,
    context: ContextDep,
    client: EhrClient,
    body: Annotated[dict[str, Any], Body()],
) -> JSONResponse:
    """Cards for the patient-view hook; 412 when required prefetch is missing and
    Attunement holds nothing for the patient."""
    trust: CdsClientTrust = request.app.state.cds_trust
    try:
        cards = cds_patient_view(
            context, body, client=client, trust=trust, base=_fhir_base(request)
        )
    except PrefetchMissing as missing:
        outcome = {
            "resourceType": "OperationOutcome",
            "issue": [
                {
                    "severity": "error",
                    "code": "processing",
                    "diagnostics": missing.message,
                    "expression": list(missing.missing),
                }
            ],
        }
        return JSONResponse(outcome, status_code=412)
    return JSONResponse(cards)


@router.post("/cds-services/{service_id}/feedback", responses=_CDS_ERRORS)
def feedback(
    service_id: str,
    context: ContextDep,
    client: EhrClient,
    body: Annotated[dict[str, Any], Body()],
) -> JSONResponse:
    """Record accepted and overridden cards."""
    count = record_cds_feedback(context, service_id, body, client=client)
    return JSONResponse({"recorded": count})
