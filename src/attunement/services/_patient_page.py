"""The patient page in one read (issue 13).

The web page about one patient shows the patient, their risk events, their plan, the
current episode with its stored status, the data of its charts and every questionnaire of
it (voided ones too, for the history). :func:`patient_page` reads all of it in one read
snapshot with a number of queries that does not grow with the record, and audits it as
one read (``patient.page``) whose detail names the kinds and ids of the records read,
never their content. The per-item use cases (``get_patient``, ``list_risk_events``, …)
stay for the API.

Nothing is re-derived: the status is the stored row (``episode_statuses``), the plan is
the one every adapter reads (``tailored_plan``), the chart data are the charts' own
(``chart_data_of``; the SVGs are separate, cached routes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from attunement.errors import AttunementError
from attunement.i18n import resolve_language
from attunement.monitoring import Status
from attunement.services._access import load_patient
from attunement.services._actors import Actor
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._charts import EpisodeChartData, chart_data_of
from attunement.services._context import ServiceContext
from attunement.services._course_reads import (
    CoursePredictionPublic,
    course_pending,
    course_predictions_of,
)
from attunement.services._plan_adherence import PlanAdherenceView, adherence_of
from attunement.services._prompt_discussions import (
    PromptDiscussionPublic,
    prompt_discussions_of,
)
from attunement.services._records import administration_public, administrations_of
from attunement.services._risk_records import patient_risk_read
from attunement.services._risk_schemas import RiskEventPublic
from attunement.services._schemas import AdministrationPublic, EpisodePublic, PatientPublic
from attunement.services._status import tailored_plan
from attunement.services._status_store import stored_status_model
from attunement.store import Episode, patient_episodes

if TYPE_CHECKING:
    from attunement.monitoring import Status
    from attunement.tailoring import Plan

__all__ = ["PatientPageView", "patient_page"]


@dataclass(frozen=True)
class PatientPageView:
    """Everything the patient page shows, as read in one snapshot.

    ``episode`` is the open episode, else the newest (None before the first one);
    ``administrations`` are its administrations oldest first, voided and corrected ones
    included (``live`` tells them apart); ``status`` is its stored status (None before a
    scored outcome questionnaire); ``charts`` the data of its charts. ``plan`` is None when
    it cannot be made, with the reason in ``plan_problem``.
    """

    patient: PatientPublic
    episode: EpisodePublic | None
    risk_events: tuple[RiskEventPublic, ...]
    plan: Plan | None
    plan_problem: str | None
    administrations: tuple[AdministrationPublic, ...]
    status: Status | None
    charts: EpisodeChartData | None
    #: every mark of the episode's support prompts as discussed (and undo), oldest first
    prompt_discussions: tuple[PromptDiscussionPublic, ...] = ()
    #: the newest personalised course stored for the episode (None before its intake)
    course: CoursePredictionPublic | None = None
    #: a course is being prepared from the newest intake (stored right after its write)
    course_pending: bool = False
    #: whether the plan was followed in the episode, per dimension (issue 15)
    plan_adherence: PlanAdherenceView | None = None


def _current(episodes: list[Episode]) -> Episode | None:
    """The open episode (else the newest) of episodes ordered newest first."""
    open_ones = [e for e in episodes if e.ended_on is None]
    found = open_ones or episodes
    return found[0] if found else None


def patient_page(ctx: ServiceContext, actor: Actor, patient_id: int) -> PatientPageView:
    """The patient page's record of ``patient_id``, one audited read (NotFound for a
    patient the caller may not see)."""

    with use_case(ctx, actor, AuditAction.PATIENT_PAGE, patient_id=patient_id, read=True) as uc:
        session = uc.session
        patient = load_patient(session, actor, patient_id, write=False)
        shown = PatientPublic.model_validate(patient)
        events, risk_events = patient_risk_read(
            session, patient.id, resolve_language(ctx.clinic_language)
        )
        try:
            plan: Plan | None = tailored_plan(
                session, patient, risk_events=events, clinic_language=ctx.clinic_language
            )
            plan_problem = None
        except AttunementError as error:
            plan, plan_problem = None, error.message
        episodes = list(session.scalars(patient_episodes(patient.id)))
        episode = _current(episodes)
        administrations: tuple[AdministrationPublic, ...] = ()
        status = None
        charts = None
        discussions: tuple[PromptDiscussionPublic, ...] = ()
        course: CoursePredictionPublic | None = None
        pending = False
        adherence = None
        if episode is not None:
            discussions = tuple(prompt_discussions_of(session, episode.id))
            course = next(iter(course_predictions_of(session, episode.id)), None)
            pending = course_pending(session, episode.id)
            rows = session.scalars(administrations_of(episode.id)).all()
            administrations = tuple(administration_public(a) for a in rows)
            status = stored_status_model(session, episode.id, require_row=True)
            charts = chart_data_of(session, episode, status)
            adherence = adherence_of(session, episode.id, plan, status)
        uc.detail = {
            "read": ["patient", "profile", "plan", "risk_events", "episodes"]
            + (
                [
                    "administrations",
                    "status",
                    "charts",
                    "prompt_discussions",
                    "course_predictions",
                    "plan_adherence",
                ]
                if episode is not None
                else []
            ),
            "episodes": [e.id for e in episodes],
            "episode": episode.id if episode is not None else None,
            "risk_events": [e.id for e in risk_events],
            "administrations": [a.id for a in administrations],
        }
        return PatientPageView(
            patient=shown,
            episode=EpisodePublic.model_validate(episode) if episode is not None else None,
            risk_events=risk_events,
            plan=plan,
            plan_problem=plan_problem,
            administrations=administrations,
            status=status,
            charts=charts,
            prompt_discussions=discussions,
            course=course,
            course_pending=pending,
            plan_adherence=adherence,
        )
