"""Assemble the clinic report from one small record per episode (pure).

The service layer turns each episode's stored Status and its Plan into an
:class:`EpisodeOutcome`; everything the clinic report prints is computed here from those
records with the tallies of ``reports._chart_data`` and :mod:`attunement.stats` — the
templates only render it. A :class:`ClinicTally` takes the records one at a time and keeps
only running counts and sums (never the records), so a report over any number of episodes
needs the same memory (issue 13); :func:`build_clinic_report` is the same tally over a sequence.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict, Field

from attunement.documents._chart_data import (
    alerts_from_counts,
    categories_from_counts,
    groups_from_counts,
)
from attunement.documents._models import (
    ClinicianRow,
    ClinicReport,
    EndedCount,
    InstrumentNotice,
    ReportHeader,
)
from attunement.evidence import (
    BenchmarkComparison,
    OutcomeBenchmark,
    compare_to_benchmark,
    load_evidence,
)
from attunement.i18n import N_, SOURCE_LANGUAGE, translate
from attunement.monitoring import load_end_reasons
from attunement.stats import (
    InsufficientData,
    PairedMoments,
    Proportion,
    StandardizedMeanChange,
    proportion,
)
from attunement.wording import (
    effect_size_missing_words,
    end_reasons_in,
    outcome_benchmarks_in,
)

__all__ = ["CATEGORY_RULE", "ClinicTally", "EpisodeOutcome"]

#: How the report counts categories and compares with benchmarks (a message id: shown in
#: the clinic's language).
CATEGORY_RULE = N_(
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


class _Change:
    """The running pre–post pairs and session-8 categories of a set of episodes."""

    def __init__(self) -> None:
        self.pairs = PairedMoments()
        self.at_8 = 0
        self.improved_at_8 = 0

    def add(self, outcome: EpisodeOutcome) -> None:
        if (
            outcome.scored_sessions >= 2
            and outcome.intake is not None
            and outcome.latest is not None
        ):
            self.pairs.add(outcome.intake, outcome.latest)
        if outcome.category_at_session_8 is not None:
            self.at_8 += 1
            self.improved_at_8 += outcome.category_at_session_8 in {"recovered", "improved"}

    def effect(
        self, *, higher_is_worse: bool, language: str
    ) -> tuple[StandardizedMeanChange | None, str | None]:
        """The pre–post effect size, or why it was not computed (in ``language``)."""
        try:
            return self.pairs.effect_size(higher_is_worse=higher_is_worse), None
        except InsufficientData as error:
            return None, effect_size_missing_words(error, language)

    def improved_by_session_8(self) -> Proportion:
        return proportion(self.improved_at_8, self.at_8)


class _ClinicianTally:
    def __init__(self) -> None:
        self.episodes = 0
        self.categories: Counter[str | None] = Counter()
        self.red = 0
        self.risk = 0


class ClinicTally:
    """The clinic report's figures, accumulated one :class:`EpisodeOutcome` at a time.

    Holds counts and running sums only (per category, alert level, intake band, end reason
    and clinician), so its memory does not grow with the number of episodes added.
    """

    def __init__(self) -> None:
        self.episodes = 0
        self.period_start: dt.date | None = None
        self.period_end: dt.date | None = None
        self.categories: Counter[str | None] = Counter()
        self.alerts: Counter[str] = Counter()
        self.risk = 0
        self.responses = [0, 0]  # [yes, judged]
        self.remissions = [0, 0]
        self.planned = 0
        self.accommodated = [0, 0, 0]  # [either, preference, culture]
        self.bands: dict[str, Counter[str | None]] = {}
        self.clinicians: dict[str, _ClinicianTally] = {}
        self.change = _Change()
        self.ended = _Change()
        self.end_reasons: Counter[str] = Counter()

    def add(self, outcome: EpisodeOutcome) -> None:
        """Count one episode."""
        self.episodes += 1
        if self.period_start is None or outcome.started_on < self.period_start:
            self.period_start = outcome.started_on
        last = outcome.last_session_on
        if last is not None and (self.period_end is None or last > self.period_end):
            self.period_end = last
        self.categories[outcome.category] += 1
        self.alerts[outcome.alert] += 1
        self.risk += outcome.risk
        for tally, value in (
            (self.responses, outcome.response),
            (self.remissions, outcome.remission),
        ):
            if value is not None:
                tally[0] += value
                tally[1] += 1
        if outcome.has_plan:
            self.planned += 1
            self.accommodated[0] += outcome.accommodated_preference or outcome.accommodated_culture
            self.accommodated[1] += outcome.accommodated_preference
            self.accommodated[2] += outcome.accommodated_culture
        if outcome.intake_band is not None:
            self.bands.setdefault(outcome.intake_band, Counter())[outcome.category] += 1
        clinician = self.clinicians.setdefault(outcome.clinician, _ClinicianTally())
        clinician.episodes += 1
        clinician.categories[outcome.category] += 1
        clinician.red += outcome.alert == "red"
        clinician.risk += outcome.risk
        self.change.add(outcome)
        if outcome.end_reason is not None:
            self.ended.add(outcome)
            self.end_reasons[outcome.end_reason] += 1

    def add_all(self, outcomes: Iterable[EpisodeOutcome]) -> ClinicTally:
        for outcome in outcomes:
            self.add(outcome)
        return self

    def _clinician_rows(self) -> tuple[ClinicianRow, ...]:
        return tuple(
            ClinicianRow(
                clinician=name,
                episodes=row.episodes,
                counts=categories_from_counts(row.categories),
                red_alerts=row.red,
                risk_flags=row.risk,
            )
            for name, row in sorted(self.clinicians.items())
        )

    def _compare(
        self,
        benchmarks: Sequence[OutcomeBenchmark] | None,
        *,
        higher_is_worse: bool,
        language: str,
    ) -> list[BenchmarkComparison]:
        """Each benchmark (its label in ``language``) beside the clinic's figure over its
        ended episodes only."""
        effect, _ = self.ended.effect(higher_is_worse=higher_is_worse, language=language)
        improved_at_8 = self.ended.improved_by_session_8()
        comparisons = []
        for benchmark in outcome_benchmarks_in(
            benchmarks if benchmarks is not None else load_evidence().outcome_benchmarks,
            language,
        ):
            if benchmark.compare_with == "pre_post_d":
                comparisons.append(
                    compare_to_benchmark(
                        benchmark,
                        effect.d if effect else None,
                        effect.ci_low if effect else None,
                        effect.ci_high if effect else None,
                    )
                )
            else:
                comparisons.append(
                    compare_to_benchmark(
                        benchmark, improved_at_8.share, improved_at_8.ci_low, improved_at_8.ci_high
                    )
                )
        return comparisons

    def _ended_by_reason(self, language: str) -> tuple[EndedCount, ...]:
        """Ended episodes per end reason, in the order of the vocabulary file, each named
        in ``language``."""
        reasons = end_reasons_in(load_end_reasons(), language)
        counts = Counter({key: n for key, n in self.end_reasons.items() if key})
        order = [*reasons.reasons, *sorted(set(counts) - set(reasons.reasons))]
        return tuple(
            EndedCount(reason=key, label=reasons.label(key), episodes=counts[key])
            for key in order
            if counts[key]
        )

    def report(
        self,
        *,
        instrument: str,
        band_order: Sequence[str],
        generated_on: dt.date,
        synthetic: bool,
        notices: Sequence[InstrumentNotice] = (),
        higher_is_worse: bool = True,
        title: str | None = None,
        synthetic_label: str | None = None,
        benchmarks: Sequence[OutcomeBenchmark] | None = None,
        excluded_other_instrument: int = 0,
        open_risk_events: int = 0,
        open_risk_patients: int = 0,
        clinic_language: str = SOURCE_LANGUAGE,
    ) -> ClinicReport:
        """The clinic report over the episodes added, worded in ``clinic_language`` (an
        available language): its title (unless ``title`` is given), method and end reasons.

        ``open_risk_events`` and ``open_risk_patients`` count the open risk events of every
        patient reported on (a patient without an episode of this instrument included): an
        open risk event is never left out of a count.
        """
        effect, problem = self.change.effect(
            higher_is_worse=higher_is_worse, language=clinic_language
        )
        planned = self.planned
        return ClinicReport(
            header=ReportHeader(
                title=title or translate(N_("Clinic outcomes report"), clinic_language),
                generated_on=generated_on,
                synthetic=synthetic,
                synthetic_label=synthetic_label,
            ),
            instrument=instrument,
            episodes=self.episodes,
            period_start=self.period_start,
            period_end=self.period_end,
            categories=categories_from_counts(self.categories),
            response=proportion(*self.responses),
            remission=proportion(*self.remissions),
            reliable_improvement_by_session_8=self.change.improved_by_session_8(),
            effect_size=effect,
            effect_size_problem=problem,
            benchmarks=tuple(
                self._compare(benchmarks, higher_is_worse=higher_is_worse, language=clinic_language)
            ),
            alerts=alerts_from_counts(self.alerts, risk=self.risk),
            open_risk_events=open_risk_events,
            open_risk_patients=open_risk_patients,
            accommodated=proportion(self.accommodated[0], planned),
            accommodated_preference=proportion(self.accommodated[1], planned),
            accommodated_culture=proportion(self.accommodated[2], planned),
            severity=groups_from_counts(self.bands, band_order),
            clinicians=self._clinician_rows(),
            notices=tuple(notices),
            category_rule=translate(CATEGORY_RULE, clinic_language),
            excluded_other_instrument=excluded_other_instrument,
            benchmark_episodes=sum(self.end_reasons.values()),
            ended_by_reason=self._ended_by_reason(clinic_language),
        )
