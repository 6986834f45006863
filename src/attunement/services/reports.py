"""Report use cases: gather what a report or an export needs, check access, audit, render.

Access follows the clinic's rules (``services._access``): a clinician reports on their own
patients, a supervisor also on their supervisees'; the operator at the command line (who
holds the database) on every patient. Every patient a report or export reads gets an audit
entry (``report.patient``, ``report.clinic``, ``export.research``) in the same transaction.
The Status comes from the app's one path (``episode_status``); the numbers are computed by
the core and ``reports._stats``; ``attunement.reports`` only renders them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine, Select, select
from sqlalchemy.orm import Session

from attunement.errors import AttunementError, Forbidden, NotFound
from attunement.instruments import InstrumentDefinition, load_instrument
from attunement.monitoring import Series, Status, assess_each_session, assess_episode
from attunement.profile import Profile
from attunement.reports import (
    ClinicReport,
    EpisodeOutcome,
    PatientReport,
    build_clinic_report,
    render_clinic_html,
    render_patient_html,
    render_pdf,
)
from attunement.reports._assemble import instrument_notice, plan_accommodations
from attunement.reports._export import (
    ExportFiles,
    ExportRow,
    Pseudonymizer,
    atomic_write,
    deidentify_rows,
    write_export,
)
from attunement.reports._export_rows import AdministrationRecord, episode_rows
from attunement.reports._patient import build_patient_report
from attunement.services._access import load_patient, readable_clinician_ids
from attunement.services._actors import Actor, OperatorActor, UserActor
from attunement.services._audit import use_case
from attunement.services._context import ServiceContext, service_context
from attunement.services._status import (
    _series,  # the app's one way to read a series from the store
    episode_status,
    monitored_scale,
    patient_profile,
)
from attunement.simulate import SYNTHETIC_LABEL
from attunement.store import Administration, Episode, Patient, TherapySession, User
from attunement.tailoring import plan as make_plan

__all__ = [
    "clinic_report",
    "clinic_report_document",
    "patient_report",
    "patient_report_document",
    "research_export_rows",
    "write_clinic_report",
    "write_demo_reports",
    "write_patient_report",
    "write_research_export",
]

ReportFormat = Literal["pdf", "html"]


@dataclass
class _Gathered:
    """One episode as read from the store, with what the core made of it."""

    patient: Patient
    episode: Episode
    clinician: User
    outcome: InstrumentDefinition
    alliance: InstrumentDefinition | None
    outcome_series: Series | None
    alliance_series: Series | None
    records: list[AdministrationRecord]
    status: Status | None
    profile: Profile | None


def _patients(session: Session, actor: Actor) -> Select[Patient]:
    """The patients ``actor`` may report on (the operator: all of them)."""
    query = select(Patient).order_by(Patient.id)
    if isinstance(actor, OperatorActor):
        return query
    if isinstance(actor, UserActor) and actor.treats_patients:
        return query.where(Patient.clinician_id.in_(readable_clinician_ids(session, actor)))
    raise Forbidden("this account has no access to clinical records")


def _patient(session: Session, actor: Actor, patient_id: int) -> Patient:
    if isinstance(actor, OperatorActor):
        found = session.get(Patient, patient_id)
        if found is None:
            raise NotFound("patient", patient_id)
        return found
    return load_patient(session, actor, patient_id, write=False)


def _records(session: Session, episode: Episode) -> list[AdministrationRecord]:
    rows = session.execute(
        select(Administration, TherapySession.number, TherapySession.held_on)
        .outerjoin(TherapySession, Administration.session_id == TherapySession.id)
        .where(Administration.episode_id == episode.id)
        .order_by(Administration.administered_at, Administration.id)
    ).all()
    return [
        AdministrationRecord(
            session=number or ordinal,
            held_on=held_on or administration.administered_at.date(),
            instrument=administration.instrument_id,
            version=administration.definition_version,
            language=administration.language,
            answers=tuple(administration.answers),
            scales=dict(administration.score.scales) if administration.score else {},
            flags=tuple(administration.score.flags) if administration.score else (),
        )
        for ordinal, (administration, number, held_on) in enumerate(rows, start=1)
    ]


def _gather(session: Session, episode: Episode, patient: Patient) -> _Gathered:
    outcome = load_instrument(episode.outcome_instrument)
    alliance = load_instrument(episode.alliance_instrument) if episode.alliance_instrument else None
    try:
        profile = patient_profile(patient)
    except AttunementError:  # a stored profile that no longer parses must not hide the report
        profile = None
    return _Gathered(
        patient=patient,
        episode=episode,
        clinician=session.get_one(User, episode.clinician_id),
        outcome=outcome,
        alliance=alliance,
        outcome_series=_series(session, episode, outcome.id),
        alliance_series=_series(session, episode, alliance.id) if alliance else None,
        records=_records(session, episode),
        status=episode_status(session, episode, patient),
        profile=profile,
    )


def _latest_episode(session: Session, patient: Patient) -> Episode:
    episode = session.scalars(
        select(Episode)
        .where(Episode.patient_id == patient.id)
        .order_by(Episode.started_on.desc(), Episode.id.desc())
        .limit(1)
    ).first()
    if episode is None:
        raise NotFound("episode of patient (a progress report needs one)", patient.id)
    return episode


def patient_report(
    ctx: ServiceContext, actor: Actor, patient_id: int, *, patient_page: bool = True
) -> PatientReport:
    """The progress report of the patient's latest episode."""
    with use_case(ctx, actor, "report.patient", patient_id=patient_id) as uc:
        patient = _patient(uc.session, actor, patient_id)
        data = _gather(uc.session, _latest_episode(uc.session, patient), patient)
        uc.target = f"episode:{data.episode.id}"
        return build_patient_report(
            patient_name=patient.display_name,
            patient_key=patient.external_id or str(patient.id),
            clinician=data.clinician.display_name,
            preferred_language=patient.preferred_language,
            synthetic=patient.synthetic,
            synthetic_label=SYNTHETIC_LABEL if patient.synthetic else None,
            episode_started=data.episode.started_on,
            sessions_held=len({r.session for r in data.records}),
            outcome_definition=data.outcome,
            outcome_series=data.outcome_series,
            status=data.status,
            alliance_definition=data.alliance,
            alliance_series=data.alliance_series,
            item_answers=[
                (r.session, r.answers) for r in data.records if r.instrument == data.outcome.id
            ],
            profile=data.profile,
            plan=make_plan(data.profile) if data.profile else None,
            generated_on=ctx.now().date(),
            patient_page=patient_page,
        )


