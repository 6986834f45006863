"""The caseload: open episodes, most urgent first."""

from __future__ import annotations

from fastapi import APIRouter

from attunement.api._errors import error_responses
from attunement.api.deps import ContextDep, CurrentActor
from attunement.services import CaseloadEntry, caseload

router = APIRouter(
    prefix="/api/v1", tags=["caseload"], responses=error_responses(401, 403, 413, 422, 503)
)


@router.get("/caseload", response_model=list[CaseloadEntry])
def get_caseload(context: ContextDep, actor: CurrentActor) -> list[CaseloadEntry]:
    """Risk flags first, then red, yellow, green, white; then episodes without scores."""
    return caseload(context, actor)
