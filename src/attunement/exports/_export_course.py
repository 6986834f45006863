"""The research export's course predictions: one row per prediction made at the time (pure).

Each personalised expected course was stored when the episode's intake was recorded (a
corrected intake adds another, the old one kept): what was predicted, how (the method, the
number of similar episodes and how they ended, the dropout probability), from what intake
and when. Written beside the long-format rows as ``attunement_course_predictions.csv`` (or
``.parquet``) with its section of the data dictionary, so a researcher can compare what was
expected with what happened.

De-identified (:func:`deidentify_course_row`): ids become the same keyed pseudonyms as the
other rows and the date is shifted by the patient's own shift; nothing else identifies.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from attunement.exports._export import Column, ExportTable, Pseudonymizer
from attunement.learning import PersonalisedCourse

__all__ = [
    "COURSE_COLUMNS",
    "CoursePredictionRow",
    "course_prediction_row",
    "course_table",
    "deidentify_course_row",
]

COURSE_COLUMNS: tuple[Column, ...] = (
    Column("patient_id", "string", "Patient id (de-identified: keyed HMAC-SHA256 pseudonym)"),
    Column("clinician_id", "string", "Treating clinician id (de-identified: pseudonym)"),
    Column("episode_id", "string", "Episode id (de-identified: pseudonym)"),
    Column("prediction_id", "string", "Prediction id (de-identified: pseudonym)"),
    Column("made_on", "date", "Date the prediction was made and stored (de-identified: shifted)"),
    Column(
        "made_at_intake",
        "bool",
        "True when no outcome score after the intake existed when it was made",
    ),
    Column("intake_session", "int32", "Session number of the intake score it starts from"),
    Column("at_session", "int32", "Session number of the latest outcome score when made"),
    Column("instrument", "string", "Monitored outcome instrument id, e.g. phq9"),
    Column("intake", "float64", "Intake score the course starts from"),
    Column(
        "method",
        "string",
        "neighbours (similar ended episodes of the clinic), or the fall-back used when too "
        "few: empirical (the clinic's fitted growth model) or rational",
    ),
    Column("neighbours", "int32", "Similar ended episodes found within the similarity radius"),
    Column("episodes_compared", "int32", "Ended episodes the similarity search was run over"),
    Column("dropout_probability", "float64", "Predicted probability of dropout; empty if none"),
    Column(
        "dropout_personalised",
        "bool",
        "True: the share of similar episodes that dropped out; false: the clinic's share",
    ),
    Column("level", "float64", "Coverage of the expected band, e.g. 0.8 (10th-90th percentile)"),
    Column("neighbours_recovered", "int32", "Similar episodes that ended recovered (J&T 1991)"),
    Column("neighbours_improved", "int32", "Similar episodes that ended reliably improved"),
    Column("neighbours_unchanged", "int32", "Similar episodes that ended without reliable change"),
    Column("neighbours_deteriorated", "int32", "Similar episodes that ended reliably worse"),
    Column("neighbours_dropped_out", "int32", "Similar episodes whose end reason was dropout"),
    Column(
        "points",
        "string",
        "Expected course (JSON list): [scored session (1 = intake), expected, band low, "
        "band high, method, similar episodes that reached the session]",
    ),
    Column("model_version", "string", "Prediction code, thresholds and growth model versions"),
    Column("synthetic", "bool", "True for records of the synthetic demo clinic"),
)


class CoursePredictionRow(BaseModel):
    """One stored course prediction (field names are :data:`COURSE_COLUMNS`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    patient_id: str
    clinician_id: str
    episode_id: str
    prediction_id: str
    made_on: dt.date
    made_at_intake: bool
    intake_session: int | None
    at_session: int | None
    instrument: str
    intake: float
    method: str
    neighbours: int
    episodes_compared: int
    dropout_probability: float | None
    dropout_personalised: bool
    level: float
    neighbours_recovered: int
    neighbours_improved: int
    neighbours_unchanged: int
    neighbours_deteriorated: int
    neighbours_dropped_out: int
    points: str
    model_version: str
    synthetic: bool = False


def course_prediction_row(
    course: PersonalisedCourse,
    *,
    prediction_id: int,
    patient_id: int,
    clinician_id: int,
    episode_id: int,
    made_on: dt.date,
    instrument: str,
    intake_session: int | None,
    at_session: int | None,
    episodes_compared: int,
    model_version: str,
    synthetic: bool,
) -> CoursePredictionRow:
    """The export row of one stored prediction."""
    outcomes = course.neighbours.outcomes
    points = [[p.session, p.value, p.low, p.high, p.method, p.neighbours] for p in course.points]
    return CoursePredictionRow(
        patient_id=str(patient_id),
        clinician_id=str(clinician_id),
        episode_id=str(episode_id),
        prediction_id=str(prediction_id),
        made_on=made_on,
        made_at_intake=at_session == intake_session,
        intake_session=intake_session,
        at_session=at_session,
        instrument=instrument,
        intake=course.intake,
        method=course.method,
        neighbours=course.neighbours.count,
        episodes_compared=episodes_compared,
        dropout_probability=course.dropout_probability,
        dropout_personalised=course.dropout_personalised,
        level=course.level,
        neighbours_recovered=outcomes.get("recovered", 0),
        neighbours_improved=outcomes.get("improved", 0),
        neighbours_unchanged=outcomes.get("unchanged", 0),
        neighbours_deteriorated=outcomes.get("deteriorated", 0),
        neighbours_dropped_out=outcomes.get("dropped_out", course.neighbours.dropped_out),
        points=json.dumps(points, separators=(",", ":")),
        model_version=model_version,
        synthetic=synthetic,
    )


def deidentify_course_row(
    row: CoursePredictionRow, pseudonymizer: Pseudonymizer
) -> CoursePredictionRow:
    """Ids pseudonymised and the date shifted by the patient's shift."""
    shift = dt.timedelta(days=pseudonymizer.shift_days(row.patient_id))
    return row.model_copy(
        update={
            **pseudonymizer.record_ids(row.patient_id, row.clinician_id, row.episode_id),
            "prediction_id": pseudonymizer.pseudonym("course_prediction", row.prediction_id),
            "made_on": row.made_on + shift,
        }
    )


def course_table(rows: Iterable[CoursePredictionRow]) -> ExportTable:
    """The course predictions as a table of the export."""
    return ExportTable(
        stem="attunement_course_predictions",
        rows_are="one per personalised course prediction, made when the intake was recorded",
        columns=COURSE_COLUMNS,
        rows=rows,
    )
