"""The caseload, the patient page and the patient's invitation (HTTP only; services do the rest)."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from attunement.api.deps import ContextDep, CsrfProtected, WebActor
from attunement.errors import AttunementError, Forbidden, InputError, NotFound
from attunement.profile import Profile, parse_profile
from attunement.services import (
    AdministrationPublic,
    EpisodePublic,
    InvitationCreate,
    PatientPublic,
    ServiceContext,
    UserActor,
    caseload,
    get_patient,
    get_plan,
    get_status,
    invite_patient,
    list_administrations,
    list_episodes,
)
from attunement.web._charts import episode_charts
from attunement.web._display import language_label, short_date
from attunement.web._forms import form_list
from attunement.web._history_views import history_views, risk_flags_from_history
from attunement.web._questionnaires import definition_or_none, instrument_choices
from attunement.web._rendering import ROUTES, Viewer, is_htmx, render
from attunement.web._status_view import status_view
from attunement.web._views import (
    caseload_counts,
    caseload_rows,
    dimension_views,
    plan_view,
)

__all__ = [
    "PatientHeader",
    "current_episode",
    "patient_header",
    "require_own",
    "router",
    "stored_profile",
]

router = APIRouter(include_in_schema=False)


@router.get(ROUTES["caseload"], response_class=HTMLResponse)
def caseload_page(request: Request, context: ContextDep, actor: WebActor, q: str = "") -> Response:
    """Open episodes, most urgent first: risk flags pinned, then red, yellow, green, white."""
    entries = caseload(context, actor)
    viewer = Viewer.of(actor)
    supervises = any(e.clinician_id != actor.user_id for e in entries)
    return render(
        request,
        "pages/caseload.html",
        title="Caseload",
        viewer=viewer,
        nav="caseload",
        rows=caseload_rows(entries, q[:100]),
        counts=caseload_counts(entries),
        query=q[:100],
        show_clinician=supervises or actor.role == "supervisor",
        scope_text="Your patients and those of the clinicians you supervise."
        if actor.role == "supervisor"
        else "Your patients.",
        synthetic=any(e.synthetic for e in entries),
    )


class PatientHeader:
    """The patient as the page header shows them."""

    def __init__(self, patient: PatientPublic, actor: UserActor) -> None:
        self.id = patient.id
        self.display_name = patient.display_name
        self.external_id = patient.external_id
        self.language = patient.preferred_language
        self.language_label = language_label(patient.preferred_language)
        self.clinician_name = (
            f"{patient.clinician_name} (you)"
            if patient.clinician_id == actor.user_id
            else patient.clinician_name
        )
        self.synthetic = patient.synthetic


def require_own(patient: PatientPublic, actor: UserActor) -> None:
    """Forms that change a record are for the treating clinician (the services agree)."""
    if patient.clinician_id != actor.user_id:
        raise Forbidden("supervisors may view their supervisees' patients but not change them")


def patient_header(patient: PatientPublic, actor: UserActor) -> PatientHeader:
    return PatientHeader(patient, actor)


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
    if not patient.profile:
        return None, None
    assessed = patient.profile_updated_at.date() if patient.profile_updated_at else None
    try:
        return parse_profile(patient.profile, assessed_on=assessed), None
    except AttunementError as error:
        return None, f"The stored profile no longer validates: {error.message}"


@router.get(ROUTES["patient"], response_class=HTMLResponse)
def patient_page(
    request: Request, context: ContextDep, actor: WebActor, patient_id: int
) -> Response:
    """Profile, plan, progress with charts, alerts and prompts, and every questionnaire."""
    patient = get_patient(context, actor, patient_id)
    episode = current_episode(context, actor, patient_id)
    profile, profile_problem = stored_profile(patient)
    try:
        plan = plan_view(get_plan(context, actor, patient_id))
        plan_missing = None
    except AttunementError as error:
        plan, plan_missing = None, f"No plan: {error.message}"
    status = None
    administrations: list[AdministrationPublic] = []
    if episode is not None:
        administrations = list_administrations(context, actor, episode.id)
        try:
            status = get_status(context, actor, episode.id)
        except NotFound:
            status = None
    charts = episode_charts(episode, status, administrations)
    return render(
        request,
        "pages/patient.html",
        title=patient.display_name,
        viewer=Viewer.of(actor),
        synthetic=patient.synthetic,
        p=patient_header(patient, actor),
        episode=_episode_view(episode, administrations),
        can_write=patient.clinician_id == actor.user_id,
        risk_flags=risk_flags_from_history(administrations),
        status=status_view(status) if status is not None else None,
        status_missing="No outcome questionnaire has been recorded in this episode yet.",
        charts=charts,
        plan=plan,
        plan_missing=plan_missing,
        dimensions=dimension_views(profile),
        profile_problem=profile_problem,
        history=history_views(administrations),
        invite=_invite_form(patient, episode),
        notice=request.query_params.get("saved") and "Saved.",
    )


class _EpisodeView:
    def __init__(self, episode: EpisodePublic, sessions: int) -> None:
        self.id = episode.id
        self.started_on = short_date(episode.started_on)
        self.sessions_text = (
            f"{sessions} session{'s' if sessions != 1 else ''} recorded"
            if sessions
            else "no session recorded yet"
        )
        self.outcome_instrument = episode.outcome_instrument
        self.alliance_instrument = episode.alliance_instrument


def _episode_view(
    episode: EpisodePublic | None, administrations: Sequence[AdministrationPublic]
) -> _EpisodeView | None:
    if episode is None:
        return None
    numbers = {a.session_number for a in administrations} - {None}
    return _EpisodeView(episode, len(numbers))


class _InviteForm:
    def __init__(self, instruments: list[tuple[str, str, bool]], error: str | None) -> None:
        self.instruments = instruments
        self.error = error


def _invite_form(
    patient: PatientPublic,
    episode: EpisodePublic | None,
    *,
    chosen: list[str] | None = None,
    error: str | None = None,
) -> _InviteForm:
    due = (
        {i for i in (episode.outcome_instrument, episode.alliance_instrument) if i}
        if episode
        else set()
    )
    choices = instrument_choices(language=patient.preferred_language)
    if not choices:
        choices = instrument_choices(language="en")
    picked = set(chosen) if chosen is not None else due
    return _InviteForm(
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
    header = patient_header(patient, actor)
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
            invite=_invite_form(patient, episode, chosen=chosen, error=message),
            invitation=None,
        )
    link = str(request.base_url).rstrip("/") + issued.url_path
    return render(
        request,
        template,
        title="Invitation",
        viewer=Viewer.of(actor),
        synthetic=patient.synthetic,
        p=header,
        invite=_invite_form(patient, episode),
        invitation=_Issued(
            link, short_date(issued.expires_at), issued.instruments, issued.language
        ),
    )


class _Issued:
    def __init__(self, link: str, expires: str, instruments: list[str], language: str) -> None:
        self.url = link
        self.expires = f"on {expires}"
        found = [definition_or_none(i) for i in instruments]
        self.instruments = ", ".join(
            d.short_name if d else i for d, i in zip(found, instruments, strict=True)
        )
        self.language = language_label(language)
