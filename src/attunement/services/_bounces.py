"""Bounces: a message the SMTP server accepted that later failed (issue 14).

The clinic's mail server delivers the delivery status notifications (DSNs) sent back to the
worker's sender address to a mailbox; ``attune bounces import`` hands them here. Each DSN
whose recipient *failed* (RFC 3464 ``Action: failed``) is matched by the original
``Message-ID`` — derived from the message's unique key when it was sent
(:func:`attunement.delivery.message_key_of`) — to

- a patient's invitation or reminder (:class:`~attunement.store.OutboundMessage`), which
  becomes ``bounced`` with the remote server's diagnostic as its error: the due list shows
  "bounced — 550 5.1.1 …" like any other failure;
- or a staff notification e-mail, whose ``email_state`` becomes ``failed`` (the
  notifications page says the e-mail could not be delivered).

Only a message the server accepted (``sent``, or ``unconfirmed``) can bounce. A ``delayed``
report (the remote server is still trying, ``4.x.x``) changes nothing; neither does the
same DSN read twice (the message is already ``bounced``). Unknown Message-IDs and mail
that is not a DSN are counted, never errors. One transaction, audited per patient; the
audit detail holds counts only, never an address or a diagnostic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from attunement.delivery import message_key_of
from attunement.delivery.bounces import DeliveryReport, parse_delivery_report
from attunement.services._actors import Actor
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.store import Episode, MeasurementOccasion, NotificationRecord, OutboundMessage

__all__ = ["BounceSummary", "record_bounces"]

#: The states of a message the SMTP server accepted (or may have): only these can bounce.
_ACCEPTED = frozenset({"sent", "unconfirmed"})
_NOTIFICATION_KEY = re.compile(r"notification-([0-9]{1,18})")


@dataclass(frozen=True)
class BounceSummary:
    """What one import did, by kind of e-mail read."""

    matched: int = 0  # failed DSNs that marked a message bounced (or a notification failed)
    already: int = 0  # failed DSNs for a message already marked (the same DSN read again)
    delayed: int = 0  # DSNs that report no failure (delayed, delivered, relayed)
    unknown: int = 0  # failed DSNs whose Message-ID is none of ours (or missing)
    ignored: int = 0  # e-mails that are not DSNs (auto-replies, answers, spam)


def _mark_message(session: Session, key: str, diagnostic: str) -> tuple[str, int | None]:
    """("matched" | "already" | "unknown", the patient) for a patient message's key."""
    message = session.scalar(
        select(OutboundMessage).where(OutboundMessage.message_key == key).with_for_update()
    )
    if message is None:
        return "unknown", None
    patient = session.scalar(
        select(Episode.patient_id)
        .join(MeasurementOccasion, MeasurementOccasion.episode_id == Episode.id)
        .where(MeasurementOccasion.id == message.occasion_id)
    )
    if message.state not in _ACCEPTED:
        return "already", patient  # bounced before, or it never left (failed, skipped)
    message.state, message.last_error = "bounced", diagnostic
    return "matched", patient


def _mark_notification(session: Session, notification_id: int) -> str:
    record = session.get(NotificationRecord, notification_id, with_for_update=True)
    if record is None:
        return "unknown"
    if record.email_state not in _ACCEPTED:
        return "already"
    record.email_state = "failed"
    return "matched"


def _apply(session: Session, report: DeliveryReport) -> tuple[str, int | None]:
    failure = report.failure
    if failure is None:
        return "delayed", None
    key = message_key_of(report.original_message_id or "")
    if key is None:
        return "unknown", None
    notification = _NOTIFICATION_KEY.fullmatch(key)
    if notification is not None:
        return _mark_notification(session, int(notification.group(1))), None
    diagnostic = failure.diagnostic or (
        f"status {failure.status}" if failure.status else "no reason given"
    )
    return _mark_message(session, key, diagnostic[:1000])


def record_bounces(ctx: ServiceContext, actor: Actor, messages: Iterable[bytes]) -> BounceSummary:
    """Read each e-mail in ``messages`` (raw bytes) and record the bounces among them."""
    counts = dict.fromkeys(("matched", "already", "delayed", "unknown", "ignored"), 0)
    with use_case(ctx, actor, AuditAction.MESSAGE_BOUNCE, target="bounces") as uc:
        patients: set[int] = set()
        for raw in messages:
            report = parse_delivery_report(raw)
            if report is None:
                counts["ignored"] += 1
                continue
            outcome, patient = _apply(uc.session, report)
            counts[outcome] += 1
            if patient is not None and outcome == "matched":
                patients.add(patient)
        uc.patients = sorted(patients)
        uc.detail = dict(counts)
    return BounceSummary(**counts)
