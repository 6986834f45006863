"""Stored statuses: computed on the write that changes an episode, read by key (issue 13).

Every write use case refreshes the statuses of the patients it touched before it commits,
without the use case saying so: :func:`track_status_changes` watches the unit of work of
the use case's session (episodes, sessions, administrations, scores, risk events, patient
profiles and fitted ETR models added, changed or deleted, and bulk ORM updates/deletes of
them) and :func:`refresh_touched` rewrites the rows in the same transaction, then stores
the personalised course of each open episode whose intake was written
(:mod:`attunement.services._course_predictions`), after raising the learning revision when
an ended episode's learning inputs changed (:mod:`attunement.services._learning_revisions`:
the course's neighbour index is keyed on it). A write path that bypasses the ORM calls
:func:`refresh_episode_status` or :func:`refresh_patient_statuses` itself.

A refresh of many patients (a bulk import's batch, the stale-row refresh, ``status
--refresh``) reads its inputs with one query per kind for up to 500 patients
(:func:`refresh_patients_batched`) and computes each status with the same functions as the
one-patient refresh (``assess_loaded``), storing the same rows (a test compares the two).

A row also records the inputs it was computed with (``inputs_version``: the outcome
definition's version, the newest fitted ETR model, the clinic-derived norms, the caseness
convention, the support prompts, the shape of the stored document and, for an episode with
an alliance measure, that definition's version and the clinic-derived SD of first alliance
measures its rupture limits rest on). After every
refresh the rows of the same outcome or alliance instrument whose inputs differ are
recomputed too (a new intake moves clinic norms, a new first alliance measure the alliance
limits, a fit adds a model), and
:func:`refresh_stale_statuses` (at start-up) and ``refresh_all_statuses`` (``attunement
status --refresh``, :mod:`attunement.services._status_refresh`) recompute what a new
definition or setting made stale. This module imports no use case (every use case's
:func:`~attunement.services._audit.use_case` calls it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    Row,
    Table,
    Text,
    and_,
    bindparam,
    event,
    func,
    insert,
    inspect,
    or_,
    select,
    text,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import ORMExecuteState, Session, defer

from attunement.errors import AttunementError, NotFound
from attunement.instruments import load_instrument
from attunement.monitoring import (
    RISK_FLAG_RANK,
    Status,
    alert_rank,
    deterioration_size,
    status_format_version,
    support_prompts_version,
)
from attunement.services._clinic_norms import NormsTaking, needing_norms, retake_due_norms
from attunement.services._context import ServiceContext
from attunement.services._course_predictions import CourseWrite, record_course_predictions
from attunement.services._growth_models import StatusInputs
from attunement.services._ids import in_storage_range
from attunement.services._learning_revisions import LEARNING_FIELDS, raise_learning_revisions
from attunement.services._risk_records import risk_events_of_patients
from attunement.services._status import (
    StoredAssessment,
    assess_loaded,
    assess_stored_episode,
    monitored_scale,
    series_from_rows,
    series_select,
)
from attunement.services._transaction import transaction
from attunement.store import (
    LIVE_ADMINISTRATION,
    LIVE_SESSION,
    Administration,
    Episode,
    EpisodeStatusRecord,
    EtrModel,
    Patient,
    PlanAdherenceRecord,
    RiskEventRecord,
    ScoreRecord,
    TherapySession,
    one_of_ids,
)

if TYPE_CHECKING:
    from attunement.risk import RiskEvent

__all__ = [
    "Refreshed",
    "StatusChanges",
    "inputs_version",
    "refresh_episode_status",
    "refresh_patient_statuses",
    "refresh_patients_batched",
    "refresh_patients_now",
    "refresh_stale_in",
    "refresh_stale_statuses",
    "refresh_touched",
    "retake_norms_in_use",
    "stale_patients",
    "stored_status",
    "track_status_changes",
]

_TRACKED = (Patient, Episode, TherapySession, Administration, ScoreRecord, RiskEventRecord)


@dataclass(frozen=True)
class Refreshed:
    """What :func:`refresh_touched` did beyond the rows: the personalised courses it stored
    and left pending, and whether it left a due taking of clinic norms to another writer."""

    course: CourseWrite | None = None
    norms_left_to_another: bool = False


@dataclass
class StatusChanges:
    """What a use case's unit of work touched that a stored status depends on."""

    patients: set[int] = field(default_factory=set)
    episodes: set[int] = field(default_factory=set)
    administrations: set[int] = field(default_factory=set)
    instruments: set[str] = field(default_factory=set)
    bulk: bool = False  # a bulk UPDATE/DELETE of a tracked table ran
    #: what may change a clinic's count of episodes measured with an instrument (its
    #: clinic norms, :mod:`attunement.services._clinic_norms`): instruments of changed or
    #: voided administrations and of changed episodes; new administrations by episode
    measured: set[str] = field(default_factory=set)
    new_measures: Counter[tuple[int, str]] = field(default_factory=Counter)
    #: what an ended episode's learning record may hold (the course's neighbour index):
    #: episodes whose row or plan adherence changed, patients whose learned fields changed
    learning_episodes: set[int] = field(default_factory=set)
    learning_patients: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(
            self.patients
            or self.episodes
            or self.administrations
            or self.instruments
            or self.learning_episodes
            or self.learning_patients
        ) or (self.bulk)


