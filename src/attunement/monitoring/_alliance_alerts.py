"""An alliance alert: why the alliance is flagged at a session, in a sentence a page can
show in its reader's language.

The sentence is written once, here, as a gettext message id with named values; the alert
keeps both beside the English sentence, and ``attunement.wording.status_in`` fills the
translation (the marker's label, a knowledge text, in that language too).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal

from pydantic import BaseModel, Field

from attunement._model_config import FROZEN
from attunement.i18n import N_
from attunement.monitoring._worded import Worded, WordedValue, worded

__all__ = ["AllianceAlert", "alert", "noise_floor_basis"]


class AllianceAlert(BaseModel):
    """Why the alliance is flagged at this session, with the rule's basis.

    ``message`` is the English sentence; ``template`` (a gettext message id) and ``values``
    are what it was written from, so a page shows it in its reader's language
    (``attunement.wording.status_in``). A status stored before they existed has neither;
    one stored before ``formats`` has its figures written (strings) and shows them so.
    """

    model_config = FROZEN

    kind: Literal["threshold", "drop", "cumulative", "marker", "fall"]
    severity: Literal["rupture", "at_risk"]
    session: int
    message: str
    basis: str
    template: str | None = None
    #: ``basis`` as a sentence with its message id and figures, said in the reader's
    #: language (``attunement.wording.status_in``); None in a status stored before it
    basis_worded: Worded | None = None
    values: dict[str, WordedValue] = Field(default_factory=dict)
    #: how each number of ``values`` is written (a format spec, as ``Worded.formats``)
    formats: dict[str, str] = Field(default_factory=dict)


#: The alerts' sentences (gettext message ids; ``marker`` is the marker's label).
_ALERT_TEMPLATES: Final = {
    "drop": N_(
        "%(instrument)s fell %(fall)s since the previous measure; the drop bound is %(bound)s"
    ),
    "cumulative": N_(
        "%(instrument)s fell %(fall)s from its best level; the drop bound is %(bound)s"
    ),
    "threshold": N_("%(instrument)s %(value)s is past the threshold %(threshold)s"),
    "fall_previous": N_(
        "%(instrument)s fell %(fall)s from the previous measure, beyond the noise floor %(noise)s"
    ),
    "fall_best": N_(
        "%(instrument)s fell %(fall)s from its best level, beyond the noise floor %(noise)s"
    ),
    "withdrawal": N_("clinician recorded a withdrawal marker: %(marker)s"),
    "confrontation": N_("clinician recorded a confrontation marker: %(marker)s"),
}

#: The basis of an at-risk fall: the rule's source (as cited) and the noise floor's basis.
_NOISE_FLOOR_BASIS: Final = N_("%(source)s; noise floor: %(noise)s")


def noise_floor_basis(source: str, noise: Worded) -> Worded:
    """ "<the at-risk rule's source>; noise floor: <the noise floor's basis>"."""
    return worded(_NOISE_FLOOR_BASIS, {"source": source}, parts={"noise": noise})


def alert(
    kind: Literal["threshold", "drop", "cumulative", "marker", "fall"],
    severity: Literal["rupture", "at_risk"],
    session: int,
    sentence: str,
    basis: Worded,
    *,
    formats: Mapping[str, str] | None = None,
    **values: WordedValue,
) -> AllianceAlert:
    """An alert whose message is its sentence filled with ``values`` (numbers written with
    ``formats``)."""
    sentence_worded = worded(_ALERT_TEMPLATES[sentence], values, formats=formats)
    return AllianceAlert(
        kind=kind,
        severity=severity,
        session=session,
        message=sentence_worded.text,
        basis=basis.text,
        basis_worded=basis,
        template=sentence_worded.template,
        values=sentence_worded.values,
        formats=sentence_worded.formats,
    )