def _intake_band(data: _Gathered) -> str | None:
    scale = monitored_scale(data.outcome)
    for record in sorted(data.records, key=lambda r: r.session):
        if record.instrument == data.outcome.id and (record.scales.get(scale) or {}).get("band"):
            return str(record.scales[scale]["band"])
    return None


def _outcome(data: _Gathered) -> EpisodeOutcome:
    status, series = data.status, data.outcome_series
    at_8 = None
    if series is not None and any(p.session >= 8 for p in series.points):
        upto = series.upto(8)
        alliance = data.alliance_series.upto(8) if data.alliance_series else None
        at_8 = (
            assess_episode(upto, alliance=alliance, profile=data.profile).category if upto else None
        )
    preference, culture = (
        plan_accommodations(make_plan(data.profile)) if data.profile else (False, False)
    )
    held = [r.held_on for r in data.records if r.held_on is not None]
    return EpisodeOutcome(
        patient_key=str(data.patient.id),
        clinician=data.clinician.display_name,
        started_on=data.episode.started_on,
        last_session_on=max(held) if held else None,
        scored_sessions=len(series.scored) if series else 0,
        intake=status.intake if status else None,
        latest=status.latest if status else None,
        intake_band=_intake_band(data),
        category=status.category if status else None,
        response=status.response if status else None,
        remission=status.remission if status else None,
        alert=(status.alert or "white") if status else "white",
        risk=any(f.severity == "critical" for f in status.flags) if status else False,
        category_at_session_8=at_8,
        has_plan=data.profile is not None,
        accommodated_preference=preference,
        accommodated_culture=culture,
    )


def _label(patients: list[Patient]) -> tuple[bool, str | None]:
    synthetic = sum(p.synthetic for p in patients)
    if not synthetic:
        return False, None
    if synthetic == len(patients):
        return True, SYNTHETIC_LABEL
    return True, f"CONTAINS SYNTHETIC DATA — {synthetic} of {len(patients)} patients are synthetic"


def clinic_report(ctx: ServiceContext, actor: Actor) -> ClinicReport:
    """The clinic report over every episode of the patients ``actor`` may see."""
    with use_case(ctx, actor, "report.clinic") as uc:
        patients = list(uc.session.scalars(_patients(uc.session, actor)))
        episodes = list(
            uc.session.scalars(
                select(Episode)
                .where(Episode.patient_id.in_([p.id for p in patients]))
                .order_by(Episode.id)
            )
        )
        by_id = {p.id: p for p in patients}
        counts = Counter(e.outcome_instrument for e in episodes)
        instrument = counts.most_common(1)[0][0] if counts else "phq9"
        definition = load_instrument(instrument)
        gathered = [
            _gather(uc.session, e, by_id[e.patient_id])
            for e in episodes
            if e.outcome_instrument == instrument
        ]
        uc.patients = sorted({g.patient.id for g in gathered})
        uc.detail = {"episodes": len(gathered), "instrument": instrument}
        synthetic, label = _label(patients)
        scale = definition.scale(monitored_scale(definition))
        return build_clinic_report(
            [_outcome(g) for g in gathered],
            instrument=definition.short_name,
            band_order=[b.label for b in scale.bands.levels] if scale.bands else [],
            generated_on=ctx.now().date(),
            synthetic=synthetic,
            synthetic_label=label,
            notices=[instrument_notice(definition)],
            higher_is_worse=scale.direction != "higher_is_better",
            excluded_other_instrument=len(episodes) - len(gathered),
        )


def _document(html: str, fmt: ReportFormat) -> bytes:
    return render_pdf(html) if fmt == "pdf" else html.encode("utf-8")