def _learned_fields_changed(patient: Patient) -> bool:
    state = inspect(patient)
    return any(state.attrs[name].history.has_changes() for name in LEARNING_FIELDS)


def _note_measures(changes: StatusChanges, obj: object, *, new: bool) -> None:
    if isinstance(obj, Administration):
        if new:
            changes.new_measures[(obj.episode_id, obj.instrument_id)] += 1
        else:
            changes.measured.add(obj.instrument_id)
    elif isinstance(obj, Episode) and not new:
        changes.measured |= {i for i in (obj.outcome_instrument, obj.alliance_instrument) if i}


def _note(changes: StatusChanges, obj: object) -> None:
    if isinstance(obj, Patient):
        changes.patients.add(obj.id)
        if _learned_fields_changed(obj):
            changes.learning_patients.add(obj.id)
    elif isinstance(obj, Episode):
        changes.patients.add(obj.patient_id)
        changes.learning_episodes.add(obj.id)
    elif isinstance(obj, PlanAdherenceRecord):
        changes.learning_episodes.add(obj.episode_id)
    elif isinstance(obj, TherapySession | Administration):
        changes.episodes.add(obj.episode_id)
    elif isinstance(obj, ScoreRecord):
        changes.administrations.add(obj.administration_id)
    elif isinstance(obj, RiskEventRecord):
        changes.patients.add(obj.patient_id)
    elif isinstance(obj, EtrModel):
        changes.instruments.add(obj.instrument)


def track_status_changes(session: Session) -> StatusChanges:
    """Watch ``session`` for changes a stored status depends on (until it is closed)."""
    changes = StatusChanges()

    def after_flush(flushed: Session, _context: object) -> None:
        for obj in (*flushed.new, *flushed.dirty, *flushed.deleted):
            if isinstance(obj, (*_TRACKED, EtrModel, PlanAdherenceRecord)) and (
                obj in flushed.new or obj in flushed.deleted or flushed.is_modified(obj)
            ):
                _note(changes, obj)
                _note_measures(changes, obj, new=obj in flushed.new)

    def do_orm_execute(state: ORMExecuteState) -> None:
        if (state.is_update or state.is_delete) and any(
            mapper.class_ in _TRACKED for mapper in state.all_mappers
        ):
            changes.bulk = True

    event.listen(session, "after_flush", after_flush)
    event.listen(session, "do_orm_execute", do_orm_execute)
    return changes


#: The statements of every refresh, built once with bound values (building them, and their
#: cache keys, on every write cost about as much as running them, issue 13).
_EPISODES_OF_ADMINISTRATIONS = select(Administration.episode_id).where(
    one_of_ids(Administration.id)
)
_PATIENTS_OF_EPISODES = select(Episode.patient_id).where(one_of_ids(Episode.id))


def _patients_of(session: Session, changes: StatusChanges) -> set[int]:
    found = {p for p in changes.patients if p is not None}
    episodes = _episodes_of(session, changes)
    if episodes:
        found |= set(session.scalars(_PATIENTS_OF_EPISODES, {"ids": sorted(episodes)}))
    return found


