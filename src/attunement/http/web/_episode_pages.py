"""Closing and reopening the patient's episode from the patient page (HTTP only).

``services.close_episode`` and ``services.reopen_episode`` check and audit; a refused form
comes back on the patient page with each error naming the field as the form labels it and
everything typed kept; nothing is stored.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from attunement.errors import Conflict, InputError, NotFound, UnknownInstrument
from attunement.http.deps import ContextDep, CsrfProtected, WebActor
from attunement.http.web._clinic_pages import patient_page_response
from attunement.http.web._episode_views import FIELD_LABELS, EpisodeFormInput
from attunement.http.web._forms import form_strings, parse_date, validation_messages
from attunement.http.web._patient_context import current_episode, require_own
from attunement.http.web._rendering import ROUTES, redirect, url
from attunement.services import (
    EpisodeClose,
    EpisodeCreate,
    EpisodeReopen,
    close_episode,
    get_patient,
    reopen_episode,
    start_episode,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _refused(error: Exception) -> dict[str, str]:
    if isinstance(error, ValidationError):
        return validation_messages(error, FIELD_LABELS)
    if isinstance(error, InputError):
        label = FIELD_LABELS.get(error.field, error.field.replace("_", " "))
        return {error.field: f"{label}: {error.message.split(': ', 1)[-1]}"}
    if isinstance(error, UnknownInstrument):
        return {"outcome_instrument": str(error)}
    return {"": str(error)}


async def _episode_form(
    request: Request, context: ContextDep, actor: WebActor, patient_id: int
) -> tuple[int, dict[str, str]]:
    values = form_strings(await request.form())
    require_own(get_patient(context, actor, patient_id), actor)
    episode = current_episode(context, actor, patient_id)
    if episode is None:
        raise NotFound("episode of patient", patient_id)
    return episode.id, values


@router.post(ROUTES["episode_close"], response_class=HTMLResponse)
async def close_patient_episode(
    request: Request, context: ContextDep, actor: WebActor, _csrf: CsrfProtected, patient_id: int
) -> Response:
    """Close the open episode: reason, end date, note; final measures by default."""
    episode_id, values = await _episode_form(request, context, actor, patient_id)
    try:
        data = EpisodeClose(
            end_reason=values.get("end_reason", ""),
            ended_on=parse_date(values["ended_on"], "ended_on") if values.get("ended_on") else None,
            note=values.get("note") or None,
        )
        close_episode(context, actor, episode_id, data)
    except (ValidationError, InputError, Conflict) as error:
        submitted = EpisodeFormInput("close", values, _refused(error))
        status = 409 if isinstance(error, Conflict) else 422
        return patient_page_response(
            request, context, actor, patient_id, episode_input=submitted, status_code=status
        )
    return redirect(request, url("patient", patient_id=patient_id), saved="closed")


@router.post(ROUTES["episode_new"], response_class=HTMLResponse)
async def start_patient_episode(
    request: Request, context: ContextDep, actor: WebActor, _csrf: CsrfProtected, patient_id: int
) -> Response:
    """Start a new episode once the last one has ended (one open episode at a time)."""
    values = form_strings(await request.form())
    require_own(get_patient(context, actor, patient_id), actor)
    try:
        data = EpisodeCreate(
            started_on=parse_date(values["started_on"], "started_on")
            if values.get("started_on")
            else None,
            outcome_instrument=values.get("outcome_instrument") or "phq9",
            alliance_instrument=values.get("alliance_instrument") or None,
        )
        start_episode(context, actor, patient_id, data)
    except (ValidationError, InputError, UnknownInstrument, Conflict) as error:
        submitted = EpisodeFormInput("new", values, _refused(error))
        status = 409 if isinstance(error, Conflict) else 422
        return patient_page_response(
            request, context, actor, patient_id, episode_input=submitted, status_code=status
        )
    return redirect(request, url("patient", patient_id=patient_id), saved="new_episode")


@router.post(ROUTES["episode_reopen"], response_class=HTMLResponse)
async def reopen_patient_episode(
    request: Request, context: ContextDep, actor: WebActor, _csrf: CsrfProtected, patient_id: int
) -> Response:
    """Reopen the patient's closed episode with a reason."""
    episode_id, values = await _episode_form(request, context, actor, patient_id)
    try:
        reopen_episode(context, actor, episode_id, EpisodeReopen(reason=values.get("reason", "")))
    except (ValidationError, InputError, Conflict) as error:
        submitted = EpisodeFormInput("reopen", values, _refused(error))
        status = 409 if isinstance(error, Conflict) else 422
        return patient_page_response(
            request, context, actor, patient_id, episode_input=submitted, status_code=status
        )
    return redirect(request, url("patient", patient_id=patient_id), saved="reopened")
