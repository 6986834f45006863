"""The session summary for the clinical record, as plain text (issue 12)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from attunement.http._errors import error_responses
from attunement.http.deps import ContextDep, CurrentActor
from attunement.services import episode_summary

router = APIRouter(
    prefix="/api/v1/episodes",
    tags=["episodes"],
    responses=error_responses(401, 403, 404, 413, 422, 503, json_only=True),
)


@router.get(
    "/{episode_id}/summary",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
def episode_summary_text(
    context: ContextDep, actor: CurrentActor, episode_id: int
) -> PlainTextResponse:
    """Scores, change, alert, open risk and the plan changes to consider, as plain text to
    paste into the clinical record (read from the stored status; 404 before any outcome)."""
    return PlainTextResponse(episode_summary(context, actor, episode_id))
