"""Practice-based learning from the clinic's ended episodes (issue 15): use cases.

Each use case reads the clinic's ended episodes (their monitored outcome scores by dose,
numbered as the growth-model fit numbers them: :mod:`attunement.services.etr`; the end
reason; the therapist; the patient's language and assessed profile), hands them to the pure
core (:mod:`attunement.learning`) and audits the read with the list of patients read — one
entry, as the clinic report does; the detail holds counts, never patient data.

* :func:`evaluate_clinic_predictions` — cross-validation of the personalised course
  (``attune predict evaluate``).
* :func:`episode_course` — the personalised course of one episode the actor may read.
* :func:`learning_report` — therapist feedback and "does responsiveness work here?"
  (``attune learn report``). Therapist rows are visible only to the therapist, their
  supervisor and admins (and the CLI operator); every other row is left out, and rows are
  listed by username, never ranked. :func:`read_learning_report` is the same computation
  inside a use case another opened: the clinic report's section "What this clinic's data
  say" (one audit entry for the report).

The figures are aggregates over the whole clinic's ended episodes, whoever asks (a model
of patients within therapists needs them all); only those aggregates, the neighbours'
summary and the therapist rows the actor may see leave a use case, and the one audit entry
lists every patient whose episode was read.

Each episode carries the patient's recorded sex (calibration per sex) and age band (a
similarity feature, ``age_band`` among the intake dimensions), None / left out where not
recorded, and whether the plan was followed, dimension by dimension — the clinician's
records and rupture repair after an alliance alert, decided in one place
(:func:`attunement.learning.plan_followed`, read through
:mod:`attunement.services._plan_adherence`). A dimension appears in the responsiveness
section once it was recorded for enough episodes; what is missing is said in the notes.
:func:`simulated_learning` runs the same maths on the hidden-truth synthetic clinic
(:mod:`attunement.simulate.hidden_truth`), labelled SYNTHETIC.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from attunement.documents import REPORT_SESSION
from attunement.errors import Forbidden, InputError
from attunement.learning import (
    CourseIndex,
    FeedbackGap,
    LearningData,
    LearningEpisode,
    LearningReport,
    PersonalisedCourse,
    PredictionEvaluation,
    TherapistFeedback,
    Unrecorded,
    evaluate_predictions,
    feedback_gap,
    learning_settings,
    responsiveness_report,
    therapist_feedback,
)
from attunement.services._access import load_episode, readable_clinician_ids
from attunement.services._actors import Actor, OperatorActor, UserActor
from attunement.services._audit import use_case
from attunement.services._audit_actions import AuditAction
from attunement.services._clinic_episodes import ClinicEpisodes as _Clinic
from attunement.services._clinic_episodes import intake_categories as _dimensions
from attunement.services._clinic_episodes import outcome_scale as _scale
from attunement.services._clinic_episodes import outcome_series as _episode_scores
from attunement.services._clinic_episodes import read_clinic_episodes as _read_clinic
from attunement.services._context import ServiceContext
from attunement.services._growth_models import newest_growth_model
from attunement.simulate.hidden_truth import HiddenTruth, simulate_hidden_truth
from attunement.store import Patient, User

__all__ = [
    "LearningReport",
    "SimulatedLearning",
    "episode_course",
    "evaluate_clinic_predictions",
    "learning_report",
    "read_learning_report",
    "simulated_learning",
    "simulated_prediction_evaluation",
]


def _data(clinic: _Clinic) -> LearningData:
    return LearningData(episodes=len(clinic.episodes), synthetic=clinic.synthetic)


def evaluate_clinic_predictions(
    ctx: ServiceContext, actor: Actor, *, instrument: str = "phq9", seed: int = 0
) -> tuple[PredictionEvaluation, LearningData]:
    """Cross-validate the personalised course on the clinic's ended episodes (audited read
    of every patient whose episode is used); returns the evaluation and what it rests on."""
    _require_clinic_view(actor)
    with use_case(ctx, actor, AuditAction.LEARNING_EVALUATE, read=True) as uc:
        clinic = _read_clinic(uc.session, instrument)
        uc.detail = {"patients": clinic.patients, "episodes": len(clinic.episodes)}
        scale = _scale(instrument)
        evaluation = evaluate_predictions(
            clinic.episodes,
            norms=scale.norms,
            score_range=scale.range,
            parameters=scale.parameters,
            seed=seed,
        )
        return evaluation, _data(clinic)


def episode_course(
    ctx: ServiceContext, actor: Actor, episode_id: int, *, horizon: int = 12
) -> PersonalisedCourse:
    """The personalised expected course of one episode the actor may read (from its intake
    score and the patient's assessed profile), over sessions 1..``horizon``."""
    with use_case(ctx, actor, AuditAction.LEARNING_COURSE, read=True) as uc:
        # the CLI operator (``attune predict course``) may read any episode, audited
        episode = load_episode(uc.session, actor, episode_id, write=False, operator=True)
        uc.patient_id = episode.patient_id
        instrument = episode.outcome_instrument
        scale = _scale(instrument)
        own = _episode_scores(uc.session, instrument, scale.id, True)[0].get(episode.id)
        if not own:
            raise InputError(
                "episode", episode_id, "an episode with an intake and one more scored session"
            )
        clinic = _read_clinic(uc.session, instrument)
        others = [e for e in clinic.episodes if e.key != str(episode.id)]
        index = CourseIndex(
            others,
            norms=scale.norms,
            score_range=scale.range,
            parameters=scale.parameters,
            model=newest_growth_model(uc.session, instrument),
        )
        patient = uc.session.get(Patient, episode.patient_id)
        uc.detail = {"episodes_compared": len(others)}
        return index.course(
            own[0][1],
            dimensions=_dimensions(patient) if patient else {},
            language=patient.preferred_language if patient else None,
            horizon=horizon,
        )


def _require_clinic_view(actor: Actor) -> None:
    if isinstance(actor, OperatorActor | UserActor):
        return
    raise Forbidden("only clinic staff may read practice-based learning")


def _visible_therapists(session: Session, actor: Actor) -> set[str] | None:
    """Usernames whose feedback the actor may see (None: all — admins and the operator)."""
    if isinstance(actor, OperatorActor):
        return None
    if isinstance(actor, UserActor) and actor.role == "admin":
        return None
    if isinstance(actor, UserActor):
        ids = readable_clinician_ids(session, actor) or {actor.user_id}
        return set(session.scalars(select(User.username).where(User.id.in_(ids))))
    raise Forbidden("only the therapist, their supervisor and admins see therapist feedback")


def _report(
    episodes: Sequence[LearningEpisode],
    instrument: str,
    *,
    visible: set[str] | None,
    data: LearningData,
    not_recorded: tuple[Unrecorded, ...],
) -> LearningReport:
    settings = learning_settings()
    feedback: TherapistFeedback | None = None
    gap = feedback_gap(episodes)
    if gap is None:
        try:
            feedback = therapist_feedback(
                episodes, _scale(instrument).norms, report_session=REPORT_SESSION
            )
        except InputError:  # the multilevel model did not converge
            gap = FeedbackGap(reason="not_fitted", episodes=data.episodes)
    counted = len(feedback.therapists) if feedback else 0
    above = sum(t.shown for t in feedback.therapists) if feedback else 0
    if feedback is not None and visible is not None:
        rows = tuple(t for t in feedback.therapists if t.therapist in visible)
        feedback = feedback.model_copy(update={"therapists": rows})
    return LearningReport(
        instrument=instrument,
        episodes=len(episodes),
        synthetic=bool(data.synthetic or data.simulation_seed is not None),
        data=data,
        therapists=feedback,
        therapists_unavailable=gap,
        therapists_counted=counted,
        therapists_above_minimum=above,
        responsiveness=responsiveness_report(episodes),
        minimum_therapist_episodes=settings.count("minimum_therapist_episodes"),
        minimum_dimension_episodes=settings.count("minimum_dimension_episodes"),
        not_recorded=not_recorded,
    )


def read_learning_report(
    session: Session, actor: Actor, *, instrument: str = "phq9"
) -> tuple[LearningReport, list[int]]:
    """The learning report inside a use case the caller opened and audits, with the ids of
    the patients whose episodes it read (for that use case's one audit entry): the one
    computation behind ``attune learn report`` and the clinic report's learning section."""
    _require_clinic_view(actor)
    visible = _visible_therapists(session, actor)
    clinic = _read_clinic(session, instrument)
    report = _report(
        clinic.episodes,
        instrument,
        visible=visible,
        data=_data(clinic),
        not_recorded=clinic.not_recorded(),
    )
    return report, clinic.patients


def learning_report(
    ctx: ServiceContext, actor: Actor, *, instrument: str = "phq9"
) -> LearningReport:
    """Therapist feedback (rows the actor may see) and the responsiveness associations."""
    _require_clinic_view(actor)
    with use_case(ctx, actor, AuditAction.LEARNING_REPORT, read=True) as uc:
        report, patients = read_learning_report(uc.session, actor, instrument=instrument)
        uc.detail = {"patients": patients, "episodes": report.episodes}
        return report


class SimulatedLearning(BaseModel):
    """The learning report and the prediction evaluation on the hidden-truth clinic, with
    the truth it hides (SYNTHETIC)."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    report: LearningReport
    truth: HiddenTruth
    episodes: tuple[LearningEpisode, ...]


def simulated_learning(*, seed: int, n_episodes: int, n_therapists: int = 12) -> SimulatedLearning:
    """The learning report on the hidden-truth synthetic clinic (no database, no patients)."""
    if n_episodes < 10 or n_therapists < 2:
        raise InputError(
            "--episodes", n_episodes, "at least 10 episodes (and 2 therapists) to simulate"
        )
    clinic = simulate_hidden_truth(seed=seed, n_episodes=n_episodes, n_therapists=n_therapists)
    report = _report(
        clinic.episodes,
        "phq9",
        visible=None,
        data=LearningData(
            episodes=len(clinic.episodes), synthetic=len(clinic.episodes), simulation_seed=seed
        ),
        not_recorded=(),
    )
    return SimulatedLearning(report=report, truth=clinic.truth, episodes=clinic.episodes)


def simulated_prediction_evaluation(
    *, seed: int, n_episodes: int, n_therapists: int = 12
) -> tuple[PredictionEvaluation, LearningData]:
    """Cross-validation of the personalised course on the hidden-truth synthetic clinic."""
    if n_episodes < 10 or n_therapists < 2:
        raise InputError(
            "--episodes", n_episodes, "at least 10 episodes (and 2 therapists) to simulate"
        )
    clinic = simulate_hidden_truth(seed=seed, n_episodes=n_episodes, n_therapists=n_therapists)
    scale = _scale("phq9")
    evaluation = evaluate_predictions(
        clinic.episodes,
        norms=scale.norms,
        score_range=scale.range,
        parameters=scale.parameters,
        seed=seed,
    )
    data = LearningData(
        episodes=len(clinic.episodes), synthetic=len(clinic.episodes), simulation_seed=seed
    )
    return evaluation, data
