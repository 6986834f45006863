"""Episodes: close and reopen one, and the reasons an episode may end for (issue 12)."""

from __future__ import annotations

from fastapi import APIRouter

from attunement.http._errors import error_responses
from attunement.http.deps import ContextDep, CurrentActor
from attunement.services import (
    EndReasonPublic,
    EpisodeClose,
    EpisodePublic,
    EpisodeReopen,
    close_episode,
    list_end_reasons,
    reopen_episode,
)

router = APIRouter(
    prefix="/api/v1/episodes",
    tags=["episodes"],
    responses=error_responses(400, 401, 403, 404, 409, 413, 422, 503),
)


@router.get("/end-reasons", response_model=list[EndReasonPublic])
def end_reasons(context: ContextDep, actor: CurrentActor) -> list[EndReasonPublic]:
    """Why an episode may end (planned end, dropout, referral, other), each with its
    label and definition (``monitoring/end_reasons.yaml``)."""
    return list_end_reasons(context, actor)


@router.post("/{episode_id}/close", response_model=EpisodePublic)
def close(
    context: ContextDep, actor: CurrentActor, episode_id: int, body: EpisodeClose
) -> EpisodePublic:
    """Close the episode: end reason, end date (default today; not in the future, not
    before the start or the last session), note, final measures (default: the last
    outcome and alliance administrations). A closed episode is read-only: new sessions,
    administrations, invitations and profile changes answer 409 naming it and its end
    date; corrections of its entries stay possible. 409 when it is closed already."""
    return close_episode(context, actor, episode_id, body)


@router.post("/{episode_id}/reopen", response_model=EpisodePublic)
def reopen(
    context: ContextDep, actor: CurrentActor, episode_id: int, body: EpisodeReopen
) -> EpisodePublic:
    """Reopen a closed episode with a reason (kept in its lifecycle, audited); 409 when it
    is open or the patient has another open episode."""
    return reopen_episode(context, actor, episode_id, body)
