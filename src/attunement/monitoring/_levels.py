"""The outcome alert levels and their order: defined here, once, for every adapter.

Most urgent first::

    red             reliable deterioration (worse than intake by the red threshold at two
                    consecutive scored sessions, or by far more at once)
    yellow          less progress than expected for this intake at this dose, or worse
                    than intake beyond measurement error (reliably at one session only)
    not_assessable  nothing can be judged yet (no scorable outcome value, or no change norms
                    at all): named, never null, and ranked above green and white because an
                    episode nobody can judge needs a look more than one that is on track
    green           progress as expected (or the intake itself)
    white           on the healthy side of the clinical cut-off

The colours are those clinicians know from outcome-feedback systems (Lambert's OQ-45
signals; PCOMS/OpenFIT zones). A caseload sorts a critical risk flag before all of these
(:func:`attunement.monitoring.alert_rank`).
"""

from __future__ import annotations

from typing import Final, Literal

from attunement.errors import InputError

__all__ = ["ALERT_LEVELS", "ALERT_MEANINGS", "Alert", "alert_urgency"]

Alert = Literal["red", "yellow", "not_assessable", "green", "white"]

#: Every alert level, most urgent first: the one definition of the levels and their order.
ALERT_LEVELS: Final[tuple[Alert, ...]] = ("red", "yellow", "not_assessable", "green", "white")

#: What each level means, in a clinician's words: shown beside the level by every adapter
#: (web, CLI), so the wording follows the rules of :mod:`attunement.monitoring._alerts`.
ALERT_MEANINGS: Final[dict[Alert, str]] = {
    "red": "Reliably worse than at intake (the red threshold of reliable deterioration, at "
    "two scored sessions in a row or by far more at once): review the plan and the "
    "clinical-support prompts with the patient.",
    "yellow": "Less progress than expected for this intake, or worse than at intake beyond "
    "measurement error (reliably at one session only: red if seen again): consider the "
    "clinical-support prompts.",
    "not_assessable": "Nothing can be judged yet: no scorable outcome questionnaire, or no "
    "change norms for this measure. Look at the patient rather than assume progress.",
    "green": "Within the expected band or better (or at intake, with nothing to compare yet).",
    "white": "The latest score is on the healthy side of the instrument's clinical cut-off.",
}

_URGENCY: Final[dict[str, int]] = {level: rank for rank, level in enumerate(ALERT_LEVELS)}


def alert_urgency(level: str) -> int:
    """Sort key of a level: 0 for red … 4 for white (raises InputError for anything else)."""
    try:
        return _URGENCY[level]
    except KeyError:
        raise InputError("alert", level, ALERT_LEVELS) from None
