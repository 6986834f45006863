"""Kiosk / tablet mode: a clinic device handed to one patient for their questionnaires.

The clinician presses "Hand this device to the patient" on the patient page
(``POST /patients/{id}/kiosk``): :func:`attunement.services.start_kiosk` issues a link for
the episode's due questionnaires and ends the clinician's web session; the response drops
the session cookie and sets the kiosk cookie (:data:`KIOSK_COOKIE`, the link's token,
HttpOnly, SameSite=Strict). While it is set, :class:`attunement.http.kiosk.KioskLock`
answers every other address — the clinic pages, the API, sign-in, another link — with a
redirect to ``/kiosk``; the back button and typed URLs end there too. The patient answers at
``/kiosk`` and reads ``/kiosk/done`` (crisis resources or thanks, as on a phone); the device
returns to the clinician only with the password of the clinician who handed it over
(``/kiosk/exit``: :func:`attunement.services.end_kiosk`, audited and throttled like a
sign-in), which opens a new web session and lands on the patient's page.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from attunement.errors import AuthenticationError, Forbidden, NotFound
from attunement.http.deps import (
    CSRF_FIELD,
    SESSION_COOKIE,
    ContextDep,
    CsrfProtected,
    WebActor,
    clear_session_cookie,
    set_session_cookie,
    verify_csrf,
)
from attunement.http.kiosk import KIOSK_COOKIE, KIOSK_PATHS
from attunement.http.web._outcome import outcome_page, own_chart_response, shows_own_chart
from attunement.http.web._patient_context import current_episode
from attunement.http.web._rendering import ROUTES, gone_page, redirect, render, url
from attunement.http.web._selfreport_pages import form_page, submit_answers
from attunement.i18n import resolve_language, translate
from attunement.services import (
    TooManyAttempts,
    describe_invitation,
    end_kiosk,
    open_invitation,
    self_report_outcome,
    start_kiosk,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

if {ROUTES[name] for name in ("kiosk", "kiosk_done", "kiosk_chart", "kiosk_exit")} != KIOSK_PATHS:
    raise RuntimeError("the kiosk's pages and the kiosk lock's paths differ")


def _token(request: Request) -> str | None:
    token = request.cookies.get(KIOSK_COOKIE)
    return token[:200] if token else None


@router.post(ROUTES["kiosk_start"])
def kiosk_start(
    request: Request, context: ContextDep, actor: WebActor, _csrf: CsrfProtected, patient_id: int
) -> Response:
    """Lock this device to the patient's due questionnaires; the clinician is signed out."""
    episode = current_episode(context, actor, patient_id)
    if episode is None:
        raise NotFound("episode of patient", patient_id)
    issued = start_kiosk(context, actor, episode.id, request.cookies.get(SESSION_COOKIE, ""))
    response = redirect(request, url("kiosk"))
    clear_session_cookie(request, response)
    response.set_cookie(
        KIOSK_COOKIE,
        issued.token,
        httponly=True,
        secure=bool(request.app.state.secure_cookies),
        samesite="strict",
        path="/",
    )
    return response


def _ended_page(request: Request, token: str, *, error: str | None = None) -> Response:
    """Nothing left to answer (the link expired or was revoked): only the hand-back form."""
    lang = resolve_language(None)
    heading = translate("No questionnaires to answer", lang)
    return render(
        request,
        "selfreport/kiosk_ended.html",
        status_code=401 if error else 200,
        lang=lang,
        title=heading,
        kiosk_exit=url("kiosk_exit"),
        exit_error=error,
        csrf_binding=token,
    )


@router.get(ROUTES["kiosk"], response_class=HTMLResponse)
def kiosk_form(request: Request, context: ContextDep) -> Response:
    """The patient's due questionnaires (after sending: the page that follows)."""
    token = _token(request)
    if token is None:
        return gone_page(request)  # no device handed over (or handed back already)
    try:
        actor = open_invitation(context, token)
    except AuthenticationError:
        try:
            self_report_outcome(context, token)
        except AuthenticationError:
            return _ended_page(request, token)
        return redirect(request, url("kiosk_done"))
    view = describe_invitation(context, actor)
    return form_page(request, token, actor, synthetic=view.synthetic, action=url("kiosk"))


@router.post(ROUTES["kiosk"], response_class=HTMLResponse)
async def kiosk_submit(request: Request, context: ContextDep) -> Response:
    token = _token(request)
    if token is None:
        return gone_page(request)  # no device handed over (or handed back already)
    return await submit_answers(
        request, context, token, action=url("kiosk"), done=url("kiosk_done")
    )


@router.get(ROUTES["kiosk_done"], response_class=HTMLResponse)
def kiosk_done(request: Request, context: ContextDep) -> Response:
    token = _token(request)
    if token is None:
        return gone_page(request)  # no device handed over (or handed back already)
    try:
        outcome = self_report_outcome(context, token, with_chart=shows_own_chart(request))
    except AuthenticationError:
        return _ended_page(request, token)
    return outcome_page(request, context, outcome, kiosk_token=token)


@router.get(ROUTES["kiosk_chart"])
def kiosk_chart(request: Request, context: ContextDep) -> Response:
    """The patient's own outcome chart after sending (where the clinic shows it)."""
    return own_chart_response(request, context, _token(request))


@router.post(ROUTES["kiosk_exit"], response_class=HTMLResponse)
def kiosk_exit(
    request: Request,
    context: ContextDep,
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
) -> Response:
    """The clinician's password gives the device back: a new session, the patient page."""
    token = _token(request)
    if token is None:
        return gone_page(request)  # no device handed over (or handed back already)
    try:
        verify_csrf(request, csrf_token, binding=token)
        back = end_kiosk(
            context,
            token,
            password=password,
            client=request.client.host if request.client else None,
        )
    except (AuthenticationError, Forbidden) as error:
        try:
            outcome = self_report_outcome(context, token)
        except AuthenticationError:
            outcome = None
        lang = resolve_language(outcome.language if outcome else None)
        message = (
            error.message.capitalize() + "."
            if isinstance(error, TooManyAttempts)
            else translate("The password is not right. The device stays locked.", lang)
        )
        if outcome is None:
            return _ended_page(request, token, error=message)
        return outcome_page(
            request, context, outcome, kiosk_token=token, exit_error=message, status_code=401
        )
    response = redirect(request, url("patient", patient_id=back.patient_id))
    set_session_cookie(request, response, back.session)
    response.delete_cookie(KIOSK_COOKIE, path="/")
    return response