def patient_report_document(
    ctx: ServiceContext,
    actor: Actor,
    patient_id: int,
    *,
    fmt: ReportFormat,
    patient_page: bool = True,
) -> bytes:
    """The patient report as PDF or HTML bytes."""
    report = patient_report(ctx, actor, patient_id, patient_page=patient_page)
    return _document(render_patient_html(report, patient_page=patient_page), fmt)


def clinic_report_document(ctx: ServiceContext, actor: Actor, *, fmt: ReportFormat) -> bytes:
    """The clinic report as PDF or HTML bytes."""
    return _document(render_clinic_html(clinic_report(ctx, actor)), fmt)


def _write(path: Path, content: bytes) -> Path:
    def write(target: Path) -> None:
        target.write_bytes(content)

    return atomic_write(path, write)


def write_patient_report(
    ctx: ServiceContext,
    actor: Actor,
    patient_id: int,
    *,
    fmt: ReportFormat,
    output: Path,
    patient_page: bool = True,
) -> Path:
    """Write the patient report to ``output`` (atomically)."""
    content = patient_report_document(ctx, actor, patient_id, fmt=fmt, patient_page=patient_page)
    return _write(output, content)


def write_clinic_report(
    ctx: ServiceContext, actor: Actor, *, fmt: ReportFormat, output: Path
) -> Path:
    """Write the clinic report to ``output`` (atomically)."""
    return _write(output, clinic_report_document(ctx, actor, fmt=fmt))


def research_export_rows(
    ctx: ServiceContext, actor: Actor, *, deidentify_with: str | None = None
) -> list[ExportRow]:
    """Every administration × scale of the patients ``actor`` may see, with statuses.

    ``deidentify_with`` is the installation secret: names dropped, ids pseudonymised, dates
    shifted (see ``reports._export``).
    """
    with use_case(ctx, actor, "export.research") as uc:
        patients = list(uc.session.scalars(_patients(uc.session, actor)))
        rows: list[ExportRow] = []
        for patient in patients:
            for episode in uc.session.scalars(
                select(Episode).where(Episode.patient_id == patient.id)
            ):
                data = _gather(uc.session, episode, patient)
                statuses = (
                    assess_each_session(
                        data.outcome_series, alliance=data.alliance_series, profile=data.profile
                    )
                    if data.outcome_series
                    else ()
                )
                rows += episode_rows(
                    patient_id=str(patient.id),
                    patient_name=patient.display_name,
                    clinician_id=str(episode.clinician_id),
                    episode_id=str(episode.id),
                    synthetic=patient.synthetic,
                    administrations=data.records,
                    monitored_instrument=data.outcome.id,
                    monitored_scale=monitored_scale(data.outcome),
                    statuses={s.session: s for s in statuses},
                )
        uc.patients = [p.id for p in patients]
        uc.detail = {"rows": len(rows), "deidentified": deidentify_with is not None}
    return deidentify_rows(rows, Pseudonymizer(deidentify_with)) if deidentify_with else rows


def write_research_export(
    ctx: ServiceContext,
    actor: Actor,
    *,
    fmt: Literal["csv", "parquet"],
    out_dir: Path,
    deidentify_with: str | None = None,
) -> ExportFiles:
    """Write the research export and its data dictionary into ``out_dir``."""
    rows = research_export_rows(ctx, actor, deidentify_with=deidentify_with)
    return write_export(
        rows,
        out_dir,
        fmt=fmt,
        deidentified=deidentify_with is not None,
        synthetic=any(r.synthetic for r in rows),
    )


def _demo_patient(ctx: ServiceContext) -> int:
    """The synthetic patient with the longest latest episode (ties: the lowest id)."""
    with ctx.sessions() as session:
        counts = session.execute(
            select(Patient.id, TherapySession.episode_id)
            .join(Episode, Episode.patient_id == Patient.id)
            .join(TherapySession, TherapySession.episode_id == Episode.id)
            .where(Patient.synthetic.is_(True))
        ).all()
    if not counts:
        raise NotFound("synthetic patient with sessions (run the demo seeding first)", "demo")
    sessions = Counter(patient for patient, _ in counts)
    return min(sessions, key=lambda p: (-sessions[p], p))


def write_demo_reports(
    target: ServiceContext | Engine, out_dir: Path, *, actor: Actor | None = None
) -> list[Path]:
    """``attune demo``: one patient report and the clinic report, PDF and HTML, in ``out_dir``.

    Runs as the operator ``demo`` unless ``actor`` is given; returns the paths written.
    """
    ctx = (
        target
        if isinstance(target, ServiceContext)
        else service_context(target, signing_key="demo-reports")
    )
    who = actor or OperatorActor(name="demo")
    patient_id = _demo_patient(ctx)
    written: list[Path] = []
    for fmt in ("html", "pdf"):
        written.append(
            write_patient_report(
                ctx, who, patient_id, fmt=fmt, output=out_dir / f"patient-report-{patient_id}.{fmt}"
            )
        )
        written.append(
            write_clinic_report(ctx, who, fmt=fmt, output=out_dir / f"clinic-report.{fmt}")
        )
    return written
