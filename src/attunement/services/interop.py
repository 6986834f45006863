"""Use cases of interoperability: FHIR export and import, the CDS Hooks service, feedback.

Each touches the database in one audited transaction (:func:`use_case`), and leaves the
translation to :mod:`attunement.fhir` and :mod:`attunement.cds_hooks`. Access follows the
rest of the services: a user sees only the patients they may read (:func:`load_patient`);
the command-line operator may export and import any patient; an EHR authenticated by its
signed JWT (a trusted CDS client) may read the cards of any patient of the clinic, found by
the EHR's patient id (``context.patientId``) = the patient's ``external_id``.

Imported responses are stored as administrations with ``entered_by`` = ``fhir:<source
key>`` (the resource's ``QuestionnaireResponse/<id>``), which is how a re-import of the same
resource is recognised and skipped. Feedback on cards is kept in the audit trail (action
``cds.feedback``; no patient data: cards are named by uuid).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from attunement.cds_hooks import (
    CardContext,
    CdsClientTrust,
    CdsRequest,
    FeedbackRequest,
    PatientSignals,
    VerifiedClient,
    discovery_document,
    event_signals,
    feedback_records,
    outcome_and_alliance,
    patient_view_response,
    plan_signal,
    read_patient_view,
    risk_signals,
    wire,
)
from attunement.errors import AttunementError, InputError, NotFound, invalid_input
from attunement.evidence import load_evidence
from attunement.fhir import (
    FhirAdministrationRecord,
    FhirBase,
    ImportedResponse,
    PatientRecord,
    export_record,
    fhir_id,
    import_fhir,
    questionnaire,
)
from attunement.i18n import N_, resolve_language
from attunement.instruments import INSTRUMENT_IDS, load_instrument
from attunement.monitoring import Worded
from attunement.services._access import load_patient, require_caseload
from attunement.services._actors import Actor, OperatorActor
from attunement.services._audit import append_audit, use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._context import ServiceContext
from attunement.services._growth_models import StatusInputs
from attunement.services._ids import MAX_ROW_ID, get_row
from attunement.services._limits import check_moment
from attunement.services._records import store_administration
from attunement.services._risk_records import patient_risk_events
from attunement.services._status import episode_status, tailored_plan
from attunement.services._transaction import transaction
from attunement.store import (
    LIVE_ADMINISTRATION,
    Administration,
    Episode,
    Patient,
    TherapySession,
    latest_episode,
    open_episode,
)
from attunement.wording import plan_in, status_in

__all__ = [
    "FHIR_SOURCE_PREFIX",
    "FhirImportReport",
    "ImportedRow",
    "cds_discovery",
    "cds_patient_view",
    "export_patient_fhir",
    "import_fhir_document",
    "questionnaire_fhir",
    "record_cds_feedback",
]

FHIR_SOURCE_PREFIX = "fhir:"


class ImportedRow(BaseModel):
    """One response handled by an import: stored, or skipped as already imported."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    index: int
    resource_id: str | None
    source_key: str | None
    status: Literal["imported", "already_imported"]
    patient_id: int
    episode_id: int
    administration_id: int | None
    instrument: str
    scales: dict[str, float | None]
    flags: list[str]
    notes: list[str]


