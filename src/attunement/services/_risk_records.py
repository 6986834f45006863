"""Risk events in the clinic database: loaded, opened, joined and answered (no use case).

Every route that stores an administration (session entry, a single administration, a
patient's self-report, a FHIR import, the demo) and every profile saved with an intake
questionnaire calls :func:`record_risk` in its own transaction, so an endorsed or unanswered
risk item opens (or joins) a risk event whatever the route. The decisions — which flags are
risk items, which event an endorsement joins, what a response must hold — are the core's
(:mod:`attunement.risk`); this module only loads and stores them. It runs inside the
caller's transaction and imports no use case, so the stored statuses
(:mod:`attunement.services._status_store`), which every use case refreshes, can read risk
events too. The clinician's use cases are in :mod:`attunement.services._risk`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from attunement.i18n import SOURCE_LANGUAGE
from attunement.profile import Profile
from attunement.risk import (
    RiskEndorsement,
    RiskEvent,
    RiskResponse,
    answer_events,
    endorsements_from_flags,
    open_first,
    record_endorsements,
)
from attunement.services._notification_records import (
    acknowledge_risk_notifications,
    notify_unwitnessed_risk,
)
from attunement.services._risk_schemas import RiskEventPublic
from attunement.store import Patient, RiskEventRecord
from attunement.wording import event_headline

__all__ = [
    "answer_records",
    "event_of_record",
    "intake_endorsements",
    "patient_risk_events",
    "patient_risk_read",
    "patient_risk_records",
    "record_risk",
    "record_risk_response",
    "record_risks",
    "risk_event_public",
    "risk_events_of_patients",
    "store_response",
]


def event_of_record(record: RiskEventRecord) -> RiskEvent:
    return RiskEvent(
        id=record.id,
        kind="unanswered" if record.kind == "unanswered" else "endorsed",
        endorsements=tuple(RiskEndorsement.model_validate(e) for e in record.endorsements),
        response=RiskResponse.model_validate(record.response) if record.response else None,
    )


#: The patient's row locked, and their risk events as committed (after any lock wait): built
#: once, every write and page reads them (issue 13).
_LOCK_PATIENT = select(Patient.id).where(Patient.id == bindparam("patient_id")).with_for_update()
_RISK_RECORDS = (
    select(RiskEventRecord)
    .where(RiskEventRecord.patient_id == bindparam("patient_id"))
    .order_by(RiskEventRecord.id)
    .execution_options(populate_existing=True)
)


def patient_risk_records(session: Session, patient_id: int, *, lock: bool) -> list[RiskEventRecord]:
    if lock:  # one writer at a time per patient (PostgreSQL; SQLite writes are serial)
        session.execute(_LOCK_PATIENT, {"patient_id": patient_id})
    return list(session.scalars(_RISK_RECORDS, {"patient_id": patient_id}))


def patient_risk_events(session: Session, patient_id: int) -> tuple[RiskEvent, ...]:
    """Every risk event of the patient, open first (``attunement.risk.open_first``)."""
    return open_first(
        event_of_record(r) for r in patient_risk_records(session, patient_id, lock=False)
    )


def risk_events_of_patients(
    session: Session, patient_ids: Collection[int]
) -> dict[int, tuple[RiskEvent, ...]]:
    """:func:`patient_risk_events` of many patients in one query (each patient present)."""
    records: dict[int, list[RiskEventRecord]] = {p: [] for p in patient_ids}
    if records:
        for record in session.scalars(
            select(RiskEventRecord)
            .where(RiskEventRecord.patient_id.in_(list(records)))
            .order_by(RiskEventRecord.patient_id, RiskEventRecord.id)
            .execution_options(populate_existing=True)  # as committed, after any lock wait
        ):
            records[record.patient_id].append(record)
    return {p: open_first(event_of_record(r) for r in found) for p, found in records.items()}


def record_risk(
    session: Session,
    *,
    patient_id: int,
    episode_id: int | None,
    endorsements: Iterable[RiskEndorsement],
    now: dt.datetime,
) -> tuple[int, ...]:
    """Add the endorsements to the patient's events; the ids of the events opened or joined."""
    key = (patient_id, episode_id)
    return record_risks(session, {key: tuple(endorsements)}, now=now).get(key, ())


