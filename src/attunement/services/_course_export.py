"""The stored course predictions as rows of the research export (issue 15).

Read in keyset pages of predictions (one page in memory), inside the export's use case,
which checked access and audits the patients read; each row is the prediction as stored
when it was made (:mod:`attunement.services._course_predictions`), never recomputed.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import ValidationError
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from attunement.exports import CoursePredictionRow, course_prediction_row
from attunement.learning import PersonalisedCourse
from attunement.store import CoursePredictionRecord, Episode, Patient

__all__ = ["course_prediction_rows"]


def course_prediction_rows(
    session: Session, readable: ColumnElement[bool], page_size: int
) -> Iterator[CoursePredictionRow]:
    """Every stored prediction of the readable patients' episodes, oldest first; a stored
    course that no longer validates (a future schema) is left out rather than half-read."""
    after = 0
    while True:
        page = session.execute(
            select(
                CoursePredictionRecord, Episode.patient_id, Patient.clinician_id, Patient.synthetic
            )
            .join(Episode, Episode.id == CoursePredictionRecord.episode_id)
            .join(Patient, Patient.id == Episode.patient_id)
            .where(readable, CoursePredictionRecord.id > after)
            .order_by(CoursePredictionRecord.id)
            .limit(page_size)
        ).all()
        if not page:
            return
        after = page[-1][0].id
        for record, patient_id, clinician_id, synthetic in page:
            try:
                course = PersonalisedCourse.model_validate(record.course)
            except ValidationError:
                continue
            yield course_prediction_row(
                course,
                prediction_id=record.id,
                patient_id=patient_id,
                clinician_id=clinician_id,
                episode_id=record.episode_id,
                made_on=record.made_at.date(),
                instrument=record.instrument,
                intake_session=record.intake_session,
                at_session=record.at_session,
                episodes_compared=record.episodes_compared,
                model_version=record.model_version,
                synthetic=synthetic,
            )
