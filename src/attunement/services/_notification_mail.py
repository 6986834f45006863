"""E-mailing a notification: that something waits in Attunement, never what (issue 14).

A notification whose recipient wants e-mail is created ``pending`` with a queued job
``notification_email`` (:mod:`._notification_records`); the worker runs it here. The e-mail
names no patient, score or answer: only that a notification (urgent, for a risk answer) is
waiting, and the address of the notifications page. Sending follows the outbound messages'
rule (:mod:`._messages`): ``pending`` → ``sending`` (committed before the SMTP conversation)
→ ``sent``; a notification found ``sending`` after a crash is marked ``unconfirmed``, never
sent again blindly. No address on file, or no e-mail server: ``skipped``, shown on the
notifications page (the in-app notification is there either way).
"""

from __future__ import annotations

from sqlalchemy import update

from attunement.delivery import EmailMessageSpec
from attunement.errors import DeliveryError
from attunement.i18n import N_, translate
from attunement.notifications import ALWAYS_IN_APP, NotificationKind
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.services._messages import WORKER, Channels
from attunement.services._transaction import transaction
from attunement.store import NotificationRecord, User

__all__ = ["NOTIFICATION_EMAIL_JOB", "send_notification_email"]

#: The job kind the worker runs for one notification's e-mail.
NOTIFICATION_EMAIL_JOB = "notification_email"

_URGENT = N_("Attunement: an urgent notification is waiting for you")
_WAITING = N_("Attunement: a notification is waiting for you")
_DIGEST = N_("Attunement: your weekly summary is ready")
_BODY = N_(
    "Please sign in to Attunement to see it: %(link)s\n\n"
    "This e-mail does not say which patient or what was answered; the notification does."
)
_FINAL = frozenset({"sent", "failed", "skipped", "unconfirmed", "off"})


def compose_notification_email(
    *, kind: NotificationKind, to: str, link: str, key: str, language: str
) -> EmailMessageSpec:
    """The e-mail for one notification: its kind's urgency and the link, nothing more."""
    if kind in ALWAYS_IN_APP:
        subject = _URGENT
    elif kind is NotificationKind.WEEKLY_DIGEST:
        subject = _DIGEST
    else:
        subject = _WAITING
    return EmailMessageSpec(
        to=to,
        subject=translate(subject, language),
        body=translate(_BODY, language, link=link) + "\n",
        message_key=key,
        language=language,
    )


def _prepare(
    ctx: ServiceContext, channels: Channels, notification_id: int
) -> EmailMessageSpec | None:
    with use_case(
        ctx, WORKER, AuditAction.NOTIFICATION_EMAIL, target=f"notification:{notification_id}"
    ) as uc:
        record = uc.session.get(NotificationRecord, notification_id, with_for_update=True)
        if record is None or record.email_state in _FINAL:
            return None
        if record.email_state == "sending":  # a worker stopped mid-send: never resend blindly
            record.email_state = "unconfirmed"
            uc.detail = {"state": "unconfirmed"}
            return None
        recipient = uc.session.get(User, record.recipient_id)
        address = recipient.email if recipient is not None and recipient.active else None
        if address is None or channels.email is None:
            record.email_state = "skipped"
            uc.detail = {
                "state": "skipped",
                "why": "no address" if address is None else "no server",
            }
            return None
        record.email_state = "sending"
        uc.detail = {"state": "sending", "kind": record.kind}
        return compose_notification_email(
            kind=NotificationKind(record.kind),
            to=address,
            link=channels.public_url.rstrip("/") + "/notifications",
            key=f"notification-{record.id}",
            language="en",
        )


def _record(ctx: ServiceContext, notification_id: int, state: str) -> None:
    with transaction(ctx.sessions) as session:
        session.execute(
            update(NotificationRecord)
            .where(NotificationRecord.id == notification_id)
            .where(NotificationRecord.email_state == "sending")
            .values(email_state=state)
        )


def send_notification_email(
    ctx: ServiceContext, channels: Channels, payload: dict[str, object]
) -> None:
    """The worker's handler: send one notification's e-mail at most once; a transient
    failure puts it back to ``pending`` and raises (the job is retried)."""
    notification_id = int(str(payload["notification_id"]))
    spec = _prepare(ctx, channels, notification_id)
    if spec is None or channels.email is None:
        return
    try:
        channels.email.send(spec)
    except DeliveryError as exc:
        _record(ctx, notification_id, "failed" if exc.permanent else "pending")
        if not exc.permanent:
            raise
        return
    _record(ctx, notification_id, "sent")
