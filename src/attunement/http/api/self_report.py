"""Patient self-report with an invitation token as the bearer token."""

from __future__ import annotations

from fastapi import APIRouter, status

from attunement.http._errors import error_responses
from attunement.http.deps import ContextDep, PatientActor
from attunement.services import (
    AdministrationPublic,
    InvitationView,
    SelfReportSubmission,
    describe_invitation,
    submit_self_report,
)

router = APIRouter(
    prefix="/api/v1/self-report",
    tags=["self-report"],
    responses=error_responses(400, 401, 403, 409, 413, 422, 503),
)


@router.get("", response_model=InvitationView)
def due_questionnaires(context: ContextDep, actor: PatientActor) -> InvitationView:
    """The questionnaires this invitation asks for, and their language."""
    return describe_invitation(context, actor)


@router.post("", response_model=list[AdministrationPublic], status_code=status.HTTP_201_CREATED)
def submit(
    context: ContextDep, actor: PatientActor, body: SelfReportSubmission
) -> list[AdministrationPublic]:
    """Submit every due questionnaire at once; the link is then spent."""
    return submit_self_report(context, actor, body)