class FhirImportReport(BaseModel):
    """What an import did with each resource (the API and CLI show it as JSON, in English)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    imported: list[ImportedRow]
    refused: list[dict[str, Any]]
    ignored: list[dict[str, Any]]
    #: the report's sentences (refusal and ignored reasons, notes) with their message ids
    #: (``fhir._reasons``), never in the JSON: ``attune import fhir`` words each English
    #: text from its twin in the clinic's language (``wording.sentences_in``)
    worded: list[Worded] = Field(default_factory=list, exclude=True)


def questionnaire_fhir(
    instrument_id: str, *, base: FhirBase, language: str = "en"
) -> dict[str, Any]:
    """The Questionnaire of an instrument; ``instrument_id`` may be its FHIR id (``wai-sr``)."""

    by_fhir_id = {fhir_id(i): i for i in INSTRUMENT_IDS}
    definition = load_instrument(by_fhir_id.get(instrument_id, instrument_id))
    if language not in definition.languages:
        raise InputError("language", language, definition.languages)
    return questionnaire(definition, base=base, language=language)


def _administrations(session: Session, patient: Patient) -> list[FhirAdministrationRecord]:
    rows = session.scalars(
        select(Administration)
        .join(Episode, Administration.episode_id == Episode.id)
        .where(Episode.patient_id == patient.id, LIVE_ADMINISTRATION)
        .order_by(Administration.administered_at, Administration.id)
    )
    records = []
    for row in rows:
        visit = session.get(TherapySession, row.session_id) if row.session_id else None
        records.append(
            FhirAdministrationRecord(
                id=str(row.id),
                patient_id=str(patient.id),
                instrument=row.instrument_id,
                version=row.definition_version,
                answers=tuple(row.answers),
                language=row.language,
                administered_at=row.administered_at,
                session=visit.number if visit else row.toward_session,
                episode_id=str(row.episode_id),
            )
        )
    return records


def export_patient_fhir(
    ctx: ServiceContext,
    actor: Actor,
    patient_id: int,
    *,
    base: FhirBase,
    kind: Literal["collection", "searchset"] = "collection",
) -> dict[str, Any]:
    """The patient's whole record as a FHIR Bundle (``searchset`` for ``$everything``), with
    each of the patient's risk events as a Flag."""

    with use_case(ctx, actor, AuditAction.FHIR_EXPORT, patient_id=patient_id, read=True) as uc:
        patient = load_patient(uc.session, actor, patient_id, write=False, operator=True)
        record = PatientRecord(
            id=str(patient.id),
            external_id=patient.external_id,
            display_name=patient.display_name,
            preferred_language=patient.preferred_language,
            synthetic=patient.synthetic,
        )
        plan = (  # its rules' texts in the clinic's language, as on the patient page
            plan_in(
                tailored_plan(uc.session, patient, clinic_language=ctx.clinic_language),
                resolve_language(ctx.clinic_language),
            )
            if patient.profile
            else None
        )
        administrations = _administrations(uc.session, patient)
        events = patient_risk_events(uc.session, patient.id)
        uc.detail = {
            "administrations": len(administrations),
            "risk_events": len(events),
            "kind": kind,
        }
        return export_record(
            record,
            administrations,
            plan=plan,
            risk_events=events,
            generated_at=ctx.now(),
            kind=kind,
            base=base,
            language=resolve_language(ctx.clinic_language),
        )


def _source_tag(key: str) -> str:
    """``fhir:<key>``, or a digest of the key when it is long or not plain text (a key is the
    sender's; NUL or a lone surrogate in it must not reach the database)."""
    tag = FHIR_SOURCE_PREFIX + key
    if len(tag) <= 100 and key.isprintable():
        return tag
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return FHIR_SOURCE_PREFIX + "sha256:" + digest


def _subject_patient(session: Session, actor: Actor, subject: str | None) -> Patient:
    """The patient a response names, if the caller may write to them.

    A patient the caller may not see gets the same answer as an unknown reference, worded
    with the reference as given, so neither the record's existence nor its internal id is
    told (issue 18).
    """
    if not subject or not subject.startswith("Patient/"):
        raise InputError("subject", subject, "a reference Patient/<id> (or give the patient)")
    ref = subject.removeprefix("Patient/")
    patient = session.scalars(select(Patient).where(Patient.external_id == ref)).first()
    if patient is None and ref.isdecimal() and len(ref) <= len(str(MAX_ROW_ID)):
        patient = get_row(session, Patient, int(ref))
    try:
        if patient is None:
            raise NotFound("patient", ref)
        return load_patient(session, actor, patient.id, write=True, operator=True)
    except NotFound:
        raise NotFound("patient", ref) from None


_NO_OPEN_EPISODE = N_("patient %(patient)s has no open episode; start one first")


