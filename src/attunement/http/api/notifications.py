"""The signed-in user's notifications: list, count, acknowledge, and channel preferences."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict

from attunement.http._errors import error_responses
from attunement.http.deps import ContextDep, UserActorDep
from attunement.notifications import NotificationChannels, NotificationKind
from attunement.services import (
    NotificationEmailSet,
    NotificationPreferences,
    NotificationPublic,
    acknowledge_notification,
    list_notifications,
    notification_preferences,
    set_notification_email,
    set_notification_preferences,
    waiting_notifications,
)

router = APIRouter(
    prefix="/api/v1/notifications",
    tags=["notifications"],
    responses=error_responses(400, 401, 403, 404, 413, 422, 503),
)


class WaitingNotifications(BaseModel):
    """How many notifications wait for the user, and how many of them are about risk."""

    waiting: int
    risk: int


class NotificationPreferencesUpdate(BaseModel):
    """Channels for the kinds given; kinds left out keep theirs."""

    model_config = ConfigDict(extra="forbid")

    channels: dict[NotificationKind, NotificationChannels]


@router.get("", response_model=list[NotificationPublic])
def notifications(
    context: ContextDep,
    actor: UserActorDep,
    include_acknowledged: bool = False,
    limit: int = Query(100, ge=1, le=500),
) -> list[NotificationPublic]:
    """The user's notifications, newest first: those waiting, or all with
    ``include_acknowledged``. A patient no longer on the user's caseload is not named."""
    return list_notifications(
        context, actor, include_acknowledged=include_acknowledged, limit=limit
    )


@router.get("/waiting", response_model=WaitingNotifications)
def waiting(context: ContextDep, actor: UserActorDep) -> WaitingNotifications:
    """The badge: notifications waiting for the user, and of them those about risk."""
    total, risk = waiting_notifications(context, actor.user_id)
    return WaitingNotifications(waiting=total, risk=risk)


@router.post(
    "/{notification_id}/acknowledge",
    status_code=204,
    response_class=Response,
    responses={204: {"description": "Acknowledged (again: nothing changes)."}},
)
def acknowledge(context: ContextDep, actor: UserActorDep, notification_id: int) -> Response:
    """The user has seen the notification. A risk event stays open (and pinned) until a
    risk response is recorded; 404 for another user's notification."""
    acknowledge_notification(context, actor, notification_id)
    return Response(status_code=204)


@router.get("/preferences", response_model=NotificationPreferences)
def preferences(context: ContextDep, actor: UserActorDep) -> NotificationPreferences:
    """The channels in force per kind (defaults where the user chose nothing)."""
    return notification_preferences(context, actor)


@router.put("/email", response_model=NotificationPreferences)
def update_email(
    context: ContextDep, actor: UserActorDep, body: NotificationEmailSet
) -> NotificationPreferences:
    """Set (``null``: remove) the user's own address for notification e-mails; an e-mail
    says only that something is waiting, never which patient or what was answered."""
    return set_notification_email(context, actor, body)


@router.put("/preferences", response_model=NotificationPreferences)
def update_preferences(
    context: ContextDep, actor: UserActorDep, body: NotificationPreferencesUpdate
) -> NotificationPreferences:
    """Choose channels per kind. 422 when a risk kind would be switched off in the app:
    a risk answer always shows there (its e-mail may be switched off)."""
    return set_notification_preferences(context, actor, body.channels)