def refresh_touched(
    session: Session,
    changes: StatusChanges,
    *,
    caseness: str,
    now: dt.datetime,
    patient_hint: int | None = None,
    also: Collection[int] = (),
    take_norms: bool = True,
) -> Refreshed:
    """Rewrite the statuses of everything ``changes`` saw (``patient_hint``: the use case's
    patient, refreshed too after a bulk statement, whose rows the unit of work cannot see;
    ``also``: patients a bulk insert wrote, refreshed in the same pass), take the clinic
    norms of their instruments again where due (:mod:`attunement.services._clinic_norms`;
    ``take_norms=False``: a bulk import, which takes them once at its end) and recompute
    the rows computed with other ones, then store the personalised course of each episode
    whose intake was written (:mod:`attunement.services._course_predictions`).

    On PostgreSQL the patients' rows are computed under their locks (:func:`_hold_patients`)
    and computed again if another writer committed other norms or a newer model after this
    one read them; a taking of norms left to another writer is reported, for the caller to
    recompute the stale rows once that writer has committed (:func:`refresh_stale_statuses`,
    the holder cannot see rows this transaction has not committed)."""
    if not changes and not also:
        return Refreshed()
    patients = _patients_of(session, changes) | set(also)
    if changes.bulk and patient_hint is not None:
        patients.add(patient_hint)
    inputs = StatusInputs(session, caseness=caseness)
    refreshed = refresh_patient_statuses(session, patients, inputs=inputs, now=now)
    changed = set(changes.instruments)  # a new growth model
    taking = NormsTaking()
    if take_norms:
        measured = refreshed if changes.bulk else _measures_counted_anew(session, changes)
        taking = retake_due_norms(session, measured, now=now)
        changed |= taking.changed
    if inputs.moved():  # norms or a model another writer committed after they were read
        fresh = StatusInputs(session, caseness=caseness)
        refresh_patient_statuses(session, patients, inputs=fresh, now=now)
    _refresh_changed_inputs(session, changed, caseness=caseness, now=now)
    written = _episodes_of(session, changes)
    bulk = set(also) | ({patient_hint} if changes.bulk and patient_hint is not None else set())
    # before the prediction: a corrected ended episode must not be compared as it was
    raise_learning_revisions(
        session,
        episode_ids=written | changes.learning_episodes,
        patient_ids=changes.learning_patients | bulk,
    )
    course = record_course_predictions(session, episode_ids=written, patient_ids=bulk, now=now)
    return Refreshed(course=course, norms_left_to_another=taking.left_to_another)


def _episodes_of(session: Session, changes: StatusChanges) -> set[int]:
    """The episodes whose sessions or administrations (or their scores) were written."""
    found = {e for e in changes.episodes if e is not None}
    if changes.administrations:
        ids = {"ids": sorted(changes.administrations)}
        found |= set(session.scalars(_EPISODES_OF_ADMINISTRATIONS, ids))
    return found


def inputs_version(inputs: StatusInputs, instrument: str, alliance: str | None = None) -> str:
    """What a status of this outcome instrument (and ``alliance`` instrument) was computed
    with, as a short hash."""

    try:
        definition = load_instrument(instrument)
        allied = load_instrument(alliance) if alliance else None
    except AttunementError:
        return "unknown-instrument"
    model = inputs.get(instrument)
    norms = inputs.clinic_norms(instrument, monitored_scale(definition))
    parts: list[Any] = [
        definition.version,
        model.version if model is not None else None,
        norms.model_dump(mode="json") if norms is not None else None,
        inputs.caseness,
        support_prompts_version(),
        status_format_version(),  # a stored document has this release's shape
    ]
    if allied is not None:  # rows without an alliance measure keep their hash
        limits = inputs.alliance_norms(allied.id, monitored_scale(allied))
        parts += [allied.version, limits.model_dump(mode="json") if limits else None]
    payload = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def _pairs_of(session: Session, instruments: Iterable[str]) -> set[tuple[str, str | None]]:
    """The (outcome, alliance) instrument pairs of the episodes that use any of these."""
    wanted = sorted(set(instruments))
    if not wanted:
        return set()
    return {
        (outcome, alliance)
        for outcome, alliance in session.execute(
            select(Episode.outcome_instrument, Episode.alliance_instrument)
            .where(
                or_(Episode.outcome_instrument.in_(wanted), Episode.alliance_instrument.in_(wanted))
            )
            .distinct()
        )
    }


def _rows_of_pair(outcome: str, alliance: str | None) -> Any:
    """The condition: a stored row of an episode with this outcome and alliance instrument."""
    return and_(
        Episode.outcome_instrument == outcome,
        Episode.alliance_instrument == alliance
        if alliance is not None
        else Episode.alliance_instrument.is_(None),
    )


def _measures_counted_anew(session: Session, changes: StatusChanges) -> set[str]:
    """The instruments whose count of measured episodes this unit of work may have changed:
    those of changed or voided administrations and changed episodes, and those of new
    administrations that are their episode's first of the instrument (an intake). A later
    measure of an episode changes no count, and costs no aggregate over the clinic."""
    found = set(changes.measured)
    new = {
        key: count
        for key, count in changes.new_measures.items()
        if key[1] not in found and key[1] in needing_norms([key[1]])
    }
    if new:
        live = session.execute(
            select(Administration.episode_id, Administration.instrument_id, func.count())
            .where(Administration.episode_id.in_({episode for episode, _ in new}))
            .where(Administration.instrument_id.in_({instrument for _, instrument in new}))
            .where(LIVE_ADMINISTRATION)
            .group_by(Administration.episode_id, Administration.instrument_id)
        )
        found |= {i for e, i, count in live if (e, i) in new and count <= new[(e, i)]}
    return found


