"""The signed-in user's notifications page: what waits, acknowledge, and channel choices.

The badge beside "Notifications" in the page frame (:func:`._rendering.render`) counts what
waits, risk first. Acknowledging says "I have seen it"; the risk event itself stays pinned
on the caseload and the patient page until a risk response is recorded. The services decide
everything (:mod:`attunement.services._notifications`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from attunement.http.deps import ContextDep, CsrfProtected, WebActor
from attunement.http.web._rendering import ROUTES, Viewer, redirect, render, url
from attunement.i18n import N_, translate
from attunement.notifications import ALWAYS_IN_APP, NotificationChannels, NotificationKind
from attunement.services import (
    NotificationEmailSet,
    acknowledge_notification,
    list_notifications,
    notification_preferences,
    set_notification_email,
    set_notification_preferences,
)

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

#: How the preferences form names each kind (the channels are "In the app" and "By e-mail").
KIND_LABELS = {
    NotificationKind.RISK: N_("Risk answers that arrive without you present"),
    NotificationKind.RISK_ESCALATED: N_("Unacknowledged risk notifications of supervisees"),
    NotificationKind.MEASURES_MISSED: N_("Questionnaires not completed"),
    NotificationKind.WEEKLY_DIGEST: N_("Weekly caseload summary"),
}
_SAVED = {
    "preferences": N_("Your notification choices are saved."),
    "email": N_("Your address for notification e-mails is saved."),
    "acknowledged": N_(
        "Marked as seen. An open risk event stays on the caseload until a risk "
        "response is recorded."
    ),
}


def _page(
    request: Request,
    context: ContextDep,
    actor: WebActor,
    *,
    show_all: bool,
    email_input: str | None = None,
    email_error: str | None = None,
) -> HTMLResponse:
    lang = context.clinic_language
    notices = list_notifications(context, actor, include_acknowledged=show_all, language=lang)
    chosen = notification_preferences(context, actor)
    preferences = chosen.channels
    saved = _SAVED.get(request.query_params.get("saved", ""))
    return render(
        request,
        "pages/notifications.html",
        status_code=422 if email_error else 200,
        title=translate(N_("Notifications"), lang),
        viewer=Viewer.of(actor),
        nav="notifications",
        lang=lang,
        notices=notices,
        show_all=show_all,
        preferences=[
            (kind, translate(KIND_LABELS[kind], lang), preferences[kind])
            for kind in NotificationKind
        ],
        notice=translate(saved, lang) if saved else None,
        email=chosen.email if email_input is None else email_input,
        email_error=email_error,
    )


@router.get(ROUTES["notifications"], response_class=HTMLResponse)
def notifications_page(
    request: Request, context: ContextDep, actor: WebActor, show: str = "waiting"
) -> Response:
    """What waits for the user (``?show=all``: everything, newest first) and their choices."""
    return _page(request, context, actor, show_all=show == "all")


@router.post(ROUTES["notification_acknowledge"], response_class=HTMLResponse)
def acknowledge(
    request: Request,
    context: ContextDep,
    actor: WebActor,
    _csrf: CsrfProtected,
    notification_id: int,
) -> Response:
    """Mark one notification as seen (again: nothing changes; another's: not found)."""
    acknowledge_notification(context, actor, notification_id)
    return redirect(request, url("notifications"), saved="acknowledged")


@router.post(ROUTES["notification_preferences"], response_class=HTMLResponse)
async def save_preferences(
    request: Request, context: ContextDep, actor: WebActor, _csrf: CsrfProtected
) -> Response:
    """Store the ticked channels of every kind (a box left unticked is off; the in-app box
    of a risk kind is fixed on, as the services require)."""
    form = await request.form()
    chosen = {
        kind: NotificationChannels(
            in_app=kind in ALWAYS_IN_APP or form.get(f"{kind.value}.in_app") == "on",
            email=form.get(f"{kind.value}.email") == "on",
        )
        for kind in NotificationKind
    }
    set_notification_preferences(context, actor, chosen)
    return redirect(request, url("notifications"), saved="preferences")


@router.post(ROUTES["notification_email"], response_class=HTMLResponse)
async def save_email(
    request: Request, context: ContextDep, actor: WebActor, _csrf: CsrfProtected
) -> Response:
    """Store the user's own address for notification e-mails (empty: remove it)."""
    form = await request.form()
    typed = str(form.get("email") or "").strip()
    try:
        data = NotificationEmailSet(email=typed or None)
    except ValidationError:
        lang = context.clinic_language
        message = translate(
            N_("E-mail address: “%(value)s” is not an address; give one like name@example.org."),
            lang,
            value=typed[:80],
        )
        return _page(
            request, context, actor, show_all=False, email_input=typed, email_error=message
        )
    set_notification_email(context, actor, data)
    return redirect(request, url("notifications"), saved="email")
