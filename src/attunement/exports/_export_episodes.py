"""The research export's episodes: one row per course of treatment (pure).

The long-format rows say what was measured; this table says which course each belongs to
and how it ended — the measures it is monitored with, when it started and ended and why
(``planned_end``, ``dropout`` …, :mod:`attunement.monitoring` end reasons). With it an
analysis can pick the ended episodes the clinic report compares with the published
benchmarks and the learning section rests on (``examples/reproduce_clinic_report.py``).

De-identified (:func:`deidentify_episode_row`): ids become the same keyed pseudonyms as the
other tables and both dates move by the patient's own shift, so an episode's length and its
place relative to the session dates are kept. The patient's recorded sex and age band
(:mod:`attunement.profile`) are kept too: they are quasi-identifiers, but coarse ones (three
sexes, five bands; never a birth date), and the learning section's calibration per sex and
its age-band feature cannot be reproduced without them — the data dictionary says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from attunement.exports._export import Column, ExportTable, Pseudonymizer

__all__ = ["EPISODE_COLUMNS", "EpisodeExportRow", "deidentify_episode_row", "episode_table"]

EPISODE_COLUMNS: tuple[Column, ...] = (
    Column("patient_id", "string", "Patient id (de-identified: keyed HMAC-SHA256 pseudonym)"),
    Column("clinician_id", "string", "Treating clinician id (de-identified: pseudonym)"),
    Column("episode_id", "string", "Episode id (de-identified: pseudonym)"),
    Column("outcome_instrument", "string", "Instrument the episode's outcome is monitored with"),
    Column("alliance_instrument", "string", "Instrument its alliance is monitored with, if any"),
    Column("started_on", "date", "Date the episode started (de-identified: shifted)"),
    Column("ended_on", "date", "Date it ended; empty while open (de-identified: shifted)"),
    Column(
        "end_reason",
        "string",
        "Why it ended (planned_end, dropout, … ; unknown when not recorded); empty while open",
    ),
    Column(
        "sex",
        "string",
        "Patient's recorded sex (female, male, another); empty when not recorded. Kept when "
        "de-identified: a coarse quasi-identifier",
    ),
    Column(
        "age_band",
        "string",
        "Patient's age band at the episode start (under-18, 18-25, 26-40, 41-65, 66+); empty "
        "when not recorded. Kept when de-identified: a coarse quasi-identifier, never a date",
    ),
    Column("synthetic", "bool", "True for records of the synthetic demo clinic"),
)


class EpisodeExportRow(BaseModel):
    """One episode (field names are :data:`EPISODE_COLUMNS`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    patient_id: str
    clinician_id: str
    episode_id: str
    outcome_instrument: str
    alliance_instrument: str | None
    started_on: dt.date
    ended_on: dt.date | None
    end_reason: str | None
    sex: str | None = None
    age_band: str | None = None
    synthetic: bool = False


def deidentify_episode_row(row: EpisodeExportRow, pseudonymizer: Pseudonymizer) -> EpisodeExportRow:
    """Ids pseudonymised and both dates shifted by the patient's shift."""
    shift = dt.timedelta(days=pseudonymizer.shift_days(row.patient_id))
    return row.model_copy(
        update={
            **pseudonymizer.record_ids(row.patient_id, row.clinician_id, row.episode_id),
            "started_on": row.started_on + shift,
            "ended_on": row.ended_on + shift if row.ended_on else None,
        }
    )


def episode_table(rows: Iterable[EpisodeExportRow]) -> ExportTable:
    """The episodes as a table of the export."""
    return ExportTable(
        stem="attunement_episodes",
        rows_are="one per episode (course of treatment) of a patient",
        columns=EPISODE_COLUMNS,
        rows=rows,
    )
