"""Risk events: an endorsed or unanswered risk item stays open until a clinician answers it.

``endorsements_from_flags`` turns the risk flags of a scored administration into
endorsements; ``record_endorsements`` adds them to the open event of their kind or opens a
new one; ``answer_events`` records a structured :class:`RiskResponse`; ``replay_risk``
rebuilds the events of an episode history (episode files); ``open_first`` is the order in
which every adapter lists them. The response vocabulary (levels, actions, their labels and
the NICE NG225 caveat) is data: ``responses.yaml``.
"""

from __future__ import annotations

from attunement.risk._events import (
    FlagLike,
    RiskResponseAfterSession,
    RiskUpdate,
    answer_events,
    endorsements_from_flags,
    open_first,
    record_endorsements,
    replay_risk,
)
from attunement.risk._models import RiskEndorsement, RiskEvent, RiskResponse, Route
from attunement.risk._vocabulary import ResponseVocabulary, load_response_vocabulary
from attunement.risk._wording import (
    describe_endorsement,
    describe_event,
    describe_profile_flag,
    describe_response,
    event_headline,
    risk_message,
)

__all__ = [
    "FlagLike",
    "ResponseVocabulary",
    "RiskEndorsement",
    "RiskEvent",
    "RiskResponse",
    "RiskResponseAfterSession",
    "RiskUpdate",
    "Route",
    "answer_events",
    "describe_endorsement",
    "describe_event",
    "describe_profile_flag",
    "describe_response",
    "endorsements_from_flags",
    "event_headline",
    "load_response_vocabulary",
    "open_first",
    "record_endorsements",
    "replay_risk",
    "risk_message",
]