def _refresh_changed_inputs(
    session: Session, instruments: Iterable[str], *, caseness: str, now: dt.datetime
) -> None:
    """Recompute the rows of episodes monitored with these (outcome or alliance)
    instruments, whose inputs changed in this transaction (a new growth model, clinic norms
    taken again), that were computed with other inputs."""
    instruments = set(instruments)
    if not instruments:
        return
    inputs = StatusInputs(session, caseness=caseness)
    for outcome, alliance in sorted(_pairs_of(session, instruments), key=str):
        current = inputs_version(inputs, outcome, alliance)
        stale = set(
            session.scalars(
                select(EpisodeStatusRecord.patient_id)
                .join(Episode, Episode.id == EpisodeStatusRecord.episode_id)
                .where(_rows_of_pair(outcome, alliance))
                .where(EpisodeStatusRecord.inputs_version != current)
            )
        )
        if stale:
            refresh_patient_statuses(session, stale, inputs=inputs, now=now)


_LAST_HELD = select(func.max(TherapySession.held_on)).where(
    TherapySession.episode_id == bindparam("episode_id"),
    TherapySession.attended.is_(True),
    LIVE_SESSION,
)
_LAST_MEASURED = select(func.max(Administration.administered_at)).where(
    Administration.episode_id == bindparam("episode_id"), LIVE_ADMINISTRATION
)


def _last_seen(session: Session, episode: Episode) -> dt.date:
    """The latest attended session, else the latest measure, else the episode's start
    (never null, so that the caseload orders the same on SQLite and PostgreSQL)."""
    held = session.scalar(_LAST_HELD, {"episode_id": episode.id})
    if held is not None:
        return held
    first = session.scalar(_LAST_MEASURED, {"episode_id": episode.id})
    return first.date() if first is not None else episode.started_on


def _row_values(
    episode: Episode,
    *,
    assessed: StoredAssessment | None,
    problem: str | None,
    open_risk: int,
    last_seen_on: dt.date,
    inputs_version: str,
) -> dict[str, Any]:

    status: Status | None = assessed.status if assessed is not None else None
    latest_on = assessed.latest_on if assessed is not None else None
    return {
        "episode_id": episode.id,
        "listed": episode.ended_on is None,
        "rank": 0 if open_risk else alert_rank(status),
        "deterioration": deterioration_size(status),
        "last_seen_on": last_seen_on,
        "measure_due_from": latest_on or episode.started_on,
        "alert": status.alert if status is not None else None,
        "alert_rule": status.alert_rule if status is not None else None,
        "outcome_instrument": episode.outcome_instrument,
        "monitored_scale": status.scale if status is not None else None,
        "session": status.session if status is not None else None,
        "latest": status.latest if status is not None else None,
        "latest_session": status.latest_session if status is not None else None,
        "latest_on": latest_on,
        "change": status.change if status is not None else None,
        "category": status.category if status is not None else None,
        "status": status.model_dump(mode="json") if status is not None else None,
        "problem": problem,
        "inputs_version": inputs_version,
    }


def _patient_only_values(patient: Patient) -> dict[str, Any]:
    """The row of a patient with an open risk event and no open episode."""
    return {
        "episode_id": None,
        "listed": True,
        "rank": RISK_FLAG_RANK,
        "deterioration": 0.0,
        "last_seen_on": patient.created_at.date(),
        "measure_due_from": None,
        "alert": None,
        "alert_rule": None,
        "outcome_instrument": None,
        "monitored_scale": None,
        "session": None,
        "latest": None,
        "latest_session": None,
        "latest_on": None,
        "change": None,
        "category": None,
        "status": None,
        "problem": None,
        "inputs_version": "",
    }


#: A refresh overwrites each stored row: the old status JSON (tens of KB) is never read.
_NOT_THE_OLD_STATUS = defer(EpisodeStatusRecord.status)

#: A refresh reads what the database holds now, not what the session loaded before it
#: waited for the patients' locks (:func:`_hold_patients`).
_AS_STORED_NOW = {"populate_existing": True}

#: A refresh's reads of each patient, built once with bound values (issue 13).
_HOLD_PATIENTS = (
    select(Patient.id)
    .where(one_of_ids(Patient.id))
    .order_by(Patient.id)
    .with_for_update(key_share=True)
)
_OPEN_RISK_EVENTS = select(func.count(RiskEventRecord.id)).where(
    RiskEventRecord.patient_id == bindparam("patient_id"), RiskEventRecord.responded_at.is_(None)
)
_STATUS_ROWS = (
    select(EpisodeStatusRecord)
    .where(EpisodeStatusRecord.patient_id == bindparam("patient_id"))
    .options(_NOT_THE_OLD_STATUS)
    .execution_options(**_AS_STORED_NOW)
)
_EPISODES_OF_PATIENT = (
    select(Episode)
    .where(Episode.patient_id == bindparam("patient_id"))
    .execution_options(**_AS_STORED_NOW)
)


