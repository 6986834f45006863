"""Risk signals for cards: one per open risk event, in the one wording of a risk event.

The events are the patient's stored risk events (:mod:`attunement.risk`: an endorsed or
unanswered risk item stays open until a clinician records a risk response), worded by
``describe_event`` in the clinic's language — never rebuilt from the flags of the latest
session, so an event opened at session 2 still gives a critical card after a calm session 3.
Answered events are history: they give no urgent card (see :mod:`._cds_cards`). An EHR's
prefetched responses are scored by the one engine; every flag of the score is a risk item,
worded by ``describe_endorsement`` and ``risk_message``. The wording is
:mod:`attunement.wording`'s, in the clinic's language: cards are read by clinicians in the
EHR, whatever language the patient answered in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from attunement.cds_hooks._signals import RiskSignal
from attunement.i18n import N_, SOURCE_LANGUAGE, translate
from attunement.risk import endorsements_from_flags, open_first
from attunement.wording import describe_endorsement, describe_event, risk_message

if TYPE_CHECKING:
    from attunement.instruments import Flag
    from attunement.risk import RiskEndorsement, RiskEvent

__all__ = ["event_signal", "event_signals", "risk_signals"]

_IN_THE_EHR = N_("In the EHR's questionnaire data: %(what)s")


def _day(endorsement: RiskEndorsement) -> date | None:
    return endorsement.on or (endorsement.at.date() if endorsement.at else None)


def event_signal(event: RiskEvent, *, language: str = SOURCE_LANGUAGE) -> RiskSignal:
    """A stored risk event, worded by :func:`attunement.wording.describe_event` in
    ``language``.

    An open event reads as an instruction (what was endorsed, the instrument's risk message,
    that it stays open); an answered one as history (the response recorded).
    """

    headline, *lines = describe_event(event, language)
    latest = event.latest
    days = (_day(e) for e in event.endorsements)
    return RiskSignal(
        instrument=latest.instrument,
        item=latest.item,
        kind=event.kind,
        message=risk_message(latest, language),
        headline=headline,
        lines=tuple(lines),
        session=latest.session,
        observed_on=_day(latest),
        endorsed_on=tuple(dict.fromkeys(d for d in days if d is not None)),
        event_id=event.id,
    )


def event_signals(
    events: Iterable[RiskEvent], *, language: str = SOURCE_LANGUAGE
) -> tuple[tuple[RiskSignal, ...], tuple[RiskSignal, ...]]:
    """(open events, answered events) as signals, in :func:`attunement.risk.open_first` order."""

    ordered = open_first(events)
    return (
        tuple(event_signal(e, language=language) for e in ordered if e.open),
        tuple(event_signal(e, language=language) for e in ordered if not e.open),
    )


def risk_signals(
    flags: Sequence[Flag],
    *,
    instrument: str,
    session: int | None = None,
    observed_on: date | None = None,
    source: str = "attunement",
    language: str = SOURCE_LANGUAGE,
) -> tuple[RiskSignal, ...]:
    """One signal per risk flag of a scored response (an EHR's prefetched data).

    Every flag is a risk item (``attunement.instruments.Flag``: endorsed, or left blank);
    each is worded by :func:`attunement.wording.describe_endorsement`, its message given by
    :func:`attunement.wording.risk_message`, both in ``language`` (the clinic's).
    """

    origin = "ehr" if source == "ehr" else "attunement"
    endorsements = endorsements_from_flags(
        flags,
        instrument=instrument,
        route="fhir_import" if origin == "ehr" else "administration",
        session=session,
        on=observed_on,
    )
    signals = []
    for endorsement in endorsements:
        message = risk_message(endorsement, language)
        what = describe_endorsement(endorsement, language)
        signals.append(
            RiskSignal(
                instrument=instrument,
                item=endorsement.item,
                kind=endorsement.kind,
                message=message,
                headline=translate(_IN_THE_EHR, language, what=what) if origin == "ehr" else what,
                lines=(message,),
                session=session,
                observed_on=observed_on,
                endorsed_on=(observed_on,) if observed_on else (),
                source=origin,
            )
        )
    return tuple(signals)
