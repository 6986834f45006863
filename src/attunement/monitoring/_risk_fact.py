"""An open risk event as a support prompt's fact ("PHQ-9 item 9 endorsed (answer 3) at
session 2, 2026-01-12; no risk response recorded yet"), in a sentence a page can show in its
reader's language.

The fact is kept structured: the endorsed item (the instrument's short name and the item's
position in its definition), the answer (a number), where and when it was endorsed, and that
no response is recorded yet — each a value or a part of a gettext sentence
(:class:`~attunement.monitoring._worded.Worded`), worded at the edge by
``attunement.wording.status_in``. The message ids are the ones ``attunement.wording`` words a
risk event's endorsement with (``wording._risk``): one catalogue entry each, so the fact reads
in Spanish as the risk event itself does (a test keeps the two equal). Monitoring imports no
wording (issue 17: no package loop monitoring → wording → monitoring).
"""

from __future__ import annotations

from typing import Final

from attunement import instruments  # loads its names on first use
from attunement.errors import UnknownInstrument
from attunement.i18n import N_
from attunement.monitoring._worded import Worded, worded
from attunement.risk import RiskEndorsement

__all__ = ["endorsement_fact", "open_risk"]

_OPEN_RISK: Final = N_("%(endorsement)s; no risk response recorded yet")
_ITEM: Final = N_("%(instrument)s item %(item)s")
_ENDORSED: Final = N_("%(item)s endorsed (answer %(answer)s) at %(when)s")
_ENDORSED_NO_ANSWER: Final = N_("%(item)s endorsed at %(when)s")
_UNANSWERED_AT: Final = N_("%(item)s left unanswered at %(when)s")
_AT_SESSION: Final = N_("session %(session)s")
_INTAKE: Final = N_("the intake questionnaire")
_SELF_REPORT: Final = N_("a self-report")
_AN_ADMINISTRATION: Final = N_("an administration")
#: where, then the date: punctuation only, the same in every language (not a message)
_PLACE_AND_DAY: Final = "%(place)s, %(day)s"


def _item(instrument: str, item: str) -> Worded:
    """ "PHQ-9 item 9": the definition's short name and the item's position in it (an
    unknown instrument or item in words)."""
    name = instruments.instrument_short_name(instrument)
    try:
        ids = instruments.load_instrument(instrument).item_ids
    except UnknownInstrument:
        ids = ()
    position = ids.index(item) + 1 if item in ids else item.replace("_", " ")
    return worded(_ITEM, {"instrument": name, "item": position})


def _when(endorsement: RiskEndorsement) -> Worded:
    """ "session 2, 2026-01-12", "the intake questionnaire", … (the day in ISO form)."""
    if endorsement.session is not None:
        place: Worded | None = worded(_AT_SESSION, {"session": endorsement.session})
    elif endorsement.route == "intake":
        place = worded(_INTAKE)
    elif endorsement.route == "self_report":
        place = worded(_SELF_REPORT)
    else:
        place = None
    day = endorsement.on or (endorsement.at.date() if endorsement.at else None)
    if place is None:
        return worded(_AN_ADMINISTRATION) if day is None else worded("%(day)s", {"day": str(day)})
    if day is None:
        return place
    return worded(_PLACE_AND_DAY, {"day": day.isoformat()}, parts={"place": place})


def endorsement_fact(endorsement: RiskEndorsement) -> Worded:
    """What was endorsed (or left unanswered), with the answer (a number, written as given:
    answers are the item's whole options) and when."""
    parts = {"item": _item(endorsement.instrument, endorsement.item), "when": _when(endorsement)}
    if endorsement.kind == "unanswered":
        return worded(_UNANSWERED_AT, parts=parts)
    if endorsement.answer is None:
        return worded(_ENDORSED_NO_ANSWER, parts=parts)
    answer = {"answer": endorsement.answer}
    return worded(_ENDORSED, answer, formats={"answer": "g"}, parts=parts)


def open_risk(endorsement: RiskEndorsement) -> Worded:
    """An open risk event's latest endorsement, awaiting a clinician's risk response."""
    return worded(_OPEN_RISK, parts={"endorsement": endorsement_fact(endorsement)})