def _hold_patients(session: Session, patient_ids: list[int]) -> None:
    """On PostgreSQL, lock the patients' rows (``FOR NO KEY UPDATE``, in id order) before
    reading anything their statuses are computed from, until the transaction ends.

    Every status refresh takes these locks, so one transaction at a time computes a
    patient's status, and reads its inputs only after any other that was computing it has
    committed: under read committed, a refresh of many patients (norms taken again, a
    fitted model, ``status --refresh``) that read a patient's answers before a write to
    that patient committed would otherwise overwrite the write's status with one that
    lacks it. The lock lets foreign keys to the patient be checked (``KEY SHARE``), so
    writers still add episodes and answers meanwhile. SQLite has one writer at a time."""
    if patient_ids and session.get_bind().dialect.name == "postgresql":
        session.execute(_HOLD_PATIENTS, {"ids": patient_ids}).all()


def _refresh_one_by_one(
    session: Session, patient_ids: Collection[int], *, inputs: StatusInputs, now: dt.datetime
) -> set[str]:
    """Rewrite the rows of these patients (each episode, and the open-risk row of a patient
    without an open episode); the outcome and alliance instruments of the episodes
    rewritten."""
    instruments: set[str] = set()
    ids = sorted(set(patient_ids))
    _hold_patients(session, ids)
    for patient_id in ids:
        patient = session.get(Patient, patient_id, populate_existing=True)
        if patient is None:
            continue
        one = {"patient_id": patient_id}
        open_risk = int(session.scalar(_OPEN_RISK_EVENTS, one) or 0)
        existing = {row.episode_id: row for row in session.scalars(_STATUS_ROWS, one)}
        episodes = list(session.scalars(_EPISODES_OF_PATIENT, one))
        wanted: dict[int | None, dict[str, Any]] = {}
        for episode in episodes:
            problem = None
            try:
                assessed = assess_stored_episode(session, episode, patient, inputs=inputs)
            except AttunementError as error:  # shown on the row, never a missing status
                assessed, problem = None, f"the status could not be computed: {error.message}"
            wanted[episode.id] = _row_values(
                episode,
                assessed=assessed,
                problem=problem,
                open_risk=open_risk,
                last_seen_on=_last_seen(session, episode),
                inputs_version=inputs_version(
                    inputs, episode.outcome_instrument, episode.alliance_instrument
                ),
            )
            instruments.add(episode.outcome_instrument)
            if episode.alliance_instrument:
                instruments.add(episode.alliance_instrument)
        if open_risk and not any(e.ended_on is None for e in episodes):
            wanted[None] = _patient_only_values(patient)
        _write_rows(session, patient, wanted, existing, open_risk=open_risk, now=now)
    session.flush()
    return instruments


def _write_rows(
    session: Session,
    patient: Patient,
    wanted: dict[int | None, dict[str, Any]],
    existing: dict[int | None, EpisodeStatusRecord],
    *,
    open_risk: int,
    now: dt.datetime,
    inserts: list[dict[str, Any]] | None = None,
) -> None:
    """Store the patient's ``wanted`` rows over its ``existing`` ones (deleting the rest);
    with ``inserts``, the values of new rows are appended there for one multi-row INSERT
    instead of being added to the session one object at a time."""
    for key, values in wanted.items():
        row = existing.pop(key, None)
        if row is None and inserts is not None:
            inserts.append(
                {
                    **values,
                    "patient_id": patient.id,
                    "clinician_id": patient.clinician_id,
                    "open_risk_events": open_risk,
                    "version": 1,
                    "computed_at": now,
                }
            )
            continue
        if row is None:
            row = EpisodeStatusRecord(version=0)
            session.add(row)
        for name, value in values.items():
            setattr(row, name, value)
        row.patient_id = patient.id
        row.clinician_id = patient.clinician_id
        row.open_risk_events = open_risk
        row.version = (row.version or 0) + 1
        row.computed_at = now
    for row in existing.values():
        session.delete(row)


#: Patients per batch of the batched refresh (their ids in one ``IN (…)`` list).
_BATCH = 500


def refresh_patient_statuses(
    session: Session, patient_ids: Collection[int], *, inputs: StatusInputs, now: dt.datetime
) -> set[str]:
    """Rewrite the rows of these patients (each episode, and the open-risk row of a patient
    without an open episode); the outcome and alliance instruments of the episodes
    rewritten.

    One patient is refreshed with its own queries; many (a bulk import's batch, a refresh
    of stale rows) with one query per kind of input for up to ``_BATCH`` patients at a time,
    through the same status computation, storing the same rows."""
    ids = sorted(set(patient_ids))
    if len(ids) <= 1:
        return _refresh_one_by_one(session, ids, inputs=inputs, now=now)
    instruments: set[str] = set()
    for start in range(0, len(ids), _BATCH):
        instruments |= refresh_patients_batched(
            session, ids[start : start + _BATCH], inputs=inputs, now=now
        )
    return instruments


