"""The notification kinds, their channels and the escalation rule (pure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict

from attunement.i18n import N_, translate

__all__ = [
    "ALWAYS_IN_APP",
    "DEFAULT_NOTIFICATION_CHANNELS",
    "NotificationChannels",
    "NotificationKind",
    "channels_for",
    "escalation_due",
    "notification_title",
]


class NotificationKind(StrEnum):
    """What a notification is about."""

    #: A risk item endorsed (or left blank) by a route without the clinician present.
    RISK = "risk"
    #: A risk notification of a supervisee left unacknowledged past the clinic's time.
    RISK_ESCALATED = "risk_escalated"
    #: Questionnaires a patient was asked for and did not complete (opt-in).
    MEASURES_MISSED = "measures_missed"
    #: The weekly summary of the caseload: red, yellow, overdue (opt-in).
    WEEKLY_DIGEST = "weekly_digest"


class NotificationChannels(BaseModel):
    """Where one kind of notification reaches a user."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    in_app: bool
    email: bool


#: Unless the user chose otherwise: risk notifications in the app and by e-mail; missed
#: measures and the weekly digest are opt-in (issue 14).
DEFAULT_NOTIFICATION_CHANNELS: Final[Mapping[NotificationKind, NotificationChannels]] = {
    NotificationKind.RISK: NotificationChannels(in_app=True, email=True),
    NotificationKind.RISK_ESCALATED: NotificationChannels(in_app=True, email=True),
    NotificationKind.MEASURES_MISSED: NotificationChannels(in_app=False, email=False),
    NotificationKind.WEEKLY_DIGEST: NotificationChannels(in_app=False, email=False),
}

#: Kinds that always show in the app, whatever the user chose: a risk answer cannot be
#: switched off (the e-mail can).
ALWAYS_IN_APP: Final[frozenset[NotificationKind]] = frozenset(
    {NotificationKind.RISK, NotificationKind.RISK_ESCALATED}
)


def channels_for(
    kind: NotificationKind, chosen: NotificationChannels | None
) -> NotificationChannels:
    """The channels in force for ``kind``: the user's choice (or the default), with the
    in-app channel kept on for the kinds in :data:`ALWAYS_IN_APP`."""
    channels = chosen if chosen is not None else DEFAULT_NOTIFICATION_CHANNELS[kind]
    if kind in ALWAYS_IN_APP and not channels.in_app:
        return NotificationChannels(in_app=True, email=channels.email)
    return channels


def escalation_due(
    *,
    created_at: dt.datetime,
    acknowledged_at: dt.datetime | None,
    escalated_at: dt.datetime | None,
    now: dt.datetime,
    after: dt.timedelta,
) -> bool:
    """Whether an unacknowledged risk notification now goes to the supervisor too: not
    acknowledged, not escalated before, and at least ``after`` old."""
    return acknowledged_at is None and escalated_at is None and now - created_at >= after


_TITLES: Final[Mapping[NotificationKind, str]] = {
    NotificationKind.RISK: N_("A risk answer arrived without you present"),
    NotificationKind.RISK_ESCALATED: N_(
        "A supervisee's risk notification has not been acknowledged"
    ),
    NotificationKind.MEASURES_MISSED: N_("Questionnaires were not completed"),
    NotificationKind.WEEKLY_DIGEST: N_("Your weekly caseload summary"),
}


def notification_title(kind: NotificationKind, language: str) -> str:
    """What the notification is, in ``language`` (no patient detail: the title also heads
    the e-mail)."""
    return translate(_TITLES[kind], language)