def record_risks(
    session: Session,
    endorsements: Mapping[tuple[int, int | None], Sequence[RiskEndorsement]],
    *,
    now: dt.datetime,
) -> dict[tuple[int, int | None], tuple[int, ...]]:
    """:func:`record_risk` for many (patient, episode) keys in key order, with one lock
    statement (patients in id order), one read of their events and one flush (a bulk
    import's batch); the ids of the events each key opened or joined."""
    wanted = {key: tuple(found) for key, found in endorsements.items() if found}
    if not wanted:
        return {}
    patients = sorted({patient_id for patient_id, _ in wanted})
    # one writer at a time per patient (PostgreSQL; SQLite writes are serial)
    session.execute(
        select(Patient.id).where(Patient.id.in_(patients)).order_by(Patient.id).with_for_update()
    )
    records: dict[int, list[RiskEventRecord]] = {p: [] for p in patients}
    for record in session.scalars(
        select(RiskEventRecord)
        .where(RiskEventRecord.patient_id.in_(patients))
        .order_by(RiskEventRecord.patient_id, RiskEventRecord.id)
    ):
        records[record.patient_id].append(record)
    touched_of: dict[tuple[int, int | None], list[RiskEventRecord]] = {}
    for (patient_id, episode_id), new in wanted.items():
        held = records[patient_id]
        update = record_endorsements([event_of_record(r) for r in held], new)
        touched: list[RiskEventRecord] = touched_of.setdefault((patient_id, episode_id), [])
        for index in update.extended:
            record = held[index]
            record.endorsements = [
                e.model_dump(mode="json") for e in update.events[index].endorsements
            ]
            if episode_id is not None:
                record.episode_id = episode_id
            touched.append(record)
        for index in update.opened:
            event = update.events[index]
            record = RiskEventRecord(
                patient_id=patient_id,
                episode_id=episode_id,
                kind=event.kind,
                opened_at=now,
                endorsements=[e.model_dump(mode="json") for e in event.endorsements],
            )
            session.add(record)
            held.append(record)
            touched.append(record)
    session.flush()
    recorded = {key: tuple(r.id for r in touched) for key, touched in touched_of.items()}
    notify_unwitnessed_risk(session, recorded, wanted, now=now)
    return recorded


def _raw_at(profile: Mapping[str, Any], where: str) -> Any:
    """The raw entry of a profile at a flag's path (``distress``, ``preferences[0]``)."""
    name, _, rest = where.partition("[")
    raw = profile.get(name)
    if rest and isinstance(raw, Sequence) and not isinstance(raw, str | bytes):
        index = int(rest.rstrip("]"))
        return raw[index] if index < len(raw) else None
    return raw


def _digest(entry: Any) -> str:
    canonical = json.dumps(entry, sort_keys=True, default=str, ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def intake_endorsements(
    profile: Profile, raw: Mapping[str, Any], *, today: dt.date
) -> list[RiskEndorsement]:
    """Endorsements of the questionnaires given for a profile, keyed by their content.

    The key (a digest of the administration as given) makes a profile saved again with the
    same intake questionnaire open nothing new, while a new administration (other answers
    or another date) does, even with the same answer to the risk item.
    """
    found: list[RiskEndorsement] = []
    for flag in profile.flags:
        entry = _raw_at(raw, flag.dimension)
        given = entry.get("assessed_on") if isinstance(entry, Mapping) else None
        try:
            on = dt.date.fromisoformat(str(given)) if given else today
        except ValueError:
            on = today
        found.extend(
            endorsements_from_flags(
                (flag,),
                instrument=flag.instrument,
                route="intake",
                on=on,
                administration_key=_digest(entry),
            )
        )
    return found


def risk_event_public(record: RiskEventRecord, language: str = SOURCE_LANGUAGE) -> RiskEventPublic:
    """The event as the API shows it; its ``headline`` in ``language`` (the clinic's)."""
    event = event_of_record(record)
    return RiskEventPublic(
        id=record.id,
        patient_id=record.patient_id,
        episode_id=record.episode_id,
        kind=event.kind,
        open=event.open,
        headline=event_headline(event, language),
        opened_at=record.opened_at,
        responded_at=record.responded_at,
        endorsements=list(event.endorsements),
        response=event.response,
    )


def patient_risk_read(
    session: Session, patient_id: int, language: str = SOURCE_LANGUAGE
) -> tuple[tuple[RiskEvent, ...], tuple[RiskEventPublic, ...]]:
    """The patient's risk events, open first, as the core's events and as shown, headlines
    in ``language`` (one query; the caller has checked access)."""
    records = {r.id: r for r in patient_risk_records(session, patient_id, lock=False)}
    ordered = open_first(event_of_record(r) for r in records.values())
    return ordered, tuple(
        risk_event_public(records[e.id], language) for e in ordered if e.id is not None
    )


def answer_records(
    records: Sequence[RiskEventRecord],
    events: Sequence[RiskEvent],
    response: RiskResponse,
    *,
    event_ids: Sequence[int] | None,
) -> list[tuple[RiskEventRecord, RiskEvent]]:
    """The records the response newly answers, with their answered events (core rules)."""
    answered = answer_events(events, response, event_ids=event_ids)
    return [
        (record, after)
        for record, before, after in zip(records, events, answered, strict=True)
        if before.open and not after.open
    ]


def store_response(
    record: RiskEventRecord, response: RiskResponse, *, now: dt.datetime, by: str
) -> None:
    record.response = response.model_dump(mode="json")
    record.responded_at = now
    record.responded_by = by


def record_risk_response(
    session: Session, *, patient_id: int, response: RiskResponse, now: dt.datetime, by: str
) -> tuple[int, ...]:
    """Store ``response`` on every open event of the patient (the seeding of the synthetic
    demo clinic; a clinician's response goes through :func:`respond_to_risk`, audited)."""
    records = patient_risk_records(session, patient_id, lock=True)
    newly = answer_records(records, [event_of_record(r) for r in records], response, event_ids=None)
    for record, _ in newly:
        store_response(record, response, now=now, by=by)
    session.flush()
    acknowledge_risk_notifications(session, [record.id for record, _ in newly], now=now)
    return tuple(record.id for record, _ in newly)
