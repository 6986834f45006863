""" "Was this part of the plan followed?" on the patient page (HTTP only, issue 15).

The service (``services.record_plan_adherence``) checks the dimension is one the episode's
plan tailors (or rupture repair after an alliance alert), stores and audits the record (a
change is a new entry, the latest counts); a refused record comes back on the patient page
naming the problem in the form's words (the rows: :mod:`._adherence_views`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from attunement.errors import InputError
from attunement.http.deps import ContextDep, CsrfProtected, WebActor
from attunement.http.web._clinic_pages import patient_page_response
from attunement.http.web._forms import form_strings
from attunement.http.web._patient_context import require_own
from attunement.http.web._rendering import ROUTES, redirect, url
from attunement.i18n import N_
from attunement.services import (
    PlanAdherenceSet,
    get_patient,
    record_plan_adherence,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_FOLLOWED = {"1": True, "0": False}


@router.post(ROUTES["plan_adherence"], response_class=HTMLResponse)
async def save_adherence(
    request: Request, context: ContextDep, actor: WebActor, _csrf: CsrfProtected, patient_id: int
) -> Response:
    """Record whether one part of the plan was followed (``followed=1`` or ``0``)."""
    values = form_strings(await request.form())
    require_own(get_patient(context, actor, patient_id), actor)
    try:
        followed = _FOLLOWED.get(values.get("followed", ""))
        if followed is None:
            raise InputError("followed", values.get("followed", ""), ["1", "0"])
        episode = values.get("episode_id", "")
        if not episode.isdigit():
            raise InputError("episode_id", episode, "the episode's number")
        data = PlanAdherenceSet(
            dimension=values.get("dimension", "")[:40] or "-",
            followed=followed,
            note=values.get("note") or None,
        )
        record_plan_adherence(context, actor, int(episode), data)
    except (InputError, ValueError) as error:
        return patient_page_response(
            request,
            context,
            actor,
            patient_id,
            adherence_problem=_problem(error),
            status_code=422,
        )
    return redirect(request, url("patient", patient_id=patient_id), saved="adherence")


def _problem(error: Exception) -> str:
    """The refusal in the page's words (the form's labels, never a field id)."""
    if isinstance(error, InputError) and error.field == "followed":
        return N_("Not saved: choose “Followed” or “Not followed”.")
    if isinstance(error, InputError) and error.field == "dimension":
        return N_("Not saved: this is not a part of the patient's current plan.")
    if isinstance(error, ValueError) and "note" in str(error):
        return N_("Not saved: the note is too long or holds characters that cannot be stored.")
    return N_("Not saved: the form was incomplete; reload the page and use its buttons.")
