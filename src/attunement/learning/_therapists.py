"""Therapist feedback for supervision: each therapist's outcomes, adjusted and shrunk.

For each ended episode: reliable improvement, recovery and deterioration (Jacobson & Truax
1991, with the scale's published norms: ``monitoring.jacobson_truax_category``), dropout,
and the change from intake to the last score. Case mix is adjusted for with the intake
severity (centred at the clinic's mean): a multilevel model with patients within
therapists — ``MixedLM`` (REML) for the change, a multilevel logistic model for the yes/no
outcomes — and each therapist's estimate is their empirical-Bayes (shrunken) deviation from
the clinic, with a 95% interval, read at the clinic's mean intake.

Nothing is shown for a therapist with fewer than ``minimum_therapist_episodes`` ended
episodes. Therapists are listed by their key, never ranked. The clinic's pre–post effect is
set beside the published routine-care benchmarks of the evidence base, descriptively.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from attunement.evidence import BenchmarkComparison, compare_to_benchmark, load_evidence
from attunement.i18n import N_
from attunement.learning._mixed import (
    Z95,
    fit_logistic_random_intercept,
    fit_random_intercept,
)
from attunement.learning._records import LearningEpisode
from attunement.learning._settings import LearningSettings, learning_settings
from attunement.monitoring import NormsLike, jacobson_truax_category
from attunement.stats import InsufficientData, pre_post_effect_size, proportion

__all__ = [
    "MODEL",
    "OUTCOMES",
    "Estimate",
    "FeedbackGap",
    "TherapistFeedback",
    "TherapistOutcomes",
    "UnvariedOutcome",
    "feedback_gap",
    "therapist_feedback",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")
_MINIMUM_ENDED = 5  # ended episodes with a later score below which nothing is modelled

#: The yes/no outcomes, in the order they are shown.
OUTCOMES = ("reliable_improvement", "recovery", "deterioration", "dropout")
#: The models of the feedback, in words (a message id: readers translate it).
MODEL = N_(
    "change ~ intake (centred) + (1 | therapist), REML (statsmodels MixedLM); each "
    "yes/no outcome: logit ~ intake (centred) + (1 | therapist), variational Bayes "
    "(statsmodels BinomialBayesMixedGLM); therapist values are empirical-Bayes "
    "(shrunken) estimates at the clinic's mean intake, with intervals (95%)"
)


class Estimate(BaseModel):
    """An adjusted, shrunken estimate with its 95% interval and the raw count behind it."""

    model_config = _FROZEN

    value: float
    low: float
    high: float
    raw: float  # the unadjusted share (or mean change)
    events: int | None = None


class TherapistOutcomes(BaseModel):
    model_config = _FROZEN

    therapist: str
    episodes: int
    shown: bool
    outcomes: dict[str, Estimate] = {}  # by OUTCOMES name, shares at the clinic's mean intake
    change: Estimate | None = None  # adjusted change in points (negative = improvement)
    #: the therapist's shrunken deviation from the clinic's change (the BLUP, points)
    change_vs_clinic: Estimate | None = None
    pre_post_d: Estimate | None = None  # adjusted change / clinic intake SD (positive = better)


class UnvariedOutcome(BaseModel):
    """A yes/no outcome every ended episode shares (``events`` of ``episodes``: none or
    all), so there is no variation to model and it is not shown per therapist."""

    model_config = _FROZEN

    outcome: str  # an OUTCOMES name
    events: int
    episodes: int


class TherapistFeedback(BaseModel):
    model_config = _FROZEN

    episodes: int
    mean_intake: float
    intake_sd: float
    minimum_episodes: int
    minimum_reason: str
    therapists: tuple[TherapistOutcomes, ...]  # by key, never ranked
    clinic_pre_post_d: Estimate
    #: share of the episodes that reached the report session reliably improved there
    clinic_improved_by_session_8: Estimate | None = None
    benchmarks: tuple[BenchmarkComparison, ...]
    model: str
    caveat: str
    #: what the feedback leaves out, as facts the reader's language words
    #: (:func:`attunement.wording.feedback_notes_words`): outcomes without variation, and
    #: whether the therapists' variance in change is estimated at about zero (each
    #: therapist's change then shrinks to the clinic's)
    unvaried: tuple[UnvariedOutcome, ...] = ()
    therapists_alike: bool = False


class FeedbackGap(BaseModel):
    """Why there is no therapist feedback, as a fact the reader's language words
    (:func:`attunement.wording.feedback_gap_words`): ``too_few`` — ``episodes`` ended
    episodes with a later score, fewer than ``minimum``; ``intake_not_varied`` — every
    intake score the same (nothing to adjust for); ``one_therapist`` — all of one
    therapist; ``not_fitted`` — the multilevel model did not converge."""

    model_config = _FROZEN

    reason: Literal["too_few", "intake_not_varied", "one_therapist", "not_fitted"]
    episodes: int
    minimum: int = _MINIMUM_ENDED


def feedback_gap(episodes: Sequence[LearningEpisode]) -> FeedbackGap | None:
    """Why :func:`therapist_feedback` cannot be computed on ``episodes``, None when it can
    (as far as can be told before fitting: a fit that does not converge is ``not_fitted``)."""
    ended = [e for e in episodes if e.sessions >= 2]
    if len(ended) < _MINIMUM_ENDED:
        return FeedbackGap(reason="too_few", episodes=len(ended))
    if len({e.intake for e in ended}) < 2:
        return FeedbackGap(reason="intake_not_varied", episodes=len(ended))
    if len({e.therapist for e in ended}) < 2:
        return FeedbackGap(reason="one_therapist", episodes=len(ended))
    return None


def _flags(episode: LearningEpisode, norms: NormsLike) -> dict[str, bool]:
    category = jacobson_truax_category(episode.intake, episode.final, norms).category
    return {
        "reliable_improvement": category in ("recovered", "improved"),
        "recovery": category == "recovered",
        "deterioration": category == "deteriorated",
        "dropout": episode.dropped_out,
    }


def _improved_by_session(
    episodes: Sequence[LearningEpisode], norms: NormsLike, session: int | None
) -> Estimate | None:
    """Reliable improvement (recovered or improved) at the ``session``-th scored session,
    among the episodes that reached it, with the Wilson interval; None when none did."""
    if session is None:
        return None
    reached = [e for e in episodes if e.sessions >= session]
    improved = sum(
        jacobson_truax_category(e.intake, e.scores[session - 1], norms).category
        in ("recovered", "improved")
        for e in reached
    )
    share = proportion(improved, len(reached))
    if share.share is None or share.ci_low is None or share.ci_high is None:
        return None
    return Estimate(
        value=share.share, low=share.ci_low, high=share.ci_high, raw=share.share, events=improved
    )


def _expit(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def therapist_feedback(
    episodes: Sequence[LearningEpisode],
    norms: NormsLike,
    *,
    report_session: int | None = None,
    settings: LearningSettings | None = None,
) -> TherapistFeedback:
    """Per-therapist outcomes adjusted for intake severity, with EB shrinkage and intervals.

    ``report_session``: the session the clinic's reliable-improvement share is read at for
    the routine-care benchmark (the clinic report's, 8; None leaves that comparison out).
    """
    settings = settings or learning_settings()
    ended = [e for e in episodes if e.sessions >= 2]
    if len(ended) < _MINIMUM_ENDED:
        raise InsufficientData(
            "ended episodes with a later score", len(ended), f"{_MINIMUM_ENDED} or more"
        )
    intake = np.array([e.intake for e in ended])
    final = np.array([e.final for e in ended])
    mean_intake, sd = float(intake.mean()), float(intake.std(ddof=1))
    if not sd > 0:
        raise InsufficientData("intake SD", sd, "above 0 (intake scores that vary)")
    groups = [e.therapist for e in ended]
    centred = {"intake_centred": intake - mean_intake}
    flags = [_flags(e, norms) for e in ended]
    change = fit_random_intercept(final - intake, centred, groups)
    logistic = {}
    unvaried = []
    for name in OUTCOMES:
        events = sum(f[name] for f in flags)
        if 0 < events < len(flags):
            logistic[name] = fit_logistic_random_intercept(
                [f[name] for f in flags], centred, groups
            )
        else:
            unvaried.append(UnvariedOutcome(outcome=name, events=events, episodes=len(flags)))
    minimum = settings.count("minimum_therapist_episodes")
    rows: list[TherapistOutcomes] = []
    for therapist in sorted(set(groups)):
        mine = [i for i, g in enumerate(groups) if g == therapist]
        if len(mine) < minimum:
            rows.append(TherapistOutcomes(therapist=therapist, episodes=len(mine), shown=False))
            continue
        outcomes = {}
        for name, fit in logistic.items():
            eta = float(fit.coefficients[0]) + fit.deviations[therapist]
            se = math.hypot(float(fit.standard_errors[0]), fit.deviation_se[therapist])
            events = sum(flags[i][name] for i in mine)
            outcomes[name] = Estimate(
                value=_expit(eta),
                low=_expit(eta - Z95 * se),
                high=_expit(eta + Z95 * se),
                raw=events / len(mine),
                events=events,
            )
        deviation, deviation_se = change.deviations[therapist], change.deviation_se[therapist]
        value = float(change.coefficients[0]) + deviation
        se = math.hypot(float(change.standard_errors[0]), deviation_se)
        raw = float(np.mean((final - intake)[mine]))
        adjusted = Estimate(value=value, low=value - Z95 * se, high=value + Z95 * se, raw=raw)
        rows.append(
            TherapistOutcomes(
                therapist=therapist,
                episodes=len(mine),
                shown=True,
                outcomes=outcomes,
                change=adjusted,
                change_vs_clinic=Estimate(
                    value=deviation,
                    low=deviation - Z95 * deviation_se,
                    high=deviation + Z95 * deviation_se,
                    raw=raw - float(np.mean(final - intake)),
                ),
                pre_post_d=Estimate(
                    value=-value / sd,
                    low=-adjusted.high / sd,
                    high=-adjusted.low / sd,
                    raw=-raw / sd,
                ),
            )
        )
    effect = pre_post_effect_size(intake.tolist(), final.tolist())
    clinic = Estimate(value=effect.d, low=effect.ci_low, high=effect.ci_high, raw=effect.d)
    by_8 = _improved_by_session(ended, norms, report_session)
    figures = {
        "pre_post_d": clinic,
        "reliable_improvement_by_session_8": by_8,
    }
    benchmarks = tuple(
        compare_to_benchmark(b, figure.value, figure.low, figure.high)
        if (figure := figures.get(b.compare_with)) is not None
        else compare_to_benchmark(b, None)
        for b in load_evidence().outcome_benchmarks
    )
    return TherapistFeedback(
        episodes=len(ended),
        mean_intake=mean_intake,
        intake_sd=sd,
        minimum_episodes=minimum,
        minimum_reason=settings.minimum_therapist_episodes.reason,
        therapists=tuple(rows),
        clinic_pre_post_d=clinic,
        clinic_improved_by_session_8=by_8,
        benchmarks=benchmarks,
        model=MODEL,
        unvaried=tuple(unvaried),
        therapists_alike=change.group_variance <= 1e-6 * change.residual_variance,
        caveat=N_(
            "for supervision, not comparison: adjusted for intake severity only; other case-mix "
            "differences (diagnoses, social circumstances, referral route) are not captured. "
            "Benchmarks are pooled from other services and measures: descriptive only."
        ),
    )
