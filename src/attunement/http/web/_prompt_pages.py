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
from attunement.i18n import N_, knowledge_text, resolve_language, translate
from attunement.monitoring import load_end_reasons, support_prompt_titles
from attunement.services import (
    EpisodeClosed,
    PromptDiscussionCreate,
    get_patient,
    mark_prompt_discussed,
)
from attunement.wording import DASH, end_reasons_in

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
            prompt_problem=_problem(error, domain, resolve_language(context.clinic_language)),
            status_code=422,
        )
    saved = "discussed" if discussed else "undiscussed"
    return redirect(request, url("patient", patient_id=patient_id), saved=saved)


def _problem(error: InputError | EpisodeClosed, domain: str, language: str) -> str:
    """The refusal in the page's words and language (the form's labels, never a field id)."""
    if isinstance(error, EpisodeClosed):
        reasons = end_reasons_in(load_end_reasons(), language)
        return translate(
            N_(
                "Not marked: this episode was closed on %(date)s (%(reason)s) and is "
                "read-only; reopen it (with a reason) or start a new episode to record more."
            ),
            language,
            date=error.ended_on.isoformat() if error.ended_on else DASH,
            reason=reasons.label(error.end_reason)
            if error.end_reason
            else translate(N_("closed"), language),
        )
    if error.field == "domain":
        title = support_prompt_titles().get(domain)
        return translate(
            N_(
                "Not marked: “%(title)s” is not one of the support prompts shown for this "
                "patient now, so there is nothing to mark."
            ),
            language,
            title=knowledge_text(title, language)
            if title
            else translate(N_("This prompt"), language),
        )
    return translate(
        N_("Not marked: the form was incomplete; reload the page and use its buttons."),
        language,
    )
