"""The rows of a bulk import, as the translators give them to the services layer.

A clinic moving from another system brings patients, their episodes of care and the
questionnaires given in them. Each translator (CSV, :mod:`._import_csv`) turns its input into
these plain records, each with the source system's own key and the place it came from
(:class:`RowSource`: file and line or entry), so that every error names that place.
Nothing here is scored or stored: scoring is the batch engine's, storing the services'.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from attunement.errors import InputError
from attunement.profile import AgeBand, Sex

if TYPE_CHECKING:
    from attunement.instruments import Score

__all__ = [
    "AdministrationRow",
    "EpisodeRow",
    "ImportRow",
    "ImportRowError",
    "PatientRow",
    "RowSource",
]


@dataclass(frozen=True, slots=True)
class RowSource:
    """Where a row came from: the file and its 1-based line, or its 0-based entry in a
    Bundle (``entry``)."""

    file: str
    line: int
    entry: bool = False

    def __str__(self) -> str:
        return f"{self.file} entry {self.line}" if self.entry else f"{self.file}:{self.line}"


class ImportRowError(InputError):
    """A row of an import file does not fit: names the file, line, field, value and what is
    allowed (``file:line: field: 'value' is not allowed; allowed: …``)."""

    def __init__(
        self,
        source: RowSource,
        field: str,
        value: object,
        allowed: str,
        *,
        risk: tuple[str, ...] = (),
    ) -> None:
        super().__init__(field, value, allowed, risk=risk)
        self.message = f"{source}: {self.message}"
        self.args = (self.message,)
        self.source = source


@dataclass(frozen=True, slots=True)
class PatientRow:
    """A patient: ``key`` becomes the patient's external id; ``clinician`` is a username;
    ``sex`` and ``age_band`` as the patient record keeps them (None: not recorded)."""

    key: str
    display_name: str
    clinician: str
    preferred_language: str
    synthetic: bool
    source: RowSource
    sex: Sex | None = None
    age_band: AgeBand | None = None


@dataclass(frozen=True, slots=True)
class EpisodeRow:
    """An (open) episode of care of a patient named by the patient's key."""

    key: str
    patient_key: str
    started_on: dt.date
    outcome_instrument: str
    alliance_instrument: str | None
    source: RowSource


@dataclass(frozen=True, slots=True)
class AdministrationRow:
    """One questionnaire given at a numbered session of an episode (``None``: no answer)."""

    key: str
    episode_key: str
    session: int
    held_on: dt.date
    instrument: str
    language: str | None
    answers: tuple[int | None, ...]
    source: RowSource
    #: The translator's score of the answers (the FHIR path scores each response while
    #: checking it); the services layer stores it instead of scoring the row again when
    #: it is of the current definition and the row's scoring language.
    scored: Score | None = field(default=None, compare=False, repr=False)


ImportRow = PatientRow | EpisodeRow | AdministrationRow
