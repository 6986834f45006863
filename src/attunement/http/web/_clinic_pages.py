"""The patient page (HTTP only; services do the rest; the caseload: ``_caseload_pages``).

The patient page leads with the patient's open risk events, pinned above everything and
never collapsible, with the form that records the structured risk response (for the
treating clinician); answered events are kept below as the risk history.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from attunement.http.deps import ContextDep, WebActor
from attunement.http.web._adherence_views import adherence_rows
from attunement.http.web._charts import episode_charts
from attunement.http.web._course_view import course_view
from attunement.http.web._display import short_date
from attunement.http.web._episode_views import EpisodeFormInput, lifecycle_view
from attunement.http.web._history_views import history_views
from attunement.http.web._invite_pages import invite_form
from attunement.http.web._patient_context import (
    PatientHeader,
    current_episode,
    patient_header,
    render_patient_page,
    require_own,
    stored_profile,
)
from attunement.http.web._prompt_views import prompt_cards, prompt_marks
from attunement.http.web._rendering import ROUTES
from attunement.http.web._risk_views import RiskFormInput, event_views, risk_form
from attunement.http.web._status_view import status_view
from attunement.http.web._views import (
    dimension_views,
    plan_view,
)
from attunement.i18n import N_, resolve_language
from attunement.services import (
    AdministrationPublic,
    EpisodePublic,
    ServiceContext,
    UserActor,
    may_change,
)
from attunement.services import (
    patient_page as read_patient_page,
)
from attunement.wording import plan_in, status_in

__all__ = [
    "PatientHeader",
    "current_episode",
    "patient_header",
    "patient_page_response",
    "require_own",
    "router",
    "stored_profile",
]

router = APIRouter(include_in_schema=False)


#: What the page says after a save, by ``?saved=`` (message ids: the template translates).
_NOTICES = {
    "risk": N_("Risk response recorded. The event is now in the risk history below."),
    "corrected": N_(
        "Corrected. The original stays in the history below, struck through, with the reason."
    ),
    "voided": N_("Voided. The record stays in the history below, struck through, with the reason."),
    "closed": N_("Episode closed. It is now read-only; corrections of its entries stay possible."),
    "reopened": N_("Episode reopened."),
    "new_episode": N_("New episode started."),
    "discussed": N_("Marked discussed. The mark is kept in the history of support prompts below."),
    "undiscussed": N_("Mark undone. Both entries stay in the history of support prompts below."),
    "adherence": N_("Saved. Earlier answers stay in the record; the latest one counts."),
}


def _notice(saved: str | None) -> str | None:
    if not saved:
        return None
    return _NOTICES.get(saved, N_("Saved."))


def patient_page_response(
    request: Request,
    context: ServiceContext,
    actor: UserActor,
    patient_id: int,
    *,
    risk_input: RiskFormInput | None = None,
    episode_input: EpisodeFormInput | None = None,
    prompt_problem: str | None = None,
    adherence_problem: str | None = None,
    status_code: int = 200,
) -> Response:
    """The patient page; ``risk_input`` is a refused risk response, ``episode_input`` a
    refused close or reopen form, each kept as typed."""
    page = read_patient_page(context, actor, patient_id)  # one audited read of everything shown
    language = resolve_language(context.clinic_language)
    patient, episode = page.patient, page.episode
    profile, profile_problem = stored_profile(patient)
    current = page.status.session if page.status is not None else None
    events = event_views(list(page.risk_events), language, current_session=current)
    open_events = [e for e in events if e.open]
    can_write = may_change(actor, patient.clinician_id)
    plan = plan_view(plan_in(page.plan, language), language) if page.plan is not None else None
    plan_missing = f"No plan: {page.plan_problem}" if page.plan is None else None
    history = list(page.administrations)  # voided ones too: the live ones are a part of it
    administrations = [a for a in history if a.live]
    status = status_in(page.status, language) if page.status is not None else None
    charts = episode_charts(episode, page.charts, language)
    return render_patient_page(
        request,
        "pages/patient.html",
        patient,
        actor,
        status_code=status_code,
        title=patient.display_name,
        episode=_episode_view(episode, administrations),
        can_write=can_write,
        open_risk=open_events,
        risk_history=[e for e in events if not e.open],
        risk_form=risk_form(open_events, context.now().date(), risk_input, language=language)
        if open_events and can_write
        else None,
        status=status_view(status, language) if status is not None else None,
        status_missing=N_("No outcome questionnaire has been recorded in this episode yet."),
        charts=charts,
        course=course_view(page.course, language),
        course_pending=page.course_pending,
        plan=plan,
        plan_missing=plan_missing,
        dimensions=dimension_views(profile, patient.preferred_language, language),
        profile_problem=profile_problem,
        history=history_views(history, language),
        invite=invite_form(patient, episode),
        lifecycle=lifecycle_view(
            episode,
            administrations,
            today=context.now().date(),
            submitted=episode_input,
            language=language,
        ),
        notice=_notice(request.query_params.get("saved")),
        prompt_cards=prompt_cards(
            status,
            page.prompt_discussions,
            patient_id=patient.id,
            episode_id=episode.id,
            language=language,
        )
        if status is not None and episode is not None
        else [],
        prompt_marks=prompt_marks(page.prompt_discussions, language),
        prompt_problem=prompt_problem,
        adherence=adherence_rows(page.plan_adherence, language),
        adherence_problem=adherence_problem,
    )


@router.get(ROUTES["patient"], response_class=HTMLResponse)
def patient_page(
    request: Request, context: ContextDep, actor: WebActor, patient_id: int
) -> Response:
    """Open risk events first; profile, plan, progress with charts, alerts and prompts, and
    every questionnaire."""
    return patient_page_response(request, context, actor, patient_id)


class _EpisodeView:
    def __init__(self, episode: EpisodePublic, sessions: int) -> None:
        self.id = episode.id
        self.started_on = short_date(episode.started_on)
        self.sessions = sessions  # the template words the count in the page's language
        self.outcome_instrument = episode.outcome_instrument
        self.alliance_instrument = episode.alliance_instrument
        self.closed = episode.ended_on is not None
        self.ended_on = short_date(episode.ended_on) if episode.ended_on else None


def _episode_view(
    episode: EpisodePublic | None, administrations: Sequence[AdministrationPublic]
) -> _EpisodeView | None:
    if episode is None:
        return None
    numbers = {a.session_number for a in administrations} - {None}
    return _EpisodeView(episode, len(numbers))
