"""Assemble the clinic report from one small record per episode (pure).

The service layer turns each episode's Status and Plan into an :class:`EpisodeOutcome`;
everything the clinic report prints is computed here from those records with the
functions of ``reports._stats`` — the templates only render it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from attunement.monitoring import load_end_reasons
from attunement.reports._benchmarks import (
    Benchmark,
    BenchmarkComparison,
    compare,
    load_benchmarks,
)
from attunement.reports._models import (
    ClinicianRow,
    ClinicReport,
    EndedCount,
    InstrumentNotice,
    ReportHeader,
)
from attunement.reports._stats import count_alerts, count_categories, group_by_band
from attunement.stats import InsufficientData, Proportion, pre_post_effect_size, proportion

__all__ = ["CATEGORY_RULE", "EpisodeOutcome", "build_clinic_report"]

CATEGORY_RULE = (
    "Jacobson & Truax (1991) categories from each episode's monitoring Status at its latest "
    "session: recovered = reliable improvement and past the clinical cut-off; improved = "
    "reliable improvement without crossing it; deteriorated = reliable worsening; unchanged "
    "= no reliable change. Episodes with fewer than two scorable administrations are counted "
    "as 'not enough data'. Pre–post figures use each episode's intake and latest scorable "
    "score (all episodes, completed or not). The published benchmarks are compared with "
    "ended episodes only (closed with an end reason), as benchmarks report completed "
    "courses; their count by end reason is shown with them."
)


class EpisodeOutcome(BaseModel):
    """What the clinic report needs to know about one episode."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    patient_key: str
    clinician: str
    started_on: dt.date
    last_session_on: dt.date | None = None
    scored_sessions: int = Field(ge=0)
    intake: float | None
    latest: float | None
    intake_band: str | None = None
    category: str | None
    response: bool | None = None
    remission: bool | None = None
    alert: str = "white"
    risk: bool = False
    category_at_session_8: str | None = None
    has_plan: bool = False
    accommodated_preference: bool = False
    accommodated_culture: bool = False
    #: why the episode ended (``planned_end``, ``dropout`` …); None while it is open
    end_reason: str | None = None


def _pairs(outcomes: Sequence[EpisodeOutcome]) -> tuple[list[float], list[float]]:
    pre: list[float] = []
    post: list[float] = []
    for outcome in outcomes:
        if (
            outcome.scored_sessions >= 2
            and outcome.intake is not None
            and outcome.latest is not None
        ):
            pre.append(outcome.intake)
            post.append(outcome.latest)
    return pre, post


def _clinicians(outcomes: Sequence[EpisodeOutcome]) -> tuple[ClinicianRow, ...]:
    grouped: dict[str, list[EpisodeOutcome]] = defaultdict(list)
    for outcome in outcomes:
        grouped[outcome.clinician].append(outcome)
    return tuple(
        ClinicianRow(
            clinician=name,
            episodes=len(rows),
            counts=count_categories(r.category for r in rows),
            red_alerts=sum(r.alert == "red" for r in rows),
            risk_flags=sum(r.risk for r in rows),
        )
        for name, rows in sorted(grouped.items())
    )


def _improved_at_8(outcomes: Sequence[EpisodeOutcome]) -> Proportion:
    at_8 = [o.category_at_session_8 for o in outcomes if o.category_at_session_8 is not None]
    return proportion(sum(c in {"recovered", "improved"} for c in at_8), len(at_8))


def _compare(
    ended: Sequence[EpisodeOutcome],
    benchmarks: Sequence[Benchmark] | None,
    *,
    higher_is_worse: bool,
) -> list[BenchmarkComparison]:
    """Each benchmark beside the clinic's figure over its ended episodes only."""
    pre, post = _pairs(ended)
    try:
        effect = pre_post_effect_size(pre, post, higher_is_worse=higher_is_worse)
    except InsufficientData:
        effect = None
    improved_at_8 = _improved_at_8(ended)
    comparisons = []
    for benchmark in benchmarks if benchmarks is not None else load_benchmarks():
        if benchmark.compare_with == "pre_post_d":
            comparisons.append(
                compare(
                    benchmark,
                    effect.d if effect else None,
                    effect.ci_low if effect else None,
                    effect.ci_high if effect else None,
                )
            )
        else:
            comparisons.append(
                compare(benchmark, improved_at_8.share, improved_at_8.ci_low, improved_at_8.ci_high)
            )
    return comparisons


