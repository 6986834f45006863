"""Risk events: an endorsed or unanswered risk item stays open until a clinician answers it.

``endorsements_from_flags`` turns the risk flags of a scored administration into
endorsements; ``record_endorsements`` adds them to the open event of their kind or opens a
new one; ``answer_events`` records a structured :class:`RiskResponse`; ``replay_risk``
rebuilds the events of an episode history (episode files); ``open_first`` is the order in
which every adapter lists them. The response vocabulary (levels, actions, their labels and
the NICE NG225 caveat) is data: ``responses.yaml``. What a patient who endorsed a risk item
reads next, the clinic's crisis resources, is data too (``crisis_resources.yaml``: the
packaged neutral default, or the clinic's own file validated by ``parse_crisis_resources``).
How an event reads, in the reader's language, is :mod:`attunement.wording`'s
(``describe_event``): this package imports no wording (issue 17, tests/test_layers.py).

The package imports no submodule itself: each name loads on first use (a plan reads the
open events, never the crisis resources, issue 13).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attunement._lazy import lazy_exports

if TYPE_CHECKING:  # for type checkers; at run time each name loads on first use
    from attunement.risk._alerting import UNWITNESSED_ROUTES, notifies_clinician
    from attunement.risk._crisis import (
        CRISIS_RESOURCES_FILE,
        CrisisContact,
        CrisisResources,
        CrisisText,
        default_crisis_resources,
        parse_crisis_resources,
    )
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

__all__ = [
    "CRISIS_RESOURCES_FILE",
    "UNWITNESSED_ROUTES",
    "CrisisContact",
    "CrisisResources",
    "CrisisText",
    "FlagLike",
    "ResponseVocabulary",
    "RiskEndorsement",
    "RiskEvent",
    "RiskResponse",
    "RiskResponseAfterSession",
    "RiskUpdate",
    "Route",
    "answer_events",
    "default_crisis_resources",
    "endorsements_from_flags",
    "load_response_vocabulary",
    "notifies_clinician",
    "open_first",
    "parse_crisis_resources",
    "record_endorsements",
    "replay_risk",
]

_SUBMODULES: dict[str, tuple[str, ...]] = {
    "_alerting": (
        "UNWITNESSED_ROUTES",
        "notifies_clinician",
    ),
    "_crisis": (
        "CRISIS_RESOURCES_FILE",
        "CrisisContact",
        "CrisisResources",
        "CrisisText",
        "default_crisis_resources",
        "parse_crisis_resources",
    ),
    "_events": (
        "FlagLike",
        "RiskResponseAfterSession",
        "RiskUpdate",
        "answer_events",
        "endorsements_from_flags",
        "open_first",
        "record_endorsements",
        "replay_risk",
    ),
    "_models": (
        "RiskEndorsement",
        "RiskEvent",
        "RiskResponse",
        "Route",
    ),
    "_vocabulary": (
        "ResponseVocabulary",
        "load_response_vocabulary",
    ),
}
__getattr__, __dir__ = lazy_exports(__name__, globals(), _SUBMODULES)
