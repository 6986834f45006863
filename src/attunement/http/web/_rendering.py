"""Rendering a page: the route table, the common template context, redirects, error pages.

Every page goes through :func:`render`, which adds what the frame needs (the signed-in
user, the CSRF field of the app's mechanism, the language, the SYNTHETIC banner flag) and
the ``url()`` helper built on :data:`ROUTES`, the one table of page paths that both the
route decorators and the templates use.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Final
from urllib.parse import quote, urlencode

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from attunement.http._idempotency import FORM_TOKEN_FIELD
from attunement.http.deps import CSRF_FIELD, csrf_token_for, get_context
from attunement.http.web._display import status_words
from attunement.http.web._drafts import keep_posted_form
from attunement.http.web._templates import render as render_template
from attunement.i18n import N_, languages, resolve_language, translate
from attunement.i18n.jinja import template_functions
from attunement.security import csrf_token
from attunement.services import UserActor, waiting_notifications

__all__ = [
    "ROUTES",
    "Viewer",
    "clinic_words",
    "error_page",
    "is_htmx",
    "redirect",
    "render",
    "url",
]

#: Every page path, by name (decorators, templates and tests use these names).
ROUTES: Final[dict[str, str]] = {
    "home": "/",
    "login": "/login",
    "logout": "/logout",
    "admin": "/admin",
    "caseload": "/caseload",
    "patient_new": "/patients/new",
    "patient": "/patients/{patient_id}",
    "intake": "/patients/{patient_id}/intake",
    "preference_row": "/patients/{patient_id}/intake/preference-row",
    "intake_instrument": "/patients/{patient_id}/intake/questionnaires/{instrument_id}",
    "session_new": "/patients/{patient_id}/session",
    "session_edit": "/patients/{patient_id}/sessions/{number}/edit",
    "session_void": "/patients/{patient_id}/sessions/{number}/void",
    "administration_correct": "/patients/{patient_id}/administrations/{administration_id}/correct",
    "administration_void": "/patients/{patient_id}/administrations/{administration_id}/void",
    "invite": "/patients/{patient_id}/invitations",
    "episode_close": "/patients/{patient_id}/episode/close",
    "episode_reopen": "/patients/{patient_id}/episode/reopen",
    "episode_new": "/patients/{patient_id}/episodes/new",
    "episode_chart": "/patients/{patient_id}/episodes/{episode_id}/charts/{kind}.svg",
    "risk_response": "/patients/{patient_id}/risk-response",
    "notifications": "/notifications",
    "notification_acknowledge": "/notifications/{notification_id}/acknowledge",
    "notification_preferences": "/notifications/preferences",
    "notification_email": "/notifications/email",
    "prompt_discussed": "/patients/{patient_id}/prompts/{domain}/discussed",
    "plan_adherence": "/patients/{patient_id}/plan-adherence",
    "patient_demographics": "/patients/{patient_id}/demographics",
    "self_report": "/self-report/{token}",
    "self_report_done": "/self-report/{token}/done",
    "kiosk_start": "/patients/{patient_id}/kiosk",
    "kiosk": "/kiosk",
    "kiosk_done": "/kiosk/done",
    "kiosk_exit": "/kiosk/exit",
    "self_report_chart": "/self-report/{token}/chart.svg",
    "kiosk_chart": "/kiosk/chart.svg",
    "due_list": "/due",
    "link_revoke": "/links/{link_id}/revoke",
    "episode_links": "/episodes/{episode_id}/links",
    "episode_schedule": "/episodes/{episode_id}/schedule",
    "clinic_settings": "/admin/clinic-settings",
    "opt_out": "/opt-out/{token}",
    "static": "/static/{name}",
}


def url(name: str, /, **params: object) -> str:
    """The path of page ``name`` with its parameters filled in (each one URL-quoted)."""
    return ROUTES[name].format(**{key: quote(str(value), safe="") for key, value in params.items()})


_ROLE_LABELS = {"admin": N_("admin"), "supervisor": N_("supervisor"), "clinician": N_("clinician")}


@dataclass(frozen=True)
class Viewer:
    """The signed-in user as the page frame shows them."""

    user_id: int
    username: str
    role: str
    treats_patients: bool

    @classmethod
    def of(cls, actor: UserActor) -> Viewer:
        return cls(actor.user_id, actor.username, actor.role, actor.treats_patients)

    @property
    def display_name(self) -> str:
        return self.username

    @property
    def role_label(self) -> str:
        """The role as the page frame names it (a message id: the template translates it)."""
        if self.role == "admin" and self.treats_patients:
            return N_("admin and clinician")
        return _ROLE_LABELS.get(self.role, self.role)

    @property
    def sees_caseload(self) -> bool:
        return self.treats_patients

    @property
    def can_register(self) -> bool:
        return self.treats_patients


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _csrf_input(token: str) -> Callable[[], Markup]:
    """The CSRF field and a fresh one-time ``form_token``: a form submitted twice (a double
    click, a double tap) is stored once and both answers show the first result (issue 12;
    :mod:`attunement.http._idempotency`)."""

    def field() -> Markup:
        return Markup(
            '<input type="hidden" name="{}" value="{}"><input type="hidden" name="{}" value="{}">'
        ).format(CSRF_FIELD, token, FORM_TOKEN_FIELD, secrets.token_urlsafe(18))

    return field


def clinic_words(request: Request, message: str, /, **values: object) -> str:
    """``message`` (marked with ``N_``) in the clinic's language, ``%(name)s`` filled from
    ``values``: a clinician page's title, which the frame shows as it is given."""
    return translate(message, resolve_language(get_context(request).clinic_language), **values)


