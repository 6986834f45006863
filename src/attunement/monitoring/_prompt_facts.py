"""The facts a support prompt or a dropout indicator gives as its "because", in sentences a
page can show in its reader's language.

Each sentence is written once, here, as a gettext message id with named values; the prompt
or indicator keeps it beside the English fact (:class:`~attunement.monitoring._worded.Worded`)
and ``attunement.wording.status_in`` fills the translation. An alliance alert or an outcome
alert quoted in a fact is a part worded the same way (its own template and values).
"""

from __future__ import annotations

from typing import Final, Literal

from attunement.i18n import N_
from attunement.monitoring._alliance_alerts import AllianceAlert
from attunement.monitoring._worded import Worded, WordedValue, as_stored, worded

__all__ = ["alliance_fact", "below_threshold", "missed_sessions", "ruptured_at"]

_ALLIANCE: Final = {
    "rupture": N_("alliance rupture: %(alert)s"),
    "at_risk": N_("alliance at risk: %(alert)s"),
}
_BELOW: Final = N_("%(instrument)s %(value)s below %(threshold)s")
_RUPTURED_AT: Final = N_("alliance ruptured at session %(session)s")
_MISSED: Final = N_("missed session(s): %(sessions)s")


def _alert(alert: AllianceAlert) -> Worded:
    """An alliance alert as a part (its marker's label is a knowledge text)."""
    if alert.template is None:
        return as_stored(alert.message)
    return worded(alert.template, alert.values, formats=alert.formats, knowledge=("marker",))


def alliance_fact(state: Literal["rupture", "at_risk"], alert: AllianceAlert) -> Worded:
    """ "alliance rupture: …" with the alert's sentence."""
    return worded(_ALLIANCE[state], parts={"alert": _alert(alert)})


def below_threshold(instrument: str, value: float, threshold: float) -> Worded:
    """The alliance measure below its threshold (the weak-alliance indicator)."""
    figures: dict[str, WordedValue] = {
        "instrument": instrument,
        "value": value,
        "threshold": threshold,
    }
    return worded(_BELOW, figures, formats={"value": ".2f", "threshold": "g"})


def ruptured_at(session: int | None) -> Worded:
    """The session the alliance ruptured at (the weak-alliance indicator)."""
    return worded(_RUPTURED_AT, {"session": str(session) if session is None else session})


def missed_sessions(sessions: list[int]) -> Worded:
    """The sessions missed so far (the missed-sessions indicator)."""
    return worded(_MISSED, {"sessions": ", ".join(str(s) for s in sessions)})
