"""Patients: list, register, read, profile, plan, episodes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, status

from attunement.http._errors import error_responses
from attunement.http.deps import ContextDep, CurrentActor
from attunement.services import (
    EpisodeCreate,
    EpisodePublic,
    PatientCreate,
    PatientPublic,
    PatientUpdate,
    get_patient,
    get_plan,
    list_episodes,
    list_patients,
    register_patient,
    start_episode,
    update_patient,
    update_profile,
)

router = APIRouter(
    prefix="/api/v1/patients",
    tags=["patients"],
    responses=error_responses(400, 401, 403, 404, 409, 413, 422, 503),
)


@router.get("", response_model=list[PatientPublic])
def patients(context: ContextDep, actor: CurrentActor) -> list[PatientPublic]:
    """The patients you may see (yours; a supervisor's also their supervisees')."""
    return list_patients(context, actor)


@router.post("", response_model=PatientPublic, status_code=status.HTTP_201_CREATED)
def create_patient(context: ContextDep, actor: CurrentActor, body: PatientCreate) -> PatientPublic:
    """Register a patient on your caseload."""
    return register_patient(context, actor, body)


@router.get("/{patient_id}", response_model=PatientPublic)
def patient(context: ContextDep, actor: CurrentActor, patient_id: int) -> PatientPublic:
    """One patient (404 when it does not exist or is not yours to see)."""
    return get_patient(context, actor, patient_id)


@router.patch("/{patient_id}", response_model=PatientPublic)
def patch_patient(
    context: ContextDep, actor: CurrentActor, patient_id: int, body: PatientUpdate
) -> PatientPublic:
    """Set the recorded sex and age band (a field sent is set, null: not recorded; a field
    left out is kept). A value outside the list → 422 naming the field and the values allowed."""
    return update_patient(context, actor, patient_id, body)


@router.put("/{patient_id}/profile", response_model=PatientPublic)
def put_profile(
    context: ContextDep,
    actor: CurrentActor,
    patient_id: int,
    profile: dict[str, Any] = Body(..., description="the profile file's shape (attune plan)"),
) -> PatientPublic:
    """Replace the profile; invalid dimensions answer 422 naming field and allowed values."""
    return update_profile(context, actor, patient_id, profile)


@router.get("/{patient_id}/plan", response_model=dict[str, Any])
def plan(context: ContextDep, actor: CurrentActor, patient_id: int) -> dict[str, Any]:
    """The tailored plan: recommendations with ``because`` and ``evidence``."""
    result: dict[str, Any] = get_plan(context, actor, patient_id).model_dump(mode="json")
    return result


@router.get("/{patient_id}/episodes", response_model=list[EpisodePublic])
def episodes(context: ContextDep, actor: CurrentActor, patient_id: int) -> list[EpisodePublic]:
    """The patient's episodes, newest first."""
    return list_episodes(context, actor, patient_id)


@router.post(
    "/{patient_id}/episodes", response_model=EpisodePublic, status_code=status.HTTP_201_CREATED
)
def create_episode(
    context: ContextDep, actor: CurrentActor, patient_id: int, body: EpisodeCreate
) -> EpisodePublic:
    """Start an episode (409 when one is already open)."""
    return start_episode(context, actor, patient_id, body)
