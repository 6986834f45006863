"""From stored administrations to the monitoring Status of an episode.

Scores are derived data: a stored score whose definition version is no longer current is
re-derived from the raw answers with the current definition (nothing is written). The
monitored scale is the instrument definition's ``monitored_scale`` (PHQ-9: the total).

The expected treatment response uses the newest stored growth model for the episode's
outcome instrument (``etr_models``); ``assess_episode`` falls back to the rational method,
saying so, when there is none or it rests on too few episodes. Alliance rupture markers
the clinician recorded at a session (``sessions.notes["rupture_markers"]``) are passed on,
and sessions recorded as missed become non-attended points of the outcome series (missed
sessions are a dropout-risk indicator).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Row, Select, Text, bindparam, cast, select
from sqlalchemy.orm import Session

from attunement.errors import AttunementError, InvalidAnswer
from attunement.instruments import Flag, load_instrument, score
from attunement.monitoring import Series, SessionPoint, assess_episode, check_rupture_markers
from attunement.profile import Profile, parse_profile
from attunement.services._growth_models import StatusInputs
from attunement.services._risk_records import patient_risk_events
from attunement.store import (
    CURVE_SESSION,
    LIVE_ADMINISTRATION,
    LIVE_SESSION,
    Administration,
    Episode,
    Patient,
    ScoreRecord,
    TherapySession,
)
from attunement.tailoring import plan

if TYPE_CHECKING:
    from attunement.instruments import Flag, InstrumentDefinition
    from attunement.monitoring import Series, Status
    from attunement.profile import Profile
    from attunement.risk import RiskEvent
    from attunement.tailoring import Plan

__all__ = [
    "RUPTURE_MARKERS_NOTE",
    "SERIES_COLUMNS",
    "StoredAssessment",
    "assess_loaded",
    "assess_stored_episode",
    "episode_status",
    "monitored_scale",
    "patient_profile",
    "series_from_rows",
    "series_select",
    "tailored_plan",
]

#: Key of the session notes that holds the rupture markers recorded at the session.
RUPTURE_MARKERS_NOTE = TherapySession.RUPTURE_MARKERS_NOTE


def monitored_scale(definition: InstrumentDefinition) -> str:
    """The id of the scale monitoring follows (``InstrumentDefinition.monitored_scale``)."""
    return definition.monitored_scale.id


class StoredProfile(Protocol):
    """A patient with a stored profile: the row (``Patient``) or its ``PatientPublic``."""

    @property
    def profile(self) -> Mapping[str, Any] | None: ...
    @property
    def profile_updated_at(self) -> dt.datetime | None: ...


def patient_profile(patient: StoredProfile) -> Profile | None:
    """The stored profile parsed, assessed when it was stored (None when empty); the one
    reading of a stored profile (InvalidProfile when it no longer validates)."""

    if not patient.profile:
        return None
    assessed = patient.profile_updated_at.date() if patient.profile_updated_at else None
    return parse_profile(patient.profile, assessed_on=assessed)


def tailored_plan(
    session: Session,
    patient: Patient,
    *,
    clinic_language: str = "en",
    risk_events: Sequence[RiskEvent] | None = None,
) -> Plan:
    """The patient's tailored plan: the stored profile and the patient's open risk events.

    Every adapter that shows a plan (web, API, reports, FHIR CarePlan, CDS cards) reads it
    here, so a plan is never shown without knowing an open risk event. A stored profile
    that no longer parses gives the plan of an empty profile (it still leads with safety).
    ``risk_events``: the patient's risk events when the caller has read them already (the
    patient page), else they are read here.
    """

    try:
        profile = patient_profile(patient)
    except AttunementError:
        profile = None
    events = patient_risk_events(session, patient.id) if risk_events is None else risk_events
    return plan(
        profile or Profile(),
        open_risk_events=[e for e in events if e.open],
        clinic_language=clinic_language,
    )


def _stored_values(
    scales: dict[str, Any], flags_text: str | None, scale: str
) -> tuple[float | None, tuple[Flag, ...]]:

    value: Any = (scales.get(scale) or {}).get("value")
    stored = json.loads(flags_text) if flags_text and flags_text != "[]" else []
    flags = tuple(Flag.model_validate(f) for f in stored)
    return (float(value) if value is not None else None), flags


def _point_values(
    row: Row[Any], definition: InstrumentDefinition, scale: str
) -> tuple[float | None, tuple[Flag, ...]]:
    """The value and flags of one administration row of :func:`_series`: as stored when
    scored under the current definition version, else rescored from its raw answers."""

    stored = row.definition_version is not None
    if stored and row.definition_version == definition.version:
        return _stored_values(row.scales, row.flags_text, scale)
    try:
        result = score(definition, json.loads(row.answers_text), language=row.language)
    except InvalidAnswer:
        # the corrected definition refuses old answers: keep what was scored at entry
        return _stored_values(row.scales, row.flags_text, scale) if stored else (None, ())
    return result.scales[scale].value, result.flags


#: The columns of an administration row of a series (:func:`series_from_rows`). The raw
#: answers come as their JSON text, parsed only for a row scored under another definition
#: version (rare): a status refresh reads every administration of its patients.
SERIES_COLUMNS = (
    Administration.id,
    Administration.session_id,
    Administration.entered_at,
    Administration.administered_at,
    cast(Administration.answers, Text).label("answers_text"),
    Administration.language,
    ScoreRecord.definition_version,
    ScoreRecord.scales,
    cast(ScoreRecord.flags, Text).label("flags_text"),  # most are "[]", never parsed
    CURVE_SESSION.label("number"),
    TherapySession.held_on,
)


def series_select(*extra: Any) -> Select[Any]:
    """The administrations with their scores and sessions, as :func:`series_from_rows` reads
    them (``extra``: more columns, e.g. to group the rows of many episodes)."""
    return (
        select(*SERIES_COLUMNS, *extra)
        .outerjoin(TherapySession, Administration.session_id == TherapySession.id)
        .outerjoin(ScoreRecord, ScoreRecord.administration_id == Administration.id)
        .where(LIVE_ADMINISTRATION)
    )


def _series(
    session: Session, episode: Episode, instrument: str, missed: Sequence[int] = ()
) -> Series | None:
    """The instrument's series; ``missed`` session numbers become non-attended points.

    Reads columns in one query, not ORM objects: a status refresh runs it for every
    episode a write touches."""
    return series_from_rows(instrument, _series_rows(session, episode, instrument), missed)


def series_from_rows(
    instrument: str, rows: Sequence[Row[Any]], missed: Sequence[int] = ()
) -> Series | None:
    """The series of the instrument's administration rows of one episode (``SERIES_COLUMNS``,
    ordered by ``administered_at`` then id); ``missed`` session numbers become non-attended
    points."""

    definition = load_instrument(instrument)
    scale = monitored_scale(definition)
    latest: dict[
        int, tuple[tuple[bool, dt.datetime, int], float | None, tuple[Flag, ...], dt.date]
    ] = {}
    for ordinal, row in enumerate(rows, start=1):
        key = row.number or ordinal
        # a session's own administration outranks a self-report counted toward it; among
        # equals the last one entered counts
        entered = (row.session_id is not None, row.entered_at, row.id)
        if key in latest and latest[key][0] > entered:
            continue
        value, flags = _point_values(row, definition, scale)
        when = row.held_on or row.administered_at.date()
        latest[key] = (entered, value, flags, when)
    if not latest:
        return None
    points = [
        SessionPoint(session=number, value=value, held_on=when, flags=flags)
        for number, (_, value, flags, when) in latest.items()
    ]
    points += [SessionPoint(session=n, attended=False) for n in missed if n not in latest]
    return Series(
        instrument=instrument, scale=scale, points=tuple(sorted(points, key=lambda p: p.session))
    )


def _markers(number: int, notes: dict[str, Any] | None) -> list[str]:
    """The session's recorded rupture markers that the marker definitions still know.

    Markers were checked when recorded; one no longer defined is left out rather than
    hiding the whole status.
    """

    known = []
    for marker in (notes or {}).get(RUPTURE_MARKERS_NOTE) or []:
        try:
            check_rupture_markers({number: [str(marker)]})
        except AttunementError:
            continue
        known.append(str(marker))
    return known


@dataclass(frozen=True)
class StoredAssessment:
    """The Status of an episode with the outcome series it was assessed on."""

    status: Status
    outcome: Series

    @property
    def latest_on(self) -> dt.date | None:
        """When the latest outcome score was taken."""
        if self.status.latest_session is None:
            return None
        point = self.outcome.at(self.status.latest_session)
        return point.held_on if point is not None else None


def assess_stored_episode(
    session: Session,
    episode: Episode,
    patient: Patient,
    *,
    inputs: StatusInputs,
) -> StoredAssessment | None:
    """Assess the stored episode, or None while no outcome administration is stored.

    ``inputs`` carries what the statuses of one use case share (stored growth models,
    clinic-derived norms of the outcome and alliance scales, the clinic's caseness
    convention).
    """
    visits = session.execute(
        select(TherapySession.number, TherapySession.attended, TherapySession.notes).where(
            TherapySession.episode_id == episode.id, LIVE_SESSION
        )
    ).all()
    missed = [number for number, attended, _ in visits if not attended]
    outcome_rows = _series_rows(session, episode, episode.outcome_instrument)
    if not outcome_rows:
        series_from_rows(episode.outcome_instrument, outcome_rows, missed)  # unknown: raises
        return None
    return assess_loaded(
        episode,
        patient,
        visits=[(number, attended, notes) for number, attended, notes in visits],
        outcome_rows=outcome_rows,
        alliance_rows=(
            _series_rows(session, episode, episode.alliance_instrument)
            if episode.alliance_instrument
            else []
        ),
        risk_events=patient_risk_events(session, patient.id),
        inputs=inputs,
    )


#: One episode's series of one instrument (built once: every write, page and report reads
#: series, and building the statement cost about as much as running it, issue 13).
_SERIES_OF = (
    series_select()
    .where(Administration.episode_id == bindparam("episode_id"))
    .where(Administration.instrument_id == bindparam("instrument"))
    .order_by(Administration.administered_at, Administration.id)
)


def _series_rows(session: Session, episode: Episode, instrument: str) -> list[Row[Any]]:
    found = session.execute(_SERIES_OF, {"episode_id": episode.id, "instrument": instrument})
    return list(found.all())


def assess_loaded(
    episode: Episode,
    patient: Patient,
    *,
    visits: Sequence[tuple[int, bool, dict[str, Any] | None]],
    outcome_rows: Sequence[Row[Any]],
    alliance_rows: Sequence[Row[Any]],
    risk_events: tuple[RiskEvent, ...],
    inputs: StatusInputs,
) -> StoredAssessment | None:
    """:func:`assess_stored_episode` over rows already read (the live sessions of the
    episode as (number, attended, notes), the administration rows of its outcome and
    alliance instruments, the patient's risk events): a batched refresh reads them for many
    episodes at once."""

    missed = [number for number, attended, _ in visits if not attended]
    markers = {number: _markers(number, notes) for number, _, notes in visits}
    outcome = series_from_rows(episode.outcome_instrument, outcome_rows, missed)
    if outcome is None:
        return None
    alliance = (
        series_from_rows(episode.alliance_instrument, alliance_rows)
        if episode.alliance_instrument
        else None
    )
    try:
        profile = patient_profile(patient)
    except AttunementError:
        profile = None  # a stored profile that no longer parses must not hide the status
    status = assess_episode(
        outcome,
        alliance=alliance,
        profile=profile,
        growth_model=inputs.get(episode.outcome_instrument),
        rupture_markers={number: found for number, found in markers.items() if found},
        risk_events=risk_events,
        clinic_norms=inputs.clinic_norms(outcome.instrument, outcome.scale),
        caseness=inputs.caseness,
        alliance_norms=(
            inputs.alliance_norms(alliance.instrument, alliance.scale) if alliance else None
        ),
    )
    return StoredAssessment(status=status, outcome=outcome)


def episode_status(
    session: Session,
    episode: Episode,
    patient: Patient,
    *,
    inputs: StatusInputs,
) -> Status | None:
    """The episode's Status, or None while no outcome administration is stored."""
    assessed = assess_stored_episode(session, episode, patient, inputs=inputs)
    return assessed.status if assessed is not None else None
