"""Risk events in and out of the use cases (``RiskResponseCreate``, ``RiskEventPublic``)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from attunement.risk import RiskEndorsement, RiskResponse
from attunement.services._schema_config import INPUT, PUBLIC

__all__ = ["RiskEventPublic", "RiskResponseCreate"]


class RiskResponseCreate(BaseModel):
    """A structured risk response: when assessed, the level of concern, what was done.

    ``event_ids`` names the open events it answers (default: every open event of the
    patient). ``level`` and ``actions`` use the vocabulary of ``attunement/risk/
    responses.yaml``; ``reason`` is required when the action is ``no_action``.
    """

    model_config = INPUT

    event_ids: list[int] | None = Field(default=None, min_length=1)
    assessed_on: dt.date
    level: str = Field(min_length=1, max_length=40)
    actions: list[str] = Field(min_length=1, max_length=20)
    reason: str | None = Field(default=None, max_length=4000)
    note: str | None = Field(default=None, max_length=4000)


class RiskEventPublic(BaseModel):
    """A risk event of a patient: open until a response is recorded, then history."""

    model_config = PUBLIC

    id: int
    patient_id: int
    episode_id: int | None
    kind: str
    open: bool
    headline: str
    opened_at: dt.datetime
    responded_at: dt.datetime | None
    endorsements: list[RiskEndorsement]
    response: RiskResponse | None
