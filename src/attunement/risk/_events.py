"""Opening, extending and answering risk events: pure functions over the event history.

Rules (one place for them):

* Every flag of a scored administration is a risk item (``FlagRule``): an endorsed item
  gives an ``endorsed`` endorsement, a blank one an ``unanswered`` endorsement.
* An endorsement joins the open event of its kind if there is one (the clinician answers
  the whole open episode of concern at once), else it opens a new event. The same item of
  the same administration is never counted twice — not even after its event was answered
  (a profile saved again with the same intake questionnaire opens nothing new).
* A response answers open events — those named, or every open one — and only open ones.
  An answered event is history; the next endorsement opens a new event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel, Field

from attunement._model_config import FROZEN
from attunement.errors import InputError
from attunement.instruments import FlagKind
from attunement.risk._models import RiskEndorsement, RiskEvent, RiskResponse, Route

__all__ = [
    "FlagLike",
    "RiskResponseAfterSession",
    "RiskUpdate",
    "answer_events",
    "endorsements_from_flags",
    "open_first",
    "record_endorsements",
    "replay_risk",
]


class FlagLike(Protocol):
    """A risk flag as scoring raises it (``attunement.instruments.Flag``, ``ProfileFlag``)."""

    @property
    def id(self) -> str: ...
    @property
    def item(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def kind(self) -> FlagKind: ...


def endorsements_from_flags(
    flags: Iterable[FlagLike],
    *,
    instrument: str,
    route: Route,
    session: int | None = None,
    at: dt.datetime | None = None,
    on: dt.date | None = None,
    administration_id: int | None = None,
    administration_key: str | None = None,
    language: str = "en",
) -> tuple[RiskEndorsement, ...]:
    """One endorsement per flag of one administration (every flag is a risk item)."""
    return tuple(
        RiskEndorsement(
            kind=flag.kind,
            instrument=instrument,
            item=flag.item,
            flag=flag.id,
            answer=getattr(flag, "answer", None),
            message=flag.message,
            route=route,
            session=session,
            at=at,
            on=on if on is not None else (at.date() if at is not None else None),
            administration_id=administration_id,
            administration_key=administration_key,
            language=language,
        )
        for flag in flags
    )


@dataclass(frozen=True)
class RiskUpdate:
    """The events after new endorsements, and which of them were opened or extended.

    Indices refer to ``events``; an opened event has ``id`` None until it is stored.
    """

    events: tuple[RiskEvent, ...]
    opened: tuple[int, ...]
    extended: tuple[int, ...]


def record_endorsements(events: Sequence[RiskEvent], new: Iterable[RiskEndorsement]) -> RiskUpdate:
    """Add endorsements to the open event of their kind, or open a new event."""
    result = list(events)
    opened: list[int] = []
    extended: list[int] = []
    for endorsement in new:
        if any(endorsement.same_as(seen) for e in result for seen in e.endorsements):
            continue  # the same item of the same administration counts once, ever
        target = next(
            (i for i, e in enumerate(result) if e.open and e.kind == endorsement.kind), None
        )
        if target is None:
            result.append(RiskEvent(kind=endorsement.kind, endorsements=(endorsement,)))
            opened.append(len(result) - 1)
            continue
        event = result[target]
        result[target] = event.model_copy(
            update={"endorsements": (*event.endorsements, endorsement)}
        )
        if target not in opened and target not in extended:
            extended.append(target)
    return RiskUpdate(events=tuple(result), opened=tuple(opened), extended=tuple(extended))


def answer_events(
    events: Sequence[RiskEvent],
    response: RiskResponse,
    *,
    event_ids: Sequence[int] | None = None,
) -> tuple[RiskEvent, ...]:
    """The events with ``response`` recorded on the open ones named (default: every open one).

    Raises InputError when nothing is open, or when an id named is not an open event.
    """
    open_ids = [e.id for e in events if e.open]
    if not open_ids:
        raise InputError("risk events", [], "a response only while a risk event is open")
    chosen = set(open_ids) if event_ids is None else set(event_ids)
    unknown = sorted(str(i) for i in chosen if i not in open_ids)
    if unknown or not chosen:
        allowed = ", ".join(str(i) for i in open_ids if i is not None) or "the open events"
        raise InputError("event_ids", unknown or [], f"open risk events: {allowed}")
    return tuple(
        e.model_copy(update={"response": response}) if e.open and e.id in chosen else e
        for e in events
    )


class RiskResponseAfterSession(BaseModel):
    """A response recorded after ``session`` (episode files): answers what is open by then."""

    model_config = FROZEN

    session: int = Field(ge=1)
    response: RiskResponse


def replay_risk(
    endorsements: Iterable[RiskEndorsement], responses: Iterable[RiskResponseAfterSession] = ()
) -> tuple[RiskEvent, ...]:
    """The risk events of an episode history, from its endorsements and recorded responses.

    Endorsements are taken in session order; a response recorded after session s answers
    every event open after session s's endorsements. Events are numbered from 1.
    """
    steps: list[tuple[int, int, RiskEndorsement | RiskResponseAfterSession]] = [
        (e.session or 0, 0, e) for e in endorsements
    ]
    steps += [(r.session, 1, r) for r in responses]
    events: tuple[RiskEvent, ...] = ()
    for _, _, step in sorted(steps, key=lambda s: (s[0], s[1])):
        if isinstance(step, RiskResponseAfterSession):
            if any(e.open for e in events):
                events = answer_events(events, step.response)
            continue
        update = record_endorsements(events, (step,))
        events = tuple(
            e.model_copy(update={"id": i + 1}) if e.id is None else e
            for i, e in enumerate(update.events)
        )
    return events


def open_first(events: Iterable[RiskEvent]) -> tuple[RiskEvent, ...]:
    """Open events first (endorsed before unanswered, oldest first), then the history.

    Events that tie on kind and time (risk items of questionnaires given at one moment) come
    in the order of the risk items they carry: the order is a function of the events alone,
    never of the order they were read in.
    """
    items = sorted(events, key=_content)  # stable sorts below keep this order on ties
    opened = sorted(
        (e for e in items if e.open), key=lambda e: (e.kind != "endorsed", _when(e.first))
    )
    answered = sorted((e for e in items if not e.open), key=lambda e: _when(e.latest), reverse=True)
    return (*opened, *answered)


def _when(endorsement: RiskEndorsement) -> tuple[int, str, int]:
    stamp = endorsement.at.isoformat() if endorsement.at else str(endorsement.on or "")
    return (endorsement.session or 0, stamp, endorsement.administration_id or 0)


def _content(event: RiskEvent) -> tuple[str, str, str, str]:
    """A total order of events by what they carry: the first risk item, then everything."""
    first = event.first
    return (first.instrument, first.item, first.flag, event.model_dump_json())
