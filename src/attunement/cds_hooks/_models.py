"""The CDS Hooks wire format as typed, immutable models.

Every model follows the CDS Hooks 2.0 specification (HL7, https://cds-hooks.hl7.org/2.0/;
the text read is the ``docs/specification/current.md`` of github.com/cds-hooks/docs):

- *Discovery* (``GET {baseUrl}/cds-services``): ``services[]`` with ``hook``, ``title``,
  ``description``, ``id``, ``prefetch`` (§ Discovery, Response).
- *Calling a CDS Service*: ``hook``, ``hookInstance``, ``fhirServer``,
  ``fhirAuthorization``, ``context``, ``prefetch`` (§ Calling a CDS Service).
- *Card attributes*: ``uuid``, ``summary`` ("one-sentence, <140-character"), ``detail``
  (GitHub-flavoured markdown), ``indicator`` (``info`` | ``warning`` | ``critical``),
  ``source`` {``label``, ``url``}, ``links`` [{``label``, ``url``, ``type``}] (§ Card
  Attributes, Source, Link).
- *Feedback*: ``feedback[]`` of {``card``, ``outcome`` (``accepted`` | ``overridden``),
  ``acceptedSuggestions``, ``overrideReason``, ``outcomeTimestamp``} (§ Feedback).

"JSON elements SHALL NOT be null … OPTIONAL attributes without a value are omitted"
(§ Use of JSON): :func:`wire` dumps with ``exclude_none`` so an absent value never becomes
``null``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

__all__ = [
    "SUMMARY_LIMIT",
    "Card",
    "CardSource",
    "CdsCoding",
    "CdsRequest",
    "CdsResponse",
    "CdsService",
    "DiscoveryResponse",
    "FeedbackItem",
    "FeedbackRequest",
    "Indicator",
    "Link",
    "OverrideReason",
    "wire",
]

#: Card summaries are "<140-character" (CDS Hooks 2.0, § Card Attributes): at most 139.
SUMMARY_LIMIT = 140

Indicator = Literal["info", "warning", "critical"]
NonEmpty = Annotated[str, StringConstraints(min_length=1)]


class _Wire(BaseModel):
    """Frozen, and strict about unknown fields: our own output must be exactly the spec."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class _Incoming(BaseModel):
    """Frozen, and tolerant of extra fields: clients may send ``extension`` and newer fields."""

    model_config = ConfigDict(frozen=True, extra="allow", populate_by_name=True)


def wire(model: BaseModel) -> dict[str, Any]:
    """The JSON object for a model: aliases, no ``None`` values (the spec forbids nulls)."""
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


class CdsService(_Wire):
    """One entry of the discovery document."""

    hook: NonEmpty
    title: NonEmpty | None = None
    description: NonEmpty
    id: NonEmpty
    prefetch: dict[str, NonEmpty] | None = None
    usage_requirements: NonEmpty | None = Field(default=None, alias="usageRequirements")


class DiscoveryResponse(_Wire):
    services: tuple[CdsService, ...]


class CdsCoding(_Wire):
    """The CDS Hooks Coding (§ Data Types): ``code`` and ``system`` required."""

    code: NonEmpty
    system: NonEmpty
    display: NonEmpty | None = None


class CardSource(_Wire):
    label: NonEmpty
    url: NonEmpty | None = None
    icon: NonEmpty | None = None
    topic: CdsCoding | None = None


class Link(_Wire):
    """A link on a card; ours are always ``absolute`` (a page of the Attunement web app)."""

    label: NonEmpty
    url: NonEmpty
    type: Literal["absolute", "smart"] = "absolute"


class Card(_Wire):
    """One card. The summary limit is enforced here, so no card can break it."""

    uuid: NonEmpty
    summary: NonEmpty
    detail: NonEmpty | None = None
    indicator: Indicator
    source: CardSource
    links: tuple[Link, ...] | None = None

    @field_validator("summary")
    @classmethod
    def _summary_is_short(cls, value: str) -> str:
        if len(value) >= SUMMARY_LIMIT:
            raise ValueError(
                f"summary has {len(value)} characters; CDS Hooks allows fewer than {SUMMARY_LIMIT}"
            )
        return value

    @field_validator("links")
    @classmethod
    def _links_not_empty(cls, value: tuple[Link, ...] | None) -> tuple[Link, ...] | None:
        return value or None


class CdsResponse(_Wire):
    """A 200 answer: the cards (an empty list means no guidance)."""

    cards: tuple[Card, ...]


class CdsRequest(_Incoming):
    """The POST body a CDS Client sends to a service (§ Calling a CDS Service)."""

    hook: NonEmpty
    hook_instance: NonEmpty = Field(alias="hookInstance")
    fhir_server: str | None = Field(default=None, alias="fhirServer")
    fhir_authorization: dict[str, Any] | None = Field(default=None, alias="fhirAuthorization")
    context: dict[str, Any]
    prefetch: dict[str, Any] | None = None


class OverrideReason(_Incoming):
    reason: CdsCoding | None = None
    user_comment: str | None = Field(default=None, alias="userComment")


class AcceptedSuggestion(_Incoming):
    id: NonEmpty


class FeedbackItem(_Incoming):
    """One user interaction with a card, as the client reports it."""

    card: NonEmpty
    outcome: Literal["accepted", "overridden"]
    accepted_suggestions: tuple[AcceptedSuggestion, ...] | None = Field(
        default=None, alias="acceptedSuggestions"
    )
    override_reason: OverrideReason | None = Field(default=None, alias="overrideReason")
    outcome_timestamp: datetime = Field(alias="outcomeTimestamp")


class FeedbackRequest(_Incoming):
    feedback: tuple[FeedbackItem, ...] = Field(min_length=1)
