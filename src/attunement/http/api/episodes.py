"""Episodes: record sessions and administrations, read them, the status, invite the patient."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from attunement.http._errors import error_responses
from attunement.http.deps import ContextDep, CurrentActor
from attunement.monitoring import Status
from attunement.services import (
    AdministrationCreate,
    AdministrationPublic,
    CoursePredictionPublic,
    InvitationCreate,
    InvitationIssued,
    PlanAdherenceSet,
    PlanAdherenceView,
    PromptDiscussionCreate,
    PromptDiscussionPublic,
    PromptDiscussionState,
    TherapySessionCreate,
    TherapySessionPublic,
    get_plan_adherence,
    get_status_document,
    invite_patient,
    list_administrations,
    list_course_predictions,
    list_prompt_discussions,
    list_sessions,
    mark_prompt_discussed,
    record_administration,
    record_plan_adherence,
    record_session,
)

router = APIRouter(
    prefix="/api/v1/episodes",
    tags=["episodes"],
    responses=error_responses(400, 401, 403, 404, 409, 413, 422, 503),
)


@router.post(
    "/{episode_id}/administrations",
    response_model=AdministrationPublic,
    status_code=status.HTTP_201_CREATED,
)
def create_administration(
    context: ContextDep, actor: CurrentActor, episode_id: int, body: AdministrationCreate
) -> AdministrationPublic:
    """Score and store one administration; invalid answers → 422 naming the item and the
    allowed values, and nothing is stored."""
    return record_administration(context, actor, episode_id, body)


@router.post(
    "/{episode_id}/sessions",
    response_model=TherapySessionPublic,
    status_code=status.HTTP_201_CREATED,
)
def create_session(
    context: ContextDep, actor: CurrentActor, episode_id: int, body: TherapySessionCreate
) -> TherapySessionPublic:
    """Record a session at once: held or missed, every questionnaire given (each scored),
    and the rupture markers observed. A number already recorded → 409 with a ``Location``
    header naming that session (edit it with ``PATCH``); nothing is merged. Any invalid
    answer → 422 naming the instrument and item (``phq9.phq9_5``) and the allowed
    values, and nothing is stored."""
    return record_session(context, actor, episode_id, body)


@router.get("/{episode_id}/sessions", response_model=list[TherapySessionPublic])
def sessions(
    context: ContextDep, actor: CurrentActor, episode_id: int, include_voided: bool = False
) -> list[TherapySessionPublic]:
    """The sessions in order, held and missed, with rupture markers and questionnaires;
    voided ones (marked, with the reason) only with ``include_voided=true``."""
    return list_sessions(context, actor, episode_id, include_voided=include_voided)


@router.get("/{episode_id}/administrations", response_model=list[AdministrationPublic])
def administrations(
    context: ContextDep, actor: CurrentActor, episode_id: int, include_voided: bool = False
) -> list[AdministrationPublic]:
    """Every administration with item-level answers and score, oldest first; voided and
    corrected ones (marked, with the reason) only with ``include_voided=true``."""
    return list_administrations(context, actor, episode_id, include_voided=include_voided)


@router.get("/{episode_id}/status", response_model=Status)
def episode_status(context: ContextDep, actor: CurrentActor, episode_id: int) -> Response:
    """Change, reliable-change category, expected band, alert, alliance, flags, prompts.

    The status as stored by the last write that changed it, sent as stored (issue 13)."""
    document = get_status_document(context, actor, episode_id)
    return Response(document, media_type="application/json")


@router.get("/{episode_id}/course", response_model=list[CoursePredictionPublic])
def course_predictions(
    context: ContextDep, actor: CurrentActor, episode_id: int
) -> list[CoursePredictionPublic]:
    """The personalised expected course predicted for the episode when its intake was
    recorded (newest first; a corrected intake adds one, the old ones stay): the expected
    score by scored session with its 80% band, the method (``neighbours``: the clinic's most
    similar ended episodes; ``empirical`` or ``rational``: too few of them, the fall-back
    model), how the similar episodes ended and the probability of dropout. Stored on the
    intake write, never computed on this read; empty before the intake."""
    return list_course_predictions(context, actor, episode_id)


@router.post(
    "/{episode_id}/invitations",
    response_model=InvitationIssued,
    status_code=status.HTTP_201_CREATED,
)
def create_invitation(
    context: ContextDep,
    actor: CurrentActor,
    episode_id: int,
    body: InvitationCreate | None = None,
) -> InvitationIssued:
    """A single-use, expiring self-report link; the token is shown only in this response."""
    return invite_patient(context, actor, episode_id, body or InvitationCreate())


@router.put("/{episode_id}/prompts/{domain}/discussion", response_model=PromptDiscussionState)
def mark_prompt(
    context: ContextDep,
    actor: CurrentActor,
    episode_id: int,
    domain: str,
    body: PromptDiscussionCreate,
) -> PromptDiscussionState:
    """Mark a clinical-support prompt of the episode's current status as discussed with the
    patient (``{"discussed": true}``) or undo the mark (``false``). Idempotent: a prompt
    already in that state adds nothing. Every mark is kept (an undo is a new entry) and
    audited. A prompt the status does not show → 422 naming ``domain`` and the prompts
    shown; a closed episode → 409. Marking the risk prompt never closes the risk event:
    only a recorded risk response does."""
    return mark_prompt_discussed(context, actor, episode_id, domain, body)


@router.get("/{episode_id}/prompt-discussions", response_model=list[PromptDiscussionPublic])
def prompt_discussions(
    context: ContextDep, actor: CurrentActor, episode_id: int
) -> list[PromptDiscussionPublic]:
    """Every mark and undo of the episode's support prompts, oldest first (audited)."""
    return list_prompt_discussions(context, actor, episode_id)


@router.get("/{episode_id}/plan-adherence", response_model=PlanAdherenceView)
def plan_adherence(context: ContextDep, actor: CurrentActor, episode_id: int) -> PlanAdherenceView:
    """Whether the plan was followed in the episode: the dimensions its plan tailors (and
    rupture repair after an alliance alert), what counts for each (the latest record; rupture
    repair derived from the alliance prompt marked discussed) and every record (audited)."""
    return get_plan_adherence(context, actor, episode_id)


@router.put("/{episode_id}/plan-adherence", response_model=PlanAdherenceView)
def put_plan_adherence(
    context: ContextDep, actor: CurrentActor, episode_id: int, body: PlanAdherenceSet
) -> PlanAdherenceView:
    """Record whether one dimension of the plan was followed (``{"dimension": "reactance",
    "followed": true, "note": null}``). Every record is kept (a change is a new entry) and
    audited; the same record twice adds nothing. A dimension the plan does not tailor → 422
    naming ``dimension`` and the dimensions it tailors. Allowed after the episode ended."""
    return record_plan_adherence(context, actor, episode_id, body)
