"""How a risk event reads, in one place for every adapter (CLI, web, documents, EHR cards).

An open event leads with what was endorsed and the instrument's instruction ("assess suicide
risk today …"); an answered event reads as history ("endorsed at session 4; response
recorded …") and never repeats the instruction for a session long past. Each sentence is a
gettext message with named values, given in the reader's ``language`` (the clinic's: a
Spanish clinic reads its risk events in Spanish); the instrument and item by their names in
the definition, numbers by the one number formatter, dates in ISO form like the rest of the
wording. The events themselves — when one is open, what answers it — are decided in
:mod:`attunement.risk`, which imports no wording (issue 17: no package loop risk → wording →
monitoring → risk).
"""

from __future__ import annotations

from typing import Final

from attunement import instruments  # loads its names on first use (issue 13: plan's start-up)
from attunement.errors import UnknownInstrument
from attunement.i18n import N_, SOURCE_LANGUAGE, knowledge_text, translate
from attunement.monitoring import endorsement_fact
from attunement.risk import RiskEndorsement, RiskEvent, RiskResponse, load_response_vocabulary
from attunement.wording._knowledge import _Words
from attunement.wording._names import item_label
from attunement.wording._numbers import format_number
from attunement.wording._worded import said

__all__ = [
    "describe_endorsement",
    "describe_event",
    "describe_profile_flag",
    "describe_response",
    "event_headline",
    "risk_message",
]

_OPEN: Final = N_("Open risk event: %(what)s")
_HISTORY: Final = N_("Risk history: %(what)s")
_EARLIER: Final = N_(
    "Endorsed at session %(sessions)s; no response recorded yet: assess the risk with the "
    "patient now and record a risk response."
)
_STAYS_OPEN: Final = N_("It stays open until a clinician records a risk response.")
_RECORDED: Final = N_("Response recorded — %(response)s")
_ASSESSED: Final = N_("assessed %(date)s: %(level)s; %(actions)s")
_REASON: Final = N_("%(response)s (reason: %(reason)s)")
_NOTE: Final = N_("%(response)s; note: %(note)s")
_RECORDED_BY: Final = N_("%(response)s; recorded by %(clinician)s")
_PROFILE_ENDORSED: Final = N_(
    "%(item)s endorsed (answer %(answer)s) in the profile questionnaire; see its risk event "
    "(open risk events first)"
)
_PROFILE_ENDORSED_NO_ANSWER: Final = N_(
    "%(item)s endorsed in the profile questionnaire; see its risk event (open risk events first)"
)
_PROFILE_UNANSWERED: Final = N_(
    "%(item)s left unanswered in the profile questionnaire; see its risk event (open risk "
    "events first)"
)


def describe_endorsement(endorsement: RiskEndorsement, language: str = SOURCE_LANGUAGE) -> str:
    """ "PHQ-9 item 9 endorsed (answer 3) at session 2, 2026-01-12", in ``language``: the
    monitoring core's one sentence of an endorsement (``monitoring.endorsement_fact``, which
    a support prompt's open-risk fact stores too), said here."""
    return said(endorsement_fact(endorsement), _Words(language, None))


def event_headline(event: RiskEvent, language: str = SOURCE_LANGUAGE) -> str:
    """One line: what happened, and whether it is open."""
    what = "; ".join(describe_endorsement(e, language) for e in event.endorsements)
    return translate(_OPEN if event.open else _HISTORY, language, what=what)


def describe_response(response: RiskResponse, language: str = SOURCE_LANGUAGE) -> str:
    """ "assessed 2026-01-12: Low concern; Safety plan made or reviewed …; note: …", the
    vocabulary's labels in ``language`` (the clinician's own reason and note as written)."""
    words = load_response_vocabulary()
    actions = "; ".join(knowledge_text(words.action_label(a), language) for a in response.actions)
    text = translate(
        _ASSESSED,
        language,
        date=response.assessed_on.isoformat(),
        level=knowledge_text(words.level_label(response.level), language),
        actions=actions,
    )
    if response.reason:
        text = translate(_REASON, language, response=text, reason=response.reason)
    if response.note:
        text = translate(_NOTE, language, response=text, note=response.note)
    if response.recorded_by:
        text = translate(_RECORDED_BY, language, response=text, clinician=response.recorded_by)
    return text


def risk_message(endorsement: RiskEndorsement, language: str = SOURCE_LANGUAGE) -> str:
    """The instrument's risk message for the endorsement, in the clinician's language (the
    definition's own translation; the message stored with the endorsement otherwise)."""
    try:
        definition = instruments.load_instrument(endorsement.instrument)
    except UnknownInstrument:
        return endorsement.message
    return definition.flag_message(endorsement.flag, language) or endorsement.message


def _from_an_earlier_session(event: RiskEvent, current_session: int | None) -> bool:
    """True when the event's latest endorsement is from a session before ``current_session``
    (an intake or self-report endorsement without a session is never "earlier")."""
    latest = event.latest.session
    return current_session is not None and latest is not None and latest < current_session


def describe_event(
    event: RiskEvent, language: str = SOURCE_LANGUAGE, *, current_session: int | None = None
) -> tuple[str, ...]:
    """The headline, then for an open event the instruction, else the response recorded.

    Everything in ``language`` (the clinic's, not the patient's). The instrument's
    instruction for the day ("assess suicide risk today, before the patient leaves") is for
    the current event only: an open event whose latest endorsement is from a session before
    ``current_session`` reads as history still awaiting its response ("endorsed at session
    4; no response recorded yet"), and stays as prominent.
    """
    lines = [event_headline(event, language)]
    if event.open and _from_an_earlier_session(event, current_session):
        sessions = ", ".join(str(s) for s in event.sessions)
        lines.append(translate(_EARLIER, language, sessions=sessions))
        lines.append(translate(_STAYS_OPEN, language))
    elif event.open:
        lines.extend(dict.fromkeys(risk_message(e, language) for e in event.endorsements))
        lines.append(translate(_STAYS_OPEN, language))
    elif event.response is not None:
        response = describe_response(event.response, language)
        lines.append(translate(_RECORDED, language, response=response))
    return tuple(lines)


def describe_profile_flag(
    instrument: str, item: str, answer: float | None, kind: str, language: str = SOURCE_LANGUAGE
) -> str:
    """A risk flag of a questionnaire given in the profile, as history: its risk event (open
    or answered) carries the instruction or the response, so the flag never repeats "assess
    today" ("PHQ-9 item 9 endorsed (answer 2) in the profile questionnaire; see its risk
    event")."""
    label = item_label(instrument, item, language)
    if kind == "unanswered":
        return translate(_PROFILE_UNANSWERED, language, item=label)
    if answer is None:
        return translate(_PROFILE_ENDORSED_NO_ANSWER, language, item=label)
    return translate(_PROFILE_ENDORSED, language, item=label, answer=format_number(answer))
