"""The research export's plan-followed table, read in keyset pages (issue 15).

For each readable episode (``Episode.id > last id``, ``page_size`` at a time), whether each
dimension of its plan was followed, read by :func:`episodes_followed` — the very read the
learning section of the clinic report makes (:mod:`attunement.services._clinic_episodes`),
so the export holds the values the associations were fitted to, not a second derivation —
and which of them a clinician recorded (the others come from the rupture repair rule).
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping, Sequence

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from attunement.exports import (
    ExportTable,
    PlanFollowedRow,
    Pseudonymizer,
    deidentify_followed_row,
    followed_rows,
    followed_table,
)
from attunement.services._episode_pages import episode_pages
from attunement.services._plan_adherence import episodes_followed
from attunement.store import Episode, Patient, PlanAdherenceRecord

__all__ = ["research_followed_table"]


def _recorded(session: Session, episode_ids: Sequence[int]) -> dict[int, set[str]]:
    """The dimensions a clinician recorded, per episode."""
    found: dict[int, set[str]] = {}
    for episode_id, dimension in session.execute(
        select(PlanAdherenceRecord.episode_id, PlanAdherenceRecord.dimension)
        .where(PlanAdherenceRecord.episode_id.in_(episode_ids))
        .distinct()
    ):
        found.setdefault(episode_id, set()).add(dimension)
    return found


def _rows(
    session: Session,
    readable: ColumnElement[bool],
    page_size: int,
    pseudonyms: Pseudonymizer | None,
    counts: MutableMapping[str, int],
) -> Iterator[PlanFollowedRow]:
    counts.setdefault("plan_followed", 0)
    statement = (
        select(Episode.id, Episode.patient_id, Episode.clinician_id, Patient.synthetic)
        .join(Patient, Patient.id == Episode.patient_id)
        .where(readable)
    )
    for page in episode_pages(session, statement, page_size):
        ids = [row[0] for row in page]
        followed = episodes_followed(session, ids)
        recorded = _recorded(session, ids)
        for episode_id, patient_id, clinician_id, synthetic in page:
            for row in followed_rows(
                followed.get(episode_id, {}),
                recorded.get(episode_id, set()),
                patient_id=str(patient_id),
                clinician_id=str(clinician_id),
                episode_id=str(episode_id),
                synthetic=synthetic,
            ):
                counts["plan_followed"] += 1
                yield deidentify_followed_row(row, pseudonyms) if pseudonyms else row


def research_followed_table(
    session: Session,
    readable: ColumnElement[bool],
    *,
    page_size: int,
    pseudonyms: Pseudonymizer | None,
    counts: MutableMapping[str, int],
) -> ExportTable:
    """The plan-followed table of the export (rows streamed as written;
    ``counts["plan_followed"]``)."""
    return followed_table(_rows(session, readable, page_size, pseudonyms, counts))
