"""The research export's plan and accommodation tables, read page by page (issue 15).

Each episode's plan is its patient's tailored plan as the app gives it (``tailored_plan``:
the stored profile, the open risk events, the clinic's language) — the plan the clinic
report counts accommodations from — split into lines by ``documents.plan_lines``. Episodes
are read in keyset pages (``Episode.id > last id``), so memory does not grow with the clinic;
a patient without a profile, or whose stored profile no longer validates, has no plan and
no rows. Both tables are written together from one pass of the page reader
(``exports.plan_tables``), so each patient's plan is computed once for the two of them (once
a page: a patient whose episodes fall on two pages has it computed on each).
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from attunement.documents import plan_lines
from attunement.errors import AttunementError
from attunement.exports import (
    AccommodationRow,
    JointTables,
    PlanLine,
    PlanRow,
    Pseudonymizer,
    deidentify_plan_row,
    plan_table_rows,
    plan_tables,
)
from attunement.services._episode_pages import episode_pages
from attunement.services._status import patient_profile, tailored_plan
from attunement.store import Episode, Patient

__all__ = ["research_plan_tables"]

#: the audit entry's count of each table's rows, in the order of ``exports.plan_tables``
_COUNTED = ("plan_lines", "accommodations")


def _episode_plans(
    session: Session, readable: ColumnElement[bool], clinic_language: str, page_size: int
) -> Iterator[tuple[Episode, Patient, list[PlanLine]]]:
    """Every readable episode with its patient's plan lines, a keyset page at a time."""
    statement = select(Episode, Patient).join(Patient, Patient.id == Episode.patient_id)
    for page in episode_pages(session, statement.where(readable), page_size):
        plans: dict[int, list[PlanLine]] = {}
        for episode, patient in page:
            if patient.id not in plans:
                plans[patient.id] = _lines(session, patient, clinic_language)
            yield episode, patient, plans[patient.id]
        del page, plans


def _lines(session: Session, patient: Patient, clinic_language: str) -> list[PlanLine]:
    try:
        if patient_profile(patient) is None:
            return []
    except AttunementError:  # a stored profile that no longer parses has no plan to export
        return []
    return plan_lines(tailored_plan(session, patient, clinic_language=clinic_language))


def _rows(
    plans: Iterator[tuple[Episode, Patient, list[PlanLine]]],
    *,
    pseudonyms: Pseudonymizer | None,
    counts: MutableMapping[str, int],
) -> Iterator[tuple[int, PlanRow | AccommodationRow]]:
    for name in _COUNTED:
        counts.setdefault(name, 0)
    for episode, patient, lines in plans:
        for table, row in plan_table_rows(
            lines,
            patient_id=str(patient.id),
            clinician_id=str(episode.clinician_id),
            episode_id=str(episode.id),
            synthetic=patient.synthetic,
        ):
            counts[_COUNTED[table]] += 1
            yield table, deidentify_plan_row(row, pseudonyms) if pseudonyms else row


def research_plan_tables(
    session: Session,
    readable: ColumnElement[bool],
    *,
    clinic_language: str,
    page_size: int,
    pseudonyms: Pseudonymizer | None,
    counts: MutableMapping[str, int],
) -> JointTables:
    """The plan and accommodation tables of the export, written together as the one pass
    over the episodes reads each plan; ``counts`` receives the rows written to each
    (``plan_lines``, ``accommodations``)."""
    plans = _episode_plans(session, readable, clinic_language, page_size)
    return plan_tables(_rows(plans, pseudonyms=pseudonyms, counts=counts))