def render(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    viewer: Viewer | None = None,
    lang: str | None = None,
    synthetic: bool = False,
    csrf_binding: str | None = None,
    with_csrf: bool = True,
    **context: Any,
) -> HTMLResponse:
    """Render ``template`` as a full page (or partial) with the common context.

    ``lang``: the page's language; a patient's page passes the patient's, every other page
    is in the clinic's. The CSRF token is the app's: bound to the session (or a pre-session
    cookie set here), or to ``csrf_binding`` for forms bound to something else (a patient's
    invitation).
    """
    if lang is None:  # a clinician's page: in the clinic's language (ATTUNE_CLINIC_LANGUAGE)
        lang = resolve_language(get_context(request).clinic_language)
    cookies = Response()
    if not with_csrf:
        token = ""
    elif csrf_binding is not None:
        token = csrf_token(get_context(request).signing_key, csrf_binding)
    else:
        token = csrf_token_for(request, cookies)
    values: dict[str, Any] = {
        "request": request,
        "viewer": viewer,
        "lang": lang,
        "synthetic": synthetic,
        "csrf_input": _csrf_input(token),
        "idle_seconds": int(get_context(request).policy.session_idle.total_seconds()),
        "url": url,
        **template_functions(lang),
        "status_words": partial(status_words, language=lang),
        "title": "",
        "nav": None,
        "notice": None,
        "errors": [],
        "field_errors": {},
    }
    if viewer is not None:  # the frame's badge: what waits for the user, and of it risk
        values["waiting"] = waiting_notifications(get_context(request), viewer.user_id)
    values.update(context)
    response = HTMLResponse(render_template(template, values), status_code=status_code)
    for header in cookies.headers.getlist("set-cookie"):
        response.headers.append("set-cookie", header)
    return response


def redirect(request: Request, path: str, **query: str) -> Response:
    """303 to ``path`` (htmx requests get ``HX-Redirect`` so the whole page changes)."""
    target = f"{path}?{urlencode(query)}" if query else path
    if is_htmx(request):
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


_HEADINGS = {  # message ids: the error page translates them
    400: N_("The request was not understood"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    409: N_("This clashes with what is stored"),
    422: N_("Please check the input"),
    429: N_("Too many attempts"),
    503: N_("The database is not available"),
}


def error_page(request: Request, status: int, body: dict[str, Any]) -> Response:
    """The page for an error outside ``/api`` (installed as ``app.state.page_errors``).

    401 on a clinic page sends the browser to sign in (and back afterwards); a patient's
    link that no longer works gets its own page in both languages, since its language is
    not known any more.
    """
    path = request.url.path
    if status == 401:
        if path.startswith("/self-report/"):
            return gone_page(request)
        kept = keep_posted_form(request)  # a clinic form posted too late: kept (issue 12)
        if kept is not None:
            return redirect(request, url("login"), next=kept, expired="1")
        query = {"next": path} if request.method == "GET" and path != "/" else {}
        if request.cookies.get("attune_session"):
            query["expired"] = "1"
        return redirect(request, url("login"), **query)
    lang = resolve_language(get_context(request).clinic_language)
    heading = translate(_HEADINGS.get(status, N_("Something went wrong")), lang)
    if status == 404:
        message = translate(
            N_("There is no such page, or the record is not on your caseload."), lang
        )
    elif status >= 500 and status != 503:
        message = translate(
            N_("The error was recorded without any patient data. Please try again."), lang
        )
    else:  # the refusal's own words (they may quote a value, so never a message id)
        message = str(body.get("detail") or heading)
    return render(
        request,
        "pages/error.html",
        status_code=status,
        title=heading,
        heading=heading,
        message=message,
        selfreport=path.startswith("/self-report"),
    )


_GONE_HEADING = N_("This link cannot be used")
_GONE = N_(
    "The link has already been used, has expired or is not valid. "
    "Please ask your clinician for a new one."
)


def gone_page(request: Request) -> HTMLResponse:
    """A spent, expired or unknown invitation link (every page language: unknown which)."""
    return render(
        request,
        "selfreport/gone.html",
        status_code=410,
        with_csrf=False,
        title=_GONE_HEADING,
        texts=[
            (lang, translate(_GONE_HEADING, lang), translate(_GONE, lang)) for lang in languages()
        ],
    )
