"""Notifications to clinic staff and each user's choice of channels (issue 14).

* ``notifications`` — one per recipient and subject: a risk event that reached the clinic
  without the clinician present (``risk``), its escalation to the supervisor
  (``risk_escalated``), and the opt-in kinds. It stays in the recipient's list until they
  acknowledge it (or answer the risk event); ``email_state`` tracks the e-mail that says,
  without any health information, that something is waiting: ``off`` (not wanted),
  ``pending``, ``sending``, ``sent``, ``failed``, ``skipped`` (no address or no server),
  ``unconfirmed`` (a worker stopped mid-send: never sent again blindly).
* ``notification_preferences`` — a user's channels for one kind (none stored: the defaults
  of :mod:`attunement.notifications`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from attunement.store._tables import Base
from attunement.store._types import UtcDateTime

__all__ = ["NotificationPreference", "NotificationRecord"]


class NotificationRecord(Base):
    """One notification for one user."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_waiting", "recipient_id", "acknowledged_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    patient_id: Mapped[int | None] = mapped_column(
        ForeignKey("patients.id", ondelete="CASCADE"), index=True
    )
    risk_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("risk_events.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    escalated_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime())
    email_state: Mapped[str] = mapped_column(String(20))
    #: Counts a digest or a missed-measures notice shows in the app (no names, no answers).
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class NotificationPreference(Base):
    """A user's channels for one kind of notification."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    in_app: Mapped[bool] = mapped_column(Boolean)
    email: Mapped[bool] = mapped_column(Boolean)
