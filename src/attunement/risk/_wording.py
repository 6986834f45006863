"""How a risk event reads, in one place for every adapter (CLI, web, documents, EHR cards).

An open event leads with what was endorsed and the instrument's instruction ("assess suicide
risk today …"); an answered event reads as history ("endorsed at session 4; response
recorded …") and never repeats the instruction for a session long past. Numbers are
worded by :mod:`attunement.wording`, like everywhere else (the wording modules import no
risk module: monitoring's alert words, which they read, load without the risk events).
"""

from __future__ import annotations

from functools import cache

from attunement import instruments  # loads its names on first use (issue 13: plan's start-up)
from attunement.errors import UnknownInstrument
from attunement.risk._models import RiskEndorsement, RiskEvent, RiskResponse
from attunement.risk._vocabulary import load_response_vocabulary
from attunement.wording import format_number

__all__ = [
    "describe_endorsement",
    "describe_event",
    "describe_profile_flag",
    "describe_response",
    "event_headline",
    "risk_message",
]


@cache
def _item_label(instrument: str, item: str) -> tuple[str, str]:
    """(instrument short name, "item N") from the definition; ids as given when unknown."""
    try:
        definition = instruments.load_instrument(instrument)
    except UnknownInstrument:  # an event must always be describable
        return instrument, item
    position = definition.item_ids.index(item) + 1 if item in definition.item_ids else None
    return definition.short_name, f"item {position}" if position else item


def _when(endorsement: RiskEndorsement) -> str:
    parts = []
    if endorsement.session is not None:
        parts.append(f"session {endorsement.session}")
    elif endorsement.route == "intake":
        parts.append("the intake questionnaire")
    elif endorsement.route == "self_report":
        parts.append("a self-report")
    day = endorsement.on or (endorsement.at.date() if endorsement.at else None)
    if day is not None:
        parts.append(day.isoformat())
    return ", ".join(parts) or "an administration"


def describe_endorsement(endorsement: RiskEndorsement) -> str:
    """ "PHQ-9 item 9 endorsed (answer 3) at session 2, 2026-01-12"."""
    name, item = _item_label(endorsement.instrument, endorsement.item)
    if endorsement.kind == "unanswered":
        return f"{name} {item} left unanswered at {_when(endorsement)}"
    answer = "" if endorsement.answer is None else f" (answer {format_number(endorsement.answer)})"
    return f"{name} {item} endorsed{answer} at {_when(endorsement)}"


def event_headline(event: RiskEvent) -> str:
    """One line: what happened, and whether it is open."""
    what = "; ".join(describe_endorsement(e) for e in event.endorsements)
    if event.open:
        return f"Open risk event: {what}"
    return f"Risk history: {what}"


def describe_response(response: RiskResponse) -> str:
    """ "Assessed 2026-01-12: Low concern; Safety plan made or reviewed …; note: …"."""
    words = load_response_vocabulary()
    actions = "; ".join(words.action_label(a) for a in response.actions)
    text = f"assessed {response.assessed_on.isoformat()}: {words.level_label(response.level)}"
    text += f"; {actions}"
    if response.reason:
        text += f" (reason: {response.reason})"
    if response.note:
        text += f"; note: {response.note}"
    if response.recorded_by:
        text += f"; recorded by {response.recorded_by}"
    return text


def risk_message(endorsement: RiskEndorsement, language: str = "en") -> str:
    """The instrument's risk message for the endorsement, in the clinician's language."""
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
    event: RiskEvent, language: str = "en", *, current_session: int | None = None
) -> tuple[str, ...]:
    """The headline, then for an open event the instruction, else the response recorded.

    Instructions are given in ``language`` (the clinic's), not the patient's. The
    instrument's instruction for the day ("assess suicide risk today, before the patient
    leaves") is for the current event only: an open event whose latest endorsement is from a
    session before ``current_session`` reads as history still awaiting its response
    ("endorsed at session 4; no response recorded yet"), and stays as prominent.
    """
    lines = [event_headline(event)]
    if event.open and _from_an_earlier_session(event, current_session):
        sessions = ", ".join(str(s) for s in event.sessions)
        lines.append(
            f"Endorsed at session {sessions}; no response recorded yet: assess the risk with "
            "the patient now and record a risk response."
        )
        lines.append("It stays open until a clinician records a risk response.")
    elif event.open:
        lines.extend(dict.fromkeys(risk_message(e, language) for e in event.endorsements))
        lines.append("It stays open until a clinician records a risk response.")
    elif event.response is not None:
        lines.append(f"Response recorded — {describe_response(event.response)}")
    return tuple(lines)


def describe_profile_flag(instrument: str, item: str, answer: float | None, kind: str) -> str:
    """A risk flag of a questionnaire given in the profile, as history: its risk event (open
    or answered) carries the instruction or the response, so the flag never repeats "assess
    today" ("PHQ-9 item 9 endorsed (answer 2) in the profile questionnaire; see its risk
    event")."""
    name, label = _item_label(instrument, item)
    if kind == "unanswered":
        what = f"{name} {label} left unanswered"
    else:
        what = f"{name} {label} endorsed" + (f" (answer {answer:g})" if answer is not None else "")
    return f"{what} in the profile questionnaire; see its risk event (open risk events first)"
