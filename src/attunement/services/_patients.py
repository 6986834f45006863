"""Patients: register, read, list, update the record and the profile, get the tailored plan."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from attunement.errors import Conflict
from attunement.profile import parse_profile
from attunement.services._access import (
    load_patient,
    readable_patients,
    require_caseload,
)
from attunement.services._actors import Actor, OperatorActor
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._clean_input import check_json_data
from attunement.services._context import ServiceContext
from attunement.services._growth_models import StatusInputs
from attunement.services._lifecycle import ensure_patient_record_open
from attunement.services._risk_records import intake_endorsements, patient_risk_events, record_risk
from attunement.services._schemas import (
    PatientCreate,
    PatientOverview,
    PatientPublic,
    PatientUpdate,
)
from attunement.services._status import episode_status, tailored_plan
from attunement.store import Patient, User, latest_episode

if TYPE_CHECKING:
    from attunement.tailoring import Plan

__all__ = [
    "get_patient",
    "get_plan",
    "list_patients",
    "operator_patient_list",
    "register_patient",
    "update_patient",
    "update_profile",
]


def register_patient(ctx: ServiceContext, actor: Actor, data: PatientCreate) -> PatientPublic:
    """Register a patient on the caller's own caseload."""
    with use_case(ctx, actor, AuditAction.PATIENT_CREATE) as uc:
        user = require_caseload(actor)
        if (
            data.external_id is not None
            and uc.session.scalars(
                select(Patient.id).where(Patient.external_id == data.external_id)
            ).first()
        ):
            raise Conflict("external_id is already in use")
        patient = Patient(
            display_name=data.display_name,
            preferred_language=data.preferred_language,
            external_id=data.external_id,
            sex=data.sex,
            age_band=data.age_band,
            clinician_id=user.user_id,
            profile={},
            synthetic=False,
            created_at=ctx.now(),
        )
        uc.session.add(patient)
        uc.session.flush()
        uc.patient_id = patient.id
        return PatientPublic.model_validate(patient)


def get_patient(ctx: ServiceContext, actor: Actor, patient_id: int) -> PatientPublic:
    """One patient the caller may see (NotFound otherwise)."""
    with use_case(ctx, actor, AuditAction.PATIENT_READ, patient_id=patient_id, read=True) as uc:
        return PatientPublic.model_validate(
            load_patient(uc.session, actor, patient_id, write=False)
        )


def list_patients(ctx: ServiceContext, actor: Actor) -> list[PatientPublic]:
    """The patients the caller may see, by name (each one audited as read)."""
    with use_case(ctx, actor, AuditAction.PATIENT_LIST, read=True) as uc:
        patients = list(
            uc.session.scalars(
                select(Patient)
                .options(selectinload(Patient.clinician))
                .where(readable_patients(uc.session, actor))
                .order_by(Patient.display_name, Patient.id)
            )
        )
        uc.patients = [p.id for p in patients]
        return [PatientPublic.model_validate(p) for p in patients]


def update_patient(
    ctx: ServiceContext, actor: Actor, patient_id: int, data: PatientUpdate
) -> PatientPublic:
    """Set the recorded sex and age band (the fields sent; null: not recorded).

    Allowed while the record is open (as the profile); the audit detail names the fields
    changed, never their values.
    """
    with use_case(ctx, actor, AuditAction.PATIENT_UPDATE, patient_id=patient_id) as uc:
        patient = load_patient(uc.session, actor, patient_id, write=True)
        ensure_patient_record_open(uc.session, patient.id)
        changed = sorted(
            name for name in data.model_fields_set if getattr(patient, name) != getattr(data, name)
        )
        for name in changed:
            setattr(patient, name, getattr(data, name))
        uc.session.flush()
        uc.detail = {"changed": changed}
        return PatientPublic.model_validate(patient)


def update_profile(
    ctx: ServiceContext, actor: Actor, patient_id: int, profile: Mapping[str, Any]
) -> PatientPublic:
    """Replace the profile after validating it with ``attunement.profile.parse_profile``.

    The profile-file-shaped input is stored as given (instrument answers included, so the
    dimensions they give can be re-derived) with the time it was assessed.
    """

    with use_case(ctx, actor, AuditAction.PROFILE_UPDATE, patient_id=patient_id) as uc:
        patient = load_patient(uc.session, actor, patient_id, write=True)
        ensure_patient_record_open(uc.session, patient.id)  # all episodes closed: read-only
        now = ctx.now()
        check_json_data("profile", profile)  # stored as given: finite, storable, shallow
        parsed = parse_profile(profile, assessed_on=now.date())  # InvalidProfile: nothing stored
        patient.profile = dict(profile)
        patient.profile_updated_at = now
        episode = latest_episode(uc.session, patient.id)
        record_risk(
            uc.session,
            patient_id=patient.id,
            episode_id=episode.id if episode is not None else None,
            endorsements=intake_endorsements(parsed, profile, today=now.date()),
            now=now,
        )
        return PatientPublic.model_validate(patient)


def get_plan(ctx: ServiceContext, actor: Actor, patient_id: int) -> Plan:
    """The tailored plan for the patient's stored profile (``attunement.tailoring.plan``)."""
    with use_case(ctx, actor, AuditAction.PLAN_READ, patient_id=patient_id, read=True) as uc:
        patient = load_patient(uc.session, actor, patient_id, write=False)
        return tailored_plan(uc.session, patient, clinic_language=ctx.clinic_language)


def operator_patient_list(ctx: ServiceContext, actor: OperatorActor) -> list[PatientOverview]:
    """The operator's view (``attune patients list``): id, name, clinician, latest alert.

    Audited as a read of each patient listed, under ``operator:<name>``.
    """
    with use_case(ctx, actor, AuditAction.PATIENT_LIST, read=True) as uc:
        rows = uc.session.execute(
            select(Patient, User.username)
            .join(User, Patient.clinician_id == User.id)
            .order_by(Patient.id)
        ).all()
        overview: list[PatientOverview] = []
        models = StatusInputs(uc.session, caseness=ctx.caseness)
        for patient, clinician in rows:
            latest = latest_episode(uc.session, patient.id)
            status = episode_status(uc.session, latest, patient, inputs=models) if latest else None
            overview.append(
                PatientOverview(
                    id=patient.id,
                    display_name=patient.display_name,
                    clinician=clinician,
                    latest_alert=status.alert if status else None,
                    risk_flag=any(e.open for e in patient_risk_events(uc.session, patient.id)),
                    synthetic=patient.synthetic,
                )
            )
        uc.patients = [p.id for p in overview]
        return overview