def _ended_by_reason(ended: Sequence[EpisodeOutcome]) -> tuple[EndedCount, ...]:
    """Ended episodes per end reason, in the order of the vocabulary file."""
    reasons = load_end_reasons()
    counts = defaultdict(int, Counter(o.end_reason for o in ended if o.end_reason))
    order = [*reasons.reasons, *sorted(set(counts) - set(reasons.reasons))]
    return tuple(
        EndedCount(reason=key, label=reasons.label(key), episodes=counts[key])
        for key in order
        if counts[key]
    )


def build_clinic_report(
    outcomes: Sequence[EpisodeOutcome],
    *,
    instrument: str,
    band_order: Sequence[str],
    generated_on: dt.date,
    synthetic: bool,
    notices: Sequence[InstrumentNotice] = (),
    higher_is_worse: bool = True,
    title: str = "Clinic outcomes report",
    synthetic_label: str | None = None,
    benchmarks: Sequence[Benchmark] | None = None,
    excluded_other_instrument: int = 0,
    open_risk_events: int = 0,
    open_risk_patients: int = 0,
) -> ClinicReport:
    """The clinic report for ``outcomes`` (one per episode) of the outcome ``instrument``.

    ``open_risk_events`` and ``open_risk_patients`` count the open risk events of every
    patient reported on (a patient without an episode of this instrument included): an open
    risk event is never left out of a count.
    """
    pre, post = _pairs(outcomes)
    effect = None
    problem = None
    try:
        effect = pre_post_effect_size(pre, post, higher_is_worse=higher_is_worse)
    except InsufficientData as error:
        problem = error.message
    improved_at_8 = _improved_at_8(outcomes)
    responses = [o.response for o in outcomes if o.response is not None]
    remissions = [o.remission for o in outcomes if o.remission is not None]
    planned = [o for o in outcomes if o.has_plan]
    ended = [o for o in outcomes if o.end_reason is not None]
    comparisons = _compare(ended, benchmarks, higher_is_worse=higher_is_worse)
    starts = [o.started_on for o in outcomes]
    ends = [o.last_session_on for o in outcomes if o.last_session_on is not None]
    return ClinicReport(
        header=ReportHeader(
            title=title,
            generated_on=generated_on,
            synthetic=synthetic,
            synthetic_label=synthetic_label,
        ),
        instrument=instrument,
        episodes=len(outcomes),
        period_start=min(starts) if starts else None,
        period_end=max(ends) if ends else None,
        categories=count_categories(o.category for o in outcomes),
        response=proportion(sum(responses), len(responses)),
        remission=proportion(sum(remissions), len(remissions)),
        reliable_improvement_by_session_8=improved_at_8,
        effect_size=effect,
        effect_size_problem=problem,
        benchmarks=tuple(comparisons),
        alerts=count_alerts((o.alert, o.risk) for o in outcomes),
        open_risk_events=open_risk_events,
        open_risk_patients=open_risk_patients,
        accommodated=proportion(
            sum(o.accommodated_preference or o.accommodated_culture for o in planned), len(planned)
        ),
        accommodated_preference=proportion(
            sum(o.accommodated_preference for o in planned), len(planned)
        ),
        accommodated_culture=proportion(sum(o.accommodated_culture for o in planned), len(planned)),
        severity=group_by_band(
            ((o.intake_band, o.category) for o in outcomes if o.intake_band is not None),
            band_order,
        ),
        clinicians=_clinicians(outcomes),
        notices=tuple(notices),
        category_rule=CATEGORY_RULE,
        excluded_other_instrument=excluded_other_instrument,
        benchmark_episodes=len(ended),
        ended_by_reason=_ended_by_reason(ended),
    )
