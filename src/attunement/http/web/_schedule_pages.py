"""Scheduled measurement pages (issue 14): the clinician's due list (revoke a link there),
the admin's clinic-settings form, and the patient's opt-out page behind a message's link.

The opt-out page is patient-facing (in the message's language); the token in the path is
its only credential, and a POST opts out (RFC 8058 one-click POSTs come from mail clients
without a form, so no CSRF token is asked: the unguessable token is the proof).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from attunement.errors import AuthenticationError, InputError
from attunement.http.deps import ContextDep, CsrfProtected, WebActor
from attunement.http.web._forms import form_strings
from attunement.http.web._rendering import ROUTES, Viewer, clinic_words, redirect, render, url
from attunement.i18n import N_, languages, resolve_language, translate
from attunement.services import (
    ClinicSettingsUpdate,
    DueFilter,
    EpisodeScheduleSet,
    PatientContactSet,
    due_list,
    get_clinic_settings,
    get_episode_schedule,
    get_patient_contact,
    list_links,
    opt_out,
    revoke_link,
    set_episode_schedule,
    set_patient_contact,
    update_clinic_settings,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_STATES = ("overdue", "due", "completed", "revoked")
_OPT_OUT_HEADING = N_("Stop messages from your clinic")
_OPT_OUT_QUESTION = N_(
    "Do you want to stop receiving questionnaire invitations and reminders by e-mail?"
)
_OPT_OUT_BUTTON = N_("Stop these messages")
_OPTED_OUT = N_(
    "You will not receive these messages any more. "
    "If you change your mind, please tell your clinic."
)
_OPT_OUT_INVALID = N_("This link is not valid.")


@router.get(ROUTES["due_list"], response_class=HTMLResponse)
def due_page(request: Request, context: ContextDep, actor: WebActor) -> Response:
    """Scheduled measurements: overdue, due, completed, revoked; delivery problems shown."""
    query = request.query_params
    state = query.get("state") or None
    page = query.get("page", "1")
    try:
        wanted = DueFilter.model_validate(
            {"state": state, "page": int(page) if page.isdigit() else page}
        )
    except ValidationError:
        raise InputError("state", state, ", ".join(_STATES)) from None
    result = due_list(context, actor, wanted)
    return render(
        request,
        "pages/due.html",
        title=clinic_words(request, N_("Due questionnaires")),
        viewer=Viewer.of(actor),
        nav="due",
        result=result,
        wanted=wanted,
        states=_STATES,
        synthetic=any(e.synthetic for e in result.entries),
    )


def _links_page(
    request: Request,
    context: ContextDep,
    actor: WebActor,
    episode_id: int,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    links = list_links(context, actor, episode_id)
    schedule = get_episode_schedule(context, actor, episode_id)
    return render(
        request,
        "pages/links.html",
        status_code=status_code,
        title=clinic_words(request, N_("Questionnaire links")),
        viewer=Viewer.of(actor),
        nav="due",
        links=links,
        episode_id=episode_id,
        schedule=schedule,
        contact=get_patient_contact(context, actor, schedule.patient_id),
        error=error,
    )


@router.get(ROUTES["episode_links"], response_class=HTMLResponse)
def links_page(request: Request, context: ContextDep, actor: WebActor, episode_id: int) -> Response:
    """The episode's schedule and the patient's contact (a form), and every self-report link of
    the episode (scheduled or by hand), open ones revocable."""
    return _links_page(request, context, actor, episode_id)


@router.post(ROUTES["episode_schedule"], response_class=HTMLResponse)
async def schedule_save(
    request: Request, context: ContextDep, actor: WebActor, _csrf: CsrfProtected, episode_id: int
) -> Response:
    """Save the patient's e-mail address, mobile number, preferred channel and the
    episode's schedule; a bad value re-shows
    the form naming the field and the value."""
    values = form_strings(await request.form())
    mode = values.get("mode", "").strip()
    try:
        contact = PatientContactSet.model_validate(
            {
                "email": values.get("email", "").strip() or None,
                "phone": values.get("phone", "").strip() or None,
                "preferred_channel": values.get("preferred_channel", "").strip() or "email",
            }
        )
        schedule = EpisodeScheduleSet.model_validate(
            {
                "mode": None if mode in ("", "clinic_default") else mode,
                "interval_days": values.get("interval_days", "").strip() or None,
                "next_session_on": values.get("next_session_on", "").strip() or None,
            }
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        shown = values.get(field, "")
        message = f"{field}: {shown!r} — {first['msg']}"
        return _links_page(request, context, actor, episode_id, error=message, status_code=422)
    view = set_episode_schedule(context, actor, episode_id, schedule)
    set_patient_contact(context, actor, view.patient_id, contact)
    return redirect(request, url("episode_links", episode_id=episode_id))


@router.post(ROUTES["link_revoke"], response_class=HTMLResponse)
def revoke_page(
    request: Request, context: ContextDep, actor: WebActor, _csrf: CsrfProtected, link_id: int
) -> Response:
    """Revoke a link, then show the episode's links again."""
    revoked = revoke_link(context, actor, link_id)
    return redirect(request, url("episode_links", episode_id=revoked.episode_id))


