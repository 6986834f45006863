"""The clinic report, read page by page from the stored statuses (issue 13).

Memory does not grow with the clinic: episodes are read in keyset pages of ``page_size``
(``Episode.id > last id``), each page's :class:`EpisodeOutcome` records are added to a
:class:`ClinicTally` (running counts and sums) and dropped before the next page is read.
Per page the report reads

- the episodes with their patient and clinician (one query),
- their stored statuses (``episode_statuses``, one query): the Status at the latest
  session as the app computed it on the last write — never re-derived here,
- each administration's session, date and stored scale bands (one query: the period and
  the intake band),
- the outcome series of each episode (the scorable sessions), and for an episode that
  reached session 8 its alliance series too, for the category at session 8 — a figure no
  write stores,
- the tailored plan of each patient with a profile (the accommodation shares).

The section "What this clinic's data say" is the learning report
(``services.learning.read_learning_report``: the clinic's ended episodes, therapist rows cut
to those the reader may see), read inside this use case so the report stays one audit entry;
the patients it read join ``detail.patients``. Unlike the tallies it holds the ended
episodes' score series at once: the multilevel models need them all.

Counts over patients (open risk events, synthetic patients, the audit's patient list) are
SQL aggregates or plain id lists. An episode without a stored status row (none should
exist: every write and the start-up refresh store them) is assessed on the app's one
path instead, so it is never left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from attunement.documents import (
    REPORT_SESSION,
    ClinicReport,
    ClinicTally,
    EpisodeData,
    EpisodeOutcome,
    category_at_report_session,
    instrument_notice,
    intake_band,
    plan_accommodations,
    synthetic_label_of,
)
from attunement.errors import AttunementError, Forbidden, InputError
from attunement.i18n import N_, resolve_language, translate
from attunement.instruments import InstrumentDefinition, load_instrument
from attunement.learning import LearningReport
from attunement.services._access import readable_patients
from attunement.services._actors import Actor
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.services._episode_pages import episode_pages
from attunement.services._growth_models import StatusInputs
from attunement.services._status import (
    _series,  # the app's one way to read a series from the store
    assess_stored_episode,
    monitored_scale,
    patient_profile,
    tailored_plan,
)
from attunement.services.learning import read_learning_report
from attunement.store import (
    CURVE_SESSION,
    LIVE_ADMINISTRATION,
    Administration,
    Episode,
    EpisodeStatusRecord,
    Patient,
    RiskEventRecord,
    ScoreRecord,
    TherapySession,
    User,
)
from attunement.wording import higher_is_worse

__all__ = ["PAGE_SIZE", "clinic_report"]

#: Episodes read per page: the report's memory is a function of this, not of the clinic.
PAGE_SIZE = 200


def _main_instrument(session: Session, readable: ColumnElement[bool]) -> tuple[str, int]:
    """The outcome measure most episodes use (a tie: the one used first), and the number
    of episodes in all."""
    rows = session.execute(
        select(Episode.outcome_instrument, func.count(Episode.id), func.min(Episode.id))
        .join(Patient, Patient.id == Episode.patient_id)
        .where(readable)
        .group_by(Episode.outcome_instrument)
    ).all()
    if not rows:
        return "phq9", 0
    instrument = min(rows, key=lambda row: (-row[1], row[2]))[0]
    return str(instrument), sum(int(row[1]) for row in rows)


def _administrations(
    session: Session, episode_ids: Sequence[int]
) -> dict[int, list[tuple[int, str, Mapping[str, Any], Any]]]:
    """Each episode's live administrations as ``(session, instrument, scales, date)``, in
    the order they were given; an administration without a session number counts at its
    place in that order (as in the patient report and the export)."""
    rows = session.execute(
        select(
            Administration.episode_id,
            Administration.instrument_id,
            CURVE_SESSION,
            TherapySession.held_on,
            Administration.administered_at,
            ScoreRecord.scales,
        )
        .outerjoin(TherapySession, Administration.session_id == TherapySession.id)
        .outerjoin(ScoreRecord, ScoreRecord.administration_id == Administration.id)
        .where(Administration.episode_id.in_(episode_ids), LIVE_ADMINISTRATION)
        .order_by(Administration.episode_id, Administration.administered_at, Administration.id)
    )
    found: dict[int, list[tuple[int, str, Mapping[str, Any], Any]]] = defaultdict(list)
    for episode_id, instrument, number, held_on, administered_at, scales in rows:
        records = found[episode_id]
        when = held_on or administered_at.date()
        records.append((number or len(records) + 1, instrument, scales or {}, when))
    return found


class _Page:
    """What one page of episodes shares: the session, the definition, the status inputs."""

    def __init__(
        self, session: Session, definition: InstrumentDefinition, models: StatusInputs
    ) -> None:
        self.session = session
        self.definition = definition
        self.scale = monitored_scale(definition)
        self.models = models

    def outcome(
        self,
        episode: Episode,
        patient: Patient,
        clinician: str,
        stored: tuple[dict[str, Any] | None, int] | None,
        records: Sequence[tuple[int, str, Mapping[str, Any], Any]],
    ) -> EpisodeOutcome:
        session, definition = self.session, self.definition
        try:
            profile = patient_profile(patient)
        except AttunementError:  # a stored profile that no longer parses must not hide it
            profile = None
        if stored is None:  # no stored row: assess on the app's one path
            assessed = assess_stored_episode(session, episode, patient, inputs=self.models)
            status = assessed.status.model_dump(mode="json") if assessed else None
            open_risk = bool(assessed and assessed.status.open_risk) or bool(
                session.scalar(
                    select(func.count(RiskEventRecord.id)).where(
                        RiskEventRecord.patient_id == patient.id,
                        RiskEventRecord.responded_at.is_(None),
                    )
                )
            )
        else:
            status, open_risk = stored[0], stored[1] > 0
        series = _series(session, episode, definition.id)
        alliance = None
        if (
            episode.alliance_instrument
            and series is not None
            and series.points[-1].session >= REPORT_SESSION
        ):
            alliance = _series(session, episode, episode.alliance_instrument)
        data = EpisodeData(
            patient_id=patient.id,
            patient_key=patient.external_id or str(patient.id),
            patient_name="",  # not read: the clinic report names no one
            preferred_language=patient.preferred_language,
            synthetic=patient.synthetic,
            clinician_id=episode.clinician_id,
            clinician=clinician,
            episode_id=episode.id,
            started_on=episode.started_on,
            outcome=definition,
            alliance=None,
            outcome_series=series,
            alliance_series=alliance,
            records=(),
            status=None,
            profile=profile,
            growth_model=self.models.get(definition.id),
            clinic_norms=(
                self.models.clinic_norms(series.instrument, series.scale) if series else None
            ),
            caseness=self.models.caseness,
            alliance_norms=(
                self.models.alliance_norms(alliance.instrument, alliance.scale)
                if alliance
                else None
            ),
        )
        plan = (
            tailored_plan(session, patient, clinic_language=self.models.clinic_language)
            if profile is not None
            else None
        )
        preference, culture = plan_accommodations(plan) if plan else (False, False)
        dates = [r[3] for r in records if r[3] is not None]
        return EpisodeOutcome(
            patient_key=str(patient.id),
            clinician=clinician,
            started_on=episode.started_on,
            last_session_on=max(dates) if dates else None,
            scored_sessions=len(series.scored) if series else 0,
            intake=status["intake"] if status else None,
            latest=status["latest"] if status else None,
            intake_band=intake_band(
                ((r[0], r[1], r[2]) for r in records), definition.id, self.scale
            ),
            category=status["category"] if status else None,
            response=status["response"] if status else None,
            remission=status["remission"] if status else None,
            alert=status["alert"] if status else "not_assessable",
            risk=open_risk,
            category_at_session_8=category_at_report_session(data),
            has_plan=profile is not None,
            accommodated_preference=preference,
            accommodated_culture=culture,
            end_reason=(episode.end_reason or "unknown") if episode.ended_on else None,
        )


def _outcomes(
    session: Session,
    readable: ColumnElement[bool],
    definition: InstrumentDefinition,
    models: StatusInputs,
    page_size: int,
) -> Iterator[EpisodeOutcome]:
    """The report's record of every episode of ``definition``, a keyset page at a time."""
    reader = _Page(session, definition, models)
    statement = (
        select(Episode, Patient, User.display_name)
        .join(Patient, Patient.id == Episode.patient_id)
        .join(User, User.id == Episode.clinician_id)
        .where(readable, Episode.outcome_instrument == definition.id)
    )
    for rows in episode_pages(session, statement, page_size):
        ids = [episode.id for episode, _, _ in rows]
        stored = {
            episode_id: (status, int(open_risk or 0))
            for episode_id, status, open_risk in session.execute(
                select(
                    EpisodeStatusRecord.episode_id,
                    EpisodeStatusRecord.status,
                    EpisodeStatusRecord.open_risk_events,
                ).where(EpisodeStatusRecord.episode_id.in_(ids))
            )
        }
        records = _administrations(session, ids)
        for episode, patient, clinician in rows:
            yield reader.outcome(
                episode, patient, clinician, stored.get(episode.id), records.get(episode.id, [])
            )
        del rows, stored, records


