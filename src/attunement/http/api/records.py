"""Edit, correct and void recorded sessions and administrations (issue 12).

Creating a session is ``POST /episodes/{id}/sessions``; a number already recorded answers
409 with a ``Location`` header naming the session's resource here, which ``PATCH`` edits.
A correction replaces an administration by a new one and keeps the original, marked; a void
keeps the record, marked, with the required reason. Neither needs the episode to be open.
"""

from __future__ import annotations

from fastapi import APIRouter, status

from attunement.http._errors import error_responses
from attunement.http.deps import ContextDep, CurrentActor
from attunement.services import (
    AdministrationCorrection,
    AdministrationPublic,
    TherapySessionPublic,
    TherapySessionUpdate,
    VoidRequest,
    correct_administration,
    edit_session,
    get_session,
    void_administration,
    void_session,
)

router = APIRouter(
    prefix="/api/v1",
    tags=["records"],
    responses=error_responses(400, 401, 403, 404, 409, 413, 422, 503),
)


@router.get("/episodes/{episode_id}/sessions/{number}", response_model=TherapySessionPublic)
def read_session(
    context: ContextDep, actor: CurrentActor, episode_id: int, number: int
) -> TherapySessionPublic:
    """One session with every questionnaire recorded at it, voided ones included."""
    return get_session(context, actor, episode_id, number)


@router.patch("/episodes/{episode_id}/sessions/{number}", response_model=TherapySessionPublic)
def update_session(
    context: ContextDep,
    actor: CurrentActor,
    episode_id: int,
    number: int,
    body: TherapySessionUpdate,
) -> TherapySessionPublic:
    """Edit the date, attendance or rupture markers of a session; only given fields change.
    Questionnaires are corrected or voided on their own resource."""
    return edit_session(context, actor, episode_id, number, body)


@router.post("/episodes/{episode_id}/sessions/{number}/void", response_model=TherapySessionPublic)
def void_a_session(
    context: ContextDep, actor: CurrentActor, episode_id: int, number: int, body: VoidRequest
) -> TherapySessionPublic:
    """Void a session entered in error, with its questionnaires (kept, with the reason)."""
    return void_session(context, actor, episode_id, number, body)


@router.post(
    "/administrations/{administration_id}/correction",
    response_model=AdministrationPublic,
    status_code=status.HTTP_201_CREATED,
)
def correct_an_administration(
    context: ContextDep,
    actor: CurrentActor,
    administration_id: int,
    body: AdministrationCorrection,
) -> AdministrationPublic:
    """Store the corrected answers as a new administration at the same place; the original
    is kept, marked corrected with the reason. Open risk events stay open."""
    return correct_administration(context, actor, administration_id, body)


@router.post("/administrations/{administration_id}/void", response_model=AdministrationPublic)
def void_an_administration(
    context: ContextDep, actor: CurrentActor, administration_id: int, body: VoidRequest
) -> AdministrationPublic:
    """Void an administration entered in error (kept, with the reason); it counts nowhere."""
    return void_administration(context, actor, administration_id, body)
