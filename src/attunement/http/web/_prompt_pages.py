"""Marking a clinical-support prompt discussed from the patient page (HTTP only).

The service (``services.mark_prompt_discussed``) checks the prompt is one the episode's
status shows, stores and audits the mark (an undo is a new entry); a refused mark comes
back on the patient page naming the problem. The same mark twice stores nothing new.
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
from attunement.monitoring import support_prompt_titles
from attunement.services import (
    EpisodeClosed,
    PromptDiscussionCreate,
    get_patient,
    mark_prompt_discussed,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_DISCUSSED = {"1": True, "0": False}


@router.post(ROUTES["prompt_discussed"], response_class=HTMLResponse)
async def mark_discussed(
    request: Request,
    context: ContextDep,
    actor: WebActor,
    _csrf: CsrfProtected,
    patient_id: int,
    domain: str,
) -> Response:
    """Mark the prompt discussed (``discussed=1``) or undo the mark (``discussed=0``)."""
    values = form_strings(await request.form())
    require_own(get_patient(context, actor, patient_id), actor)
    try:
        discussed = _DISCUSSED.get(values.get("discussed", ""))
        if discussed is None:
            raise InputError("discussed", values.get("discussed", ""), ["1", "0"])
        episode = values.get("episode_id", "")
        if not episode.isdigit():
            raise InputError("episode_id", episode, "the episode's number")
        mark_prompt_discussed(
            context, actor, int(episode), domain, PromptDiscussionCreate(discussed=discussed)
        )
    except (InputError, EpisodeClosed) as error:
        return patient_page_response(
            request,
            context,
            actor,
            patient_id,
            prompt_problem=_problem(error, domain),
            status_code=422,
        )
    saved = "discussed" if discussed else "undiscussed"
    return redirect(request, url("patient", patient_id=patient_id), saved=saved)


def _problem(error: InputError | EpisodeClosed, domain: str) -> str:
    """The refusal in the page's words (the form's labels, never a field id)."""
    if isinstance(error, EpisodeClosed):
        return f"Not marked: {error.message}"
    if error.field == "domain":
        title = support_prompt_titles().get(domain, "This prompt")
        return (
            f"Not marked: “{title}” is not one of the support prompts shown for this patient "
            "now, so there is nothing to mark."
        )
    return "Not marked: the form was incomplete; reload the page and use its buttons."
