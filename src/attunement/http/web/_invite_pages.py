"""Inviting the patient to self-report: the form on the patient page and its result."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from attunement.errors import InputError, NotFound
from attunement.http.deps import ContextDep, CsrfProtected, WebActor
from attunement.http.web._display import language_label, short_date
from attunement.http.web._forms import form_list
from attunement.http.web._patient_context import current_episode, patient_header
from attunement.http.web._qr import link_qr
from attunement.http.web._questionnaires import definition_or_none, instrument_choices
from attunement.http.web._rendering import ROUTES, Viewer, clinic_words, is_htmx, render
from attunement.i18n import N_, resolve_language
from attunement.services import (
    EpisodePublic,
    InvitationCreate,
    PatientPublic,
    get_patient,
    invite_patient,
)

__all__ = ["invite_form", "router"]

router = APIRouter(include_in_schema=False)


class InviteForm:
    def __init__(self, instruments: list[tuple[str, str, bool]], error: str | None) -> None:
        self.instruments = instruments
        self.error = error


def invite_form(
    patient: PatientPublic,
    episode: EpisodePublic | None,
    *,
    chosen: list[str] | None = None,
    error: str | None = None,
) -> InviteForm:
    due = (
        {i for i in (episode.outcome_instrument, episode.alliance_instrument) if i}
        if episode
        else set()
    )
    choices = instrument_choices(language=patient.preferred_language)
    if not choices:
        choices = instrument_choices(language="en")
    picked = set(chosen) if chosen is not None else due
    return InviteForm(
        [(d.id, f"{d.name} ({d.short_name})", d.id in picked) for d in choices], error
    )


@router.post(ROUTES["invite"], response_class=HTMLResponse)
async def invite(
    request: Request, context: ContextDep, actor: WebActor, _csrf: CsrfProtected, patient_id: int
) -> Response:
    """Create the single-use link and show it once (htmx swaps just the invitation card)."""
    form = await request.form()
    chosen = form_list(form, "instrument")
    patient = get_patient(context, actor, patient_id)
    episode = current_episode(context, actor, patient_id)
    if episode is None:
        raise NotFound("episode of patient", patient_id)
    header = patient_header(patient, actor, resolve_language(context.clinic_language))
    template = "partials/invite_result.html" if is_htmx(request) else "pages/invite.html"
    try:
        data = InvitationCreate(instruments=chosen or None)
        issued = invite_patient(context, actor, episode.id, data)
    except (InputError, ValidationError) as error:
        message = (
            error.message if isinstance(error, InputError) else "Choose at least one questionnaire."
        )
        return render(
            request,
            "partials/invite_form.html" if is_htmx(request) else "pages/invite.html",
            status_code=422,
            viewer=Viewer.of(actor),
            p=header,
            invite=invite_form(patient, episode, chosen=chosen, error=message),
            invitation=None,
        )
    link = str(request.base_url).rstrip("/") + issued.url_path
    return render(
        request,
        template,
        title=clinic_words(request, N_("Invitation")),
        viewer=Viewer.of(actor),
        synthetic=patient.synthetic,
        p=header,
        invite=invite_form(patient, episode),
        invitation=_Issued(
            link, short_date(issued.expires_at), issued.instruments, issued.language
        ),
    )


class _Issued:
    def __init__(self, link: str, expires: str, instruments: list[str], language: str) -> None:
        self.url = link
        self.qr = link_qr(link, title="QR code of the single-use link")
        self.expires = f"on {expires}"
        found = [definition_or_none(i) for i in instruments]
        self.instruments = ", ".join(
            d.short_name if d else i for d, i in zip(found, instruments, strict=True)
        )
        self.language = language_label(language)
