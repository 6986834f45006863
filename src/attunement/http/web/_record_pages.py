"""Edit or void a recorded session, void an administration (issue 12; HTTP only).

Creating a session never merges into a recorded one (:mod:`._session_pages` links here
instead); the edit page changes date, attendance and rupture markers with a reason, and
offers to void the session. The patient page's history voids one administration or opens
its correction form (the answers as stored, to change, and a reason). Every
change goes through the services (``edit_session``, ``void_session``,
``void_administration``), which keep the original and audit it; a refusal comes back as a
page naming the field and what is allowed.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from attunement.errors import InputError, InvalidAnswer, NotFound
from attunement.http.deps import ContextDep, CsrfProtected, WebActor
from attunement.http.web._clinic_pages import current_episode, require_own
from attunement.http.web._forms import (
    SESSION_LABELS,
    AnswerEntry,
    form_list,
    form_strings,
    labelled,
    parse_date,
    read_answers,
)
from attunement.http.web._patient_context import render_patient_page
from attunement.http.web._questionnaires import definition_or_none, questionnaire_view
from attunement.http.web._rendering import ROUTES, clinic_words, redirect, url
from attunement.http.web._session_pages import MARKERS
from attunement.i18n import N_
from attunement.services import (
    AdministrationCorrection,
    AdministrationPublic,
    TherapySessionPublic,
    TherapySessionUpdate,
    VoidRequest,
    correct_administration,
    edit_session,
    get_patient,
    get_session,
    list_administrations,
    void_administration,
    void_session,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _reason(values: dict[str, str], *, required: bool) -> str | None:
    reason = values.get("reason", "").strip()
    if not reason and not required:
        return None
    if not 3 <= len(reason) <= 500:
        raise InputError("reason", reason, "a reason of 3 to 500 characters")
    return reason


def _page(
    request: Request,
    actor: WebActor,
    patient_id: int,
    visit: TherapySessionPublic,
    *,
    form: dict[str, str],
    error: str | None = None,
    status_code: int = 200,
    context: ContextDep,
) -> Response:
    patient = get_patient(context, actor, patient_id)
    return render_patient_page(
        request,
        "pages/session_edit.html",
        patient,
        actor,
        status_code=status_code,
        title=clinic_words(
            request,
            N_("Edit session %(number)s: %(name)s"),
            number=visit.number,
            name=patient.display_name,
        ),
        visit=visit,
        form=form,
        markers=[(v, text, v in visit.rupture_markers) for v, text in MARKERS],
        error=error,
    )


def _episode_id(context: ContextDep, actor: WebActor, patient_id: int) -> int:
    patient = get_patient(context, actor, patient_id)
    require_own(patient, actor)
    episode = current_episode(context, actor, patient_id)
    if episode is None:
        raise NotFound("episode of patient", patient_id)
    return episode.id


@router.get(ROUTES["session_edit"], response_class=HTMLResponse)
def session_edit_page(
    request: Request, context: ContextDep, actor: WebActor, patient_id: int, number: int
) -> Response:
    visit = get_session(context, actor, _episode_id(context, actor, patient_id), number)
    form = {"held_on": visit.held_on.isoformat(), "attended": "yes" if visit.attended else "no"}
    return _page(request, actor, patient_id, visit, form=form, context=context)


@router.post(ROUTES["session_edit"], response_class=HTMLResponse)
async def save_session_edit(
    request: Request,
    context: ContextDep,
    actor: WebActor,
    _csrf: CsrfProtected,
    patient_id: int,
    number: int,
) -> Response:
    submitted = await request.form()
    values = form_strings(submitted)
    episode_id = _episode_id(context, actor, patient_id)
    markers = [m for m in form_list(submitted, "marker") if m in dict(MARKERS)]
    try:
        data = TherapySessionUpdate(
            held_on=parse_date(values.get("held_on", ""), "held_on"),
            attended=values.get("attended", "yes") != "no",
            rupture_markers=markers,
            reason=_reason(values, required=False),
        )
        edit_session(context, actor, episode_id, number, data)
    except InputError as error:
        visit = get_session(context, actor, episode_id, number)
        return _page(
            request,
            actor,
            patient_id,
            visit,
            form=values,
            error=labelled(error, SESSION_LABELS),
            status_code=422,
            context=context,
        )
    return redirect(request, url("patient", patient_id=patient_id), saved="session")


@router.post(ROUTES["session_void"], response_class=HTMLResponse)
async def void_session_form(
    request: Request,
    context: ContextDep,
    actor: WebActor,
    _csrf: CsrfProtected,
    patient_id: int,
    number: int,
) -> Response:
    values = form_strings(await request.form())
    episode_id = _episode_id(context, actor, patient_id)
    reason = _reason(values, required=True) or ""
    void_session(context, actor, episode_id, number, VoidRequest(reason=reason))
    return redirect(request, url("patient", patient_id=patient_id), saved="voided")


@router.post(ROUTES["administration_void"], response_class=HTMLResponse)
async def void_administration_form(
    request: Request,
    context: ContextDep,
    actor: WebActor,
    _csrf: CsrfProtected,
    patient_id: int,
    administration_id: int,
) -> Response:
    values = form_strings(await request.form())
    _episode_id(context, actor, patient_id)
    reason = _reason(values, required=True) or ""
    void_administration(context, actor, administration_id, VoidRequest(reason=reason))
    return redirect(request, url("patient", patient_id=patient_id), saved="voided")


def _live_administration(
    context: ContextDep, actor: WebActor, episode_id: int, administration_id: int
) -> AdministrationPublic:
    for administration in list_administrations(context, actor, episode_id):
        if administration.id == administration_id:
            return administration
    raise NotFound("administration", administration_id)


def _correction_page(
    request: Request,
    context: ContextDep,
    actor: WebActor,
    patient_id: int,
    administration: AdministrationPublic,
    *,
    raw: dict[str, str],
    errors: dict[str, str] | None = None,
    reason: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    definition = definition_or_none(administration.instrument)
    if definition is None:
        raise NotFound("instrument definition", administration.instrument)
    patient = get_patient(context, actor, patient_id)
    return render_patient_page(
        request,
        "pages/administration_correct.html",
        patient,
        actor,
        status_code=status_code,
        title=clinic_words(
            request,
            N_("Correct %(instrument)s: %(name)s"),
            instrument=definition.short_name,
            name=patient.display_name,
        ),
        administration=administration,
        q=questionnaire_view(definition, language="en", raw=raw, errors=errors),
        reason=reason,
        error=error,
    )


@router.get(ROUTES["administration_correct"], response_class=HTMLResponse)
def correction_page(
    request: Request, context: ContextDep, actor: WebActor, patient_id: int, administration_id: int
) -> Response:
    episode_id = _episode_id(context, actor, patient_id)
    administration = _live_administration(context, actor, episode_id, administration_id)
    definition = definition_or_none(administration.instrument)
    items = definition.items if definition is not None else ()
    raw = {
        item.id: "" if value is None else str(value)
        for item, value in zip(items, administration.answers, strict=False)
    }
    return _correction_page(request, context, actor, patient_id, administration, raw=raw)


@router.post(ROUTES["administration_correct"], response_class=HTMLResponse)
async def save_correction(
    request: Request,
    context: ContextDep,
    actor: WebActor,
    _csrf: CsrfProtected,
    patient_id: int,
    administration_id: int,
) -> Response:
    values = form_strings(await request.form())
    episode_id = _episode_id(context, actor, patient_id)
    administration = _live_administration(context, actor, episode_id, administration_id)
    definition = definition_or_none(administration.instrument)
    if definition is None:
        raise NotFound("instrument definition", administration.instrument)
    entry: AnswerEntry = read_answers(values, definition)
    reason = values.get("reason", "").strip()

    def again(message: str | None) -> Response:  # nothing was stored
        return _correction_page(
            request,
            context,
            actor,
            patient_id,
            administration,
            raw=entry.raw,
            errors=entry.errors,
            reason=reason,
            error=message,
            status_code=422,
        )

    if entry.errors:
        return again("correct the answers marked below.")
    try:
        checked = _reason(values, required=True) or ""
        correct_administration(
            context,
            actor,
            administration_id,
            AdministrationCorrection(answers=entry.answers, reason=checked, language="en"),
        )
    except (InvalidAnswer, InputError) as error:
        return again(error.message)
    return redirect(request, url("patient", patient_id=patient_id), saved="corrected")