def _settings_page(
    request: Request,
    context: ContextDep,
    actor: WebActor,
    *,
    error: str | None = None,
    saved: bool = False,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "pages/clinic_settings.html",
        status_code=status_code,
        title=clinic_words(request, N_("Clinic settings")),
        viewer=Viewer.of(actor),
        nav="admin",
        settings=get_clinic_settings(context, actor),
        error=error,
        saved=saved,
    )


@router.get(ROUTES["clinic_settings"], response_class=HTMLResponse)
def clinic_settings_page(request: Request, context: ContextDep, actor: WebActor) -> Response:
    return _settings_page(request, context, actor)


def _as_number(given: dict[str, object], name: str) -> None:
    """The form's text of a number of days as the number the settings take (the API takes
    JSON integers only); anything else stays text, which the settings refuse by name."""
    value = given[name]
    if isinstance(value, str) and value.isdecimal():
        given[name] = int(value)


@router.post(ROUTES["clinic_settings"], response_class=HTMLResponse)
async def clinic_settings_save(
    request: Request, context: ContextDep, actor: WebActor, _csrf: CsrfProtected
) -> Response:
    """Save the form (admins only); a bad value re-shows the form naming field and value."""
    values = form_strings(await request.form())
    fields = (
        "link_expiry_days",
        "reminder_after_days",
        "schedule_mode",
        "schedule_interval_days",
        "send_lead_days",
        "digest_weekday",
    )
    given: dict[str, object] = {name: values.get(name, "").strip() for name in fields}
    if given["reminder_after_days"] in ("", "none"):
        given["reminder_after_days"] = None
    if given["digest_weekday"] == "":  # a form without the field changes nothing
        given["digest_weekday"] = None
    for name in (
        "link_expiry_days",
        "reminder_after_days",
        "schedule_interval_days",
        "send_lead_days",
    ):
        _as_number(given, name)
    try:
        change = ClinicSettingsUpdate.model_validate(given)
        update_clinic_settings(context, actor, change)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        message = f"{field}: {given.get(field)!r} — {first['msg']}"
        return _settings_page(request, context, actor, error=message, status_code=422)
    except InputError as exc:
        return _settings_page(request, context, actor, error=exc.message, status_code=422)
    return _settings_page(request, context, actor, saved=True)


def _opt_out_page(
    request: Request, lang: str, *, token: str | None, done: bool, status_code: int = 200
) -> Response:
    return render(
        request,
        "selfreport/opt_out.html",
        status_code=status_code,
        lang=lang,
        with_csrf=False,
        title=translate(_OPT_OUT_HEADING, lang),
        heading=translate(_OPT_OUT_HEADING, lang),
        question=translate(_OPT_OUT_QUESTION, lang),
        button=translate(_OPT_OUT_BUTTON, lang),
        done_text=translate(_OPTED_OUT, lang),
        action=url("opt_out", token=token) if token else None,
        done=done,
    )


@router.get(ROUTES["opt_out"], response_class=HTMLResponse)
def opt_out_question(request: Request, token: str) -> Response:
    """Ask first (a link scanner following the URL must not opt the patient out)."""
    lang = resolve_language(request.query_params.get("lang"))
    return _opt_out_page(request, lang, token=token[:200], done=False)


@router.post(ROUTES["opt_out"], response_class=HTMLResponse)
def opt_out_confirm(request: Request, context: ContextDep, token: str) -> Response:
    try:
        language = opt_out(context, token[:200])
    except AuthenticationError:
        texts = [translate(_OPT_OUT_INVALID, lang) for lang in languages()]
        return render(
            request,
            "selfreport/opt_out.html",
            status_code=410,
            with_csrf=False,
            title=texts[0],
            heading=texts[0],
            invalid=texts,
            done=False,
            action=None,
        )
    return _opt_out_page(request, resolve_language(language), token=None, done=True)