class _Refused(Exception):
    def __init__(self, reason: str, worded: Worded | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.worded = worded


def _destination(
    session: Session,
    ctx: ServiceContext,
    actor: Actor,
    response: ImportedResponse,
    forced: Patient | None,
) -> tuple[Patient, Episode]:
    """The patient and open episode a response goes to, or _Refused with the reason."""
    try:
        patient = forced or _subject_patient(session, actor, response.subject)
    except AttunementError as error:
        raise _Refused(f"patient: {error.message}") from None
    episode = open_episode(session, patient.id)
    if episode is None:
        values = {"patient": str(patient.id)}
        no_episode = Worded(
            text=_NO_OPEN_EPISODE % values, template=_NO_OPEN_EPISODE, values=values
        )
        raise _Refused(no_episode.text, no_episode)
    if response.authored is not None:
        try:
            check_moment(
                "authored",
                response.authored,
                now=ctx.now(),
                limits=ctx.limits,
                not_before=episode.started_on,
                not_before_label="the open episode's start, ",
            )
        except InputError as error:
            raise _Refused(error.message) from None
    return patient, episode


def import_fhir_document(
    ctx: ServiceContext,
    actor: Actor,
    document: Mapping[str, Any],
    *,
    base: FhirBase,
    patient_id: int | None = None,
) -> FhirImportReport:
    """Import a Bundle or QuestionnaireResponse into the patients' open episodes.

    A response's patient is ``patient_id`` when given, else its ``subject``: ``Patient/<x>``
    where ``x`` is the patient's external id (or Attunement id). A response whose patient
    is not found or not visible, or has no open episode, is refused with the reason; the
    others are stored. A response already imported (same source key) is skipped. Only users
    with a caseload (and the operator) import: others get Forbidden for the whole document.
    """
    rows: list[ImportedRow] = []
    with use_case(ctx, actor, AuditAction.FHIR_IMPORT, patient_id=patient_id) as uc:
        if not isinstance(actor, OperatorActor):
            require_caseload(actor)  # admins and invitation holders import nothing
        # a named patient the caller may not write to refuses the whole document (404)
        forced = (
            load_patient(uc.session, actor, patient_id, write=True, operator=True)
            if patient_id is not None
            else None
        )
        result = import_fhir(document, base=base, max_entries=ctx.limits.max_fhir_entries)
        refused = [r.model_dump(mode="json", exclude={"reasons_worded"}) for r in result.refused]
        worded = [w for r in result.refused for w in r.reasons_worded]
        worded += [i.reason_worded for i in result.ignored if i.reason_worded is not None]
        for response in result.imported:
            try:
                patient, episode = _destination(uc.session, ctx, actor, response, forced)
            except _Refused as refusal:
                refused.append(
                    {
                        "index": response.index,
                        "resource_type": "QuestionnaireResponse",
                        "resource_id": response.resource_id,
                        "reasons": [refusal.reason],
                    }
                )
                worded += [refusal.worded] if refusal.worded is not None else []
                continue
            tag = _source_tag(response.source_key) if response.source_key else None
            existing = None
            if tag is not None:
                existing = uc.session.scalars(
                    select(Administration.id)
                    .join(Episode, Administration.episode_id == Episode.id)
                    .where(Administration.entered_by == tag, Episode.patient_id == patient.id)
                ).first()
            administration_id = existing
            if existing is None:
                stored = store_administration(
                    uc.session,
                    episode=episode,
                    result=response.score,
                    answers=response.answers,
                    entered_by=tag or f"{FHIR_SOURCE_PREFIX}{actor.audit_name}",
                    administered_at=response.authored or ctx.now(),
                    entered_at=ctx.now(),
                    route="fhir_import",
                )
                administration_id = stored.id
            uc.patients.append(patient.id)
            worded += response.notes_worded
            rows.append(
                ImportedRow(
                    index=response.index,
                    resource_id=response.resource_id,
                    source_key=response.source_key,
                    status="imported" if existing is None else "already_imported",
                    patient_id=patient.id,
                    episode_id=episode.id,
                    administration_id=administration_id,
                    instrument=response.instrument,
                    scales={k: v.value for k, v in response.score.scales.items()},
                    flags=[f.id for f in response.score.flags],
                    notes=list(response.notes),
                )
            )
        uc.patients = sorted(set(uc.patients))
        uc.detail = {
            "imported": sum(r.status == "imported" for r in rows),
            "already_imported": sum(r.status == "already_imported" for r in rows),
            "refused": len(refused),
        }
    return FhirImportReport(
        imported=rows,
        refused=refused,
        ignored=[i.model_dump(mode="json", exclude={"reason_worded"}) for i in result.ignored],
        worded=worded,
    )


# --------------------------------------------------------------------------- CDS Hooks


def cds_discovery() -> dict[str, Any]:
    return wire(discovery_document())


def _attunement_signals(session: Session, patient: Patient, inputs: StatusInputs) -> PatientSignals:
    """Risk, outcome, alliance and plan signals from what Attunement holds.

    Risk signals are the patient's stored risk events (open ones give critical cards,
    answered ones are history), whatever the latest session held.
    """

    evidence = load_evidence()
    language = resolve_language(inputs.clinic_language)  # the cards' knowledge texts
    episode = latest_episode(session, patient.id)
    outcome = alliance = None
    if episode is not None:
        status = episode_status(session, episode, patient, inputs=inputs)
        if status is not None:
            outcome, alliance = outcome_and_alliance(
                status_in(status, language),
                evidence=evidence,
                alliance_instrument=episode.alliance_instrument,
            )
    events = patient_risk_events(session, patient.id)
    risks, history = event_signals(events, language=language)
    plan = (
        plan_signal(
            plan_in(
                tailored_plan(session, patient, clinic_language=inputs.clinic_language), language
            ),
            language,
        )
        if patient.profile
        else None
    )
    return PatientSignals(
        risks=risks, risk_history=history, outcome=outcome, alliance=alliance, plan=plan
    )


def _ehr_signals(data: Any, base: FhirBase, max_entries: int, language: str) -> PatientSignals:
    """Risk signals from the prefetched responses, scored by the one engine, worded in
    ``language`` (the clinic's); responses that cannot be read (unknown questionnaire, not
    fitting it) are listed as unread so a card says they were not checked."""

    unread = list(data.prefetch_problems)
    worded = list(data.prefetch_problems_worded)
    if not data.questionnaire_responses:
        return PatientSignals(unread=tuple(unread), unread_worded=tuple(worded))
    document = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in data.questionnaire_responses],
    }
    result = import_fhir(document, base=base, max_entries=max_entries)
    risks: list[Any] = []
    for response in result.imported:
        risks += risk_signals(
            response.score.flags,
            instrument=response.instrument,
            observed_on=response.authored.date() if response.authored else None,
            source="ehr",
            language=language,
        )
    unread += [refused.reasons[0] for refused in result.refused]
    worded += [refused.reasons_worded[0] for refused in result.refused if refused.reasons_worded]
    return PatientSignals(risks=tuple(risks), unread=tuple(unread), unread_worded=tuple(worded))


