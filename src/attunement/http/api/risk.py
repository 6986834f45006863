"""Risk events of a patient: list them, and record a structured risk response."""

from __future__ import annotations

from fastapi import APIRouter

from attunement.http._errors import error_responses
from attunement.http.deps import ContextDep, CurrentActor, UserActorDep
from attunement.risk import ResponseVocabulary, load_response_vocabulary
from attunement.services import (
    RiskEventPublic,
    RiskResponseCreate,
    list_risk_events,
    respond_to_risk,
)

router = APIRouter(
    prefix="/api/v1",
    tags=["risk"],
    responses=error_responses(400, 401, 403, 404, 409, 413, 422, 503),
)


@router.get("/patients/{patient_id}/risk-events", response_model=list[RiskEventPublic])
def risk_events(context: ContextDep, actor: CurrentActor, patient_id: int) -> list[RiskEventPublic]:
    """The patient's risk events: open ones first (pinned), then the history, newest first."""
    return list_risk_events(context, actor, patient_id)


@router.post("/patients/{patient_id}/risk-events/response", response_model=list[RiskEventPublic])
def risk_response(
    context: ContextDep, actor: CurrentActor, patient_id: int, body: RiskResponseCreate
) -> list[RiskEventPublic]:
    """Record a risk response on the open events named (default: all open); returns them.

    422 names the field when the level or an action is not in the vocabulary, a reason is
    missing for ``no_action``, the date is in the future, or no named event is open.
    """
    return respond_to_risk(context, actor, patient_id, body)


@router.get("/risk/vocabulary", response_model=ResponseVocabulary)
def risk_vocabulary(actor: UserActorDep) -> ResponseVocabulary:
    """Levels of concern and actions a risk response may record, with their labels."""
    del actor  # signed-in clinic users only (not a patient's link); nothing patient-specific
    return load_response_vocabulary()
