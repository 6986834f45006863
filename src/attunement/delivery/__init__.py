"""Outbound delivery channels: adapters that hand a finished message to the outside world.

A channel knows nothing of patients, schedules or the database: the services compose the
message (in the patient's language, without health information) and give it to a sender.
``email`` speaks SMTP (:class:`SmtpEmailSender`); an SMS provider is one more adapter
(``delivery.sms``) behind the same shape — a ``send`` that returns a receipt or raises
:class:`~attunement.errors.DeliveryError` saying whether a retry could help.
"""

from __future__ import annotations

from attunement.delivery.email import (
    EmailMessageSpec,
    EmailReceipt,
    EmailSender,
    OutboxEmailSender,
    SmtpConfig,
    SmtpEmailSender,
    message_key_of,
)

__all__ = [
    "EmailMessageSpec",
    "EmailReceipt",
    "EmailSender",
    "OutboxEmailSender",
    "SmtpConfig",
    "SmtpEmailSender",
    "message_key_of",
]