def refresh_patients_batched(
    session: Session, patient_ids: Collection[int], *, inputs: StatusInputs, now: dt.datetime
) -> set[str]:
    """:func:`refresh_patient_statuses` of these patients with one query per kind of input
    (patients, risk events, stored rows, episodes, sessions, administrations, last visits)."""
    ids = sorted(set(patient_ids))
    instruments: set[str] = set()
    if not ids:
        return instruments
    _hold_patients(session, ids)
    patients = {
        p.id: p
        for p in session.scalars(
            select(Patient).where(Patient.id.in_(ids)).execution_options(**_AS_STORED_NOW)
        )
    }
    risks = risk_events_of_patients(session, list(patients))
    existing: dict[int, dict[int | None, EpisodeStatusRecord]] = {p: {} for p in patients}
    for stored in session.scalars(
        select(EpisodeStatusRecord)
        .where(EpisodeStatusRecord.patient_id.in_(ids))
        .options(_NOT_THE_OLD_STATUS)
        .execution_options(**_AS_STORED_NOW)
    ):
        existing[stored.patient_id][stored.episode_id] = stored
    episodes: dict[int, list[Episode]] = {p: [] for p in patients}
    for episode in session.scalars(
        select(Episode)
        .where(Episode.patient_id.in_(ids))
        .order_by(Episode.id)
        .execution_options(**_AS_STORED_NOW)
    ):
        episodes[episode.patient_id].append(episode)
    of_patients = Episode.patient_id.in_(ids)
    visits: dict[int, list[tuple[int, bool, dict[str, Any] | None]]] = {}
    for episode_id, number, attended, notes in session.execute(
        select(
            TherapySession.episode_id,
            TherapySession.number,
            TherapySession.attended,
            TherapySession.notes,
        )
        .join(Episode, Episode.id == TherapySession.episode_id)
        .where(of_patients, LIVE_SESSION)
        .order_by(TherapySession.episode_id, TherapySession.id)
    ):
        visits.setdefault(episode_id, []).append((number, attended, notes))
    series: dict[tuple[int, str], list[Row[Any]]] = {}
    for row in session.execute(
        series_select(
            Administration.episode_id.label("series_episode"),
            Administration.instrument_id.label("series_instrument"),
        )
        .join(Episode, Episode.id == Administration.episode_id)
        .where(of_patients)
        .order_by(
            Administration.episode_id,
            Administration.instrument_id,
            Administration.administered_at,
            Administration.id,
        )
    ):
        series.setdefault((row.series_episode, row.series_instrument), []).append(row)
    held: dict[int, dt.date] = {
        int(episode_id): day
        for episode_id, day in session.execute(
            select(TherapySession.episode_id, func.max(TherapySession.held_on))
            .join(Episode, Episode.id == TherapySession.episode_id)
            .where(of_patients, TherapySession.attended.is_(True), LIVE_SESSION)
            .group_by(TherapySession.episode_id)
        )
        if day is not None
    }
    measured: dict[int, dt.datetime] = {
        int(episode_id): when
        for episode_id, when in session.execute(
            select(Administration.episode_id, func.max(Administration.administered_at))
            .join(Episode, Episode.id == Administration.episode_id)
            .where(of_patients, LIVE_ADMINISTRATION)
            .group_by(Administration.episode_id)
        )
        if when is not None
    }
    versions: dict[tuple[str, str | None], str] = {}
    inserts: list[dict[str, Any]] = []
    for patient_id in ids:
        patient = patients.get(patient_id)
        if patient is None:
            continue
        events = risks[patient_id]
        open_risk = sum(1 for event in events if event.open)
        wanted: dict[int | None, dict[str, Any]] = {}
        for episode in episodes[patient_id]:
            problem = None
            try:
                assessed = _assess_loaded(
                    episode,
                    patient,
                    visits=visits,
                    series=series,
                    risk_events=events,
                    inputs=inputs,
                )
            except AttunementError as error:  # shown on the row, never a missing status
                assessed, problem = None, f"the status could not be computed: {error.message}"
            last = held.get(episode.id)
            if last is None:
                first = measured.get(episode.id)
                last = first.date() if first is not None else episode.started_on
            pair = (episode.outcome_instrument, episode.alliance_instrument)
            if pair not in versions:
                versions[pair] = inputs_version(inputs, *pair)
            wanted[episode.id] = _row_values(
                episode,
                assessed=assessed,
                problem=problem,
                open_risk=open_risk,
                last_seen_on=last,
                inputs_version=versions[pair],
            )
            instruments |= {i for i in pair if i}
        if open_risk and not any(e.ended_on is None for e in episodes[patient_id]):
            wanted[None] = _patient_only_values(patient)
        _write_rows(
            session,
            patient,
            wanted,
            existing[patient_id],
            open_risk=open_risk,
            now=now,
            inserts=inserts,
        )
    session.flush()  # the updates and deletes first: a new row may take a deleted row's key
    if inserts:
        session.execute(insert(cast("Table", EpisodeStatusRecord.__table__)), inserts)
    return instruments


