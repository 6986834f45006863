"""The patient as every patient page shows them, and who may change their record."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from attunement.errors import AttunementError, Forbidden
from attunement.http.deps import get_context
from attunement.http.web._display import language_label
from attunement.http.web._rendering import Viewer, render
from attunement.i18n import N_, resolve_language, translate
from attunement.profile import Profile
from attunement.services import (
    EpisodePublic,
    PatientPublic,
    ServiceContext,
    UserActor,
    list_episodes,
    may_change,
    patient_profile,
)
from attunement.wording import age_band_label, sex_label

__all__ = [
    "PatientHeader",
    "current_episode",
    "patient_header",
    "require_own",
    "stored_profile",
]


class PatientHeader:
    """The patient as the page header shows them."""

    def __init__(self, patient: PatientPublic, actor: UserActor, language: str = "en") -> None:
        self.id = patient.id
        self.display_name = patient.display_name
        self.external_id = patient.external_id
        self.language = patient.preferred_language
        self.language_label = language_label(patient.preferred_language, language)
        self.sex_label = sex_label(patient.sex)  # message ids: the template translates
        self.age_band_label = age_band_label(patient.age_band)
        self.clinician_name = (
            translate(N_("%(name)s (you)"), language, name=patient.clinician_name)
            if patient.clinician_id == actor.user_id
            else patient.clinician_name
        )
        self.synthetic = patient.synthetic


def require_own(patient: PatientPublic, actor: UserActor) -> None:
    """Forms that change a record are for the treating clinician (the services agree)."""
    if not may_change(actor, patient.clinician_id):
        raise Forbidden("supervisors may view their supervisees' patients but not change them")


def patient_header(patient: PatientPublic, actor: UserActor, language: str = "en") -> PatientHeader:
    """The patient header worded in ``language`` (the clinic's, on a clinician's page)."""
    return PatientHeader(patient, actor, language)


def current_episode(
    context: ServiceContext, actor: UserActor, patient_id: int
) -> EpisodePublic | None:
    """The open episode (else the newest), or None before the first one."""
    episodes = list_episodes(context, actor, patient_id)
    open_ones = [e for e in episodes if e.ended_on is None]
    found = open_ones or episodes
    return found[0] if found else None


def stored_profile(patient: PatientPublic) -> tuple[Profile | None, str | None]:
    """The stored profile parsed for display, or the reason it cannot be."""
    try:
        return patient_profile(patient), None
    except AttunementError as error:
        return None, f"The stored profile no longer validates: {error.message}"


def render_patient_page(
    request: Request,
    template: str,
    patient: PatientPublic,
    actor: UserActor,
    *,
    title: str,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page about one patient: the viewer, the patient header and the synthetic label."""
    return render(
        request,
        template,
        status_code=status_code,
        title=title,
        viewer=Viewer.of(actor),
        synthetic=patient.synthetic,
        p=patient_header(patient, actor, resolve_language(get_context(request).clinic_language)),
        **context,
    )
