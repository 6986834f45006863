"""E-mail through a real SMTP server (``smtplib``), and an in-memory outbox for the demo.

Each message carries a ``Message-ID`` derived from its unique message key
(``<key@domain>``): the same message handed over twice has the same id, so a receiving
system that de-duplicates on it (many do) shows it once. That is the idempotency marker of
the at-least-once window described in :mod:`attunement.worker`.

SMTP replies are sorted into :class:`~attunement.errors.DeliveryError` with ``permanent``:
5xx replies (recipient or message refused) are permanent; connection failures, time-outs
and 4xx replies are transient and retried by the worker.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol

from attunement.errors import DeliveryError

__all__ = [
    "EmailMessageSpec",
    "EmailReceipt",
    "EmailSender",
    "OutboxEmailSender",
    "SmtpConfig",
    "SmtpEmailSender",
    "message_key_of",
]


@dataclass(frozen=True)
class EmailMessageSpec:
    """A finished e-mail: plain text, one recipient, a stable message key."""

    to: str
    subject: str
    body: str
    message_key: str
    language: str
    #: One-click unsubscribe (RFC 8058) for mail clients that show it.
    opt_out_url: str | None = None


@dataclass(frozen=True)
class EmailReceipt:
    """What the server accepted: the Message-ID the message went out with."""

    message_id: str


class EmailSender(Protocol):
    """Anything that hands an e-mail over (SMTP, the demo's outbox)."""

    def send(self, message: EmailMessageSpec) -> EmailReceipt: ...


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to reach the SMTP server (from ``ATTUNE_SMTP_*``; secrets from env)."""

    host: str
    port: int = 25
    sender: str = "attunement@localhost"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    timeout: float = 30.0


def _message_id(key: str, sender: str) -> str:
    domain = sender.rpartition("@")[2] or "localhost"
    return f"<{key.replace(':', '.')}@{domain}>"


def message_key_of(message_id: str) -> str | None:
    """The message key a ``Message-ID`` of ours was derived from (a bounce names it), or
    ``None`` when it has no ``key@domain`` shape. The inverse of the derivation above for
    every key the services make (``occasion:N:kind``, ``notification-N``: no dots)."""
    local, at, domain = message_id.strip().strip("<>").rpartition("@")
    if not at or not local or not domain:
        return None
    return local.replace(".", ":")


def build_email(spec: EmailMessageSpec, sender: str) -> EmailMessage:
    """The MIME message for ``spec`` (plain text, UTF-8, stable Message-ID)."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = spec.to
    mail["Subject"] = spec.subject
    mail["Date"] = formatdate(usegmt=True)
    mail["Message-ID"] = _message_id(spec.message_key, sender)
    mail["Auto-Submitted"] = "auto-generated"
    if spec.opt_out_url:
        mail["List-Unsubscribe"] = f"<{spec.opt_out_url}>"
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(spec.body)
    mail["Content-Language"] = spec.language  # after set_content, which resets Content-*
    return mail


class SmtpEmailSender:
    """Sends each message over its own SMTP connection (STARTTLS and login when set)."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config

    def send(self, message: EmailMessageSpec) -> EmailReceipt:
        config = self.config
        mail = build_email(message, config.sender)
        try:
            with smtplib.SMTP(config.host, config.port, timeout=config.timeout) as smtp:
                if config.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if config.user:
                    smtp.login(config.user, config.password or "")
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryError(
                f"the SMTP server refused the recipient (reply {', '.join(map(str, codes))})",
                permanent=all(code >= 500 for code in codes),
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(
                f"the SMTP server replied {exc.smtp_code}: {_text(exc.smtp_error)}",
                permanent=exc.smtp_code >= 500,
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(
                f"the SMTP server {config.host}:{config.port} could not be reached "
                f"({type(exc).__name__})",
                permanent=False,
            ) from None
        return EmailReceipt(message_id=str(mail["Message-ID"]))


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())[:200]


class OutboxEmailSender:
    """Keeps messages in memory instead of sending them (``attune demo``, SYNTHETIC)."""

    def __init__(self, sender: str = "attunement@demo.invalid") -> None:
        self.sender = sender
        self.outbox: list[EmailMessage] = []

    def send(self, message: EmailMessageSpec) -> EmailReceipt:
        mail = build_email(message, self.sender)
        self.outbox.append(mail)
        return EmailReceipt(message_id=str(mail["Message-ID"]))