def _assess_loaded(
    episode: Episode,
    patient: Patient,
    *,
    visits: dict[int, list[tuple[int, bool, dict[str, Any] | None]]],
    series: dict[tuple[int, str], list[Row[Any]]],
    risk_events: tuple[RiskEvent, ...],
    inputs: StatusInputs,
) -> StoredAssessment | None:
    outcome_rows = series.get((episode.id, episode.outcome_instrument), [])
    if not outcome_rows:  # as the one-patient path: an unknown instrument still raises
        series_from_rows(episode.outcome_instrument, outcome_rows)
        return None
    alliance = episode.alliance_instrument
    return assess_loaded(
        episode,
        patient,
        visits=visits.get(episode.id, []),
        outcome_rows=outcome_rows,
        alliance_rows=series.get((episode.id, alliance), []) if alliance else [],
        risk_events=risk_events,
        inputs=inputs,
    )


def refresh_episode_status(
    session: Session, episode_id: int, *, caseness: str, now: dt.datetime
) -> None:
    """Rewrite the stored status of one episode (and its patient's other rows) now, within
    ``session``'s transaction: for write paths that bypass the ORM's unit of work."""
    patient_id = session.scalar(select(Episode.patient_id).where(Episode.id == episode_id))
    if patient_id is not None:
        inputs = StatusInputs(session, caseness=caseness)
        instruments = refresh_patient_statuses(session, [patient_id], inputs=inputs, now=now)
        changed = retake_due_norms(session, instruments, now=now).changed
        _refresh_changed_inputs(session, changed, caseness=caseness, now=now)


def stored_status(session: Session, episode_id: int) -> EpisodeStatusRecord | None:
    """The stored row of the episode (one primary-key read)."""
    return session.scalars(
        select(EpisodeStatusRecord).where(EpisodeStatusRecord.episode_id == episode_id)
    ).first()


#: The stored status as the JSON text it was stored as (SQL NULL or JSON ``null``: nothing
#: scored yet).
_STATUS_TEXT = sql_cast(EpisodeStatusRecord.status, Text)


def _document(stored: object) -> str | None:
    return None if stored is None or stored == "null" else str(stored)


def _stored_text(session: Session, episode_id: int) -> tuple[bool, str | None]:
    """Whether the episode has a stored row, and its status as the JSON text it was stored
    as (None when nothing is scored yet): one primary-key read, nothing parsed."""
    found = session.execute(
        select(_STATUS_TEXT).where(EpisodeStatusRecord.episode_id == episode_id)
    ).first()
    if found is None:
        return False, None
    return True, _document(found[0])


@dataclass(frozen=True)
class EpisodeStatusText:
    """An episode's patient, their clinician (for the access check) and its stored status
    as the JSON text it was stored as (None when nothing is scored yet or it has no row).
    Its shape is this release's :class:`~attunement.monitoring.Status`: rows of another
    shape are stale and recomputed (:func:`inputs_version`)."""

    patient_id: int
    clinician_id: int
    document: str | None


#: Built once: building it cost about as much as running it (issue 13).
_EPISODE_STATUS_TEXT = (
    select(Episode.patient_id, Patient.clinician_id, _STATUS_TEXT)
    .join(Patient, Patient.id == Episode.patient_id)
    .outerjoin(EpisodeStatusRecord, EpisodeStatusRecord.episode_id == Episode.id)
    .where(Episode.id == bindparam("episode_id"))
)


def episode_status_text(session: Session, episode_id: int) -> EpisodeStatusText | None:
    """:class:`EpisodeStatusText` of the episode in one query, no row mapped and nothing
    parsed (None: no such episode, or an id no table can hold)."""
    if not in_storage_range(episode_id):
        return None
    found = session.execute(_EPISODE_STATUS_TEXT, {"episode_id": episode_id}).first()
    if found is None:
        return None
    return EpisodeStatusText(int(found[0]), int(found[1]), _document(found[2]))


def stored_status_model(
    session: Session, episode_id: int, *, require_row: bool = False
) -> Status | None:
    """The episode's stored :class:`~attunement.monitoring.Status` (parsed once, by pydantic,
    from the stored text), or None when nothing is scored yet — or when it has no row,
    unless ``require_row`` (then NotFound: only before the start-up refresh after a
    migration)."""
    has_row, document = _stored_text(session, episode_id)
    if not has_row and require_row:
        raise NotFound("stored status of episode", episode_id)
    return Status.model_validate_json(document) if document is not None else None


