"""The research export's risk events: one row per event, with the response recorded (pure).

A risk event (:mod:`attunement.risk`) is an endorsed or unanswered risk item that stays open
until a clinician records a structured risk response. Researchers get what happened and
what was done — kind, items, sessions, dates, whether and when it was answered, the level
of concern and the actions — written beside the long-format rows as
``attunement_risk_events.csv`` (or ``.parquet``) with its section of the data dictionary.

De-identified (:func:`deidentify_risk_rows`): ids become the same keyed pseudonyms as the
other rows, every date is shifted by the patient's own shift (so intervals to the sessions
are kept), and the free text — the reason given for no action and the note — is left empty,
since a note may name people or places.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from attunement.exports._export import Column, ExportTable, Pseudonymizer
from attunement.risk import RiskEndorsement, RiskEvent

__all__ = [
    "RISK_COLUMNS",
    "RiskEventRow",
    "deidentify_risk_row",
    "deidentify_risk_rows",
    "risk_event_rows",
    "risk_table",
]

RISK_COLUMNS: tuple[Column, ...] = (
    Column("patient_id", "string", "Patient id (de-identified: keyed HMAC-SHA256 pseudonym)"),
    Column("clinician_id", "string", "Treating clinician id (de-identified: pseudonym)"),
    Column("episode_id", "string", "Episode id; empty for an intake questionnaire (pseudonym)"),
    Column("event_id", "string", "Risk event id (de-identified: pseudonym)"),
    Column("kind", "string", "endorsed (risk item answered above 0) or unanswered (left blank)"),
    Column("open", "bool", "True while no clinician has recorded a risk response"),
    Column("items", "string", "Risk items, instrument:item, separated by ';'"),
    Column("answers", "string", "Answers given to the risk item at each endorsement, ';'"),
    Column("sessions", "string", "Sessions at which the item was endorsed or left blank, ';'"),
    Column("routes", "string", "How each administration arrived (session, self_report …), ';'"),
    Column("endorsements", "int32", "Number of administrations that opened or joined the event"),
    Column("first_date", "date", "Date of the first endorsement (de-identified: shifted)"),
    Column("latest_date", "date", "Date of the latest endorsement (de-identified: shifted)"),
    Column("assessed_on", "date", "Risk response: when the clinician assessed the risk (shifted)"),
    Column("level", "string", "Risk response: level of concern (clinical judgement, NICE NG225)"),
    Column("actions", "string", "Risk response: actions taken, separated by ';'"),
    Column("reason", "string", "Risk response: reason given for no action (free text)", True),
    Column("note", "string", "Risk response: the clinician's note (free text)", True),
    Column("responded_on", "date", "Date the response was recorded (de-identified: shifted)"),
    Column("synthetic", "bool", "True for records of the synthetic demo clinic"),
)


class RiskEventRow(BaseModel):
    """One risk event of one patient (field names are :data:`RISK_COLUMNS`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    patient_id: str
    clinician_id: str
    episode_id: str | None
    event_id: str
    kind: str
    open: bool
    items: str
    answers: str | None
    sessions: str | None
    routes: str
    endorsements: int
    first_date: dt.date | None
    latest_date: dt.date | None
    assessed_on: dt.date | None = None
    level: str | None = None
    actions: str | None = None
    reason: str | None = None
    note: str | None = None
    responded_on: dt.date | None = None
    synthetic: bool = False


def _day(endorsement: RiskEndorsement) -> dt.date | None:
    return endorsement.on or (endorsement.at.date() if endorsement.at else None)


def _joined(values: Iterable[object]) -> str | None:
    text = ";".join(dict.fromkeys(str(v) for v in values if v is not None))
    return text or None


def risk_event_rows(
    events: Iterable[tuple[RiskEvent, int | None]],
    *,
    patient_id: str,
    clinician_id: str,
    synthetic: bool,
) -> list[RiskEventRow]:
    """One row per stored event of one patient; ``events`` pairs each with its episode id."""
    rows = []
    for event, episode_id in events:
        response = event.response
        rows.append(
            RiskEventRow(
                patient_id=patient_id,
                clinician_id=clinician_id,
                episode_id=str(episode_id) if episode_id is not None else None,
                event_id=str(event.id),
                kind=event.kind,
                open=event.open,
                items=_joined(f"{e.instrument}:{e.item}" for e in event.endorsements) or "",
                answers=";".join(
                    "" if e.answer is None else f"{e.answer:g}" for e in event.endorsements
                )
                or None,
                sessions=_joined(event.sessions),
                routes=_joined(e.route for e in event.endorsements) or "",
                endorsements=len(event.endorsements),
                first_date=_day(event.first),
                latest_date=_day(event.latest),
                assessed_on=response.assessed_on if response else None,
                level=response.level if response else None,
                actions=";".join(response.actions) if response else None,
                reason=response.reason if response else None,
                note=response.note if response else None,
                responded_on=response.recorded_at.date()
                if response and response.recorded_at
                else None,
                synthetic=synthetic,
            )
        )
    return rows


def deidentify_risk_row(row: RiskEventRow, pseudonymizer: Pseudonymizer) -> RiskEventRow:
    """Ids pseudonymised, dates shifted by the patient's shift, free text left out."""
    shift = dt.timedelta(days=pseudonymizer.shift_days(row.patient_id))

    def moved(day: dt.date | None) -> dt.date | None:
        return day + shift if day is not None else None

    return row.model_copy(
        update={
            **pseudonymizer.record_ids(row.patient_id, row.clinician_id, row.episode_id),
            "event_id": pseudonymizer.pseudonym("risk_event", row.event_id),
            "first_date": moved(row.first_date),
            "latest_date": moved(row.latest_date),
            "assessed_on": moved(row.assessed_on),
            "responded_on": moved(row.responded_on),
            "reason": None,
            "note": None,
        }
    )


def deidentify_risk_rows(
    rows: Iterable[RiskEventRow], pseudonymizer: Pseudonymizer
) -> list[RiskEventRow]:
    """:func:`deidentify_risk_row` of each row."""
    return [deidentify_risk_row(row, pseudonymizer) for row in rows]


def risk_table(rows: Iterable[RiskEventRow]) -> ExportTable:
    """The risk events as a table of the export."""
    return ExportTable(
        stem="attunement_risk_events",
        rows_are="one per risk event (open or answered) of a patient",
        columns=RISK_COLUMNS,
        rows=rows,
    )
