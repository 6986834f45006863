"""Scheduled measurement (issue 14): the due list, clinic settings, an episode's schedule,
a patient's e-mail address, and the links of an episode (list, revoke)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from attunement.http._errors import error_responses
from attunement.http.deps import ContextDep, CurrentActor
from attunement.services import (
    ClinicSettings,
    ClinicSettingsUpdate,
    DueFilter,
    DuePage,
    EpisodeScheduleSet,
    EpisodeScheduleView,
    LinkView,
    OccasionState,
    PatientContactSet,
    PatientContactView,
    due_list,
    get_clinic_settings,
    get_episode_schedule,
    list_links,
    revoke_link,
    set_episode_schedule,
    set_patient_contact,
    update_clinic_settings,
)

router = APIRouter(
    prefix="/api/v1",
    tags=["schedules"],
    responses=error_responses(400, 401, 403, 404, 409, 413, 422, 503),
)


@router.get("/due-list", response_model=DuePage)
def get_due_list(
    context: ContextDep,
    actor: CurrentActor,
    *,
    state: Annotated[
        OccasionState | None,
        Query(
            description="due: the link is open; overdue: it expired unanswered; completed: "
            "answered; revoked: revoked by a clinician."
        ),
    ] = None,
    clinician_id: Annotated[
        int | None,
        Query(ge=1, le=2**31 - 1, description="Only this clinician's patients (404 if unseen)."),
    ] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> DuePage:
    """Scheduled measurements of the caller's caseload: overdue first, then due, completed,
    revoked; each with the delivery of its messages (sent, failed with the server's reply,
    bounced with the remote server's reason, unconfirmed, skipped and why). Paginated like
    the caseload (``page``, ``per_page``); ``counts`` cover the whole list."""
    return due_list(
        context,
        actor,
        DueFilter(state=state, clinician_id=clinician_id, page=page, per_page=per_page),
    )


@router.get("/clinic/settings", response_model=ClinicSettings)
def clinic_settings(context: ContextDep, actor: CurrentActor) -> ClinicSettings:
    """The clinic's settings: link lifetime, reminder, default schedule."""
    return get_clinic_settings(context, actor)


@router.patch("/clinic/settings", response_model=ClinicSettings)
def change_clinic_settings(
    context: ContextDep, actor: CurrentActor, body: ClinicSettingsUpdate
) -> ClinicSettings:
    """Change the settings given (admins only; audited). 422 names the field, the value and
    what is allowed, e.g. a reminder not earlier than the link's expiry."""
    return update_clinic_settings(context, actor, body)


@router.get("/episodes/{episode_id}/schedule", response_model=EpisodeScheduleView)
def episode_schedule(
    context: ContextDep, actor: CurrentActor, episode_id: int
) -> EpisodeScheduleView:
    """The schedule the episode follows (its own or the clinic's) and its next due date."""
    return get_episode_schedule(context, actor, episode_id)


@router.put("/episodes/{episode_id}/schedule", response_model=EpisodeScheduleView)
def change_episode_schedule(
    context: ContextDep, actor: CurrentActor, episode_id: int, body: EpisodeScheduleSet
) -> EpisodeScheduleView:
    """Give the episode its own schedule; ``{"mode": null}`` returns it to the clinic's."""
    return set_episode_schedule(context, actor, episode_id, body)


@router.put("/patients/{patient_id}/contact", response_model=PatientContactView)
def change_contact(
    context: ContextDep, actor: CurrentActor, patient_id: int, body: PatientContactSet
) -> PatientContactView:
    """The patient's e-mail address for questionnaire links (an opt-out stays in force)."""
    return set_patient_contact(context, actor, patient_id, body)


@router.get("/episodes/{episode_id}/links", response_model=list[LinkView])
def episode_links(context: ContextDep, actor: CurrentActor, episode_id: int) -> list[LinkView]:
    """Every self-report link of the episode, scheduled or made by hand, newest first."""
    return list_links(context, actor, episode_id)


@router.post("/links/{link_id}/revoke", response_model=LinkView)
def revoke(context: ContextDep, actor: CurrentActor, link_id: int) -> LinkView:
    """Revoke an unused link: it opens no more and its unsent messages are not sent.
    Revoking twice is harmless."""
    return revoke_link(context, actor, link_id)