def _patient_counts(session: Session, readable: ColumnElement[bool]) -> tuple[int, int, int, int]:
    """(patients, synthetic patients, open risk events, patients with one) of the readable
    patients, counted by the database."""
    patients, synthetic = session.execute(
        select(
            func.count(Patient.id),
            func.coalesce(func.sum(case((Patient.synthetic.is_(True), 1), else_=0)), 0),
        ).where(readable)
    ).one()
    events, with_events = session.execute(
        select(func.count(RiskEventRecord.id), func.count(RiskEventRecord.patient_id.distinct()))
        .join(Patient, Patient.id == RiskEventRecord.patient_id)
        .where(readable, RiskEventRecord.responded_at.is_(None))
    ).one()
    return int(patients), int(synthetic), int(events), int(with_events)


def clinic_report(ctx: ServiceContext, actor: Actor, *, page_size: int = PAGE_SIZE) -> ClinicReport:
    """The clinic report over every episode of the patients ``actor`` may see.

    Episodes are reported for the outcome measure most of them use (PHQ-9 in the demo);
    the report counts the episodes left out for using another. One audit entry lists every
    patient the report read (``detail.patients``), as the caseload's does.
    """
    with use_case(ctx, actor, AuditAction.REPORT_CLINIC, read=True) as uc:
        session = uc.session
        readable = readable_patients(session, actor, operator=True)
        instrument, all_episodes = _main_instrument(session, readable)
        definition = load_instrument(instrument)
        scale = definition.scale(monitored_scale(definition))
        models = StatusInputs(session, caseness=ctx.caseness, clinic_language=ctx.clinic_language)
        tally = ClinicTally().add_all(_outcomes(session, readable, definition, models, page_size))
        patients, synthetic_count, open_events, open_patients = _patient_counts(session, readable)
        synthetic, label = synthetic_label_of(
            synthetic_count, patients, resolve_language(ctx.clinic_language)
        )
        learning, learning_problem, learned_from = _learning(
            session, actor, instrument, resolve_language(ctx.clinic_language)
        )
        read = set(session.scalars(select(Patient.id).where(readable)))
        uc.detail = {
            "patients": sorted(read | set(learned_from)),
            "episodes": tally.episodes,
            "instrument": instrument,
            "learning_episodes": learning.episodes if learning else 0,
        }
        report = tally.report(
            instrument=definition.short_name,
            band_order=[b.label for b in scale.bands.levels] if scale.bands else [],
            generated_on=ctx.now().date(),
            synthetic=synthetic,
            synthetic_label=label,
            notices=[instrument_notice(definition, resolve_language(ctx.clinic_language))],
            # outcome measures have a better end; a neutral one is read as monitoring reads it
            higher_is_worse=higher_is_worse(scale.direction) is not False,
            excluded_other_instrument=all_episodes - tally.episodes,
            open_risk_events=open_events,
            open_risk_patients=open_patients,
            clinic_language=resolve_language(ctx.clinic_language),
        )
        return report.model_copy(
            update={"learning": learning, "learning_problem": learning_problem}
        )