def stored_or_assessed_status(
    session: Session, episode: Episode, patient: Patient, inputs: StatusInputs
) -> Status | None:
    """The episode's stored :class:`~attunement.monitoring.Status` (None when nothing is
    scored yet), as the patient page reads it. An episode without a stored row (none should
    exist: every write and the start-up refresh store one) is assessed on the app's one path
    instead, so a report never leaves it out."""
    has_row, document = _stored_text(session, episode.id)
    if has_row:
        return Status.model_validate_json(document) if document is not None else None
    assessed = assess_stored_episode(session, episode, patient, inputs=inputs)
    return assessed.status if assessed is not None else None


def _stale_patients(session: Session, inputs: StatusInputs) -> set[int]:
    """Patients whose rows are missing or were computed with other inputs."""
    missing = set(
        session.scalars(
            select(Episode.patient_id)
            .outerjoin(EpisodeStatusRecord, EpisodeStatusRecord.episode_id == Episode.id)
            .where(EpisodeStatusRecord.id.is_(None))
        )
    )
    unlisted_risk = set(
        session.scalars(
            select(RiskEventRecord.patient_id)
            .outerjoin(
                EpisodeStatusRecord,
                and_(
                    EpisodeStatusRecord.patient_id == RiskEventRecord.patient_id,
                    EpisodeStatusRecord.listed.is_(True),
                ),
            )
            .where(RiskEventRecord.responded_at.is_(None), EpisodeStatusRecord.id.is_(None))
        )
    )
    stale: set[int] = missing | unlisted_risk
    pairs = session.execute(
        select(Episode.outcome_instrument, Episode.alliance_instrument).distinct()
    ).all()
    for outcome, alliance in sorted(pairs, key=str):
        stale |= set(
            session.scalars(
                select(EpisodeStatusRecord.patient_id)
                .join(Episode, Episode.id == EpisodeStatusRecord.episode_id)
                .where(_rows_of_pair(outcome, alliance))
                .where(
                    or_(
                        EpisodeStatusRecord.inputs_version
                        != inputs_version(inputs, outcome, alliance),
                        EpisodeStatusRecord.inputs_version.is_(None),
                    ),
                )
            )
        )
    return stale


#: The advisory lock of the start-up refresh (two-key form: its own key space, apart from
#: the audit chain's one-key lock and the migrations' lock, space 7_106_101).
_REFRESH_LOCK = {"space": 7_106_102, "key": 1}


def refresh_stale_statuses(ctx: ServiceContext) -> int:
    """Recompute rows that are missing or stale (a new definition, norms, model or caseness
    convention since they were written); the number of patients recomputed. Cheap when
    nothing is stale: run when the application starts.

    On PostgreSQL the refresh holds an advisory lock: app servers starting together refresh
    one after the other, and the later ones find the rows the first one stored (instead of
    inserting the same rows again and failing on their unique key)."""
    with transaction(ctx.sessions) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:space, :key)"), _REFRESH_LOCK)
        return refresh_stale_in(session, caseness=ctx.caseness, now=ctx.now())


def retake_norms_in_use(session: Session, *, now: dt.datetime) -> set[str]:
    """Take again the clinic norms of every instrument in use that are due, waiting for a
    taking another transaction holds (call it before any patient's rows are locked); the
    instruments whose norms changed (the caller recomputes the statuses)."""
    in_use = session.execute(
        select(Episode.outcome_instrument, Episode.alliance_instrument).distinct()
    ).all()
    instruments = {i for pair in in_use for i in pair if i is not None}
    return set(retake_due_norms(session, instruments, now=now, wait=True).changed)


def stale_patients(session: Session, *, caseness: str) -> set[int]:
    """The patients whose rows are missing or were computed with other inputs than the ones
    stored now."""
    return _stale_patients(session, StatusInputs(session, caseness=caseness))


def refresh_patients_now(ctx: ServiceContext, patient_ids: Collection[int]) -> None:
    """Recompute the rows of these patients in a transaction of their own, with the inputs
    stored when it runs (one step of ``status --refresh`` or an import's final refresh)."""
    with transaction(ctx.sessions) as session:
        inputs = StatusInputs(session, caseness=ctx.caseness)
        refresh_patient_statuses(session, patient_ids, inputs=inputs, now=ctx.now())


def refresh_stale_in(session: Session, *, caseness: str, now: dt.datetime) -> int:
    """Within ``session``'s transaction: take the clinic norms again where due (every
    instrument in use), then recompute the rows that are missing or stale; how many
    patients were recomputed."""
    retake_norms_in_use(session, now=now)
    inputs = StatusInputs(session, caseness=caseness)
    stale = _stale_patients(session, inputs)
    refresh_patient_statuses(session, stale, inputs=inputs, now=now)
    return len(stale)