def cds_patient_view(
    ctx: ServiceContext,
    body: Mapping[str, Any],
    *,
    client: VerifiedClient,
    trust: CdsClientTrust,
    base: FhirBase,
) -> dict[str, Any]:
    """The cards for one ``patient-view`` call (PrefetchMissing → 412 in the route)."""
    try:
        request = CdsRequest.model_validate(body)
    except ValidationError as exc:
        raise invalid_input(exc) from None
    data = read_patient_view(request)
    with transaction(ctx.sessions) as session:
        patient = session.scalars(
            select(Patient).where(Patient.external_id == data.patient_id)
        ).first()
        inputs = StatusInputs(session, caseness=ctx.caseness, clinic_language=ctx.clinic_language)
        own = _attunement_signals(session, patient, inputs) if patient is not None else None
        append_audit(
            session,
            ctx,
            actor=f"ehr:{client.iss}",
            role="cds_client",
            action=AuditAction.CDS_PATIENT_VIEW,
            patient_id=patient.id if patient is not None else None,
            target=f"hook:{data.hook_instance}",
            detail={"prefetch": sorted(data.satisfied), "known": patient is not None},
        )
    language = resolve_language(ctx.clinic_language)
    from_ehr = (
        _ehr_signals(data, base, ctx.limits.max_fhir_entries, language)
        if not data.missing_required
        else None
    )
    context = CardContext(
        hook_instance=data.hook_instance,
        patient_page_url=(
            f"{trust.patient_pages_base}/patients/{patient.id}" if patient is not None else None
        ),
        source_url=trust.patient_pages_base,
        language=language,
    )
    return wire(
        patient_view_response(data, from_ehr=from_ehr, from_attunement=own, context=context)
    )


def record_cds_feedback(
    ctx: ServiceContext,
    service_id: str,
    body: Mapping[str, Any],
    *,
    client: VerifiedClient,
    received_at: datetime | None = None,
) -> int:
    """Store each accepted/overridden card in the audit trail; returns how many."""
    try:
        request = FeedbackRequest.model_validate(body)
    except ValidationError as exc:
        raise invalid_input(exc) from None
    records = feedback_records(
        request, service_id=service_id, client=client, received_at=received_at or ctx.now()
    )
    with transaction(ctx.sessions) as session:
        for record in records:
            append_audit(
                session,
                ctx,
                actor=f"ehr:{client.iss}",
                role="cds_client",
                action=AuditAction.CDS_FEEDBACK,
                target=f"card:{record.card}",
                outcome=record.outcome,
                detail=record.model_dump(mode="json"),
            )
    return len(records)
