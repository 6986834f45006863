"""Report use cases: read what a report or an export needs, check access, audit, render.

Access follows the clinic's rules (``services._access``): a clinician reports on their own
patients, a supervisor also on their supervisees'; the operator at the command line (who
holds the database) on every patient. Every patient a report or export reads is in the audit
trail, in the same transaction: ``report.patient`` names its patient, ``report.clinic`` and
``export.research`` are one entry each listing the patients read (``detail.patients``). The
clinic report and the export stream page by page (issue 13): memory does not grow with the
clinic.
The Status is the one the app stored on the last write that changed the episode (the stored
growth model, rupture markers, missed sessions), read as the patient page reads it, never
computed again on a read; everything after the read is ``attunement.documents`` (pure).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from attunement._private_files import write_private_bytes
from attunement.documents import (
    EpisodeData,
    PatientReport,
    export_rows,
    patient_report_of,
    render_clinic_html,
    render_patient_html,
    render_pdf,
)
from attunement.errors import AttunementError, NotFound
from attunement.exports import (
    AdministrationRecord,
    CoursePredictionRow,
    ExportFiles,
    ExportRow,
    ExportTable,
    JointTables,
    Pseudonymizer,
    RiskEventRow,
    course_table,
    deidentify_course_row,
    deidentify_risk_row,
    deidentify_row,
    risk_event_rows,
    risk_table,
    write_export,
)
from attunement.i18n import resolve_language
from attunement.instruments import load_instrument
from attunement.risk import RiskEvent
from attunement.services._access import load_patient, readable_patients
from attunement.services._actors import Actor
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._clinic_report import PAGE_SIZE, clinic_report
from attunement.services._context import ServiceContext
from attunement.services._course_export import course_prediction_rows
from attunement.services._episode_pages import episode_pages
from attunement.services._growth_models import StatusInputs
from attunement.services._research_episodes import research_episode_table
from attunement.services._research_followed import research_followed_table
from attunement.services._research_plan import research_plan_tables
from attunement.services._risk_records import patient_risk_events
from attunement.services._status import (
    _series,  # the app's one way to read a series from the store
    patient_profile,
    tailored_plan,
)
from attunement.services._status_store import stored_or_assessed_status
from attunement.store import (
    CURVE_SESSION,
    LIVE_ADMINISTRATION,
    Administration,
    Episode,
    Patient,
    RiskEventRecord,
    TherapySession,
    User,
    latest_episode,
)

__all__ = [
    "clinic_report",
    "clinic_report_document",
    "patient_report",
    "patient_report_document",
    "research_course_prediction_rows",
    "research_export_rows",
    "research_risk_event_rows",
    "write_clinic_report",
    "write_patient_report",
    "write_research_export",
]

ReportFormat = Literal["pdf", "html"]
_Row = TypeVar("_Row")


def _records(session: Session, episode_ids: list[int]) -> dict[int, list[AdministrationRecord]]:
    """Every administration of the episodes with its score, in one round trip, per episode.

    Loading the scores here also puts them in the session, so the app's series reads that
    follow find them instead of fetching them one by one; the session's identity map holds
    objects weakly, so the loaded rows are kept in ``session.info`` until it closes.
    """
    rows = session.execute(
        select(Administration, CURVE_SESSION, TherapySession.held_on)
        .options(selectinload(Administration.score))
        .outerjoin(TherapySession, Administration.session_id == TherapySession.id)
        .where(Administration.episode_id.in_(episode_ids), LIVE_ADMINISTRATION)
        .order_by(Administration.episode_id, Administration.administered_at, Administration.id)
    ).all()
    session.info.setdefault("reports_loaded", []).append(rows)
    records: dict[int, list[AdministrationRecord]] = {e: [] for e in episode_ids}
    for administration, number, held_on in rows:
        found, score = records[administration.episode_id], administration.score
        found.append(
            AdministrationRecord(
                session=number or len(found) + 1,
                held_on=held_on or administration.administered_at.date(),
                instrument=administration.instrument_id,
                version=administration.definition_version,
                language=administration.language,
                answers=tuple(administration.answers),
                scales=dict(score.scales) if score else {},
                flags=tuple(score.flags) if score else (),
            )
        )
    return records


def _episode(
    session: Session,
    episode: Episode,
    patient: Patient,
    records: list[AdministrationRecord],
    models: StatusInputs,
    *,
    events: tuple[RiskEvent, ...] | None = None,
    with_plan: bool = True,
) -> EpisodeData:
    """The report's view of one episode; its Status is the stored one the patient page
    shows, so a report never disagrees with the page.
    ``with_plan=False`` leaves the plan out (None) for a reader that does not show it."""
    outcome = load_instrument(episode.outcome_instrument)
    alliance = load_instrument(episode.alliance_instrument) if episode.alliance_instrument else None
    try:
        profile = patient_profile(patient)
    except AttunementError:  # a stored profile that no longer parses must not hide the report
        profile = None
    outcome_series = _series(session, episode, outcome.id)
    alliance_series = _series(session, episode, alliance.id) if alliance else None
    return EpisodeData(
        patient_id=patient.id,
        patient_key=patient.external_id or str(patient.id),
        patient_name=patient.display_name,
        preferred_language=patient.preferred_language,
        synthetic=patient.synthetic,
        clinician_id=episode.clinician_id,
        clinician=session.get_one(User, episode.clinician_id).display_name,
        episode_id=episode.id,
        started_on=episode.started_on,
        outcome=outcome,
        alliance=alliance,
        outcome_series=outcome_series,
        alliance_series=alliance_series,
        records=records,
        status=stored_or_assessed_status(session, episode, patient, models),
        profile=profile,
        growth_model=models.get(episode.outcome_instrument),
        clinic_norms=(
            models.clinic_norms(outcome_series.instrument, outcome_series.scale)
            if outcome_series
            else None
        ),
        caseness=models.caseness,
        alliance_norms=(
            models.alliance_norms(alliance_series.instrument, alliance_series.scale)
            if alliance_series
            else None
        ),
        plan=(
            tailored_plan(session, patient, clinic_language=models.clinic_language)
            if profile is not None and with_plan
            else None
        ),
        risk_events=events if events is not None else patient_risk_events(session, patient.id),
        end_reason=(episode.end_reason or "unknown") if episode.ended_on else None,
    )


def patient_report(
    ctx: ServiceContext, actor: Actor, patient_id: int, *, patient_page: bool = True
) -> PatientReport:
    """The progress report of the patient's latest episode."""
    with use_case(ctx, actor, AuditAction.REPORT_PATIENT, patient_id=patient_id, read=True) as uc:
        patient = load_patient(uc.session, actor, patient_id, write=False, operator=True)
        episode = latest_episode(uc.session, patient.id)
        if episode is None:
            raise NotFound("episode of patient (a progress report needs one)", patient.id)
        uc.target = f"episode:{episode.id}"
        records = _records(uc.session, [episode.id])[episode.id]
        data = _episode(
            uc.session,
            episode,
            patient,
            records,
            StatusInputs(uc.session, caseness=ctx.caseness, clinic_language=ctx.clinic_language),
        )
        return patient_report_of(
            data,
            generated_on=ctx.now().date(),
            patient_page=patient_page,
            clinic_language=resolve_language(ctx.clinic_language),
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
    language = resolve_language(ctx.clinic_language)
    return _document(render_patient_html(report, patient_page=patient_page, language=language), fmt)


def clinic_report_document(ctx: ServiceContext, actor: Actor, *, fmt: ReportFormat) -> bytes:
    """The clinic report as PDF or HTML bytes."""
    language = resolve_language(ctx.clinic_language)
    return _document(render_clinic_html(clinic_report(ctx, actor), language=language), fmt)


def _write(path: Path, content: bytes) -> Path:
    return write_private_bytes(path, content)


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


def _export_rows(
    session: Session, readable: ColumnElement[bool], models: StatusInputs, page_size: int
) -> Iterator[ExportRow]:
    """Every episode's export rows, in keyset pages of episodes (one page in memory). The
    rows hold no plan: the plan tables read each plan in a pass of their own
    (``services._research_plan``), so it is not computed here."""
    statement = select(Episode, Patient).join(Patient, Patient.id == Episode.patient_id)
    for page in episode_pages(session, statement.where(readable), page_size):
        records = _records(session, [episode.id for episode, _ in page])
        for episode, patient in page:
            data = _episode(session, episode, patient, records[episode.id], models, with_plan=False)
            yield from export_rows(data)
        session.info.pop("reports_loaded", None)  # the page's rows may go now
        del page, records


def _risk_rows(
    session: Session, readable: ColumnElement[bool], page_size: int
) -> Iterator[RiskEventRow]:
    """Every readable patient's risk events, in keyset pages of patients."""
    after = 0
    while True:
        page = session.execute(
            select(Patient.id, Patient.clinician_id, Patient.synthetic)
            .where(readable, Patient.id > after)
            .order_by(Patient.id)
            .limit(page_size)
        ).all()
        if not page:
            return
        after = page[-1][0]
        for patient_id, clinician_id, synthetic in page:
            yield from risk_event_rows(
                _stored_events(session, patient_id),
                patient_id=str(patient_id),
                clinician_id=str(clinician_id),
                synthetic=synthetic,
            )


@dataclass
class _Export:
    """The research export's rows as iterators over one open use case (read once)."""

    rows: Iterator[ExportRow]
    risk: Iterator[RiskEventRow]
    synthetic: bool
    #: the episode, plan and accommodation (written together), and plan-followed tables
    #: (``services._research_episodes``, ``services._research_plan``,
    #: ``services._research_followed``)
    plans: list[ExportTable | JointTables]
    course: Iterator[CoursePredictionRow]


@contextmanager
def _research_export(
    ctx: ServiceContext, actor: Actor, *, deidentify_with: str | None, page_size: int = PAGE_SIZE
) -> Iterator[_Export]:
    """The export's rows, streamed page by page inside the use case; one audit entry lists
    the patients read (``detail.patients``) with the number of rows of each table."""
    with use_case(ctx, actor, AuditAction.EXPORT_RESEARCH, read=True) as uc:
        readable = readable_patients(uc.session, actor, operator=True)
        models = StatusInputs(
            uc.session, caseness=ctx.caseness, clinic_language=ctx.clinic_language
        )
        rows = _export_rows(uc.session, readable, models, page_size)
        risk = _risk_rows(uc.session, readable, page_size)
        course = course_prediction_rows(uc.session, readable, page_size)
        pseudonyms = Pseudonymizer(deidentify_with) if deidentify_with else None
        if pseudonyms is not None:
            rows = (deidentify_row(row, pseudonyms) for row in rows)
            risk = (deidentify_risk_row(row, pseudonyms) for row in risk)
            course = (deidentify_course_row(row, pseudonyms) for row in course)
        plan_counts: dict[str, int] = {}
        episodes = research_episode_table(
            uc.session, readable, page_size=page_size, pseudonyms=pseudonyms, counts=plan_counts
        )
        plans = research_plan_tables(
            uc.session,
            readable,
            clinic_language=ctx.clinic_language,
            page_size=page_size,
            pseudonyms=pseudonyms,
            counts=plan_counts,
        )
        followed = research_followed_table(
            uc.session, readable, page_size=page_size, pseudonyms=pseudonyms, counts=plan_counts
        )
        counted = [0, 0, 0]
        synthetic = bool(
            uc.session.scalar(
                select(func.count(Patient.id)).where(readable, Patient.synthetic.is_(True))
            )
        )
        yield _Export(
            rows=_counting(rows, counted, 0),
            risk=_counting(risk, counted, 1),
            synthetic=synthetic,
            plans=[episodes, plans, followed],
            course=_counting(course, counted, 2),
        )
        read = uc.session.scalars(select(Patient.id).where(readable).order_by(Patient.id))
        uc.detail = {
            "patients": list(read),
            "rows": counted[0],
            "risk_events": counted[1],
            **plan_counts,
            "course_predictions": counted[2],
            "deidentified": deidentify_with is not None,
        }


def _counting(rows: Iterator[_Row], counts: list[int], index: int) -> Iterator[_Row]:
    for row in rows:
        counts[index] += 1
        yield row


def _stored_events(session: Session, patient_id: int) -> list[tuple[RiskEvent, int | None]]:
    """The patient's risk events, open first, each with the episode it was recorded in."""
    rows = session.execute(
        select(RiskEventRecord.id, RiskEventRecord.episode_id).where(
            RiskEventRecord.patient_id == patient_id
        )
    ).all()
    episodes: dict[int | None, int | None] = dict(rows)
    return [(e, episodes.get(e.id)) for e in patient_risk_events(session, patient_id)]


def research_export_rows(
    ctx: ServiceContext,
    actor: Actor,
    *,
    deidentify_with: str | None = None,
    page_size: int = PAGE_SIZE,
) -> list[ExportRow]:
    """Every administration × scale of the patients ``actor`` may see, with statuses.

    ``deidentify_with`` is the installation secret: names dropped, ids pseudonymised, dates
    shifted (see ``reports._export``). Read ``page_size`` episodes at a time.
    """
    with _research_export(
        ctx, actor, deidentify_with=deidentify_with, page_size=page_size
    ) as export:
        return list(export.rows)


def research_risk_event_rows(
    ctx: ServiceContext, actor: Actor, *, deidentify_with: str | None = None
) -> list[RiskEventRow]:
    """Every risk event (open or answered) of the patients ``actor`` may see, with its
    response; de-identified like the other rows, without the free text."""
    with _research_export(ctx, actor, deidentify_with=deidentify_with) as export:
        return list(export.risk)


def research_course_prediction_rows(
    ctx: ServiceContext, actor: Actor, *, deidentify_with: str | None = None
) -> list[CoursePredictionRow]:
    """Every course prediction stored for the episodes of the patients ``actor`` may see,
    one row each with the time it was made; de-identified like the other rows."""
    with _research_export(ctx, actor, deidentify_with=deidentify_with) as export:
        return list(export.course)


def write_research_export(
    ctx: ServiceContext,
    actor: Actor,
    *,
    fmt: Literal["csv", "parquet"],
    out_dir: Path,
    deidentify_with: str | None = None,
) -> ExportFiles:
    """Write the research export, its risk events and the data dictionary into ``out_dir``,
    row by row as they are read (memory independent of the clinic's size)."""
    with _research_export(ctx, actor, deidentify_with=deidentify_with) as export:
        return write_export(
            export.rows,
            out_dir,
            fmt=fmt,
            deidentified=deidentify_with is not None,
            synthetic=export.synthetic,
            tables=[risk_table(export.risk), *export.plans, course_table(export.course)],
        )
