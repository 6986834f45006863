"""Messages to patients: composed without health information, sent once (issue 14).

A message says only that the clinic asks for a short questionnaire, the link, until when it
works and how to stop these messages — no instrument names, scores or diagnoses — in the
patient's language (gettext catalogue).

**Sending once.** A message moves ``pending`` → ``sending`` (committed *before* the SMTP
conversation) → ``sent``. The at-least-once window is the moment between the SMTP server
accepting the message and the ``sent`` commit: a worker killed there leaves the message
``sending``. Whoever runs its job next does **not** send it blindly again: it marks the
message ``unconfirmed`` ("may or may not have arrived"), which the clinician sees on the due
list; the reminder still goes out on time. A crash before the handover also ends as
``unconfirmed`` (the database cannot tell the two apart). Every message also carries a
``Message-ID`` derived from its unique key, so a second handover by any path is
recognisable downstream as the same message.

**Which channel.** The patient's preferred channel (``email`` or ``sms``) when the worker
has a sender for it and the patient an address or number for it, else the other one, else
the message is skipped with the reason (shown on the due list). The channel used is
recorded on the message. A text message says the same as the e-mail, shorter, and carries
the opt-out link; a recipient who replies STOP is blocked by the provider, whose refusal of
the next message is a permanent failure the clinician sees.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from sqlalchemy import update

from attunement.delivery import EmailMessageSpec, EmailSender
from attunement.delivery.sms import SmsMessage, SmsSender
from attunement.errors import DeliveryError
from attunement.i18n import N_, translate
from attunement.security import INVITATION_PREFIX, token_digest
from attunement.services._actors import OperatorActor
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.services._transaction import transaction
from attunement.store import (
    Episode,
    Invitation,
    MeasurementOccasion,
    OutboundMessage,
    Patient,
    PatientContact,
)

__all__ = [
    "OPT_OUT_PATH",
    "OPT_OUT_PREFIX",
    "WORKER",
    "Channels",
    "compose_sms",
    "link_token",
    "mark_failed",
    "opt_out_digest",
    "opt_out_token",
    "send_message",
]

#: Who the worker's use cases are audited as.
WORKER = OperatorActor(name="worker")
OPT_OUT_PREFIX = "opt"
#: Where the web pages serve the opt-out; the token is the last path segment.
OPT_OUT_PATH = "/opt-out/{token}"
#: States a message never leaves.
FINAL_STATES = frozenset({"sent", "failed", "skipped", "unconfirmed", "bounced"})

_SUBJECT = {
    "invitation": N_("A short questionnaire from your clinic"),
    "reminder": N_("Reminder: a short questionnaire from your clinic"),
}
_OPENING = {
    "invitation": N_("Your clinic asks you to complete a short questionnaire."),
    "reminder": N_("A reminder: your clinic asks you to complete a short questionnaire."),
}
_LINK = N_("Please open this link: %(link)s")
_UNTIL = N_("The link works until %(date)s.")
_STOP = N_("If you no longer want these messages, open: %(link)s")


@dataclass(frozen=True)
class Channels:
    """How the worker reaches patients: the public URL links start with, and the senders
    (either may be missing: not configured)."""

    public_url: str
    email: EmailSender | None = None
    sms: SmsSender | None = None


def _derived(key: str, prefix: str, purpose: str) -> str:
    mac = hmac.new(key.encode(), purpose.encode(), hashlib.sha256).digest()
    return f"{prefix}_{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


def link_token(signing_key: str, invitation_id: int) -> str:
    """The link token of a scheduled invitation, derived (never stored) from its id."""
    return _derived(signing_key, INVITATION_PREFIX, f"scheduled-link:{invitation_id}")


def opt_out_token(signing_key: str, message_key: str) -> str:
    """The opt-out token of one message, derived from its unique key."""
    return _derived(signing_key, OPT_OUT_PREFIX, f"opt-out:{message_key}")


def opt_out_digest(signing_key: str, message_key: str) -> str:
    return token_digest(signing_key, opt_out_token(signing_key, message_key))


def compose_email(
    *, kind: str, language: str, link: str, opt_out: str, until: dt.date, to: str, key: str
) -> EmailMessageSpec:
    """The invitation or reminder e-mail, in ``language``, free of health information."""
    lines = [
        translate(_OPENING[kind], language),
        "",
        translate(_LINK, language, link=link),
        translate(_UNTIL, language, date=until.isoformat()),
        "",
        translate(_STOP, language, link=opt_out),
    ]
    return EmailMessageSpec(
        to=to,
        subject=translate(_SUBJECT[kind], language),
        body="\n".join(lines) + "\n",
        message_key=key,
        language=language,
        opt_out_url=opt_out,
    )


def compose_sms(
    *, kind: str, language: str, link: str, opt_out: str, until: dt.date, to: str
) -> SmsMessage:
    """The invitation or reminder as a text message: the e-mail's words without a subject,
    in ``language``, free of health information."""
    lines = [
        translate(_OPENING[kind], language),
        translate(_LINK, language, link=link),
        translate(_UNTIL, language, date=until.isoformat()),
        translate(_STOP, language, link=opt_out),
    ]
    return SmsMessage(to=to, body="\n".join(lines))


def _choose_channel(channels: Channels, contact: PatientContact) -> tuple[str | None, str]:
    """The channel to send by (preferred first), or None and why neither can be used."""
    usable = {
        "email": (channels.email is not None, bool(contact.email)),
        "sms": (channels.sms is not None, bool(contact.phone)),
    }
    preferred = "sms" if contact.preferred_channel == "sms" else "email"
    order = (preferred, "email" if preferred == "sms" else "sms")
    for channel in order:
        if all(usable[channel]):
            return channel, ""
    why = {
        "email": "no e-mail server is configured"
        if channels.email is None
        else "no e-mail address",
        "sms": "no SMS provider is configured" if channels.sms is None else "no mobile number",
    }
    return None, "; ".join(why[channel] for channel in order)


def _skip_reason(
    invitation: Invitation, contact: PatientContact | None, now: dt.datetime
) -> str | None:
    if contact is None or contact.opted_out_at is not None:
        return "the patient opted out of messages"
    if invitation.used_at is not None:
        return "already completed"
    if invitation.revoked_at is not None:
        return "the link was revoked"
    if invitation.expires_at <= now:
        return "the link expired"
    return None


def _prepare(
    ctx: ServiceContext, channels: Channels, message_id: int
) -> EmailMessageSpec | SmsMessage | None:
    """Claim the message for sending (committed), or settle it without sending."""
    with use_case(ctx, WORKER, AuditAction.MESSAGE_SEND, target=f"message:{message_id}") as uc:
        message = uc.session.get(OutboundMessage, message_id, with_for_update=True)
        if message is None or message.state in FINAL_STATES:
            return None
        occasion = uc.session.get(MeasurementOccasion, message.occasion_id)
        invitation = uc.session.get(Invitation, occasion.invitation_id) if occasion else None
        episode = uc.session.get(Episode, occasion.episode_id) if occasion else None
        if occasion is None or invitation is None or episode is None:  # pragma: no cover
            return None
        patient = uc.session.get(Patient, episode.patient_id)
        uc.patient_id = episode.patient_id
        if message.state == "sending":  # a worker stopped mid-send: never resend blindly
            message.state = "unconfirmed"
            message.last_error = "the worker stopped while handing this message over"
            uc.detail = {"state": "unconfirmed"}
            return None
        contact = uc.session.get(PatientContact, episode.patient_id)
        reason = _skip_reason(invitation, contact, ctx.now())
        channel: str | None = None
        if reason is None and contact is not None:
            channel, why = _choose_channel(channels, contact)
            reason = why or None
        if reason is not None or channel is None or contact is None or patient is None:
            message.state, message.last_error = "skipped", reason
            uc.detail = {"state": "skipped"}
            return None
        message.state, message.sending_at = "sending", ctx.now()
        message.channel = channel
        message.attempts += 1
        uc.detail = {"state": "sending", "kind": message.kind, "channel": channel}
        base = channels.public_url.rstrip("/")
        link = f"{base}/self-report/{link_token(ctx.signing_key, invitation.id)}"
        opt_out = base + OPT_OUT_PATH.format(
            token=opt_out_token(ctx.signing_key, message.message_key)
        )
        if channel == "sms":
            return compose_sms(
                kind=message.kind,
                language=invitation.language,
                link=link,
                opt_out=opt_out,
                until=invitation.expires_at.date(),
                to=contact.phone or "",
            )
        return compose_email(
            kind=message.kind,
            language=invitation.language,
            link=link,
            opt_out=opt_out,
            until=invitation.expires_at.date(),
            to=contact.email or "",
            key=message.message_key,
        )


def _record(ctx: ServiceContext, message_id: int, **values: object) -> None:
    with transaction(ctx.sessions) as session:
        session.execute(
            update(OutboundMessage)
            .where(
                OutboundMessage.id == message_id,
                OutboundMessage.state.in_(("sending", "unconfirmed")),
            )
            .values(**values)
        )


def send_message(ctx: ServiceContext, channels: Channels, message_id: int) -> None:
    """Send one message at most once; a transient failure puts it back to ``pending`` and
    raises :class:`DeliveryError` (the job is retried), a permanent one marks it failed."""
    spec = _prepare(ctx, channels, message_id)
    if spec is None:
        return
    try:
        if isinstance(spec, SmsMessage) and channels.sms is not None:
            channels.sms.send(spec)
        elif isinstance(spec, EmailMessageSpec) and channels.email is not None:
            channels.email.send(spec)
    except DeliveryError as exc:  # an SmsError is one
        state = "failed" if exc.permanent else "pending"
        _record(ctx, message_id, state=state, last_error=exc.message)
        if not exc.permanent:
            raise
        return
    _record(ctx, message_id, state="sent", sent_at=ctx.now(), last_error=None)


def mark_failed(ctx: ServiceContext, message_id: int, error: str) -> None:
    """Give a message up (its job ran out of attempts)."""
    with transaction(ctx.sessions) as session:
        session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id == message_id, OutboundMessage.state == "pending")
            .values(state="failed", last_error=error[:1000])
        )
