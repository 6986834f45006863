"""The notes a status gives beside its figures (what could not be scored, which rule decided
reliable change, which norms were not used), in sentences a page can show in its reader's
language.

Each note is written once, here, as a gettext message id with named values; the status keeps
it beside the English note (:class:`~attunement.monitoring._worded.Worded`) and
``attunement.wording.status_in`` fills the translation. A note added by an adapter (the
episode file's own notes) has no template and is shown as written.
"""

from __future__ import annotations

from typing import Final

from attunement.i18n import N_
from attunement.monitoring._worded import Worded, WordedValue, worded

__all__ = ["note"]

#: The notes by the case they state (gettext message ids).
_NOTES: Final = {
    "session_not_scored": N_(
        "session %(session)s could not be scored; figures use session %(used)s"
    ),
    "intake_not_scored": N_("the intake could not be scored; session %(session)s is the baseline"),
    "published_threshold_decides": N_(
        "reliable change is decided by the published threshold of %(points)s points; the "
        "Jacobson-Truax RC (%(rc)s) is not the deciding rule and is not reported as rci"
    ),
    "threshold_without_rc": N_(
        "RC needs the SD and reliability, which the norms lack: reliable change is judged by "
        "the published threshold of %(points)s points"
    ),
    "no_change_norms": N_(
        "%(instrument)s %(scale)s: no reliable-change norms, so no RC or category"
    ),
    "no_convention_cutoff": N_(
        "%(instrument)s %(scale)s has no %(caseness)s caseness cut-off: the published cut-off "
        "is used"
    ),
    "clinic_norms_not_used": N_(
        "clinic-derived norms were given but published norms exist: not used"
    ),
}


#: How a note writes its figures: a threshold in points as given, an RC to two decimals.
_FIGURES: Final = {"points": "g", "rc": ".2f"}


def note(case: str, **values: WordedValue) -> Worded:
    """The note of ``case`` filled with ``values`` (numbers as ``_FIGURES`` writes them)."""
    return worded(_NOTES[case], values, formats=_FIGURES)
