"""The research export's episode table, read in keyset pages (issue 15).

One row per readable episode (``Episode.id > last id``, ``page_size`` at a time, so memory
does not grow with the clinic): its measures, dates and end reason — what an analysis needs
to pick the ended episodes the clinic report compares with the benchmarks — and the
patient's recorded sex and age band (the learning section's calibration per sex).
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from attunement.exports import (
    EpisodeExportRow,
    ExportTable,
    Pseudonymizer,
    deidentify_episode_row,
    episode_table,
)
from attunement.services._episode_pages import episode_pages
from attunement.store import Episode, Patient

__all__ = ["research_episode_table"]


def _rows(
    session: Session,
    readable: ColumnElement[bool],
    page_size: int,
    pseudonyms: Pseudonymizer | None,
    counts: MutableMapping[str, int],
) -> Iterator[EpisodeExportRow]:
    counts.setdefault("episodes", 0)
    statement = (
        select(Episode, Patient.synthetic, Patient.sex, Patient.age_band)
        .join(Patient, Patient.id == Episode.patient_id)
        .where(readable)
    )
    for page in episode_pages(session, statement, page_size):
        for episode, synthetic, sex, age_band in page:
            row = EpisodeExportRow(
                patient_id=str(episode.patient_id),
                clinician_id=str(episode.clinician_id),
                episode_id=str(episode.id),
                outcome_instrument=episode.outcome_instrument,
                alliance_instrument=episode.alliance_instrument,
                started_on=episode.started_on,
                ended_on=episode.ended_on,
                end_reason=(episode.end_reason or "unknown") if episode.ended_on else None,
                sex=sex,
                age_band=age_band,
                synthetic=synthetic,
            )
            counts["episodes"] += 1
            yield deidentify_episode_row(row, pseudonyms) if pseudonyms else row


def research_episode_table(
    session: Session,
    readable: ColumnElement[bool],
    *,
    page_size: int,
    pseudonyms: Pseudonymizer | None,
    counts: MutableMapping[str, int],
) -> ExportTable:
    """The episode table of the export (rows streamed as written; ``counts["episodes"]``)."""
    return episode_table(_rows(session, readable, page_size, pseudonyms, counts))
