"""Recording what clinicians did with the cards (CDS Hooks 2.0, § Feedback).

"Upon receiving a card, a user may accept its suggestions, ignore it entirely, or dismiss it
with or without an override reason" (https://cds-hooks.hl7.org/2.0/#feedback). The client
POSTs ``{"feedback": [...]}`` to ``{baseUrl}/cds-services/{id}/feedback``; each entry names
the ``card`` (its ``uuid``), the ``outcome`` (``accepted`` | ``overridden``), optional
``overrideReason`` (a Coding and/or a ``userComment``) and the ``outcomeTimestamp``.

Attunement's cards carry no suggestions, so ``accepted`` is recorded with or without
``acceptedSuggestions`` (a deliberate tolerance: the spec requires the list only so that a
service can tell *which* suggestion was taken). The same feedback may arrive more than once
("a CDS Service may receive feedback for the same card instance multiple times"); each
record keeps its timestamp so repeated deliveries can be told apart.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from attunement.cds_hooks._auth import VerifiedClient
from attunement.cds_hooks._models import FeedbackRequest
from attunement.cds_hooks._service import SERVICE_ID
from attunement.errors import NotFound

__all__ = ["FeedbackRecord", "feedback_records"]


class FeedbackRecord(BaseModel):
    """One accepted or overridden card, ready to store (no patient data: cards are by uuid)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    service_id: str
    card: str
    outcome: Literal["accepted", "overridden"]
    accepted_suggestions: tuple[str, ...] = ()
    override_code: str | None = None
    override_system: str | None = None
    override_display: str | None = None
    user_comment: str | None = None
    outcome_at: datetime
    received_at: datetime
    client: str
    tenant: str | None = None


def feedback_records(
    request: FeedbackRequest,
    *,
    service_id: str,
    client: VerifiedClient,
    received_at: datetime,
) -> tuple[FeedbackRecord, ...]:
    """The records to store for one feedback POST; NotFound for a service we do not offer."""
    if service_id != SERVICE_ID:
        raise NotFound("CDS service", service_id)
    records = []
    for item in request.feedback:
        reason = item.override_reason.reason if item.override_reason else None
        records.append(
            FeedbackRecord(
                service_id=service_id,
                card=item.card,
                outcome=item.outcome,
                accepted_suggestions=tuple(s.id for s in item.accepted_suggestions or ()),
                override_code=reason.code if reason else None,
                override_system=reason.system if reason else None,
                override_display=reason.display if reason else None,
                user_comment=item.override_reason.user_comment if item.override_reason else None,
                outcome_at=item.outcome_timestamp,
                received_at=received_at,
                client=client.iss,
                tenant=client.tenant,
            )
        )
    return tuple(records)
