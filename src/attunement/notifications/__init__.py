"""Notifications to clinic staff: what is notified, by which channel, and when it escalates.

Pure rules (issue 14, "clinician notifications"): the kinds of notification, which channels
each kind uses unless a user chose otherwise, which choices a user may not make (a risk
notification always shows in the app), and when an unacknowledged risk notification goes to
the clinician's supervisor too. Storing, sending and showing them are the services' and the
edges' work; an e-mail never carries health information, only that something is waiting.
"""

from __future__ import annotations

from attunement.notifications._rules import (
    ALWAYS_IN_APP,
    DEFAULT_NOTIFICATION_CHANNELS,
    NotificationChannels,
    NotificationKind,
    channels_for,
    escalation_due,
    notification_title,
)

__all__ = [
    "ALWAYS_IN_APP",
    "DEFAULT_NOTIFICATION_CHANNELS",
    "NotificationChannels",
    "NotificationKind",
    "channels_for",
    "escalation_due",
    "notification_title",
]