#: Why the clinic report has no learning section, in the words the report reader reads.
_NOT_STAFF = N_("only clinic staff read what the clinic's data say")
_NO_CHANGE_NORMS = N_(
    "%(instrument)s has no change norms, which the clinic's learning needs to judge change"
)


def _learning(
    session: Session, actor: Actor, instrument: str, language: str
) -> tuple[LearningReport | None, str | None, list[int]]:
    """The learning report on the clinic's ended episodes of ``instrument`` (the one
    computation of ``attune learn report``, inside this use case and its audit entry), or
    why there is none, in ``language``: a reader who is not clinic staff, a measure without
    change norms (the one input the learning read refuses)."""
    try:
        report, patients = read_learning_report(session, actor, instrument=instrument)
    except Forbidden:
        return None, translate(_NOT_STAFF, language), []
    except InputError as error:
        if error.field != "instrument":
            return None, error.message, []
        name = load_instrument(instrument).short_name
        return None, translate(_NO_CHANGE_NORMS, language, instrument=name), []
    return _by_display_name(session, report), None, patients


def _by_display_name(session: Session, report: LearningReport) -> LearningReport:
    """The therapist rows named as the report names clinicians (their display names; the
    learning core keys them by username), in the same order: listed, never ranked."""
    feedback = report.therapists
    if feedback is None or not feedback.therapists:
        return report
    names = dict(
        session.execute(
            select(User.username, User.display_name).where(
                User.username.in_([t.therapist for t in feedback.therapists])
            )
        ).all()
    )
    rows = tuple(
        t.model_copy(update={"therapist": names.get(t.therapist, t.therapist)})
        for t in feedback.therapists
    )
    feedback = feedback.model_copy(update={"therapists": rows})
    return report.model_copy(update={"therapists": feedback})
